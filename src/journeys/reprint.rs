//! Staff reprints: the same bytes as the original job, so a reprinted pass is the same
//! pass (same number, same signed QR), never a second valid one.

use chrono::{DateTime, Utc};

use super::{JourneyError, Printing, RecordKind};
use crate::app::App;

/// Why a reprint was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReprintRefused {
    NoSuchJob,
    /// The job kept no bytes (written before the print queue existed).
    NothingKept,
    /// An evacuation roster must be current: print a new one instead.
    Roster,
    /// The pass was revoked: printing it again would hand out a pass that does not open.
    Revoked,
}

/// Reprints the last slip printed for a worker's pass, by the pass number the desk sees
/// (the same pass: same number, same signed QR).
pub fn reprint_pass(
    app: &App,
    pass_no: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Result<Printing, ReprintRefused>, JourneyError> {
    let Some(pass) = app.store().pass_by_no(pass_no)? else {
        return Ok(Err(ReprintRefused::NoSuchJob));
    };
    let last = app.store().last_print_job_for(RecordKind::Pass, pass.id)?;
    match last {
        Some(job_id) => reprint_job(app, job_id, by, now),
        None => Ok(Err(ReprintRefused::NoSuchJob)),
    }
}

/// Sends job `job_id`'s bytes again as a new job that remembers which one it reprints.
pub fn reprint_job(
    app: &App,
    job_id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Result<Printing, ReprintRefused>, JourneyError> {
    let Some(original) = app.store().print_job(job_id)? else {
        return Ok(Err(ReprintRefused::NoSuchJob));
    };
    let record = &original.record;
    if !record.record_kind.reprintable() {
        return Ok(Err(ReprintRefused::Roster));
    }
    if original.bytes.is_empty() {
        return Ok(Err(ReprintRefused::NothingKept));
    }
    if record.record_kind == RecordKind::Pass && app.store().pass_revoked(record.record_id)? {
        return Ok(Err(ReprintRefused::Revoked));
    }
    let new_id = app.with_store(|s| s.add_reprint_job(&original, by, now))?;
    let job = crate::spool::job::stored(original.record.slip_kind, original.bytes);
    Ok(Ok(app.dispatch_job(new_id, job)?))
}
