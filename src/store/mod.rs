//! The kiosk's SQLite database: the only module with SQL in it.
//!
//! Opened with WAL and `synchronous=FULL` so that a record reported as saved survives a
//! power cut, `foreign_keys=ON`, and a busy timeout so a second connection (the command
//! line while the kiosk runs) waits instead of failing. All times are stored in UTC as
//! RFC 3339 text, which sorts in time order and reads well in the sqlite3 shell.

mod backup_purge;
mod exports;
pub mod fleet;
#[cfg(feature = "bench-data")]
mod fleet_bench;
mod identify;
pub mod integrity;
mod invites;
pub mod migrations;
mod outbox;
mod permits;
mod print_jobs;
#[cfg(feature = "bench-data")]
mod reference;
mod reports;

mod residents;
mod roster;
#[cfg(feature = "bench-data")]
mod seed_history;
mod shifts;
mod staff;
mod tickets;
pub mod trouble;
mod visit_cancel;
mod visits;

pub use backup_purge::{
    backup_file_name, backups_newest_first, next_backup_name, restore_from, rotate_backups, sqlite_version_ok,
    BackupInfo, PurgeReport, Retention,
};
pub use exports::PassExport;
pub use invites::{DenyEntry, Invite, NewInvite};
pub use outbox::{OutboxItem, OutboxSummary};
pub use permits::{NewPermit, NewWorker, Pass, Permit, PermitStatus, Worker};

pub use print_jobs::{JobState, PrintJobRecord, QueueSummary, QueuedJob};
#[cfg(feature = "bench-data")]
pub use reference::Capture;
pub use residents::{Resident, ResidentSummary};
pub use roster::{OnSite, OnSiteKind};
#[cfg(feature = "bench-data")]
pub use seed_history::{HistoryScale, SeededKeys};
pub use shifts::{Handover, HandoverDetail, HandoverItem, HandoverKind};
pub use staff::{AuditEntry, PinCounter, StaffAccount};

pub use tickets::{HistoryEntry, NewTicket, Ticket};

pub use visits::{NewVisit, SignOutKind, Visit, VisitStatus};

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("the database was written by a newer kiosk (schema {found}, this build knows {known})")]
    SchemaTooNew { found: u32, known: u32 },
    #[error("the database failed its integrity check: {0}")]
    Damaged(String),
    #[error("the {0} just written could not be read back")]
    Missing(&'static str),
    #[error("that code is already in use")]
    CodeTaken,
    #[error("cannot read or write {path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
    #[error("the database has no room left to grow")]
    NoRoom,
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        if integrity::is_refused_commit(&err) {
            StoreError::Damaged(
                "the integrity check found damage, so nothing was written (restart the kiosk to restore a backup)"
                    .to_string(),
            )
        } else {
            StoreError::Sqlite(err)
        }
    }
}

impl StoreError {
    /// Whether the storage itself refuses writes (a full disk, a read-only or failing
    /// file system) rather than one record being wrong: the kiosk then shows its
    /// maintenance notice until [`Store::probe_write`] succeeds again.
    pub fn is_unavailable(&self) -> bool {
        use rusqlite::ErrorCode;
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                ErrorCode::DiskFull | ErrorCode::ReadOnly | ErrorCode::SystemIoFailure | ErrorCode::CannotOpen
            ),
            StoreError::NoRoom | StoreError::File { .. } | StoreError::DataDir { .. } => true,
            _ => false,
        }
    }
}

/// Pages the database must still be able to grow by for the probe to call it writable:
/// room for a registration with its notice and print job.
const PROBE_HEADROOM_PAGES: i64 = 16;
/// The scratch file the thorough probe writes beside the database: a full disk refuses it.
const PROBE_FILE_BYTES: usize = 256 * 1024;

/// One open database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Opened for reading only because the storage refused a writable open.
    read_only: bool,
}

/// What `lobby-kiosk check` reports about the database.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Health {
    pub path: String,
    pub sqlite_version: String,
    pub journal_mode: String,
    pub synchronous: String,
    pub foreign_keys: bool,
    pub schema_version: u32,
    pub schema_latest: u32,
    pub quick_check: String,
}

