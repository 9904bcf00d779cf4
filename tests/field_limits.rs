//! Every text field on the kiosk is length-limited: each on-screen keypad field and
//! keyboard entry in the pages states its own `max-length`, within what the store and the
//! domain rules accept, so no one can type (or lean on a key) past what a record holds.
//!
//! And one set of field rules holds wherever text enters (`domain::field`): hostile input
//! through the real binary, for each entry point (control bytes, 100 KB, look-alike
//! characters, U+202E, U+200B), is refused politely, stores nothing, and is never echoed
//! back in full; what the database holds reaches a terminal escaped.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use lobby_kiosk::domain::field::{is_bidi_control, is_invisible};

/// The longest any on-screen field may be: a ticket's note, the longest text a record keeps.
const LONGEST: usize = 200;

/// (file, line, the field's `max-length`) for each `TextEntry` / `KeypadField` use.
fn fields() -> Vec<(String, usize, Option<usize>)> {
    let mut found = Vec::new();
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/pages");
    let mut files: Vec<_> = std::fs::read_dir(&pages).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "slint"))
    {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.contains("TextEntry {") || line.contains("KeypadField {")) || line.trim_start().starts_with("//")
            {
                continue;
            }
            // The element's own block: up to the closing brace at its indentation.
            let indent = line.len() - line.trim_start().len();
            let mut limit = None;
            for next in &lines[i + 1..] {
                let trimmed = next.trim_start();
                let depth = next.len() - trimmed.len();
                if trimmed.starts_with('}') && depth <= indent {
                    break;
                }
                if let Some(rest) = trimmed.strip_prefix("max-length:") {
                    limit = rest.trim().trim_end_matches(';').parse().ok();
                }
            }
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            found.push((name, i + 1, limit));
        }
    }
    found
}

#[test]
fn every_on_screen_field_states_a_sensible_length_limit() {
    let fields = fields();
    assert!(fields.len() >= 15, "the pages' fields were found: {fields:?}");
    for (file, line, limit) in fields {
        let limit = limit.unwrap_or_else(|| panic!("{file}:{line}: a text field without its own max-length"));
        assert!(
            (1..=LONGEST).contains(&limit),
            "{file}:{line}: max-length {limit} is outside 1..={LONGEST}"
        );
    }
}

#[test]
fn the_field_components_enforce_their_limit() {
    let components = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/components");
    for (file, guard) in [
        ("keypad-field.slint", "character-count < root.max-length"),
        ("text-entry.slint", "character-count <= root.max-length"),
    ] {
        let text = std::fs::read_to_string(components.join(file)).unwrap();
        assert!(
            text.contains(guard),
            "{file} no longer checks its max-length before adding a key"
        );
    }
}

/// The kiosk's clock for the binary: Monday 30 November 2026, 10:00 in Shanghai.
const CLOCK: &str = "2026-11-30T10:00:00+08:00";

/// Runs the real binary on the fixed clock, with `stdin` (a PIN, where one is asked).
fn run(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("LOBBY_KIOSK_CLOCK", CLOCK)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The binary may not read standard input at all.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The supervisor's PIN (李明, see `add_desk_staff`), for commands that ask for it.
const PIN: &str = "258036\n";

/// What no output of the kiosk may carry to a terminal.
fn assert_terminal_safe(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| (c.is_control() && c != '\n' && c != '\t') || is_invisible(c) || is_bidi_control(c))
        .collect();
    assert!(
        bad.is_empty(),
        "{what} printed raw control characters {bad:?}: {text:?}"
    );
}

/// Hostile values for a text field: control bytes, a screen-clearing escape, 100 KB,
/// a right-to-left override, a zero-width space, a Cyrillic look-alike, an emoji.
fn hostile() -> Vec<(&'static str, String)> {
    vec![
        ("ESC sequence", "好\u{1b}[2J\u{1b}]0;pwned\u{7}".to_string()),
        ("C1 CSI", "好\u{9b}31m".to_string()),
        ("100 KB", "长".repeat(100_000 / 3)),
        ("U+202E", "张\u{202E}三".to_string()),
        ("U+200B", "王\u{200B}".to_string()),
    ]
}

fn ticket_history(dir: &Path) -> Vec<(String, String)> {
    let app = open_app(dir);
    let t = app.store().ticket_by_no("R20261130-0001").unwrap().unwrap();
    let history = app.store().ticket_history(t.id).unwrap();
    history
        .into_iter()
        .map(|h| (h.status.as_str().to_string(), h.note))
        .collect()
}

