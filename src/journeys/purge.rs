//! Deleting what is past its retention, for `lobby-kiosk purge`: the records in the
//! database (then `VACUUM`), and the database copies kept aside in the data folder.

use crate::app::{App, DB_FILE};
pub use crate::daily_care::retention;
use crate::store::StoreError;
pub use crate::store::{PurgeReport, Retention};

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    /// The records could not be purged; nothing in the data folder was touched.
    #[error(transparent)]
    Records(#[from] StoreError),
    /// The records are purged, but copies kept aside past their retention could not be.
    #[error(transparent)]
    Copies(std::io::Error),
}

/// Purges with the configured retention (`dry_run`: only counts); the report lists the
/// kept-aside copies deleted too.
pub fn purge(app: &App, dry_run: bool) -> Result<PurgeReport, PurgeError> {
    let now = app.now();
    let mut report = app.store().purge(&retention(&app.config), now, dry_run)?;
    let db = app.data_dir.join(DB_FILE);
    report.copies = crate::data_folder::purge_aside_copies(&db, app.config.privacy.copy_retention_days, now, dry_run)
        .map_err(PurgeError::Copies)?;
    Ok(report)
}
