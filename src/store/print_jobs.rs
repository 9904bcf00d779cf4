//! The print-job register: every slip sent to a printer, with a hash of its bytes and
//! what became of it. A visit or pass counts as printed only once its job is `done`.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::permits::PASS_STANDS;
use super::staff::insert_audit;
use super::{parse_ts, ts, Store, StoreError};
pub use crate::domain::print_job::JobState;
use crate::domain::print_job::SlipKind;
use crate::domain::record_kind::RecordKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintJobRecord {
    pub id: i64,
    pub slip_kind: SlipKind,
    pub record_kind: RecordKind,
    pub record_id: i64,
    pub bytes_hash: String,
    pub state: JobState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub error: Option<String>,
    /// How many times the bytes went to a printer.
    pub attempts: u32,
    /// The job this one reprints, for a staff reprint.
    pub reprint_of: Option<i64>,
}

/// What a retry may pick up: a job still owed to someone, whose record still stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedJob {
    pub record: PrintJobRecord,
    pub bytes: Vec<u8>,
}

/// Per-state counts for the staff screen and `printer queue`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueSummary {
    pub queued: u32,
    pub sent: u32,
    pub failed: u32,
    pub done: u32,
}

const JOB_COLUMNS: &str =
    "id, slip_kind, record_kind, record_id, bytes_hash, state, created_at, updated_at, error, attempts, reprint_of";

/// [`JOB_COLUMNS`] of the table aliased `j`.
static J_JOB_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    JOB_COLUMNS
        .split(", ")
        .map(|c| format!("j.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
});

fn job_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PrintJobRecord> {
    let c: String = r.get(6)?;
    let u: String = r.get(7)?;
    Ok(PrintJobRecord {
        id: r.get(0)?,
        slip_kind: super::code(r, 1, "slip kind", SlipKind::parse)?,
        // A kind this kiosk does not know reads as a test slip: never retried, no label.
        record_kind: RecordKind::parse(&r.get::<_, String>(2)?).unwrap_or(RecordKind::Test),
        record_id: r.get(3)?,
        bytes_hash: r.get(4)?,
        state: super::code(r, 5, "print job state", JobState::parse)?,
        created_at: parse_ts(&c).unwrap_or_default(),
        updated_at: parse_ts(&u).unwrap_or_default(),
        error: r.get(8)?,
        attempts: r.get(9)?,
        reprint_of: r.get(10)?,
    })
}

/// A job with its bytes: [`JOB_COLUMNS`] then `bytes`.
fn queued_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueuedJob> {
    Ok(QueuedJob {
        record: job_row(r)?,
        bytes: r.get::<_, Option<Vec<u8>>>(11)?.unwrap_or_default(),
    })
}

/// A job left `sent` longer than this was being sent by a process that stopped mid-job
/// (killed, crashed, the power cut): nobody will record how it ended, so it is owed
/// again and may be claimed by whoever retries next (the restarted kiosk's spooler,
/// `printer retry`). Longer than any send takes: each step of a job (connect, status,
/// write, status, then the same on a fallback printer) is bounded by
/// `printer.timeout_ms`, at most 10 s. The slip may have come out before the stop, so
/// it may print twice, once; the kiosk prefers that to a slip never handed over.
pub const SENT_ABANDONED_AFTER_MINUTES: i64 = 5;

/// Whether the job aliased `j` may be claimed (see [`Store::claim_print_job`]): `?2` is
/// the moment before which a `sent` job counts as abandoned.
const CLAIMABLE: &str = "(j.state IN ('queued', 'failed') OR (j.state = 'sent' AND j.updated_at < ?2))";

fn abandoned_before(now: DateTime<Utc>) -> String {
    ts(now - chrono::Duration::minutes(SENT_ABANDONED_AFTER_MINUTES))
}

/// Jobs a retry may send: owed to someone and claimable now (queued, failed, or
/// abandoned mid-send: never one another process is sending), for a record that still
/// stands (a pass that no longer vouches for anyone, by the same rule as a staff reprint,
/// or a signed-out visit is not printed later), and not already made good by a later job
/// for the same record. Rosters are never retried: an evacuation roster printed late
/// would be out of date.
static RETRYABLE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "
    {CLAIMABLE} AND j.bytes IS NOT NULL AND j.created_at >= ?1
    AND j.record_kind IN ('visit', 'pass', 'ticket', 'permit')
    AND NOT (j.record_kind = 'pass' AND NOT EXISTS
        (SELECT 1 FROM passes p JOIN permits m ON m.id = p.permit_id
         WHERE p.id = j.record_id AND {PASS_STANDS}))
    AND NOT (j.record_kind = 'visit' AND EXISTS
        (SELECT 1 FROM visits v WHERE v.id = j.record_id AND v.signed_out_at IS NOT NULL))
    AND NOT EXISTS (SELECT 1 FROM print_jobs k WHERE k.record_kind = j.record_kind
        AND k.record_id = j.record_id AND k.id > j.id AND k.state = 'done')"
    )
});

