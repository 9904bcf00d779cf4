//! Simulated kiosks against one real PostgreSQL server: the push of every kiosk's
//! history, the catch-up after a week offline, an idle round, and the central size.
//! Every push and pull goes through the kiosk's own `fleet::sync::round`, as its role.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use lobby_kiosk::fleet::central;
use lobby_kiosk::fleet::settings::FleetSettings;
use lobby_kiosk::fleet::sync::{self, Round};
use lobby_kiosk::store::{HistoryScale, Store};

use crate::pg::PgServer;
use crate::wanted;

#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub kiosks: usize,
    pub days: i64,
    pub per_compound: usize,
    pub parallel: usize,
}

/// The seed's template kiosk, rekeyed into each simulated one.
const TEMPLATE: &str = "tpl";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T07:30:00Z").map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

/// `days` of one kiosk's records at the five-year seed's rate (2,000,000 visits, 100,000
/// passes and 50,000 tickets over 1,826 days).
fn rate(days: i64) -> HistoryScale {
    let five = HistoryScale::FIVE_YEARS;
    let per = |n: u64| ((n as f64) * days as f64 / five.days as f64).round().max(10.0) as u64;
    HistoryScale {
        days,
        visits: per(five.visits),
        passes: per(five.passes),
        tickets: per(five.tickets),
    }
}

/// Seeds `days` ending at `end` into a template kiosk's database, every row queued by
/// the fleet triggers as the kiosk would have queued it; returns the queued changes.
fn seed(path: &Path, days: i64, end: DateTime<Utc>) -> i64 {
    let _ = std::fs::remove_file(path);
    let mut store = Store::open(path).expect("the template database opens");
    store
        .fleet_setup(Some((TEMPLATE, "T")))
        .expect("the fleet triggers are set up");
    let started = Instant::now();
    store.seed_history(rate(days), end, 8).expect("the history seeds");
    let queued = store.fleet_status().expect("the queue reads").queued;
    println!(
        "   seeded {days} days ({queued} queued changes) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    queued
}

/// Kiosk `i`'s database: a copy of `template` under its own global ids (`k<i>.<inc>`),
/// its pull cursor at `cursor`.
fn kiosk_db(work: &Path, template: &Path, i: usize, inc: i64, cursor: i64) -> (PathBuf, Store) {
    let path = work.join(format!("k{i}-{inc}.db"));
    std::fs::copy(template, &path).expect("copy the template");
    let mut store = Store::open(&path).expect("the copy opens");
    store
        .bench_fleet_rekey(&format!("{TEMPLATE}.1"), &format!("k{i}.{inc}"), &format!("k{i}"))
        .expect("the copy is rekeyed");
    if cursor > 0 {
        store.fleet_apply(&[], cursor, now()).expect("the cursor is set");
    }
    (path, store)
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn mib(bytes: i64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

struct Central {
    admin: String,
    kiosks: Vec<FleetSettings>,
}

impl Central {
    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.admin, postgres::NoTls).expect("the admin connects")
    }

    fn one(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).expect("the query runs").get(0)
    }

    fn top_seq(&self, compound: &str) -> i64 {
        self.client()
            .query_one(
                "SELECT coalesce(max(seq), 0) FROM fleet.changes WHERE compound_id = $1",
                &[&compound],
            )
            .expect("the query runs")
            .get(0)
    }
}

fn setup(server: &PgServer, scale: Scale) -> Central {
    let admin = server.create_database("fleet_bench");
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("the admin connects");
    central::migrate::migrate(&mut client).expect("fleet migrate");
    let kiosks = (0..scale.kiosks)
        .map(|i| {
            let compound = format!("c{}", i / scale.per_compound.max(1));
            let added =
                central::kiosks::add_kiosk(&mut client, &admin, &compound, &format!("k{i}")).expect("fleet add-kiosk");
            FleetSettings {
                url: added.url,
                compound_id: added.compound_id,
                kiosk_id: added.kiosk_id,
                record_prefix: added.record_prefix,
                password_file: None,
                password_env: None,
                ssl_root_cert: None,
            }
        })
        .collect();
    Central { admin, kiosks }
}

/// Runs `each` for kiosks `ids` on `parallel` threads; the rounds and the wall time.
fn in_parallel(
    ids: &[usize],
    parallel: usize,
    each: impl Fn(usize) -> (Round, Duration) + Sync,
) -> (Vec<(Round, Duration)>, Duration) {
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..parallel.max(1) {
            s.spawn(|| loop {
                let at = next.fetch_add(1, Ordering::SeqCst);
                let Some(&i) = ids.get(at) else { break };
                let result = each(i);
                if let Ok(mut d) = done.lock() {
                    d.push(result);
                }
            });
        }
    });
    (done.into_inner().unwrap_or_default(), started.elapsed())
}

fn timed_round(settings: &FleetSettings, store: &mut Store, at: DateTime<Utc>) -> (Round, Duration) {
    let started = Instant::now();
    let round = sync::round(settings, store, &[], at).expect("the round succeeds");
    (round, started.elapsed())
}

