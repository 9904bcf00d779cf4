//! Staff actions on the command line prove who acts: `--by NAME` names an active
//! account and its PIN comes on standard input, under the account's lockout, which
//! parallel guesses cannot outrun. Through the real binary.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use common::*;
use lobby_kiosk::store::{PermitStatus, PinCounter};

/// The kiosk's clock for every process of a test: Monday 30 November 2026, 10:00.
const MONDAY: &str = "2026-11-30T10:00:00+08:00";
/// Two minutes later: past a first one-minute lock.
const TWO_MINUTES_LATER: &str = "2026-11-30T10:02:00+08:00";

fn run_at(dir: &Path, clock: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .env("LOBBY_KIOSK_CLOCK", clock)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn run(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    run_at(dir, MONDAY, args, stdin)
}

/// 李明 (supervisor) and 王芳 (desk), and a permit filed now; returns its code.
fn staff_and_permit(dir: &Path) -> String {
    let app = open_app(dir);
    let now = monday_at(9, 0);
    add_desk_staff(&app, now);
    file_permit(&app, "安居装饰", &["张三明:13700001111"], true, now).code
}

fn audit_rows(dir: &Path) -> Vec<(String, String, String)> {
    open_app(dir)
        .store()
        .audit_since(DateTime::<Utc>::MIN_UTC)
        .unwrap()
        .into_iter()
        .map(|e| (e.staff, e.action, e.record))
        .collect()
}

fn status(dir: &Path, code: &str) -> PermitStatus {
    open_app(dir).store().permit_by_code(code).unwrap().unwrap().status
}

fn failures_of(dir: &Path, name: &str) -> u32 {
    let app = open_app(dir);
    let id = app.store().staff_by_name(name).unwrap().unwrap().id;
    let (failures, _) = app.store().pin_failures(PinCounter::Staff(id)).unwrap();
    failures
}

#[test]
fn a_bare_name_an_unknown_name_or_the_wrong_pin_changes_nothing_and_the_right_pin_is_credited() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = staff_and_permit(d);
    let before = audit_rows(d);
    let revoke = |by: &str, stdin: &str| run(d, &["permit", "revoke", &code, "--by", by], stdin);

    // The case: a supervisor's name and no PIN.
    let (exit, out, err) = revoke("李明", "");
    assert_eq!(exit, 1, "{out}{err}");
    assert!(
        err.contains("请在标准输入提供") && err.contains("未执行任何操作"),
        "{err}"
    );
    // A wrong PIN, another colleague's PIN, something that is not a PIN.
    let (exit, _, err) = revoke("李明", "111222\n");
    assert_eq!(exit, 1);
    assert!(err.contains("密码与姓名不符") && err.contains("再错 4 次"), "{err}");
    assert_eq!(revoke("李明", "402718\n").0, 1, "王芳's PIN is not 李明's");
    let (exit, _, err) = revoke("李明", "25803\n");
    assert_eq!(exit, 1);
    assert!(err.contains("6 位数字"), "{err}");
    // Unknown, empty and disguised names; the name is not repeated back.
    for name in ["王主管", "冒名", "\u{1b}[2J李明", "李明 "] {
        let (exit, _, err) = revoke(name, "258036\n");
        assert_eq!(exit, 1, "{name:?}");
        assert!(err.contains("没有这位工作人员的有效账号"), "{name:?}: {err}");
        assert!(!err.contains('\u{1b}'), "no terminal escape is echoed: {err:?}");
    }
    let (exit, _, err) = revoke("", "258036\n");
    assert_eq!(exit, 2, "an empty name is a usage error");
    assert!(err.contains("请用 --by 写明办理人的姓名"), "{err}");
    // A desk colleague's own PIN for a supervisor's action.
    let (exit, _, err) = revoke("王芳", "402718\n");
    assert_eq!(exit, 1);
    assert!(err.contains("只有主管可以撤销装修备案"), "{err}");
    // A supervisor account created by a bare name, and the fresh-kiosk exception reused.
    let sneak = ["staff", "add", "冒名", "--role", "supervisor", "--pin", "580274"];
    assert_eq!(run(d, &[&sneak[..], &["--by", "李明"]].concat(), "").0, 1);
    assert_eq!(run(d, &[&sneak[..], &["--by", "bootstrap"]].concat(), "").0, 1);
    assert_eq!(run(d, &sneak, "").0, 1, "--by bootstrap is the default");

    assert_eq!(status(d, &code), PermitStatus::Active, "nothing was done");
    assert!(open_app(d).store().staff_by_name("冒名").unwrap().is_none());
    assert_eq!(audit_rows(d), before, "and nothing recorded");

    // The last supervisor cannot be disabled: nobody could manage staff afterwards.
    let (exit, _, err) = run(d, &["staff", "disable", "李明", "--by", "李明"], "258036\n");
    assert_eq!(exit, 1);
    assert!(err.contains("最后一位在职主管"), "{err}");
    // A disabled account proves nothing, even with its own PIN.
    let (exit, _, err) = run(d, &["staff", "disable", "王芳", "--by", "李明"], "258036\n");
    assert_eq!(exit, 0, "{err}");
    let (exit, _, err) = run(d, &["permit", "suspend", &code, "--by", "王芳"], "402718\n");
    assert_eq!(exit, 1);
    assert!(err.contains("没有这位工作人员的有效账号"), "{err}");
    assert_eq!(status(d, &code), PermitStatus::Active);

    // The right PIN: done, credited to that account, the PIN never shown.
    let (exit, out, err) = revoke("李明", "258036\n");
    assert_eq!(exit, 0, "{out}{err}");
    assert!(!out.contains("258036") && !err.contains("258036"), "{out}{err}");
    assert_eq!(status(d, &code), PermitStatus::Revoked);
    assert!(audit_rows(d).contains(&("李明".into(), "permit_revoked".into(), code.clone())));
    let (_, audit, _) = run(d, &["audit", "--since", "2026-01-01T00:00:00Z"], "");
    assert!(!audit.contains("258036") && !audit.contains("402718"), "{audit}");
    assert_eq!(failures_of(d, "李明"), 0, "a right PIN clears the count");
}

