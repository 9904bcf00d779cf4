//! One sync round: push the queue, then pull what the compound's other kiosks made.
//!
//! Push: batches of [`BATCH`] queued changes, each batch one server transaction of
//! guarded upserts (`fleet.changes`, keyed by the global id, a higher version replaces the
//! body); only after the server commits are the rows marked sent in SQLite. A kill in
//! between resends the batch, and the upsert makes that a no-op. The same gid and
//! version with a different body is not overwritten: it goes to `fleet.conflicts`.
//!
//! Pull: `seq > last` in the server's order (never the kiosks' clocks), skipping this
//! kiosk's own rows; applied and the cursor moved in one SQLite transaction.
//!
//! The round runs on its own SQLite connection (the sync thread, or `lobby-kiosk sync`),
//! never on the UI thread.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::settings::FleetSettings;
use crate::clock::Clock;
use crate::store::fleet::{PulledChange, VERSION_SHIFT};
use crate::store::{Store, StoreError};

/// How often the kiosk's sync thread runs a round while the server answers.
pub const EVERY: Duration = Duration::from_secs(30);

/// Changes per server transaction, up and down. A batch is one statement each way and
/// one SQLite transaction on the kiosk; the compound's other writers wait for a push's
/// commit, a fraction of a second at this size.
pub const BATCH: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Connect(#[from] super::connect::ConnectError),
    /// The server took the connection but refused the work (rights, schema).
    #[error("the central database refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    fn server(err: postgres::Error, settings: &FleetSettings) -> SyncError {
        let text = match err.as_db_error() {
            Some(db) => db.message().to_string(),
            None => err.to_string(),
        };
        let password = settings.password().ok().flatten();
        SyncError::Refused(super::connect::scrub(&text, &settings.url, password.as_deref()))
    }
}

/// What a round did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Round {
    pub pushed: usize,
    pub pulled: usize,
    pub conflicts: usize,
    pub flagged: usize,
    pub parked: usize,
    /// Queued changes still waiting after the round.
    pub queued: i64,
}

/// This kiosk's public keys, as the `kiosk_keys` changes other kiosks take down.
pub fn key_changes(settings: &FleetSettings, keys: &crate::keys::Keys) -> Vec<(String, Value)> {
    let mut all = vec![&keys.signing];
    all.extend(keys.older.iter());
    all.iter()
        .map(|k| {
            let hex = data_encoding::HEXLOWER.encode(k.verifying_key().as_bytes());
            (
                format!("{}.key.{}", settings.kiosk_id, k.key_id()),
                serde_json::json!({ "key_id": k.key_id(), "public_hex": hex }),
            )
        })
        .collect()
}

/// One round against an open store. `keys`: this kiosk's public keys (sent every round,
/// a no-op when unchanged).
pub fn round(
    settings: &FleetSettings,
    store: &mut Store,
    keys: &[(String, Value)],
    now: DateTime<Utc>,
) -> Result<Round, SyncError> {
    let result = round_inner(settings, store, keys, now);
    let error = result.as_ref().err().map(|e| e.to_string());
    let _ = store.fleet_record_round(now, error.as_deref());
    result
}

