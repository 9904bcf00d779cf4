//! The data folder through the real binary: no silent fresh start (a used folder with a
//! missing or empty database restores its newest backup; lost keys stop the kiosk),
//! restores that never destroy, private files whatever the umask, and `check`,
//! `backup` and `purge` keeping their promises about all of it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use common::fixtures::{courier_on_site, open_app, run_cli};
use lobby_kiosk::app::DB_FILE;
use lobby_kiosk::config::EMBEDDED_DEFAULT;
use lobby_kiosk::domain::token::{sign, TokenKind, TokenPayload};

/// Runs the binary with extra environment and a shell umask (022 unless told):
/// exit code, standard output, standard error.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("umask 022; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--data-dir")
        .arg(dir)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn files_named(dir: &Path, part: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(part))
        .collect();
    found.sort();
    found
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A kiosk that has been used: a visitor on site (a signed slip issued) and a backup.
fn used_kiosk(dir: &Path) -> i64 {
    let app = open_app(dir);
    let visit = courier_on_site(&app, "13900000001", app.now());
    drop(app);
    let (code, out, err) = run_cli(dir, &["backup"], "");
    assert_eq!(code, 0, "{out}{err}");
    visit.id
}

#[test]
fn a_deleted_or_empty_database_beside_backups_is_restored_not_started_afresh() {
    for empty in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let visit = used_kiosk(dir.path());
        let db = dir.path().join(DB_FILE);
        std::fs::remove_file(&db).unwrap();
        if empty {
            std::fs::write(&db, b"").unwrap();
        }
        let (code, out, err) = run_cli(dir.path(), &["visit", "list", "--on-site", "--json"], "");
        assert_eq!(code, 0, "{out}{err}");
        assert!(err.contains("已自动从备份恢复"), "said on standard error: {err}");
        let ids: Vec<i64> = json(&out)
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![visit], "the backup's visitor is back (empty: {empty})");
        let app = open_app(dir.path());
        let notices = app.store().notices(10).unwrap();
        assert!(
            notices
                .iter()
                .any(|n| n.kind == "system_fault" && n.notice.contains("已自动从备份恢复")),
            "the desk is told: {notices:?}"
        );
        assert_eq!(
            files_named(dir.path(), ".damaged-").len(),
            usize::from(empty),
            "an empty file is kept aside"
        );
    }
}

#[test]
fn a_used_folder_without_a_database_or_a_backup_refuses_to_start_afresh() {
    let dir = tempfile::tempdir().unwrap();
    used_kiosk(dir.path());
    std::fs::remove_dir_all(dir.path().join("backups")).unwrap();
    std::fs::remove_file(dir.path().join(DB_FILE)).unwrap();
    for _ in 0..2 {
        let (code, _, err) = run_cli(dir.path(), &["visit", "list"], "");
        assert_eq!(code, 3, "{err}");
        assert!(err.contains("lobby-kiosk restore"), "says what to do: {err}");
        assert!(!dir.path().join(DB_FILE).exists(), "no empty database was created");
    }
    let (code, out, _) = run_cli(dir.path(), &["check", "--json"], "");
    assert_eq!(code, 3, "check calls it damage: {out}");
    assert!(!dir.path().join(DB_FILE).exists(), "check creates nothing either");
}

#[test]
fn an_empty_folder_is_a_first_run() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run_cli(dir.path(), &["visit", "list", "--json"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(dir.path().join(DB_FILE).exists());
}

#[test]
fn lost_keys_stop_the_kiosk_until_put_back_or_deliberately_renewed() {
    let dir = tempfile::tempdir().unwrap();
    used_kiosk(dir.path());
    let keys = dir.path().join("keys");
    let saved = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&keys).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, saved.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::remove_dir_all(&keys).unwrap();
    let (code, _, err) = run_cli(dir.path(), &["roster", "--json"], "");
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("keys renew") && err.contains("签名密钥缺失"), "{err}");
    assert!(
        !keys.exists() || std::fs::read_dir(&keys).unwrap().next().is_none(),
        "no new key was minted"
    );
    // Put back, the kiosk carries on with the same key.
    std::fs::create_dir_all(&keys).unwrap();
    for entry in std::fs::read_dir(saved.path()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, keys.join(path.file_name().unwrap())).unwrap();
    }
    let (code, _, err) = run_cli(dir.path(), &["roster", "--json"], "");
    assert_eq!(code, 0, "{err}");
    // Lost for good: renewing is the deliberate way on.
    std::fs::remove_dir_all(&keys).unwrap();
    let (code, out, err) = run_cli(dir.path(), &["keys", "renew"], "");
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run_cli(dir.path(), &["roster", "--json"], "");
    assert_eq!(code, 0, "{err}");
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    used_kiosk(dir.path());
    let key = files_named(&dir.path().join("keys"), "signing-").remove(0);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, err) = run_cli(dir.path(), &["roster"], "");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("chmod 600"), "{err}");
}

