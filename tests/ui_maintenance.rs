//! A full disk or a read-only database: the public screen says politely that the
//! service is being maintained and gives the hotline, nothing panics, and the kiosk
//! recovers by itself when a probe write succeeds again. Also: no way out of the app
//! for a visitor (a close request is refused in kiosk mode).

mod common;

use chrono::Utc;
use common::*;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::visitor;
use lobby_kiosk::ui::{AppState, Page, PinProblem, StaffAdapter, StaffStep, VisitorAdapter, VisitorStep};
use slint::ComponentHandle;

fn notice_is_polite(k: &TestKiosk) {
    assert!(k.in_maintenance());
    let text = read(k, "维护说明");
    assert!(text.contains("400-820-5678"), "the hotline is given: {text}");
    assert!(text.contains("前台"), "the desk is offered: {text}");
    for never in ["坏", "故障", "明天再来", "不知道"] {
        assert!(!text.contains(never), "{never} in {text}");
    }
}

#[test]
fn a_full_disk_shows_the_maintenance_notice_and_recovers_by_itself() {
    let k = kiosk();
    wait_seconds(1);
    assert!(!k.in_maintenance());
    k.app().store().simulate_full_disk(true).unwrap();
    // A write that needs room fails as SQLITE_FULL, which counts as the storage refusing.
    let failed = (0..2000)
        .map(|i| {
            visitor::register(
                k.app(),
                &walk_in(&format!("139{i:08}"), VisitorType::Courier),
                Utc::now(),
            )
        })
        .find_map(Result::err)
        .expect("a capped database fills up");
    assert!(failed.storage_unavailable(), "{failed}");

    // The minute's probe notices on its own, on any page.
    tap(&k, "访客登记");
    wait_seconds(60);
    notice_is_polite(&k);
    assert!(is_shown(&k, "终端维护中"));

    // Space comes back: within seconds the notice goes and the kiosk is home again.
    k.app().store().simulate_full_disk(false).unwrap();
    wait_seconds(5);
    assert!(!k.in_maintenance());
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home);
    let notices = k.app().store().notices(5).unwrap();
    assert!(
        notices.iter().any(|n| n.kind == "system_fault"),
        "the desk is told the kiosk was paused"
    );
    assert!(visitor::register(k.app(), &walk_in("13700000000", VisitorType::Courier), Utc::now()).is_ok());
}

#[test]
fn a_read_only_database_during_a_registration_pauses_politely_and_recovers() {
    let k = kiosk();
    tap(&k, "访客登记");
    for c in "13912345678".chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "下一步");
    for c in "1-1-101".chars() {
        let key = if c == '-' {
            "分隔符 -".to_string()
        } else {
            c.to_string()
        };
        tap(&k, &key);
    }
    tap(&k, "下一步");
    tap(&k, "姓 王");
    tap(&k, "快递");
    k.app().store().simulate_read_only(true).unwrap();
    tap(&k, "同意并登记");
    assert_eq!(k.window.global::<VisitorAdapter>().get_step(), VisitorStep::Failed);
    notice_is_polite(&k);
    // Still read-only: the probes keep the notice up, nothing panics.
    wait_seconds(30);
    assert!(k.in_maintenance());

    k.app().store().simulate_read_only(false).unwrap();
    wait_seconds(5);
    assert!(!k.in_maintenance());
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home);
    assert_eq!(
        k.window.global::<VisitorAdapter>().get_step(),
        VisitorStep::Phone,
        "what was typed is cleared: the journey starts again at the phone"
    );
}

#[test]
fn in_kiosk_mode_a_close_request_is_refused() {
    // Without kiosk mode (development, `run --windowed`) the window does close.
    let windowed = kiosk();
    windowed
        .window
        .window()
        .dispatch_event(slint::platform::WindowEvent::CloseRequested);
    assert!(!windowed.window.window().is_visible());

    let k = kiosk();
    k.lock_in();
    k.window
        .window()
        .dispatch_event(slint::platform::WindowEvent::CloseRequested);
    assert!(k.window.window().is_visible(), "the window stays up");
    tap(&k, "访客登记");
    assert_eq!(
        k.window.global::<AppState>().get_page(),
        Page::Visitor,
        "and keeps working"
    );
}

#[test]
fn while_nothing_can_be_saved_staff_still_get_in_and_print_the_evacuation_roster() {
    let k = kiosk();
    // The kiosk's own clock, held still: a PIN hash takes seconds on a busy machine.
    let now = monday_at(10, 0);
    k.app().set_now(Some(now));
    add_desk_staff(k.app(), now);
    let courier = courier_on_site(k.app(), "13900000002", now);
    k.app().store().simulate_read_only(true).unwrap();
    wait_seconds(60);
    notice_is_polite(&k);

    // A wrong PIN cannot be counted in the database: the pad waits a minute instead.
    find(&k, "工作人员入口").invoke_accessible_default_action();
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Staff);
    assert!(!is_shown(&k, "终端维护中"), "the notice stands aside for staff");
    type_keys(&k, "111111");
    tap(&k, "进入");
    assert_eq!(k.window.global::<StaffAdapter>().get_pin_problem(), PinProblem::Locked);
    type_keys(&k, "402718");
    tap(&k, "进入");
    assert_eq!(
        k.window.global::<StaffAdapter>().get_step(),
        StaffStep::Pin,
        "still locked, even with the right PIN"
    );

    // A minute later the right PIN opens the dashboard, which says what is going on.
    k.app().set_now(Some(now + chrono::Duration::seconds(61)));
    staff_log_in(&k, "402718");
    assert!(read(&k, "存储提示").contains("在场名单仍可打印"));
    assert!(shows_text(&k, &courier.visit_no) || shows_text(&k, "快递"));
    let before = printed_slips(k.dir.path()).len();
    tap(&k, "打印在场名单");
    assert!(
        read(&k, "操作结果").contains("在场名单已打印"),
        "{}",
        read(&k, "操作结果")
    );
    let slips = printed_slips(k.dir.path());
    assert_eq!(
        slips.len(),
        before + 1,
        "the roster came out without the print register"
    );
    assert!(
        slips.last().unwrap().0.contains("roster"),
        "{:?}",
        slips.last().unwrap().0
    );

    // Leaving staff mode shows the notice again; saving works again: it goes by itself.
    tap(&k, "退出登录");
    k.window.global::<AppState>().invoke_go_home();
    assert!(is_shown(&k, "终端维护中"));
    k.app().store().simulate_read_only(false).unwrap();
    wait_seconds(5);
    assert!(!k.in_maintenance());
}