impl Health {
    /// Healthy means durable settings in force, schema current and no damage found.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.journal_mode != "wal" && self.path != ":memory:" {
            problems.push(format!("journal_mode is {}, expected wal", self.journal_mode));
        }
        if self.synchronous != "full" {
            problems.push(format!("synchronous is {}, expected full", self.synchronous));
        }
        if !self.foreign_keys {
            problems.push("foreign_keys is off".to_string());
        }
        if self.schema_version != self.schema_latest {
            problems.push(format!(
                "schema version {} is not the latest ({})",
                self.schema_version, self.schema_latest
            ));
        }
        if self.quick_check != "ok" {
            problems.push(format!("quick_check: {}", self.quick_check));
        }
        problems
    }
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        // SQLite quietly opens a file it may not write (a read-only mount) for reading:
        // that is a refusal, for the caller to fall back on [`Store::open_read_only`].
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                Some(format!("{} cannot be written", path.display())),
            )));
        }
        Self::prepare(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::prepare(Connection::open_in_memory()?, None)
    }

    fn prepare(mut conn: Connection, path: Option<PathBuf>) -> Result<Store, StoreError> {
        conn.busy_timeout(Duration::from_secs(5))?;
        // The kiosk's lookups run while someone waits: keep their statements prepared.
        conn.set_prepared_statement_cache_capacity(64);
        // journal_mode returns a row, so it is read rather than set with execute.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        // From here on every commit waits for the file's integrity check, when one is
        // pending (see [`integrity`]); the journal mode above is the one write before it.
        if let Some(path) = &path {
            integrity::install(&mut conn, path)?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path,
            read_only: false,
        })
    }

    /// Opens an existing database for reading only, for when the storage refuses a
    /// writable open (a full disk, a read-only mount): the roster, pass checks and
    /// backups elsewhere keep working. Tries a plain read-only open first (it shares the
    /// WAL with a running kiosk), then an immutable one where the WAL index cannot be
    /// created. Nothing is migrated, so only a database already at this build's schema
    /// is accepted.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let first = Self::read_only_at(&file_uri(path, false), flags, path);
        match first {
            Ok(store) => Ok(store),
            Err(err) if err.is_unavailable() || matches!(err, StoreError::Sqlite(_)) => {
                Self::read_only_at(&file_uri(path, true), flags, path).map_err(|_| err)
            }
            Err(err) => Err(err),
        }
    }

    fn read_only_at(uri: &str, flags: OpenFlags, path: &Path) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some(format!("{} does not exist", path.display())),
            )));
        }
        let conn = Connection::open_with_flags(uri, flags)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(64);
        // Reads the schema, which makes SQLite open the file (and its WAL) now.
        let found = migrations::current(&conn)?;
        let known = migrations::latest();
        if found > known {
            return Err(StoreError::SchemaTooNew { found, known });
        }
        if found < known {
            return Err(StoreError::Damaged(format!(
                "schema {found} needs migrating to {known}, which cannot be written now"
            )));
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: true,
        })
    }

    /// Opens for writing, or for reading only when the storage refuses writes (see
    /// [`Store::open_read_only`]); the second value is the refusal, if any.
    pub fn open_or_read_only(path: &Path) -> Result<(Store, Option<StoreError>), StoreError> {
        match Store::open(path) {
            Ok(store) => Ok((store, None)),
            Err(err) if err.is_unavailable() => match Store::open_read_only(path) {
                Ok(store) => Ok((store, Some(err))),
                Err(_) => Err(err),
            },
            Err(err) => Err(err),
        }
    }

    /// Whether this connection was opened for reading only ([`Store::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The database file, if not in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A handle another thread can use to stop the statement this connection is running
    /// (it fails with `SQLITE_INTERRUPT` and is rolled back); a no-op when none runs.
    pub fn interrupt_handle(&self) -> rusqlite::InterruptHandle {
        self.conn.get_interrupt_handle()
    }

    /// The connection, for the store's own submodules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// `PRAGMA quick_check`: "ok" or the first problems found.
    pub fn quick_check(&self) -> Result<String, StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA quick_check(5)")?;
        let rows: Vec<String> = stmt.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        Ok(rows.join("; "))
    }

    /// Whether slips with signed QR codes were ever issued from this database (approved
    /// visits, passes, permits, invites): then a missing signing key is a lost key.
    pub fn issued_tokens(&self) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM passes) OR EXISTS (SELECT 1 FROM permits)
                OR EXISTS (SELECT 1 FROM invites) OR EXISTS (SELECT 1 FROM visits WHERE valid_until IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Whether workers' ID numbers were fingerprinted with the kiosk's ID-hash key.
    pub fn holds_id_fingerprints(&self) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM permit_workers WHERE id_hash IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Refuses to go on with a damaged file: the caller tells staff instead.
    pub fn ensure_intact(&self) -> Result<(), StoreError> {
        match self.quick_check()?.as_str() {
            "ok" => Ok(()),
            other => Err(StoreError::Damaged(other.to_string())),
        }
    }

    pub fn health(&self) -> Result<Health, StoreError> {
        let text = |sql: &str| -> Result<String, StoreError> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        let synchronous: i64 = self.conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        let foreign_keys: i64 = self.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        Ok(Health {
            path: self
                .path
                .as_ref()
                .map_or(":memory:".to_string(), |p| p.display().to_string()),
            sqlite_version: rusqlite::version().to_string(),
            journal_mode: match (self.read_only, &self.path) {
                // An immutable open reports "delete": the file's header says what it is.
                (true, Some(path)) => header_journal_mode(path).unwrap_or(text("PRAGMA journal_mode")?.to_lowercase()),
                _ => text("PRAGMA journal_mode")?.to_lowercase(),
            },
            synchronous: match synchronous {
                0 => "off",
                1 => "normal",
                2 => "full",
                _ => "extra",
            }
            .to_string(),
            foreign_keys: foreign_keys == 1,
            schema_version: migrations::current(&self.conn)?,
            schema_latest: migrations::latest(),
            quick_check: self.quick_check()?,
        })
    }

    /// Checks that records can be saved now: a small committed write (refused by a
    /// read-only or failing file system) and room for the file to grow within
    /// `max_page_count`. `thorough` also writes and syncs a scratch file beside the
    /// database, which a full disk refuses; the kiosk does that only while its
    /// maintenance notice is up, to spare the SD card.
    pub fn probe_write(&self, thorough: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO kiosk_meta(key, value) VALUES ('write_probe', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [ts(now)],
        )?;
        let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let max: i64 = self.conn.query_row("PRAGMA max_page_count", [], |r| r.get(0))?;
        let free: i64 = self.conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        if max.saturating_sub(pages).saturating_add(free) < PROBE_HEADROOM_PAGES {
            return Err(StoreError::NoRoom);
        }
        if let (true, Some(path)) = (thorough, &self.path) {
            let scratch = backup_purge::with_suffix(path, ".probe");
            let written = std::fs::File::create(&scratch).and_then(|mut f| {
                use std::io::Write;
                f.write_all(&vec![0u8; PROBE_FILE_BYTES])?;
                f.sync_all()
            });
            let _ = std::fs::remove_file(&scratch);
            written.map_err(|source| StoreError::File { path: scratch, source })?;
        }
        Ok(())
    }

    /// Test only: caps the file at its current size (after a `VACUUM`, so no free
    /// pages are left), as a full disk would; `false` lifts the cap.
    #[doc(hidden)]
    pub fn simulate_full_disk(&self, full: bool) -> Result<(), StoreError> {
        if full {
            self.conn.execute_batch("VACUUM")?;
            let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            let _: i64 = self
                .conn
                .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| r.get(0))?;
        } else {
            let _: i64 = self
                .conn
                .query_row("PRAGMA max_page_count = 4294967294", [], |r| r.get(0))?;
        }
        Ok(())
    }

    /// Test only: refuses every write on this connection, as a read-only file would.
    #[doc(hidden)]
    pub fn simulate_read_only(&self, read_only: bool) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "query_only", read_only)?;
        Ok(())
    }

    /// Opens a unit of work: everything written until [`Store::end_unit`] commits or
    /// rolls back together. The outermost unit takes the write lock at once (`BEGIN
    /// IMMEDIATE`, so two writers queue instead of failing mid-way); a unit inside
    /// another is a savepoint. True when this is the outermost unit.
    pub fn begin_unit(&self) -> Result<bool, StoreError> {
        if self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            Ok(true)
        } else {
            self.conn.execute_batch("SAVEPOINT unit")?;
            Ok(false)
        }
    }

    /// Ends the unit [`Store::begin_unit`] opened: commits it (`commit`) or undoes it.
    /// A commit fails when SQLite already rolled the transaction back (a full disk
    /// mid-way): then nothing of the unit was kept.
    pub fn end_unit(&self, outermost: bool, commit: bool) -> Result<(), StoreError> {
        let gone = self.conn.is_autocommit();
        let rolled_back = || {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
                Some("the transaction was rolled back".into()),
            ))
        };
        match (outermost, commit) {
            _ if gone && commit => Err(rolled_back()),
            _ if gone => Ok(()),
            (true, true) => self.conn.execute_batch("COMMIT").map_err(|e| {
                let _ = self.conn.execute_batch("ROLLBACK");
                e.into()
            }),
            (true, false) => Ok(self.conn.execute_batch("ROLLBACK")?),
            (false, true) => Ok(self.conn.execute_batch("RELEASE unit")?),
            (false, false) => Ok(self.conn.execute_batch("ROLLBACK TO unit; RELEASE unit")?),
        }
    }

    /// Whether a unit of work (or any transaction) is open on this connection.
    pub fn in_unit(&self) -> bool {
        !self.conn.is_autocommit()
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM kiosk_meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO kiosk_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

/// "wal" when the database header's read and write versions (bytes 18 and 19) say WAL.
fn header_journal_mode(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut header = [0u8; 20];
    std::fs::File::open(path).ok()?.read_exact(&mut header).ok()?;
    (header[18] == 2 && header[19] == 2).then(|| "wal".to_string())
}

/// `file:` URI for `path` (reserved characters escaped), `immutable=1` when asked: SQLite
/// then reads the file as it is, with no WAL and no locks.
fn file_uri(path: &Path, immutable: bool) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '?' | '#' | '%' => uri.push_str(&format!("%{:02X}", u32::from(c))),
            _ => uri.push(c),
        }
    }
    if immutable {
        uri.push_str("?immutable=1");
    }
    uri
}

