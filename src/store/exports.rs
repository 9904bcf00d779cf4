//! Rows for the CSV export of passes over a date range, read in one query (joined to
//! their permit and worker). Visits use `visits_between`, tickets `tickets_between`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};

/// A pass as exported, with its permit and worker; the phone is still whole here and
/// masked by the journey.
#[derive(Debug, Clone, Serialize)]
pub struct PassExport {
    pub pass_no: String,
    pub day: String,
    pub permit_code: String,
    pub unit_no: String,
    pub contractor: String,
    pub worker_name: String,
    pub worker_phone: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub left_at: Option<DateTime<Utc>>,
    pub printed: bool,
}

fn opt(text: Option<String>) -> Option<DateTime<Utc>> {
    text.as_deref().and_then(parse_ts)
}

impl Store {
    /// Passes issued in `[from, to)`, oldest first, with their permit and worker.
    pub fn passes_for_export(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<PassExport>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT p.pass_no, p.day, m.code, m.unit_no, m.contractor, w.name, w.phone,
                    p.valid_from, p.valid_until, p.revoked_at, p.left_at, p.printed_at IS NOT NULL
             FROM passes p JOIN permits m ON m.id = p.permit_id JOIN permit_workers w ON w.id = p.worker_id
             WHERE p.issued_at >= ?1 AND p.issued_at < ?2 ORDER BY p.issued_at, p.id",
        )?;
        let rows = stmt
            .query_map((ts(from), ts(to)), |r| {
                Ok(PassExport {
                    pass_no: r.get(0)?,
                    day: r.get(1)?,
                    permit_code: r.get(2)?,
                    unit_no: r.get(3)?,
                    contractor: r.get(4)?,
                    worker_name: r.get(5)?,
                    worker_phone: r.get(6)?,
                    valid_from: opt(r.get(7)?).unwrap_or_default(),
                    valid_until: opt(r.get(8)?).unwrap_or_default(),
                    revoked_at: opt(r.get(9)?),
                    left_at: opt(r.get(10)?),
                    printed: r.get(11)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