static NEXT_RETRYABLE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {}, j.bytes FROM print_jobs j WHERE {} ORDER BY j.id LIMIT 1",
        *J_JOB_COLUMNS, *RETRYABLE
    )
});

static COUNT_RETRYABLE: LazyLock<String> =
    LazyLock::new(|| format!("SELECT count(*) FROM print_jobs j WHERE {}", *RETRYABLE));

fn insert_job(
    conn: &rusqlite::Connection,
    slip_kind: SlipKind,
    record: (RecordKind, i64),
    bytes: &[u8],
    bytes_hash: &str,
    reprint_of: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO print_jobs(slip_kind, record_kind, record_id, bytes_hash, state, created_at, updated_at,
                                bytes, reprint_of)
         VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5, ?6, ?7)",
        (
            slip_kind.as_str(),
            record.0.as_str(),
            record.1,
            bytes_hash,
            ts(now),
            bytes,
            reprint_of,
        ),
    )?;
    Ok(conn.last_insert_rowid())
}

impl Store {
    /// Registers a job with its exact bytes, `queued`, before anything is sent.
    pub fn add_print_job(
        &self,
        slip_kind: SlipKind,
        record: (RecordKind, i64),
        bytes: &[u8],
        bytes_hash: &str,
        reprint_of: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        insert_job(self.conn(), slip_kind, record, bytes, bytes_hash, reprint_of, now)
    }