#[test]
fn request_update_refuses_hostile_notes_and_a_reasonless_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    {
        let app = open_app(d);
        staff_on_duty(&app);
        repair_ticket(&app, monday_at(9, 0));
    }
    let before = ticket_history(d);
    for (what, note) in hostile().into_iter().filter(|(w, _)| *w != "U+200B") {
        let (exit, out, err) = run(
            d,
            &[
                "request",
                "update",
                "R20261130-0001",
                "--status",
                "dispatched",
                "--note",
                &note,
                "--by",
                "李明",
            ],
            PIN,
        );
        assert_eq!(exit, 2, "{what}: {out} {err}");
        assert!(
            err.len() < 600,
            "{what}: the error echoes the input ({} bytes)",
            err.len()
        );
        assert_terminal_safe(what, &err);
        assert!(err.contains("备注") && err.contains("未作变更"), "{what}: {err}");
    }
    let (exit, _, err) = run(
        d,
        &[
            "request",
            "update",
            "R20261130-0001",
            "--status",
            "cancelled",
            "--by",
            "李明",
        ],
        PIN,
    );
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("--note") && err.contains("原因"), "{err}");
    assert_eq!(ticket_history(d), before, "nothing was stored");

    // A reasonable note is kept as typed (trimmed, full-width digits folded).
    let (exit, _, err) = run(
        d,
        &[
            "request",
            "update",
            "R20261130-0001",
            "--status",
            "cancelled",
            "--note",
            " 业主撤回（第２次） ",
            "--by",
            "李明",
        ],
        PIN,
    );
    assert_eq!(exit, 0, "{err}");
    assert_eq!(
        ticket_history(d).last().unwrap(),
        &("cancelled".to_string(), "业主撤回（第2次）".to_string())
    );
}

#[test]
fn permit_add_refuses_hostile_worker_names_and_bad_id_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    staff_on_duty(&open_app(d));
    let add = |worker: &str| {
        run(
            d,
            &[
                "permit",
                "add",
                "--unit",
                "2-1-302",
                "--owner",
                "赵",
                "--contractor",
                "安居装饰",
                "--lead-phone",
                "13700003333",
                "--from",
                "2026-11-30",
                "--to",
                "2026-12-10",
                "--deposit-paid",
                "--worker",
                worker,
                "--by",
                "李明",
            ],
            PIN,
        )
    };
    let mut names: Vec<(&str, String)> = hostile();
    names.extend([
        ("at sign", "张三@".to_string()),
        ("emoji", "张三😀".to_string()),
        ("full-width digits", "张三１２".to_string()),
        ("Cyrillic", "W\u{430}ng".to_string()),
    ]);
    for (what, name) in names {
        let (exit, out, err) = add(&format!("{name}:13700001111"));
        assert_ne!(exit, 0, "{what}: {out}");
        assert!(
            err.len() < 600,
            "{what}: the error echoes the input ({} bytes)",
            err.len()
        );
        assert!(!err.contains("13700001111"), "{what}: the phone is echoed: {err}");
        assert_terminal_safe(what, &err);
    }
    for (what, id) in [
        ("letters", "11010119900307123A".to_string()),
        ("wrong check digit", "110101199003071234".to_string()),
        ("100 KB", "1".repeat(100_000)),
        ("ESC", "11010119900307\u{1b}233".to_string()),
    ] {
        let (exit, out, err) = add(&format!("张三明:13700001111:{id}"));
        assert_ne!(exit, 0, "{what}: {out}");
        assert!(err.len() < 600, "{what}: {} bytes", err.len());
        assert!(err.contains("身份证"), "{what}: {err}");
        assert!(!err.contains("1101011990"), "{what}: the ID number is echoed: {err}");
    }
    assert!(open_app(d).store().permits().unwrap().is_empty(), "no permit was filed");
    // A real ID number (GB 11643 check digit 3) is taken.
    let (exit, _, err) = add("张三明:13700001111:110101199003071233");
    assert_eq!(exit, 0, "{err}");
}

