//! The data folder as files: kept private (0700, files 0600, whatever the umask), told
//! apart as used or new (a used folder with no database is damage, not a first run),
//! and the copies the kiosk keeps beside the database (a damaged file moved aside, the
//! database a restore replaced), each under its own timestamped name, listed by `check`
//! and deleted by the daily purge once past their retention.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Serialize;

/// Where backups go inside the data folder.
pub const BACKUP_DIR: &str = "backups";
/// Where the signing and ID-hash keys live inside the data folder.
pub const KEYS_DIR: &str = "keys";
/// Where the virtual printer files its slips.
pub const PRINTER_DIR: &str = "printer";
/// The suffix of a damaged database moved aside at start-up.
pub const DAMAGED: &str = ".damaged-";
/// The suffix of a database a restore replaced.
pub const BEFORE_RESTORE: &str = ".before-restore";
/// The suffix of a restore's staged copy, removed at the next start or restore if a
/// restore was killed half-way.
pub const RESTORE_TMP: &str = ".restore-tmp";

/// The side files SQLite keeps beside a database.
pub const SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// `kiosk.sqlite3` + `-wal` is `kiosk.sqlite3-wal`: SQLite's own naming of side files.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes every file and folder this process creates private to the kiosk's user
/// (umask 077): the database, its WAL, backups and printer jobs hold full phone numbers
/// and PIN hashes. Set once at start by the binary, and again by [`secure`].
pub fn private_umask() {
    #[cfg(unix)]
    {
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    }
}

/// Creates the data folder if needed and makes it and the database files already in
/// it private (0700 and 0600), whatever mode an older version or another umask left.
pub fn secure(dir: &Path, db: &Path) -> io::Result<()> {
    private_umask();
    fs::create_dir_all(dir)?;
    tighten(dir, 0o700)?;
    for side in ["", "-wal", "-shm", "-journal"] {
        let file = with_suffix(db, side);
        if file.exists() {
            tighten(&file, 0o600)?;
        }
    }
    for sub in [BACKUP_DIR, KEYS_DIR, PRINTER_DIR] {
        let sub = dir.join(sub);
        if sub.is_dir() {
            tighten(&sub, 0o700)?;
        }
    }
    Ok(())
}

/// Sets `mode` where it is not set already. Storage mounted read-only cannot take a new
/// mode and cannot be written either: that is left to the read-only fallback (which
/// names the cause), and `check` reports a file others can read.
pub fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    if mode_of(path) == Some(mode) {
        return Ok(());
    }
    match chmod(path, mode) {
        Err(err) if err.kind() == io::ErrorKind::ReadOnlyFilesystem => Ok(()),
        other => other,
    }
}

/// Sets a file's or folder's permission bits (a no-op off Unix).
pub fn chmod(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// The permission bits of a file, `None` off Unix or if it cannot be read.
pub fn mode_of(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Whether a mode lets anyone but the owner in (group or others, any access).
pub fn is_exposed(mode: u32) -> bool {
    mode & 0o077 != 0
}

/// A data file or folder others can read, for `check`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Exposed {
    pub path: PathBuf,
    /// Octal, e.g. `644`.
    pub mode: String,
    /// The command that makes it private again.
    pub fix: String,
}

/// Every file and folder in the data folder that others can read: the folder itself,
/// the database and its side files, the backups, keys and printer jobs, and the copies
/// kept aside.
pub fn exposed_files(dir: &Path) -> Vec<Exposed> {
    let mut found = Vec::new();
    let mut look = |path: &Path| {
        if let Some(mode) = mode_of(path) {
            if is_exposed(mode) {
                let want = if path.is_dir() { "700" } else { "600" };
                found.push(Exposed {
                    path: path.to_path_buf(),
                    mode: format!("{mode:o}"),
                    fix: format!("chmod {want} {}", path.display()),
                });
            }
        }
    };
    look(dir);
    for path in files_in(dir) {
        look(&path);
    }
    for sub in [BACKUP_DIR, KEYS_DIR, PRINTER_DIR] {
        let sub = dir.join(sub);
        if sub.is_dir() {
            for path in files_in(&sub) {
                look(&path);
            }
        }
    }
    found
}

/// The entries of a folder (none if it cannot be read).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
}

