//! Renovation worker passes end to end: a filed permit, a worker at the kiosk, the
//! checks, the slip, its QR read back by an independent decoder and verified.

mod common;

use chrono::Utc;
use common::*;
use lobby_kiosk::journeys::worker;
use lobby_kiosk::store::{Permit, PermitStatus};
use lobby_kiosk::ui::{AppState, Page, WorkerAdapter, WorkerRefusal, WorkerStep};
use slint::ComponentHandle;

fn permit(k: &TestKiosk, deposit_paid: bool) -> Permit {
    file_permit(
        k.app(),
        "安居装饰工程有限公司",
        &["张三明:13700001111:110101199003071233", "李四:13700002222"],
        deposit_paid,
        Utc::now(),
    )
}

fn step(k: &TestKiosk) -> WorkerStep {
    k.window.global::<WorkerAdapter>().get_step()
}

fn ask_for_pass(k: &TestKiosk, code: &str, who: &str) {
    tap(k, "装修临时通行证");
    for c in code.chars() {
        tap(k, &c.to_string());
    }
    tap(k, "下一步");
    assert_eq!(step(k), WorkerStep::Roster, "the roster follows the permit code");
    tap(k, who);
}

#[test]
fn a_worker_gets_a_pass_whose_qr_verifies_and_asking_again_reprints_the_same_pass() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(10, 0)));
    let permit = permit(&k, true);
    ask_for_pass(&k, &permit.code, "施工人员 张*明");
    assert_eq!(step(&k), WorkerStep::Issued);
    let pass_no = read(&k, "通行证号");
    assert!(pass_no.starts_with("W20261130-"), "{pass_no}");

    let slips = printed_slips(k.dir.path());
    let pass_slips: Vec<_> = slips.iter().filter(|(name, _)| name.ends_with("-pass.bin")).collect();
    assert_eq!(pass_slips.len(), 1);
    let bytes = &pass_slips[0].1;
    let token = qr_in_escpos(bytes).expect("the pass carries a readable QR");
    let check = worker::verify_pass(k.app(), &token, monday_at(10, 5)).unwrap();
    assert!(check.valid, "{check:?}");
    assert_eq!(check.pass_no.as_deref(), Some(pass_no.as_str()));
    assert_eq!(check.unit.as_deref(), Some("2-1-302"));
    assert_eq!(check.worker.as_deref(), Some("张*明"));
    // Valid to the end of the morning window, not beyond.
    assert!(!worker::verify_pass(k.app(), &token, monday_at(12, 0)).unwrap().valid);
    for needle in ["13700001111", "1233", "张三明"] {
        let gb = encoding_rs::GB18030.encode(needle).0;
        assert!(
            !bytes.windows(gb.len()).any(|w| w == &gb[..]),
            "{needle} must not be printed"
        );
    }

    tap(&k, "完成");
    ask_for_pass(&k, &permit.code, "施工人员 张*明");
    assert_eq!(read(&k, "通行证号"), pass_no, "the same pass, never a second one");
    assert!(k.window.global::<WorkerAdapter>().get_reprint());
    let slips = printed_slips(k.dir.path());
    let again: Vec<_> = slips.iter().filter(|(name, _)| name.ends_with("-pass.bin")).collect();
    assert_eq!(again.len(), 2);
    assert_eq!(
        qr_in_escpos(&again[1].1).unwrap(),
        token,
        "a reprint carries the same token"
    );
}

#[test]
fn outside_renovation_hours_no_pass_and_the_hours_are_explained() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(12, 30)));
    let permit = permit(&k, true);
    ask_for_pass(&k, &permit.code, "施工人员 李*");
    assert_eq!(step(&k), WorkerStep::Refused);
    assert_eq!(
        k.window.global::<WorkerAdapter>().get_refusal(),
        WorkerRefusal::OutsideHours
    );
    let text = read(&k, "现在不是装修施工时间");
    assert!(text.contains("08:00–12:00、14:00–18:00"), "{text}");
    assert!(text.contains("14:00 开始"), "{text}");
    assert!(
        text.contains("邻居"),
        "the neighbours' rest is the reason given: {text}"
    );
    assert!(
        printed_slips(k.dir.path())
            .iter()
            .all(|(n, _)| !n.ends_with("-pass.bin")),
        "no slip outside hours"
    );
}

#[test]
fn a_caller_not_on_the_roster_is_held_for_the_desk() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(9, 0)));
    let permit = permit(&k, true);
    tap(&k, "装修临时通行证");
    for c in permit.code.chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "下一步");
    tap(&k, "名单里找不到我，用手机号查找");
    for c in "13799998888".chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "下一步");
    assert_eq!(
        k.window.global::<WorkerAdapter>().get_refusal(),
        WorkerRefusal::NotOnRoster
    );
    let notices = k.app().store().notices(5).unwrap();
    assert!(notices[0].notice.contains("137****8888"), "the desk is told, masked");
}

