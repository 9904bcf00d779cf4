//! `lobby-kiosk backup|restore|purge` (and `keys renew`): looking after the database on a
//! kiosk nobody visits, from a systemd timer or a technician's SSH session.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{label, print_json, say, Outcome};
use crate::app::{App, DB_FILE};
use crate::i18n::Lang;
use crate::journeys::backup::{self, BackupError, BackupInfo, RestoreError};
use crate::journeys::purge::{self as purging, PurgeError, PurgeReport, Retention};

#[derive(Serialize)]
struct BackupReport {
    backup: BackupInfo,
    removed: Vec<PathBuf>,
}

/// Writes a backup while the kiosk keeps working. Without a file it goes to
/// `<data-dir>/backups/kiosk-<UTC time>.sqlite3` and older ones beyond the newest
/// `backup.keep` are deleted; a named file is never rotated and never overwritten.
pub fn backup(app: &App, file: Option<PathBuf>, json: bool) -> Outcome {
    let lang = app.config.language;
    let rotate = file.is_none();
    let dest = match file {
        Some(file) => file,
        None => match backup::next_path(app) {
            Ok(path) => path,
            Err(err) => {
                eprintln!("{}{err}", label(lang, "备份未能完成", "The backup did not complete"));
                return Outcome::Negative;
            }
        },
    };
    if dest.exists() {
        eprintln!(
            "{}{}",
            label(
                lang,
                "该文件已存在，请换一个文件名",
                "That file already exists; please choose another name"
            ),
            dest.display()
        );
        return Outcome::Negative;
    }
    let info = match backup::write(app, &dest) {
        Ok(info) => info,
        Err(err) => {
            match &err {
                BackupError::Storage { trouble, folder, .. } => eprintln!(
                    "{}",
                    lang.pick(
                        &format!("备份未能完成：{}（{}）。", trouble.name(lang), folder.display()),
                        &format!(
                            "The backup did not complete: {} ({}). ",
                            trouble.name(lang),
                            folder.display()
                        )
                    )
                    .to_string()
                        + trouble.what_to_do(lang)
                ),
                BackupError::Store(_) => {
                    eprintln!("{}{err}", label(lang, "备份未能完成", "The backup did not complete"))
                }
            }
            return Outcome::Negative;
        }
    };
    let (removed, rotation_error) = if rotate {
        match backup::rotate(app) {
            Ok(removed) => (removed, None),
            Err(err) => (Vec::new(), Some(err)),
        }
    } else {
        (Vec::new(), None)
    };
    if json {
        print_json(&BackupReport { backup: info, removed });
    } else {
        outln!(
            "{}{} ({} KB, {} {}, {} {})",
            label(lang, "备份已完成并通过完整性检查", "Backup written and checked"),
            info.path.display(),
            info.bytes.div_ceil(1024),
            info.visits,
            say(lang, "条访客记录", "visits"),
            info.passes,
            say(lang, "张通行证", "passes"),
        );
        for path in &removed {
            outln!(
                "{}{}",
                label(lang, "已删除旧备份", "Removed an old backup"),
                path.display()
            );
        }
    }
    match rotation_error {
        None => Outcome::Success,
        Some(err) => {
            eprintln!(
                "{}{err}",
                label(
                    lang,
                    "备份已保存，但旧备份未能清理",
                    "The backup is saved, but old backups could not be removed"
                )
            );
            Outcome::Negative
        }
    }
}

