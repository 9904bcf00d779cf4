//! Keeping the database well for years without a technician: backups taken while the
//! kiosk keeps working, their rotation, restore, the retention purge the privacy notice
//! promises, and the SQLite version the kiosk insists on.
//!
//! Files are only ever published by rename: a backup or a restored database appears
//! under its real name complete and checked, or not at all, whatever the power does.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde::Serialize;

use super::{migrations, ts, Store, StoreError};
use crate::data_folder;

/// Delivered desk notices are kept a month, for the desk to look back on.
pub const NOTICE_DAYS: u32 = 30;
/// The print-job register is kept a quarter, for printer complaints and audits.
pub const PRINT_JOB_DAYS: u32 = 90;
/// Invites are kept a month after their last valid day.
pub const INVITE_DAYS: u32 = 30;

/// The oldest SQLite the kiosk runs on: 3.51.3 fixed the WAL-reset bug, which can
/// corrupt a WAL database under exactly our load (a writer and a checkpointing reader).
pub const MIN_SQLITE_VERSION: i32 = 3_051_003;

/// Whether the linked SQLite is new enough; the start-up self-check refuses older ones.
pub fn sqlite_version_ok() -> bool {
    rusqlite::version_number() >= MIN_SQLITE_VERSION
}

/// How long each kind of record is kept, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retention {
    pub visit_days: u32,
    /// Passes, and permits that ended this long ago (with their rosters).
    pub pass_days: u32,
    /// Finished tickets with their history and the ratings given at the end.
    pub ticket_days: u32,
    pub notice_days: u32,
    pub print_job_days: u32,
    pub invite_days: u32,
    /// Rows of the staff audit (the only way audit rows are ever deleted).
    pub audit_days: u32,
    /// Shift handovers with what they listed as open.
    pub handover_days: u32,
}

impl Retention {
    /// Days a change the fleet's central database acknowledged stays in the queue:
    /// [`super::fleet::SENT_KEEP_DAYS`], never longer than the shortest record retention.
    pub fn fleet_sent_days(&self) -> u32 {
        super::fleet::SENT_KEEP_DAYS
            .min(self.visit_days)
            .min(self.pass_days)
            .min(self.ticket_days)
    }

    /// The configured periods for visits, passes and tickets; the audit and handovers
    /// three years until set by [`Retention::with_records`]; the rest fixed by policy.
    pub fn new(visit_days: u32, pass_days: u32, ticket_days: u32) -> Retention {
        Retention {
            visit_days,
            pass_days,
            ticket_days,
            notice_days: NOTICE_DAYS,
            print_job_days: PRINT_JOB_DAYS,
            invite_days: INVITE_DAYS,
            audit_days: crate::config::DEFAULT_RECORD_RETENTION_DAYS,
            handover_days: crate::config::DEFAULT_RECORD_RETENTION_DAYS,
        }
    }

    /// The configured periods for the audit and the shift handovers.
    pub fn with_records(self, audit_days: u32, handover_days: u32) -> Retention {
        Retention {
            audit_days,
            handover_days,
            ..self
        }
    }
}

/// A backup just written and checked.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub bytes: u64,
    pub taken_at: DateTime<Utc>,
    /// Rows in the copy, so a technician sees at a glance that it is not empty.
    pub visits: i64,
    pub passes: i64,
}

