//! Tests for office hours and response targets, kept apart from the rules they check.

use super::*;
use chrono_tz::Asia::Shanghai;
use proptest::prelude::*;

const CONFIG: &str = r#"
[requests]
office_hours = ["08:30-17:30"]
office_days = ["mon", "tue", "wed", "thu", "fri", "sat"]
holidays = ["2026-10-01", "2026-10-02"]
workdays = ["2026-10-11"]
on_duty_phone = "138-0000-0000"
[requests.targets]
emergency_repair = 15
repair = 1440
complaint = 2880
"#;

#[derive(Debug, Deserialize)]
struct Cfg {
    requests: RequestPolicy,
}

fn policy() -> RequestPolicy {
    toml::from_str::<Cfg>(CONFIG).unwrap().requests
}

fn with(body: &str) -> Result<RequestPolicy, String> {
    let text = format!("[requests]\non_duty_phone = \"138-0000-0000\"\n{body}");
    toml::from_str::<Cfg>(&text)
        .map(|c| c.requests)
        .map_err(|e| e.to_string())
}

fn parse_err(body: &str) -> String {
    with(body).expect_err("should be refused")
}

/// A Shanghai wall-clock time as a UTC instant.
fn sh(date: &str, time: &str) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let t = NaiveTime::parse_from_str(time, "%H:%M:%S").unwrap();
    Shanghai
        .from_local_datetime(&d.and_time(t))
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(date: &str, time: &str) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let t = NaiveTime::parse_from_str(time, "%H:%M:%S").unwrap();
    Utc.from_utc_datetime(&d.and_time(t))
}

fn open(p: &RequestPolicy, date: &str, time: &str) -> bool {
    is_office_open(p, sh(date, time), Shanghai)
}

// --- configuration -------------------------------------------------------------

#[test]
fn the_example_config_reads_and_fills_in_defaults() {
    let p = policy();
    assert_eq!(p.on_duty_phone(), "138-0000-0000");
    assert_eq!(p.target(RequestType::EmergencyRepair), Duration::minutes(15));
    assert_eq!(p.target(RequestType::Repair), Duration::minutes(1440));
    assert_eq!(p.target(RequestType::Complaint), Duration::minutes(2880));
    assert_eq!(p.target(RequestType::Suggestion), Duration::minutes(3 * 1440));
    assert_eq!(p.windows().len(), 1);
    assert_eq!(p.windows()[0].to_string(), "08:30–17:30");
}

#[test]
fn every_request_type_is_a_target_key_and_defaults_are_valid() {
    for t in RequestType::ALL {
        let p = with(&format!(
            "office_hours = [\"08:30-17:30\"]\n[requests.targets]\n{} = 7",
            t.as_str()
        ))
        .unwrap();
        assert_eq!(p.target(t), Duration::minutes(7), "{t:?}");
    }
    let p = with("office_hours = [\"08:30-17:30\"]").unwrap();
    for (t, minutes) in DEFAULT_TARGETS {
        assert_eq!(p.target(t), Duration::minutes(minutes));
    }
    assert!(RequestType::ALL
        .iter()
        .all(|t| DEFAULT_TARGETS.iter().any(|(d, _)| d == t)));
}

#[test]
fn office_days_default_to_every_day() {
    let p = with("office_hours = [\"08:30-17:30\"]").unwrap();
    // 2026-11-29 is a Sunday.
    assert!(is_office_open(&p, sh("2026-11-29", "09:00:00"), Shanghai));
}

#[test]
fn windows_are_sorted_and_touching_ones_merged() {
    let p = with("office_hours = [\"13:30-17:30\", \"08:30 – 12:00\"]").unwrap();
    let shown: Vec<_> = p.windows().iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["08:30–12:00", "13:30–17:30"]);
    let p = with("office_hours = [\"08:30-12:00\", \"12:00-17:30\"]").unwrap();
    assert_eq!(p.windows().len(), 1);
    assert_eq!(
        (p.windows()[0].start_minutes(), p.windows()[0].end_minutes()),
        (510, 1050)
    );
}