#[test]
fn a_slip_from_another_kiosk_reads_unknown_key() {
    let here = tempfile::tempdir().unwrap();
    let there = tempfile::tempdir().unwrap();
    let mut other = open_app(there.path());
    let mine = open_app(here.path()).keys.signing.key_id();
    while other.keys.signing.key_id() == mine {
        // One chance in 254: give the other kiosk another fresh folder.
        drop(other);
        std::fs::remove_dir_all(there.path().join("keys")).unwrap();
        std::fs::remove_file(there.path().join(DB_FILE)).unwrap();
        other = open_app(there.path());
    }
    assert_ne!(mine, 1, "new kiosks never share the old id 1");
    let now = other.now();
    let payload = TokenPayload {
        kind: TokenKind::Pass,
        id: 1,
        unit: "1-1-101".into(),
        valid_from: now - Duration::hours(1),
        valid_until: now + Duration::hours(3),
        key_id: other.keys.signing.key_id(),
    };
    let token = sign(&other.keys.signing, &payload).unwrap();
    let (code, out, _) = run_cli(here.path(), &["pass", "verify", &token, "--json"], "");
    assert_eq!(code, 1);
    assert_eq!(json(&out)["reason"], "unknown_key", "{out}");
}

#[test]
fn a_second_restore_keeps_the_first_ones_copy_and_check_lists_both() {
    let dir = tempfile::tempdir().unwrap();
    used_kiosk(dir.path());
    let backup = files_named(&dir.path().join("backups"), "kiosk-").remove(0);
    let backup = backup.to_str().unwrap();
    let clock = [("LOBBY_KIOSK_CLOCK", "2026-11-30T10:00:00+08:00")];
    let original = std::fs::read(dir.path().join(DB_FILE)).unwrap();
    let (code, out, err) = run_env(dir.path(), &["restore", backup], &clock);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(".before-restore-20261130-02000"),
        "named by the kiosk's clock: {out}"
    );
    let (code, out, err) = run_env(dir.path(), &["restore", backup], &clock);
    assert_eq!(code, 0, "{out}{err}");
    let copies = files_named(dir.path(), ".before-restore");
    let copies: Vec<&PathBuf> = copies
        .iter()
        .filter(|p| !p.to_string_lossy().ends_with("-wal"))
        .collect();
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert!(
        copies.iter().any(|p| std::fs::read(p).unwrap() == original),
        "the original database survives the second restore"
    );
    let (code, out, _) = run_cli(dir.path(), &["check", "--json"], "");
    assert_eq!(code, 0, "{out}");
    assert_eq!(json(&out)["kept_copies"].as_array().unwrap().len(), 2, "{out}");

    // A restore killed half-way leaves its staged copy: the next start removes it.
    std::fs::write(dir.path().join(format!("{DB_FILE}.restore-tmp")), b"half").unwrap();
    let (code, _, err) = run_cli(dir.path(), &["roster"], "");
    assert_eq!(code, 0, "{err}");
    assert!(files_named(dir.path(), "restore-tmp").is_empty());
}

