//! The fleet as the command line (and, later, the dashboard) reaches it: one sync round
//! now, and how far behind the kiosk is. Screens and commands come here, not to the store.

use chrono::{DateTime, Utc};

use super::JourneyError;
use crate::app::App;
use crate::fleet::settings::FleetSettings;
use crate::fleet::sync::{self, Round, SyncError};
pub use crate::store::fleet::{Flag, QueueStatus};

/// One push-and-pull round with the central database, on the app's connection.
pub fn round_now(app: &App, settings: &FleetSettings) -> Result<Round, SyncError> {
    let keys = sync::key_changes(settings, &app.keys);
    sync::round(settings, &mut app.store(), &keys, app.now())
}

/// What is queued, sent and flagged, and when the last round succeeded or failed.
pub fn status(app: &App) -> Result<QueueStatus, JourneyError> {
    Ok(app.store().fleet_status()?)
}

/// The seconds the kiosk is behind: since the last success, when changes wait or the
/// last round failed; 0 when caught up.
pub fn lag_secs(queue: &QueueStatus, now: DateTime<Utc>) -> i64 {
    if queue.queued == 0 && queue.last_error.is_none() && queue.last_success.is_some() {
        return 0;
    }
    match queue.last_success.as_deref().and_then(crate::store::parse_ts) {
        Some(at) => (now - at).num_seconds().max(0),
        None => i64::MAX / 2,
    }
}

/// Days the dashboard mentions a purge that deleted unsent changes with their records.
pub const PURGED_NOTICE_DAYS: i64 = 7;

/// The changes deleted unsent by purges (their records' retention was over) and when the
/// last such purge ran, while that was less than [`PURGED_NOTICE_DAYS`] ago.
pub fn purged_recently(queue: &QueueStatus, now: DateTime<Utc>) -> Option<(i64, DateTime<Utc>)> {
    let at = queue.purged_unsent_at.as_deref().and_then(crate::store::parse_ts)?;
    (queue.purged_unsent > 0 && now - at < chrono::Duration::days(PURGED_NOTICE_DAYS))
        .then_some((queue.purged_unsent, at))
}

/// Behind when something has waited longer than two sync periods.
pub fn is_behind(lag: i64) -> bool {
    lag > 2 * sync::EVERY.as_secs() as i64
}
