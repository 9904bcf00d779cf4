//! The whole-file integrity check is off the start-up path (issue 19): a command reads a
//! database whose later pages are damaged and answers at once, while `check` reports the
//! damage; the kiosk opens on it at once too, but its first write is refused and nothing
//! reaches the file, and the restart that follows restores the newest good backup. Only
//! `run` and `check` check the whole file; every other command answers without it.

mod common;

use std::path::Path;

use chrono::Duration;
use common::fixtures::{monday_at, open_app, run_cli, walk_in};
use lobby_kiosk::app::{App, DB_FILE};
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::visitor;
use lobby_kiosk::recovery::Check;
use lobby_kiosk::store::{backup_file_name, HistoryScale, StoreError};

const PAGE: usize = 4096;

/// A data folder with the sample residents, a backup, then some months of visits (so
/// the file has pages well past the residents').
fn history(dir: &Path) {
    let app = open_app(dir);
    let now = monday_at(10, 0);
    let backup = dir.join("backups").join(backup_file_name(now - Duration::hours(1)));
    app.store().backup_to(&backup, now).unwrap();
    app.store().seed_history(HistoryScale::scaled(0.002), now, 8).unwrap();
}

/// Scribbles over pages from 40% to 60% of the file, as a failing card would: the
/// residents (written first) and the schema stay readable.
fn damage_later_pages(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let pages = bytes.len() / PAGE;
    assert!(pages > 100, "a database of some size ({pages} pages)");
    for page in pages * 4 / 10..pages * 6 / 10 {
        bytes[page * PAGE..(page + 1) * PAGE].fill(0x5A);
    }
    std::fs::write(db, &bytes).unwrap();
    bytes
}

fn loaded() -> LoadedConfig {
    LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap()
}

fn damaged_copies(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".damaged-"))
        .count()
}

#[test]
fn a_command_reads_a_database_with_damaged_later_pages_while_check_reports_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    history(dir.path());
    let db = dir.path().join(DB_FILE);
    let damaged = damage_later_pages(&db);

    let (code, out, err) = run_cli(dir.path(), &["residents", "list", "--json"], "");
    assert_eq!(code, 0, "a read answers without the whole-file check: {err}");
    assert!(out.contains("\"unit\""), "the residents are listed: {out}");

    let (code, out, err) = run_cli(dir.path(), &["check"], "");
    assert_eq!(code, 3, "check reads the whole file and finds the damage: {out}{err}");
    assert!(out.contains("quick_check") && !out.contains("quick_check=ok"), "{out}");

    assert_eq!(
        std::fs::read(&db).unwrap(),
        damaged,
        "neither command wrote to the file"
    );
    assert_eq!(damaged_copies(dir.path()), 0, "nothing was moved aside by a read");
}

#[test]
fn a_command_that_writes_to_a_damaged_file_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    history(dir.path());
    let db = dir.path().join(DB_FILE);
    let damaged = damage_later_pages(&db);
    {
        let app = App::open_with(loaded(), Some(dir.path()), Check::BeforeFirstWrite).unwrap();
        assert!(!app.store().residents().unwrap().is_empty(), "reads work");
        let err = visitor::register(&app, &walk_in("13900000001", VisitorType::Courier), monday_at(11, 0))
            .expect_err("the first write waits for the check, which finds the damage");
        assert!(
            matches!(err, lobby_kiosk::journeys::JourneyError::Store(StoreError::Damaged(_))),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        damaged,
        "the refused write left the file as it was"
    );
}

#[test]
fn the_kiosk_opens_at_once_on_a_damaged_file_refuses_its_first_write_and_the_restart_restores_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    history(dir.path());
    let db = dir.path().join(DB_FILE);
    let damaged = damage_later_pages(&db);
    {
        let app = App::open_with(loaded(), Some(dir.path()), Check::Background).unwrap();
        assert_eq!(
            damaged_copies(dir.path()),
            0,
            "opened without recovering: no check ran first"
        );
        assert!(
            !app.store().residents().unwrap().is_empty(),
            "the home page's reads work"
        );
        let guard = lobby_kiosk::store::integrity::guard_for(&db).expect("the file is guarded");
        let err = visitor::register(&app, &walk_in("13900000001", VisitorType::Courier), monday_at(11, 0))
            .expect_err("refused");
        assert!(err.to_string().contains("integrity"), "{err}");
        assert!(
            guard.verdict().is_some_and(|v| v.is_err()),
            "the check (run by the first write, as the kiosk's thread had not started it yet) found it"
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), damaged, "nothing reached the damaged file");

    // What `run` does next: open as every start on a damaged file always has.
    let app = App::open(loaded(), Some(dir.path())).unwrap();
    assert_eq!(damaged_copies(dir.path()), 1, "the damaged file is kept aside");
    visitor::register(&app, &walk_in("13900000002", VisitorType::Courier), monday_at(11, 5))
        .expect("the restored backup takes writes at once");
}

