//! The power-cut test: the real binary records visits and passes in a loop and is killed
//! (SIGKILL, no chance to clean up) at pseudo-random moments, then restarted, over and
//! over. Afterwards every record it reported as saved must be in the database, the file
//! must be intact, and no slip may count as printed without its print job being done.
//!
//! SIGKILL loses only what the process had not yet handed to the kernel, so this proves
//! the commit-then-report order and the crash recovery of the WAL, not fsync on a real
//! power cut; `synchronous=FULL` (checked by `lobby-kiosk check`) covers that part.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rusqlite::Connection;

const CONFIG: &str = r#"
language = "en"
time_zone = "Asia/Shanghai"

[compound]
name = "测试花园"
name_en = "Test Garden"
company = "测试物业"
company_en = "Test Property"
hotline = "400-000-0000"
unit_format = "B-U-R"
seed_sample_residents = true

[printer]
driver = "virtual"
paper = "58mm"
text_mode = "gb18030"
qr_mode = "native"
"#;

const MIN_KILLS: usize = 20;
const MIN_RECORDS: usize = 1000;

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

#[derive(Default)]
struct Reported {
    visits: BTreeSet<i64>,
    passes: BTreeSet<i64>,
}

impl Reported {
    fn len(&self) -> usize {
        self.visits.len() + self.passes.len()
    }

    fn take(&mut self, line: &str) {
        let (kind, id) = line
            .split_once(' ')
            .unwrap_or_else(|| panic!("unexpected line {line:?}"));
        let id: i64 = id.trim().parse().unwrap_or_else(|_| panic!("unexpected line {line:?}"));
        let fresh = match kind {
            "visit" => self.visits.insert(id),
            "pass" => self.passes.insert(id),
            _ => panic!("unexpected line {line:?}"),
        };
        assert!(fresh, "{kind} {id} reported twice: an id was reused after a crash");
    }
}

/// Runs the loop once: kills it after `reports` ids (plus a pseudo-random pause, so the
/// kill lands anywhere inside the next record's work).
fn run_once(dir: &Path, reports: u64, pause: Duration, seen: &mut Reported) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--config")
        .arg(dir.join("kiosk.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["record-loop", "--count", "100000"])
        .env("LOBBY_KIOSK_RECORD_LOOP", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    // Read on a thread so a hung child fails the test instead of hanging it.
    let (send, receive) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if send.send(line.expect("stdout is text")).is_err() {
                break;
            }
        }
    });
    let mut this_run = 0;
    while this_run < reports {
        match receive.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                seen.take(&line);
                this_run += 1;
            }
            Err(why) => {
                let _ = child.kill();
                let status = child.wait().expect("wait");
                panic!("record-loop stopped reporting after {this_run} records ({why:?}): {status}");
            }
        }
    }
    std::thread::sleep(pause);
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    reader.join().expect("reader thread");
    // Lines already in the pipe were reported before the kill: they count too.
    for line in receive.try_iter() {
        seen.take(&line);
    }
}

/// SIGKILL leaves the page cache intact, so fsync plays no part in what is tested here:
/// a RAM disk, where there is one, tests the same and saves the fsyncs' time.
fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    shm.is_dir()
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten()
        .unwrap_or_else(|| tempfile::tempdir().expect("a temporary folder"))
}

fn scalar(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn records_reported_as_saved_survive_being_killed_at_random() {
    let started = Instant::now();
    let dir = scratch_dir();
    std::fs::write(dir.path().join("kiosk.toml"), CONFIG).unwrap();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut seen = Reported::default();
    let mut kills = 0;
    while kills < MIN_KILLS || seen.len() < MIN_RECORDS {
        let reports = rng.between(20, 80);
        let pause = Duration::from_micros(rng.between(0, 30_000));
        run_once(dir.path(), reports, pause, &mut seen);
        kills += 1;
        assert!(kills < 200, "far too many runs for {} records", seen.len());
    }

    let db = dir.path().join("data").join("kiosk.sqlite3");
    let conn = Connection::open(&db).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");

    let present = |table: &str, ids: &BTreeSet<i64>| -> Vec<i64> {
        let mut stmt = conn
            .prepare(&format!("SELECT printed_at IS NOT NULL FROM {table} WHERE id = ?1"))
            .unwrap();
        let mut missing = Vec::new();
        for id in ids {
            match stmt.query_row([id], |r| r.get::<_, bool>(0)) {
                Ok(true) => {}
                Ok(false) => panic!("{table} {id} was reported before its slip counted as printed"),
                Err(_) => missing.push(*id),
            }
        }
        missing
    };
    assert_eq!(
        present("visits", &seen.visits),
        Vec::<i64>::new(),
        "reported visits missing"
    );
    assert_eq!(
        present("passes", &seen.passes),
        Vec::<i64>::new(),
        "reported passes missing"
    );

    for (table, kind) in [("visits", "visit"), ("passes", "pass")] {
        let unbacked = scalar(
            &conn,
            &format!(
                "SELECT count(*) FROM {table} r WHERE r.printed_at IS NOT NULL AND NOT EXISTS (
                     SELECT 1 FROM print_jobs j WHERE j.record_kind = '{kind}' AND j.record_id = r.id
                     AND j.state = 'done')"
            ),
        );
        assert_eq!(unbacked, 0, "{table} counted as printed without a done print job");
    }
    let total = scalar(&conn, "SELECT count(*) FROM visits") + scalar(&conn, "SELECT count(*) FROM passes");
    assert!(total >= seen.len() as i64);
    eprintln!(
        "crash test: {kills} kills, {} visits and {} passes reported, {total} recorded, {:.1} s",
        seen.visits.len(),
        seen.passes.len(),
        started.elapsed().as_secs_f64()
    );
}
