//! CSV export of visits, passes and tickets for a range of local dates, for the
//! property office's own records. Phones leave masked, worker names masked, times in
//! the compound's time zone; ID numbers and hashes never leave at all.

use std::io::Write;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::JourneyError;
use crate::app::App;
use crate::domain::mask::{mask_name, mask_phone};

/// The longest range one export covers.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Visits,
    Passes,
    Tickets,
}

impl ExportKind {
    pub fn parse(text: &str) -> Option<ExportKind> {
        match text {
            "visits" => Some(ExportKind::Visits),
            "passes" => Some(ExportKind::Passes),
            "tickets" => Some(ExportKind::Tickets),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the range must end on or after its start and cover at most {MAX_DAYS} days")]
    Range,
    #[error(transparent)]
    Journey(#[from] JourneyError),
    #[error("writing the CSV failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing the CSV failed: {0}")]
    Io(#[from] std::io::Error),
}

impl From<crate::store::StoreError> for ExportError {
    fn from(e: crate::store::StoreError) -> Self {
        ExportError::Journey(e.into())
    }
}

/// Writes the rows of `kind` whose records began on the local dates `from..=to`, with
/// a header row; returns how many rows were written.
pub fn export(
    app: &App,
    kind: ExportKind,
    from: NaiveDate,
    to: NaiveDate,
    out: impl Write,
) -> Result<usize, ExportError> {
    if to < from || (to - from).num_days() >= MAX_DAYS {
        return Err(ExportError::Range);
    }
    let tz = app.config.tz();
    let start = |d: NaiveDate| -> DateTime<Utc> {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map_or_else(
                || Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()),
                |t| t.with_timezone(&Utc),
            )
    };
    let (begin, end) = (start(from), start(to + Duration::days(1)));
    let local = |t: DateTime<Utc>| crate::domain::day::local_minute(t, tz);
    let opt = |t: Option<DateTime<Utc>>| t.map(local).unwrap_or_default();
    let mut w = csv::Writer::from_writer(out);
    let mut n = 0;
    match kind {
        ExportKind::Visits => {
            w.write_record([
                "visit_no",
                "registered",
                "unit",
                "surname",
                "phone",
                "visitor_type",
                "party",
                "company",
                "status",
                "deny_list_hold",
                "decided_by",
                "signed_out",
                "sign_out_kind",
            ])?;
            for v in app.with_store(|s| s.visits_between(begin, end))? {
                w.write_record([
                    v.visit_no,
                    local(v.created_at),
                    v.unit_no,
                    v.surname,
                    mask_phone(&v.phone),
                    v.visitor_type.as_str().to_string(),
                    v.party_size.to_string(),
                    v.company,
                    v.status.as_str().to_string(),
                    if v.hold_reason.is_some() { "yes" } else { "no" }.to_string(),
                    v.decided_by.unwrap_or_default(),
                    opt(v.signed_out_at),
                    v.sign_out_kind.unwrap_or_default(),
                ])?;
                n += 1;
            }
        }
        ExportKind::Passes => {
            w.write_record([
                "pass_no",
                "day",
                "permit",
                "unit",
                "contractor",
                "worker",
                "phone",
                "valid_from",
                "valid_until",
                "revoked",
                "left",
                "printed",
            ])?;
            for p in app.with_store(|s| s.passes_for_export(begin, end))? {
                w.write_record([
                    p.pass_no,
                    p.day,
                    p.permit_code,
                    p.unit_no,
                    p.contractor,
                    mask_name(&p.worker_name),
                    mask_phone(&p.worker_phone),
                    local(p.valid_from),
                    local(p.valid_until),
                    opt(p.revoked_at),
                    opt(p.left_at),
                    if p.printed { "yes" } else { "no" }.to_string(),
                ])?;
                n += 1;
            }
        }
        ExportKind::Tickets => {
            w.write_record([
                "ticket_no",
                "received",
                "unit",
                "type",
                "choice",
                "urgent",
                "status",
                "due",
                "responded",
                "closed",
                "callback_phone",
            ])?;
            for t in app.with_store(|s| s.tickets_between(begin, end))? {
                w.write_record([
                    t.ticket_no,
                    local(t.received_at),
                    t.unit_no,
                    t.request_type.as_str().to_string(),
                    t.choice,
                    if t.urgent { "yes" } else { "no" }.to_string(),
                    t.status.as_str().to_string(),
                    local(t.due_at),
                    opt(t.responded_at),
                    opt(t.closed_at),
                    mask_phone(&t.callback_phone),
                ])?;
                n += 1;
            }
        }
    }
    w.flush()?;
    Ok(n)
}