/// What a purge removed (or, for a dry run, would remove).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PurgeReport {
    pub dry_run: bool,
    pub visits: usize,
    /// Visits old enough to go but still let in, not signed out and within their slip's
    /// validity: kept until they are signed out or their slip runs out. (One let in
    /// whose slip ran out and was never signed out goes like any other.)
    pub visits_kept_on_site: usize,
    pub passes: usize,
    /// Permits (with their worker rosters) that ended before the pass cutoff and have
    /// no pass left.
    pub permits: usize,
    /// Finished (done, closed, cancelled) tickets, with their history.
    pub tickets: usize,
    /// Tickets old enough to go but still open: kept until they are finished.
    pub tickets_kept_open: usize,
    /// Satisfaction ratings older than the record they rated is kept.
    pub ratings: usize,
    pub notices: usize,
    pub print_jobs: usize,
    pub invites: usize,
    /// Staff audit rows.
    pub audit: usize,
    /// Shift handovers (with their lists of what was open).
    pub handovers: usize,
    /// Changes the fleet's central database acknowledged (`fleet_queue` rows sent).
    pub fleet_sent: usize,
    /// Changes never sent to the fleet's central database whose record this purge
    /// deleted: deleted with it, never to be sent (the record's retention is over).
    pub fleet_unsent: usize,
    /// Visits created before this instant go.
    pub visit_cutoff: String,
    /// Passes for days before this date go.
    pub pass_cutoff: String,
    /// Finished tickets received before this instant go.
    pub ticket_cutoff: String,
    /// Whether the file was rebuilt afterwards, leaving no trace of purged rows.
    pub vacuumed: bool,
    /// Database copies kept aside (damaged, replaced by a restore) past
    /// `privacy.copy_retention_days`, deleted (or, for a dry run, to be deleted) with
    /// the purge: filled in by the caller, which knows the data folder.
    pub copies: Vec<PathBuf>,
}

impl PurgeReport {
    pub fn total(&self) -> usize {
        self.visits
            + self.passes
            + self.permits
            + self.tickets
            + self.ratings
            + self.notices
            + self.print_jobs
            + self.invites
            + self.audit
            + self.handovers
            + self.fleet_sent
            + self.fleet_unsent
    }
}

/// The file name a backup taken at `now` gets: `kiosk-YYYYMMDD-HHMMSS.sqlite3` (UTC), so
/// names sort in time order and [`rotate_backups`] can tell its own files from others.
pub fn backup_file_name(now: DateTime<Utc>) -> String {
    format!("kiosk-{}.sqlite3", now.format("%Y%m%d-%H%M%S"))
}

/// The name for a new backup in `dir` taken at `now`: [`backup_file_name`], but always
/// after the newest backup already there, so a clock set back (an NTP correction, a
/// flat RTC battery) cannot make the newest backup look oldest and be rotated out at
/// once, nor make start-up restore an older one.
pub fn next_backup_name(dir: &Path, now: DateTime<Utc>) -> Result<String, StoreError> {
    let newest = backups_newest_first(dir)?
        .first()
        .and_then(|p| p.file_name().and_then(|n| backup_stamp(&n.to_string_lossy())))
        .map(|stamp| stamp.and_utc());
    Ok(match newest {
        // Names go by the second: a second backup within the same second goes one after.
        Some(newest) if newest >= now.with_nanosecond(0).unwrap_or(now) => {
            backup_file_name(newest + Duration::seconds(1))
        }
        _ => backup_file_name(now),
    })
}

/// The time in a backup file name, `None` for any other file.
fn backup_stamp(name: &str) -> Option<NaiveDateTime> {
    let stamp = name.strip_prefix("kiosk-")?.strip_suffix(".sqlite3")?;
    let digits_ok = stamp.len() == 15
        && stamp
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 8 { b == b'-' } else { b.is_ascii_digit() });
    if !digits_ok {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()
}

/// The backups in `dir` (named by [`backup_file_name`]), newest first; none if the
/// folder does not exist.
pub fn backups_newest_first(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(file_error(dir, e)),
    };
    let mut backups = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| file_error(dir, e))?;
        if let Some(stamp) = backup_stamp(&entry.file_name().to_string_lossy()) {
            backups.push((stamp, entry.path()));
        }
    }
    backups.sort_by_key(|b| std::cmp::Reverse(b.0));
    Ok(backups.into_iter().map(|(_, p)| p).collect())
}

