//! The kiosk's own daily purge and backup, woken by the screen's minute tick and run on
//! a thread of its own: once per local day at `backup.time`, purge first (the backup
//! holds nothing purged), a checked backup, old ones rotated out; a failure tells the
//! desk and waits for the next day; the screen never waits for any of it.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use lobby_kiosk::daily_care::{META_BACKUP_DAY, META_PURGE_DAY};
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::visitor::{self, Registered};

fn shanghai(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 12, day, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn backups(k: &TestKiosk) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(k.dir.path().join("backups"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sqlite3"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// One minute of the kiosk running: the housekeeping check runs once a minute (on its
/// own thread, which is then let finish).
fn a_minute(k: &TestKiosk) {
    wait_seconds(60);
    settle_housekeeping(k);
}

/// Desk notices that a daily purge failed.
fn purge_failures(k: &TestKiosk) -> usize {
    let notices = k.app().store().notices(100).unwrap();
    notices
        .iter()
        .filter(|n| n.kind == "system_fault" && n.notice.contains("daily purge"))
        .count()
}

/// A visit long past its 180 days, never let in: the purge's to remove.
fn an_old_visit(k: &TestKiosk) -> i64 {
    let old = shanghai(1, 10, 0) - Duration::days(400);
    let guest = walk_in("13912345678", VisitorType::Guest);
    let Registered::Waiting(visit) = visitor::register(k.app(), &guest, old).unwrap() else {
        panic!("a guest waits")
    };
    visit.id
}

#[test]
fn the_daily_purge_and_backup_run_once_a_day_at_the_configured_time() {
    let k = kiosk_with(|t| t.replace("keep = 7", "keep = 2"));
    let app = k.app();
    // A visit long past its 180 days, never let in: the purge's to remove.
    let old = shanghai(1, 10, 0) - Duration::days(400);
    let guest = walk_in("13912345678", VisitorType::Guest);
    let Registered::Waiting(old_visit) = visitor::register(app, &guest, old).unwrap() else {
        panic!("a guest waits")
    };

    // Before 03:00 nothing happens.
    app.set_now(Some(shanghai(1, 2, 59)));
    a_minute(&k);
    assert!(backups(&k).is_empty());
    assert!(app.store().visit(old_visit.id).unwrap().is_some());

    app.set_now(Some(shanghai(1, 3, 0)));
    a_minute(&k);
    assert_eq!(backups(&k).len(), 1, "the day's backup");
    assert!(
        app.store().visit(old_visit.id).unwrap().is_none(),
        "purged before the backup"
    );
    assert_eq!(app.store().meta(META_PURGE_DAY).unwrap().as_deref(), Some("2026-12-01"));
    assert_eq!(
        app.store().meta(META_BACKUP_DAY).unwrap().as_deref(),
        Some("2026-12-01")
    );
    let backup = k.dir.path().join("backups").join(&backups(&k)[0]);
    let copy = lobby_kiosk::store::Store::open(&backup).unwrap();
    copy.ensure_intact().unwrap();
    assert!(
        copy.visit(old_visit.id).unwrap().is_none(),
        "the backup holds nothing purged"
    );
    drop(copy);

    // Once a day: later that day, nothing more.
    app.set_now(Some(shanghai(1, 15, 0)));
    a_minute(&k);
    assert_eq!(backups(&k).len(), 1);

    // A kiosk that was off at 03:00 catches up at its first minute after it.
    for day in 2..=4 {
        app.set_now(Some(shanghai(day, 9, 30)));
        a_minute(&k);
    }
    let names = backups(&k);
    assert_eq!(names.len(), 2, "rotated to `keep`: {names:?}");
    assert!(names[1] > names[0]);
    assert!(names.iter().all(|n| n.contains("202612")), "{names:?}");
}

#[test]
fn purge_dry_run_reports_counts_per_kind_and_deletes_nothing() {
    let k = kiosk();
    let old = shanghai(1, 10, 0) - Duration::days(400);
    let guest = walk_in("13912345678", VisitorType::Guest);
    let Registered::Waiting(visit) = visitor::register(k.app(), &guest, old).unwrap() else {
        panic!("a guest waits")
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--data-dir")
        .arg(k.dir.path())
        .args(["purge", "--dry-run", "--json"])
        .env("LOBBY_KIOSK_CLOCK", shanghai(1, 10, 0).to_rfc3339())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for kind in [
        "visits",
        "passes",
        "permits",
        "tickets",
        "ratings",
        "notices",
        "print_jobs",
        "invites",
    ] {
        assert!(report[kind].is_u64(), "{kind} counted: {report}");
    }
    assert_eq!(report["visits"], 1);
    assert_eq!(report["dry_run"], true);
    assert!(k.app().store().visit(visit.id).unwrap().is_some(), "nothing deleted");
}

#[test]
fn a_failed_purge_tells_the_desk_once_and_is_not_retried_the_same_day() {
    let k = kiosk();
    let app = k.app();
    let old_visit = an_old_visit(&k);
    // The purge's deletes fail, as they would on a failing disk.
    let db = rusqlite::Connection::open(k.dir.path().join("kiosk.sqlite3")).unwrap();
    db.execute_batch(
        "CREATE TRIGGER test_purge_fails BEFORE DELETE ON visits
         BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END;",
    )
    .unwrap();

    app.set_now(Some(shanghai(1, 3, 0)));
    a_minute(&k);
    assert_eq!(purge_failures(&k), 1, "the desk is told");
    assert_eq!(
        app.store().meta(META_PURGE_DAY).unwrap().as_deref(),
        Some("2026-12-01"),
        "the day is marked all the same"
    );
    assert!(app.store().visit(old_visit).unwrap().is_some(), "nothing purged");
    assert_eq!(backups(&k).len(), 1, "the day's backup is still taken");

    // The rest of the day: no second attempt, no second notice.
    for minute in 1..=3 {
        app.set_now(Some(shanghai(1, 3, minute)));
        a_minute(&k);
    }
    app.set_now(Some(shanghai(1, 15, 0)));
    a_minute(&k);
    assert_eq!(purge_failures(&k), 1, "not retried the same day");
    assert_eq!(backups(&k).len(), 1);

    // The next day, with the fault gone, the purge runs.
    db.execute_batch("DROP TRIGGER test_purge_fails").unwrap();
    app.set_now(Some(shanghai(2, 3, 0)));
    a_minute(&k);
    assert!(app.store().visit(old_visit).unwrap().is_none(), "purged the next day");
    assert_eq!(purge_failures(&k), 1);
    assert_eq!(app.store().meta(META_PURGE_DAY).unwrap().as_deref(), Some("2026-12-02"));
}

#[test]
fn the_screen_keeps_ticking_while_the_daily_housekeeping_runs() {
    let k = kiosk();
    let app = k.app();
    let old_visit = an_old_visit(&k);
    app.set_now(Some(shanghai(1, 3, 0)));
    // The next run waits between its purge and its backup until the hold is dropped.
    let hold = k.housekeeping().hold();
    // Off the home page the idle countdown goes down by one each second's tick.
    tap(&k, "访客登记");
    wait_seconds(1); // the minute's tick wakes the housekeeping thread, and returns
    assert!(
        wait_until(std::time::Duration::from_secs(60), || k.housekeeping().held()),
        "the run is under way on its own thread"
    );
    assert!(app.store().visit(old_visit).unwrap().is_none(), "purged already");
    assert!(backups(&k).is_empty(), "the backup not yet taken");

    let left = k.idle_seconds_left();
    wait_seconds(5);
    assert_eq!(k.idle_seconds_left(), left - 5, "every tick ran, mid-run");
    assert!(k.housekeeping().held(), "and the run is still waiting");
    assert!(backups(&k).is_empty());

    drop(hold);
    settle_housekeeping(&k);
    assert_eq!(backups(&k).len(), 1, "the backup follows");
    assert_eq!(
        app.store().meta(META_BACKUP_DAY).unwrap().as_deref(),
        Some("2026-12-01")
    );
}

#[test]
fn closing_the_kiosk_mid_run_stops_the_housekeeping_and_the_next_start_finishes_the_day() {
    let k = kiosk();
    let app = k.app().clone();
    app.set_now(Some(shanghai(1, 3, 0)));
    let hold = k.housekeeping().hold();
    wait_seconds(1);
    assert!(wait_until(std::time::Duration::from_secs(60), || k
        .housekeeping()
        .held()));
    // Dropping the kiosk stops its housekeeping thread (the run stops before its backup)
    // and joins it.
    let TestKiosk { kiosk, dir } = k;
    drop(kiosk);
    drop(hold);
    assert!(std::fs::read_dir(dir.path().join("backups")).map_or(true, |mut d| d.next().is_none()));
    assert_eq!(app.store().meta(META_PURGE_DAY).unwrap().as_deref(), Some("2026-12-01"));
    assert_eq!(
        app.store().meta(META_BACKUP_DAY).unwrap(),
        None,
        "the backup is still owed"
    );

    let again = TestKiosk {
        kiosk: lobby_kiosk::ui::Kiosk::new(app.clone()).unwrap(),
        dir,
    };
    a_minute(&again);
    assert_eq!(backups(&again).len(), 1, "taken at the next start");
}