pub fn run(scale: Scale) {
    println!(
        "\n== fleet: {} kiosks ({} a compound), {} days each at the five-year seed's rate, {} pushing at once",
        scale.kiosks, scale.per_compound, scale.days, scale.parallel
    );
    let work = PathBuf::from("target/fleet-bench");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("target/fleet-bench");
    let server = PgServer::start_with(true);
    let central = setup(&server, scale);
    println!("   {} kiosk roles added", central.kiosks.len());

    let week_ago = now() - chrono::Duration::days(7);
    let history = work.join("history.db");
    let per_kiosk = seed(&history, scale.days, week_ago);

    // Every kiosk pushes its history (and, as a real round does, takes down what its
    // compound's kiosks pushed before it).
    let ids: Vec<usize> = (0..scale.kiosks).collect();
    let (rounds, wall) = in_parallel(&ids, scale.parallel, |i| {
        let (path, mut store) = kiosk_db(&work, &history, i, 1, 0);
        let result = timed_round(&central.kiosks[i], &mut store, week_ago);
        drop(store);
        if i != 0 {
            remove_db(&path);
        }
        result
    });
    let pushed: usize = rounds.iter().map(|(r, _)| r.pushed).sum();
    let pulled: usize = rounds.iter().map(|(r, _)| r.pulled).sum();
    let rate = pushed as f64 / wall.as_secs_f64().max(1e-9);
    if wanted("push") {
        println!("-- push");
        println!(
            "   {pushed} changes pushed ({per_kiosk} a kiosk) and {pulled} taken down in {}: {rate:.0} changes/s",
            secs(wall)
        );
        // The wall time above includes making each kiosk's database (a copy of the seeded
        // one, rekeyed): the rounds alone, `parallel` at a time, push at this rate.
        let busy: f64 = rounds.iter().map(|(_, d)| d.as_secs_f64()).sum();
        let in_rounds = pushed as f64 / (busy / scale.parallel.max(1) as f64).max(1e-9);
        println!(
            "   the rounds alone ({} at a time, without making the kiosks' databases): {in_rounds:.0} changes/s up",
            scale.parallel
        );
        let mut each: Vec<Duration> = rounds.iter().map(|(_, d)| *d).collect();
        each.sort();
        if let (Some(first), Some(last)) = (each.first(), each.last()) {
            println!(
                "   one kiosk's first round: {} to {} (median {})",
                secs(*first),
                secs(*last),
                secs(each[each.len() / 2])
            );
        }
        let changes = central.one("SELECT count(*) FROM fleet.changes");
        let db = central.one("SELECT pg_database_size(current_database())");
        let table = central.one("SELECT pg_total_relation_size('fleet.changes')");
        let per_change = table as f64 / changes.max(1) as f64;
        println!(
            "   central database {} (fleet.changes with its indexes {}, {changes} rows, {per_change:.0} bytes a change)",
            mib(db),
            mib(table)
        );
        let year = per_kiosk as f64 * 365.0 / scale.days.max(1) as f64;
        let full = year * 100.0;
        println!(
            "   at full scale (100 kiosks x 365 days = {full:.0} changes): about {:.1} GiB and {:.1} h of pushing at this rate",
            full * per_change / (1024.0 * 1024.0 * 1024.0),
            full / rate.max(1e-9) / 3600.0
        );
    }

    // Kiosk 0 takes down what the rest of its compound pushed after it: in sync.
    let (k0_path, mut k0) = {
        let path = work.join("k0-1.db");
        (path.clone(), Store::open(&path).expect("kiosk 0 opens"))
    };
    timed_round(&central.kiosks[0], &mut k0, week_ago);

    if wanted("idle") {
        let mut idle: Vec<Duration> = (0..7)
            .map(|_| timed_round(&central.kiosks[0], &mut k0, now()).1)
            .collect();
        idle.sort();
        println!("-- idle");
        println!(
            "   a round with nothing to push or take down, on this central database: median {} (of 7)",
            secs(idle[3])
        );
    }
    drop(k0);
    remove_db(&k0_path);

    if wanted("catchup") {
        println!("-- catchup");
        let week = work.join("week.db");
        seed(&week, 7, now());
        let compound = central.kiosks[0].compound_id.clone();
        let offline_at = central.top_seq(&compound);
        // The compound's other kiosks record and push their week while kiosk 0 is offline.
        let others: Vec<usize> = (1..scale.per_compound.min(scale.kiosks)).collect();
        let (rounds, wall) = in_parallel(&others, scale.parallel, |i| {
            let cursor = central.top_seq(&compound);
            let (path, mut store) = kiosk_db(&work, &week, i, 2, cursor);
            let result = timed_round(&central.kiosks[i], &mut store, now());
            drop(store);
            remove_db(&path);
            result
        });
        let pushed: usize = rounds.iter().map(|(r, _)| r.pushed).sum();
        println!(
            "   the {} other kiosks of {compound} pushed their week ({pushed} changes) in {}",
            others.len(),
            secs(wall)
        );
        // Kiosk 0 comes back with its own week queued and its cursor where it left off.
        let (path, mut store) = kiosk_db(&work, &week, 0, 2, offline_at);
        let (round, took) = timed_round(&central.kiosks[0], &mut store, now());
        println!(
            "   kiosk k0 back after a week offline: {} up, {} down ({} waiting for a record they name) in {} (goal: under 60 s)",
            round.pushed,
            round.pulled,
            round.parked,
            secs(took)
        );
        drop(store);
        remove_db(&path);
    }
    let _ = std::fs::remove_dir_all(&work);
}