#[test]
fn copies_kept_aside_are_purged_after_their_retention() {
    let dir = tempfile::tempdir().unwrap();
    used_kiosk(dir.path());
    let old = dir.path().join(format!("{DB_FILE}.damaged-20260101-000000"));
    let recent = dir.path().join(format!("{DB_FILE}.before-restore-20261125-000000"));
    std::fs::write(&old, b"phones").unwrap();
    std::fs::write(&recent, b"phones").unwrap();
    let clock = [("LOBBY_KIOSK_CLOCK", "2026-11-30T10:00:00+08:00")];
    let (code, out, err) = run_env(dir.path(), &["purge", "--dry-run", "--json"], &clock);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["copies"].as_array().unwrap().len(), 1, "{out}");
    assert!(old.exists(), "a dry run deletes nothing");
    let (code, _, err) = run_env(dir.path(), &["purge"], &clock);
    assert_eq!(code, 0, "{err}");
    assert!(!old.exists(), "past privacy.copy_retention_days (30)");
    assert!(recent.exists());
}

#[cfg(unix)]
#[test]
fn data_files_are_private_whatever_the_umask_and_check_names_an_exposed_one() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("kiosk-data");
    let (code, _, err) = run_env(&dir, &["printer", "test"], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_env(&dir, &["backup"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&dir), 0o700, "the data folder");
    for path in [
        dir.join(DB_FILE),
        dir.join(format!("{DB_FILE}-wal")),
        dir.join(format!("{DB_FILE}-shm")),
    ]
    .into_iter()
    .filter(|p| p.exists())
    .chain(files_named(&dir.join("backups"), "kiosk-"))
    .chain(files_named(&dir.join("printer"), ""))
    {
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    let (code, out, _) = run_env(&dir, &["check"], &[]);
    assert_eq!(code, 0, "{out}");

    // Loosened by hand (a copy, an old version): check says so and how to fix it.
    std::fs::set_permissions(dir.join(DB_FILE), std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, out, _) = run_env(&dir, &["check"], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("chmod 600 {}", dir.join(DB_FILE).display())),
        "{out}"
    );
    // The kiosk makes it private again when it opens the folder.
    let (code, _, err) = run_env(&dir, &["roster"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&dir.join(DB_FILE)), 0o600);
}

#[test]
fn two_backups_in_the_same_second_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let clock = [("LOBBY_KIOSK_CLOCK", "2026-11-30T10:00:00+08:00")];
    let (code, _, err) = run_env(dir.path(), &["backup"], &clock);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_env(dir.path(), &["backup"], &clock);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files_named(&dir.path().join("backups"), "kiosk-").len(), 2);
}

#[test]
fn backup_help_states_the_real_default() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run_cli(dir.path(), &["backup", "--help"], "");
    assert_eq!(code, 0);
    assert!(out.contains("`backup.keep`, 7 unless configured"), "{out}");
    assert!(!out.contains("14"), "{out}");
}

#[test]
fn check_on_a_damaged_database_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    used_kiosk(dir.path());
    let db = dir.path().join(DB_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    for b in &mut bytes[4096..] {
        *b = 0x5A;
    }
    std::fs::write(&db, bytes).unwrap();
    let (code, out, err) = run_cli(dir.path(), &["check"], "");
    assert_eq!(code, 3, "{out}{err}");
}

#[test]
fn the_recovery_message_follows_the_configured_language() {
    let dir = tempfile::tempdir().unwrap();
    used_kiosk(dir.path());
    let config = dir.path().join("en.toml");
    std::fs::write(
        &config,
        EMBEDDED_DEFAULT.replace("language = \"zh-CN\"", "language = \"en\""),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join(DB_FILE)).unwrap();
    let (code, _, err) = run_cli(dir.path(), &["--config", config.to_str().unwrap(), "roster"], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("restored from a backup"), "{err}");
    assert!(!err.contains("已自动从备份恢复"), "English only: {err}");
}