/// A store method's own transaction: a real one when the caller has none open, else a
/// savepoint inside the caller's unit of work ([`Store::begin_unit`]), so a record, its
/// audit row, its print job and its notice still commit (or roll back) as one.
pub(crate) enum Tx<'c> {
    Top(rusqlite::Transaction<'c>),
    Nested(rusqlite::Savepoint<'c>),
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Tx::Top(tx) => tx,
            Tx::Nested(sp) => sp,
        }
    }
}

impl Tx<'_> {
    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self {
            Tx::Top(tx) => tx.commit(),
            Tx::Nested(sp) => sp.commit(),
        }
    }

    pub(crate) fn rollback(self) -> rusqlite::Result<()> {
        match self {
            Tx::Top(tx) => tx.rollback(),
            Tx::Nested(mut sp) => sp.rollback(),
        }
    }
}

/// Opens a [`Tx`]: `immediate` takes the write lock at once (a counter read then bumped)
/// when this is the outermost transaction; a nested one already holds it.
pub(crate) fn begin(conn: &mut Connection, immediate: bool) -> rusqlite::Result<Tx<'_>> {
    if conn.is_autocommit() {
        let behavior = if immediate {
            rusqlite::TransactionBehavior::Immediate
        } else {
            rusqlite::TransactionBehavior::Deferred
        };
        Ok(Tx::Top(conn.transaction_with_behavior(behavior)?))
    } else {
        Ok(Tx::Nested(conn.savepoint()?))
    }
}

