//! The print queue end to end, through the kiosk's screens, against a fake ESC/POS
//! network printer on 127.0.0.1 that answers `DLE EOT` from a script we change while it
//! runs: paper out, paper back, silence, a connection dropped mid-job, and reprints.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use lobby_kiosk::journeys::{reprint, worker};
use lobby_kiosk::printing::fake::{Answers, FakePrinter, Script, PAPER_OUT, READY};
use lobby_kiosk::printing::PrinterState;
use lobby_kiosk::store::{JobState, Pass, Permit, PermitStatus};
use lobby_kiosk::ui::{AppState, VisitorAdapter, VisitorStep, WorkerAdapter, WorkerStep};
use slint::ComponentHandle;

/// A kiosk printing to `fake`, asking the printer again every `retry_seconds`.
fn kiosk_on(fake: &FakePrinter, timeout_ms: u32, retry_seconds: u32) -> TestKiosk {
    let addr = fake.addr();
    let k = kiosk_with(|text| {
        text.replace(
            "driver = \"virtual\"",
            &format!("driver = \"network\"\naddress = \"{addr}\""),
        )
        .replace("timeout_ms = 1500", &format!("timeout_ms = {timeout_ms}"))
        .replace("retry_seconds = 15", &format!("retry_seconds = {retry_seconds}"))
    });
    k.app().set_now(Some(monday_at(10, 0)));
    k
}

fn permit(k: &TestKiosk) -> Permit {
    file_permit(
        k.app(),
        "安居装饰工程有限公司",
        &["张三明:13700001111"],
        true,
        monday_at(10, 0),
    )
}

fn step(k: &TestKiosk) -> WorkerStep {
    k.window.global::<WorkerAdapter>().get_step()
}

/// The worker types the permit code, taps their name and confirms the last four
/// digits of their mobile; returns without waiting for
/// the printer when `wait` is false (the screen is then still deciding).
fn ask_for_pass(k: &TestKiosk, code: &str, wait: bool) {
    tap(k, "装修临时通行证");
    for c in code.chars() {
        tap(k, &c.to_string());
    }
    tap(k, "下一步");
    tap(k, "施工人员 张*明");
    type_keys(k, "1111");
    if wait {
        tap(k, "确认");
    } else {
        find(k, "确认").mock_single_click(slint::platform::PointerEventButton::Left);
    }
}

fn the_pass(k: &TestKiosk) -> Pass {
    let no = read(k, "通行证号");
    k.app().store().pass_by_no(&no).unwrap().expect("the pass is on record")
}

