//! The command line keeps a holiday refusal's reason: it is a holiday, renovation
//! pauses, when work may resume, and why (the neighbours' rest), in both languages.

mod common;

use std::process::Command;

use common::*;

/// `pass issue` through the real binary at Monday 30 November 2026 10:00, a holiday.
fn issue(dir: &std::path::Path, permit: &str, lang: &str, json: bool) -> (i32, String, String) {
    let language = if lang == "en" { "en" } else { "zh-CN" };
    let config = dir.join(format!("kiosk-{lang}.toml"));
    let text = lobby_kiosk::config::EMBEDDED_DEFAULT
        .replace(
            r#"holidays = ["2027-01-01""#,
            r#"holidays = ["2026-11-30", "2027-01-01""#,
        )
        .replacen(r#"language = "zh-CN""#, &format!("language = \"{language}\""), 1);
    std::fs::write(&config, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"));
    cmd.arg("--data-dir").arg(dir).arg("--config").arg(&config);
    cmd.env("LOBBY_KIOSK_CLOCK", "2026-11-30T10:00:00+08:00");
    cmd.args(["pass", "issue", "--permit", permit, "--worker-phone", "13700001111"]);
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_holiday_refusal_says_holiday_resume_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let permit = file_permit(&app, "安居装饰", &["张三明:13700001111"], true, monday_at(9, 0));
    drop(app);

    let (code, _, err) = issue(dir.path(), &permit.code, "zh", false);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("holiday"), "no raw code in human output: {err}");
    for part in ["节假日", "装修暂停", "邻居们好好休息", "12-01 08:00 起可以恢复施工"] {
        assert!(err.contains(part), "{part} missing: {err}");
    }
    let (code, out, _) = issue(dir.path(), &permit.code, "en", true);
    assert_eq!(code, 1);
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["reason"], "holiday");
    assert!(
        answer["resume_at"].as_str().unwrap().starts_with("2026-12-01T08:00:00"),
        "{answer}"
    );
    let message = answer["message"].as_str().unwrap();
    for part in [
        "public holiday",
        "pauses",
        "neighbours can rest",
        "resume from 12-01 08:00",
    ] {
        assert!(message.contains(part), "{part} missing: {message}");
    }
}
