//! The command line speaks the configured language: sentences, never the stable codes
//! its JSON keeps (`outside_hours`, `not_on_roster`, `malformed` …), and times in the
//! compound's time zone. Through the real binary, in both languages.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// The binary with the default configuration in `lang` ("zh" or "en"), the clock at `at`.
fn cli(dir: &Path, lang: &str, at: &str, args: &[&str]) -> (i32, String, String) {
    let language = if lang == "en" { "en" } else { "zh-CN" };
    let config = dir.join(format!("kiosk-{lang}.toml"));
    let text = lobby_kiosk::config::EMBEDDED_DEFAULT.replacen(
        r#"language = "zh-CN""#,
        &format!("language = \"{language}\""),
        1,
    );
    std::fs::write(&config, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--config")
        .arg(&config)
        .env("LOBBY_KIOSK_CLOCK", at)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

const CODES: [&str; 6] = [
    "outside_hours",
    "not_on_roster",
    "malformed",
    "unknown_permit",
    "not_a_pass",
    "_",
];

fn no_codes(text: &str) {
    for code in CODES {
        assert!(!text.contains(code), "{code} in human output: {text}");
    }
    // `expired` is also an English word: the code alone after the colon is what must go.
    assert!(!text.trim_end().ends_with(": expired"), "{text}");
}

#[test]
fn pass_refusals_are_sentences_in_the_configured_language() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let permit = file_permit(&app, "安居装饰", &["张三明:13700001111"], true, monday_at(9, 0));
    drop(app);
    let issue = |lang, at, phone: &str, json: bool| {
        let mut args = vec![
            "pass",
            "issue",
            "--permit",
            permit.code.as_str(),
            "--worker-phone",
            phone,
        ];
        if json {
            args.push("--json");
        }
        cli(dir.path(), lang, at, &args)
    };

    // Not on the roster.
    let (code, out, err) = issue("zh", "2026-11-30T10:00:00+08:00", "13700009999", false);
    assert_eq!(code, 1, "{out}{err}");
    no_codes(&err);
    assert!(
        err.contains("不在该备案的人员名单上") && err.contains("请稍等"),
        "{err}"
    );
    let (_, out, err) = issue("en", "2026-11-30T10:00:00+08:00", "13700009999", false);
    no_codes(&err);
    assert!(
        err.contains("not on the permit's roster") && !err.contains('、'),
        "{out}{err}"
    );
    let (_, out, _) = issue("en", "2026-11-30T10:00:00+08:00", "13700009999", true);
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["reason"], "not_on_roster", "the JSON keeps the stable code");
    assert!(answer["message"].as_str().unwrap().contains("front desk"), "{answer}");

    // Outside the hours (Monday 12:30, between 08:00–12:00 and 14:00–18:00).
    let (code, _, err) = issue("zh", "2026-11-30T12:30:00+08:00", "13700001111", false);
    assert_eq!(code, 1);
    no_codes(&err);
    assert!(
        err.contains("08:00–12:00、14:00–18:00") && err.contains("14:00"),
        "{err}"
    );
    let (_, _, err) = issue("en", "2026-11-30T12:30:00+08:00", "13700001111", false);
    no_codes(&err);
    assert!(err.contains("08:00–12:00, 14:00–18:00") && !err.contains('、'), "{err}");
}

