//! `printer test`, `printer retry` and `printer status` through the real binary, with
//! fake network printers on 127.0.0.1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::visitor::{self, Registered};
use lobby_kiosk::printing::fake::{FakePrinter, Script, PAPER_OUT, READY};

fn run_at(dir: &Path, clock: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"));
    if let Some(clock) = clock {
        cmd.env("LOBBY_KIOSK_CLOCK", clock);
    }
    let out = cmd.arg("--data-dir").arg(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The built-in configuration printing to `primary` (and `fallback`), in `lang`.
fn config(dir: &Path, primary: &str, fallback: Option<&str>, lang: &str) -> PathBuf {
    let mut printer = format!("driver = \"network\"\naddress = \"{primary}\"");
    if let Some(fallback) = fallback {
        printer.push_str(&format!("\nfallback_address = \"{fallback}\""));
    }
    let text = lobby_kiosk::config::EMBEDDED_DEFAULT
        .replace("driver = \"virtual\"", &printer)
        .replace("fallback_address = \"\"\n", "")
        .replace("timeout_ms = 1500", "timeout_ms = 400")
        .replace("language = \"zh-CN\"", &format!("language = \"{lang}\""));
    let path = dir.join(format!("kiosk-{lang}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

fn refused_port() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

#[test]
fn the_test_slip_goes_through_the_print_register() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run_at(dir.path(), None, &["printer", "test"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(printed_slips(dir.path()).len(), 1);
    let (code, out, _) = run_at(dir.path(), None, &["printer", "queue", "--json"]);
    assert_eq!(code, 0);
    let queue: serde_json::Value = serde_json::from_str(&out).unwrap();
    let job = &queue["jobs"][0];
    assert_eq!(job["slip_kind"], "test", "{out}");
    assert_eq!(job["state"], "done", "{out}");

    // A printer out of paper: the test slip is registered as failed, not lost.
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let cfg = config(dir.path(), &fake.addr(), None, "zh-CN");
    let (code, _, err) = run_at(
        dir.path(),
        None,
        &["--config", cfg.to_str().unwrap(), "printer", "test"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("测试凭条未能打印"), "{err}");
    let (_, out, _) = run_at(dir.path(), None, &["printer", "queue", "--failed", "--json"]);
    let queue: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(queue["jobs"][0]["slip_kind"], "test", "{out}");
}

#[test]
fn retry_says_which_old_failed_slips_wait_for_staff_and_how_to_reprint_them() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let zh = config(dir.path(), &fake.addr(), None, "zh-CN");
    let en = config(dir.path(), &fake.addr(), None, "en");
    {
        let loaded = lobby_kiosk::config::LoadedConfig::from_text(
            &std::fs::read_to_string(&zh).unwrap(),
            lobby_kiosk::config::ConfigSource::Embedded,
        )
        .unwrap();
        let app = lobby_kiosk::app::App::open(loaded, Some(dir.path())).unwrap();
        let now = monday_at(10, 0);
        app.set_now(Some(now));
        let Registered::Approved { printed, .. } =
            visitor::register(&app, &walk_in("13912345678", VisitorType::Courier), now).unwrap()
        else {
            panic!("a courier is let in at once");
        };
        assert!(!printed.printed(), "no paper: the slip is owed");
    }
    fake.set_script(Script::answering(READY));
    let (_, out, _) = run_at(dir.path(), None, &["printer", "queue", "--failed", "--json"]);
    let queue: serde_json::Value = serde_json::from_str(&out).unwrap();
    let job_id = queue["jobs"][0]["id"].as_i64().unwrap();

    // Two hours later (past retry_within_minutes = 60) the slip is no longer owed by
    // itself: the retry says so instead of a bare "0 owed".
    let later = "2026-11-30T12:00:00+08:00";
    let (code, out, err) = run_at(
        dir.path(),
        Some(later),
        &["--config", zh.to_str().unwrap(), "printer", "retry"],
    );
    assert_eq!(code, 1, "a slip is still not printed: {out}{err}");
    assert!(out.contains("仍欠 0 张"), "{out}");
    assert!(out.contains("另有 1 张") && out.contains("60 分钟"), "{out}");
    assert!(out.contains(&format!("#{job_id}")), "{out}");
    assert!(out.contains("printer reprint JOB"), "{out}");
    assert!(fake.jobs().is_empty(), "nothing printed by itself");
    let (_, out, _) = run_at(
        dir.path(),
        Some(later),
        &["--config", en.to_str().unwrap(), "printer", "retry"],
    );
    assert!(
        out.contains("wait for staff") && out.contains("printer reprint JOB"),
        "{out}"
    );

    // Within the hour it is simply retried.
    let (code, out, err) = run_at(
        dir.path(),
        Some("2026-11-30T10:30:00+08:00"),
        &["--config", zh.to_str().unwrap(), "printer", "retry"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("另有"), "{out}");
    assert_eq!(fake.jobs().len(), 1);
}

#[test]
fn status_reports_the_primary_and_the_fallback_printer() {
    let dir = tempfile::tempdir().unwrap();
    let primary = FakePrinter::start(Script::answering(PAPER_OUT));
    let fallback = FakePrinter::start(Script::answering(READY));
    let cfg = config(dir.path(), &primary.addr(), Some(&fallback.addr()), "zh-CN");
    let cfg = cfg.to_str().unwrap();

    let (code, out, err) = run_at(dir.path(), None, &["--config", cfg, "printer", "status", "--json"]);
    assert_eq!(code, 0, "the fallback can print: {out}{err}");
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["state"], "paper_out", "the primary, as before");
    let printers = status["printers"].as_array().unwrap();
    assert_eq!(printers.len(), 2, "{out}");
    assert_eq!(printers[0]["address"], primary.addr().as_str());
    assert_eq!(printers[0]["state"], "paper_out");
    assert_eq!(printers[1]["role"], "fallback");
    assert_eq!(printers[1]["address"], fallback.addr().as_str());
    assert_eq!(printers[1]["state"], "ready");
    assert!(!fallback.conns().is_empty(), "the fallback was really asked");

    let (code, out, _) = run_at(dir.path(), None, &["--config", cfg, "printer", "status"]);
    assert_eq!(code, 0);
    assert!(out.contains("备用打印机") && out.contains(&fallback.addr()), "{out}");
    assert!(out.contains("由备用打印机打出"), "{out}");

    // Neither can print: exit 1, and both are named.
    let down = config(dir.path(), &primary.addr(), Some(&refused_port()), "en");
    let (code, out, _) = run_at(
        dir.path(),
        None,
        &["--config", down.to_str().unwrap(), "printer", "status"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("out of paper: change the roll")
            && out.contains("Fallback printer")
            && out.contains("no answer: check the power and cable")
            && !out.contains("paper_out"),
        "{out}"
    );
}
