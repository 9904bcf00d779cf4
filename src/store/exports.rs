//! Rows for the CSV export of visits and passes over a date range, read in one query
//! each (passes joined to their permit and worker). Tickets use `tickets_between`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};

/// A visit as exported; the phone is still whole here and masked by the journey.
#[derive(Debug, Clone, Serialize)]
pub struct VisitExport {
    pub visit_no: String,
    pub created_at: DateTime<Utc>,
    pub unit_no: String,
    pub surname: String,
    pub phone: String,
    pub visitor_type: String,
    pub party_size: u32,
    pub company: String,
    pub status: String,
    pub held: bool,
    pub decided_by: Option<String>,
    pub signed_out_at: Option<DateTime<Utc>>,
    pub sign_out_kind: Option<String>,
}

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
    /// Visits registered in `[from, to)`, oldest first.
    pub fn visits_for_export(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<VisitExport>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT visit_no, created_at, unit_no, surname, phone, visitor_type, party_size, company, status,
                    hold_reason IS NOT NULL, decided_by, signed_out_at, sign_out_kind
             FROM visits WHERE created_at >= ?1 AND created_at < ?2 ORDER BY created_at, id",
        )?;
        let rows = stmt
            .query_map((ts(from), ts(to)), |r| {
                Ok(VisitExport {
                    visit_no: r.get(0)?,
                    created_at: opt(r.get(1)?).unwrap_or_default(),
                    unit_no: r.get(2)?,
                    surname: r.get(3)?,
                    phone: r.get(4)?,
                    visitor_type: r.get(5)?,
                    party_size: r.get(6)?,
                    company: r.get(7)?,
                    status: r.get(8)?,
                    held: r.get(9)?,
                    decided_by: r.get(10)?,
                    signed_out_at: opt(r.get(11)?),
                    sign_out_kind: r.get(12)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

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
