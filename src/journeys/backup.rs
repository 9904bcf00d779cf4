//! Backups and restores of the database, for `lobby-kiosk backup|restore`: the copy is
//! written and checked here, so the command line only says how it went. (The kiosk's own
//! daily backup is `daily_care`'s, on a thread of its own.)

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::app::App;
pub use crate::daily_care::BACKUP_DIR;
pub use crate::store::trouble::Trouble;
pub use crate::store::BackupInfo;
use crate::store::{self, trouble, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The folder the copy goes to refuses it: full, read-only or failing.
    #[error("{source}")]
    Storage {
        trouble: Trouble,
        folder: PathBuf,
        source: StoreError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The backup failed its integrity check; the database was not changed.
    #[error("{0}")]
    Damaged(String),
    /// The backup was written by a newer kiosk; the database was not changed.
    #[error(transparent)]
    TooNew(StoreError),
    #[error(transparent)]
    Store(StoreError),
}

/// Where a backup with no file named goes: `<data-dir>/backups/kiosk-<UTC time>.sqlite3`.
pub fn next_path(app: &App) -> Result<PathBuf, BackupError> {
    let dir = app.data_dir.join(BACKUP_DIR);
    let name = store::next_backup_name(&dir, app.now())?;
    Ok(dir.join(name))
}

/// Writes a checked copy of the database to `dest` while the kiosk keeps working.
pub fn write(app: &App, dest: &Path) -> Result<BackupInfo, BackupError> {
    let written = app.store().backup_to(dest, app.now());
    written.map_err(|source| {
        let folder = dest.parent().unwrap_or(dest).to_path_buf();
        match trouble::cause(&folder, &source) {
            Some(trouble) => BackupError::Storage {
                trouble,
                folder,
                source,
            },
            None => BackupError::Store(source),
        }
    })
}

/// Deletes the backups in `<data-dir>/backups` beyond the newest `backup.keep`.
pub fn rotate(app: &App) -> Result<Vec<PathBuf>, BackupError> {
    let dir = app.data_dir.join(BACKUP_DIR);
    let keep = usize::try_from(app.config.backup.keep).unwrap_or(1);
    Ok(store::rotate_backups(&dir, keep)?)
}

/// Puts `file` in place of the database `db` (the kiosk stopped); returns where the
/// database it replaced is kept, named by `now`.
pub fn restore(file: &Path, db: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>, RestoreError> {
    store::restore_from(file, db, now).map_err(|err| match err {
        StoreError::Damaged(why) => RestoreError::Damaged(why),
        too_new @ StoreError::SchemaTooNew { .. } => RestoreError::TooNew(too_new),
        other => RestoreError::Store(other),
    })
}

/// Opens the restored database `db` as the kiosk would (migrated, checked whole) and
/// returns its schema version.
pub fn open_restored(db: &Path) -> Result<u32, RestoreError> {
    let store = Store::open(db)
        .and_then(|s| s.ensure_intact().map(|()| s))
        .map_err(RestoreError::Store)?;
    Ok(store.health().map_or(0, |h| h.schema_version))
}