#[test]
fn the_purge_removes_old_audit_rows_handovers_and_visits_never_signed_out() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let long_ago: DateTime<Utc> = app.now() - Duration::days(1200);
    app.set_now(Some(long_ago));
    let visit = courier_on_site(&app, "13900000002", long_ago);
    app.store()
        .audit("王主管", "visit_approve", "V1", "", long_ago)
        .unwrap();
    app.store()
        .audit("王主管", "visit_approve", "V2", "", app.now() + Duration::days(1199))
        .unwrap();
    drop(app);
    let (code, out, err) = run_cli(dir.path(), &["purge", "--json"], "");
    assert_eq!(code, 0, "{out}{err}");
    let report = json(&out);
    assert!(report["audit"].as_u64().unwrap() >= 1, "{out}");
    assert_eq!(report["visits_kept_on_site"], 0, "{out}");
    let app = open_app(dir.path());
    assert!(
        app.store().visit(visit.id).unwrap().is_none(),
        "let in, never signed out, long gone"
    );
    let audit = app.store().audit_since(long_ago - Duration::days(1)).unwrap();
    assert!(audit.iter().all(|a| a.record != "V1"), "{audit:?}");
    assert!(audit.iter().any(|a| a.record == "V2"), "recent rows stay");
}

/// A configuration in `language` with a `[fleet]` table (its server is never reached: the
/// purge does not need it).
fn fleet_config(dir: &Path, language: &str) -> PathBuf {
    let text = EMBEDDED_DEFAULT.replacen(r#"language = "zh-CN""#, &format!("language = \"{language}\""), 1)
        + "\n[fleet]\nurl = \"postgres://kiosk_c1_a:pw@127.0.0.1:9/fleet?sslmode=disable\"\n\
           compound_id = \"c1\"\nkiosk_id = \"a\"\nrecord_prefix = \"A\"\n";
    let path = dir.join(format!("fleet-{language}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_purge_says_in_words_what_it_deleted_of_the_fleet_queue_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let zh = fleet_config(dir.path(), "zh-CN");
    let en = fleet_config(dir.path(), "en");
    let loaded = lobby_kiosk::config::LoadedConfig::from_text(
        &std::fs::read_to_string(&zh).unwrap(),
        lobby_kiosk::config::ConfigSource::Embedded,
    )
    .unwrap();
    let app = std::rc::Rc::new(lobby_kiosk::app::App::open(loaded, Some(dir.path())).unwrap());
    let long_ago: DateTime<Utc> = app.now() - Duration::days(400);
    app.set_now(Some(long_ago));
    // One visit the central database received long ago, one never sent, one of today.
    courier_on_site(&app, "13900000021", long_ago);
    let sent: Vec<i64> = app.store().fleet_pending(1000).unwrap().iter().map(|c| c.id).collect();
    assert!(!sent.is_empty(), "the fleet queues the visit");
    app.store().fleet_mark_sent(&sent, long_ago).unwrap();
    courier_on_site(&app, "13900000022", long_ago);
    app.set_now(None);
    courier_on_site(&app, "13900000023", app.now());
    drop(app);

    // The dry run in English, then the purge in Chinese: both say it in words.
    let (code, out, err) = run_cli(
        dir.path(),
        &["--config", en.to_str().unwrap(), "purge", "--dry-run"],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    let line = |out: &str, start: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line {start:?} in:\n{out}"))
            .to_string()
    };
    let sent_line = line(&out, "changes the central database has received");
    assert!(
        sent_line.ends_with(&format!("): {} (kept 7 days)", sent.len())),
        "{sent_line}"
    );
    let unsent_line = line(
        &out,
        "changes not yet sent whose records reached the end of their retention",
    );
    assert!(
        !unsent_line.ends_with(": 0"),
        "the unsent changes of the old visit: {unsent_line}"
    );
    assert!(!out.contains("fleet_"), "no JSON key in the words: {out}");

    let (code, out, err) = run_cli(dir.path(), &["--config", zh.to_str().unwrap(), "purge"], "");
    assert_eq!(code, 0, "{out}{err}");
    let sent_line = line(&out, "已上传到中心数据库的同步记录");
    assert!(
        sent_line.ends_with(&format!("）：{}（保留 7 天）", sent.len())),
        "{sent_line}"
    );
    let unsent_line = line(&out, "尚未上传、其记录已到保留期的同步记录");
    assert!(!unsent_line.ends_with("：0"), "{unsent_line}");
    assert!(!out.contains("fleet_"), "{out}");
    // What is left: today's visit, still queued, and the tally `sync status` shows.
    let (code, out, err) = run_cli(dir.path(), &["--config", en.to_str().unwrap(), "sync", "status"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("deleted unsent (retention over):"), "{out}");
}
