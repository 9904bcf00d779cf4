//! A record, its audit row, its print job and its notice commit together, and a slip
//! whose sender stopped mid-send is owed again. Through the real binary where it is a
//! promise of the command line (`permit add`, `printer retry`), in-process for the
//! screens' journeys.
//!
//! A print job that cannot be written stands for a full disk here: a trigger in the
//! database refuses the row (the real full disk, made with a tmpfs, is in
//! `tests/storage_trouble.rs`; a disk full to the byte between the permit and its job
//! cannot be made on purpose).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::visitor;
use rusqlite::Connection;

const CLOCK: &str = "2026-11-30T10:00:00+08:00";

/// The binary over `data` with `config`, the acting account's PIN on standard input.
fn run(data: &Path, config: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .env("LOBBY_KIOSK_CLOCK", CLOCK)
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
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
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The built-in configuration in `lang`, printing where `printer` says, written to `dir`.
fn config(dir: &Path, lang: &str, printer: Option<&str>) -> std::path::PathBuf {
    let mut text =
        lobby_kiosk::config::EMBEDDED_DEFAULT.replace("language = \"zh-CN\"", &format!("language = \"{lang}\""));
    if let Some(address) = printer {
        text = text.replace(
            "driver = \"virtual\"",
            &format!("driver = \"network\"\naddress = \"{address}\""),
        );
    }
    let path = dir.join(format!("kiosk-{lang}-{}.toml", printer.is_some()));
    std::fs::write(&path, text).unwrap();
    path
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Makes the database refuse every new print job, as a disk with no room left for one.
const REFUSE_JOBS: &str = "CREATE TRIGGER refuse_jobs BEFORE INSERT ON print_jobs
    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END";

const PERMIT_ADD: [&str; 18] = [
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
    "2026-11-20",
    "--to",
    "2026-12-30",
    "--deposit-paid",
    "--worker",
    "张三明:13700001111",
    "--by",
];

#[test]
fn permit_add_that_cannot_register_its_slip_keeps_nothing_and_says_so() {
    let outside = tempfile::tempdir().unwrap();
    let data = outside.path().join("data");
    {
        let app = open_app(&data);
        staff_on_duty(&app);
    }
    let conn = Connection::open(data.join("kiosk.sqlite3")).unwrap();
    conn.execute_batch(REFUSE_JOBS).unwrap();
    for lang in ["zh-CN", "en"] {
        let mut args = PERMIT_ADD.to_vec();
        args.push("王芳");
        let (code, out, err) = run(&data, &config(outside.path(), lang, None), &args, pin_line("王芳"));
        assert_ne!(
            code, 0,
            "a permit whose slip was never registered is not a success: {out}{err}"
        );
        let polite = if lang == "en" {
            "could not be saved"
        } else {
            "未能保存"
        };
        assert!(err.contains(polite), "{err}");
        assert_eq!(
            count(&conn, "SELECT count(*) FROM permits"),
            0,
            "no permit left without its job"
        );
        assert_eq!(count(&conn, "SELECT count(*) FROM permit_workers"), 0);
        assert_eq!(
            count(&conn, "SELECT count(*) FROM audit WHERE action = 'permit_create'"),
            0,
            "no audit row for a permit that is not there"
        );
    }

    // Room again: the same command files the permit with its audit row and its job.
    conn.execute_batch("DROP TRIGGER refuse_jobs").unwrap();
    let mut args = PERMIT_ADD.to_vec();
    args.push("王芳");
    let (code, out, err) = run(&data, &config(outside.path(), "en", None), &args, pin_line("王芳"));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(count(&conn, "SELECT count(*) FROM permits"), 1);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM audit WHERE action = 'permit_create'"),
        1
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM print_jobs WHERE record_kind = 'permit' AND state = 'done'"
        ),
        1
    );
}

