//! The notification outbox: every message for the desk is written here first, in the
//! same breath as the record it is about, and delivered later by a worker, so a
//! network outage delays a notice but loses none.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};

#[derive(Debug, Clone, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    pub kind: String,
    /// The notice as JSON (see `notify::Notice`).
    pub notice: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct OutboxSummary {
    pub pending: i64,
    pub delivered: i64,
    pub failing: i64,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxItem> {
    let t = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        let s: Option<String> = r.get(i)?;
        Ok(s.as_deref().and_then(parse_ts))
    };
    Ok(OutboxItem {
        id: r.get(0)?,
        kind: r.get(1)?,
        notice: r.get(2)?,
        created_at: t(3)?.unwrap_or_default(),
        attempts: r.get(4)?,
        next_attempt_at: t(5)?.unwrap_or_default(),
        delivered_at: t(6)?,
        last_error: r.get(7)?,
    })
}

const COLUMNS: &str = "id, kind, notice, created_at, attempts, next_attempt_at, delivered_at, last_error";

/// No back-off schedules a retry further ahead than this (`notify::backoff::max_delay`
/// is 11 minutes).
pub(crate) const BACKOFF_HORIZON_MINUTES: i64 = 15;

impl Store {
    pub fn enqueue_notice(&self, kind: &str, notice_json: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        self.conn().execute(
            "INSERT INTO outbox(kind, notice, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
            (kind, notice_json, ts(now)),
        )?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Undelivered notices whose next attempt is due, oldest first. A next attempt
    /// further ahead than any back-off can put it means the clock was set back (an NTP
    /// correction): such a notice is due now rather than hours later.
    pub fn due_notices(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<OutboxItem>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE delivered_at IS NULL
             AND (next_attempt_at <= ?1 OR next_attempt_at > ?3) ORDER BY id LIMIT ?2"
        );
        let horizon = now
            .checked_add_signed(chrono::Duration::minutes(BACKOFF_HORIZON_MINUTES))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt
            .query_map((ts(now), limit, ts(horizon)), row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn notices(&self, limit: u32) -> Result<Vec<OutboxItem>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT ?1");
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([limit], row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Marks a notice delivered; only once (a second delivery of the same id is a no-op).
    pub fn notice_delivered(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1, last_error = NULL
             WHERE id = ?1 AND delivered_at IS NULL",
            (id, ts(now)),
        )?;
        Ok(changed == 1)
    }

    pub fn notice_failed(&self, id: i64, error: &str, next: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
             WHERE id = ?1 AND delivered_at IS NULL",
            (id, error, ts(next)),
        )?;
        Ok(())
    }

    pub fn outbox_summary(&self) -> Result<OutboxSummary, StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FILTER (WHERE delivered_at IS NULL),
                    count(*) FILTER (WHERE delivered_at IS NOT NULL),
                    count(*) FILTER (WHERE delivered_at IS NULL AND attempts > 0)
             FROM outbox",
            [],
            |r| {
                Ok(OutboxSummary {
                    pending: r.get(0)?,
                    delivered: r.get(1)?,
                    failing: r.get(2)?,
                })
            },
        )?)
    }
}
