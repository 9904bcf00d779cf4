//! Tests for the renovation-hours policy, kept apart from the rules they check.

use super::*;
use chrono::{Timelike, Utc};
use chrono_tz::Asia::Shanghai;
use proptest::prelude::*;

const CONFIG: &str = r#"
[renovation]
weekday = ["08:00-12:00", "14:00-18:00"]
weekend = ["09:00-12:00"]
holidays = ["2026-10-01", "2026-10-02"]
workdays = ["2026-10-11"]
pass_valid_until = "end_of_window"
"#;

#[derive(Debug, Deserialize)]
struct Cfg {
    renovation: RenovationHours,
}

fn policy() -> RenovationHours {
    toml::from_str::<Cfg>(CONFIG).unwrap().renovation
}

fn parse_err(body: &str) -> String {
    let text = format!("[renovation]\n{body}");
    toml::from_str::<Cfg>(&text).unwrap_err().to_string()
}

fn sh(date: &str, time: &str) -> DateTime<Tz> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let t = NaiveTime::parse_from_str(time, "%H:%M:%S").unwrap();
    Shanghai.from_local_datetime(&d.and_time(t)).unwrap()
}

fn hm(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}

fn allowed_until(p: &RenovationHours, date: &str, time: &str) -> DateTime<Tz> {
    let now = sh(date, time);
    let pass = may_issue(p, now).unwrap_or_else(|r| panic!("{date} {time}: {r:?}"));
    assert_eq!(pass.from, now);
    pass.until
}

fn refused(p: &RenovationHours, date: &str, time: &str) -> Refusal {
    may_issue(p, sh(date, time)).expect_err("should be refused")
}

// 2026-06-01 is a Monday, 2026-06-06 a Saturday.

#[test]
fn morning_window_edges() {
    let p = policy();
    let noon = sh("2026-06-01", "12:00:00");
    assert_eq!(
        refused(&p, "2026-06-01", "07:59:59"),
        Refusal::OutsideHours {
            next: Some(sh("2026-06-01", "08:00:00"))
        }
    );
    assert_eq!(allowed_until(&p, "2026-06-01", "08:00:00"), noon);
    assert_eq!(allowed_until(&p, "2026-06-01", "11:59:00"), noon);
    assert_eq!(allowed_until(&p, "2026-06-01", "11:59:59"), noon);
    assert_eq!(
        refused(&p, "2026-06-01", "12:00:00"),
        Refusal::OutsideHours {
            next: Some(sh("2026-06-01", "14:00:00"))
        }
    );
}

#[test]
fn lunch_gap_and_evening() {
    let p = policy();
    assert_eq!(
        refused(&p, "2026-06-01", "13:30:00").next(),
        Some(sh("2026-06-01", "14:00:00"))
    );
    assert_eq!(
        allowed_until(&p, "2026-06-01", "14:00:00"),
        sh("2026-06-01", "18:00:00")
    );
    assert_eq!(
        allowed_until(&p, "2026-06-01", "17:59:00"),
        sh("2026-06-01", "18:00:00")
    );
    assert_eq!(
        refused(&p, "2026-06-01", "18:00:00").next(),
        Some(sh("2026-06-02", "08:00:00"))
    );
    // Friday evening: the next window is Saturday's shorter one.
    assert_eq!(
        refused(&p, "2026-06-05", "19:00:00").next(),
        Some(sh("2026-06-06", "09:00:00"))
    );
}

#[test]
fn midnight() {
    let p = policy();
    assert_eq!(
        refused(&p, "2026-06-01", "00:00:00"),
        Refusal::OutsideHours {
            next: Some(sh("2026-06-01", "08:00:00"))
        }
    );
    assert_eq!(
        refused(&p, "2026-06-01", "23:59:59").next(),
        Some(sh("2026-06-02", "08:00:00"))
    );
}

#[test]
fn weekend_hours() {
    let p = policy();
    assert!(matches!(
        refused(&p, "2026-06-06", "08:30:00"),
        Refusal::OutsideHours { .. }
    ));
    assert_eq!(
        allowed_until(&p, "2026-06-06", "09:00:00"),
        sh("2026-06-06", "12:00:00")
    );
    assert_eq!(
        refused(&p, "2026-06-06", "14:30:00").next(),
        Some(sh("2026-06-07", "09:00:00"))
    );
    assert_eq!(
        refused(&p, "2026-06-07", "12:00:00").next(),
        Some(sh("2026-06-08", "08:00:00"))
    );
}