#[test]
fn refusals_speak_english_when_the_kiosk_does() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = staff_and_permit(d);
    let en = d.join("en.toml");
    std::fs::write(
        &en,
        lobby_kiosk::config::EMBEDDED_DEFAULT.replace("language = \"zh-CN\"", "language = \"en\""),
    )
    .unwrap();
    let cfg = en.to_str().unwrap();
    let (_, _, err) = run(d, &["--config", cfg, "permit", "suspend", &code, "--by", "王主管"], "");
    assert!(err.contains("There is no active staff account by that name"), "{err}");
    let (_, _, err) = run(d, &["--config", cfg, "permit", "suspend", &code, "--by", "王芳"], "");
    assert!(err.contains("Please give the 6-digit PIN"), "{err}");
    let (_, _, err) = run(
        d,
        &["--config", cfg, "permit", "suspend", &code, "--by", "王芳"],
        "111222\n",
    );
    assert!(err.contains("The PIN does not match that name"), "{err}");
    assert_eq!(status(d, &code), PermitStatus::Active);
}

/// `n` processes at once, each proving 王芳 with its own PIN to suspend the permit; each
/// answer's exit and standard error.
fn at_once(dir: &Path, code: &str, pins: &[String]) -> Vec<(i32, String)> {
    let children: Vec<_> = pins
        .iter()
        .map(|pin| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
                .env("LOBBY_KIOSK_CLOCK", MONDAY)
                .arg("--data-dir")
                .arg(dir)
                .args(["permit", "suspend", code, "--by", "王芳"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{pin}\n").as_bytes())
                .unwrap();
            child
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).to_string(),
            )
        })
        .collect()
}

/// Answers that come from a real PIN check: a wrong PIN said so, a right one acted.
fn checked(answers: &[(i32, String)]) -> usize {
    answers
        .iter()
        .filter(|(exit, err)| *exit == 0 || err.contains("密码与姓名不符"))
        .count()
}

#[test]
fn thirty_guesses_at_once_get_five_checks_and_then_even_the_right_pin_waits() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = staff_and_permit(d);
    let wrong: Vec<String> = (0..30).map(|i| format!("{}", 580_200 + i)).collect();
    let answers = at_once(d, &code, &wrong);

    assert!(answers.iter().all(|(exit, _)| *exit == 1), "{answers:?}");
    assert_eq!(
        checked(&answers),
        5,
        "five checks, however many ask at once: {answers:?}"
    );
    let paused = answers
        .iter()
        .filter(|(_, err)| err.contains("暂停使用至 10:01"))
        .count();
    assert_eq!(paused, 26, "the fifth failure and the 25 unchecked: {answers:?}");
    assert_eq!(failures_of(d, "王芳"), 5, "every check was counted");

    // The account is locked: its right PIN is refused until the minute has passed.
    let (exit, _, err) = run(d, &["permit", "suspend", &code, "--by", "王芳"], "402718\n");
    assert_eq!(exit, 1);
    assert!(err.contains("暂停使用至") && !err.contains("密码与姓名不符"), "{err}");
    assert_eq!(status(d, &code), PermitStatus::Active);
    assert!(!audit_rows(d).iter().any(|(_, action, _)| action == "permit_suspended"));
    // Other accounts are not locked by 王芳's.
    let (exit, _, err) = run(
        d,
        &["permit", "extend", &code, "--to", "2026-12-05", "--by", "李明"],
        "258036\n",
    );
    assert_eq!(exit, 0, "{err}");

    let (exit, _, err) = run_at(
        d,
        TWO_MINUTES_LATER,
        &["permit", "suspend", &code, "--by", "王芳"],
        "402718\n",
    );
    assert_eq!(exit, 0, "{err}");
    assert_eq!(status(d, &code), PermitStatus::Suspended);
    assert!(audit_rows(d).contains(&("王芳".into(), "permit_suspended".into(), code.clone())));
    assert_eq!(failures_of(d, "王芳"), 0);
}

#[test]
fn with_one_try_left_ten_guesses_at_once_get_one_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = staff_and_permit(d);
    for pin in ["580201", "580202", "580203", "580204"] {
        assert_eq!(
            run(d, &["permit", "suspend", &code, "--by", "王芳"], &format!("{pin}\n")).0,
            1
        );
    }
    assert_eq!(failures_of(d, "王芳"), 4);
    // Ten at once, the right PIN among them, last.
    let mut pins: Vec<String> = (0..9).map(|i| format!("{}", 580_210 + i)).collect();
    pins.push("402718".into());
    let answers = at_once(d, &code, &pins);
    assert_eq!(checked(&answers), 1, "one try left is one check: {answers:?}");
    let suspended = status(d, &code) == PermitStatus::Suspended;
    assert_eq!(
        suspended,
        answers[9].0 == 0,
        "only the right PIN, if it was the one checked, acted: {answers:?}"
    );
}
