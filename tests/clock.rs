//! Clock jumps (an NTP correction setting the clock back, or forward): record numbers
//! stay unique, lists keep the order records were made in, the idle reset still
//! counts its own seconds, and a notice waiting to be retried is not held up for hours.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::local_day;
use lobby_kiosk::journeys::visitor::{self, Registered, WalkIn};
use lobby_kiosk::notify::backoff;
use lobby_kiosk::store::NewTicket;
use lobby_kiosk::ui::{AppState, Page};
use slint::ComponentHandle;

fn shanghai(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, day, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The clock's readings, in the order records are made: back within the day, back
/// past midnight, forward again, back again.
fn readings() -> Vec<DateTime<Utc>> {
    vec![
        shanghai(30, 10, 0),
        shanghai(30, 9, 0),
        shanghai(29, 23, 50),
        shanghai(30, 0, 10),
        shanghai(30, 10, 0),
        shanghai(30, 8, 0),
        shanghai(29, 23, 59),
    ]
}

#[test]
fn numbers_stay_unique_and_lists_keep_the_order_records_were_made_in() {
    let k = kiosk();
    let app = k.app();
    let mut visits = Vec::new();
    let mut tickets = Vec::new();
    for (i, at) in readings().into_iter().enumerate() {
        app.set_now(Some(at));
        let walk_in = WalkIn {
            unit: "1-1-101".into(),
            surname: "王".into(),
            phone: format!("1390000{i:04}"),
            visitor_type: VisitorType::Guest,
            party_size: 1,
            company: String::new(),
        };
        let Registered::Waiting(visit) = visitor::register(app, &walk_in, app.now()).unwrap() else {
            panic!("a guest waits")
        };
        visits.push(visit);
        let ticket = app
            .store()
            .insert_ticket(
                &NewTicket {
                    unit_no: "1-1-101".into(),
                    request_type: lobby_kiosk::domain::request::RequestType::Repair,
                    choice: "water".into(),
                    note: String::new(),
                    preferred_time: String::new(),
                    callback_phone: "13800000000".into(),
                    urgent: false,
                    due_at: at + Duration::days(1),
                },
                at,
                &local_day(app, at),
            )
            .unwrap();
        tickets.push(ticket);
    }
    let mut numbers: Vec<&str> = visits.iter().map(|v| v.visit_no.as_str()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), visits.len(), "visit numbers are unique");
    let mut numbers: Vec<&str> = tickets.iter().map(|t| t.ticket_no.as_str()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), tickets.len(), "ticket numbers are unique");
    // Numbers of one day count up in the order records were made, whatever the clock.
    let day30: Vec<&str> = tickets
        .iter()
        .map(|t| t.ticket_no.as_str())
        .filter(|n| n.starts_with("R20261130-"))
        .collect();
    let mut sorted = day30.clone();
    sorted.sort();
    assert_eq!(day30, sorted, "{day30:?}");

    // The desk's waiting list is in arrival order, not clock order.
    let waiting: Vec<i64> = app.store().visits_waiting().unwrap().iter().map(|v| v.id).collect();
    let made: Vec<i64> = visits.iter().map(|v| v.id).collect();
    assert_eq!(waiting, made);
    // The returning-visitor lookup finds the visit recorded last, though its clock is earliest.
    for at in [shanghai(30, 11, 0), shanghai(30, 7, 0)] {
        app.set_now(Some(at));
        let walk_in = WalkIn {
            unit: "2-1-302".into(),
            surname: "李".into(),
            phone: "13900009999".into(),
            visitor_type: VisitorType::Guest,
            party_size: 1,
            company: String::new(),
        };
        visitor::register(app, &walk_in, at).unwrap();
    }
    let last = app.store().last_visit_by_phone("13900009999").unwrap().unwrap();
    assert_eq!(last.created_at, shanghai(30, 7, 0), "the one recorded last");
}

#[test]
fn the_idle_reset_counts_its_own_seconds_whatever_the_clock_does() {
    let k = kiosk();
    let timeout = k.app().config.kiosk.idle_timeout_secs;
    k.app().set_now(Some(shanghai(30, 10, 0)));
    tap(&k, "访客登记");
    wait_seconds(timeout / 2);
    k.app().set_now(Some(shanghai(30, 6, 0)));
    wait_seconds(timeout / 2 - 5);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Visitor, "not early");
    k.app().set_now(Some(shanghai(30, 18, 0)));
    wait_seconds(10);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home, "not late");
}

#[test]
fn a_notice_waiting_for_its_retry_is_not_held_up_when_the_clock_goes_back() {
    let k = kiosk();
    let store = k.app().store();
    let at = shanghai(30, 10, 0);
    let id = store.enqueue_notice("test", "{}", at).unwrap();
    store
        .notice_failed(id, "timeout", backoff::next_attempt(id, 1, at))
        .unwrap();
    assert!(store.due_notices(at, 10).unwrap().is_empty(), "backing off");
    let later = backoff::next_attempt(id, 1, at) + Duration::seconds(1);
    assert_eq!(store.due_notices(later, 10).unwrap().len(), 1);
    // The clock is set back two hours: the retry is due now, not in two hours.
    let set_back = at - Duration::hours(2);
    assert_eq!(store.due_notices(set_back, 10).unwrap().len(), 1);
    // A notice at its longest back-off is still waited for, not retried early.
    store.notice_failed(id, "timeout", at + backoff::max_delay()).unwrap();
    assert!(store.due_notices(at, 10).unwrap().is_empty());
}

#[test]
fn a_backup_taken_after_the_clock_went_back_is_still_the_newest() {
    let k = kiosk_with(|t| t.replace("keep = 7", "keep = 2"));
    let app = k.app();
    let backups = || {
        let mut names: Vec<String> = std::fs::read_dir(k.dir.path().join("backups"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sqlite3"))
            .collect();
        names.sort();
        names
    };
    for day in [28, 29] {
        app.set_now(Some(shanghai(day, 3, 0)));
        wait_seconds(60);
        settle_housekeeping(&k);
    }
    assert_eq!(backups().len(), 2);
    // The clock falls back a year (a flat RTC battery before NTP answers).
    let year_ago = shanghai(29, 3, 0) - Duration::days(365);
    app.set_now(Some(year_ago));
    let walk_in = WalkIn {
        unit: "1-1-101".into(),
        surname: "王".into(),
        phone: "13900000042".into(),
        visitor_type: VisitorType::Guest,
        party_size: 1,
        company: String::new(),
    };
    let Registered::Waiting(visit) = visitor::register(app, &walk_in, year_ago).unwrap() else {
        panic!("a guest waits")
    };
    wait_seconds(60);
    settle_housekeeping(&k);
    let names = backups();
    assert_eq!(names.len(), 2, "{names:?}");
    let newest = lobby_kiosk::store::Store::open(&k.dir.path().join("backups").join(&names[1])).unwrap();
    assert!(
        newest.visit(visit.id).unwrap().is_some(),
        "the backup taken after the jump is kept as the newest: {names:?}"
    );
}
