//! The kiosk's daily care of its own records, so a kiosk nobody visits still keeps its
//! privacy promises and its backups without a systemd timer: once per local day, at
//! `backup.time` or the first minute after it that the kiosk runs, it purges what is
//! past its retention and then writes a checked backup, deleting the oldest beyond
//! `backup.keep`.
//!
//! Purge first, then back up: the new backup holds nothing purged, and as older
//! backups are rotated out, purged records leave the backups within `keep` days.
//! Each step is remembered in `kiosk_meta` by local day, marked *before* it runs, so a
//! restart does not run it twice and a failure is tried once a day, not every minute;
//! a failure tells the desk (through the outbox, like every notice).
//!
//! In the kiosk the work runs on a [`Housekeeper`] thread with its own database
//! connection (WAL lets the screen go on reading meanwhile), never on the UI thread: a
//! `VACUUM` of a large file takes seconds to minutes and the UI tick pings the systemd
//! watchdog. The screen's minute tick only [`Housekeeper::kick`]s it, which never waits.
//! The command line (`purge`, `backup`) runs its steps in-line.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::config::Config;
use crate::data_folder;
use crate::notify::outbox::tell_desk_in;
use crate::notify::{Notice, NoticeKind};
use crate::store::{self, BackupInfo, PurgeReport, Retention, Store, StoreError};

/// Backups go here inside the data folder.
pub use crate::data_folder::BACKUP_DIR;
/// The local day (`YYYY-MM-DD`) of the last daily purge.
pub const META_PURGE_DAY: &str = "housekeeping.purge_day";
/// The local day of the last daily backup attempt.
pub const META_BACKUP_DAY: &str = "housekeeping.backup_day";
/// The last daily backup: its file name, or why it failed.
pub const META_BACKUP_RESULT: &str = "housekeeping.backup_result";

#[derive(Debug, thiserror::Error)]
pub enum HousekeepingError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The configured retention periods.
pub fn retention(config: &Config) -> Retention {
    let p = &config.privacy;
    Retention::new(p.visit_retention_days, p.pass_retention_days, p.ticket_retention_days)
        .with_records(p.audit_retention_days, p.handover_retention_days)
}

/// What one day's run did.
#[derive(Debug, Default)]
pub struct DailyRun {
    pub purge: Option<Result<PurgeReport, StoreError>>,
    pub backup: Option<Result<BackupInfo, StoreError>>,
    pub removed: Vec<PathBuf>,
}