    /// Registers a staff reprint of `original` (the same bytes, `queued`, remembering the
    /// job it reprints) together with its audit row, in one transaction: no reprint
    /// without its audit row, no audit row for a reprint never registered.
    pub fn add_reprint_job(&mut self, original: &QueuedJob, by: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let o = &original.record;
        let tx = super::begin(&mut self.conn, false)?;
        let id = insert_job(
            &tx,
            o.slip_kind,
            (o.record_kind, o.record_id),
            &original.bytes,
            &o.bytes_hash,
            Some(o.id),
            now,
        )?;
        insert_audit(
            &tx,
            by,
            "reprint",
            &format!("{}:{}", o.record_kind, o.record_id),
            &format!("job {} → {id}", o.id),
            now,
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Claims a job for sending: marks it `sent` (on its way to the printer) only if it
    /// is claimable (queued, failed, or abandoned mid-send, see
    /// [`SENT_ABANDONED_AFTER_MINUTES`]). False when it is not: another process claimed
    /// it first (and sends it), or it is done. If the kiosk stops once the job is
    /// claimed, the slip may or may not have come out, so the job stays owed.
    ///
    /// `sender` names the claiming process (see `spool::owner`), so that a later start
    /// can tell a job whose sender was killed mid-send ([`Store::release_abandoned_sends`]).
    pub fn claim_print_job(&self, id: i64, sender: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            &format!(
                "UPDATE print_jobs AS j SET state = 'sent', attempts = attempts + 1, updated_at = ?3, sender = ?4
                 WHERE j.id = ?1 AND {CLAIMABLE}"
            ),
            (id, abandoned_before(now), ts(now), sender),
        )?;
        Ok(changed > 0)
    }

    /// Jobs left `sent`, with the process that claimed them (`None` for a job claimed
    /// before senders were recorded).
    pub fn sent_print_jobs(&self) -> Result<Vec<(i64, Option<String>)>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, sender FROM print_jobs WHERE state = 'sent' ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Makes jobs whose sender stopped mid-send owed again: `failed` with why, so a
    /// retry (the kiosk's spooler, `printer retry`) sends them and the desk's list shows
    /// them. Only jobs still `sent` by that same sender are touched (a job another
    /// process claimed since is left alone). How many were released.
    pub fn release_abandoned_sends(
        &self,
        jobs: &[(i64, Option<String>)],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut released = 0;
        for (id, sender) in jobs {
            released += self.conn().execute(
                "UPDATE print_jobs SET state = 'failed', updated_at = ?3,
                     error = 'interrupted: the kiosk stopped while sending this slip'
                 WHERE id = ?1 AND state = 'sent' AND sender IS ?2",
                (id, sender, ts(now)),
            )?;
        }
        Ok(released)
    }

    /// Records how a sent job ended, in one transaction with the record it printed: a
    /// visit, pass or ticket counts as printed only together with its finished job.
    pub fn finish_print_job(&mut self, id: i64, error: Option<&str>, now: DateTime<Utc>) -> Result<(), StoreError> {
        let tx = super::begin(&mut self.conn, false)?;
        let state = if error.is_some() {
            JobState::Failed
        } else {
            JobState::Done
        };
        tx.execute(
            "UPDATE print_jobs SET state = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
            (id, state.as_str(), error, ts(now)),
        )?;
        if let Some(error) = error {
            tx.execute(
                "INSERT INTO print_faults(job_id, at, error) VALUES (?1, ?2, ?3)",
                (id, ts(now), error),
            )?;
        }
        if error.is_none() {
            let (kind, record_id): (Option<RecordKind>, i64) = tx.query_row(
                "SELECT record_kind, record_id FROM print_jobs WHERE id = ?1",
                [id],
                |r| Ok((RecordKind::parse(&r.get::<_, String>(0)?), r.get(1)?)),
            )?;
            let table = match kind {
                Some(RecordKind::Visit) => Some("visits"),
                Some(RecordKind::Pass) => Some("passes"),
                Some(RecordKind::Ticket) => Some("tickets"),
                _ => None,
            };
            if let Some(table) = table {
                tx.execute(
                    &format!("UPDATE {table} SET printed_at = coalesce(printed_at, ?2) WHERE id = ?1"),
                    (record_id, ts(now)),
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn print_job(&self, id: i64) -> Result<Option<QueuedJob>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {JOB_COLUMNS}, bytes FROM print_jobs WHERE id = ?1"))?;
        let mut rows = stmt.query_map([id], queued_row)?;
        Ok(rows.next().transpose()?)
    }

    /// The oldest job a retry should send now (see [`RETRYABLE`]), if any: created since
    /// `since`.
    pub fn next_retryable_job(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<QueuedJob>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&NEXT_RETRYABLE)?;
        let mut rows = stmt.query_map([ts(since), abandoned_before(now)], queued_row)?;
        Ok(rows.next().transpose()?)
    }

    /// How many jobs a retry would still send.
    pub fn retryable_job_count(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> Result<u32, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(&COUNT_RETRYABLE)?
            .query_row([ts(since), abandoned_before(now)], |r| r.get(0))?)
    }

    /// The newest job for a record (the one a staff reprint copies).
    pub fn last_print_job_for(&self, record_kind: RecordKind, record_id: i64) -> Result<Option<i64>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT max(id) FROM print_jobs WHERE record_kind = ?1 AND record_id = ?2")?;
        Ok(stmt.query_row((record_kind.as_str(), record_id), |r| r.get(0))?)
    }

    pub fn print_jobs(&self, limit: u32) -> Result<Vec<PrintJobRecord>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM print_jobs ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit], job_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Jobs that did not go through and have not been made good since, newest first.
    pub fn failed_print_jobs(&self, limit: u32) -> Result<Vec<PrintJobRecord>, StoreError> {
        self.unsettled_print_jobs(None, limit)
    }

    /// [`Store::failed_print_jobs`] last touched at or after `since` (a shift's printer
    /// faults), newest first.
    pub fn failed_print_jobs_since(&self, since: DateTime<Utc>) -> Result<Vec<PrintJobRecord>, StoreError> {
        self.unsettled_print_jobs(Some(since), u32::MAX)
    }

