//! The print-job register: every slip sent to a printer, with a hash of its bytes and
//! what became of it. A visit or pass counts as printed only once its job is `done`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Sent,
    Failed,
    Done,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Sent => "sent",
            JobState::Failed => "failed",
            JobState::Done => "done",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PrintJobRecord {
    pub id: i64,
    pub slip_kind: String,
    pub record_kind: String,
    pub record_id: i64,
    pub bytes_hash: String,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub error: Option<String>,
}

impl Store {
    pub fn add_print_job(
        &self,
        slip_kind: &str,
        record_kind: &str,
        record_id: i64,
        bytes_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.conn().execute(
            "INSERT INTO print_jobs(slip_kind, record_kind, record_id, bytes_hash, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5)",
            (slip_kind, record_kind, record_id, bytes_hash, ts(now)),
        )?;
        Ok(self.conn().last_insert_rowid())
    }

    pub fn set_print_job_state(
        &self,
        id: i64,
        state: JobState,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE print_jobs SET state = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
            (id, state.as_str(), error, ts(now)),
        )?;
        Ok(())
    }

    pub fn print_jobs(&self, limit: u32) -> Result<Vec<PrintJobRecord>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, slip_kind, record_kind, record_id, bytes_hash, state, created_at, updated_at, error
             FROM print_jobs ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                let c: String = r.get(6)?;
                let u: String = r.get(7)?;
                Ok(PrintJobRecord {
                    id: r.get(0)?,
                    slip_kind: r.get(1)?,
                    record_kind: r.get(2)?,
                    record_id: r.get(3)?,
                    bytes_hash: r.get(4)?,
                    state: r.get(5)?,
                    created_at: parse_ts(&c).unwrap_or_default(),
                    updated_at: parse_ts(&u).unwrap_or_default(),
                    error: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