/// Keeps the newest `keep` backups in `dir` (at least one: rotation never leaves no
/// backup) and deletes the older ones. Files not named by [`backup_file_name`] are left
/// alone, except temporary files of backups older than the newest one, which a crash
/// abandoned. Returns what was deleted.
pub fn rotate_backups(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(file_error(dir, e)),
    };
    let mut backups = Vec::new();
    let mut temporaries = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| file_error(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stamp) = backup_stamp(&name) {
            backups.push((stamp, entry.path()));
        } else if let Some(stamp) = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(backup_stamp)
        {
            temporaries.push((stamp, entry.path()));
        }
    }
    backups.sort_by_key(|b| std::cmp::Reverse(b.0));
    let newest = backups.first().map(|(stamp, _)| *stamp);
    let mut removed = Vec::new();
    for (_, path) in backups.into_iter().skip(keep.max(1)) {
        remove_if_exists(&path)?;
        removed.push(path);
    }
    for (stamp, path) in temporaries {
        if newest.is_some_and(|n| stamp < n) {
            remove_if_exists(&path)?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// Puts a backup in place of the database at `db_path`. The kiosk must be stopped.
///
/// The backup is copied next to the database and that copy is checked (integrity, a
/// kiosk schema this build can read) before anything is touched, so a damaged backup
/// changes nothing. The database it replaces is kept under a name of its own,
/// `<db>.before-restore-YYYYMMDD-HHMMSS` (the kiosk's clock, `now`; never an existing
/// name, so a second restore keeps the first one's copy), together with its WAL (renamed
/// to that name plus `-wal`, the name SQLite looks for, so its last commits are not
/// lost); a stale `-shm` is removed, never paired with the restored file. Returns where
/// the replaced database is kept, if there was one. A staged copy a killed restore left
/// behind is removed first.
pub fn restore_from(backup: &Path, db_path: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>, StoreError> {
    if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    }
    let staged = with_suffix(db_path, data_folder::RESTORE_TMP);
    remove_database_files(&staged)?;
    fs::copy(backup, &staged).map_err(|e| file_error(backup, e))?;
    let checked = data_folder::chmod(&staged, 0o600)
        .map_err(|e| file_error(&staged, e))
        .and_then(|()| sync_file(&staged))
        .and_then(|()| check_copy(&staged).map(|_| ()));
    if let Err(e) = checked {
        let _ = remove_database_files(&staged);
        return Err(e);
    }
    // A restored kiosk is a new incarnation for the fleet: its next records must not
    // reuse the global ids of records it made after the backup was taken.
    if let Err(e) = next_incarnation(&staged, db_path) {
        let _ = remove_database_files(&staged);
        return Err(e);
    }
    // The copy was opened to be checked; no journal of its own may come along.
    remove_side_files(&staged)?;

    let mut kept = None;
    if db_path.exists() {
        let before = data_folder::stamped_name(db_path, data_folder::BEFORE_RESTORE, now);
        rename(db_path, &before)?;
        for side in ["-wal", "-journal"] {
            let from = with_suffix(db_path, side);
            if from.exists() {
                rename(&from, &with_suffix(&before, side))?;
            }
        }
        kept = Some(before);
    }
    remove_side_files(db_path)?;
    rename(&staged, db_path)?;
    sync_parent(db_path)?;
    Ok(kept)
}

/// Sets the staged copy's fleet incarnation above both its own and the replaced
/// database's (when that one can still be read).
fn next_incarnation(staged: &Path, replaced: &Path) -> Result<(), StoreError> {
    let read = |path: &Path| -> Option<i64> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
        super::fleet::meta_in(&conn, super::fleet::META_INC).ok()??.parse().ok()
    };
    let before = if replaced.exists() {
        read(replaced).unwrap_or(0)
    } else {
        0
    };
    let conn = Connection::open(staged)?;
    super::fleet::bump_in(&conn, before + 1)?;
    Ok(())
}

impl Store {
    /// Writes a consistent copy of the database to `dest` while the kiosk keeps working.
    ///
    /// `VACUUM INTO` reads one snapshot (WAL lets other connections go on writing) and
    /// writes a compact copy without free pages, so deleted rows do not travel into
    /// backups. SQLite does not fsync that copy, so it is written under a temporary name,
    /// checked with `PRAGMA integrity_check`, synced and only then renamed to `dest`;
    /// a copy that fails the check is deleted and reported as [`StoreError::Damaged`].
    pub fn backup_to(&self, dest: &Path, taken_at: DateTime<Utc>) -> Result<BackupInfo, StoreError> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp"));
        let tmp_text = tmp.to_str().ok_or_else(|| {
            file_error(
                &tmp,
                io::Error::new(io::ErrorKind::InvalidInput, "the path is not valid UTF-8"),
            )
        })?;
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
        }
        // VACUUM INTO refuses an existing non-empty file: a crash's leftover goes first.
        remove_database_files(&tmp)?;
        let written = self
            .conn()
            .execute("VACUUM INTO ?1", [tmp_text])
            .map_err(StoreError::from)
            .and_then(|_| check_copy(&tmp))
            .and_then(|counts| sync_file(&tmp).map(|()| counts));
        let (visits, passes) = match written {
            Ok(counts) => counts,
            Err(e) => {
                let _ = remove_database_files(&tmp);
                return Err(e);
            }
        };
        remove_side_files(&tmp)?;
        data_folder::chmod(&tmp, 0o600).map_err(|e| file_error(&tmp, e))?;
        rename(&tmp, dest)?;
        sync_parent(dest)?;
        let bytes = fs::metadata(dest).map_err(|e| file_error(dest, e))?.len();
        Ok(BackupInfo {
            path: dest.to_path_buf(),
            bytes,
            taken_at,
            visits,
            passes,
        })
    }

    /// Deletes what is older than the retention periods, in one transaction:
    /// visits by `created_at` (never one still let in and not signed out), passes by
    /// day, delivered notices, print jobs, and invites whose last day is long past (and
    /// that no kept visit points to). A dry run runs the very same deletes and rolls them
    /// back, so its counts are exactly what a real purge would remove.
    ///
    /// Purged rows must not live on in the file, so a real purge ends with `VACUUM`,
    /// which rebuilds the file from the live rows. `secure_delete` alone is not enough:
    /// it zeroes deleted cells and freed pages, but when a delete rebalances the b-tree,
    /// rows moved between pages (and deleted later in the same purge) leave copies in
    /// the unused part of a page (`purged_rows_do_not_survive_in_the_file` finds them). `secure_delete` is still
    /// on during the purge, so if the `VACUUM` fails (it needs the file's size again in
    /// free space) most of the data is gone anyway, and the next purge vacuums again
    /// while free pages remain. The `VACUUM` holds the write lock while it rewrites
    /// the whole file and the kiosk's writes wait for it (busy timeout 5 s), so purges
    /// run at night, when a registration is unlikely.
    pub fn purge(&mut self, cutoffs: &Retention, now: DateTime<Utc>, dry_run: bool) -> Result<PurgeReport, StoreError> {
        let days_before = |days: u32| {
            now.checked_sub_signed(Duration::days(i64::from(days)))
                .unwrap_or(DateTime::<Utc>::MIN_UTC)
        };
        // Days (passes, invites) are compared with the UTC date: a few hours either way
        // on a retention of months.
        let date_before = |days: u32| days_before(days).date_naive();
        let mut report = PurgeReport {
            dry_run,
            visit_cutoff: ts(days_before(cutoffs.visit_days)),
            pass_cutoff: day_text(date_before(cutoffs.pass_days)),
            ticket_cutoff: ts(days_before(cutoffs.ticket_days)),
            ..PurgeReport::default()
        };
        let notice_cutoff = ts(days_before(cutoffs.notice_days));
        let job_cutoff = ts(days_before(cutoffs.print_job_days));
        let invite_cutoff = day_text(date_before(cutoffs.invite_days));

        let previous: i64 = self.conn().query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn().execute_batch("PRAGMA secure_delete = ON")?;
        let result = (|| -> Result<(), StoreError> {
            let tx = super::begin(self.conn_mut(), true)?;
            // Still on site: let in, not signed out, and the slip not yet run out (or
            // valid with no end recorded).
            let still_valid = "status = 'approved' AND (valid_until IS NULL OR valid_until >= ?2)";
            let now_text = ts(now);
            let on_site: i64 = tx.query_row(
                &format!("SELECT count(*) FROM visits WHERE created_at < ?1 AND {still_valid}"),
                [&report.visit_cutoff, &now_text],
                |r| r.get(0),
            )?;
            report.visits_kept_on_site = usize::try_from(on_site).unwrap_or_default();
            report.visits = tx.execute(
                &format!("DELETE FROM visits WHERE created_at < ?1 AND NOT ({still_valid})"),
                [&report.visit_cutoff, &now_text],
            )?;
            report.passes = tx.execute("DELETE FROM passes WHERE day < ?1", [&report.pass_cutoff])?;
            // Permits that ended before the pass cutoff and no longer have a pass: their
            // rosters hold workers' names, phones and ID fingerprints.
            let ended = "SELECT id FROM permits WHERE end_date < ?1
                 AND NOT EXISTS (SELECT 1 FROM passes p WHERE p.permit_id = permits.id)";
            tx.execute(
                &format!("DELETE FROM permit_workers WHERE permit_id IN ({ended})"),
                [&report.pass_cutoff],
            )?;
            report.permits = tx.execute(
                &format!("DELETE FROM permits WHERE id IN ({ended})"),
                [&report.pass_cutoff],
            )?;
            let open: i64 = tx.query_row(
                &format!("SELECT count(*) FROM tickets WHERE received_at < ?1 AND status NOT IN ({FINISHED_TICKETS})"),
                [&report.ticket_cutoff],
                |r| r.get(0),
            )?;
            report.tickets_kept_open = usize::try_from(open).unwrap_or_default();
            let finished = format!("SELECT id FROM tickets WHERE received_at < ?1 AND status IN ({FINISHED_TICKETS})");
            tx.execute(
                &format!("DELETE FROM ticket_history WHERE ticket_id IN ({finished})"),
                [&report.ticket_cutoff],
            )?;
            report.tickets = tx.execute(
                &format!("DELETE FROM tickets WHERE id IN ({finished})"),
                [&report.ticket_cutoff],
            )?;
            // A rating is kept as long as the kind of record it rated.
            let pass_cutoff_ts = ts(days_before(cutoffs.pass_days));
            report.ratings = tx.execute(
                "DELETE FROM satisfaction WHERE
                    (journey = 'visitor' AND at < ?1) OR (journey = 'worker' AND at < ?2)
                    OR (journey IN ('resident', 'ticket') AND at < ?3)",
                [&report.visit_cutoff, &pass_cutoff_ts, &report.ticket_cutoff],
            )?;
            report.notices = tx.execute(
                "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?1",
                [&notice_cutoff],
            )?;
            report.print_jobs = tx.execute("DELETE FROM print_jobs WHERE created_at < ?1", [&job_cutoff])?;
            tx.execute("DELETE FROM print_faults WHERE at < ?1", [&job_cutoff])?;
            report.invites = tx.execute(
                "DELETE FROM invites WHERE valid_until < ?1
                 AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.invite_id = invites.id)",
                [&invite_cutoff],
            )?;
            // The audit and handovers refuse deletes (triggers) except of rows older than
            // the cutoffs written to `purge_gate` inside this transaction, which nobody
            // else ever sees: the purge is the only way out for an audit row.
            let audit_cutoff = ts(days_before(cutoffs.audit_days));
            let handover_cutoff = ts(days_before(cutoffs.handover_days));
            tx.execute(
                "INSERT INTO purge_gate(id, audit_before, handovers_before) VALUES (1, ?1, ?2)",
                [&audit_cutoff, &handover_cutoff],
            )?;
            report.audit = tx.execute("DELETE FROM audit WHERE at < ?1", [&audit_cutoff])?;
            tx.execute(
                "DELETE FROM handover_items WHERE handover_id IN (SELECT id FROM handovers WHERE closed_at < ?1)",
                [&handover_cutoff],
            )?;
            report.handovers = tx.execute("DELETE FROM handovers WHERE closed_at < ?1", [&handover_cutoff])?;
            tx.execute("DELETE FROM purge_gate", [])?;
            // Changes never sent whose record is gone now: past its retention, so it must
            // not reach the central database either (the notices promise how long a
            // record is kept). They go with the record, in this transaction, and the
            // kiosk remembers how many and when for `sync status` and the dashboard.
            report.fleet_unsent = super::fleet::drop_unsent_of_purged(&tx)?;
            if report.fleet_unsent > 0 {
                super::fleet::note_unsent_purged(&tx, report.fleet_unsent, now)?;
            }
            super::fleet::forget_purged(&tx)?;
            // Changes the central database acknowledged: nothing left to send, and their
            // bodies copy the records' personal data. Held a few days (`sync status`
            // counts them), never longer than the shortest record retention; unsent ones
            // stay until they are sent. The newest row always stays, so queue ids, and the
            // versions made from them, keep rising after a purge.
            let sent_days = cutoffs.fleet_sent_days();
            report.fleet_sent = tx.execute(
                "DELETE FROM fleet_queue WHERE sent_at IS NOT NULL AND sent_at < ?1
                 AND id < (SELECT max(id) FROM fleet_queue)",
                [ts(days_before(sent_days))],
            )?;
            if dry_run {
                tx.rollback()?;
            } else {
                tx.commit()?;
            }
            Ok(())
        })();
        let restored = self
            .conn()
            .execute_batch(&format!("PRAGMA secure_delete = {}", previous.clamp(0, 2)));
        result?;
        restored?;
        if !dry_run {
            let free_pages: i64 = self.conn().query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
            if report.total() > 0 || free_pages > 0 {
                self.conn().execute_batch("VACUUM")?;
                report.vacuumed = true;
            }
            // Busy readers only postpone the rest of the checkpoint; the next one finishes it.
            let _: (i64, i64, i64) = self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        }
        Ok(report)
    }
}

