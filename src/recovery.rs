//! Start-up on a damaged database: never carry on silently.
//!
//! If the file is not a database, or `quick_check` finds damage, the damaged file (and
//! its WAL) is moved aside under a name that says when (it is kept, never deleted, for
//! a technician or a data-recovery tool), and the newest backup that passes
//! `integrity_check` is restored in its place. The caller records the recovery and
//! tells the desk (records written after that backup must be re-entered by hand). If
//! no backup is good, the damaged file is put back where it was, so that every later
//! start refuses too instead of starting afresh on an empty database.
//!
//! A data folder that has been used (backups, keys or printer jobs in it) whose database
//! is missing or 0 bytes is damage in the same way: only an empty folder is a first run.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::ErrorCode;

use crate::data_folder;
use crate::store::{self, integrity, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the database {db} is damaged ({why}) and no good backup was found in {backups}; \
         the kiosk will not start on a damaged file. Restore one with `lobby-kiosk restore FILE`"
    )]
    NoGoodBackup { db: PathBuf, backups: PathBuf, why: String },
    #[error(
        "{why}, but this data folder has been used before ({evidence}) and no good backup was found in \
         {backups}; the kiosk will not start afresh on an empty database. Restore a backup with \
         `lobby-kiosk restore FILE`; only if this folder is really to start anew, move it aside first"
    )]
    MissingInUsedFolder {
        why: String,
        evidence: String,
        backups: PathBuf,
    },
    #[error("cannot move the damaged database aside to {path}: {source}")]
    MoveAside { path: PathBuf, source: std::io::Error },
}

/// What happened at start-up when the database was found damaged (or missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// What the check found.
    pub why: String,
    /// Where the damaged file now is; `None` when there was no file at all.
    pub damaged: Option<PathBuf>,
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

/// When the whole file is checked (see [`crate::store::integrity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Before the database is handed over (`lobby-kiosk check`, tests, the restart after
    /// the background check found damage).
    Now,
    /// On a thread of its own once the window shows (`cli::run` starts it); the first
    /// commit waits for it (the kiosk).
    Background,
    /// Only when something is first about to be written (the other commands).
    BeforeFirstWrite,
}

/// Opens the database and checks it (when `check` says); on damage, restores the newest good backup from
/// `backup_dir`. `used` is what shows the data folder has been used before (see
/// [`data_folder::used_evidence`]): then a missing or 0-byte database is damage too, not
/// a first run. A staged copy a killed restore left behind is removed first.
pub fn open_or_recover(
    db: &Path,
    backup_dir: &Path,
    now: DateTime<Utc>,
    used: Option<&str>,
    check: Check,
) -> Result<(Store, Option<Recovered>), RecoveryError> {
    data_folder::remove_restore_leftovers(db).map_err(|source| StoreError::File {
        path: data_folder::with_suffix(db, data_folder::RESTORE_TMP),
        source,
    })?;
    let blank = used.and_then(|evidence| data_folder::blank_database(db).map(|why| (why, evidence)));
    let why = match blank {
        Some((why, evidence)) => format!("{why} although the data folder has been used ({evidence})"),
        None => match open_checked(db, check) {
            Ok(store) => return Ok((store, None)),
            Err(err) if is_damage(&err) => err.to_string(),
            Err(err) => return Err(err.into()),
        },
    };
    // Whatever replaces the file is checked whole before it is used.
    integrity::forget(db);
    let present = ["", "-wal", "-shm", "-journal"]
        .iter()
        .any(|side| data_folder::with_suffix(db, side).exists());
    let damaged = if present {
        let aside = data_folder::stamped_name(db, data_folder::DAMAGED, now);
        move_with_side_files(db, &aside)?;
        Some(aside)
    } else {
        None
    };
    let mut refused = Vec::new();
    for backup in store::backups_newest_first(backup_dir)? {
        match store::restore_from(&backup, db, now) {
            Ok(_) => match Store::open(db).and_then(|s| s.ensure_intact().map(|()| s)) {
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
                if let Some(aside) = &damaged {
                    put_back(aside, db);
                }
                return Err(err.into());
            }
        }
    }
    // Nothing good to restore: the damaged file goes back, so no later start begins
    // afresh on an empty database as if nothing had happened.
    if let Some(aside) = &damaged {
        let _ = std::fs::remove_file(db);
        move_with_side_files(aside, db)?;
    }
    match blank {
        Some((why, evidence)) => Err(RecoveryError::MissingInUsedFolder {
            why: why.to_string(),
            evidence: evidence.to_string(),
            backups: backup_dir.to_path_buf(),
        }),
        None => Err(RecoveryError::NoGoodBackup {
            db: db.to_path_buf(),
            backups: backup_dir.to_path_buf(),
            why,
        }),
    }
}

/// Opens the file, checking it whole now or registering its guard (see [`Check`]).
fn open_checked(db: &Path, check: Check) -> Result<Store, StoreError> {
    match check {
        Check::Now => {
            integrity::forget(db);
            Store::open(db).and_then(|s| s.ensure_intact().map(|()| s))
        }
        // The kiosk starts the guard's check itself once its window is up.
        Check::Background | Check::BeforeFirstWrite => {
            integrity::guard(db);
            Store::open(db)
        }
    }
}

/// Puts a file moved aside back where it was after a restore failed for another reason
/// than the backup (a full disk): the caller reports that failure; a file left aside
/// would only make the next start look further.
fn put_back(aside: &Path, db: &Path) {
    if let Err(err) = move_with_side_files(aside, db) {
        eprintln!("lobby-kiosk: {err}");
    }
}

fn move_with_side_files(from: &Path, to: &Path) -> Result<(), RecoveryError> {
    for side in ["", "-wal", "-shm", "-journal"] {
        let (src, dst) = (data_folder::with_suffix(from, side), data_folder::with_suffix(to, side));
        if src.exists() {
            std::fs::rename(&src, &dst).map_err(|source| RecoveryError::MoveAside { path: dst, source })?;
        }
    }
    Ok(())
}
