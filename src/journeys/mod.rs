//! The journeys: what happens when a person uses the kiosk, decided without any UI.
//!
//! Each journey checks input with `domain` rules, records through `store`, tells the
//! desk through the notification outbox and prints through `printing`. The Slint
//! adapters and the command line both call these functions, so the kiosk, the desk PC
//! and the tests run one code path.

pub mod backup;
#[cfg(feature = "bench-data")]
pub mod bench_seed;
pub mod daily;
pub mod desk;
pub mod export;
pub mod fleet_sync;
pub mod health;
pub mod lookup;
pub mod permit;
pub mod purge;
pub mod reprint;
pub mod resident;
pub mod resident_directory;
pub mod shift;
pub mod staff;
pub mod visitor;
pub mod visitor_return;
pub mod visitor_slip;
pub mod visitor_wait;
pub mod worker;
pub mod worker_identity;
pub mod worker_slip;

use chrono::{DateTime, Utc};

pub use crate::app::Printing;
use crate::app::{App, AppError};
pub use crate::domain::record_kind::RecordKind;
pub use crate::notify::outbox::tell_desk_in;
use crate::notify::Notice;
use crate::printing::Slip;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum JourneyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("the slip could not be signed: {0}")]
    Sign(#[from] crate::domain::token::SignError),
}

impl JourneyError {
    /// Whether the storage refuses writes (see [`StoreError::is_unavailable`]).
    pub fn storage_unavailable(&self) -> bool {
        match self {
            JourneyError::Store(e) | JourneyError::App(AppError::Store(e)) => e.is_unavailable(),
            _ => false,
        }
    }
}

/// The compound's local date as `YYYYMMDD`, which numbers visits and tickets per day.
pub fn local_day(app: &App, now: DateTime<Utc>) -> String {
    now.with_timezone(&app.config.tz()).format("%Y%m%d").to_string()
}

/// Writes a notice for the desk into the outbox; delivery happens in the background.
pub fn tell_desk(app: &App, notice: &Notice, now: DateTime<Utc>) -> Result<(), JourneyError> {
    tell_desk_in(&app.store(), notice, now)?;
    Ok(())
}

/// Whether records can be written (the maintenance notice's probe): one small committed
/// write, or with `thorough` a scratch file beside the database too.
pub fn probe_storage(app: &App, thorough: bool, now: DateTime<Utc>) -> Result<(), JourneyError> {
    Ok(app.store().probe_write(thorough, now)?)
}

/// Registers a slip's job for a record (with its exact bytes) and sends it: inside a
/// unit of work ([`App::atomic`]) the job is registered with the record and sent once
/// both are committed (`Pending` until [`App::resolve`] says how it ended). In the
/// kiosk the spooler sends it and the outcome comes later ([`Printing::Pending`]); the
/// command line prints in-line. Either way the record counts as printed only once its
/// job is done, and the desk is told when it is not.
pub fn print_for(
    app: &App,
    slip: &Slip,
    record_kind: RecordKind,
    record_id: i64,
    now: DateTime<Utc>,
) -> Result<Printing, JourneyError> {
    let job = app.make_job(slip).map_err(AppError::from)?;
    let hash = sha256_hex(&job.bytes);
    let job_id = app
        .store()
        .add_print_job(slip.kind, (record_kind, record_id), &job.bytes, &hash, None, now)?;
    Ok(app.send_or_defer(job_id, job)?)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