fn round_inner(
    settings: &FleetSettings,
    store: &mut Store,
    keys: &[(String, Value)],
    now: DateTime<Utc>,
) -> Result<Round, SyncError> {
    let mut client = settings.connect()?;
    let server = |e| SyncError::server(e, settings);
    let mut round = Round::default();
    let compound = settings.compound_id.as_str();
    let kiosk = settings.kiosk_id.as_str();
    // A database older than what the server already holds from this kiosk (a copy put
    // back by hand, not through `restore`): move past the incarnations the server knows.
    let inc = store.fleet_incarnation()?;
    let top: Option<i64> = client
        .query_one(
            "SELECT max(version) FROM fleet.changes WHERE compound_id = $1 AND kiosk_id = $2",
            &[&compound, &kiosk],
        )
        .map_err(server)?
        .get(0);
    if let Some(top) = top {
        let server_inc = top >> VERSION_SHIFT;
        if server_inc > inc {
            store.fleet_bump_incarnation(server_inc + 1)?;
        }
    }
    // Keys first, so a pass printed here verifies elsewhere as soon as it arrives.
    {
        let bodies: Vec<String> = keys.iter().map(|(_, body)| body.to_string()).collect();
        let rows: Vec<Upsert<'_>> = keys
            .iter()
            .zip(&bodies)
            .map(|((gid, _), body)| Upsert {
                gid,
                tbl: "kiosk_keys",
                version: 1,
                body,
                at: now,
            })
            .collect();
        let mut tx = client.transaction().map_err(server)?;
        upsert_batch(&mut tx, compound, kiosk, &rows).map_err(server)?;
        tx.commit().map_err(server)?;
    }
    loop {
        let batch = store.fleet_pending(BATCH)?;
        if batch.is_empty() {
            break;
        }
        let rows: Vec<Upsert<'_>> = batch
            .iter()
            .map(|c| Upsert {
                gid: &c.gid,
                tbl: &c.tbl,
                version: c.version,
                body: &c.body,
                at: c.at.unwrap_or(now),
            })
            .collect();
        let mut tx = client.transaction().map_err(server)?;
        round.conflicts += upsert_batch(&mut tx, compound, kiosk, &rows).map_err(server)?;
        tx.commit().map_err(server)?;
        let ids: Vec<i64> = batch.iter().map(|c| c.id).collect();
        store.fleet_mark_sent(&ids, now)?;
        round.pushed += batch.len();
    }
    loop {
        let last = store.fleet_last_seq()?;
        let rows = client
            .query(
                "SELECT seq, kiosk_id, gid, tbl, version, body::text FROM fleet.changes
                 WHERE compound_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&compound, &last, &(BATCH as i64)],
            )
            .map_err(server)?;
        if rows.is_empty() {
            break;
        }
        let mut changes = Vec::with_capacity(rows.len());
        let mut top = last;
        for row in &rows {
            let seq: i64 = row.get(0);
            top = top.max(seq);
            let from: String = row.get(1);
            if from == kiosk {
                continue;
            }
            changes.push(PulledChange {
                seq,
                kiosk_id: from,
                gid: row.get(2),
                tbl: row.get(3),
                version: row.get(4),
                body: serde_json::from_str(row.get::<_, &str>(5)).unwrap_or(Value::Null),
            });
        }
        let applied = store.fleet_apply(&changes, top, now)?;
        round.pulled += changes.len();
        round.flagged += applied.flagged;
        round.parked = applied.parked;
    }
    round.queued = store.fleet_queued()?;
    Ok(round)
}

/// One change to push; `at` the kiosk's time of it.
struct Upsert<'a> {
    gid: &'a str,
    tbl: &'a str,
    version: i64,
    /// A JSON object's text.
    body: &'a str,
    at: DateTime<Utc>,
}

