//! The database's health, for `lobby-kiosk check` and the kiosk's start: the durable
//! settings, the schema and a quick check of the file, and the whole-file integrity
//! check the kiosk runs once its window is up.

use std::path::Path;
use std::sync::Arc;

use crate::data_folder;
pub use crate::store::trouble::Trouble;
pub use crate::store::Health;
use crate::store::{integrity, trouble, Store, StoreError};

/// The database does not open.
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct CannotOpen {
    /// The file itself is damaged (not, say, a full disk).
    pub damaged: bool,
    /// What is wrong with the storage, when that is the cause.
    pub trouble: Option<Trouble>,
    source: StoreError,
}

/// How the database `db` in the data folder `dir` stands, with what keeps it from taking
/// writes if something does (it is opened read only, or the folder refuses a write). On a first run the database is
/// created, as the kiosk would, with the folder made private first; an existing one is
/// only looked at.
pub fn of_database(dir: &Path, db: &Path) -> Result<(Health, Option<Trouble>), CannotOpen> {
    let found = first_run_private(dir, db)
        .and_then(|()| Store::open_or_read_only(db))
        .and_then(|(s, refused)| Ok((s.health()?, refused)));
    match found {
        Ok((health, refused)) => {
            // A database that opened for writing may still have nowhere to put its next
            // page (a full disk lets the open through when the WAL files fit): the folder
            // is asked directly, so a full or read-only disk never passes the check.
            let read_only = match refused {
                Some(refused) => Some(trouble::cause(dir, &refused).unwrap_or(Trouble::Failing)),
                None => trouble::diagnose(dir),
            };
            Ok((health, read_only))
        }
        Err(source) => Err(CannotOpen {
            damaged: crate::recovery::is_damage(&source),
            trouble: trouble::cause(dir, &source),
            source,
        }),
    }
}

fn first_run_private(dir: &Path, db: &Path) -> Result<(), StoreError> {
    if db.exists() {
        return Ok(());
    }
    data_folder::secure(dir, db).map_err(|source| StoreError::DataDir {
        path: dir.to_path_buf(),
        source,
    })
}

/// The whole-file check of `db` (see `store::integrity`), if it has finished: `Err` with
/// what it found when the file is damaged.
pub fn integrity_verdict(db: &Path) -> Option<Result<(), String>> {
    integrity::guard_for(db).and_then(|guard| guard.verdict())
}

/// Whether the first write to `db` would wait for the whole-file check: one is
/// registered for it and has no verdict yet (not started, or running). The screen's own
/// upkeep waits for the verdict instead of running the check on the UI thread.
pub fn integrity_pending(db: &Path) -> bool {
    integrity::guard_for(db).is_some_and(|guard| guard.verdict().is_none())
}

/// The whole-file check of `db` the kiosk starts once its window is up, when the file
/// has one registered (see `store::integrity`: a write before then runs it itself).
pub fn integrity_check(db: &Path) -> Option<IntegrityCheck> {
    integrity::guard_for(db).map(IntegrityCheck)
}

/// A registered whole-file check, not necessarily started.
pub struct IntegrityCheck(Arc<integrity::Guard>);

impl IntegrityCheck {
    /// Runs the check on a thread of its own, at a lower CPU priority than the screen's;
    /// `on_damage` runs there if it finds damage.
    pub fn start_in_background(&self, on_damage: impl FnOnce() + Send + 'static) {
        self.0.start_in_background(on_damage);
    }
}