/// Whether a folder has anything in it.
fn has_entries(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// What shows that a data folder has been used before: backups, keys or printer jobs.
/// `None` for a new folder, where a missing database is a first run.
pub fn used_evidence(dir: &Path) -> Option<String> {
    let found: Vec<&str> = [BACKUP_DIR, KEYS_DIR, PRINTER_DIR]
        .into_iter()
        .filter(|sub| has_entries(&dir.join(sub)))
        .collect();
    (!found.is_empty()).then(|| found.join(", "))
}

/// Why the database file counts as missing: absent, or 0 bytes (SQLite would take
/// either for a new, empty database). `None` when it has content.
pub fn blank_database(db: &Path) -> Option<&'static str> {
    match fs::metadata(db) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Some("the database file is missing"),
        Ok(meta) if meta.len() == 0 => Some("the database file is empty (0 bytes)"),
        _ => None,
    }
}

/// A fresh name for a copy of `db` kept at `now`: `<db><suffix>-YYYYMMDD-HHMMSS` (the
/// kiosk's clock, UTC), with `-1`, `-2`… if that name is taken, so no copy is ever
/// overwritten.
pub fn stamped_name(db: &Path, suffix: &str, now: DateTime<Utc>) -> PathBuf {
    let base = with_suffix(db, &format!("{suffix}-{}", now.format("%Y%m%d-%H%M%S")));
    let taken = |p: &Path| SIDE_FILES.iter().any(|s| with_suffix(p, s).exists()) || p.exists();
    let mut path = base.clone();
    let mut n = 1;
    while taken(&path) {
        path = with_suffix(&base, &format!("-{n}"));
        n += 1;
    }
    path
}

