//! The kiosk's daily care of its own records, run from the screen's periodic tick so a
//! kiosk nobody visits still keeps its privacy promises and its backups without a
//! systemd timer: once per local day, at `backup.time` or the first minute after it
//! that the kiosk runs, it purges what is past its retention and then writes a
//! checked backup, deleting the oldest beyond `backup.keep`.
//!
//! Purge first, then back up: the new backup holds nothing purged, and as older
//! backups are rotated out, purged records leave the backups within `keep` days.
//! Each step is remembered in `kiosk_meta` by local day, so a restart does not run it
//! twice and a failure is tried once a day, not every minute; a failure tells the desk.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::config::Config;
use crate::journeys::{tell_desk, JourneyError};
use crate::notify::{Notice, NoticeKind};
use crate::store::{self, BackupInfo, PurgeReport, Retention, StoreError};

/// Backups go here inside the data folder.
pub const BACKUP_DIR: &str = "backups";
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
    #[error(transparent)]
    Journey(#[from] JourneyError),
}

/// The configured retention periods.
pub fn retention(config: &Config) -> Retention {
    let p = &config.privacy;
    Retention::new(p.visit_retention_days, p.pass_retention_days, p.ticket_retention_days)
}

/// What one day's run did.
#[derive(Debug, Default)]
pub struct DailyRun {
    pub purge: Option<Result<PurgeReport, StoreError>>,
    pub backup: Option<Result<BackupInfo, StoreError>>,
    pub removed: Vec<PathBuf>,
}

/// Runs the day's purge and backup if they are due at `now`; `Ok(None)` when not yet
/// time or already done today.
pub fn run_if_due(app: &App, now: DateTime<Utc>) -> Result<Option<DailyRun>, HousekeepingError> {
    let Some(at) = app.config.backup.time_of_day() else {
        return Ok(None);
    };
    let local = now.with_timezone(&app.config.tz());
    if local.time() < at {
        return Ok(None);
    }
    let today = local.date_naive().format("%Y-%m-%d").to_string();
    let purge_due = app.store().meta(META_PURGE_DAY)?.as_deref() != Some(today.as_str());
    let backup_due = app.store().meta(META_BACKUP_DAY)?.as_deref() != Some(today.as_str());
    if !purge_due && !backup_due {
        return Ok(None);
    }
    let mut run = DailyRun::default();
    if purge_due {
        let purged = app.store().purge(&retention(&app.config), now, false);
        if purged.is_ok() {
            app.store().set_meta(META_PURGE_DAY, &today)?;
        }
        run.purge = Some(purged);
    }
    if backup_due {
        // Marked first: a backup that fails (a full disk) is tried again tomorrow, not
        // every minute, and the desk is told once.
        app.store().set_meta(META_BACKUP_DAY, &today)?;
        let dir = app.data_dir.join(BACKUP_DIR);
        let dest = dir.join(store::next_backup_name(&dir, now)?);
        let written = app.store().backup_to(&dest);
        match &written {
            Ok(info) => {
                let name = info.path.file_name().map(|n| n.to_string_lossy().into_owned());
                app.store().set_meta(META_BACKUP_RESULT, &name.unwrap_or_default())?;
                let keep = usize::try_from(app.config.backup.keep).unwrap_or(1);
                run.removed = store::rotate_backups(&dir, keep)?;
            }
            Err(err) => {
                app.store().set_meta(META_BACKUP_RESULT, &format!("failed: {err}"))?;
                let notice = Notice::new(NoticeKind::SystemFault, "大堂终端今日自动备份未能完成 The kiosk's daily backup did not complete")
                    .line(format!("{err}"))
                    .line("请技术人员检查存储空间，或运行 lobby-kiosk backup。Please check the storage, or run lobby-kiosk backup.");
                tell_desk(app, &notice, now)?;
            }
        }
        run.backup = Some(written);
    }
    Ok(Some(run))
}