/// Puts a backup in place of the database in `data_dir`. Runs before the app is opened
/// (opening would migrate and seed the very file being replaced); every message is in
/// both languages, as an SSH session may not read the configured one. Stop the kiosk
/// first. The database it replaces is kept under its own timestamped name (the kiosk's
/// clock), so a second restore never overwrites the first one's copy.
pub fn restore(data_dir: &Path, file: &Path, _lang: Lang) -> Outcome {
    if !file.is_file() {
        eprintln!("找不到备份文件 / Backup file not found: {}", file.display());
        return Outcome::Usage;
    }
    let now = match crate::clock::Clock::from_env() {
        Ok(clock) => clock.now(),
        Err(err) => {
            eprintln!("时钟设置有误 / The clock setting is wrong: {err}");
            return Outcome::Usage;
        }
    };
    let db = data_dir.join(DB_FILE);
    if let Err(err) = crate::data_folder::secure(data_dir, &db) {
        eprintln!(
            "无法打开数据目录 / Cannot open the data folder {}: {err}",
            data_dir.display()
        );
        return Outcome::Negative;
    }
    let previous = match backup::restore(file, &db, now) {
        Ok(previous) => previous,
        Err(err) => {
            match err {
                RestoreError::Damaged(why) => eprintln!(
                    "备份文件未通过完整性检查，数据库未作任何更改 / The backup failed its integrity check; \
                     the database was not changed: {why}"
                ),
                RestoreError::TooNew(err) => eprintln!(
                    "该备份来自更新版本的程序，数据库未作任何更改 / The backup was written by a newer kiosk; \
                     the database was not changed: {err}"
                ),
                RestoreError::Store(other) => eprintln!("恢复未能完成 / The restore did not complete: {other}"),
            }
            return Outcome::Negative;
        }
    };
    let kept = previous
        .as_deref()
        .map_or_else(|| "-".to_string(), |p| p.display().to_string());
    match backup::open_restored(&db) {
        Ok(schema) => {
            outln!("已从备份恢复 / Restored from the backup: {}", file.display());
            outln!("数据库 / Database: {} (schema {schema})", db.display());
            if previous.is_some() {
                outln!("原数据库已保留为 / The previous database is kept as: {kept}");
            }
            Outcome::Success
        }
        Err(err) => {
            eprintln!(
                "已恢复，但数据库无法打开；原数据库保留在 {kept} / Restored, but the database does not open; \
                 the previous one is kept as {kept}: {err}"
            );
            Outcome::Negative
        }
    }
}

/// `keys renew`: a new signing key for a kiosk whose keys are lost for good (or to
/// rotate); runs without opening the app, which refuses to start while they are lost.
pub fn renew_keys(data_dir: &Path, lang: Lang) -> Outcome {
    crate::data_folder::private_umask();
    match crate::keys::Keys::renew(data_dir) {
        Ok(id) => {
            outln!(
                "{} {id}",
                say(
                    lang,
                    "已生成新的签名密钥，此后的凭条用它签名；请把 `lobby-kiosk keys export-public` 的结果更新到保安的核验设备。密钥编号",
                    "A new signing key signs slips from now on; please update the guards' devices with \
                     `lobby-kiosk keys export-public`. Key id"
                )
            );
            Outcome::Success
        }
        Err(err) => {
            eprintln!("{}{err}", label(lang, "未能生成新密钥", "Could not make a new key"));
            Outcome::Negative
        }
    }
}

/// Deletes what is older than the retention periods; `--dry-run` only counts.
pub fn purge(app: &App, dry_run: bool, json: bool) -> Outcome {
    let lang = app.config.language;
    let retention = purging::retention(&app.config);
    let report = match purging::purge(app, dry_run) {
        Ok(report) => report,
        Err(PurgeError::Records(err)) => {
            eprintln!("{}{err}", label(lang, "清理未能完成", "The purge did not complete"));
            return Outcome::Negative;
        }
        Err(PurgeError::Copies(err)) => {
            eprintln!(
                "{}{err}",
                label(
                    lang,
                    "过期的数据库副本未能删除",
                    "Database copies past their retention could not be deleted"
                )
            );
            return Outcome::Negative;
        }
    };
    if json {
        print_json(&report);
    } else {
        print_purge(app, &retention, &report);
    }
    Outcome::Success
}