/// Removes what a killed restore left behind (its staged copy and that copy's side
/// files). Returns what was removed.
pub fn remove_restore_leftovers(db: &Path) -> io::Result<Vec<PathBuf>> {
    let staged = with_suffix(db, RESTORE_TMP);
    let mut removed = Vec::new();
    for side in ["", "-wal", "-shm", "-journal"] {
        let path = with_suffix(&staged, side);
        match fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

/// A copy of the database kept beside it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AsideCopy {
    pub path: PathBuf,
    /// `damaged` or `before_restore`.
    pub kind: &'static str,
    /// When it was put aside (from its name; the file's time for an old unstamped one).
    pub kept_since: Option<DateTime<Utc>>,
    pub bytes: u64,
}

/// The copies of `db` kept beside it (not their `-wal` side files, which go with them),
/// oldest first.
pub fn aside_copies(db: &Path) -> Vec<AsideCopy> {
    let (Some(dir), Some(base)) = (db.parent(), db.file_name()) else {
        return Vec::new();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let base = base.to_string_lossy().into_owned();
    let mut copies = Vec::new();
    for path in files_in(dir) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(rest) = name.strip_prefix(&base) else { continue };
        if SIDE_FILES.iter().any(|s| rest.ends_with(s)) {
            continue;
        }
        let (kind, stamp) = if let Some(stamp) = rest.strip_prefix(DAMAGED) {
            ("damaged", stamp)
        } else if let Some(stamp) = rest.strip_prefix(BEFORE_RESTORE) {
            ("before_restore", stamp.strip_prefix('-').unwrap_or(stamp))
        } else {
            continue;
        };
        let meta = fs::metadata(&path).ok();
        let kept_since =
            parse_stamp(stamp).or_else(|| meta.as_ref().and_then(|m| m.modified().ok()).map(DateTime::<Utc>::from));
        copies.push(AsideCopy {
            path,
            kind,
            kept_since,
            bytes: meta.map_or(0, |m| m.len()),
        });
    }
    copies.sort_by_key(|c| c.kept_since);
    copies
}

/// `20261130-031500` (with an optional `-N`) as a time.
fn parse_stamp(stamp: &str) -> Option<DateTime<Utc>> {
    let stamp = stamp.get(..15)?;
    NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S")
        .ok()
        .map(|t| t.and_utc())
}

/// Deletes the copies kept aside for more than `days` (with their side files), or with
/// `dry_run` only lists them. Returns what went (or would go).
pub fn purge_aside_copies(db: &Path, days: u32, now: DateTime<Utc>, dry_run: bool) -> io::Result<Vec<PathBuf>> {
    let cutoff = now
        .checked_sub_signed(Duration::days(i64::from(days)))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut removed = Vec::new();
    for copy in aside_copies(db) {
        if copy.kept_since.is_none_or(|t| t >= cutoff) {
            continue;
        }
        if !dry_run {
            for side in ["", "-wal", "-shm", "-journal"] {
                match fs::remove_file(with_suffix(&copy.path, side)) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        removed.push(copy.path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn stamped_names_never_repeat() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.sqlite3");
        let now = at("2026-11-30T03:15:00Z");
        let first = stamped_name(&db, BEFORE_RESTORE, now);
        assert!(
            first.ends_with("kiosk.sqlite3.before-restore-20261130-031500"),
            "{first:?}"
        );
        fs::write(&first, "x").unwrap();
        let second = stamped_name(&db, BEFORE_RESTORE, now);
        assert_ne!(first, second);
        fs::write(&second, "x").unwrap();
        assert_ne!(stamped_name(&db, BEFORE_RESTORE, now), second);
    }

    #[test]
    fn copies_past_their_retention_go_with_their_side_files_and_newer_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.sqlite3");
        fs::write(&db, "db").unwrap();
        let old = with_suffix(&db, ".damaged-20261001-000000");
        let old_wal = with_suffix(&old, "-wal");
        let recent = with_suffix(&db, ".before-restore-20261125-120000");
        for p in [&old, &old_wal, &recent] {
            fs::write(p, "x").unwrap();
        }
        let listed = aside_copies(&db);
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert_eq!(listed[0].kind, "damaged");
        let now = at("2026-11-30T03:00:00Z");
        assert_eq!(purge_aside_copies(&db, 30, now, true).unwrap(), vec![old.clone()]);
        assert!(old.exists(), "a dry run deletes nothing");
        assert_eq!(purge_aside_copies(&db, 30, now, false).unwrap(), vec![old.clone()]);
        assert!(!old.exists() && !old_wal.exists());
        assert!(recent.exists() && db.exists());
    }

    #[cfg(unix)]
    #[test]
    fn secure_makes_the_folder_and_database_private_and_exposed_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fs::create_dir(&data).unwrap();
        chmod(&data, 0o755).unwrap();
        let db = data.join("kiosk.sqlite3");
        fs::write(&db, "x").unwrap();
        chmod(&db, 0o644).unwrap();
        let exposed = exposed_files(&data);
        assert_eq!(exposed.len(), 2, "{exposed:?}");
        assert!(exposed.iter().any(|e| e.fix == format!("chmod 600 {}", db.display())));
        secure(&data, &db).unwrap();
        assert_eq!(mode_of(&data), Some(0o700));
        assert_eq!(mode_of(&db), Some(0o600));
        assert!(exposed_files(&data).is_empty());
    }

    #[test]
    fn a_folder_with_keys_backups_or_slips_has_been_used() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(used_evidence(dir.path()), None);
        fs::create_dir(dir.path().join(BACKUP_DIR)).unwrap();
        assert_eq!(used_evidence(dir.path()), None, "an empty folder shows nothing");
        fs::write(dir.path().join(BACKUP_DIR).join("kiosk-20261130-030000.sqlite3"), "x").unwrap();
        assert_eq!(used_evidence(dir.path()).as_deref(), Some("backups"));
    }
}