#[test]
fn staff_names_cannot_hide_invisible_or_look_alike_characters() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    staff_on_duty(&open_app(d));
    for (what, name) in hostile().into_iter().chain([
        ("BOM", "\u{FEFF}王".to_string()),
        ("Hangul filler", "王\u{3164}".to_string()),
        ("emoji", "王😀".to_string()),
    ]) {
        let (exit, _, err) = run(d, &["staff", "add", &name, "--pin", "731904", "--by", "李明"], PIN);
        assert_ne!(exit, 0, "{what} became an account");
        assert!(err.len() < 600, "{what}: {} bytes", err.len());
        assert_terminal_safe(what, &err);
    }
    // Full-width digits fold: 前台１ and 前台1 are one account.
    let (exit, _, err) = run(d, &["staff", "add", "前台１", "--pin", "731904", "--by", "李明"], PIN);
    assert_eq!(exit, 0, "{err}");
    let (exit, _, err) = run(d, &["staff", "add", "前台1", "--pin", "731905", "--by", "李明"], PIN);
    assert_ne!(exit, 0, "a look-alike second account: {err}");
    let names: Vec<String> = open_app(d)
        .store()
        .staff()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names.iter().filter(|n| n.starts_with("前台")).count(), 1, "{names:?}");
    assert!(names.contains(&"前台1".to_string()), "{names:?}");
}

#[test]
fn deny_reasons_and_handover_notes_refuse_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    staff_on_duty(&open_app(d));
    for (what, text) in hostile().into_iter().filter(|(w, _)| *w != "U+200B") {
        let (exit, _, err) = run(
            d,
            &["deny", "add", "13900000009", "--reason", &text, "--by", "李明"],
            PIN,
        );
        assert_ne!(exit, 0, "deny reason {what}");
        assert!(err.len() < 600, "{what}: {} bytes", err.len());
        let (exit, _, err) = run(d, &["shift", "close", "--by", "李明", "--notes", &text], PIN);
        assert_ne!(exit, 0, "handover notes {what}");
        assert!(err.len() < 600, "{what}: {} bytes", err.len());
        assert_terminal_safe(what, &err);
    }
    let app = open_app(d);
    assert!(app.store().deny_list().unwrap().is_empty());
    assert!(app.store().handovers(10).unwrap().is_empty());
}

#[test]
fn a_hostile_resident_csv_is_refused_whole_and_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let csv = d.join("hostile.csv");
    let long = "王".repeat(40_000);
    std::fs::write(
        &csv,
        format!(
            "unit,surname,phone\n3-2-1201,王\u{200B},13812345678\n3-2-1202,\u{1b}[2J李,13812345679\n3-2-1203,{long},13812345670\n3-2-1204,张\u{202E},13812345671\n"
        ),
    )
    .unwrap();
    let (exit, out, err) = run(d, &["residents", "import", csv.to_str().unwrap()], "");
    assert_ne!(exit, 0, "{out}");
    assert!(err.len() < 2_000, "the error echoes the file: {} bytes", err.len());
    assert_terminal_safe("residents import", &err);
    // The configured language is Chinese: each bad line is named as 第 N 行.
    for line in ["第 2 行", "第 3 行", "第 4 行", "第 5 行"] {
        assert!(err.contains(line), "{line}: {err}");
    }
}

#[test]
fn hostile_configuration_texts_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let default = lobby_kiosk::config::EMBEDDED_DEFAULT;
    for (what, from, to, key) in [
        (
            "50,000 characters",
            "name = \"翠湖花园\"",
            format!("name = \"{}\"", "翠".repeat(50_000)),
            "compound.name",
        ),
        (
            "control bytes",
            "name = \"翠湖花园\"",
            "name = \"翠湖\\u001b[2J\\u0007花园\"".to_string(),
            "compound.name",
        ),
        (
            "U+202E",
            "name = \"翠湖花园\"",
            "name = \"翠湖\\u202e花园\"".to_string(),
            "compound.name",
        ),
        (
            "hotline letters",
            "hotline = \"400-820-5678\"",
            "hotline = \"call\\u001b\"".to_string(),
            "compound.hotline",
        ),
        (
            "missing logo",
            "logo = \"\"",
            "logo = \"/nonexistent/logo.png\"".to_string(),
            "branding.logo",
        ),
    ] {
        let config = d.join("kiosk.toml");
        std::fs::write(&config, default.replacen(from, &to, 1)).unwrap();
        for args in [&["check"][..], &["printer", "test"][..]] {
            let mut full = vec!["--config", config.to_str().unwrap()];
            full.extend_from_slice(args);
            let (exit, out, err) = run(d, &full, "");
            assert_eq!(exit, 2, "{what} ({args:?}): {out}");
            assert!(err.contains(&format!("key `{key}`")), "{what}: {err}");
            assert!(
                err.len() < 800,
                "{what}: the error echoes the value ({} bytes)",
                err.len()
            );
            assert_terminal_safe(what, &err);
        }
    }
    assert!(!d.join("printer").exists(), "nothing was printed");
}

