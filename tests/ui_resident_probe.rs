//! The resident identification cannot be probed by starting over: wrong "last four
//! digits" are counted per unit in the database, so going home (or a restart) does not
//! give three fresh tries; the unit is paused for a cool-down on the kiosk's clock, the
//! desk is told once, and the person is asked politely to continue at the desk.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use lobby_kiosk::domain::identify_guard::COOL_DOWN_MINUTES;
use lobby_kiosk::journeys::resident;
use lobby_kiosk::ui::{AppState, ResidentAdapter, ResidentStep};
use slint::ComponentHandle;

const UNIT: &str = "1-1-101";

fn step(k: &TestKiosk) -> ResidentStep {
    k.window.global::<ResidentAdapter>().get_step()
}

fn type_keys(k: &TestKiosk, text: &str) {
    for c in text.chars() {
        if c == '-' {
            tap(k, "分隔符 -");
        } else {
            tap(k, &c.to_string());
        }
    }
}

/// From home: resident services, the unit, and (if asked for) the digits.
fn start_over_and_try(k: &TestKiosk, unit: &str, last4: &str) {
    k.window.global::<AppState>().invoke_go_home();
    tap(k, "业主服务");
    assert_eq!(step(k), ResidentStep::IdentifyUnit, "a fresh start");
    type_keys(k, unit);
    tap(k, "下一步");
    if step(k) == ResidentStep::IdentifyDigits {
        type_keys(k, last4);
        tap(k, "确认");
    }
}

fn identify_notices(k: &TestKiosk) -> usize {
    k.app()
        .store()
        .notices(50)
        .unwrap()
        .iter()
        .filter(|n| n.kind == "identify_failed")
        .count()
}

#[test]
fn going_home_and_starting_over_does_not_reset_the_count() {
    let k = kiosk();
    let now = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 30, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    k.app().set_now(Some(now));
    let phone = k.app().store().unit_phones(UNIT).unwrap().remove(0);
    let right = phone[7..].to_string();
    let wrong = if right == "0000" { "1111" } else { "0000" };

    // One wrong try per visit, starting over each time: the third still stops.
    start_over_and_try(&k, UNIT, wrong);
    assert_eq!(step(&k), ResidentStep::IdentifyDigits);
    start_over_and_try(&k, UNIT, wrong);
    assert_eq!(step(&k), ResidentStep::IdentifyDigits);
    assert_eq!(identify_notices(&k), 0);
    start_over_and_try(&k, UNIT, wrong);
    assert_eq!(step(&k), ResidentStep::Stopped);
    assert!(shows_text(&k, "请到前台办理"), "{:?}", screen_text(&k));
    assert_eq!(identify_notices(&k), 1, "the desk is told once");

    // Starting over again, even with the right digits, the unit stays paused: asked at
    // the unit step already, and nothing about the digits is revealed.
    start_over_and_try(&k, UNIT, &right);
    assert_eq!(step(&k), ResidentStep::Stopped);
    assert_eq!(identify_notices(&k), 1, "no second notice while paused");
    // Another unit is not affected.
    assert!(!resident::unit_locked(k.app(), "1-1-102", now).unwrap());

    // In English the answer is the same polite one.
    k.window.global::<AppState>().invoke_go_home();
    tap(&k, "English");
    tap(&k, "Resident services");
    for c in UNIT.chars() {
        if c == '-' {
            tap(&k, "Separator -");
        } else {
            tap(&k, &c.to_string());
        }
    }
    tap(&k, "Next");
    assert_eq!(step(&k), ResidentStep::Stopped);
    assert!(
        shows_text(&k, "Please continue at the front desk"),
        "{:?}",
        screen_text(&k)
    );
    tap(&k, "中文");

    // The count lives in the database: a restart does not forget it either.
    let again = open_app(k.dir.path());
    assert!(resident::unit_locked(&again, UNIT, now + Duration::minutes(1)).unwrap());
    drop(again);

    // After the cool-down (on the kiosk's clock) the resident gets through.
    k.app().set_now(Some(now + Duration::minutes(COOL_DOWN_MINUTES + 1)));
    start_over_and_try(&k, UNIT, &right);
    assert_eq!(step(&k), ResidentStep::Menu);
    // And a success forgets the failures: one later slip of the finger does not lock.
    start_over_and_try(&k, UNIT, wrong);
    assert_eq!(step(&k), ResidentStep::IdentifyDigits);
}
