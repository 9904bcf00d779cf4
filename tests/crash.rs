//! The power-cut test: the real binary makes every kind of write in a loop (visits,
//! invites, permits, passes, the deny list, ticket updates, staff, shifts, through the
//! journeys the screens and the command line call) and is killed (SIGKILL, no chance to
//! clean up) at pseudo-random moments, then restarted, over and over; and each staff
//! command that writes is killed part-way through, a few times each. After every kill
//! every record has its audit row and every record that needs a slip has its print job;
//! after the next start no job is left `sent` and nothing owed is forgotten. At the end
//! every record it reported as saved must be in the database, the file must be intact,
//! and no slip may count as printed without its print job being done.
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
const MIN_RECORDS: usize = 400;
/// A Monday morning inside renovation hours: the loop's passes go through the hours check.
const CLOCK: &str = "2026-11-30T09:00:00+08:00";

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
    /// Every other kind reported (permit, deny, ticket, staff, shift): kind and id.
    others: BTreeSet<(String, String)>,
}

impl Reported {
    fn len(&self) -> usize {
        self.visits.len() + self.passes.len() + self.others.len()
    }

    fn take(&mut self, line: &str) {
        let (kind, id) = line
            .split_once(' ')
            .unwrap_or_else(|| panic!("unexpected line {line:?}"));
        let number = || -> i64 { id.trim().parse().unwrap_or_else(|_| panic!("unexpected line {line:?}")) };
        let fresh = match kind {
            "visit" => self.visits.insert(number()),
            "pass" => self.passes.insert(number()),
            "permit" | "deny" | "ticket" | "staff" | "shift" => self.others.insert((kind.to_string(), id.to_string())),
            _ => panic!("unexpected line {line:?}"),
        };
        assert!(fresh, "{kind} {id} reported twice: an id was reused after a crash");
    }

