//! The fleet's side of the database: the queue of changes to push, global ids, and
//! applying the changes other kiosks made.
//!
//! **Up.** While a `[fleet]` table is configured, [`Store::fleet_setup`] keeps triggers on
//! every shared table ([`QUEUED`]): each insert or update writes the row, as JSON, to
//! `fleet_queue` in the same transaction, so no code path (kiosk, command line,
//! housekeeping) can forget one. A row gets its global id
//! (`<kiosk>.<incarnation>.<table>.<local id>`) the first time it is queued, kept in
//! `fleet_gids`; the incarnation is bumped by every restore from a backup, so a restored
//! kiosk's new rows never reuse a global id. A change to a record another kiosk made (an
//! invite used here, a pass revoked here) is an event of this kiosk (`tbl = 'edits'`)
//! naming that record; the other kiosks apply it by the rules of [`merge_rule`]. With no
//! `[fleet]` table there are no triggers: a tap costs what it cost before.
//!
//! **Down.** [`Store::fleet_apply`] applies pulled changes with the triggers held off
//! (`fleet.applying` in `kiosk_meta` for the length of the transaction).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use super::{ts, Store, StoreError};

/// Every table whose rows go up, with the columns that refer to another queued table's
/// row (sent as `@column` = that row's global id).
pub const QUEUED: &[(&str, &[(&str, &str)])] = &[
    ("residents", &[]),
    ("invites", &[]),
    ("visits", &[("invite_id", "invites")]),
    ("deny_list", &[]),
    ("outbox", &[]),
    ("permits", &[]),
    ("permit_workers", &[("permit_id", "permits")]),
    ("passes", &[("permit_id", "permits"), ("worker_id", "permit_workers")]),
    ("tickets", &[]),
    ("ticket_history", &[("ticket_id", "tickets")]),
    ("satisfaction", &[]),
    ("staff", &[]),
    ("audit", &[]),
    ("handovers", &[]),
    ("handover_items", &[("handover_id", "handovers")]),
    ("print_faults", &[]),
];

/// The tables a kiosk takes down from the others (plus `edits` and `kiosk_keys`).
pub const TAKEN_DOWN: &[&str] = &[
    "residents",
    "invites",
    "deny_list",
    "permits",
    "permit_workers",
    "passes",
    "staff",
    "tickets",
    "ticket_history",
];

/// Days a change the central database acknowledged stays in `fleet_queue` before the
/// daily purge deletes it (sooner when a record retention is shorter).
pub const SENT_KEEP_DAYS: u32 = 7;

/// The queued tables whose rows the purge deletes when their retention is over (and
/// nothing else ever deletes): an unsent change of a row of these that is gone goes with
/// it ([`drop_unsent_of_purged`]).
pub const PURGED: &[&str] = &[
    "visits",
    "invites",
    "outbox",
    "permits",
    "permit_workers",
    "passes",
    "tickets",
    "ticket_history",
    "satisfaction",
    "audit",
    "handovers",
    "handover_items",
    "print_faults",
];

/// Versions: the incarnation in the high bits, the queue id below, so a restored kiosk's
/// changes outrank what it sent before the restore.
pub const VERSION_SHIFT: u32 = 40;

/// One queued change, ready to push.
#[derive(Debug, Clone)]
pub struct QueuedChange {
    pub id: i64,
    pub tbl: String,
    pub gid: String,
    pub version: i64,
    /// The row as a JSON object, as the trigger wrote it (with `@target` for an edit of
    /// another kiosk's record): sent as it is, never parsed and written again.
    pub body: String,
    /// The kiosk's time of the change (see `kiosk_time_sql`), when the row has one.
    pub at: Option<DateTime<Utc>>,
}

/// `body` (a JSON object) with `"@target": target` added first.
fn with_target(body: String, target: Option<String>) -> String {
    let Some(target) = target else { return body };
    let key = serde_json::to_string(&target).unwrap_or_else(|_| "null".into());
    match body.trim().strip_prefix('{') {
        Some(rest) if rest.trim_start().starts_with('}') => format!("{{\"@target\":{key}}}"),
        Some(rest) => format!("{{\"@target\":{key},{rest}"),
        None => body,
    }
}

/// One change pulled from the central database.
#[derive(Debug, Clone)]
pub struct PulledChange {
    pub seq: i64,
    pub kiosk_id: String,
    pub gid: String,
    pub tbl: String,
    pub version: i64,
    pub body: Value,
}