/// The storage form of a time: UTC, RFC 3339, millisecond precision.
pub fn ts(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a stored time back; `None` for anything that is not one.
pub fn parse_ts(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

/// A stored code this kiosk does not know (written by a newer kiosk, or damaged).
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} {code:?} in the database")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// Column `idx` of a row, a stored code, read back as its enum with `parse`: converted
/// once, here; a code that reads as nothing is an error for the caller to report, never
/// a guess and never a panic.
pub(crate) fn code<T>(
    r: &rusqlite::Row<'_>,
    idx: usize,
    what: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = r.get(idx)?;
    parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            Box::new(UnknownCode { what, code: text }),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_durable_current_and_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/kiosk.sqlite3");
        let store = Store::open(&path).unwrap();
        let health = store.health().unwrap();
        assert!(path.exists());
        assert_eq!(health.journal_mode, "wal");
        assert_eq!(health.synchronous, "full");
        assert!(health.foreign_keys);
        assert_eq!(health.schema_version, migrations::latest());
        assert_eq!(health.quick_check, "ok");
        assert!(health.problems().is_empty(), "{:?}", health.problems());
    }

    #[test]
    fn reopening_keeps_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        Store::open(&path).unwrap().set_meta("seeded", "yes").unwrap();
        let again = Store::open(&path).unwrap();
        assert_eq!(again.meta("seeded").unwrap().as_deref(), Some("yes"));
        assert_eq!(again.meta("absent").unwrap(), None);
    }

    #[test]
    fn a_damaged_file_is_not_used_silently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        {
            let store = Store::open(&path).unwrap();
            for i in 0..2000 {
                store.set_meta(&format!("k{i}"), &"x".repeat(200)).unwrap();
            }
            store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        }
        // Scribble over the middle of the file, as a failing SD card would.
        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        for b in &mut bytes[mid..mid + 8192] {
            *b = 0x5A;
        }
        std::fs::write(&path, bytes).unwrap();
        let outcome = Store::open(&path).and_then(|s| s.ensure_intact());
        assert!(outcome.is_err(), "a scribbled database must not pass as healthy");
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let t = DateTime::parse_from_rfc3339("2026-11-27T20:51:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(ts(t), "2026-11-27T12:51:00.000Z");
    }
}
