//! The kiosk's own daily purge and backup, run from the screen's periodic tick: once
//! per local day at `backup.time`, purge first (the backup holds nothing purged), a
//! checked backup, old ones rotated out.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::housekeeping::{META_BACKUP_DAY, META_PURGE_DAY};
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

/// One minute of the kiosk running: the housekeeping check runs once a minute.
fn a_minute() {
    wait_seconds(60);
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
    a_minute();
    assert!(backups(&k).is_empty());
    assert!(app.store().visit(old_visit.id).unwrap().is_some());

    app.set_now(Some(shanghai(1, 3, 0)));
    a_minute();
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
    a_minute();
    assert_eq!(backups(&k).len(), 1);

    // A kiosk that was off at 03:00 catches up at its first minute after it.
    for day in 2..=4 {
        app.set_now(Some(shanghai(day, 9, 30)));
        a_minute();
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