/// Ticket statuses after which nothing more happens to a ticket (SQL list).
const FINISHED_TICKETS: &str = "'done', 'return_visit', 'closed', 'cancelled'";

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Opens a copy and checks it is an intact kiosk database this build can read.
/// Returns its visit and pass counts.
fn check_copy(path: &Path) -> Result<(i64, i64), StoreError> {
    let damaged = |e: rusqlite::Error| match e {
        rusqlite::Error::SqliteFailure(f, msg)
            if matches!(f.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) =>
        {
            StoreError::Damaged(msg.unwrap_or_else(|| f.to_string()))
        }
        other => StoreError::Sqlite(other),
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check(5)")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
        .map_err(damaged)?;
    let verdict = problems.join("; ");
    if verdict != "ok" {
        return Err(StoreError::Damaged(verdict));
    }
    let found = migrations::current(&conn)?;
    if found > migrations::latest() {
        return Err(StoreError::SchemaTooNew {
            found,
            known: migrations::latest(),
        });
    }
    let count = |table: &str| -> Result<i64, StoreError> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    let is_kiosk: bool = conn.query_row(
        "SELECT count(*) = 3 FROM sqlite_master WHERE type = 'table' AND name IN ('kiosk_meta', 'visits', 'passes')",
        [],
        |r| r.get(0),
    )?;
    if !is_kiosk {
        return Err(StoreError::Damaged("not a lobby-kiosk database".to_string()));
    }
    Ok((count("visits")?, count("passes")?))
}

fn file_error(path: &Path, source: io::Error) -> StoreError {
    StoreError::File {
        path: path.to_path_buf(),
        source,
    }
}

pub(crate) use crate::data_folder::with_suffix;

fn remove_if_exists(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(file_error(path, e)),
    }
}

/// The journal files SQLite may keep beside a database.
fn remove_side_files(db: &Path) -> Result<(), StoreError> {
    for side in ["-wal", "-shm", "-journal"] {
        remove_if_exists(&with_suffix(db, side))?;
    }
    Ok(())
}

fn remove_database_files(db: &Path) -> Result<(), StoreError> {
    remove_if_exists(db)?;
    remove_side_files(db)
}

fn rename(from: &Path, to: &Path) -> Result<(), StoreError> {
    fs::rename(from, to).map_err(|e| file_error(to, e))
}

fn sync_file(path: &Path) -> Result<(), StoreError> {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| file_error(path, e))
}

/// Makes a rename durable: on Linux the directory entry is data of the directory.
fn sync_parent(path: &Path) -> Result<(), StoreError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    {
        sync_file(dir)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
#[path = "backup_purge_tests.rs"]
mod tests;