fn notice_kinds(k: &TestKiosk) -> Vec<String> {
    k.app()
        .store()
        .notices(50)
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

fn newest_job_state(k: &TestKiosk, pass: &Pass) -> Option<JobState> {
    k.app()
        .store()
        .slip_state(lobby_kiosk::journeys::RecordKind::Pass, pass.id)
        .unwrap()
}

/// Waits in real time (bounded) for the background retry to do something.
fn eventually(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what} did not happen within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn paper_out_tells_the_worker_at_once_then_the_pass_prints_once_when_paper_is_back() {
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let k = kiosk_on(&fake, 500, 2);
    let permit = permit(&k);
    ask_for_pass(&k, &permit.code, true);

    // The worker is told politely, the pass is not counted as printed, the desk knows.
    assert_eq!(step(&k), WorkerStep::NotPrinted);
    assert!(
        screen_text(&k)
            .iter()
            .any(|t| t.contains("工作人员已收到通知，会在前台为您补打")),
        "{:?}",
        screen_text(&k)
    );
    assert!(
        !k.window.global::<AppState>().get_printing(),
        "the printing notice is gone"
    );
    let pass = the_pass(&k);
    assert!(pass.printed_at.is_none(), "a slip that did not come out is not printed");
    assert_eq!(newest_job_state(&k, &pass), Some(JobState::Failed));
    assert!(fake.jobs().is_empty(), "nothing is sent to a printer without paper");
    let kinds = notice_kinds(&k);
    assert!(kinds.contains(&"slip_not_printed".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"printer_fault".to_string()), "{kinds:?}");
    assert_eq!(k.app().printer_status().map(|s| s.state), Some(PrinterState::PaperOut));

    // Paper goes back in; the owed pass comes out by itself, once.
    fake.set_script(Script::answering(READY));
    eventually("the owed pass printing", Duration::from_secs(15), || {
        fake.jobs().len() == 1
    });
    eventually("the pass counting as printed", Duration::from_secs(5), || {
        the_pass(&k).printed_at.is_some()
    });
    std::thread::sleep(Duration::from_millis(4_500)); // two more retry rounds
    assert_eq!(fake.jobs().len(), 1, "an owed slip prints once, not at every retry");
    let token = qr_in_escpos(&fake.jobs()[0]).expect("the late slip carries the QR");
    let check = worker::verify_pass(k.app(), &token, monday_at(10, 5)).unwrap();
    assert_eq!(check.pass_no.as_deref(), Some(pass.pass_no.as_str()));
    let notices = k.app().store().notices(50).unwrap();
    assert!(
        notices.iter().any(|n| n.notice.contains("补打的凭条已出")),
        "the desk is told to collect the late slip"
    );
}

#[test]
fn a_connection_dropped_mid_job_is_not_counted_as_printed() {
    let fake = FakePrinter::start(Script {
        answers: READY,
        switch_after: None,
        drop_after: Some(100),
    });
    let k = kiosk_on(&fake, 500, 600);
    let permit = permit(&k);
    ask_for_pass(&k, &permit.code, true);
    assert_eq!(step(&k), WorkerStep::NotPrinted);
    let pass = the_pass(&k);
    assert!(pass.printed_at.is_none());
    assert_eq!(newest_job_state(&k, &pass), Some(JobState::Failed));
}

#[test]
fn a_silent_printer_is_unknown_and_the_worker_is_told_within_five_seconds() {
    let fake = FakePrinter::start(Script::answering(Answers::Silent));
    // The printer takes far longer to time out than a person should wait.
    let k = kiosk_on(&fake, 6_000, 600);
    let permit = permit(&k);
    ask_for_pass(&k, &permit.code, false);
    assert!(
        k.window.global::<AppState>().get_printing(),
        "the screen says it is printing"
    );
    assert!(is_shown(&k, "正在打印"));
    // 4.5 seconds of screen time pass while the printing thread still waits.
    for _ in 0..45 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(100));
    }
    assert_eq!(step(&k), WorkerStep::NotPrinted, "told within five seconds");
    assert!(!k.window.global::<AppState>().get_printing());
    settle(&k);
    let pass = the_pass(&k);
    assert!(pass.printed_at.is_none(), "silence is never counted as printed");
    assert_eq!(newest_job_state(&k, &pass), Some(JobState::Failed));
    assert_eq!(k.app().printer_status().map(|s| s.state), Some(PrinterState::Unknown));
}

#[test]
fn a_staff_reprint_sends_the_same_pass_never_a_second_one() {
    let fake = FakePrinter::start(Script::answering(READY));
    let k = kiosk_on(&fake, 500, 600);
    let permit = permit(&k);
    ask_for_pass(&k, &permit.code, true);
    assert_eq!(step(&k), WorkerStep::Issued);
    let pass = the_pass(&k);
    assert!(pass.printed_at.is_some());
    let job_id = k
        .app()
        .store()
        .last_print_job_for(lobby_kiosk::journeys::RecordKind::Pass, pass.id)
        .unwrap()
        .unwrap();

    let printing = reprint::reprint_job(k.app(), job_id, "王芳", monday_at(10, 3))
        .unwrap()
        .unwrap();
    assert!(matches!(printing, lobby_kiosk::app::Printing::Pending(_)));
    settle(&k);
    let jobs = fake.jobs();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0], jobs[1], "the reprint is byte for byte the same slip");
    let first = qr_in_escpos(&jobs[0]).unwrap();
    let again = qr_in_escpos(&jobs[1]).unwrap();
    assert_eq!(first, again, "the same signed pass");
    let audit = k.app().store().audit_since(monday_at(0, 0)).unwrap();
    assert!(audit.iter().any(|a| a.action == "reprint" && a.staff == "王芳"));
}