#[test]
fn bad_configurations_say_what_is_wrong() {
    let e = parse_err("office_hours = [\"8.30-17.30\"]");
    assert!(e.contains("\"8.30-17.30\" are not a time window"), "{e}");
    let e = parse_err("office_hours = [\"17:30-08:30\"]");
    assert!(e.contains("17:30–08:30 end before they start"), "{e}");
    let e = parse_err("office_hours = [\"08:00-12:00\", \"11:00-14:00\"]");
    assert!(e.contains("overlap"), "{e}");
    let e = parse_err("office_hours = []");
    assert!(e.contains("office_hours is empty"), "{e}");
    let e = parse_err("office_hours = [\"24:00-24:00\"]");
    assert!(e.contains("not a time window"), "{e}");
    let e = parse_err("office_hours = [\"08:60-09:00\"]");
    assert!(e.contains("not a time window"), "{e}");

    let e = parse_err("office_hours = [\"08:30-17:30\"]\noffice_days = [\"mon\", \"funday\"]");
    assert!(e.contains("\"funday\" is not a day of the week"), "{e}");
    let e = parse_err("office_hours = [\"08:30-17:30\"]\noffice_days = []");
    assert!(e.contains("office_days is empty"), "{e}");
    let e = parse_err("office_hours = [\"08:30-17:30\"]\nholidays = [\"2026-10-11\"]\nworkdays = [\"2026-10-11\"]");
    assert!(e.contains("2026-10-11 is listed both"), "{e}");

    let e = parse_err("office_hours = [\"08:30-17:30\"]\n[requests.targets]\nrepair = -5");
    assert!(
        e.contains("target for repair must be between 1 and 43200 minutes, not -5"),
        "{e}"
    );
    let e = parse_err("office_hours = [\"08:30-17:30\"]\n[requests.targets]\nemergency_repair = 0");
    assert!(e.contains("emergency_repair"), "{e}");
    let e = parse_err("office_hours = [\"08:30-17:30\"]\n[requests.targets]\ncomplaint = 43201");
    assert!(e.contains("not 43201"), "{e}");
    let e = parse_err("office_hours = [\"08:30-17:30\"]\n[requests.targets]\nrepairs = 60");
    assert!(e.contains("unknown field `repairs`"), "{e}");
    let e = parse_err("office_hours = [\"08:30-17:30\"]\nopening = 1");
    assert!(e.contains("unknown field `opening`"), "{e}");

    let text = "[requests]\noffice_hours = [\"08:30-17:30\"]\non_duty_phone = \"call the guard\"\n";
    let e = toml::from_str::<Cfg>(text).unwrap_err().to_string();
    assert!(e.contains("is not a phone number"), "{e}");
    let text = "[requests]\noffice_hours = [\"08:30-17:30\"]\n";
    let e = toml::from_str::<Cfg>(text).unwrap_err().to_string();
    assert!(e.contains("on_duty_phone"), "{e}");
}

#[test]
fn day_names_may_be_written_out() {
    let p = with("office_hours = [\"08:30-17:30\"]\noffice_days = [\"Monday\", \"TUE\"]").unwrap();
    assert!(p.is_office_day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()));
    assert!(!p.is_office_day(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()));
}

// --- office hours --------------------------------------------------------------

#[test]
fn open_inside_the_window_and_closed_at_its_edges() {
    let p = policy();
    // 2026-11-27 is a Friday.
    assert!(!open(&p, "2026-11-27", "08:29:59"));
    assert!(open(&p, "2026-11-27", "08:30:00"));
    assert!(open(&p, "2026-11-27", "17:29:59"));
    assert!(!open(&p, "2026-11-27", "17:30:00"));
    assert!(!open(&p, "2026-11-27", "03:00:00"));
}

#[test]
fn weekends_holidays_and_make_up_days() {
    let p = policy();
    assert!(open(&p, "2026-11-28", "10:00:00"), "Saturday is an office day");
    assert!(!open(&p, "2026-11-29", "10:00:00"), "Sunday is not");
    assert!(!open(&p, "2026-10-01", "10:00:00"), "National Day");
    assert!(open(&p, "2026-10-11", "10:00:00"), "a make-up working Sunday");
}