fn print_purge(app: &App, retention: &Retention, r: &PurgeReport) {
    let lang = app.config.language;
    let head = match (r.dry_run, r.total()) {
        (true, _) => say(
            lang,
            "试运行，未删除任何记录。将删除",
            "Dry run, nothing deleted. Would delete",
        ),
        (false, 0) => say(lang, "没有需要清理的记录", "Nothing was old enough to delete"),
        (false, _) => say(lang, "已删除", "Deleted"),
    };
    outln!("{head}{}", lang.pick("：", ":"));
    let lines = [
        (r.visits, say(lang, "访客记录", "visits"), retention.visit_days),
        (r.passes, say(lang, "通行证", "passes"), retention.pass_days),
        (
            r.permits,
            say(
                lang,
                "已结束的装修备案（含施工人员名单）",
                "ended permits (with their rosters)",
            ),
            retention.pass_days,
        ),
        (
            r.tickets,
            say(
                lang,
                "已办结的业主服务单（含处理记录）",
                "finished tickets (with their history)",
            ),
            retention.ticket_days,
        ),
        (
            r.ratings,
            say(lang, "满意度评价", "satisfaction ratings"),
            retention.ticket_days,
        ),
        (
            r.notices,
            say(lang, "已送达的通知", "delivered notices"),
            retention.notice_days,
        ),
        (
            r.print_jobs,
            say(lang, "打印记录", "print jobs"),
            retention.print_job_days,
        ),
        (
            r.invites,
            say(lang, "已结束的预约", "ended invites"),
            retention.invite_days,
        ),
        (
            r.audit,
            say(lang, "工作人员操作记录", "staff audit rows"),
            retention.audit_days,
        ),
        (
            r.handovers,
            say(lang, "交接班记录", "shift handovers"),
            retention.handover_days,
        ),
        (
            r.copies.len(),
            say(
                lang,
                "保留的数据库副本（损坏或恢复前）",
                "kept database copies (damaged, or replaced by a restore)",
            ),
            app.config.privacy.copy_retention_days,
        ),
    ];
    // Chinese with full-width punctuation: "访客记录：3（保留 180 天）".
    let kept = |what: &str, count: usize, days: u32| match lang {
        Lang::Zh => format!("  {what}：{count}（保留 {days} 天）"),
        Lang::En => format!("  {what}: {count} (kept {days} days)"),
    };
    for (count, what, days) in lines {
        outln!("{}", kept(&what, count, days));
    }
    // The fleet's queue: only for a kiosk in a fleet (or one that left it with rows left).
    if app.config.fleet.is_some() || r.fleet_sent > 0 || r.fleet_unsent > 0 {
        let sent = say(
            lang,
            "已上传到中心数据库的同步记录（本机副本）",
            "changes the central database has received (this kiosk's copies)",
        );
        outln!("{}", kept(&sent, r.fleet_sent, retention.fleet_sent_days()));
        let unsent = say(
            lang,
            "尚未上传、其记录已到保留期的同步记录（随记录删除，不再上传）",
            "changes not yet sent whose records reached the end of their retention (deleted with them, never sent)",
        );
        match lang {
            Lang::Zh => outln!("  {unsent}：{}", r.fleet_unsent),
            Lang::En => outln!("  {unsent}: {}", r.fleet_unsent),
        }
    }
    if r.tickets_kept_open > 0 {
        outln!(
            "{}{}",
            label(
                lang,
                "已过保留期但尚未办结的服务单，暂予保留",
                "Tickets past retention but not finished, kept for now"
            ),
            r.tickets_kept_open
        );
    }
    if r.visits_kept_on_site > 0 {
        outln!(
            "{}{}",
            label(
                lang,
                "已过保留期但仍在园内（未登记离开且凭条仍有效）的访客，暂予保留",
                "Visits past retention still on site (not signed out, slip still valid), kept for now"
            ),
            r.visits_kept_on_site
        );
    }
}
