//! A damaged database at start-up: moved aside (kept), the newest backup that passes
//! `integrity_check` restored, the recovery recorded and the desk told; with no good
//! backup the kiosk refuses to start (exit code 3) and every later start refuses too.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Duration, Utc};
use lobby_kiosk::app::{App, DB_FILE};
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::visitor::{self, Registered, WalkIn};
use lobby_kiosk::store::{backup_file_name, Visit};

fn open(dir: &Path) -> Result<App, lobby_kiosk::app::AppError> {
    let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
    App::open(loaded, Some(dir))
}

fn register(app: &App, phone: &str) -> Visit {
    let walk_in = WalkIn {
        unit: "1-1-101".into(),
        surname: "王".into(),
        phone: phone.into(),
        visitor_type: VisitorType::Courier,
        party_size: 1,
        company: String::new(),
    };
    match visitor::register(app, &walk_in, Utc::now()).unwrap() {
        Registered::Approved { visit, .. } => visit,
        other => panic!("{other:?}"),
    }
}

fn backup(app: &App, age_minutes: i64) -> PathBuf {
    let dest = app
        .data_dir
        .join("backups")
        .join(backup_file_name(Utc::now() - Duration::minutes(age_minutes)));
    app.store().backup_to(&dest, app.now()).unwrap();
    dest
}

/// Scribbles over every page but the first, as a failing SD card would.
fn scribble(db: &Path) {
    let mut bytes = std::fs::read(db).unwrap();
    assert!(bytes.len() > 8192, "a real database");
    for b in &mut bytes[4096..] {
        *b = 0x5A;
    }
    std::fs::write(db, bytes).unwrap();
}

fn damaged_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".damaged-"))
        .collect()
}

/// A data folder with one visit in an older backup, one in a newer backup, one after.
fn history(dir: &Path) -> (Visit, Visit, Visit, PathBuf, PathBuf) {
    let app = open(dir).unwrap();
    let first = register(&app, "13900000001");
    let older = backup(&app, 120);
    let second = register(&app, "13900000002");
    let newer = backup(&app, 60);
    let third = register(&app, "13900000003");
    (first, second, third, older, newer)
}

#[test]
fn a_damaged_database_is_kept_aside_and_the_newest_good_backup_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second, third, _, newer) = history(dir.path());
    let db = dir.path().join(DB_FILE);
    scribble(&db);
    let damaged_bytes = std::fs::read(&db).unwrap();

    let app = open(dir.path()).expect("the kiosk starts on the restored backup");
    app.store().ensure_intact().unwrap();
    assert!(app.store().visit(first.id).unwrap().is_some());
    assert!(app.store().visit(second.id).unwrap().is_some());
    assert!(
        app.store().visit(third.id).unwrap().is_none(),
        "what came after the backup is missing"
    );
    let aside = damaged_files(dir.path());
    assert_eq!(aside.len(), 1, "the damaged file is kept: {aside:?}");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), damaged_bytes, "untouched");
    let store = app.store();
    assert_eq!(
        store.meta("recovered_from").unwrap().as_deref(),
        newer.file_name().unwrap().to_str()
    );
    assert!(store.meta("recovered_at").unwrap().is_some());
    let audit = store.audit_since(Utc::now() - Duration::hours(1)).unwrap();
    assert!(audit.iter().any(|a| a.action == "restore_after_damage"), "{audit:?}");
    let notices = store.notices(10).unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n.kind == "system_fault" && n.notice.contains("已自动从备份恢复")),
        "the desk is told"
    );
    drop(store);
    drop(app);
    // The next start finds a healthy file and restores nothing more.
    open(dir.path()).unwrap();
    assert_eq!(damaged_files(dir.path()).len(), 1);
}

#[test]
fn a_file_that_is_not_a_database_and_a_damaged_newest_backup_fall_back_to_an_older_one() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second, _, _, newer) = history(dir.path());
    scribble(&newer);
    std::fs::write(dir.path().join(DB_FILE), "这不是数据库 not a database\n".repeat(500)).unwrap();
    let app = open(dir.path()).unwrap();
    assert!(app.store().visit(first.id).unwrap().is_some());
    assert!(
        app.store().visit(second.id).unwrap().is_none(),
        "the older backup is in use"
    );
    assert!(newer.exists(), "a bad backup is left for the technician, not deleted");
}

#[test]
fn with_no_good_backup_the_kiosk_refuses_to_start_and_keeps_refusing() {
    let dir = tempfile::tempdir().unwrap();
    history(dir.path());
    for backup in std::fs::read_dir(dir.path().join("backups")).unwrap() {
        std::fs::remove_file(backup.unwrap().path()).unwrap();
    }
    let db = dir.path().join(DB_FILE);
    scribble(&db);
    let damaged = std::fs::read(&db).unwrap();
    for _ in 0..2 {
        let out = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["visit", "list", "--json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains("数据库已损坏"), "{stderr}");
        assert!(stderr.contains("lobby-kiosk restore"), "{stderr}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            damaged,
            "the damaged file stays where it was"
        );
    }
    let err = open(dir.path()).err().expect("refused in-process too");
    assert!(err.is_unrecoverable_damage(), "{err}");
}