#[test]
fn next_opening_is_now_while_open_and_the_next_morning_otherwise() {
    let p = policy();
    let at = sh("2026-11-27", "10:15:00");
    assert_eq!(next_opening(&p, at, Shanghai).unwrap(), at);
    let next = |d, t| next_opening(&p, sh(d, t), Shanghai).unwrap().with_timezone(&Utc);
    assert_eq!(next("2026-11-27", "07:00:00"), sh("2026-11-27", "08:30:00"));
    assert_eq!(next("2026-11-27", "17:30:00"), sh("2026-11-28", "08:30:00"));
    // Saturday evening: Sunday is off, so Monday morning.
    assert_eq!(next("2026-11-28", "18:00:00"), sh("2026-11-30", "08:30:00"));
    // The eve of National Day: the desk reopens on the 3rd.
    assert_eq!(next("2026-09-30", "20:00:00"), sh("2026-10-03", "08:30:00"));
    let local = next_opening(&p, sh("2026-11-28", "18:00:00"), Shanghai).unwrap();
    assert_eq!(local.timezone(), Shanghai);
    assert_eq!(local.format("%a %H:%M").to_string(), "Mon 08:30");
}

#[test]
fn lunch_breaks_are_closed() {
    let p = with("office_hours = [\"08:30-12:00\", \"13:30-17:30\"]").unwrap();
    assert!(!open(&p, "2026-11-27", "12:00:00"));
    let next = next_opening(&p, sh("2026-11-27", "12:10:00"), Shanghai).unwrap();
    assert_eq!(next, sh("2026-11-27", "13:30:00"));
}

#[test]
fn a_round_the_clock_desk_is_always_open() {
    let p = with("office_hours = [\"00:00-24:00\"]").unwrap();
    for time in ["00:00:00", "03:00:00", "23:59:59"] {
        assert!(open(&p, "2026-11-29", time), "{time}");
    }
    let received = sh("2026-11-29", "23:59:00");
    assert_eq!(
        due_at(&p, RequestType::Repair, received, Shanghai),
        received + Duration::days(1)
    );
}

#[test]
fn a_desk_that_never_opens_has_no_next_opening() {
    let p = with("office_hours = [\"08:30-17:30\"]\noffice_days = [\"mon\"]\nholidays = [\"2026-11-30\"]").unwrap();
    // Closed on the one Monday in reach, but the following Monday opens.
    assert_eq!(
        next_opening(&p, sh("2026-11-28", "10:00:00"), Shanghai).unwrap(),
        sh("2026-12-07", "08:30:00")
    );
    let every_monday: Vec<String> = (0..10)
        .map(|w| {
            let d = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() + Duration::weeks(w);
            format!("\"{d}\"")
        })
        .collect();
    let body = format!(
        "office_hours = [\"08:30-17:30\"]\noffice_days = [\"mon\"]\nholidays = [{}]",
        every_monday.join(", ")
    );
    let p = with(&body).unwrap();
    let received = sh("2026-11-28", "10:00:00");
    assert_eq!(next_opening(&p, received, Shanghai), None);
    // A due time still exists: the clock starts at once.
    assert_eq!(
        due_at(&p, RequestType::Repair, received, Shanghai),
        received + Duration::days(1)
    );
}

// --- due times -----------------------------------------------------------------

#[test]
fn inside_office_hours_the_clock_starts_at_once() {
    let p = policy();
    let received = sh("2026-11-27", "10:00:00");
    assert_eq!(
        due_at(&p, RequestType::Repair, received, Shanghai),
        sh("2026-11-28", "10:00:00")
    );
    assert_eq!(
        due_at(&p, RequestType::Complaint, received, Shanghai),
        sh("2026-11-29", "10:00:00")
    );
}

#[test]
fn outside_office_hours_the_clock_starts_at_the_next_opening() {
    let p = policy();
    // Friday evening: Saturday is an office day.
    let due = due_at(&p, RequestType::Repair, sh("2026-11-27", "20:00:00"), Shanghai);
    assert_eq!(due, sh("2026-11-29", "08:30:00"));
    // Saturday evening: the promise is Monday's opening plus a day.
    let due = due_at(&p, RequestType::Repair, sh("2026-11-28", "17:30:00"), Shanghai);
    assert_eq!(due, sh("2026-12-01", "08:30:00"));
    // A holiday: nothing starts until the desk reopens on 3 October.
    let due = due_at(&p, RequestType::Housekeeping, sh("2026-10-01", "10:00:00"), Shanghai);
    assert_eq!(due, sh("2026-10-04", "08:30:00"));
    // One second before opening waits one second.
    let due = due_at(&p, RequestType::Repair, sh("2026-11-27", "08:29:59"), Shanghai);
    assert_eq!(due, sh("2026-11-28", "08:30:00"));
}