/// What `sync status` shows of the local side.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QueueStatus {
    /// Changes not yet accepted by the central database.
    pub queued: i64,
    /// Changes the central database has accepted.
    pub sent: i64,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    /// The last change of the other kiosks taken down (the server's sequence).
    pub last_seq: i64,
    pub incarnation: i64,
    /// What the desk must look at (an invite used at two gates while apart).
    pub flags: Vec<Flag>,
    /// Pulled changes waiting for a record they refer to.
    pub parked: i64,
    /// Changes deleted unsent by the purge, with their records, because the records'
    /// retention was over before they reached the central database (all purges).
    pub purged_unsent: i64,
    /// When the last purge did so.
    pub purged_unsent_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flag {
    pub at: String,
    pub kind: String,
    pub gid: String,
    pub detail: String,
}

/// What one apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub inserted: usize,
    pub updated: usize,
    pub skipped: usize,
    pub parked: usize,
    pub flagged: usize,
}

pub(crate) const META_KIOSK: &str = "fleet.kiosk_id";
pub const META_INC: &str = "fleet.incarnation";
pub(crate) const META_PREFIX: &str = "fleet.gid_prefix";
const META_APPLYING: &str = "fleet.applying";
const META_TRIGGERS: &str = "fleet.triggers";
pub const META_RECORD_PREFIX: &str = "fleet.record_prefix";
pub const META_LAST_SEQ: &str = "fleet.last_seq";
pub const META_LAST_SUCCESS: &str = "fleet.last_success";
pub const META_LAST_ERROR: &str = "fleet.last_error";
pub const META_PURGED_UNSENT: &str = "fleet.purged_unsent";
pub const META_PURGED_UNSENT_AT: &str = "fleet.purged_unsent_at";

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let cols = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(cols)
}

pub(crate) fn meta_in(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM kiosk_meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn set_meta_in(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO kiosk_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )?;
    Ok(())
}

/// The triggers of one table.
fn trigger_sql(conn: &Connection, table: &str, refs: &[(&str, &str)]) -> Result<String, StoreError> {
    let mut fields = Vec::new();
    for col in columns(conn, table)? {
        fields.push(format!("'{col}', NEW.{col}"));
    }
    for (col, target) in refs {
        fields.push(format!(
            "'@{col}', (SELECT gid FROM fleet_gids WHERE tbl = '{target}' AND local_id = NEW.{col})"
        ));
    }
    let body = format!("json_object({})", fields.join(", "));
    let at = kiosk_time_sql(&columns(conn, table)?);
    let not_applying = format!("NOT EXISTS (SELECT 1 FROM kiosk_meta WHERE key = '{META_APPLYING}')");
    let prefix = format!("(SELECT value FROM kiosk_meta WHERE key = '{META_PREFIX}')");
    let kiosk = format!("(SELECT value FROM kiosk_meta WHERE key = '{META_KIOSK}')");
    let inc = format!("(SELECT CAST(value AS INTEGER) FROM kiosk_meta WHERE key = '{META_INC}')");
    let stamp = format!(
        "INSERT OR IGNORE INTO fleet_gids(tbl, local_id, gid) VALUES ('{table}', NEW.id, {prefix} || '.{table}.' || NEW.id);"
    );
    let own = format!("substr(g.gid, 1, length({kiosk}) + 1) = {kiosk} || '.'");
    Ok(format!(
        "CREATE TRIGGER fleetq_{table}_ins AFTER INSERT ON {table} WHEN {not_applying}
         BEGIN
             {stamp}
             INSERT INTO fleet_queue(tbl, gid, target, inc, body, at)
                 SELECT '{table}', g.gid, NULL, {inc}, {body}, {at}
                 FROM fleet_gids g WHERE g.tbl = '{table}' AND g.local_id = NEW.id;
         END;
         CREATE TRIGGER fleetq_{table}_upd AFTER UPDATE ON {table} WHEN {not_applying}
         BEGIN
             {stamp}
             INSERT INTO fleet_queue(tbl, gid, target, inc, body, at)
                 SELECT CASE WHEN {own} THEN '{table}' ELSE 'edits' END,
                        CASE WHEN {own} THEN g.gid
                             ELSE {prefix} || '.edits.' || (SELECT coalesce(max(id), 0) + 1 FROM fleet_queue) END,
                        CASE WHEN {own} THEN NULL ELSE g.gid END,
                        {inc}, {body}, {at}
                 FROM fleet_gids g WHERE g.tbl = '{table}' AND g.local_id = NEW.id;
         END;"
    ))
}