#[test]
fn an_unpaid_deposit_and_a_suspended_permit_are_refused_politely() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(15, 0)));
    let unpaid = permit(&k, false);
    ask_for_pass(&k, &unpaid.code, "施工人员 李*");
    assert_eq!(
        k.window.global::<WorkerAdapter>().get_refusal(),
        WorkerRefusal::DepositUnpaid
    );
    tap(&k, "完成");
    let other = permit(&k, true);
    k.app()
        .store()
        .set_permit_status(&other.code, PermitStatus::Suspended, Utc::now())
        .unwrap();
    ask_for_pass(&k, &other.code, "施工人员 李*");
    assert_eq!(
        k.window.global::<WorkerAdapter>().get_refusal(),
        WorkerRefusal::NotActive
    );
}

#[test]
fn an_unknown_permit_code_gets_a_retry() {
    let k = kiosk();
    tap(&k, "装修临时通行证");
    for c in "00000000".chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "下一步");
    assert_eq!(step(&k), WorkerStep::Code);
    assert!(read(&k, "提示").starts_with("抱歉，没有找到这个备案编号"));
}

#[test]
fn a_pass_scanned_at_the_kiosk_is_checked_and_the_worker_signs_out() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(10, 0)));
    let permit = permit(&k, true);
    ask_for_pass(&k, &permit.code, "施工人员 张*明");
    tap(&k, "完成");
    let token = qr_in_escpos(&printed_slips(k.dir.path()).last().unwrap().1).unwrap();
    scan(&k, &token);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Worker);
    assert_eq!(step(&k), WorkerStep::CheckValid);
    tap(&k, "登记离开");
    assert_eq!(step(&k), WorkerStep::Left);
    assert!(k.app().store().passes_on_site(monday_at(10, 1)).unwrap().is_empty());
    tap(&k, "完成");

    // Revoking the permit makes every later check fail.
    k.app()
        .store()
        .set_permit_status(&permit.code, PermitStatus::Revoked, Utc::now())
        .unwrap();
    scan(&k, &token);
    assert_eq!(step(&k), WorkerStep::CheckInvalid);
    assert_eq!(k.window.global::<WorkerAdapter>().get_refusal(), WorkerRefusal::Revoked);
}

#[test]
fn a_permit_slip_scanned_opens_the_roster() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(10, 0)));
    let permit = permit(&k, true);
    let printing = worker::print_permit(k.app(), &permit, monday_at(10, 0)).unwrap();
    assert_ne!(printing, lobby_kiosk::app::Printing::Failed);
    settle(&k);
    let token = qr_in_escpos(&printed_slips(k.dir.path()).last().unwrap().1).unwrap();
    scan(&k, &token);
    assert_eq!(step(&k), WorkerStep::Roster);
    assert!(is_shown(&k, "施工人员 张*明"));
}

/// A kiosk where Monday 30 November 2026 is a public holiday.
fn holiday_kiosk() -> TestKiosk {
    let k = kiosk_with(|t| {
        t.replace(
            r#"holidays = ["2027-01-01""#,
            r#"holidays = ["2026-11-30", "2027-01-01""#,
        )
    });
    k.app().set_now(Some(monday_at(10, 0)));
    k
}

#[test]
fn on_a_holiday_the_worker_reads_that_work_pauses_until_when_and_why() {
    let k = holiday_kiosk();
    let permit = permit(&k, true);
    ask_for_pass(&k, &permit.code, "施工人员 张*明");
    assert_eq!(step(&k), WorkerStep::Refused);
    assert_eq!(k.window.global::<WorkerAdapter>().get_refusal(), WorkerRefusal::Holiday);
    let text = read(&k, "今天是节假日，装修暂停");
    for part in ["节假日", "暂停装修施工", "邻居们好好休息", "12-01 08:00 起可以恢复施工"] {
        assert!(text.contains(part), "{part} missing: {text}");
    }
    assert!(!shows_text(&k, "今日不施工"), "{:?}", screen_text(&k));
    tap(&k, "完成");

    tap(&k, "English");
    tap(&k, "Renovation worker pass");
    for c in permit.code.chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "Next");
    tap(&k, "Worker 张*明");
    let text = read(&k, "Today is a holiday: renovation work pauses");
    for part in [
        "public holiday",
        "pauses",
        "neighbours can rest",
        "resume from 12-01 08:00",
    ] {
        assert!(text.contains(part), "{part} missing: {text}");
    }
    tap(&k, "中文");
    assert!(printed_slips(k.dir.path())
        .iter()
        .all(|(n, _)| !n.ends_with("-pass.bin")));
}
