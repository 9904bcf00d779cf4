//! Staff mode through the screen: the PIN shows dots, wrong PINs lock the pad, the
//! dashboard approves a waiting visitor (the slip prints) and every action is audited.

mod common;

use chrono::Utc;
use common::*;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::staff::{self, Role};
use lobby_kiosk::journeys::visitor::{self, Registered, WalkIn};
use lobby_kiosk::ui::{AppState, Page, PinProblem, StaffAdapter, StaffStep};
use slint::ComponentHandle;

fn type_pin(k: &TestKiosk, pin: &str) {
    for c in pin.chars() {
        tap(k, &c.to_string());
    }
    tap(k, "进入");
}

#[test]
fn a_wrong_pin_is_refused_then_the_dashboard_approves_a_visitor_and_prints_the_slip() {
    let k = kiosk();
    // The kiosk's clock, on a weekday morning: the suite passes on any date.
    k.app().set_now(Some(monday_at(10, 0)));
    let now = k.app().now();
    staff::add_staff(k.app(), "bootstrap", "李明", Role::Supervisor, "258036", now)
        .unwrap()
        .unwrap();
    let walk_in = WalkIn {
        unit: "1-1-101".into(),
        surname: "王".into(),
        phone: "13900000001".into(),
        visitor_type: VisitorType::Guest,
        party_size: 2,
        company: String::new(),
    };
    let Registered::Waiting(visit) = visitor::register(k.app(), &walk_in, now).unwrap() else {
        panic!()
    };

    find(&k, "工作人员入口").invoke_accessible_default_action();
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Staff);
    for c in "2580".chars() {
        tap(&k, &c.to_string());
    }
    assert_eq!(read(&k, "工作人员密码"), "已输入 4 位", "dots only, never digits");
    tap(&k, "清空");
    type_pin(&k, "111222");
    assert_eq!(k.window.global::<StaffAdapter>().get_pin_problem(), PinProblem::Wrong);
    type_pin(&k, "258036");
    assert_eq!(k.window.global::<StaffAdapter>().get_step(), StaffStep::Dashboard);
    assert!(is_shown(&k, "等待确认的访客（1）"));

    tap(&k, &format!("同意 {}", visit.visit_no));
    assert!(
        read(&k, "操作结果").contains("访客凭条已打印"),
        "{}",
        read(&k, "操作结果")
    );
    assert!(is_shown(&k, "等待确认的访客（0）"));
    assert!(is_shown(&k, "在场人员（2 人）"));
    assert_eq!(printed_slips(k.dir.path()).len(), 1);
    tap(&k, "打印在场名单");
    assert!(printed_slips(k.dir.path())
        .iter()
        .any(|(n, _)| n.ends_with("-roster.bin")));

    let audit = k.app().store().audit_since(now - chrono::Duration::hours(1)).unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .filter(|e| e.staff == "李明")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(actions, ["login", "visit_approve", "roster_print"]);

    // Going home logs out.
    tap(&k, "回到首页");
    find(&k, "工作人员入口").invoke_accessible_default_action();
    assert_eq!(k.window.global::<StaffAdapter>().get_step(), StaffStep::Pin);
}

#[test]
fn five_wrong_pins_lock_the_pad() {
    let k = kiosk();
    k.app().set_now(Some(monday_at(10, 0)));
    staff::add_staff(k.app(), "bootstrap", "李明", Role::Supervisor, "258036", k.app().now())
        .unwrap()
        .unwrap();
    find(&k, "工作人员入口").invoke_accessible_default_action();
    for _ in 0..5 {
        type_pin(&k, "111222");
    }
    assert_eq!(k.window.global::<StaffAdapter>().get_pin_problem(), PinProblem::Locked);
    type_pin(&k, "258036");
    assert_eq!(
        k.window.global::<StaffAdapter>().get_step(),
        StaffStep::Pin,
        "even the right PIN waits out the lockout"
    );
}

/// The pad asks for no name, so a passer-by's wrong taps are counted kiosk-wide: they
/// slow the pad down, one more minute per miss, but never for more than five minutes,
/// and taps while it waits are not counted. A colleague then gets in.
#[test]
fn a_passer_by_tapping_wrong_pins_pauses_the_pad_for_minutes_not_half_an_hour() {
    let k = kiosk();
    let start = monday_at(10, 0);
    k.app().set_now(Some(start));
    add_desk_staff(k.app(), start);
    let pad = || k.window.global::<StaffAdapter>();
    let paused_until = |now: chrono::DateTime<Utc>| {
        let shown = chrono::NaiveTime::parse_from_str(pad().get_locked_until().as_str(), "%H:%M:%S").unwrap();
        let local = now.with_timezone(&chrono_tz::Asia::Shanghai);
        let until = local.with_time(shown).unwrap().with_timezone(&Utc);
        assert!(until > now, "{until} after {now}");
        until
    };
    find(&k, "工作人员入口").invoke_accessible_default_action();
    for _ in 0..5 {
        type_pin(&k, "111222");
    }
    assert_eq!(pad().get_pin_problem(), PinProblem::Locked);
    let mut now = start;
    let first = paused_until(now);
    assert_eq!(first - now, chrono::Duration::minutes(1), "five misses: a minute");
    for _ in 0..10 {
        type_pin(&k, "333444");
    }
    assert_eq!(paused_until(now), first, "taps while the pad waits are not counted");

    // Twenty more misses, each as soon as the pad takes one again.
    let mut longest = chrono::Duration::zero();
    for _ in 0..20 {
        now = paused_until(now);
        k.app().set_now(Some(now));
        type_pin(&k, "111222");
        assert_eq!(pad().get_pin_problem(), PinProblem::Locked);
        longest = longest.max(paused_until(now) - now);
    }
    assert_eq!(
        longest,
        chrono::Duration::minutes(5),
        "the pause grows to five minutes and no further"
    );

    // A colleague waits those minutes at most, then gets in with their own PIN.
    now = paused_until(now);
    type_pin(&k, "402718");
    assert_eq!(pad().get_step(), StaffStep::Pin, "not before the pause is over");
    k.app().set_now(Some(now));
    type_pin(&k, "402718");
    assert_eq!(pad().get_step(), StaffStep::Dashboard);
    assert_eq!(pad().get_staff_name(), "王芳");
}