    /// The one query behind both: owed jobs that no later `done` job for the same record
    /// has made good (a staff reprint, a later slip for it).
    fn unsettled_print_jobs(
        &self,
        since: Option<DateTime<Utc>>,
        limit: u32,
    ) -> Result<Vec<PrintJobRecord>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {cols} FROM print_jobs j WHERE j.state IN ('failed', 'sent', 'queued')
             AND (?1 IS NULL OR j.updated_at >= ?1)
             AND NOT EXISTS (SELECT 1 FROM print_jobs k WHERE k.record_kind = j.record_kind
                 AND k.record_id = j.record_id AND k.id > j.id AND k.state = 'done')
             ORDER BY j.id DESC LIMIT ?2",
            cols = *J_JOB_COLUMNS
        ))?;
        let rows = stmt
            .query_map((since.map(ts), limit), job_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn print_queue_summary(&self) -> Result<QueueSummary, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT state, count(*) FROM print_jobs GROUP BY state")?;
        let mut summary = QueueSummary::default();
        let rows = stmt.query_map([], |r| {
            Ok((super::code(r, 0, "print job state", JobState::parse)?, r.get(1)?))
        })?;
        for row in rows {
            let (state, n) = row?;
            match state {
                JobState::Queued => summary.queued = n,
                JobState::Sent => summary.sent = n,
                JobState::Failed => summary.failed = n,
                JobState::Done => summary.done = n,
            }
        }
        Ok(summary)
    }

    /// How the desk recognises a job's record: its number and unit, never a phone.
    pub fn print_record_label(&self, record_kind: RecordKind, record_id: i64) -> Result<Option<String>, StoreError> {
        let sql = match record_kind {
            RecordKind::Visit => "SELECT visit_no || ' ' || unit_no FROM visits WHERE id = ?1",
            RecordKind::Pass => {
                "SELECT p.pass_no || ' ' || m.unit_no FROM passes p JOIN permits m ON m.id = p.permit_id WHERE p.id = ?1"
            }
            RecordKind::Ticket => "SELECT ticket_no || ' ' || unit_no FROM tickets WHERE id = ?1",
            RecordKind::Permit => "SELECT code || ' ' || unit_no FROM permits WHERE id = ?1",
            RecordKind::Roster | RecordKind::Report | RecordKind::Test => return Ok(None),
        };
        let mut stmt = self.conn().prepare(sql)?;
        let mut rows = stmt.query_map([record_id], |r| r.get::<_, String>(0))?;
        Ok(rows.next().transpose()?)
    }

    /// A job's state alone (what a waiting screen polls), `None` if there is no such job.
    pub fn print_job_state(&self, id: i64) -> Result<Option<JobState>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT state FROM print_jobs WHERE id = ?1")?;
        let mut rows = stmt.query_map([id], |r| super::code(r, 0, "print job state", JobState::parse))?;
        Ok(rows.next().transpose()?)
    }

    /// The state of the newest job for a record: what a screen waiting for that record's
    /// slip looks at.
    pub fn slip_state(&self, record_kind: RecordKind, record_id: i64) -> Result<Option<JobState>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT state FROM print_jobs WHERE record_kind = ?1 AND record_id = ?2 ORDER BY id DESC LIMIT 1",
        )?;
        let mut rows = stmt.query_map((record_kind.as_str(), record_id), |r| {
            super::code(r, 0, "print job state", JobState::parse)
        })?;
        Ok(rows.next().transpose()?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn at(min: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T02:00:00Z").unwrap().to_utc() + Duration::minutes(min)
    }

    fn job(store: &Store, kind: &str, record: i64, min: i64) -> i64 {
        store
            .add_print_job(
                SlipKind::Visitor,
                (RecordKind::parse(kind).unwrap(), record),
                b"\x1b@slip",
                "hash",
                None,
                at(min),
            )
            .unwrap()
    }

    #[test]
    fn a_retry_sends_owed_slips_oldest_first_and_skips_rosters_old_jobs_and_made_good_records() {
        let mut store = Store::open_in_memory().unwrap();
        let old = job(&store, "ticket", 1, -120);
        let roster = job(&store, "roster", 0, 1);
        let owed = job(&store, "ticket", 2, 2);
        let superseded = job(&store, "ticket", 3, 3);
        let later = job(&store, "ticket", 3, 4);
        for id in [old, roster, owed, superseded] {
            assert!(store.claim_print_job(id, "test", at(5)).unwrap());
            store.finish_print_job(id, Some("paper out"), at(5)).unwrap();
        }
        assert!(store.claim_print_job(later, "test", at(5)).unwrap());
        store.finish_print_job(later, None, at(5)).unwrap();

        let since = at(-60);
        assert_eq!(store.retryable_job_count(since, at(6)).unwrap(), 1);
        let next = store.next_retryable_job(since, at(6)).unwrap().unwrap();
        assert_eq!(next.record.id, owed);
        assert_eq!(next.bytes, b"\x1b@slip");
        assert_eq!(next.record.attempts, 1);
        assert!(store.claim_print_job(owed, "test", at(6)).unwrap());
        store.finish_print_job(owed, None, at(6)).unwrap();
        assert_eq!(store.next_retryable_job(since, at(6)).unwrap(), None);
        assert_eq!(store.print_job_state(owed).unwrap(), Some(JobState::Done));
        assert_eq!(store.print_job(owed).unwrap().unwrap().record.attempts, 2);
        let summary = store.print_queue_summary().unwrap();
        assert_eq!((summary.failed, summary.done), (3, 2));
        // The staff list shows what is still owed: the old job and the roster, not the
        // ticket that printed later.
        let failed: Vec<i64> = store.failed_print_jobs(10).unwrap().iter().map(|j| j.id).collect();
        assert_eq!(failed, vec![roster, old]);
    }

    #[test]
    fn a_job_is_claimed_once_and_a_send_abandoned_by_a_stopped_process_is_owed_again() {
        let store = Store::open_in_memory().unwrap();
        let id = job(&store, "visit", 1, 0);
        let since = at(-60);
        assert!(
            store.claim_print_job(id, "test", at(1)).unwrap(),
            "the first process claims it"
        );
        assert!(
            !store.claim_print_job(id, "test", at(1)).unwrap(),
            "a second process finds it claimed and sends nothing"
        );
        assert_eq!(store.print_job(id).unwrap().unwrap().record.attempts, 1);
        assert_eq!(
            store.retryable_job_count(since, at(2)).unwrap(),
            0,
            "a retry leaves a job that is being sent alone"
        );
        assert_eq!(store.next_retryable_job(since, at(2)).unwrap(), None);
        assert!(!store.claim_print_job(id, "test", at(2)).unwrap());

        // The sender was killed mid-job: once the send is surely over, the job is owed.
        let later = at(1 + SENT_ABANDONED_AFTER_MINUTES + 1);
        assert_eq!(store.retryable_job_count(since, later).unwrap(), 1);
        assert_eq!(store.next_retryable_job(since, later).unwrap().unwrap().record.id, id);
        assert!(store.claim_print_job(id, "test", later).unwrap());
        assert!(!store.claim_print_job(id, "test", later).unwrap());
        let mut store = store;
        store.finish_print_job(id, None, later).unwrap();
        let much_later = at(60);
        assert!(
            !store.claim_print_job(id, "test", much_later).unwrap(),
            "a done job is never sent again"
        );
        assert_eq!(store.retryable_job_count(since, much_later).unwrap(), 0);
        assert_eq!(store.print_job(id).unwrap().unwrap().record.attempts, 2);
    }

    #[test]
    fn a_reprint_is_registered_with_its_audit_row_or_not_at_all() {
        let mut store = Store::open_in_memory().unwrap();
        let first = job(&store, "pass", 7, 0);
        let original = store.print_job(first).unwrap().unwrap();
        let again = store.add_reprint_job(&original, "王芳", at(1)).unwrap();
        let reprint = store.print_job(again).unwrap().unwrap();
        assert_eq!(
            (reprint.bytes, reprint.record.reprint_of),
            (original.bytes.clone(), Some(first))
        );
        let audit = store.audit_since(at(0)).unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(
            (
                audit[0].staff.as_str(),
                audit[0].action.as_str(),
                audit[0].record.as_str()
            ),
            ("王芳", "reprint", "pass:7")
        );

        // The audit refuses the row (as a full disk would): no reprint is left unaudited.
        store
            .conn()
            .execute_batch(
                "CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON main.audit
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END",
            )
            .unwrap();
        assert!(store.add_reprint_job(&original, "王芳", at(2)).is_err());
        assert_eq!(store.last_print_job_for(RecordKind::Pass, 7).unwrap(), Some(again));
    }

    #[test]
    fn a_stored_slip_kind_or_state_this_kiosk_does_not_know_is_an_error_not_a_guess() {
        let store = Store::open_in_memory().unwrap();
        let id = job(&store, "visit", 1, 0);
        let read = store.print_job(id).unwrap().unwrap().record;
        assert_eq!((read.slip_kind, read.state), (SlipKind::Visitor, JobState::Queued));

        store
            .conn()
            .execute("UPDATE print_jobs SET slip_kind = 'fax' WHERE id = ?1", [id])
            .unwrap();
        let err = store.print_job(id).unwrap_err();
        assert!(err.to_string().contains("unknown slip kind \"fax\""), "{err}");
        assert!(store.print_jobs(10).is_err());

        // A state outside the schema's CHECK (a damaged or hand-edited file).
        store
            .conn()
            .execute_batch("PRAGMA ignore_check_constraints = ON")
            .unwrap();
        store
            .conn()
            .execute(
                "UPDATE print_jobs SET slip_kind = 'visitor', state = 'lost' WHERE id = ?1",
                [id],
            )
            .unwrap();
        assert!(store.print_job(id).is_err());
        assert!(store.print_job_state(id).is_err());
        assert!(store.slip_state(RecordKind::Visit, 1).is_err());
        assert!(store.print_queue_summary().is_err());
    }
}