#[test]
fn pass_verify_explains_and_shows_the_compound_time() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let permit = file_permit(&app, "安居装饰", &["张三明:13700001111"], true, monday_at(9, 0));
    drop(app);
    let at = "2026-11-30T10:00:00+08:00";
    let (code, out, err) = cli(
        dir.path(),
        "zh",
        at,
        &[
            "pass",
            "issue",
            "--permit",
            &permit.code,
            "--worker-phone",
            "13700001111",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let issued: serde_json::Value = serde_json::from_str(&out).unwrap();
    let token = issued["token"].as_str().unwrap().to_string();

    // Valid: the times are Shanghai's (the pass is valid until 12:00 there, 04:00 UTC).
    for lang in ["zh", "en"] {
        let (code, out, _) = cli(dir.path(), lang, at, &["pass", "verify", &token]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("2026-11-30 12:00") && !out.contains("+00:00"), "{out}");
    }
    // Expired, the next day.
    let next_day = "2026-12-01T10:00:00+08:00";
    let (code, out, _) = cli(dir.path(), "zh", next_day, &["pass", "verify", &token]);
    assert_eq!(code, 1);
    no_codes(&out);
    assert!(out.contains("已过期"), "{out}");
    let (_, out, _) = cli(dir.path(), "en", next_day, &["pass", "verify", &token]);
    no_codes(&out);
    assert!(out.contains("has expired"), "{out}");
    let (_, out, _) = cli(dir.path(), "en", next_day, &["pass", "verify", &token, "--json"]);
    let check: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(check["reason"], "expired");
    assert!(check["message"].as_str().unwrap().contains("expired"), "{check}");
    // Not a token at all.
    let (_, out, _) = cli(dir.path(), "zh", at, &["pass", "verify", "LK1:NOTATOKEN"]);
    no_codes(&out);
    assert!(out.contains("无法识别"), "{out}");
}

#[test]
fn import_problems_are_told_in_the_configured_language() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "unit,surname,phone\n3-1-101,赵,13712345678\n3-1,钱,137\n").unwrap();
    let at = "2026-11-30T10:00:00+08:00";
    let (code, _, err) = cli(dir.path(), "zh", at, &["residents", "import", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("没有导入任何记录") && err.contains("第 3 行"), "{err}");
    assert!(!err.contains("line") && !err.contains("phone:"), "{err}");
    let (_, _, err) = cli(dir.path(), "en", at, &["residents", "import", bad.to_str().unwrap()]);
    assert!(err.contains("Nothing was imported") && err.contains("line 3"), "{err}");
    let header = dir.path().join("header.csv");
    std::fs::write(&header, "房号,姓,电话\n3-1-101,赵,13712345678\n").unwrap();
    let (_, _, err) = cli(dir.path(), "zh", at, &["residents", "import", header.to_str().unwrap()]);
    assert!(err.contains("文件第一行应为表头"), "{err}");
}

#[test]
fn the_printer_and_its_queue_are_told_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let visit = courier_on_site(&app, "13912345678", monday_at(9, 0));
    drop(app);
    let at = "2026-11-30T10:00:00+08:00";
    let (code, out, err) = cli(dir.path(), "zh", at, &["printer", "test"]);
    assert_eq!(code, 0, "{out}{err}");

    let (code, out, err) = cli(dir.path(), "zh", at, &["printer", "status"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("正常"), "{out}");
    assert!(!out.contains("ready"), "the state's code in Chinese output: {out}");
    let (_, out, _) = cli(dir.path(), "zh", at, &["printer", "queue"]);
    for part in [
        "测试页",
        "已打印",
        "访客凭条",
        visit.visit_no.as_str(),
        visit.unit_no.as_str(),
    ] {
        assert!(out.contains(part), "{part} missing from the queue: {out}");
    }
    for code in ["done", "test", "visit:", "queued"] {
        assert!(!out.contains(code), "{code} in the Chinese queue: {out}");
    }

    let (_, out, _) = cli(dir.path(), "en", at, &["printer", "queue"]);
    for part in ["test page", "printed", "visitor slip", visit.visit_no.as_str()] {
        assert!(out.contains(part), "{part} missing from the English queue: {out}");
    }
    let (_, out, _) = cli(dir.path(), "en", at, &["printer", "queue", "--json"]);
    assert!(out.contains("\"done\""), "the JSON keeps the stable codes: {out}");
}

