//! A full disk and a read-only one, made for real (a small tmpfs mounted by the test),
//! through the real binary: the reads (the evacuation roster first of all, a pass
//! check, `check`, a backup elsewhere) keep working, `roster --print` still prints, and
//! every message names the cause (磁盘已满 / 存储为只读) and what to do, never SQLite's
//! "disk I/O error" or "unable to open database file".
//!
//! Mounting needs root (as in CI); where the mount cannot be made the test says so on
//! standard error and passes without checking anything: the in-process simulations in
//! `tests/ui_maintenance.rs` still run everywhere.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use lobby_kiosk::journeys::worker;
use lobby_kiosk::printing::fake::{FakePrinter, Script, READY};

const CLOCK: &str = "2026-11-30T10:05:00+08:00";

/// A tmpfs of `size` mounted on a fresh folder, unmounted when dropped.
struct Mount {
    dir: tempfile::TempDir,
}

impl Mount {
    fn new(size: &str) -> Option<Mount> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            return None;
        }
        Some(Mount { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Remounts read-only (`true`) or read-write again.
    fn set_read_only(&self, read_only: bool) {
        let opt = if read_only { "remount,ro" } else { "remount,rw" };
        let out = Command::new("mount")
            .args(["-o", opt])
            .arg(self.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// Writes a file until the file system refuses: the disk is full.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.path().join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let block = vec![0xA5u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let mut small = [0u8; 512];
        while f.write_all(&small[..]).is_ok() {
            small[0] = small[0].wrapping_add(1);
        }
        drop(f);
        path
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.path()).status();
    }
}

fn mount_or_skip(test: &str) -> Option<Mount> {
    let mount = Mount::new("8m");
    if mount.is_none() {
        eprintln!(
            "SKIPPED {test}: cannot mount a tmpfs here (needs root); the simulated full and \
             read-only storage of tests/ui_maintenance.rs still ran"
        );
    }
    mount
}

/// The binary over `dir`, at the test's moment, with `config`.
fn run_at(dir: &Path, config: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .env("LOBBY_KIOSK_CLOCK", CLOCK)
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A configuration printing to `fake` (the virtual printer would file its slips on the
/// very disk that is full), in `lang`, written outside the mount.
fn config(outside: &Path, fake: &FakePrinter, lang: &str) -> PathBuf {
    let text = lobby_kiosk::config::EMBEDDED_DEFAULT
        .replace(
            "driver = \"virtual\"",
            &format!("driver = \"network\"\naddress = \"{}\"", fake.addr()),
        )
        .replace("timeout_ms = 1500", "timeout_ms = 800")
        .replace("language = \"zh-CN\"", &format!("language = \"{lang}\""));
    let path = outside.join(format!("kiosk-{lang}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// A courier on site and a worker's pass issued, in `data`; the pass's QR text.
fn someone_on_site(data: &Path) -> (String, String) {
    let app = open_app(data);
    staff_on_duty(&app);
    let now = monday_at(10, 0);
    let courier = courier_on_site(&app, "13900000002", now);
    let permit = file_permit(&app, "安居装饰", &["李四:13600001111"], true, now);
    let pass = issue_pass(&app, &permit, "13600001111", now);
    let token = worker::pass_token(&app, &pass, &permit).unwrap();
    (courier.visit_no, token)
}

/// The kiosk on the built-in configuration over `data`, on Slint's testing backend.
fn kiosk_on(data: &Path) -> lobby_kiosk::ui::Kiosk {
    use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
    use slint::ComponentHandle;
    init_backend();
    let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
    let app = std::rc::Rc::new(lobby_kiosk::app::App::open(loaded, Some(data)).unwrap());
    let kiosk = lobby_kiosk::ui::Kiosk::new(app).unwrap();
    kiosk.window.show().unwrap();
    kiosk
}

fn no_sqlite_text(text: &str) {
    for raw in ["disk I/O error", "unable to open database file", "readonly database"] {
        assert!(!text.contains(raw), "SQLite's own words reach the person: {text}");
    }
}

#[test]
fn on_a_really_full_disk_reads_keep_working_and_say_the_disk_is_full() {
    let Some(mount) = mount_or_skip("on_a_really_full_disk_reads_keep_working_and_say_the_disk_is_full") else {
        return;
    };
    let outside = tempfile::tempdir().unwrap();
    let fake = FakePrinter::start(Script::answering(READY));
    let zh = config(outside.path(), &fake, "zh-CN");
    let en = config(outside.path(), &fake, "en");
    let data = mount.path().join("kiosk-data");
    let (visit_no, token) = someone_on_site(&data);
    let filler = mount.fill();

    // The evacuation roster: listed, and printed although no print job can be recorded.
    let (code, out, err) = run_at(&data, &zh, &["roster"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&visit_no) && out.contains("在场共 2 人"), "{out}");
    assert!(err.contains("磁盘已满") && err.contains("清理"), "{err}");
    no_sqlite_text(&err);
    let (code, out, err) = run_at(&data, &zh, &["roster", "--print"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(fake.jobs().len(), 1, "the roster went straight to the printer");

    // A guard's pass check, the health check and a backup onto another disk.
    let (code, out, err) = run_at(&data, &zh, &["pass", "verify", &token]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("有效"), "{out}");
    let (code, out, err) = run_at(&data, &zh, &["check"]);
    assert_eq!(code, 1, "a full disk is a failed check: {out}{err}");
    assert!(out.contains("磁盘已满") && out.contains("schema"), "{out}");
    no_sqlite_text(&out);
    let elsewhere = outside.path().join("copy.sqlite3");
    let (code, out, err) = run_at(&data, &zh, &["backup", elsewhere.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(elsewhere.exists());

    // What needs the full disk is refused with the cause, in the configured language.
    let (code, out, err) = run_at(&data, &zh, &["backup"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("备份未能完成：磁盘已满"), "{err}");
    no_sqlite_text(&err);
    let (code, out, err) = run_at(&data, &en, &["visit", "list", "--on-site"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("The disk is full") && err.contains("free space"), "{err}");
    assert!(!err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{err}");

    // Space back: no notice, and records are saved again.
    std::fs::remove_file(filler).unwrap();
    let (code, _, err) = run_at(&data, &zh, &["roster"]);
    assert_eq!(code, 0);
    assert!(!err.contains("磁盘已满"), "{err}");
    let (code, out, err) = run_at(&data, &zh, &["backup"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn on_a_read_only_mount_every_read_works_and_says_the_storage_is_read_only() {
    let Some(mount) = mount_or_skip("on_a_read_only_mount_every_read_works_and_says_the_storage_is_read_only") else {
        return;
    };
    let outside = tempfile::tempdir().unwrap();
    let fake = FakePrinter::start(Script::answering(READY));
    let zh = config(outside.path(), &fake, "zh-CN");
    let data = mount.path().join("kiosk-data");
    let (visit_no, token) = someone_on_site(&data);
    mount.set_read_only(true);

    let (code, out, err) = run_at(&data, &zh, &["roster"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&visit_no), "{out}");
    assert!(err.contains("存储为只读") && err.contains("SD 卡"), "{err}");
    no_sqlite_text(&err);
    let (code, out, err) = run_at(&data, &zh, &["roster", "--print"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(fake.jobs().len(), 1);
    let (code, out, err) = run_at(&data, &zh, &["pass", "verify", &token]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = run_at(&data, &zh, &["check"]);
    assert_eq!(code, 1);
    assert!(out.contains("存储为只读"), "{out}");
    let elsewhere = outside.path().join("copy.sqlite3");
    assert_eq!(run_at(&data, &zh, &["backup", elsewhere.to_str().unwrap()]).0, 0);

    // A data folder that was never made cannot be made: the cause, not SQLite's words.
    let (code, _, err) = run_at(&mount.path().join("elsewhere"), &zh, &["roster"]);
    assert_eq!(code, 1);
    assert!(err.contains("无法打开数据库") && err.contains("存储为只读"), "{err}");

    mount.set_read_only(false);
    let (code, _, err) = run_at(&data, &zh, &["roster"]);
    assert_eq!(code, 0);
    assert!(!err.contains("存储为只读"), "{err}");
}

#[test]
fn the_kiosk_started_on_a_read_only_disk_pauses_politely_and_saves_again_once_it_is_writable() {
    let Some(mount) = mount_or_skip("the_kiosk_started_on_a_read_only_disk_pauses_politely") else {
        return;
    };
    let data = mount.path().join("kiosk-data");
    someone_on_site(&data);
    mount.set_read_only(true);
    let k = kiosk_on(&data);
    assert_eq!(
        k.app().storage_trouble(),
        Some(lobby_kiosk::store::trouble::Trouble::ReadOnly)
    );
    wait_seconds(60);
    assert!(
        k.in_maintenance(),
        "the public screen says the service is being maintained"
    );
    let roster = lobby_kiosk::journeys::staff::roster(k.app(), monday_at(10, 5)).unwrap();
    assert_eq!(roster.len(), 2, "the roster reads");

    mount.set_read_only(false);
    wait_seconds(5);
    assert!(!k.in_maintenance(), "writable again: the notice goes by itself");
    assert_eq!(k.app().storage_trouble(), None);
    let now = monday_at(10, 10);
    courier_on_site(k.app(), "13900000003", now);
}
