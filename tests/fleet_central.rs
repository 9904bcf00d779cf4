//! The central PostgreSQL of the fleet, against a real server the tests start: `fleet
//! migrate` (twice is harmless, a newer schema is refused), `fleet add-kiosk` (settings
//! that work), row-level security (compound A cannot read or write compound B; the
//! reporting role reads all), the change sequence under concurrent writers (a reader
//! pulling `seq > last` never skips a committed row), and the daily-report view (the
//! same figures as the kiosk's `report daily` for the rows it pushed).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::pg::{PgServer, ADMIN_PASSWORD};
use lobby_kiosk::fleet::connect::connect;
use serde_json::{json, Value};

/// The contract's push of one change (the body and time sent as text: the tests need no
/// JSON or chrono support in the client).
const PUSH: &str = "INSERT INTO fleet.changes (compound_id, kiosk_id, gid, tbl, version, body, kiosk_time)
     VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::timestamptz)
     ON CONFLICT (compound_id, gid) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body,
         kiosk_time = EXCLUDED.kiosk_time WHERE fleet.changes.version < EXCLUDED.version";

/// The contract's pull.
const PULL: &str = "SELECT seq, kiosk_id, gid, tbl, version, body FROM fleet.changes
     WHERE compound_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";

fn kiosk_cli(args: &[&str], envs: &[(&str, &str)], data: Option<&Path>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"));
    if let Some(dir) = data {
        cmd.arg("--data-dir").arg(dir);
    }
    cmd.args(args).env_remove("LOBBY_KIOSK_CLOCK");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn fleet(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["fleet"];
    all.extend_from_slice(args);
    kiosk_cli(&all, &[], None)
}

fn migrated(server: &PgServer, db: &str) -> String {
    let url = server.create_database(db);
    let (code, out, err) = fleet(&["migrate", "--admin-url", &url]);
    assert_eq!(code, 0, "{out}{err}");
    url
}

/// Registers a kiosk through the command line; returns its `--json` settings.
fn add_kiosk(admin: &str, compound: &str, kiosk: &str) -> Value {
    let (code, out, err) = fleet(&[
        "add-kiosk",
        "--admin-url",
        admin,
        "--compound",
        compound,
        "--kiosk",
        kiosk,
        "--json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    serde_json::from_str(&out).unwrap()
}

fn url_of(settings: &Value) -> String {
    settings["url"].as_str().unwrap().to_string()
}

fn push(
    client: &mut impl postgres::GenericClient,
    compound: &str,
    kiosk: &str,
    gid: &str,
    tbl: &str,
    version: i64,
    body: &Value,
) -> Result<u64, postgres::Error> {
    client.execute(
        PUSH,
        &[
            &compound,
            &kiosk,
            &gid,
            &tbl,
            &version,
            &body.to_string(),
            &"2026-11-30T10:00:00Z",
        ],
    )
}

#[test]
fn migrate_twice_is_harmless_and_a_newer_schema_is_refused() {
    let server = PgServer::start();
    let url = server.create_database("twice");
    // Before the schema exists, add-kiosk says what to do first.
    let (code, _, err) = fleet(&["add-kiosk", "--admin-url", &url, "--compound", "C", "--kiosk", "K"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("fleet migrate"), "{err}");

    let (code, out, err) = fleet(&["migrate", "--admin-url", &url, "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"from": 0, "to": 4})
    );
    let settings = add_kiosk(&url, "C", "K");
    let (code, out, err) = fleet(&["migrate", "--admin-url", &url, "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let done: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(done, json!({"from": 4, "to": 4}));
    // The kiosk registered in between still works: nothing was dropped or re-made.
    let mut kiosk = connect(&url_of(&settings)).unwrap();
    push(&mut kiosk, "C", "K", "K.1.visits.1", "visits", 1, &json!({"id": 1})).unwrap();

    let mut admin = connect(&url).unwrap();
    let versions: i64 = admin
        .query_one("SELECT count(*) FROM fleet.schema_migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(versions, 4);

    // A schema from a newer program is left alone, with the reason.
    admin
        .execute("INSERT INTO fleet.schema_migrations (version) VALUES (99)", &[])
        .unwrap();
    let (code, _, err) = fleet(&["migrate", "--admin-url", &url]);
    assert_eq!(code, 1);
    assert!(err.contains("99") && err.contains("upgrade lobby-kiosk"), "{err}");

    // A wrong password: a polite refusal that never echoes the URL's password.
    let wrong = server.url_for("postgres", "not-the-password-xyz", "twice");
    let (code, out, err) = fleet(&["migrate", "--admin-url", &wrong]);
    assert_eq!(code, 1);
    assert!(
        !err.contains("not-the-password-xyz") && !out.contains("not-the-password-xyz"),
        "{err}"
    );
    assert!(err.contains("cannot be reached"), "{err}");
    // Not a postgres:// URL, or an id that cannot be a role name: usage errors.
    let (code, _, err) = fleet(&[
        "add-kiosk",
        "--admin-url",
        "mysql://x@y/z",
        "--compound",
        "C",
        "--kiosk",
        "K2",
    ]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = fleet(&["add-kiosk", "--admin-url", &url, "--compound", "C", "--kiosk", "a.b"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn add_kiosk_prints_settings_a_kiosk_can_connect_with() {
    let server = PgServer::start();
    let admin = migrated(&server, "settings");

    // The TOML form, pasted into a kiosk's configuration.
    let (code, out, err) = fleet(&[
        "add-kiosk",
        "--admin-url",
        &admin,
        "--compound",
        "lakeside",
        "--kiosk",
        "main-gate",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains(ADMIN_PASSWORD) && !err.contains(ADMIN_PASSWORD));
    let table: toml::Table = toml::from_str(&out).unwrap();
    let fleet_table = table["fleet"].as_table().unwrap();
    assert_eq!(fleet_table["compound_id"].as_str(), Some("lakeside"));
    assert_eq!(fleet_table["kiosk_id"].as_str(), Some("main-gate"));
    assert_eq!(fleet_table["record_prefix"].as_str(), Some("A"));
    let url = fleet_table["url"].as_str().unwrap();
    assert!(url.ends_with("/settings?sslmode=disable"), "{url}");
    assert!(
        !url.starts_with("postgres://postgres:"),
        "the kiosk is not the admin: {url}"
    );

    let mut kiosk = connect(url).unwrap();
    let me: String = kiosk.query_one("SELECT current_user::text", &[]).unwrap().get(0);
    let bypass: bool = kiosk
        .query_one(
            "SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!bypass, "{me} must not bypass row-level security");
    push(
        &mut kiosk,
        "lakeside",
        "main-gate",
        "main-gate.1.visits.1",
        "visits",
        1,
        &json!({"id": 1, "surname": "王"}),
    )
    .unwrap();
    let rows = kiosk.query(PULL, &[&"lakeside", &0i64, &100i64]).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, String>(2), "main-gate.1.visits.1");

    // The second kiosk of the compound gets the next prefix; --json has the same keys.
    let north = add_kiosk(&admin, "lakeside", "north-gate");
    assert_eq!(north["record_prefix"], "B");
    assert_eq!(north["compound_id"], "lakeside");
    assert_eq!(north["kiosk_id"], "north-gate");
    let mut north_client = connect(&url_of(&north)).unwrap();
    let seen = north_client.query(PULL, &[&"lakeside", &0i64, &100i64]).unwrap();
    assert_eq!(seen.len(), 1, "kiosks of one compound see each other's changes");
    // The same kiosk twice: refused, nothing changed.
    let (code, _, err) = fleet(&[
        "add-kiosk",
        "--admin-url",
        &admin,
        "--compound",
        "lakeside",
        "--kiosk",
        "north-gate",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("already registered"), "{err}");
    // The server holds only a SCRAM verifier, never the password itself.
    let mut su = connect(&admin).unwrap();
    let stored: String = su
        .query_one("SELECT rolpassword FROM pg_authid WHERE rolname = $1", &[&me])
        .unwrap()
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$"), "{stored}");
}

#[test]
fn a_kiosk_of_one_compound_can_neither_read_nor_write_another() {
    let server = PgServer::start();
    let admin = migrated(&server, "isolation");
    let a1 = add_kiosk(&admin, "A", "a1");
    let a2 = add_kiosk(&admin, "A", "a2");
    let b1 = add_kiosk(&admin, "B", "b1");
    let visit = |surname: &str| json!({"id": 1, "surname": surname, "created_at": "2026-11-30T02:00:00.000Z", "hold_reason": null});
    let mut a = connect(&url_of(&a1)).unwrap();
    let mut a_two = connect(&url_of(&a2)).unwrap();
    let mut b = connect(&url_of(&b1)).unwrap();
    push(&mut a, "A", "a1", "a1.1.visits.1", "visits", 1, &visit("王")).unwrap();
    push(&mut a_two, "A", "a2", "a2.1.visits.1", "visits", 1, &visit("李")).unwrap();
    push(&mut b, "B", "b1", "b1.1.visits.1", "visits", 1, &visit("赵")).unwrap();
    b.execute(
        "INSERT INTO fleet.conflicts (compound_id, kiosk_id, gid, version, body, kept) VALUES ('B', 'b1', 'b1.1.visits.1', 1, '{}', '{}')",
        &[],
    )
    .unwrap();

    // Reads: only compound A, whatever is asked for.
    let compounds = |c: &mut postgres::Client, sql: &str| -> BTreeSet<String> {
        c.query(sql, &[])
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect()
    };
    let only_a: BTreeSet<String> = ["A".to_string()].into();
    assert_eq!(compounds(&mut a, "SELECT compound_id FROM fleet.changes"), only_a);
    assert_eq!(compounds(&mut a, "SELECT compound_id FROM fleet.kiosks"), only_a);
    assert_eq!(compounds(&mut a, "SELECT compound_id FROM fleet.compounds"), only_a);
    assert_eq!(compounds(&mut a, "SELECT compound_id FROM fleet.daily_report"), only_a);
    assert!(compounds(&mut a, "SELECT compound_id FROM fleet.conflicts").is_empty());
    assert!(a.query(PULL, &[&"B", &0i64, &100i64]).unwrap().is_empty());
    assert!(a
        .query("SELECT * FROM fleet.daily_reports(now()) WHERE compound_id = 'B'", &[])
        .unwrap()
        .is_empty());
    let a_rows: i64 = a
        .query_one("SELECT visits FROM fleet.daily_report WHERE compound_id = 'A'", &[])
        .unwrap()
        .get(0);
    assert_eq!(a_rows, 2, "both of A's kiosks count in A's report");

    // Writes into B, or as another kiosk of A: refused by the policies.
    let refused = |r: Result<u64, postgres::Error>| {
        let err = r.expect_err("must be refused");
        let text = err.as_db_error().map(|d| d.message().to_string()).unwrap_or_default();
        assert!(
            text.contains("row-level security") || text.contains("permission denied"),
            "{text}"
        );
    };
    refused(push(&mut a, "B", "b1", "b1.1.visits.2", "visits", 1, &visit("钱")));
    refused(push(&mut a, "B", "a1", "a1.1.visits.2", "visits", 1, &visit("钱")));
    refused(push(&mut a, "A", "a2", "a2.1.visits.2", "visits", 1, &visit("钱")));
    // B's row under its own gid: not replaced.
    refused(push(&mut a, "B", "b1", "b1.1.visits.1", "visits", 2, &visit("孙")));
    // Another kiosk's row of the same compound cannot be replaced either.
    refused(push(&mut a, "A", "a2", "a2.1.visits.1", "visits", 2, &visit("孙")));
    let touched = a
        .execute("UPDATE fleet.changes SET body = '{}' WHERE compound_id = 'B'", &[])
        .unwrap();
    assert_eq!(touched, 0);
    refused(a.execute("DELETE FROM fleet.changes", &[]));
    refused(a.execute(
        "INSERT INTO fleet.conflicts (compound_id, kiosk_id, gid, version, body, kept) VALUES ('B', 'b1', 'x', 1, '{}', '{}')",
        &[],
    ));
    refused(a.execute("UPDATE fleet.compounds SET next_seq = 0", &[]));
    refused(a.execute(
        "INSERT INTO fleet.kiosks (compound_id, kiosk_id, role_name, prefix) VALUES ('B', 'x', 'x', 'Z')",
        &[],
    ));
    let mut check = connect(&admin).unwrap();
    let body_of = |c: &mut postgres::Client, gid: &str| -> Value {
        let text: String = c
            .query_one("SELECT body::text FROM fleet.changes WHERE gid = $1", &[&gid])
            .unwrap()
            .get(0);
        serde_json::from_str(&text).unwrap()
    };
    let b_body = body_of(&mut check, "b1.1.visits.1");
    assert_eq!(b_body["surname"], "赵", "B's row is untouched");
    let a2_body = body_of(&mut check, "a2.1.visits.1");
    assert_eq!(a2_body["surname"], "李");

    // A reporting login (granted fleet_report) reads every compound, views included,
    // and writes nothing.
    check
        .batch_execute("CREATE ROLE head_office LOGIN PASSWORD 'report-pass' IN ROLE fleet_report")
        .unwrap();
    let mut report = connect(&server.url_for("head_office", "report-pass", "isolation")).unwrap();
    let both: BTreeSet<String> = ["A".to_string(), "B".to_string()].into();
    assert_eq!(
        compounds(&mut report, "SELECT DISTINCT compound_id FROM fleet.changes"),
        both
    );
    assert_eq!(
        compounds(&mut report, "SELECT compound_id FROM fleet.daily_report"),
        both
    );
    assert_eq!(
        compounds(&mut report, "SELECT DISTINCT compound_id FROM fleet.kiosks"),
        both
    );
    assert_eq!(
        compounds(&mut report, "SELECT compound_id FROM fleet.conflicts"),
        ["B".to_string()].into()
    );
    refused(push(&mut report, "A", "a1", "a1.1.visits.9", "visits", 1, &visit("周")));
}

#[test]
fn a_reader_pulling_past_the_last_seq_never_skips_a_row_two_writers_commit() {
    let server = PgServer::start();
    let admin = migrated(&server, "sequence");
    let w1 = add_kiosk(&admin, "C", "w1");
    let w2 = add_kiosk(&admin, "C", "w2");
    let reader = add_kiosk(&admin, "C", "r");
    const PER_WRITER: usize = 150;
    let done = Arc::new(AtomicBool::new(false));
    let committed = Arc::new(Mutex::new(BTreeMap::<String, i64>::new()));
    let writers: Vec<_> = [(w1, "w1", 3u64), (w2, "w2", 1u64)]
        .into_iter()
        .map(|(settings, kiosk, pause)| {
            let committed = committed.clone();
            std::thread::spawn(move || {
                let mut client = connect(&url_of(&settings)).unwrap();
                for i in 0..PER_WRITER {
                    let mut tx = client.transaction().unwrap();
                    // Two new rows and, now and then, a newer version of an older one:
                    // transactions overlap, and the slow one holds its numbers longer.
                    let mut wrote = vec![];
                    for j in 0..2 {
                        let gid = format!("{kiosk}.1.visits.{}", i * 2 + j);
                        push(&mut tx, "C", kiosk, &gid, "visits", 1, &json!({"i": i})).unwrap();
                        wrote.push((gid, 1));
                    }
                    if i % 5 == 4 {
                        let gid = format!("{kiosk}.1.visits.{}", i - 4);
                        let version = 2 + i as i64;
                        push(&mut tx, "C", kiosk, &gid, "visits", version, &json!({"v": version})).unwrap();
                        wrote.push((gid, version));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(pause * (i as u64 % 3)));
                    tx.commit().unwrap();
                    let mut c = committed.lock().unwrap();
                    for (gid, v) in wrote {
                        c.insert(gid, v);
                    }
                }
            })
        })
        .collect();
    let reader_done = done.clone();
    let reader = std::thread::spawn(move || {
        let mut client = connect(&url_of(&reader)).unwrap();
        let mut last = 0i64;
        let mut seen = BTreeMap::<String, i64>::new();
        let mut pulls = 0;
        loop {
            let finished = reader_done.load(Ordering::SeqCst);
            loop {
                let rows = client.query(PULL, &[&"C", &last, &50i64]).unwrap();
                pulls += 1;
                for row in &rows {
                    let seq: i64 = row.get(0);
                    assert!(seq > last);
                    last = seq;
                    seen.insert(row.get(2), row.get(4));
                }
                if rows.len() < 50 {
                    break;
                }
            }
            if finished {
                return (seen, pulls);
            }
        }
    });
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let (seen, pulls) = reader.join().unwrap();
    let committed = committed.lock().unwrap().clone();
    assert_eq!(committed.len(), 2 * PER_WRITER * 2);
    assert!(pulls > 10, "the reader pulled while the writers wrote ({pulls} pulls)");
    // Every committed row, at its newest version, reached the reader: none skipped.
    let missing: Vec<_> = committed.iter().filter(|(g, v)| seen.get(*g) != Some(v)).collect();
    assert!(missing.is_empty(), "skipped by the reader: {missing:?}");
}

/// Reads every row of `table` in the kiosk's SQLite as a JSON object (column → value).
fn sqlite_rows(db: &rusqlite::Connection, table: &str) -> Vec<(i64, Value)> {
    let mut stmt = db.prepare(&format!("SELECT * FROM {table} ORDER BY id")).unwrap();
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    stmt.query_map([], |row| {
        let mut body = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            let value = match row.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Value::Null,
                rusqlite::types::ValueRef::Integer(n) => json!(n),
                rusqlite::types::ValueRef::Real(f) => json!(f),
                rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                rusqlite::types::ValueRef::Blob(b) => json!(data_encoding::BASE64.encode(b)),
            };
            body.insert(name.clone(), value);
        }
        Ok((row.get::<_, i64>("id")?, Value::Object(body)))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn the_daily_report_view_gives_the_figures_of_report_daily() {
    let server = PgServer::start();
    let admin = migrated(&server, "reports");
    let settings = add_kiosk(&admin, "lakeside", "gate");
    // A real kiosk's records: ten days of made-up history at the five-year seed's rate,
    // written by the kiosk's own code, plus two printing faults.
    let data = tempfile::tempdir().unwrap();
    let clock = "2026-11-30T20:00:00+08:00";
    let env = [("LOBBY_KIOSK_CLOCK", clock), ("LOBBY_KIOSK_SEED_HISTORY", "1")];
    let (code, out, err) = kiosk_cli(&["seed-history", "--days", "10"], &env, Some(data.path()));
    assert_eq!(code, 0, "{out}{err}");
    let db = rusqlite::Connection::open(data.path().join("kiosk.sqlite3")).unwrap();
    db.execute_batch(
        "INSERT INTO print_faults (job_id, at, error) VALUES (1, '2026-11-28T03:00:00.000Z', 'paper out');
         INSERT INTO print_faults (job_id, at, error) VALUES (2, '2026-11-28T16:30:00.000Z', 'paper out');",
    )
    .unwrap();

    // Pushed the way the contract's push does: one transaction, gid and body per row.
    let mut kiosk = connect(&url_of(&settings)).unwrap();
    let mut tx = kiosk.transaction().unwrap();
    let mut pushed = 0;
    for table in [
        "visits",
        "passes",
        "tickets",
        "ticket_history",
        "satisfaction",
        "print_faults",
    ] {
        for (id, body) in sqlite_rows(&db, table) {
            let gid = format!("gate.1.{table}.{id}");
            push(&mut tx, "lakeside", "gate", &gid, table, 1, &body).unwrap();
            pushed += 1;
        }
    }
    tx.commit().unwrap();
    assert!(pushed > 100, "{pushed} rows");

    let mut report = connect(&admin).unwrap();
    let mut compared = 0;
    for day in 21..=30 {
        let date = format!("2026-11-{day}");
        let (code, out, err) = kiosk_cli(
            &["report", "daily", "--date", &date, "--format", "json"],
            &[("LOBBY_KIOSK_CLOCK", clock)],
            Some(data.path()),
        );
        assert_eq!(code, 0, "{out}{err}");
        let kiosk_report: Value = serde_json::from_str(&out).unwrap();
        let row = report
            .query_opt(
                "SELECT visits, visits_held, passes, tickets, tickets_by_type::text,
                        responses_on_time, responses_late, responses_pending, responses_left_out, responses_rate,
                        repairs_on_time, repairs_late, repairs_pending, repairs_left_out, repairs_rate,
                        ratings, satisfaction_overall, satisfaction_reception, print_failures
                   FROM fleet.daily_reports($1::text::timestamptz)
                  WHERE compound_id = 'lakeside' AND day = $2::text::date",
                &[&clock, &date],
            )
            .unwrap();
        let Some(row) = row else {
            assert_eq!(
                kiosk_report["visits"], 0,
                "{date}: the view has no row for a day with records"
            );
            continue;
        };
        let n = |i: usize| json!(row.get::<_, i64>(i));
        let rate = |i: usize| row.get::<_, Option<f64>>(i);
        let close = |ours: Option<f64>, theirs: &Value, what: &str| match (ours, theirs.as_f64()) {
            (None, None) => {}
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{date} {what}: view {a}, kiosk {b}"),
            other => panic!("{date} {what}: {other:?}"),
        };
        let k = &kiosk_report;
        assert_eq!(n(0), k["visits"], "{date} visits");
        assert_eq!(n(1), k["visits_held"], "{date} held");
        assert_eq!(n(2), k["passes"], "{date} passes");
        assert_eq!(n(3), k["tickets"], "{date} tickets");
        let by_type: Value = serde_json::from_str(&row.get::<_, String>(4)).unwrap();
        assert_eq!(by_type, k["tickets_by_type"], "{date} by type");
        assert_eq!(n(5), k["responses"]["on_time"], "{date} on time");
        assert_eq!(n(6), k["responses"]["late"], "{date} late");
        assert_eq!(n(7), k["responses"]["pending"], "{date} pending");
        assert_eq!(n(8), k["responses"]["left_out"], "{date} left out");
        close(rate(9), &k["responses_on_time"], "response rate");
        assert_eq!(n(10), k["repairs"]["on_time"], "{date} repairs on time");
        assert_eq!(n(11), k["repairs"]["late"], "{date} repairs late");
        assert_eq!(n(12), k["repairs"]["pending"], "{date} repairs pending");
        assert_eq!(n(13), k["repairs"]["left_out"], "{date} repairs left out");
        close(rate(14), &k["repairs_on_time"], "repair rate");
        assert_eq!(n(15), k["ratings"], "{date} ratings");
        close(rate(16), &k["satisfaction_overall"], "overall");
        close(rate(17), &k["satisfaction_reception"], "reception");
        assert_eq!(n(18), k["print_failures"], "{date} print faults");
        assert!(k["visits"].as_i64().unwrap() > 0, "{date}: the seed records every day");
        compared += 1;
    }
    assert_eq!(compared, 10);
}

/// The plan the server picks for `sql` as this client (row-level security included).
fn plan(client: &mut postgres::Client, sql: &str) -> String {
    client
        .query(&format!("EXPLAIN {sql}"), &[])
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn what_every_round_asks_first_is_answered_from_an_index_not_by_reading_the_compound() {
    let server = PgServer::start();
    let url = migrated(&server, "round_indexes");
    let a = add_kiosk(&url, "C", "a");
    add_kiosk(&url, "C", "b");
    add_kiosk(&url, "D", "b");
    // Two kiosks' worth of history in compound C, and some in D.
    let mut admin = connect(&url).unwrap();
    {
        let mut tx = admin.transaction().unwrap();
        for i in 0..3000 {
            for (compound, kiosk) in [("C", "a"), ("C", "b"), ("D", "b")] {
                let gid = format!("{kiosk}.1.visits.{i}");
                push(&mut tx, compound, kiosk, &gid, "visits", i + 1, &json!({"id": i})).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    admin.batch_execute("ANALYZE fleet.changes").unwrap();

    // As kiosk a, under its row-level security, exactly as a round asks.
    let mut kiosk = connect(&url_of(&a)).unwrap();
    let top = plan(
        &mut kiosk,
        "SELECT max(version) FROM fleet.changes WHERE compound_id = 'C' AND kiosk_id = 'a'",
    );
    assert!(top.contains("changes_by_kiosk_version"), "{top}");
    assert!(!top.contains("Seq Scan"), "{top}");
    let pull = plan(
        &mut kiosk,
        "SELECT seq, kiosk_id, gid, tbl, version, body::text FROM fleet.changes
         WHERE compound_id = 'C' AND seq > 5990 ORDER BY seq LIMIT 300",
    );
    assert!(pull.contains("changes_by_seq"), "{pull}");
    assert!(!pull.contains("Seq Scan"), "{pull}");
    let answer: Option<i64> = kiosk
        .query_one(
            "SELECT max(version) FROM fleet.changes WHERE compound_id = 'C' AND kiosk_id = 'a'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(answer, Some(3000));
}

/// Migration 4 moves the change counter to a sequence: on a server that already holds
/// changes numbered by the old counter, the numbers go on rising in every compound, so a
/// kiosk pulling `seq > last` after the upgrade misses nothing.
#[test]
fn after_the_upgrade_to_the_sequence_counter_new_changes_number_above_the_old() {
    let server = PgServer::start();
    let url = server.create_database("upgrade");
    let mut admin = connect(&url).unwrap();
    // A server at version 3, as the program before this one left it.
    admin
        .batch_execute(
            "CREATE SCHEMA fleet;
             CREATE TABLE fleet.schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
        )
        .unwrap();
    for (i, sql) in lobby_kiosk::fleet::central::migrate::MIGRATIONS[..3].iter().enumerate() {
        admin.batch_execute(sql).unwrap();
        admin
            .execute(
                "INSERT INTO fleet.schema_migrations (version) VALUES ($1)",
                &[&(i as i32 + 1)],
            )
            .unwrap();
    }
    admin
        .batch_execute("INSERT INTO fleet.compounds (compound_id) VALUES ('A'), ('B')")
        .unwrap();
    for n in 0..5 {
        push(
            &mut admin,
            "A",
            "k",
            &format!("k.1.visits.{n}"),
            "visits",
            1,
            &json!({"id": n}),
        )
        .unwrap();
    }
    push(&mut admin, "B", "k", "k.1.visits.0", "visits", 1, &json!({"id": 0})).unwrap();
    let top = |admin: &mut postgres::Client, compound: &str| -> i64 {
        admin
            .query_one(
                "SELECT max(seq) FROM fleet.changes WHERE compound_id = $1",
                &[&compound],
            )
            .unwrap()
            .get(0)
    };
    let (a_before, b_before) = (top(&mut admin, "A"), top(&mut admin, "B"));
    assert_eq!((a_before, b_before), (5, 1), "the old counter numbers per compound");

    let (code, out, err) = fleet(&["migrate", "--admin-url", &url, "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"from": 3, "to": 4})
    );
    // A new change in each compound, and a new version of an old one.
    push(&mut admin, "B", "k", "k.1.visits.1", "visits", 1, &json!({"id": 1})).unwrap();
    push(
        &mut admin,
        "A",
        "k",
        "k.1.visits.0",
        "visits",
        2,
        &json!({"id": 0, "v": 2}),
    )
    .unwrap();
    assert!(top(&mut admin, "A") > a_before && top(&mut admin, "B") > b_before);
    let seqs: Vec<i64> = admin
        .query(
            "SELECT seq FROM fleet.changes WHERE compound_id = 'A' ORDER BY seq",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(seqs.len(), 5);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    // An unknown compound is still refused by the counter.
    let err = push(&mut admin, "Z", "k", "k.1.visits.0", "visits", 1, &json!({})).unwrap_err();
    assert!(
        err.to_string().contains("unknown compound") || format!("{err:?}").contains("unknown compound"),
        "{err:?}"
    );
}
