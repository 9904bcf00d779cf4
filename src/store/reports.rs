//! Counting for the daily summary.

use chrono::{DateTime, Utc};

use super::{ts, Store, StoreError, Ticket};

impl Store {
    /// (visits registered, visits held by the deny list, passes issued, printing faults
    /// that happened) between two instants. A fault counts when it happened, even if the
    /// slip was reprinted since.
    pub fn day_counts(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(i64, i64, i64, i64), StoreError> {
        let (from, to) = (ts(from), ts(to));
        let one =
            |sql: &str| -> Result<i64, StoreError> { Ok(self.conn().query_row(sql, (&from, &to), |r| r.get(0))?) };
        Ok((
            one("SELECT count(*) FROM visits WHERE created_at >= ?1 AND created_at < ?2")?,
            one("SELECT count(*) FROM visits WHERE created_at >= ?1 AND created_at < ?2 AND hold_reason IS NOT NULL")?,
            one("SELECT count(*) FROM passes WHERE issued_at >= ?1 AND issued_at < ?2")?,
            one("SELECT count(*) FROM print_faults WHERE at >= ?1 AND at < ?2")?,
        ))
    }

    pub fn tickets_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Ticket>, StoreError> {
        let ids: Vec<i64> = {
            let mut stmt = self
                .conn()
                .prepare_cached("SELECT id FROM tickets WHERE received_at >= ?1 AND received_at < ?2 ORDER BY id")?;
            let rows = stmt
                .query_map((ts(from), ts(to)), |r| r.get(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows
        };
        ids.into_iter().filter_map(|id| self.ticket(id).transpose()).collect()
    }
}
