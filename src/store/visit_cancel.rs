//! A waiting visitor steps away (取消登记) before the host or the desk decides.

use chrono::{DateTime, Utc};

use super::{ts, Store, StoreError};

impl Store {
    /// Marks a visit that is still waiting (or held) as cancelled by the visitor and
    /// queues the desk's notice, in one transaction. False if it was already decided.
    pub fn cancel_waiting_visit(
        &mut self,
        id: i64,
        notice: (&str, &str),
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let changed = tx.execute(
            "UPDATE visits SET status = 'cancelled', decided_at = ?2, decided_by = 'visitor'
             WHERE id = ?1 AND status IN ('waiting', 'held')",
            (id, ts(now)),
        )?;
        if changed > 0 {
            tx.execute(
                "INSERT INTO outbox(kind, notice, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
                (notice.0, notice.1, ts(now)),
            )?;
        }
        tx.commit()?;
        Ok(changed > 0)
    }
}