#[test]
fn emergencies_run_from_receipt_at_any_hour() {
    let p = policy();
    let at_3am = sh("2026-11-29", "03:00:00"); // a Sunday night
    assert!(!is_office_open(&p, at_3am, Shanghai));
    assert_eq!(
        due_at(&p, RequestType::EmergencyRepair, at_3am, Shanghai),
        sh("2026-11-29", "03:15:00")
    );
    let holiday = sh("2026-10-01", "23:50:00");
    assert_eq!(
        due_at(&p, RequestType::EmergencyRepair, holiday, Shanghai),
        sh("2026-10-02", "00:05:00")
    );
}

#[test]
fn office_hours_are_the_compounds_wall_clock_not_utc() {
    let p = policy();
    // 01:00 UTC on a Friday is 09:00 in Shanghai: open there, closed by the UTC clock.
    let received = utc("2026-11-27", "01:00:00");
    assert!(is_office_open(&p, received, Shanghai));
    assert!(!is_office_open(&p, received, Tz::UTC));
    assert_eq!(
        due_at(&p, RequestType::Repair, received, Shanghai),
        utc("2026-11-28", "01:00:00")
    );
    // By the UTC clock it would wait for 08:30 UTC.
    assert_eq!(
        due_at(&p, RequestType::Repair, received, Tz::UTC),
        utc("2026-11-28", "08:30:00")
    );
    // Shanghai has no daylight saving: the offset is +8 all year.
    for date in ["2026-01-15", "2026-07-15"] {
        assert_eq!(sh(date, "08:30:00"), utc(date, "00:30:00"));
    }
}

#[test]
fn a_window_lost_to_a_daylight_saving_jump_is_skipped() {
    let p = with("office_hours = [\"02:00-03:00\", \"09:00-17:00\"]").unwrap();
    let ny = chrono_tz::America::New_York;
    // 2026-03-08: clocks jump from 02:00 to 03:00 in New York.
    let at = ny.with_ymd_and_hms(2026, 3, 8, 1, 30, 0).unwrap().with_timezone(&Utc);
    let next = next_opening(&p, at, ny).unwrap();
    assert_eq!(next.format("%d %H:%M").to_string(), "08 09:00");
    assert!(is_office_open(&p, next.with_timezone(&Utc), ny));
}

// --- breaches ------------------------------------------------------------------

#[test]
fn breaches_at_the_boundaries() {
    let due = sh("2026-11-28", "10:00:00");
    let early = due - Duration::minutes(30);
    let late = due + Duration::minutes(45);
    assert_eq!(breach(due, Some(early), late), Breach::OnTime);
    assert_eq!(breach(due, Some(due), late), Breach::OnTime);
    assert_eq!(
        breach(due, Some(late), late),
        Breach::Late {
            by: Duration::minutes(45)
        }
    );
    assert_eq!(
        breach(due, None, early),
        Breach::Pending {
            left: Duration::minutes(30)
        }
    );
    assert_eq!(breach(due, None, due), Breach::Pending { left: Duration::zero() });
    assert_eq!(
        breach(due, None, late),
        Breach::Overdue {
            by: Duration::minutes(45)
        }
    );
    assert!(!Breach::OnTime.is_breached() && !Breach::Pending { left: Duration::zero() }.is_breached());
    assert!(Breach::Late {
        by: Duration::seconds(1)
    }
    .is_breached());
}

#[test]
fn on_time_rate_ignores_pending_requests() {
    let late = Breach::Late {
        by: Duration::minutes(1),
    };
    let overdue = Breach::Overdue {
        by: Duration::minutes(1),
    };
    let pending = Breach::Pending {
        left: Duration::minutes(1),
    };
    assert_eq!(on_time_rate([]), None);
    assert_eq!(on_time_rate([pending]), None);
    assert_eq!(on_time_rate([Breach::OnTime, pending]), Some(1.0));
    assert_eq!(on_time_rate([Breach::OnTime, late, overdue, Breach::OnTime]), Some(0.5));
}

