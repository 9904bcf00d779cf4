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

/// The last four digits of the mobile the contractor registered for a roster name.
fn last_four(who: &str) -> &'static str {
    match who {
        "施工人员 张*明" => "1111",
        _ => "2222",
    }
}

/// Permit code, roster name, then the last four digits of the worker's mobile.
fn ask_for_pass(k: &TestKiosk, code: &str, who: &str) {
    choose_name(k, code, who);
    type_keys(k, last_four(who));
    tap(k, "确认");
}

/// Up to the question that proves who the worker is.
fn choose_name(k: &TestKiosk, code: &str, who: &str) {
    tap(k, "装修临时通行证");
    for c in code.chars() {
        tap(k, &c.to_string());
    }
    tap(k, "下一步");
    assert_eq!(step(k), WorkerStep::Roster, "the roster follows the permit code");
    tap(k, who);
    assert_eq!(
        step(k),
        WorkerStep::Confirm,
        "nothing prints before the worker confirms"
    );
}

fn pass_slips(k: &TestKiosk) -> usize {
    printed_slips(k.dir.path())
        .iter()
        .filter(|(n, _)| n.ends_with("-pass.bin"))
        .count()
}

#[test]
fn a_worker_takes_16_touches_of_which_5_prove_who_they_are() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(10, 0)));
    let permit = permit(&k, true);
    let mut touches = 0;
    let mut touch = |label: &str| {
        touches += 1;
        tap(&k, label);
    };
    touch("装修临时通行证");
    for c in permit.code.chars() {
        touch(&c.to_string());
    }
    touch("下一步");
    touch("施工人员 张*明");
    for c in "1111".chars() {
        touch(&c.to_string());
    }
    touch("确认");
    assert_eq!(step(&k), WorkerStep::Issued);
    assert_eq!(touches, 16, "docs/PERFORMANCE.md keeps this count");
}

#[test]
fn a_wrong_last_four_gets_one_polite_answer_and_the_right_one_prints_the_pass() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(10, 0)));
    let permit = permit(&k, true);
    choose_name(&k, &permit.code, "施工人员 张*明");
    assert!(
        read(&k, "输入提示").contains("张*明"),
        "the name tapped is named, masked"
    );
    type_keys(&k, "2222"); // 李四's digits: the roster name is not enough
    tap(&k, "确认");
    assert_eq!(
        step(&k),
        WorkerStep::Confirm,
        "the name is kept, only the digits are retyped"
    );
    assert_eq!(
        read(&k, "提示"),
        "抱歉，这四位与登记的手机号码不一致。请您再核对一下，还可以再试 2 次；如果手机号码换过了，请施工负责人到前台更新。"
    );
    assert_eq!(
        read(&k, "手机号后四位"),
        "",
        "the wrong digits are cleared for the retry"
    );
    assert_eq!(pass_slips(&k), 0, "no pass before the worker proves who they are");
    type_keys(&k, "1111");
    tap(&k, "确认");
    assert_eq!(step(&k), WorkerStep::Issued);
    assert_eq!(pass_slips(&k), 1);
    let slip = &printed_slips(k.dir.path())[0].1;
    let named = encoding_rs::GB18030.encode("施工人员").0;
    let masked = encoding_rs::GB18030.encode("张*明").0;
    assert!(
        slip.windows(named.len()).any(|w| w == &named[..]) && slip.windows(masked.len()).any(|w| w == &masked[..]),
        "the slip names the worker, masked, so a guard can compare"
    );
}

#[test]
fn three_wrong_last_fours_hold_the_pass_and_tell_the_desk_once() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(10, 0)));
    let permit = permit(&k, true);
    choose_name(&k, &permit.code, "施工人员 张*明");
    for _ in 0..2 {
        type_keys(&k, "9999");
        tap(&k, "确认");
        assert_eq!(step(&k), WorkerStep::Confirm);
    }
    assert!(read(&k, "提示").contains("还可以再试 1 次"), "{}", read(&k, "提示"));
    // Starting over does not give fresh tries.
    tap(&k, "返回");
    tap(&k, "施工人员 张*明");
    type_keys(&k, "9999");
    tap(&k, "确认");
    assert_eq!(step(&k), WorkerStep::Refused);
    assert_eq!(k.window.global::<WorkerAdapter>().get_refusal(), WorkerRefusal::Held);
    assert!(read(&k, "请稍等，前台马上为您核实").contains("前台工作人员已收到通知"));
    let notices = k.app().store().notices(10).unwrap();
    let held: Vec<_> = notices.iter().filter(|n| n.kind == "identify_failed").collect();
    assert_eq!(held.len(), 1, "the desk is told");
    assert!(held[0].notice.contains("张*明") && held[0].notice.contains(&permit.code));
    assert!(!held[0].notice.contains("张三明") && !held[0].notice.contains("13700001111"));

    // Held: the right digits, or the full mobile, do not print a pass either.
    tap(&k, "完成");
    ask_for_pass(&k, &permit.code, "施工人员 张*明");
    assert_eq!(k.window.global::<WorkerAdapter>().get_refusal(), WorkerRefusal::Held);
    tap(&k, "完成");
    choose_name(&k, &permit.code, "施工人员 张*明");
    tap(&k, "返回");
    tap(&k, "名单里找不到我，用手机号查找");
    type_keys(&k, "13700001111");
    tap(&k, "下一步");
    assert_eq!(k.window.global::<WorkerAdapter>().get_refusal(), WorkerRefusal::Held);
    assert_eq!(pass_slips(&k), 0);
    assert_eq!(
        k.app()
            .store()
            .notices(10)
            .unwrap()
            .iter()
            .filter(|n| n.kind == "identify_failed")
            .count(),
        1,
        "one notice per hold"
    );
    // Another worker on the same permit is not affected.
    tap(&k, "完成");
    ask_for_pass(&k, &permit.code, "施工人员 李*");
    assert_eq!(step(&k), WorkerStep::Issued);
}

#[test]
fn in_english_the_worker_is_asked_for_the_last_four_digits() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(10, 0)));
    let permit = permit(&k, true);
    tap(&k, "English");
    tap(&k, "Renovation worker pass");
    type_keys(&k, &permit.code);
    tap(&k, "Next");
    tap(&k, "Worker 张*明");
    assert!(
        read(&k, "Input hint").contains("last four digits of the mobile number your contractor registered"),
        "{}",
        read(&k, "Input hint")
    );
    type_keys(&k, "0000");
    tap(&k, "Confirm");
    assert!(read(&k, "Note").contains("you can try 2 more"), "{}", read(&k, "Note"));
    type_keys(&k, "1111");
    tap(&k, "Confirm");
    assert_eq!(step(&k), WorkerStep::Issued);
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
    type_keys(&k, last_four("施工人员 张*明"));
    tap(&k, "Confirm");
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
