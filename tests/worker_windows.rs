//! One pass per worker per work window: the same window reprints the same pass, the next
//! window gives a new pass valid for that window (across the lunch gap, across midnight,
//! with `end_of_day`, on a make-up working day).

mod common;

use std::rc::Rc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::journeys::permit::{self, PermitForm};
use lobby_kiosk::journeys::worker::{self, Issued, PassOutcome, PassRefused, WhoAsks};
use lobby_kiosk::store::Permit;

const PHONE: &str = "13700001111";

fn app_with(dir: &std::path::Path, edit: impl FnOnce(String) -> String) -> Rc<App> {
    let loaded = LoadedConfig::from_text(&edit(EMBEDDED_DEFAULT.to_string()), ConfigSource::Embedded).unwrap();
    Rc::new(App::open(loaded, Some(dir)).unwrap())
}

/// Shanghai wall-clock time on a day of late 2026.
fn at(month: u32, day: u32, h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, month, day, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A renovation of 2-1-302 from 23 November to 6 December 2026, one worker, deposit paid.
fn permit(app: &App) -> Permit {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let now = at(11, 23, 9, 0);
    app.set_now(Some(now));
    permit::add_permit(
        app,
        PermitForm {
            unit: "2-1-302".into(),
            owner_surname: "赵".into(),
            contractor: "安居装饰".into(),
            lead_phone: "13700003333".into(),
            start: d(11, 23),
            end: d(12, 6),
            deposit_paid: true,
            workers: vec![permit::parse_worker(app, &format!("张三:{PHONE}")).unwrap()],
        },
        now,
    )
    .unwrap()
    .unwrap()
}

fn ask(app: &App, permit: &Permit, now: DateTime<Utc>) -> Issued {
    app.set_now(Some(now));
    match worker::issue_pass(app, permit, &WhoAsks::Phone(PHONE.into()), now).unwrap() {
        PassOutcome::Issued(issued) => *issued,
        PassOutcome::Refused(why) => panic!("refused at {now}: {why:?}"),
    }
}

/// Whether a guard's scan of the pass at `when` lets the worker in.
fn verifies(app: &App, issued: &Issued, when: DateTime<Utc>) -> bool {
    let token = worker::pass_token(app, &issued.pass, &issued.permit).unwrap();
    worker::verify_pass(app, &token, when).unwrap().valid
}

#[test]
fn after_the_lunch_gap_the_worker_gets_the_afternoon_pass() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(dir.path(), |t| t);
    let permit = permit(&app);
    // Monday 30 November: 08:00–12:00 and 14:00–18:00.
    let morning = ask(&app, &permit, at(11, 30, 10, 0));
    assert!(!morning.reprint);
    assert_eq!(morning.pass.valid_until, at(11, 30, 12, 0));

    let again = ask(&app, &permit, at(11, 30, 11, 59));
    assert!(again.reprint, "the same window reprints the same pass");
    assert_eq!(again.pass.pass_no, morning.pass.pass_no);

    let afternoon = ask(&app, &permit, at(11, 30, 14, 30));
    assert!(!afternoon.reprint, "a new window is a new pass");
    assert_ne!(afternoon.pass.pass_no, morning.pass.pass_no);
    assert_eq!(afternoon.pass.valid_from, at(11, 30, 14, 30));
    assert_eq!(afternoon.pass.valid_until, at(11, 30, 18, 0));
    assert!(verifies(&app, &afternoon, at(11, 30, 14, 31)));
    assert!(
        !verifies(&app, &morning, at(11, 30, 14, 31)),
        "the morning pass has expired"
    );

    let reprinted = ask(&app, &permit, at(11, 30, 17, 0));
    assert!(reprinted.reprint);
    assert_eq!(reprinted.pass.pass_no, afternoon.pass.pass_no);
}

#[test]
fn across_midnight_the_next_morning_is_a_new_pass() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(dir.path(), |t| t);
    let permit = permit(&app);
    let monday = ask(&app, &permit, at(11, 30, 17, 0));
    let tuesday = ask(&app, &permit, at(12, 1, 8, 0));
    assert!(!tuesday.reprint);
    assert_ne!(tuesday.pass.pass_no, monday.pass.pass_no);
    assert_eq!(tuesday.pass.valid_until, at(12, 1, 12, 0));
    assert!(verifies(&app, &tuesday, at(12, 1, 8, 1)));
    assert!(!verifies(&app, &monday, at(12, 1, 8, 1)));
}

#[test]
fn with_end_of_day_one_pass_covers_the_whole_day() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(dir.path(), |t| {
        t.replace(
            r#"pass_valid_until = "end_of_window""#,
            r#"pass_valid_until = "end_of_day""#,
        )
    });
    let permit = permit(&app);
    let morning = ask(&app, &permit, at(11, 30, 10, 0));
    assert_eq!(morning.pass.valid_until, at(11, 30, 18, 0));
    let afternoon = ask(&app, &permit, at(11, 30, 14, 30));
    assert!(afternoon.reprint, "the day's pass, printed again");
    assert_eq!(afternoon.pass.pass_no, morning.pass.pass_no);
    assert!(verifies(&app, &afternoon, at(11, 30, 14, 31)));
    // The next day is a new pass.
    let tuesday = ask(&app, &permit, at(12, 1, 9, 0));
    assert!(!tuesday.reprint);
    assert_eq!(tuesday.pass.valid_until, at(12, 1, 18, 0));
}

#[test]
fn a_make_up_working_day_has_a_morning_and_an_afternoon_pass() {
    let dir = tempfile::tempdir().unwrap();
    // Sunday 29 November declared a working day (调休): weekday hours.
    let app = app_with(dir.path(), |t| {
        t.replace("workdays = []", r#"workdays = ["2026-11-29"]"#)
    });
    let permit = permit(&app);
    let morning = ask(&app, &permit, at(11, 29, 8, 0));
    assert_eq!(morning.pass.valid_until, at(11, 29, 12, 0));
    let afternoon = ask(&app, &permit, at(11, 29, 14, 0));
    assert!(!afternoon.reprint);
    assert_eq!(afternoon.pass.valid_until, at(11, 29, 18, 0));
    assert!(verifies(&app, &afternoon, at(11, 29, 17, 59)));
}

#[test]
fn a_pass_revoked_in_the_morning_is_not_replaced_in_the_afternoon() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(dir.path(), |t| t);
    let permit = permit(&app);
    let morning = ask(&app, &permit, at(11, 30, 10, 0));
    app.with_store(|s| s.revoke_pass(&morning.pass.pass_no, at(11, 30, 11, 0)))
        .unwrap();
    app.set_now(Some(at(11, 30, 14, 30)));
    let outcome = worker::issue_pass(&app, &permit, &WhoAsks::Phone(PHONE.into()), at(11, 30, 14, 30)).unwrap();
    assert!(matches!(outcome, PassOutcome::Refused(PassRefused::PassRevoked)));
}