proptest! {
    #[test]
    fn due_times_never_come_before_receipt_plus_target(secs in 0i64..(400 * 86_400), t in 0usize..9) {
        let p = policy();
        let t = RequestType::ALL[t];
        let received = utc("2026-01-01", "00:00:00") + Duration::seconds(secs);
        let due = due_at(&p, t, received, Shanghai);
        prop_assert!(due >= received + p.target(t));
        if t.is_emergency() {
            prop_assert_eq!(due, received + p.target(t));
        } else {
            // The clock started at an instant when the desk was open.
            let start = due - p.target(t);
            prop_assert!(is_office_open(&p, start, Shanghai));
            prop_assert!(start == received || !is_office_open(&p, received, Shanghai));
        }
    }

    #[test]
    fn next_opening_is_open_and_never_in_the_past(secs in 0i64..(400 * 86_400)) {
        let p = with("office_hours = [\"08:30-12:00\", \"13:30-17:30\"]\noffice_days = [\"mon\",\"wed\"]").unwrap();
        let at = utc("2026-01-01", "00:00:00") + Duration::seconds(secs);
        let next = next_opening(&p, at, Shanghai).unwrap().with_timezone(&Utc);
        prop_assert!(next >= at);
        prop_assert!(is_office_open(&p, next, Shanghai));
        // Nothing in between was open: checking each minute boundary is enough here.
        let mut probe = at;
        while probe < next {
            prop_assert!(!is_office_open(&p, probe, Shanghai));
            probe += Duration::minutes(29);
        }
    }
}

// --- the promise a resident reads -----------------------------------------------------

#[test]
fn the_promise_names_todays_reopening_inside_a_break_and_the_next_day_only_after_hours() {
    // Office days include Saturday; the desk breaks 12:00–13:30. 2026-12-05 is a Saturday,
    // 2026-12-06 a Sunday (not an office day here), 2026-12-07 a Monday.
    let p = with(
        r#"office_hours = ["08:30-12:00", "13:30-17:30"]
office_days = ["mon", "tue", "wed", "thu", "fri", "sat"]"#,
    )
    .unwrap();
    let at = |date: &str, time: &str| reopening(&p, sh(date, time), Shanghai);
    let local = |date: &str, time: &str| sh(date, time).with_timezone(&Shanghai);
    // Before the day's first hours: later today.
    assert_eq!(
        at("2026-12-05", "08:29:59"),
        Reopening::LaterToday(local("2026-12-05", "08:30:00"))
    );
    assert_eq!(at("2026-12-05", "08:30:00"), Reopening::Open);
    assert_eq!(at("2026-12-05", "11:59:59"), Reopening::Open);
    // The lunch break, at its first second, the issue's 12:32, and its last second.
    for time in ["12:00:00", "12:32:00", "13:29:59"] {
        assert_eq!(
            at("2026-12-05", time),
            Reopening::LaterToday(local("2026-12-05", "13:30:00")),
            "{time}"
        );
    }
    assert_eq!(at("2026-12-05", "13:30:00"), Reopening::Open);
    assert_eq!(at("2026-12-05", "17:29:59"), Reopening::Open);
    // After the day's last hours, and on a day the desk does not work: the next
    // working day (Sunday is skipped).
    assert_eq!(
        at("2026-12-05", "17:30:00"),
        Reopening::NextWorkingDay(local("2026-12-07", "08:30:00"))
    );
    assert_eq!(
        at("2026-12-05", "23:59:59"),
        Reopening::NextWorkingDay(local("2026-12-07", "08:30:00"))
    );
    assert_eq!(
        at("2026-12-06", "10:00:00"),
        Reopening::NextWorkingDay(local("2026-12-07", "08:30:00"))
    );
    // Just after midnight the same morning's opening is "today".
    assert_eq!(
        at("2026-12-07", "00:00:00"),
        Reopening::LaterToday(local("2026-12-07", "08:30:00"))
    );
}

#[test]
fn a_desk_closed_for_months_promises_no_date() {
    let p = with(r#"office_hours = ["08:30-17:30"]
office_days = ["mon"]
holidays = ["2026-06-01", "2026-06-08", "2026-06-15", "2026-06-22", "2026-06-29", "2026-07-06", "2026-07-13", "2026-07-20", "2026-07-27", "2026-08-03"]"#)
    .unwrap();
    assert_eq!(
        reopening(&p, sh("2026-05-31", "10:00:00"), Shanghai),
        Reopening::NotSoon
    );
}
