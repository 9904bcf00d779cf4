//! Start-up on a damaged database: never carry on silently.
//!
//! If the file is not a database, or `quick_check` finds damage, the damaged file (and
//! its WAL) is moved aside under a name that says when (it is kept, never deleted, for
//! a technician or a data-recovery tool), and the newest backup that passes
//! `integrity_check` is restored in its place. The caller records the recovery and
//! tells the desk (records written after that backup must be re-entered by hand). If
//! no backup is good, the damaged file is put back where it was, so that every later
//! start refuses too instead of starting afresh on an empty database.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::ErrorCode;

use crate::store::{self, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the database {db} is damaged ({why}) and no good backup was found in {backups}; \
         the kiosk will not start on a damaged file. Restore one with `lobby-kiosk restore FILE`"
    )]
    NoGoodBackup { db: PathBuf, backups: PathBuf, why: String },
    #[error("cannot move the damaged database aside to {path}: {source}")]
    MoveAside { path: PathBuf, source: std::io::Error },
}

/// What happened at start-up when the database was found damaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// What the check found.
    pub why: String,
    /// Where the damaged file now is.
    pub damaged: PathBuf,
    /// The backup now in use.
    pub backup: PathBuf,
    /// Backups tried first and refused (damaged too).
    pub refused: Vec<PathBuf>,
}

/// Whether an error means the file itself is damaged (as opposed to, say, a full disk).
pub fn is_damage(err: &StoreError) -> bool {
    match err {
        StoreError::Damaged(_) => true,
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
            matches!(e.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
        }
        _ => false,
    }
}

/// Opens the database and checks it; on damage, restores the newest good backup from
/// `backup_dir`.
pub fn open_or_recover(
    db: &Path,
    backup_dir: &Path,
    now: DateTime<Utc>,
) -> Result<(Store, Option<Recovered>), RecoveryError> {
    let why = match Store::open(db).and_then(|s| s.ensure_intact().map(|()| s)) {
        Ok(store) => return Ok((store, None)),
        Err(err) if is_damage(&err) => err.to_string(),
        Err(err) => return Err(err.into()),
    };
    let damaged = aside_name(db, now);
    move_with_side_files(db, &damaged)?;
    let mut refused = Vec::new();
    for backup in store::backups_newest_first(backup_dir)? {
        match store::restore_from(&backup, db) {
            Ok(()) => match Store::open(db).and_then(|s| s.ensure_intact().map(|()| s)) {
                Ok(store) => {
                    return Ok((
                        store,
                        Some(Recovered {
                            why,
                            damaged,
                            backup,
                            refused,
                        }),
                    ))
                }
                Err(_) => refused.push(backup),
            },
            Err(StoreError::Damaged(_) | StoreError::SchemaTooNew { .. }) => refused.push(backup),
            Err(err) => {
                let _ = move_with_side_files(&damaged, db);
                return Err(err.into());
            }
        }
    }
    // Nothing good to restore: the damaged file goes back, so no later start begins
    // afresh on an empty database as if nothing had happened.
    let _ = std::fs::remove_file(db);
    move_with_side_files(&damaged, db)?;
    Err(RecoveryError::NoGoodBackup {
        db: db.to_path_buf(),
        backups: backup_dir.to_path_buf(),
        why,
    })
}

/// `kiosk.sqlite3.damaged-20261130-031500`: unique per second, sorts by time.
fn aside_name(db: &Path, now: DateTime<Utc>) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(format!(".damaged-{}", now.format("%Y%m%d-%H%M%S")));
    let mut path = PathBuf::from(name);
    let mut n = 1;
    while path.exists() {
        let mut again = path.as_os_str().to_os_string();
        again.push(format!("-{n}"));
        path = PathBuf::from(again);
        n += 1;
    }
    path
}

fn move_with_side_files(from: &Path, to: &Path) -> Result<(), RecoveryError> {
    let with = |p: &Path, s: &str| {
        let mut name = p.as_os_str().to_os_string();
        name.push(s);
        PathBuf::from(name)
    };
    for side in ["", "-wal", "-shm", "-journal"] {
        let (src, dst) = (with(from, side), with(to, side));
        if src.exists() {
            std::fs::rename(&src, &dst).map_err(|source| RecoveryError::MoveAside { path: dst, source })?;
        }
    }
    Ok(())
}