/// The day's run on `store`. `watch` is the housekeeping thread's: it may stop the run
/// between steps, and interrupts a step when the kiosk shuts down.
fn run_due(
    store: &mut Store,
    config: &Config,
    data_dir: &Path,
    now: DateTime<Utc>,
    watch: Option<&Shared>,
) -> Result<Option<DailyRun>, HousekeepingError> {
    let Some(at) = config.backup.time_of_day() else {
        return Ok(None);
    };
    let local = now.with_timezone(&config.tz());
    if local.time() < at {
        return Ok(None);
    }
    let today = local.date_naive().format("%Y-%m-%d").to_string();
    let purge_mark = store.meta(META_PURGE_DAY)?;
    let backup_mark = store.meta(META_BACKUP_DAY)?;
    let purge_due = purge_mark.as_deref() != Some(today.as_str());
    let backup_due = backup_mark.as_deref() != Some(today.as_str());
    if !purge_due && !backup_due {
        return Ok(None);
    }
    let mut run = DailyRun::default();
    if purge_due {
        if !watch.is_none_or(Shared::begin_step) {
            return Ok(Some(run));
        }
        // Marked first: a purge that fails (its closing VACUUM needs free space about the
        // size of the file) is tried again tomorrow, not every minute, and the desk is
        // told once. The deletes are committed before the VACUUM, and the next purge
        // vacuums again while free pages remain.
        let purged = store
            .set_meta(META_PURGE_DAY, &today)
            .and_then(|()| store.purge(&retention(config), now, false));
        if let Some(w) = watch {
            w.end_step();
        }
        match &purged {
            Err(err) if is_interrupted(err) => {
                // The kiosk is shutting down: not a failure; the next start tries again.
                store.set_meta(META_PURGE_DAY, purge_mark.as_deref().unwrap_or_default())?;
                run.purge = Some(purged);
                return Ok(Some(run));
            }
            Err(err) => {
                let notice = Notice::new(
                    NoticeKind::SystemFault,
                    "大堂终端今日自动清理过期记录未能完成 The kiosk's daily purge of expired records did not complete",
                )
                .line(format!("{err}"))
                .line("今日不再重试，明天再试；请技术人员检查存储空间，或运行 lobby-kiosk purge。It is tried again tomorrow; please check the storage, or run lobby-kiosk purge.");
                tell_desk_in(store, &notice, now)?;
            }
            Ok(_) => {}
        }
        let mut purged = purged;
        // The copies kept aside hold full phone numbers too: they go by their own period.
        let db = data_dir.join(crate::app::DB_FILE);
        match data_folder::purge_aside_copies(&db, config.privacy.copy_retention_days, now, false) {
            Ok(copies) => {
                if let Ok(report) = purged.as_mut() {
                    report.copies = copies;
                }
            }
            Err(err) => {
                let notice = Notice::new(
                    NoticeKind::SystemFault,
                    "大堂终端未能删除过期的数据库副本 The kiosk could not delete database copies past their retention",
                )
                .line(format!("{err}"))
                .line("请技术人员检查数据目录（lobby-kiosk check 会列出这些副本）。Please have the data folder checked (lobby-kiosk check lists the copies).");
                tell_desk_in(store, &notice, now)?;
            }
        }
        run.purge = Some(purged);
    }
    if backup_due {
        if let Some(w) = watch {
            w.wait_while_held();
        }
        if !watch.is_none_or(Shared::begin_step) {
            return Ok(Some(run));
        }
        // Marked first: a backup that fails (a full disk) is tried again tomorrow, not
        // every minute, and the desk is told once.
        let dir = data_dir.join(BACKUP_DIR);
        let written = store
            .set_meta(META_BACKUP_DAY, &today)
            .and_then(|()| store::next_backup_name(&dir, now))
            .and_then(|name| store.backup_to(&dir.join(name), now));
        if let Some(w) = watch {
            w.end_step();
        }
        match &written {
            Ok(info) => {
                let name = info.path.file_name().map(|n| n.to_string_lossy().into_owned());
                store.set_meta(META_BACKUP_RESULT, &name.unwrap_or_default())?;
                let keep = usize::try_from(config.backup.keep).unwrap_or(1);
                run.removed = store::rotate_backups(&dir, keep)?;
            }
            Err(err) if is_interrupted(err) => {
                store.set_meta(META_BACKUP_DAY, backup_mark.as_deref().unwrap_or_default())?;
            }
            Err(err) => {
                store.set_meta(META_BACKUP_RESULT, &format!("failed: {err}"))?;
                let notice = Notice::new(NoticeKind::SystemFault, "大堂终端今日自动备份未能完成 The kiosk's daily backup did not complete")
                    .line(format!("{err}"))
                    .line("请技术人员检查存储空间，或运行 lobby-kiosk backup。Please check the storage, or run lobby-kiosk backup.");
                tell_desk_in(store, &notice, now)?;
            }
        }
        run.backup = Some(written);
    }
    Ok(Some(run))
}

/// Whether a statement was stopped by [`Store::interrupt_handle`] (the kiosk closing).
fn is_interrupted(err: &StoreError) -> bool {
    matches!(
        err,
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::OperationInterrupted
    )
}

/// How long dropping a [`Housekeeper`] waits for its thread before leaving it behind.
pub const STOP_WAIT: Duration = Duration::from_secs(5);
/// The longest a [`Hold`] keeps a run waiting, so a test that goes wrong fails rather
/// than hangs.
pub const HOLD_LIMIT: Duration = Duration::from_secs(120);

/// The daily purge and backup on a thread of their own, so the screen never waits for
/// them. One run at a time: a kick while a run is under way is remembered and checked
/// once that run is over (by then the day is marked, so it does nothing more).
///
/// Shutdown: dropping it asks the thread to stop, interrupts the SQL statement in hand
/// (an interrupted `VACUUM` or `VACUUM INTO` is rolled back and leaves the database as it
/// was; the interrupted step's day mark is taken back, so the next start runs it) and
/// joins the thread, waiting [`STOP_WAIT`] at most. A step SQLite cannot interrupt (the
/// integrity check of a new backup copy, its fsync) is then left behind, detached: the
/// process exit ends it, and a backup is only renamed into place once checked and synced,
/// so nothing half-done is ever taken for a backup.
pub struct Housekeeper {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// A kick not yet taken up by the thread.
    requested: bool,
    /// The thread is checking or running the day's steps.
    running: bool,
    stop: bool,
    exited: bool,
    /// A step's SQL may be running on the thread's connection: only then is it interrupted.
    in_step: bool,
    interrupt: Option<rusqlite::InterruptHandle>,
    holds: usize,
    /// The thread waits at a [`Hold`] now.
    held: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the run may go on to its next step (not when stopping); from here until
    /// [`Shared::end_step`] a shutdown interrupts the step's SQL.
    fn begin_step(&self) -> bool {
        let mut st = self.lock();
        st.in_step = !st.stop;
        st.in_step
    }

    fn end_step(&self) {
        self.lock().in_step = false;
    }