#[test]
fn a_ticket_is_shown_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let ticket = repair_ticket(&app, monday_at(9, 0));
    drop(app);
    let at = "2026-11-30T10:00:00+08:00";
    let (code, out, err) = cli(dir.path(), "zh", at, &["request", "show", &ticket.ticket_no]);
    assert_eq!(code, 0, "{out}{err}");
    for part in [
        ticket.ticket_no.as_str(),
        ticket.unit_no.as_str(),
        "报修",
        "已受理",
        "提交于",
        "****",
    ] {
        assert!(out.contains(part), "{part} missing: {out}");
    }
    for code in ["\"status\"", "received", "repair", "Pending", "T0", "+00:00"] {
        assert!(!out.contains(code), "{code} in the Chinese ticket: {out}");
    }
    let (_, out, _) = cli(dir.path(), "en", at, &["request", "show", &ticket.ticket_no]);
    for part in ["Repair", "Received", "callback"] {
        assert!(
            out.to_lowercase().contains(&part.to_lowercase()),
            "{part} missing: {out}"
        );
    }
    let (_, out, _) = cli(dir.path(), "en", at, &["request", "show", &ticket.ticket_no, "--json"]);
    assert!(out.contains("\"status\""), "the JSON keeps its keys: {out}");
}

#[test]
fn the_roster_names_each_kind_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let visit = courier_on_site(&app, "13912345678", monday_at(9, 0));
    let permit = file_permit(&app, "安居装饰", &["张三明:13700001111"], true, monday_at(9, 0));
    drop(app);
    let at = "2026-11-30T10:00:00+08:00";
    let (code, out, err) = cli(
        dir.path(),
        "zh",
        at,
        &[
            "pass",
            "issue",
            "--permit",
            &permit.code,
            "--worker-phone",
            "13700001111",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    // A minute later: the pass is valid from the moment it was issued.
    let at = "2026-11-30T10:01:00+08:00";

    let (code, out, err) = cli(dir.path(), "zh", at, &["roster"]);
    assert_eq!(code, 0, "{out}{err}");
    for part in ["访客", "施工", visit.visit_no.as_str(), "137****1111", "在场共"] {
        assert!(out.contains(part), "{part} missing from the roster: {out}");
    }
    for code in ["visitor", "worker", "13700001111"] {
        assert!(!out.contains(code), "{code} in the Chinese roster: {out}");
    }
    let (_, out, _) = cli(dir.path(), "en", at, &["roster"]);
    for part in ["Visitor", "Worker", "people on site"] {
        assert!(out.contains(part), "{part} missing from the English roster: {out}");
    }
    assert!(!out.contains("visitor ") && !out.contains("worker "), "{out}");
    let (_, out, _) = cli(dir.path(), "en", at, &["roster", "--json"]);
    assert!(
        out.contains("\"visitor\"") && out.contains("\"worker\""),
        "the JSON keeps the codes: {out}"
    );
}

/// A Chinese label never ends in a half-width colon: "上次成功：…", not "上次成功: …".
fn no_half_width_colon_after_chinese(text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for pair in chars.windows(2) {
        let cjk = ('\u{4e00}'..='\u{9fff}').contains(&pair[0]) || "）」。".contains(pair[0]);
        assert!(
            !(cjk && pair[1] == ':'),
            "half-width colon after «{}» in: {text}",
            pair[0]
        );
    }
}

#[test]
fn chinese_output_labels_take_a_full_width_colon() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    courier_on_site(&app, "13912345678", monday_at(9, 0));
    let permit = file_permit(&app, "安居装饰", &["张三明:13700001111"], true, monday_at(9, 0));
    drop(app);
    let at = "2026-11-30T10:00:00+08:00";
    let mut seen = String::new();
    for args in [
        vec!["check"],
        vec!["backup"],
        vec!["purge", "--dry-run"],
        vec!["purge"],
        vec!["printer", "status"],
        vec!["printer", "queue"],
        vec!["permit", "show", permit.code.as_str()],
        vec!["roster"],
        vec!["report", "daily"],
        vec!["residents", "list"],
    ] {
        let (_, out, err) = cli(dir.path(), "zh", at, &args);
        no_half_width_colon_after_chinese(&out);
        no_half_width_colon_after_chinese(&err);
        seen.push_str(&out);
    }
    assert!(seen.contains("备份已完成并通过完整性检查："), "{seen}");
    assert!(seen.contains("保证金："), "{seen}");
}