#[test]
fn a_pass_revoked_while_owed_is_not_printed_late() {
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let k = kiosk_on(&fake, 500, 600);
    let permit = permit(&k);
    ask_for_pass(&k, &permit.code, true);
    assert_eq!(step(&k), WorkerStep::NotPrinted);
    let pass = the_pass(&k);
    k.app().store().revoke_pass(&pass.pass_no, monday_at(10, 1)).unwrap();
    fake.set_script(Script::answering(READY));
    k.app().retry_printing().unwrap();
    settle(&k);
    assert!(fake.jobs().is_empty(), "a revoked pass never comes out of the printer");
    let job_id = k
        .app()
        .store()
        .last_print_job_for(lobby_kiosk::journeys::RecordKind::Pass, pass.id)
        .unwrap()
        .unwrap();
    assert_eq!(
        reprint::reprint_job(k.app(), job_id, "王芳", monday_at(10, 2)).unwrap(),
        Err(reprint::ReprintRefused::Revoked)
    );
}

#[test]
fn a_pass_whose_permit_is_suspended_while_owed_is_not_printed_late() {
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let k = kiosk_on(&fake, 500, 600);
    let permit = permit(&k);
    ask_for_pass(&k, &permit.code, true);
    assert_eq!(step(&k), WorkerStep::NotPrinted);
    let pass = the_pass(&k);
    // Suspending the permit changes only the permit's status, not the pass itself.
    assert!(k
        .app()
        .store()
        .set_permit_status(&permit.code, PermitStatus::Suspended, monday_at(10, 1))
        .unwrap());
    fake.set_script(Script::answering(READY));
    k.app().retry_printing().unwrap();
    settle(&k);
    assert!(
        fake.jobs().is_empty(),
        "a pass of a suspended permit never comes out of the printer"
    );
    assert_ne!(newest_job_state(&k, &pass), Some(JobState::Done));
    let notices = k.app().store().notices(50).unwrap();
    assert!(
        notices.iter().all(|n| !n.notice.contains("Printer back; slip printed")),
        "the desk is not told to hand a suspended permit's pass over"
    );
    let job_id = k
        .app()
        .store()
        .last_print_job_for(lobby_kiosk::journeys::RecordKind::Pass, pass.id)
        .unwrap()
        .unwrap();
    assert_eq!(
        reprint::reprint_job(k.app(), job_id, "王芳", monday_at(10, 2)).unwrap(),
        Err(reprint::ReprintRefused::Revoked),
        "staff reprints and retries follow the same rule"
    );
}

#[test]
fn image_text_mode_reaches_a_network_printer_as_pictures_not_a_chinese_font() {
    let fake = FakePrinter::start(Script::answering(READY));
    let addr = fake.addr();
    let k = kiosk_with(|text| {
        text.replace(
            "driver = \"virtual\"",
            &format!("driver = \"network\"\naddress = \"{addr}\""),
        )
        .replace("text_mode = \"gb18030\"", "text_mode = \"image\"")
    });
    k.app().set_now(Some(monday_at(10, 0)));
    let permit = permit(&k);
    ask_for_pass(&k, &permit.code, true);
    assert_eq!(step(&k), WorkerStep::Issued);
    let jobs = fake.jobs();
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];
    let has = |needle: &[u8]| job.windows(needle.len()).any(|w| w == needle);
    assert!(
        !has(&[0x1C, 0x26]),
        "no FS &: the printer's Chinese font is never asked for"
    );
    let pass_no = read(&k, "通行证号");
    assert!(!has(pass_no.as_bytes()), "text lines are pictures, not characters");
    assert!(has(&[0x1D, 0x76, 0x30]), "raster images (GS v 0)");
    assert!(qr_in_escpos(job).is_some(), "the QR still reads");
}

