//! A frame never waits on Argon2 (issue 19.5). The PIN typed on the staff pad is checked
//! against every account on a thread of its own: the tap returns with the pad saying it
//! is checking, the screen goes on answering taps meanwhile, and the answer shows when it
//! comes, picked up by the kiosk's own timer. Nothing here waits on `settle` until the
//! screen has been used during the check.

mod common;

use common::*;
use i_slint_backend_testing::AccessibleRole;
use lobby_kiosk::journeys::staff::{self, Role};
use lobby_kiosk::ui::{AppState, Page, PinProblem, StaffAdapter, StaffStep};
use slint::ComponentHandle;

/// Ten accounts, as the issue measured (about a third of a second of Argon2 per PIN).
const ACCOUNTS: [(&str, &str); 10] = [
    ("李明", "258036"),
    ("王芳", "402718"),
    ("张伟", "593160"),
    ("刘洋", "617284"),
    ("陈静", "730495"),
    ("杨帆", "841627"),
    ("赵磊", "952038"),
    ("黄丽", "163749"),
    ("周强", "374851"),
    ("吴敏", "485962"),
];

fn with_ten_accounts() -> TestKiosk {
    let k = kiosk();
    let now = k.app().now();
    for (i, (name, pin)) in ACCOUNTS.iter().enumerate() {
        let (by, role) = if i == 0 {
            ("bootstrap", Role::Supervisor)
        } else {
            ("李明", Role::Desk)
        };
        staff::add_staff(k.app(), by, name, role, pin, now).unwrap().unwrap();
    }
    k
}

/// A finger on the button with this label, with nothing waited for afterwards.
fn press(k: &TestKiosk, label: &str) {
    let found = find_all(k, label);
    let button = found
        .iter()
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("no button labelled {label:?}"));
    button.mock_single_click(slint::platform::PointerEventButton::Left);
}

/// Types six digits on the pad and presses 进入, waiting for nothing.
fn enter_pin(k: &TestKiosk, pin: &str) {
    for c in pin.chars() {
        press(k, &c.to_string());
    }
    press(k, "进入");
}

fn pad(k: &TestKiosk) -> StaffAdapter<'_> {
    k.window.global::<StaffAdapter>()
}

/// Lets the kiosk's timers run, 20 ms of (mocked) time at a time, until `done` holds or a
/// minute of real time has passed.
fn tick_until(done: impl Fn() -> bool) -> bool {
    wait_until(std::time::Duration::from_secs(60), || {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(20));
        done()
    })
}

#[test]
fn the_pin_is_checked_while_the_screen_keeps_answering_and_the_login_arrives() {
    let k = with_ten_accounts();
    find(&k, "工作人员入口").invoke_accessible_default_action();
    enter_pin(&k, "485962");

    // The tap has returned: the pad says it is checking, nobody is logged in yet.
    assert_eq!(pad(&k).get_pin_problem(), PinProblem::Checking);
    assert_eq!(pad(&k).get_step(), StaffStep::Pin);
    assert!(shows_text(&k, "正在核对密码，请稍候…"), "{:?}", screen_text(&k));

    // Meanwhile the screen answers a tap: the language switches and the hint follows.
    press(&k, "English");
    assert_eq!(k.window.global::<AppState>().get_language().as_str(), "en");
    assert!(
        shows_text(&k, "Checking your PIN, one moment…"),
        "{:?}",
        screen_text(&k)
    );

    // The answer arrives through the kiosk's own timer, as in the event loop.
    assert!(
        tick_until(|| pad(&k).get_step() == StaffStep::Dashboard),
        "the login arrived"
    );
    assert_eq!(pad(&k).get_staff_name().as_str(), "吴敏");
    assert_eq!(pad(&k).get_pin_problem(), PinProblem::None);
    let since = k.app().now() - chrono::Duration::hours(1);
    let audit = k.app().store().audit_since(since).unwrap();
    assert!(
        audit.iter().any(|e| e.staff == "吴敏" && e.action == "login"),
        "the login is audited once it is known"
    );
}

#[test]
fn a_second_pin_while_one_is_checked_is_not_taken_and_a_wrong_one_is_refused() {
    let k = with_ten_accounts();
    find(&k, "工作人员入口").invoke_accessible_default_action();
    enter_pin(&k, "111222");
    assert_eq!(pad(&k).get_pin_problem(), PinProblem::Checking);
    // Typed again before the answer: not a second attempt on the pad's count.
    enter_pin(&k, "111333");

    assert!(tick_until(|| pad(&k).get_pin_problem() != PinProblem::Checking));
    assert_eq!(pad(&k).get_pin_problem(), PinProblem::Wrong);
    assert_eq!(pad(&k).get_step(), StaffStep::Pin);
    assert_eq!(pad(&k).get_attempts_left(), 4, "one failure counted, not two");
    assert!(shows_text(&k, "密码不正确，还可尝试 4 次。"), "{:?}", screen_text(&k));
}

#[test]
fn leaving_while_the_pin_is_checked_logs_nobody_in() {
    let k = with_ten_accounts();
    find(&k, "工作人员入口").invoke_accessible_default_action();
    enter_pin(&k, "258036");
    assert_eq!(pad(&k).get_pin_problem(), PinProblem::Checking);
    press(&k, "回到首页");
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home);

    // Whatever the check found is dropped: nobody is logged in behind the home page.
    assert!(k.settle_pin_check(std::time::Duration::from_secs(60)));
    for _ in 0..10 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(20));
    }
    assert_eq!(pad(&k).get_step(), StaffStep::Pin);
    assert_eq!(pad(&k).get_staff_name().as_str(), "");
    let since = k.app().now() - chrono::Duration::hours(1);
    let audit = k.app().store().audit_since(since).unwrap();
    assert!(!audit.iter().any(|e| e.action == "login"), "no login recorded");

    // The next person's PIN is checked as usual.
    find(&k, "工作人员入口").invoke_accessible_default_action();
    enter_pin(&k, "258036");
    assert!(tick_until(|| pad(&k).get_step() == StaffStep::Dashboard));
    assert_eq!(pad(&k).get_staff_name().as_str(), "李明");
}