#[test]
fn a_screen_registration_whose_slip_cannot_be_registered_keeps_no_visit_and_no_notice() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    app.set_now(Some(monday_at(10, 0)));
    let now = app.now();
    let conn = Connection::open(dir.path().join("kiosk.sqlite3")).unwrap();
    let notices = || count(&conn, "SELECT count(*) FROM outbox");
    let before = notices();
    conn.execute_batch(REFUSE_JOBS).unwrap();
    // A courier is let in at once: the visit, its slip's job, or nothing.
    let courier = visitor::register(&app, &walk_in("13900000002", VisitorType::Courier), now);
    assert!(courier.is_err(), "the kiosk says it could not save, as for a full disk");
    assert_eq!(
        count(&conn, "SELECT count(*) FROM visits"),
        0,
        "no visit without its slip"
    );
    // A guest waits for the host: no slip, so the visit and the desk's notice are kept.
    let guest = waiting_guest(&app, "13900000003", now);
    assert_eq!(notices(), before + 1);
    assert!(app.store().visit(guest.id).unwrap().is_some());
}

/// A process standing for a sender: its `pid:start-time`, as its claims are signed.
fn sender_tag(child: &std::process::Child) -> String {
    let pid = child.id();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 1..];
    let started = after_name.split_whitespace().nth(19).unwrap();
    format!("{pid}:{started}")
}

#[test]
fn a_slip_left_sent_by_a_killed_process_is_owed_at_the_next_start_and_retried_once() {
    if !Path::new("/proc/self/stat").exists() {
        eprintln!("SKIPPED: no /proc here, so a stopped sender cannot be told from a running one");
        return;
    }
    let outside = tempfile::tempdir().unwrap();
    let data = outside.path().join("data");
    let (killed, running) = {
        let app = open_app(&data);
        staff_on_duty(&app);
        let now = app.now();
        (
            courier_on_site(&app, "13900000002", now),
            courier_on_site(&app, "13900000003", now),
        )
    };
    let conn = Connection::open(data.join("kiosk.sqlite3")).unwrap();
    // Two slips caught mid-send: one by a process since killed, one by a process that
    // still runs (the kiosk's spooler, say) and must be left to finish its send.
    let mut gone = Command::new("sleep").arg("30").spawn().unwrap();
    let mut alive = Command::new("sleep").arg("30").spawn().unwrap();
    let send = |visit: i64, tag: &str| {
        conn.execute(
            "UPDATE print_jobs SET state = 'sent', sender = ?2, attempts = attempts + 1
             WHERE record_kind = 'visit' AND record_id = ?1",
            (visit, tag),
        )
        .unwrap();
    };
    send(killed.id, &sender_tag(&gone));
    send(running.id, &sender_tag(&alive));
    gone.kill().unwrap();
    gone.wait().unwrap();
    let state = |visit: i64| -> (String, i64) {
        conn.query_row(
            "SELECT state, attempts FROM print_jobs WHERE record_kind = 'visit' AND record_id = ?1",
            [visit],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };

    // The printer is down: the next start finds the killed sender's slip owed and says so.
    let down = config(outside.path(), "en", Some("127.0.0.1:9"));
    let (code, out, err) = run(&data, &down, &["printer", "retry"], "");
    assert!(out.contains("1 slips still owed"), "{code} {out}{err}");
    assert_eq!(state(killed.id).0, "failed");
    assert_eq!(
        state(running.id),
        ("sent".to_string(), 2),
        "a send under way is left alone"
    );

    // The printer is back: it prints once, the running sender's slip is still its own.
    let up = config(outside.path(), "en", None);
    let (code, out, err) = run(&data, &up, &["printer", "retry"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("0 slips still owed"), "{out}");
    assert_eq!(state(killed.id).0, "done");
    assert_eq!(state(running.id).0, "sent");
    alive.kill().unwrap();
    alive.wait().unwrap();

    // Once that process has stopped too, its slip is owed and printed at the next start.
    let (code, out, err) = run(&data, &up, &["printer", "retry"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(state(running.id).0, "done");
    assert_eq!(count(&conn, "SELECT count(*) FROM print_jobs WHERE state = 'sent'"), 0);
}