#[test]
fn staff_see_the_printer_fault_and_the_owed_slip_and_reprint_it_once_paper_is_back() {
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let k = kiosk_on(&fake, 500, 600);
    let permit = permit(&k);
    ask_for_pass(&k, &permit.code, true);
    assert_eq!(step(&k), WorkerStep::NotPrinted);
    let pass = the_pass(&k);
    k.window.global::<AppState>().invoke_go_home();

    use lobby_kiosk::journeys::staff::{add_staff, Role};
    add_staff(k.app(), "bootstrap", "王芳", Role::Desk, "583016", Utc::now())
        .unwrap()
        .unwrap();
    find(&k, "工作人员入口").invoke_accessible_default_action();
    for c in "583016".chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "进入");
    tap(&k, "打印 · 需处理");
    assert!(read(&k, "打印机状态").contains("缺纸"), "{}", read(&k, "打印机状态"));
    let job_id = k
        .app()
        .store()
        .last_print_job_for(lobby_kiosk::journeys::RecordKind::Pass, pass.id)
        .unwrap()
        .unwrap();
    assert!(is_shown(&k, &format!("重打 {job_id}")));

    fake.set_script(Script::answering(READY));
    tap(&k, &format!("重打 {job_id}"));
    assert!(read(&k, "操作结果").contains("已重打"), "{}", read(&k, "操作结果"));
    assert_eq!(fake.jobs().len(), 1, "the reprint came out once");
    assert!(the_pass_by_no(&k, &pass.pass_no).printed_at.is_some());
    assert!(!is_shown(&k, &format!("重打 {job_id}")), "nothing is owed any more");
    let audit = k.app().store().audit_since(monday_at(0, 0)).unwrap();
    assert!(audit.iter().any(|a| a.action == "reprint" && a.staff == "王芳"));
}

fn the_pass_by_no(k: &TestKiosk, no: &str) -> Pass {
    k.app().store().pass_by_no(no).unwrap().unwrap()
}

#[test]
fn a_visitor_approved_at_the_desk_while_the_paper_is_out_is_told_politely() {
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let k = kiosk_on(&fake, 500, 600);
    add_desk_staff(k.app(), Utc::now());
    tap(&k, "访客登记");
    type_keys(&k, "13900000004");
    tap(&k, "下一步");
    type_keys(&k, "1-1-101");
    tap(&k, "下一步");
    tap(&k, "姓 王");
    tap(&k, "同意并登记");
    let visitor = || k.window.global::<VisitorAdapter>().get_step();
    assert_eq!(visitor(), VisitorStep::Waiting);

    // The desk approves; the slip is refused by the printer. The waiting screen follows
    // the slip like any other and, within seconds, says the desk will hand it over.
    let visit = k.app().store().last_visit_by_phone("13900000004").unwrap().unwrap();
    let decided = lobby_kiosk::journeys::visitor::decide(k.app(), visit.id, true, "王芳", k.app().now()).unwrap();
    assert!(decided.is_some());
    k.app().wait_for_printing(Duration::from_secs(10));
    for _ in 0..10 {
        if visitor() != VisitorStep::Waiting && !k.window.global::<AppState>().get_printing() {
            break;
        }
        wait_seconds(1);
        settle(&k);
    }
    assert_eq!(visitor(), VisitorStep::NotPrinted);
    assert!(
        !k.window.global::<AppState>().get_printing(),
        "no printing notice left up"
    );
}