    fn count(&self, kind: &str) -> usize {
        self.others.iter().filter(|(k, _)| k == kind).count()
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
        .env("LOBBY_KIOSK_CLOCK", CLOCK)
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

/// What must hold after any kill: each query lists the records that break one promise.
const BROKEN: &[(&str, &str)] = &[
    (
        "a permit without its permit_create audit row",
        "SELECT code FROM permits p WHERE NOT EXISTS
         (SELECT 1 FROM audit a WHERE a.action = 'permit_create' AND a.record = p.code)",
    ),
    (
        "a permit without its slip's print job",
        "SELECT code FROM permits p WHERE NOT EXISTS
         (SELECT 1 FROM print_jobs j WHERE j.record_kind = 'permit' AND j.record_id = p.id)",
    ),
    (
        "a pass without its slip's print job",
        "SELECT pass_no FROM passes p WHERE NOT EXISTS
         (SELECT 1 FROM print_jobs j WHERE j.record_kind = 'pass' AND j.record_id = p.id)",
    ),
    (
        "a visitor let in without a slip's print job",
        "SELECT visit_no FROM visits v WHERE v.valid_until IS NOT NULL AND NOT EXISTS
         (SELECT 1 FROM print_jobs j WHERE j.record_kind = 'visit' AND j.record_id = v.id)",
    ),
    (
        "a visit decided by the desk without its audit row",
        "SELECT visit_no FROM visits v WHERE v.decided_at IS NOT NULL AND v.decided_by <> 'auto'
         AND v.decided_by NOT LIKE 'invite %' AND NOT EXISTS (SELECT 1 FROM audit a
             WHERE a.action IN ('visit_approve', 'visit_deny') AND a.record = v.visit_no)",
    ),
    (
        "an invite without its audit row",
        "SELECT code FROM invites i WHERE NOT EXISTS
         (SELECT 1 FROM audit a WHERE a.action = 'invite_create' AND a.record = i.code)",
    ),
    (
        "a deny-list entry without its audit row",
        "SELECT reason FROM deny_list d WHERE NOT EXISTS
         (SELECT 1 FROM audit a WHERE a.action = 'deny_add' AND a.detail = d.reason)",
    ),
    (
        "a resident's request without its slip's print job",
        "SELECT ticket_no FROM tickets t WHERE NOT EXISTS
         (SELECT 1 FROM print_jobs j WHERE j.record_kind = 'ticket' AND j.record_id = t.id)",
    ),
    (
        "a ticket moved on without its audit row",
        "SELECT ticket_no FROM tickets t WHERE t.status <> 'received' AND NOT EXISTS (SELECT 1 FROM audit a
             WHERE a.action = 'ticket_update' AND a.record = t.ticket_no AND a.detail = t.status)",
    ),
    (
        "a staff account without its audit row",
        "SELECT name FROM staff s WHERE NOT EXISTS
         (SELECT 1 FROM audit a WHERE a.action = 'staff_add' AND a.record = s.name)",
    ),
    (
        "a handover without its audit row",
        "SELECT id FROM handovers h WHERE NOT EXISTS
         (SELECT 1 FROM audit a WHERE a.action = 'shift_close' AND a.record = CAST(h.id AS TEXT))",
    ),
    (
        "a handover taken over without its audit row",
        "SELECT id FROM handovers h WHERE h.acked_at IS NOT NULL AND NOT EXISTS
         (SELECT 1 FROM audit a WHERE a.action = 'shift_ack' AND a.record = CAST(h.id AS TEXT))",
    ),
    (
        "a revoked pass without its audit row",
        "SELECT pass_no FROM passes p WHERE p.revoked_at IS NOT NULL AND NOT EXISTS
         (SELECT 1 FROM audit a WHERE a.action = 'pass_revoke' AND a.record = p.pass_no)",
    ),
    (
        "a suspended permit without its audit row",
        "SELECT code FROM permits p WHERE p.status = 'suspended' AND NOT EXISTS
         (SELECT 1 FROM audit a WHERE a.action = 'permit_suspended' AND a.record = p.code)",
    ),
];

/// Slips still owed after a retry: a job not done for a record that still stands and
/// that no later job has made good.
const STILL_OWED: &str = "SELECT count(*) FROM print_jobs j WHERE j.state <> 'done'
    AND j.record_kind IN ('visit', 'pass', 'permit', 'ticket')
    AND NOT (j.record_kind = 'pass' AND EXISTS (SELECT 1 FROM passes p JOIN permits m ON m.id = p.permit_id
        WHERE p.id = j.record_id AND (p.revoked_at IS NOT NULL OR m.status <> 'active')))
    AND NOT EXISTS (SELECT 1 FROM print_jobs k WHERE k.record_kind = j.record_kind
        AND k.record_id = j.record_id AND k.id > j.id AND k.state = 'done')";

/// Checks the promises of [`BROKEN`] on the database in `data` (nothing runs on it now).
fn assert_every_record_complete(data: &Path, after: &str) {
    let conn = Connection::open(data.join("kiosk.sqlite3")).unwrap();
    for (promise, sql) in BROKEN {
        let mut stmt = conn.prepare(sql).unwrap();
        let found: Vec<String> = stmt
            .query_map([], |r| r.get::<_, rusqlite::types::Value>(0))
            .unwrap()
            .map(|v| format!("{:?}", v.unwrap()))
            .collect();
        assert!(found.is_empty(), "after {after}: {promise}: {found:?}");
    }
}

/// Starts the kiosk's command line again (`printer retry`, as the desk would after a
/// power cut): no job may be left `sent` by the killed process, and every slip owed is
/// printed (the virtual printer takes them all).
fn assert_restart_owes_nothing(args: &[&std::ffi::OsStr], data: &Path, after: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .args(args)
        .args(["printer", "retry"])
        .env("LOBBY_KIOSK_CLOCK", CLOCK)
        .stdin(Stdio::null())
        .output()
        .expect("the binary starts");
    assert!(
        out.status.success(),
        "printer retry after {after}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = Connection::open(data.join("kiosk.sqlite3")).unwrap();
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM print_jobs WHERE state = 'sent'"),
        0,
        "after {after} and a restart, a job is still stuck `sent`"
    );
    assert_eq!(
        scalar(&conn, STILL_OWED),
        0,
        "after {after}, printer retry left slips owed"
    );
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
        let reports = rng.between(10, 40);
        let pause = Duration::from_micros(rng.between(0, 30_000));
        run_once(dir.path(), reports, pause, &mut seen);
        kills += 1;
        let data = dir.path().join("data");
        let after = format!("kill {kills}");
        assert_every_record_complete(&data, &after);
        if kills % 4 == 0 {
            let config = dir.path().join("kiosk.toml");
            let args = [
                "--config".as_ref(),
                config.as_os_str(),
                "--data-dir".as_ref(),
                data.as_os_str(),
            ];
            assert_restart_owes_nothing(&args, &data, &after);
        }
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
    assert!(total >= (seen.visits.len() + seen.passes.len()) as i64);
    for (kind, table) in [
        ("permit", "permits"),
        ("deny", "deny_list"),
        ("ticket", "tickets"),
        ("staff", "staff"),
        ("shift", "handovers"),
    ] {
        let reported = seen.count(kind);
        assert!(reported > 0, "the loop never reported a {kind}");
        let kept = scalar(&conn, &format!("SELECT count(*) FROM {table}"));
        assert!(kept >= reported as i64, "{reported} {kind} reported, {kept} kept");
    }
    for (kind, id) in &seen.others {
        let sql = match kind.as_str() {
            "permit" => "SELECT count(*) FROM permits WHERE id = ?1",
            "deny" => "SELECT count(*) FROM deny_list WHERE reason = 'record-loop ' || ?1",
            "ticket" => "SELECT count(*) FROM tickets WHERE id = ?1 AND status = 'dispatched'",
            "staff" => "SELECT count(*) FROM staff WHERE name = ?1",
            _ => "SELECT count(*) FROM handovers WHERE id = ?1 AND acked_at IS NOT NULL",
        };
        let found: i64 = conn.query_row(sql, [id], |r| r.get(0)).unwrap();
        assert_eq!(found, 1, "{kind} {id} was reported as saved but is not there");
    }
    eprintln!(
        "crash test: {kills} kills, {} visits, {} passes and {} other records reported, {total} visits and passes recorded, {:.1} s",
        seen.visits.len(),
        seen.passes.len(),
        seen.others.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Runs a staff command of the real binary over `data` with the acting account's PIN on
/// standard input, and kills it (SIGKILL) after `pause`, or lets it finish if it is
/// quicker. Whether it finished by itself.
/// Runs a command and kills it after `pause`: how long it took when it finished first,
/// `None` when it was killed.
fn run_killed(data: &Path, args: &[&str], pin: &str, pause: Duration) -> Option<Duration> {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("LOBBY_KIOSK_CLOCK", CLI_CLOCK)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    // A child killed before it reads its PIN closes the pipe: that is fine here.
    let _ = child.stdin.take().expect("piped stdin").write_all(pin.as_bytes());
    let start = Instant::now();
    let deadline = start + pause;
    loop {
        if child.try_wait().expect("wait").is_some() {
            return Some(start.elapsed());
        }
        if Instant::now() >= deadline {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
            return None;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// Monday 10:00 in Shanghai, inside renovation hours, for the staff commands.
const CLI_CLOCK: &str = "2026-11-30T10:00:00+08:00";
/// Kills per command: each lands at a different moment of the command's work.
const KILLS_PER_COMMAND: u64 = 4;

/// The records the staff commands act on, made in-process as the kiosk's screens would:
/// the desk's two accounts, a permit (its slip printed), guests waiting for the desk and
/// residents' requests. The permit's code.
fn set_up_desk(data: &Path) -> (String, Vec<String>, Vec<String>) {
    use lobby_kiosk::app::App;
    use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
    use lobby_kiosk::domain::request::RequestType;
    use lobby_kiosk::domain::visitor::VisitorType;
    use lobby_kiosk::journeys::permit::{parse_worker, PermitForm};
    use lobby_kiosk::journeys::staff::{add_staff, Role};
    use lobby_kiosk::journeys::visitor::{register, Registered, WalkIn};
    use lobby_kiosk::journeys::{desk, resident};

    let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
    let app = App::open(loaded, Some(data)).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(CLI_CLOCK).unwrap().to_utc();
    app.set_now(Some(now));
    add_staff(&app, "bootstrap", "李明", Role::Supervisor, "258036", now)
        .unwrap()
        .unwrap();
    add_staff(&app, "李明", "王芳", Role::Desk, "402718", now)
        .unwrap()
        .unwrap();
    let workers = (0..KILLS_PER_COMMAND + 2)
        .map(|k| parse_worker(&app, &format!("张三明:1370000{k:04}")).unwrap())
        .collect();
    let form = PermitForm {
        unit: "2-1-302".into(),
        owner_surname: "赵".into(),
        contractor: "安居装饰".into(),
        lead_phone: "13700003333".into(),
        start: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        end: chrono::NaiveDate::from_ymd_opt(2026, 12, 30).unwrap(),
        deposit_paid: true,
        workers,
    };
    let (permit, _) = desk::create_permit(&app, "李明", form, now).unwrap().unwrap();
    let mut waiting = Vec::new();
    let mut tickets = Vec::new();
    for k in 0..KILLS_PER_COMMAND {
        let walk_in = WalkIn {
            unit: "1-1-101".into(),
            surname: "王".into(),
            phone: format!("1390000{k:04}"),
            visitor_type: VisitorType::Guest,
            party_size: 1,
            company: String::new(),
        };
        let Registered::Waiting(visit) = register(&app, &walk_in, now).unwrap() else {
            panic!("a guest waits for the host")
        };
        waiting.push(visit.visit_no);
        let who = resident::Identified {
            unit: "1-1-101".into(),
            phone: "13811112222".into(),
        };
        let request = resident::Request {
            request_type: RequestType::Repair,
            choice: "plumbing".into(),
            note: String::new(),
            preferred_time: String::new(),
            callback_phone: "13811112222".into(),
        };
        tickets.push(
            resident::submit(&app, &who, &request, now)
                .unwrap()
                .unwrap()
                .ticket
                .ticket_no,
        );
    }
    (permit.code, waiting, tickets)
}

#[test]
fn every_staff_command_that_writes_keeps_records_whole_when_killed() {
    let started = Instant::now();
    let dir = scratch_dir();
    let data = dir.path().join("data");
    let (code, waiting, tickets) = set_up_desk(&data);
    let mut rng = Rng(0x5EED_1234_ABCD_0002);
    let (mut kills, mut finished) = (0, 0);
    let mut took: std::collections::HashMap<String, Duration> = std::collections::HashMap::new();
    let supervisor = "258036\n";
    let desk = "402718\n";
    for k in 0..KILLS_PER_COMMAND {
        let n = format!("{k:04}");
        let worker = format!("张三明:1360000{n}");
        let deny_phone = format!("1350000{n}");
        let deny_reason = format!("滋扰{n}");
        let invite_phone = format!("1380000{n}");
        let worker_phone = format!("1370000{n}");
        let staff_name = format!("值班{}", ["甲", "乙", "丙", "丁", "戊", "己"][k as usize % 6]);
        let newest_handover = {
            let conn = Connection::open(data.join("kiosk.sqlite3")).unwrap();
            conn.query_row(
                "SELECT max(id) FROM handovers WHERE acked_at IS NULL AND closed_by = '王芳'",
                [],
                |r| r.get::<_, Option<i64>>(0),
            )
            .unwrap()
        };
        let handover = newest_handover.map(|id| id.to_string());
        let pass_no = {
            let conn = Connection::open(data.join("kiosk.sqlite3")).unwrap();
            conn.query_row("SELECT max(pass_no) FROM passes WHERE revoked_at IS NULL", [], |r| {
                r.get::<_, Option<String>>(0)
            })
            .unwrap()
        };
        let mut commands: Vec<(Vec<&str>, &str)> = vec![
            (
                vec![
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
                    &worker,
                    "--by",
                    "王芳",
                ],
                desk,
            ),
            (
                vec!["deny", "add", &deny_phone, "--reason", &deny_reason, "--by", "李明"],
                supervisor,
            ),
            (
                vec![
                    "invite",
                    "create",
                    "--unit",
                    "1-1-101",
                    "--surname",
                    "李",
                    "--phone",
                    &invite_phone,
                    "--by",
                    "王芳",
                ],
                desk,
            ),
            (vec!["visit", "approve", &waiting[k as usize], "--by", "王芳"], desk),
            (
                vec![
                    "request",
                    "update",
                    &tickets[k as usize],
                    "--status",
                    "dispatched",
                    "--by",
                    "王芳",
                ],
                desk,
            ),
            (
                vec!["pass", "issue", "--permit", &code, "--worker-phone", &worker_phone],
                "",
            ),
            (
                vec!["staff", "add", &staff_name, "--pin", "402719", "--by", "李明"],
                supervisor,
            ),
            (vec!["shift", "close", "--by", "王芳", "--notes", "交班"], desk),
        ];
        if let Some(id) = &handover {
            commands.push((vec!["shift", "ack", id, "--by", "李明"], supervisor));
        }
        if let Some(pass_no) = &pass_no {
            commands.push((vec!["pass", "revoke", pass_no, "--by", "王芳"], desk));
        }
        if k == KILLS_PER_COMMAND - 1 {
            commands.push((vec!["permit", "suspend", &code, "--by", "王芳"], desk));
        }
        for (args, pin) in commands {
            // Most of a command's time is the start and the PIN check: the kills land
            // from before the first write to after the last. Once a command has been
            // seen to finish, the kill lands within the time it took, so a quick machine
            // kills as often as a slow one.
            let name = args[..2].join(" ");
            let pause = match took.get(&name) {
                Some(full) => full.mul_f64(rng.between(10, 95) as f64 / 100.0),
                None => Duration::from_micros(rng.between(20_000, 400_000)),
            };
            match run_killed(&data, &args, pin, pause) {
                Some(elapsed) => {
                    finished += 1;
                    took.insert(name, elapsed);
                }
                None => kills += 1,
            }
            let after = format!("{} killed after {pause:?}", args[..2].join(" "));
            assert_every_record_complete(&data, &after);
            assert_restart_owes_nothing(&["--data-dir".as_ref(), data.as_os_str()], &data, &after);
        }
    }
    assert!(
        kills >= 10,
        "only {kills} commands were killed part-way ({finished} finished)"
    );
    let conn = Connection::open(data.join("kiosk.sqlite3")).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    eprintln!(
        "staff commands killed: {kills} part-way, {finished} finished, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