#[test]
fn on_a_healthy_file_the_first_write_goes_through_after_the_background_check() {
    let dir = tempfile::tempdir().unwrap();
    history(dir.path());
    let app = App::open_with(loaded(), Some(dir.path()), Check::Background).unwrap();
    visitor::register(&app, &walk_in("13900000003", VisitorType::Courier), monday_at(11, 0)).unwrap();
    let guard = lobby_kiosk::store::integrity::guard_for(&dir.path().join(DB_FILE)).unwrap();
    assert_eq!(guard.verdict(), Some(Ok(())));
    assert_eq!(
        app.store().last_surname_by_phone("13900000003").unwrap().as_deref(),
        Some("王")
    );
}

/// Fills the end of the file with a table no command reads, then scribbles over its
/// pages: `quick_check` finds the damage, and only a whole-file check could.
fn damage_pages_no_command_reads(dir: &Path) -> Vec<u8> {
    let db = dir.join(DB_FILE);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let before: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        conn.execute_batch("CREATE TABLE ballast (b BLOB)").unwrap();
        for _ in 0..64 {
            conn.execute("INSERT INTO ballast VALUES (zeroblob(16000))", [])
                .unwrap();
        }
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let after: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        assert!(after - before > 200, "the ballast is at the end of the file");
        drop(conn);
        let mut bytes = std::fs::read(&db).unwrap();
        for page in (before + 20) as usize..(after - 20) as usize {
            bytes[page * PAGE..(page + 1) * PAGE].fill(0x5A);
        }
        std::fs::write(&db, &bytes).unwrap();
    }
    std::fs::read(&db).unwrap()
}

#[test]
fn only_run_and_check_check_the_whole_file_every_other_command_answers_without_it() {
    let dir = tempfile::tempdir().unwrap();
    history(dir.path());
    let db = dir.path().join(DB_FILE);
    let damaged = damage_pages_no_command_reads(dir.path());

    // What every command but `run` and `check` opens with: the check is registered, not
    // run, and reads leave it so (it would run only before a first write).
    {
        let app = App::open_with(loaded(), Some(dir.path()), Check::BeforeFirstWrite).unwrap();
        assert!(!app.store().residents().unwrap().is_empty());
        let guard = lobby_kiosk::store::integrity::guard_for(&db).expect("the file is guarded");
        assert_eq!(guard.verdict(), None, "opening and reading did not run quick_check");
    }

    // Had any of these checked the whole file first, it would have found the damage and
    // moved the file aside for a backup (or refused with exit 3).
    for args in [
        &["residents", "list"][..],
        &["visit", "list"],
        &["invite", "list"],
        &["deny", "list"],
        &["staff", "list"],
        &["permit", "list"],
        &["roster"],
        &["audit"],
        &["printer", "status"],
        &["printer", "queue"],
    ] {
        let (code, out, err) = run_cli(dir.path(), args, "");
        assert_eq!(
            code,
            0,
            "`{}` answers without the whole-file check: {out}{err}",
            args.join(" ")
        );
        assert_eq!(
            damaged_copies(dir.path()),
            0,
            "`{}` moved nothing aside",
            args.join(" ")
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), damaged, "no command wrote to the file");

    // `check` reads the whole file and says so.
    let (code, out, err) = run_cli(dir.path(), &["check"], "");
    assert_eq!(code, 3, "check finds the damage: {out}{err}");
    assert!(out.contains("quick_check") && !out.contains("quick_check=ok"), "{out}");

    // And `run` checks it too: on its first start after this, the kiosk restores the
    // backup (what `cli::run_kiosk` does once its background check finds the damage).
    let app = App::open(loaded(), Some(dir.path())).unwrap();
    assert_eq!(damaged_copies(dir.path()), 1, "the damaged file is kept aside");
    drop(app);
}

#[test]
fn a_write_made_while_the_background_check_runs_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    history(dir.path());
    let db = dir.path().join(DB_FILE);
    let app = App::open_with(loaded(), Some(dir.path()), Check::Background).unwrap();
    let guard = lobby_kiosk::store::integrity::guard_for(&db).expect("the file is guarded");
    let (tell, told) = std::sync::mpsc::channel();
    // What `run` does a second after the window shows.
    guard.start_in_background(move || {
        let _ = tell.send(());
    });
    visitor::register(&app, &walk_in("13900000004", VisitorType::Courier), monday_at(11, 0))
        .expect("a healthy file takes the write once the check has passed");
    assert_eq!(
        guard.verdict(),
        Some(Ok(())),
        "the write returned only once the check had finished"
    );
    assert!(told.try_recv().is_err(), "no damage reported on a healthy file");
    assert_eq!(
        app.store().last_surname_by_phone("13900000004").unwrap().as_deref(),
        Some("王")
    );
}