#[test]
fn listings_escape_control_bytes_already_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    {
        let app = open_app(d);
        staff_on_duty(&app);
        courier_on_site(&app, "13900001111", monday_at(9, 30));
        repair_ticket(&app, monday_at(9, 0));
    }
    // Records written before the rules (or by hand) may hold anything.
    let db = rusqlite::Connection::open(d.join("kiosk.sqlite3")).unwrap();
    db.execute(
        "UPDATE visits SET surname = '王' || char(27) || '[2J' || char(8238) || char(155) || 'x', company = char(27) || ']0;t' || char(7)",
        [],
    )
    .unwrap();
    db.execute("UPDATE tickets SET note = char(27) || '[31m' || char(8203)", [])
        .unwrap();
    db.execute(
        "UPDATE residents SET surname = '李' || char(27) || '[5m' WHERE rowid = 1",
        [],
    )
    .unwrap();
    drop(db);
    for args in [
        &["visit", "list", "--on-site"][..],
        &["visit", "list", "--on-site", "--json"][..],
        &["roster"][..],
        &["roster", "--json"][..],
        &["request", "list"][..],
        &["request", "show", "R20261130-0001"][..],
        &["residents", "list"][..],
        &["audit"][..],
    ] {
        let (exit, out, err) = run(d, args, "");
        assert_eq!(exit, 0, "{args:?}: {err}");
        assert_terminal_safe(&format!("{args:?}"), &out);
        if args.contains(&"--json") {
            let _: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
        }
    }
    for args in [&["visit", "list", "--on-site"][..], &["roster"][..]] {
        let (_, out, _) = run(d, args, "");
        assert!(
            out.contains("\\u001b[2J"),
            "{args:?}: the escape is shown, visibly: {out}"
        );
    }
}

/// `residents list | head -1`: the reader goes away; the command ends quietly.
#[test]
fn a_closed_pipe_ends_a_listing_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (exit, _, err) = run(d, &["residents", "list"], "");
    assert_eq!(exit, 0, "{err}");
    for args in [
        &["residents", "list"][..],
        &["residents", "list", "--json"][..],
        &["visit", "list"][..],
    ] {
        // A pipe whose reading end is already closed: the first write fails (EPIPE).
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
            .arg("--data-dir")
            .arg(d)
            .args(args)
            .env("LOBBY_KIOSK_CLOCK", CLOCK)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        let code = out.status.code();
        // 141 = 128 + SIGPIPE, as `git log | head -1` reports; 101 would be a panic.
        assert_eq!(code, Some(141), "{args:?}: {err}");
        assert!(
            err.is_empty(),
            "{args:?}: a closed pipe is not an error to report: {err}"
        );
    }
}

/// Every command prints through the one terminal-safe writer (`cli::out`): a bare
/// `println!` / `print!` in the command line would bypass the escaping and panic on a
/// closed pipe.
#[test]
fn the_command_line_prints_only_through_its_safe_writer() {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    for entry in std::fs::read_dir(&cli).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "out.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.replace("eprintln!", "").replace("eprint!", "");
            assert!(
                !code.contains("println!") && !code.contains("print!("),
                "{}:{}: print through outln! (cli::out) instead: {line}",
                path.display(),
                i + 1
            );
        }
    }
}

/// A value that names nothing, or that clap cannot parse, is quoted back short and
/// escaped, never in full.
#[test]
fn refusals_quote_only_a_short_escaped_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    staff_on_duty(&open_app(d));
    let huge = format!("\u{1b}[2J{}", "9".repeat(100_000));
    for args in [
        vec!["permit", "show", huge.as_str()],
        vec!["visit", "approve", huge.as_str(), "--by", "李明"],
        vec!["request", "show", huge.as_str()],
        vec!["request", "update", huge.as_str(), "--status", huge.as_str()],
        vec!["permit", "revoke", huge.as_str(), "--by", "李明"],
        vec!["audit", "--since", huge.as_str()],
    ] {
        let (exit, out, err) = run(d, &args, PIN);
        assert_ne!(exit, 0, "{:?}: {out}", &args[..2]);
        assert!(
            err.len() < 1_500,
            "{:?}: the error echoes the input ({} bytes)",
            &args[..2],
            err.len()
        );
        assert_terminal_safe(&format!("{:?}", &args[..2]), &err);
    }
}