    /// Waits while a [`Hold`] is in force (tests), at most [`HOLD_LIMIT`].
    fn wait_while_held(&self) {
        let deadline = Instant::now() + HOLD_LIMIT;
        let mut st = self.lock();
        while st.holds > 0 && !st.stop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            st.held = true;
            self.changed.notify_all();
            st = self
                .changed
                .wait_timeout(st, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        st.held = false;
    }
}

impl Housekeeper {
    /// Starts the thread; it opens its own connection to the database at `db` when first
    /// kicked, and acts at `clock`'s time (the kiosk's, fixed in tests).
    pub fn start(db: &Path, config: Config, data_dir: PathBuf, clock: Clock) -> std::io::Result<Housekeeper> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let worker = shared.clone();
        let db = db.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("housekeeping".into())
            .spawn(move || serve(&worker, &db, &config, &data_dir, &clock))?;
        Ok(Housekeeper {
            shared,
            thread: Some(thread),
        })
    }

    /// Asks the thread to check whether the day's steps are due and run them. Returns at
    /// once, whatever the thread is doing.
    pub fn kick(&self) {
        self.shared.lock().requested = true;
        self.shared.changed.notify_all();
    }

    /// Waits (in real time, up to `limit`) until no kick is pending and no run is under
    /// way; whether that happened. For tests and tools.
    pub fn wait_idle(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut st = self.shared.lock();
        while (st.requested || st.running) && !st.exited {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            st = self
                .shared
                .changed
                .wait_timeout(st, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }

    /// Keeps the next run waiting between its purge and its backup until the returned
    /// guard is dropped (at most [`HOLD_LIMIT`]): for tests showing the screen carries
    /// on while a run is under way.
    pub fn hold(&self) -> Hold {
        self.shared.lock().holds += 1;
        Hold {
            shared: self.shared.clone(),
        }
    }

    /// Whether a run is waiting at a [`Hold`] now.
    pub fn held(&self) -> bool {
        self.shared.lock().held
    }
}

impl Drop for Housekeeper {
    fn drop(&mut self) {
        let deadline = Instant::now() + STOP_WAIT;
        let mut st = self.shared.lock();
        st.stop = true;
        self.shared.changed.notify_all();
        while !st.exited {
            // Again and again: an interrupt between two statements of a step is lost.
            if st.in_step {
                if let Some(handle) = &st.interrupt {
                    handle.interrupt();
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            st = self
                .shared
                .changed
                .wait_timeout(st, left.min(Duration::from_millis(20)))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let exited = st.exited;
        drop(st);
        if let Some(thread) = self.thread.take() {
            if exited {
                let _ = thread.join();
            } else {
                eprintln!("lobby-kiosk: the daily housekeeping is still finishing a step; leaving it to the exit");
            }
        }
    }
}

/// See [`Housekeeper::hold`].
pub struct Hold {
    shared: Arc<Shared>,
}

impl Drop for Hold {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.holds = st.holds.saturating_sub(1);
        drop(st);
        self.shared.changed.notify_all();
    }
}

fn serve(shared: &Shared, db: &Path, config: &Config, data_dir: &Path, clock: &Clock) {
    let mut store: Option<Store> = None;
    loop {
        {
            let mut st = shared.lock();
            while !st.requested && !st.stop {
                st = shared.changed.wait(st).unwrap_or_else(PoisonError::into_inner);
            }
            if st.stop {
                st.exited = true;
                st.interrupt = None;
                shared.changed.notify_all();
                return;
            }
            st.requested = false;
            st.running = true;
        }
        if store.is_none() {
            match Store::open(db) {
                Ok(opened) => {
                    shared.lock().interrupt = Some(opened.interrupt_handle());
                    store = Some(opened);
                }
                Err(err) => eprintln!("lobby-kiosk: the daily housekeeping cannot open the database: {err}"),
            }
        }
        if let Some(s) = store.as_mut() {
            if let Err(err) = run_due(s, config, data_dir, clock.now(), Some(shared)) {
                // Reading or writing the day's marks failed (the storage refusing writes):
                // the next minute tries again, on a fresh connection.
                eprintln!("lobby-kiosk: the daily housekeeping could not run: {err}");
                shared.lock().interrupt = None;
                store = None;
            }
        }
        shared.lock().running = false;
        shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[test]
    fn a_statement_stopped_by_the_interrupt_handle_is_told_apart_from_a_failure() {
        let store = Store::open_in_memory().unwrap();
        let handle = store.interrupt_handle();
        let done = Arc::new(AtomicBool::new(false));
        let stopper = {
            let done = done.clone();
            std::thread::spawn(move || {
                while !done.load(Ordering::SeqCst) {
                    handle.interrupt();
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        };
        // Never ends unless interrupted.
        let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
        let err = StoreError::from(store.conn().query_row(endless, [], |r| r.get::<_, i64>(0)).unwrap_err());
        done.store(true, Ordering::SeqCst);
        stopper.join().unwrap();
        assert!(is_interrupted(&err), "{err}");
        assert!(!is_interrupted(&StoreError::NoRoom));
        // The connection works on afterwards (the flag does not linger).
        store.set_meta(META_PURGE_DAY, "2026-12-01").unwrap();
    }
}