/// The kiosk's time of a change to a row: the latest of its event stamps (`at`,
/// `*_at`), each written by the kiosk's clock when the event happened; NULL for a row
/// with none (the push's time is sent then). Times still to come (a ticket's due time,
/// a notice's next attempt) are not events.
fn kiosk_time_sql(cols: &[String]) -> String {
    let stamps: Vec<String> = cols
        .iter()
        .filter(|c| (c.as_str() == "at" || c.ends_with("_at")) && !matches!(c.as_str(), "due_at" | "next_attempt_at"))
        .map(|c| format!("coalesce(NEW.{c}, '')"))
        .collect();
    match stamps.len() {
        0 => "NULL".into(),
        1 => format!("nullif({}, '')", stamps[0]),
        _ => format!("nullif(max({}), '')", stamps.join(", ")),
    }
}

fn drop_triggers(conn: &Connection) -> Result<(), StoreError> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'fleetq\\_%' ESCAPE '\\'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for name in names {
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))?;
    }
    Ok(())
}

/// Reads a JSON value into an SQLite value.
fn sql_value(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// How a column of a record two kiosks both hold is merged when a change arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRule {
    /// Once set, set: the first value stays (revocations, an invite's use, a departure).
    Once,
    /// A permit revoked anywhere stays revoked.
    RevokedWins,
    /// A ticket's status: the newest entry of its merged history (see
    /// [`ticket_status_from_history`]), whatever order the changes arrive in.
    FromHistory,
    /// The incoming value (everything else).
    Take,
}

/// The rule for `table.column`.
pub fn merge_rule(table: &str, column: &str) -> MergeRule {
    match (table, column) {
        (_, "revoked_at" | "used_at" | "left_at") | ("tickets", "responded_at") => MergeRule::Once,
        ("permits", "status") => MergeRule::RevokedWins,
        ("tickets", "status") => MergeRule::FromHistory,
        _ => MergeRule::Take,
    }
}