#[test]
fn weekend_without_work() {
    let text = CONFIG.replace(r#"weekend = ["09:00-12:00"]"#, "weekend = []");
    let p = toml::from_str::<Cfg>(&text).unwrap().renovation;
    assert_eq!(
        refused(&p, "2026-06-06", "10:00:00"),
        Refusal::NoWorkToday {
            next: Some(sh("2026-06-08", "08:00:00"))
        }
    );
}

#[test]
fn holidays() {
    let p = policy();
    // 2026-10-01 is a Thursday; the 2nd is a holiday too, then the weekend.
    assert_eq!(
        refused(&p, "2026-10-01", "10:00:00"),
        Refusal::Holiday {
            next: Some(sh("2026-10-03", "09:00:00"))
        }
    );
    assert!(matches!(refused(&p, "2026-10-02", "07:00:00"), Refusal::Holiday { .. }));
    assert!(windows_for(&p, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()).is_empty());
}

#[test]
fn make_up_workday_follows_weekday_hours() {
    let p = policy();
    // 2026-10-11 is a Sunday declared a working day.
    let d = NaiveDate::from_ymd_opt(2026, 10, 11).unwrap();
    assert_eq!(windows_for(&p, d).len(), 2);
    assert_eq!(
        allowed_until(&p, "2026-10-11", "08:00:00"),
        sh("2026-10-11", "12:00:00")
    );
    assert_eq!(
        allowed_until(&p, "2026-10-11", "14:30:00"),
        sh("2026-10-11", "18:00:00")
    );
    // The Saturday before is an ordinary weekend day, whose evening refusal
    // points at Sunday's weekday-style start.
    assert_eq!(
        refused(&p, "2026-10-10", "13:00:00").next(),
        Some(sh("2026-10-11", "08:00:00"))
    );
}

#[test]
fn end_of_day_validity() {
    let text = CONFIG.replace("end_of_window", "end_of_day");
    let p = toml::from_str::<Cfg>(&text).unwrap().renovation;
    assert_eq!(p.pass_valid_until(), PassValidity::EndOfDay);
    assert_eq!(
        allowed_until(&p, "2026-06-01", "09:00:00"),
        sh("2026-06-01", "18:00:00")
    );
    assert_eq!(
        allowed_until(&p, "2026-06-06", "09:00:00"),
        sh("2026-06-06", "12:00:00")
    );
    // The lunch gap is still closed for issuing.
    assert!(may_issue(&p, sh("2026-06-01", "12:30:00")).is_err());
}

#[test]
fn same_instant_in_different_zones() {
    let p = policy();
    // 01:30 UTC on a Monday is 09:30 in Shanghai.
    let instant = Utc.with_ymd_and_hms(2026, 6, 1, 1, 30, 0).unwrap();
    let in_shanghai = may_issue(&p, instant.with_timezone(&Shanghai)).unwrap();
    assert_eq!(in_shanghai.until, sh("2026-06-01", "12:00:00"));
    let in_utc = may_issue(&p, instant.with_timezone(&Tz::UTC)).unwrap_err();
    let next = in_utc.next().unwrap();
    assert_eq!((next.hour(), next.timezone()), (8, Tz::UTC));
}

#[test]
fn nothing_within_two_weeks() {
    let p = RenovationHours::new(
        DayWindows::default(),
        DayWindows::default(),
        BTreeSet::new(),
        BTreeSet::new(),
        PassValidity::EndOfWindow,
    )
    .unwrap();
    assert_eq!(
        refused(&p, "2026-06-01", "10:00:00"),
        Refusal::NoWorkToday { next: None }
    );
}

#[test]
fn daylight_saving_zone_does_not_panic() {
    // New York springs forward at 02:00 on 2026-03-08; a window starting at
    // 02:30 has no such wall time that day and moves to 03:00.
    let p = RenovationHours::new(
        DayWindows::new(vec![Window::parse("02:30-04:00").unwrap()]).unwrap(),
        DayWindows::new(vec![Window::parse("02:30-04:00").unwrap()]).unwrap(),
        BTreeSet::new(),
        BTreeSet::new(),
        PassValidity::EndOfWindow,
    )
    .unwrap();
    let ny = chrono_tz::America::New_York;
    let now = ny.with_ymd_and_hms(2026, 3, 8, 1, 0, 0).unwrap();
    let next = may_issue(&p, now).unwrap_err().next().unwrap();
    assert_eq!(next, ny.with_ymd_and_hms(2026, 3, 8, 3, 0, 0).unwrap());
}

#[test]
fn window_parsing_and_display() {
    let w = Window::parse(" 8:00 - 12:00 ").unwrap();
    assert_eq!((w.start(), w.end()), (hm("08:00"), hm("12:00")));
    assert_eq!(w.to_string(), "08:00–12:00");
    assert_eq!(Window::parse("14:00~18:30").unwrap().to_string(), "14:00–18:30");
    assert_eq!(Window::parse("14:00–18:30").unwrap().to_string(), "14:00–18:30");
    for bad in [
        "",
        "08:00",
        "8-12",
        "08:00-24:00",
        "25:00-26:00",
        "08:60-09:00",
        "08:0-09:00",
        "-1:00-02:00",
        "08:00-12:00-13:00",
        "０8:00-12:00",
    ] {
        assert!(
            matches!(Window::parse(bad), Err(HoursError::BadWindow { .. })),
            "{bad:?} -> {:?}",
            Window::parse(bad)
        );
    }
    assert!(matches!(
        Window::parse("12:00-08:00"),
        Err(HoursError::EndsBeforeStart { .. })
    ));
    assert!(matches!(
        Window::parse("12:00-12:00"),
        Err(HoursError::EndsBeforeStart { .. })
    ));
}

#[test]
fn impossible_hours_rejected() {
    let e = parse_err(r#"weekday = ["08:00-12:00", "11:00-13:00"]"#);
    assert!(e.contains("overlap"), "{e}");
    let e = parse_err(r#"weekday = ["14:00-18:00", "08:00-12:00"]"#);
    assert!(e.contains("not in order"), "{e}");
    let e = parse_err(r#"weekday = ["18:00-08:00"]"#);
    assert!(e.contains("ends before it starts"), "{e}");
    let e = parse_err(r#"weekday = ["8am-noon"]"#);
    assert!(e.contains("not a time window"), "{e}");
    let e = parse_err("weekday = []\nholidays = [\"2026-10-11\"]\nworkdays = [\"2026-10-11\"]");
    assert!(e.contains("both as a holiday"), "{e}");
    let e = parse_err("weekday = []\nsaturday = []");
    assert!(e.contains("unknown field"), "{e}");
    let e = parse_err("weekday = []\npass_valid_until = \"forever\"");
    assert!(e.contains("forever"), "{e}");
    let e = parse_err("weekday = []\nholidays = [\"2026-13-01\"]");
    assert!(e.contains("holidays") || e.contains("input is out of range"), "{e}");
    assert!(parse_err("weekend = []").contains("weekday"));
}

#[test]
fn touching_windows_are_allowed() {
    let p = toml::from_str::<Cfg>("[renovation]\nweekday = [\"08:00-12:00\", \"12:00-13:00\"]")
        .unwrap()
        .renovation;
    assert_eq!(
        allowed_until(&p, "2026-06-01", "12:00:00"),
        sh("2026-06-01", "13:00:00")
    );
    // Defaults: no weekend work, passes end with their window.
    assert!(windows_for(&p, NaiveDate::from_ymd_opt(2026, 6, 6).unwrap()).is_empty());
    assert_eq!(p.pass_valid_until(), PassValidity::EndOfWindow);
}

proptest! {
    #[test]
    fn issued_passes_are_sane(secs in 0i64..(400 * 86_400)) {
        let p = policy();
        let now = sh("2026-01-01", "00:00:00") + Duration::seconds(secs);
        match may_issue(&p, now) {
            Ok(pass) => {
                prop_assert!(pass.until > now);
                prop_assert!(windows_for(&p, now.date_naive()).iter().any(|w| w.contains(now.time())));
                prop_assert_eq!(pass.until.date_naive(), now.date_naive());
            }
            Err(r) => {
                prop_assert!(!windows_for(&p, now.date_naive()).iter().any(|w| w.contains(now.time())));
                let next = r.next().unwrap();
                prop_assert!(next > now);
                prop_assert!(may_issue(&p, next).is_ok());
                prop_assert!(may_issue(&p, next - Duration::seconds(1)).is_err());
            }
        }
    }

    #[test]
    fn window_parse_never_panics(s in any::<String>()) {
        let _ = Window::parse(&s);
    }
}

#[test]
fn a_pass_belongs_to_the_work_window_it_was_issued_in() {
    let p = policy();
    let key = |date: &str, time: &str| may_issue(&p, sh(date, time)).unwrap().window.key();
    // Morning and afternoon are two windows: two passes a day.
    assert_eq!(key("2026-06-01", "08:00:00"), "08:00-12:00");
    assert_eq!(key("2026-06-01", "11:59:59"), "08:00-12:00");
    assert_eq!(key("2026-06-01", "14:00:00"), "14:00-18:00");
    assert_eq!(key("2026-06-01", "17:59:59"), "14:00-18:00");
    // A make-up working day (a Sunday) has the weekday's two windows.
    assert_eq!(key("2026-10-11", "10:00:00"), "08:00-12:00");
    assert_eq!(key("2026-10-11", "14:30:00"), "14:00-18:00");
    // With end_of_day the whole working day is one window: one pass, reprinted.
    let text = CONFIG.replace("end_of_window", "end_of_day");
    let whole = toml::from_str::<Cfg>(&text).unwrap().renovation;
    let day_key = |time: &str| may_issue(&whole, sh("2026-06-01", time)).unwrap().window.key();
    assert_eq!(day_key("08:30:00"), "08:00-18:00");
    assert_eq!(day_key("14:30:00"), "08:00-18:00");
}