/// The guarded upserts of a batch in one statement (one round trip, however long the
/// batch); returns how many the server refused because it holds the same gid and version
/// with another body (recorded in `fleet.conflicts`). A gid queued twice in the batch (a
/// visit and its sign-out) goes once, at its newest version: the server would end there.
fn upsert_batch(
    tx: &mut postgres::Transaction<'_>,
    compound: &str,
    kiosk: &str,
    rows: &[Upsert<'_>],
) -> Result<usize, postgres::Error> {
    let mut newest: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let keep = newest.get(row.gid).is_none_or(|&j| rows[j].version < row.version);
        if keep {
            newest.insert(row.gid, i);
        }
    }
    let mut chosen: Vec<&Upsert<'_>> = newest.values().map(|&i| &rows[i]).collect();
    chosen.sort_by_key(|r| r.version);
    if chosen.is_empty() {
        return Ok(0);
    }
    let gids: Vec<&str> = chosen.iter().map(|r| r.gid).collect();
    let tbls: Vec<&str> = chosen.iter().map(|r| r.tbl).collect();
    let versions: Vec<i64> = chosen.iter().map(|r| r.version).collect();
    let bodies: Vec<&str> = chosen.iter().map(|r| r.body).collect();
    let times: Vec<String> = chosen.iter().map(|r| crate::store::ts(r.at)).collect();
    let written = tx.query(
        "INSERT INTO fleet.changes (compound_id, kiosk_id, gid, tbl, version, body, kiosk_time)
         SELECT $1, $2, u.gid, u.tbl, u.version, u.body::jsonb, u.at::timestamptz
           FROM unnest($3::text[], $4::text[], $5::int8[], $6::text[], $7::text[])
                WITH ORDINALITY AS u(gid, tbl, version, body, at, n)
          ORDER BY u.n
         ON CONFLICT (compound_id, gid) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body,
             kiosk_time = EXCLUDED.kiosk_time
         WHERE fleet.changes.version < EXCLUDED.version
         RETURNING gid",
        &[&compound, &kiosk, &gids, &tbls, &versions, &bodies, &times],
    )?;
    if written.len() == chosen.len() {
        return Ok(0);
    }
    // Not written: a resend (the server holds this version, same body: nothing to do), a
    // newer version already there, or the same version with another body (a conflict).
    let done: std::collections::HashSet<String> = written.iter().map(|r| r.get::<_, String>(0)).collect();
    let left: Vec<&Upsert<'_>> = chosen.into_iter().filter(|r| !done.contains(r.gid)).collect();
    let left_gids: Vec<&str> = left.iter().map(|r| r.gid).collect();
    let kept: std::collections::HashMap<String, (i64, String)> = tx
        .query(
            "SELECT gid, version, body::text FROM fleet.changes WHERE compound_id = $1 AND gid = ANY($2)",
            &[&compound, &left_gids],
        )?
        .iter()
        .map(|r| (r.get::<_, String>(0), (r.get::<_, i64>(1), r.get::<_, String>(2))))
        .collect();
    let mut conflicts = 0;
    for row in left {
        let Some((version, kept_text)) = kept.get(row.gid) else {
            continue;
        };
        let kept_body: Value = serde_json::from_str(kept_text).unwrap_or(Value::Null);
        let sent_body: Value = serde_json::from_str(row.body).unwrap_or(Value::Null);
        if *version == row.version && kept_body != sent_body {
            tx.execute(
                "INSERT INTO fleet.conflicts (compound_id, kiosk_id, gid, version, body, kept)
                 VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb)",
                &[&compound, &kiosk, &row.gid, &row.version, &row.body, kept_text],
            )?;
            conflicts += 1;
        }
    }
    Ok(conflicts)
}

/// The sync thread: a round now, then every `every`, backing off (up to five minutes)
/// while the server cannot be reached. Stops when `stop` is set.
pub struct SyncThread {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl SyncThread {
    pub fn start(
        settings: FleetSettings,
        db: PathBuf,
        keys: Vec<(String, Value)>,
        clock: Clock,
        every: Duration,
    ) -> std::io::Result<SyncThread> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("fleet-sync".into())
            .spawn(move || run_loop(&settings, &db, &keys, &clock, every, &flag))?;
        Ok(SyncThread {
            stop,
            handle: Some(handle),
        })
    }
}

impl Drop for SyncThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn run_loop(
    settings: &FleetSettings,
    db: &Path,
    keys: &[(String, Value)],
    clock: &Clock,
    every: Duration,
    stop: &AtomicBool,
) {
    let mut wait = every;
    while !stop.load(Ordering::SeqCst) {
        let ok = match Store::open(db) {
            Ok(mut store) => round(settings, &mut store, keys, clock.now()).is_ok(),
            Err(_) => false,
        };
        wait = if ok {
            every
        } else {
            (wait * 2).clamp(every, Duration::from_secs(300))
        };
        let mut slept = Duration::ZERO;
        while slept < wait && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(200));
            slept += Duration::from_millis(200);
        }
    }
}
