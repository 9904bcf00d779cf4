//! Failed resident identifications per unit (see `domain::identify_guard`).

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::{parse_ts, ts, Store, StoreError};
use crate::domain::identify_guard::Tally;

impl Store {
    /// The unit's failures so far, if any.
    pub fn identify_tally(&self, unit_no: &str) -> Result<Option<Tally>, StoreError> {
        let row: Option<(u32, String)> = self
            .conn()
            .query_row(
                "SELECT failures, last_failure_at FROM identify_failures WHERE unit_no = ?1",
                [unit_no],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(failures, at)| parse_ts(&at).map(|last_failure| Tally { failures, last_failure })))
    }

    /// Stores the unit's new tally and, when it locks the unit, the desk's notice, in
    /// one transaction.
    pub fn record_identify_failure(
        &mut self,
        unit_no: &str,
        tally: &Tally,
        notice: Option<(&str, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = super::begin(self.conn_mut(), false)?;
        tx.execute(
            "INSERT INTO identify_failures(unit_no, failures, last_failure_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(unit_no) DO UPDATE SET failures = excluded.failures,
                 last_failure_at = excluded.last_failure_at",
            (unit_no, tally.failures, ts(tally.last_failure)),
        )?;
        if let Some((kind, json)) = notice {
            tx.execute(
                "INSERT INTO outbox(kind, notice, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
                (kind, json, ts(now)),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A successful identification forgets the unit's failures.
    pub fn clear_identify_failures(&self, unit_no: &str) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM identify_failures WHERE unit_no = ?1", [unit_no])?;
        Ok(())
    }
}
