//! The whole-file integrity check, kept off the path to the first frame.
//!
//! `PRAGMA quick_check` reads every page of the file: 0.4 s at 180 days of records, 20 s at
//! five years. Run before the window showed, it made the first frame (and every command of
//! the command line) wait on the database's size. The promise it keeps is narrower than
//! "check before anything": never *write* to a damaged file. So a guard is registered for
//! the database's path, and every connection this process opens on that path holds its
//! first commit (SQLite's commit hook) until the check, run on a read-only connection of
//! its own, has passed; if it found damage, every commit is rolled back and the writer gets
//! [`StoreError::Damaged`]. Reads go on meanwhile (SQLite still refuses a page it cannot
//! parse, so a read of damaged pages fails rather than answers wrongly).
//!
//! The kiosk starts the check in the background once its window shows
//! ([`Guard::start_in_background`]; a write before then runs it itself); a command-line
//! command runs it only when it first writes, so a read answers at once whatever the size. `lobby-kiosk check` and the
//! start-up recovery still check the whole file synchronously.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// What the guard knows about its file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    NotStarted,
    Running,
    /// `Ok` when the check passed; otherwise what it found.
    Done(Result<(), String>),
}

/// The check of one database file, shared by every connection the process opens on it.
#[derive(Debug)]
pub struct Guard {
    path: PathBuf,
    state: Mutex<State>,
    changed: Condvar,
}

fn registry() -> &'static Mutex<Vec<Arc<Guard>>> {
    static GUARDS: OnceLock<Mutex<Vec<Arc<Guard>>>> = OnceLock::new();
    GUARDS.get_or_init(|| Mutex::new(Vec::new()))
}

/// One spelling per file, whichever way the caller joined the path.
fn key(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .map(|d| d.join(name))
        .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// Registers a fresh guard for `path` (replacing any earlier one): connections opened on
/// it from now on hold their first commit until its check passes.
pub fn guard(path: &Path) -> Arc<Guard> {
    let guard = Arc::new(Guard {
        path: path.to_path_buf(),
        state: Mutex::new(State::NotStarted),
        changed: Condvar::new(),
    });
    let key = key(path);
    let mut guards = registry().lock().unwrap_or_else(|e| e.into_inner());
    guards.retain(|g| key_of(g) != key);
    guards.push(guard.clone());
    guard
}

fn key_of(guard: &Guard) -> PathBuf {
    key(&guard.path)
}

/// Removes the guard of `path`, if any: the file was just checked whole (or replaced by a
/// checked backup), so its connections need not wait.
pub fn forget(path: &Path) {
    let key = key(path);
    registry()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|g| key_of(g) != key);
}

/// The guard of `path`, when one is registered.
pub fn guard_for(path: &Path) -> Option<Arc<Guard>> {
    let key = key(path);
    registry()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|g| key_of(g) == key)
        .cloned()
}

/// Whether some guard's check is running: a writer waiting for the lock another
/// connection holds while its commit waits on the check keeps waiting (see [`busy`]).
fn any_running() -> bool {
    registry()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .any(|g| *g.state.lock().unwrap_or_else(|e| e.into_inner()) == State::Running)
}

/// The busy handler of guarded connections: SQLite's usual five seconds, but never giving
/// up while a check is still running (the lock's holder is waiting for it to finish).
pub(crate) fn busy(attempt: i32) -> bool {
    if attempt < 500 || any_running() {
        std::thread::sleep(Duration::from_millis(10));
        true
    } else {
        false
    }
}

impl Guard {
    /// Runs the check on a thread of its own, at a lower CPU priority than the screen's,
    /// and calls `on_damage` there if it finds damage. The kiosk starts it once its window
    /// is up, so the check does not compete with the first frame for the CPU.
    pub fn start_in_background(self: &Arc<Self>, on_damage: impl FnOnce() + Send + 'static) {
        let guard = self.clone();
        let spawned = std::thread::Builder::new()
            .name("integrity-check".into())
            .spawn(move || {
                // Linux: this thread only (nice 10); a failure leaves the default.
                #[cfg(target_os = "linux")]
                let _ = rustix::process::setpriority_process(None, 10);
                if guard.wait().is_err() {
                    on_damage();
                }
            });
        if spawned.is_err() {
            // No thread: the first write runs the check itself.
        }
    }

    /// The check's verdict, waiting for it (and running it on this thread if nobody has
    /// started it yet).
    pub fn wait(&self) -> Result<(), String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match &*state {
                State::Done(result) => return result.clone(),
                State::Running => state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner()),
                State::NotStarted => {
                    *state = State::Running;
                    drop(state);
                    let result = check_file(&self.path);
                    let mut done = self.state.lock().unwrap_or_else(|e| e.into_inner());
                    *done = State::Done(result.clone());
                    self.changed.notify_all();
                    return result;
                }
            }
        }
    }

    /// The verdict if the check has finished, without waiting.
    pub fn verdict(&self) -> Option<Result<(), String>> {
        match &*self.state.lock().unwrap_or_else(|e| e.into_inner()) {
            State::Done(result) => Some(result.clone()),
            _ => None,
        }
    }
}

/// `PRAGMA quick_check` of the committed file, on a read-only connection of its own (it
/// reads beside a writer in WAL mode). A file that cannot be checked counts as damaged:
/// writing to it is what the guard exists to prevent.
fn check_file(path: &Path) -> Result<(), String> {
    let run = || -> rusqlite::Result<String> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mut stmt = conn.prepare("PRAGMA quick_check(5)")?;
        let rows: Vec<String> = stmt.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        Ok(rows.join("; "))
    };
    match run() {
        Ok(text) if text == "ok" => Ok(()),
        Ok(text) => Err(text),
        Err(err) => Err(err.to_string()),
    }
}

/// Installs the guard of `path`, if one is registered, on a connection just opened on it.
pub(crate) fn install(conn: &mut Connection, path: &Path) -> rusqlite::Result<()> {
    if let Some(guard) = guard_for(path) {
        // Returning true turns the commit into a rollback.
        conn.commit_hook(Some(move || guard.wait().is_err()))?;
        conn.busy_handler(Some(busy))?;
    }
    Ok(())
}

/// Whether a SQLite error is a commit the guard refused.
pub(crate) fn is_refused_commit(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(e, _)
        if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_COMMITHOOK)
}