impl Store {
    /// Turns the queue on (with this kiosk's id and record prefix) or off (`None`: no
    /// triggers at all, the kiosk stands alone). Cheap when nothing changed: the triggers
    /// are rebuilt only when the kiosk id or the schema changed.
    pub fn fleet_setup(&mut self, kiosk: Option<(&str, &str)>) -> Result<(), StoreError> {
        // Nothing to change (every start of a standalone kiosk): no write at all.
        let triggers = meta_in(self.conn(), META_TRIGGERS)?;
        let done = match kiosk {
            None => triggers.is_none(),
            Some((kiosk_id, record_prefix)) => {
                let version = super::migrations::current(self.conn())?;
                triggers.as_deref() == Some(format!("{kiosk_id}/{version}").as_str())
                    && meta_in(self.conn(), META_RECORD_PREFIX)?.as_deref() == Some(record_prefix)
                    && meta_in(self.conn(), META_PREFIX)?.is_some()
            }
        };
        if done {
            return Ok(());
        }
        let tx = super::begin(self.conn_mut(), true)?;
        match kiosk {
            None => {
                if meta_in(&tx, META_TRIGGERS)?.is_some() {
                    drop_triggers(&tx)?;
                    tx.execute("DELETE FROM kiosk_meta WHERE key = ?1", [META_TRIGGERS])?;
                    tx.execute("DELETE FROM kiosk_meta WHERE key = ?1", [META_RECORD_PREFIX])?;
                }
            }
            Some((kiosk_id, record_prefix)) => {
                let inc: i64 = meta_in(&tx, META_INC)?.and_then(|v| v.parse().ok()).unwrap_or(1);
                let want = [
                    (META_INC, inc.to_string()),
                    (META_KIOSK, kiosk_id.to_string()),
                    (META_PREFIX, format!("{kiosk_id}.{inc}")),
                    (META_RECORD_PREFIX, record_prefix.to_string()),
                ];
                for (key, value) in &want {
                    if meta_in(&tx, key)?.as_deref() != Some(value.as_str()) {
                        set_meta_in(&tx, key, value)?;
                    }
                }
                let version: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                let signature = format!("{kiosk_id}/{version}");
                if meta_in(&tx, META_TRIGGERS)?.as_deref() != Some(signature.as_str()) {
                    drop_triggers(&tx)?;
                    for (table, refs) in QUEUED {
                        let sql = trigger_sql(&tx, table, refs)?;
                        tx.execute_batch(&sql)?;
                    }
                    set_meta_in(&tx, META_TRIGGERS, &signature)?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// This kiosk's incarnation (1 until the first restore from a backup).
    pub fn fleet_incarnation(&self) -> Result<i64, StoreError> {
        Ok(meta_in(self.conn(), META_INC)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(1))
    }

    /// Moves to a new incarnation, at least `at_least`: after a restore from a backup,
    /// so that rows made from now on get global ids the server has never seen.
    pub fn fleet_bump_incarnation(&mut self, at_least: i64) -> Result<i64, StoreError> {
        let tx = super::begin(self.conn_mut(), true)?;
        let next = bump_in(&tx, at_least)?;
        tx.commit()?;
        Ok(next)
    }

    /// The oldest `limit` changes not yet accepted by the central database.
    pub fn fleet_pending(&self, limit: usize) -> Result<Vec<QueuedChange>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, tbl, gid, target, inc, body, at FROM fleet_queue WHERE sent_at IS NULL ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                let id: i64 = r.get(0)?;
                let target: Option<String> = r.get(3)?;
                let inc: i64 = r.get(4)?;
                let at: Option<String> = r.get(6)?;
                Ok(QueuedChange {
                    id,
                    tbl: r.get(1)?,
                    gid: r.get(2)?,
                    version: (inc << VERSION_SHIFT) | id,
                    body: with_target(r.get(5)?, target),
                    at: at.as_deref().and_then(super::parse_ts),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Marks changes as accepted (after the central database committed them).
    pub fn fleet_mark_sent(&mut self, ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
        // One statement for the batch (the ids as a JSON array), in one transaction.
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let tx = super::begin(self.conn_mut(), true)?;
        tx.prepare_cached(
            "UPDATE fleet_queue SET sent_at = ?2
              WHERE id IN (SELECT value FROM json_each(?1)) AND sent_at IS NULL",
        )?
        .execute(params![list, ts(now)])?;
        tx.commit()?;
        Ok(())
    }

    /// Changes not yet accepted by the central database (from the queue's index of
    /// unsent rows).
    pub fn fleet_queued(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT count(*) FROM fleet_queue WHERE sent_at IS NULL")?
            .query_row([], |r| r.get(0))?)
    }

    /// The pull cursor: the last change of the other kiosks taken down.
    pub fn fleet_last_seq(&self) -> Result<i64, StoreError> {
        Ok(meta_in(self.conn(), META_LAST_SEQ)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// The local side of `sync status`.
    pub fn fleet_status(&self) -> Result<QueueStatus, StoreError> {
        let conn = self.conn();
        let queued: i64 = conn.query_row("SELECT count(*) FROM fleet_queue WHERE sent_at IS NULL", [], |r| {
            r.get(0)
        })?;
        let sent: i64 = conn.query_row("SELECT count(*) FROM fleet_queue WHERE sent_at IS NOT NULL", [], |r| {
            r.get(0)
        })?;
        let parked: i64 = conn.query_row("SELECT count(*) FROM fleet_parked", [], |r| r.get(0))?;
        let flags = conn
            .prepare("SELECT at, kind, gid, detail FROM fleet_flags ORDER BY id")?
            .query_map([], |r| {
                Ok(Flag {
                    at: r.get(0)?,
                    kind: r.get(1)?,
                    gid: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(QueueStatus {
            queued,
            sent,
            last_success: meta_in(conn, META_LAST_SUCCESS)?,
            last_error: meta_in(conn, META_LAST_ERROR)?,
            last_seq: meta_in(conn, META_LAST_SEQ)?.and_then(|v| v.parse().ok()).unwrap_or(0),
            incarnation: self.fleet_incarnation()?,
            flags,
            parked,
            purged_unsent: meta_in(conn, META_PURGED_UNSENT)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            purged_unsent_at: meta_in(conn, META_PURGED_UNSENT_AT)?,
        })
    }

    /// The other kiosks' public keys: (kiosk id, key id, hex).
    pub fn fleet_keys(&self) -> Result<Vec<(String, u8, String)>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT kiosk_id, key_id, public_hex FROM fleet_keys ORDER BY kiosk_id, key_id")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The local id of the pass another kiosk (`kiosk_id`) issued as its pass `origin_id`,
    /// once pulled here (the newest incarnation's, should a restored kiosk reuse an id).
    pub fn fleet_local_pass(&self, kiosk_id: &str, origin_id: i64) -> Result<Option<i64>, StoreError> {
        let tail = format!(".passes.{origin_id}");
        let mut stmt = self.conn().prepare_cached(
            "SELECT local_id, gid FROM fleet_gids WHERE tbl = 'passes' AND substr(gid, 1, length(?1) + 1) = ?1 || '.'",
        )?;
        let mut best: Option<(i64, i64)> = None;
        let rows = stmt.query_map([kiosk_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (local, gid) = row?;
            if let Some(rest) = gid.strip_suffix(&tail) {
                let inc: i64 = rest.rsplit('.').next().and_then(|v| v.parse().ok()).unwrap_or(0);
                if best.is_none_or(|(b, _)| inc > b) {
                    best = Some((inc, local));
                }
            }
        }
        Ok(best.map(|(_, local)| local))
    }

    /// Applies changes pulled from the central database (other kiosks' rows), in their
    /// order, then moves the pull cursor to `last_seq`, all in one transaction.
    pub fn fleet_apply(
        &mut self,
        changes: &[PulledChange],
        last_seq: i64,
        now: DateTime<Utc>,
    ) -> Result<Applied, StoreError> {
        let tx = super::begin(self.conn_mut(), true)?;
        set_meta_in(&tx, META_APPLYING, "1")?;
        let mut applied = Applied::default();
        let mut cols_cache: HashMap<String, Vec<String>> = HashMap::new();
        for change in changes {
            if !apply_one(&tx, change, now, &mut cols_cache, &mut applied)? {
                tx.execute(
                    "INSERT OR REPLACE INTO fleet_parked(seq, kiosk_id, gid, tbl, version, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        change.seq,
                        change.kiosk_id,
                        change.gid,
                        change.tbl,
                        change.version,
                        change.body.to_string()
                    ],
                )?;
            }
        }
        // Parked changes whose record has arrived since.
        let parked: Vec<PulledChange> = tx
            .prepare("SELECT seq, kiosk_id, gid, tbl, version, body FROM fleet_parked ORDER BY seq")?
            .query_map([], |r| {
                let body: String = r.get(5)?;
                Ok(PulledChange {
                    seq: r.get(0)?,
                    kiosk_id: r.get(1)?,
                    gid: r.get(2)?,
                    tbl: r.get(3)?,
                    version: r.get(4)?,
                    body: serde_json::from_str(&body).unwrap_or(Value::Null),
                })
            })?
            .collect::<Result<_, _>>()?;
        for change in parked {
            if apply_one(&tx, &change, now, &mut cols_cache, &mut applied)? {
                tx.execute("DELETE FROM fleet_parked WHERE seq = ?1", [change.seq])?;
            }
        }
        applied.parked = tx.query_row("SELECT count(*) FROM fleet_parked", [], |r| r.get::<_, i64>(0))? as usize;
        set_meta_in(&tx, META_LAST_SEQ, &last_seq.max(0).to_string())?;
        tx.execute("DELETE FROM kiosk_meta WHERE key = ?1", [META_APPLYING])?;
        tx.commit()?;
        Ok(applied)
    }

    /// Records the end of a sync round: success (clears the error) or why it failed.
    pub fn fleet_record_round(&self, now: DateTime<Utc>, error: Option<&str>) -> Result<(), StoreError> {
        match error {
            None => {
                set_meta_in(self.conn(), META_LAST_SUCCESS, &ts(now))?;
                self.conn()
                    .execute("DELETE FROM kiosk_meta WHERE key = ?1", [META_LAST_ERROR])?;
            }
            Some(e) => set_meta_in(self.conn(), META_LAST_ERROR, e)?,
        }
        Ok(())
    }
}

/// Inside the purge's transaction, after its deletes: deletes the changes not yet sent
/// whose record (or, for an edit of another kiosk's record, that record) the purge has
/// deleted, and returns how many. Such a change copies a record whose retention is over;
/// sending it later would put on the central database what the notices promised to keep
/// no longer, so it is never sent. Sent changes are left to the purge's own rule.
pub(crate) fn drop_unsent_of_purged(tx: &Connection) -> Result<usize, StoreError> {
    let mut dropped = 0;
    for table in PURGED {
        dropped += tx.execute(
            &format!(
                "DELETE FROM fleet_queue WHERE sent_at IS NULL AND EXISTS (
                     SELECT 1 FROM fleet_gids g
                      WHERE g.gid = coalesce(fleet_queue.target, fleet_queue.gid) AND g.tbl = ?1
                        AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = g.local_id))"
            ),
            [table],
        )?;
    }
    Ok(dropped)
}

/// Forgets, in the purge's transaction, the global ids of the rows it deleted. SQLite
/// gives a new row `max(id) + 1`, so a row the purge deleted from the top of its table
/// hands its id on to the next record; with the old mapping kept, or under the same
/// prefix, that record would take the deleted one's global id and overwrite its central
/// copy (or pose as another kiosk's record). When an id can come round again the
/// incarnation moves on, so new records number under a prefix never used before.
/// Returns whether it did.
pub(crate) fn forget_purged(tx: &Connection) -> Result<bool, StoreError> {
    let mut reusable = false;
    for table in PURGED {
        let top: i64 = tx.query_row(&format!("SELECT coalesce(max(id), 0) FROM {table}"), [], |r| r.get(0))?;
        let gone = format!(
            "FROM fleet_gids WHERE tbl = ?1 AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = fleet_gids.local_id)"
        );
        let above: i64 = tx.query_row(
            &format!("SELECT count(*) {gone} AND local_id > ?2"),
            params![table, top],
            |r| r.get(0),
        )?;
        reusable |= above > 0;
        tx.execute(&format!("DELETE {gone}"), [table])?;
    }
    if reusable && meta_in(tx, META_PREFIX)?.is_some() {
        bump_in(tx, 0)?;
    }
    Ok(reusable)
}

/// Remembers, in the purge's transaction, that it deleted `count` unsent changes.
pub(crate) fn note_unsent_purged(tx: &Connection, count: usize, now: DateTime<Utc>) -> Result<(), StoreError> {
    let before: i64 = meta_in(tx, META_PURGED_UNSENT)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    set_meta_in(tx, META_PURGED_UNSENT, &(before + count as i64).to_string())?;
    set_meta_in(tx, META_PURGED_UNSENT_AT, &ts(now))?;
    Ok(())
}

/// Bumps the incarnation inside the caller's transaction (also used by `restore_from`).
pub(crate) fn bump_in(conn: &Connection, at_least: i64) -> Result<i64, StoreError> {
    let inc: i64 = meta_in(conn, META_INC)?.and_then(|v| v.parse().ok()).unwrap_or(1);
    let next = (inc + 1).max(at_least);
    set_meta_in(conn, META_INC, &next.to_string())?;
    if let Some(kiosk) = meta_in(conn, META_KIOSK)? {
        set_meta_in(conn, META_PREFIX, &format!("{kiosk}.{next}"))?;
    }
    Ok(next)
}

fn flag(tx: &Connection, now: DateTime<Utc>, kind: &str, gid: &str, detail: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO fleet_flags(at, kind, gid, detail) VALUES (?1, ?2, ?3, ?4)",
        params![ts(now), kind, gid, detail],
    )?;
    Ok(())
}

fn local_id(tx: &Connection, gid: &str) -> Result<Option<(String, i64)>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT tbl, local_id FROM fleet_gids WHERE gid = ?1")?
        .query_row([gid], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Applies one change; `false` when a record it refers to has not arrived yet (parked).
fn apply_one(
    tx: &Connection,
    change: &PulledChange,
    now: DateTime<Utc>,
    cols_cache: &mut HashMap<String, Vec<String>>,
    applied: &mut Applied,
) -> Result<bool, StoreError> {
    let Value::Object(body) = &change.body else {
        applied.skipped += 1;
        return Ok(true);
    };
    if change.tbl == "kiosk_keys" {
        let key_id = body.get("key_id").and_then(Value::as_i64).unwrap_or(-1);
        let hex = body.get("public_hex").and_then(Value::as_str).unwrap_or("");
        if (0..=255).contains(&key_id) && hex.len() == 64 {
            tx.execute(
                "INSERT INTO fleet_keys(kiosk_id, key_id, public_hex) VALUES (?1, ?2, ?3)
                 ON CONFLICT(kiosk_id, key_id) DO UPDATE SET public_hex = excluded.public_hex",
                params![change.kiosk_id, key_id, hex],
            )?;
            applied.inserted += 1;
        } else {
            applied.skipped += 1;
        }
        return Ok(true);
    }
    let (table, existing) = if change.tbl == "edits" {
        let Some(target) = body.get("@target").and_then(Value::as_str) else {
            applied.skipped += 1;
            return Ok(true);
        };
        match local_id(tx, target)? {
            Some((table, id)) => (table, Some(id)),
            None => {
                // A record not held here: on its way (parked) or not taken down (skipped).
                let table = target.split('.').nth(2).unwrap_or("");
                if TAKEN_DOWN.contains(&table) {
                    return Ok(false);
                }
                applied.skipped += 1;
                return Ok(true);
            }
        }
    } else {
        if !TAKEN_DOWN.contains(&change.tbl.as_str()) {
            applied.skipped += 1;
            return Ok(true);
        }
        if change.tbl == "residents" && !newer_directory(tx, change, body)? {
            applied.skipped += 1;
            return Ok(true);
        }
        (change.tbl.clone(), local_id(tx, &change.gid)?.map(|(_, id)| id))
    };
    let cols = match cols_cache.get(&table) {
        Some(c) => c.clone(),
        None => {
            let c = columns(tx, &table)?;
            cols_cache.insert(table.clone(), c.clone());
            c
        }
    };
    let refs: &[(&str, &str)] = QUEUED.iter().find(|(t, _)| *t == table).map(|(_, r)| *r).unwrap_or(&[]);
    // The row's values in local terms: ids of the rows it refers to, through their gids.
    let mut values: Vec<(String, SqlValue)> = Vec::new();
    for col in cols.iter().filter(|c| c.as_str() != "id") {
        let Some(v) = body.get(col) else { continue };
        if refs.iter().any(|(c, _)| c == col) {
            match body.get(&format!("@{col}")).and_then(Value::as_str) {
                Some(ref_gid) => match local_id(tx, ref_gid)? {
                    Some((_, id)) => values.push((col.clone(), SqlValue::Integer(id))),
                    None => return Ok(false),
                },
                // No global id: a row from before the fleet, not known here.
                None => values.push((col.clone(), SqlValue::Null)),
            }
            continue;
        }
        values.push((col.clone(), sql_value(v)));
    }
    match existing {
        None => match insert_row(tx, &table, &values)? {
            Some(id) => {
                tx.prepare_cached("INSERT OR REPLACE INTO fleet_gids(tbl, local_id, gid) VALUES (?1, ?2, ?3)")?
                    .execute(params![table, id, change.gid])?;
                if table == "ticket_history" {
                    let ticket: i64 = tx
                        .prepare_cached("SELECT ticket_id FROM ticket_history WHERE id = ?1")?
                        .query_row([id], |r| r.get(0))?;
                    ticket_status_from_history(tx, ticket)?;
                }
                applied.inserted += 1;
            }
            None => applied.skipped += 1,
        },
        Some(id) => {
            let gid = body
                .get("@target")
                .and_then(Value::as_str)
                .unwrap_or(&change.gid)
                .to_string();
            merge_row(tx, &table, id, &values, &gid, now, applied)?;
            if table == "tickets" {
                ticket_status_from_history(tx, id)?;
            }
            applied.updated += 1;
        }
    }
    Ok(true)
}

/// Inserts a pulled row; a row the kiosk already holds under a unique key (the same
/// phone on the deny list, the same staff name) is taken as that row.
fn insert_row(tx: &Connection, table: &str, values: &[(String, SqlValue)]) -> Result<Option<i64>, StoreError> {
    let names: Vec<&str> = values.iter().map(|(c, _)| c.as_str()).collect();
    let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {table}({}) VALUES ({}) ON CONFLICT DO NOTHING RETURNING id",
        names.join(", "),
        marks.join(", ")
    );
    let params: Vec<&SqlValue> = values.iter().map(|(_, v)| v).collect();
    // Cached: a pull applies thousands of rows of a few shapes, and preparing an insert
    // compiles the table's triggers each time.
    let id: Option<i64> = tx
        .prepare_cached(&sql)?
        .query_row(rusqlite::params_from_iter(params), |r| r.get(0))
        .optional()?;
    if id.is_some() {
        return Ok(id);
    }
    let key = match table {
        "deny_list" => Some("phone"),
        "staff" => Some("name"),
        "permits" => Some("code"),
        "passes" => Some("pass_no"),
        _ => None,
    };
    if let Some(key) = key {
        if let Some((_, v)) = values.iter().find(|(c, _)| c == key) {
            return Ok(tx
                .query_row(&format!("SELECT id FROM {table} WHERE {key} = ?1"), [v], |r| r.get(0))
                .optional()?);
        }
    }
    Ok(None)
}

/// A resident from kiosk `change.kiosk_id`'s directory import: an import replaces that
/// kiosk's whole directory, so the rows held here from its older imports go (a re-import's
/// deletions reach every kiosk). `false` for a row of an import older than one already
/// held from that kiosk.
fn newer_directory(
    tx: &Connection,
    change: &PulledChange,
    body: &serde_json::Map<String, Value>,
) -> Result<bool, StoreError> {
    let at = body.get("imported_at").and_then(Value::as_str).unwrap_or("");
    let from = "SELECT local_id FROM fleet_gids WHERE tbl = 'residents' AND substr(gid, 1, length(?1) + 1) = ?1 || '.'";
    let newer: bool = tx.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM residents WHERE imported_at > ?2 AND id IN ({from}))"),
        params![change.kiosk_id, at],
        |r| r.get(0),
    )?;
    if newer {
        return Ok(false);
    }
    tx.execute(
        &format!("DELETE FROM residents WHERE imported_at < ?2 AND id IN ({from})"),
        params![change.kiosk_id, at],
    )?;
    tx.execute(
        "DELETE FROM fleet_gids WHERE tbl = 'residents' AND substr(gid, 1, length(?1) + 1) = ?1 || '.'
         AND local_id NOT IN (SELECT id FROM residents)",
        [&change.kiosk_id],
    )?;
    Ok(true)
}

/// Sets a ticket's status to its history's newest entry: the history is append-only and
/// every kiosk ends up holding all of it, so ordering it the same way everywhere (by the
/// entry's time, then its global id) makes every kiosk agree on the status, whichever
/// order the entries arrived in. A ticket with no history keeps its status.
fn ticket_status_from_history(tx: &Connection, ticket: i64) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE tickets SET status = (
             SELECT h.status FROM ticket_history h
             LEFT JOIN fleet_gids g ON g.tbl = 'ticket_history' AND g.local_id = h.id
             WHERE h.ticket_id = ?1 ORDER BY h.at DESC, g.gid DESC LIMIT 1)
         WHERE id = ?1 AND EXISTS (SELECT 1 FROM ticket_history WHERE ticket_id = ?1)",
    )?
    .execute([ticket])?;
    Ok(())
}

/// Merges a change into a row the kiosk holds, column by column ([`merge_rule`]).
fn merge_row(
    tx: &Connection,
    table: &str,
    id: i64,
    values: &[(String, SqlValue)],
    gid: &str,
    now: DateTime<Utc>,
    applied: &mut Applied,
) -> Result<(), StoreError> {
    if values.is_empty() {
        return Ok(());
    }
    // The row as held, in one read.
    let names: Vec<&str> = values.iter().map(|(c, _)| c.as_str()).collect();
    let held: Vec<SqlValue> = tx
        .prepare_cached(&format!("SELECT {} FROM {table} WHERE id = ?1", names.join(", ")))?
        .query_row([id], |r| (0..names.len()).map(|i| r.get(i)).collect())?;
    let mut changed: Vec<(&str, SqlValue)> = Vec::new();
    for ((col, incoming), current) in values.iter().zip(held) {
        let next = match merge_rule(table, col) {
            MergeRule::Once => match (&current, incoming) {
                (SqlValue::Null, v) => v.clone(),
                (cur, SqlValue::Null) => cur.clone(),
                (cur, v) => {
                    if table == "invites" && col == "used_at" && cur != v {
                        flag(
                            tx,
                            now,
                            "invite_used_twice",
                            gid,
                            // The two uses' times, this kiosk's first: the command line writes them out.
                            &format!("{} {}", show(cur), show(v)),
                        )?;
                        applied.flagged += 1;
                    }
                    cur.clone()
                }
            },
            MergeRule::RevokedWins => {
                if current == SqlValue::Text("revoked".into()) {
                    current.clone()
                } else {
                    incoming.clone()
                }
            }
            MergeRule::Take => incoming.clone(),
            MergeRule::FromHistory => current.clone(),
        };
        if next != current {
            changed.push((col.as_str(), next));
        }
    }
    if !changed.is_empty() {
        let sets: Vec<String> = changed
            .iter()
            .enumerate()
            .map(|(i, (col, _))| format!("{col} = ?{}", i + 2))
            .collect();
        let mut params: Vec<SqlValue> = vec![SqlValue::Integer(id)];
        params.extend(changed.into_iter().map(|(_, v)| v));
        tx.prepare_cached(&format!("UPDATE {table} SET {} WHERE id = ?1", sets.join(", ")))?
            .execute(rusqlite::params_from_iter(params))?;
    }
    Ok(())
}

fn show(v: &SqlValue) -> String {
    match v {
        SqlValue::Text(t) => t.clone(),
        SqlValue::Integer(i) => i.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_goes_up_with_its_target_spliced_into_the_body_as_queued() {
        let body = with_target(
            r#"{"id":3,"used_at":"2026-12-03T09:00:00Z"}"#.into(),
            Some("b.1.invites.3".into()),
        );
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["@target"], "b.1.invites.3");
        assert_eq!(v["id"], 3);
        assert_eq!(v["used_at"], "2026-12-03T09:00:00Z");
        assert_eq!(with_target("{}".into(), Some("a\"b".into())), r#"{"@target":"a\"b"}"#);
        assert_eq!(with_target(r#"{"id":1}"#.into(), None), r#"{"id":1}"#);
    }
}
