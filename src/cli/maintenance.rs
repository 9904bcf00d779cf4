//! `lobby-kiosk backup|restore|purge`: looking after the database on a kiosk nobody
//! visits, from a systemd timer or a technician's SSH session; and the hidden
//! `record-loop` the crash test drives.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{print_json, say, Outcome};
use crate::app::{App, DB_FILE};
use crate::domain::request::RequestType;
use crate::domain::ticket::TicketStatus;
use crate::domain::visitor::VisitorType;
use crate::i18n::Lang;
use crate::journeys::permit::{self, PermitForm, PermitRejected};
use crate::journeys::shift::{self, Taker};
use crate::journeys::staff::{self, Role};
use crate::journeys::visitor::{self, Registered, WalkIn};
use crate::journeys::worker::{self, PassOutcome, WhoAsks};
use crate::journeys::{desk, resident};
use crate::journeys::{lookup, JourneyError};
use crate::store::{self, BackupInfo, Permit, PurgeReport, Retention, Store, StoreError};

/// Backups go here inside the data folder unless a file is named.
pub use crate::housekeeping::BACKUP_DIR;
/// `record-loop` writes made-up records; it runs only with this set to `1`, so it cannot
/// fill a real kiosk's register by a slip of the keyboard.
pub const RECORD_LOOP_ENV: &str = "LOBBY_KIOSK_RECORD_LOOP";

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
    let dir = app.data_dir.join(BACKUP_DIR);
    let rotate = file.is_none();
    let dest = match file {
        Some(file) => file,
        None => match store::next_backup_name(&dir, app.now()) {
            Ok(name) => dir.join(name),
            Err(err) => {
                eprintln!("{}: {err}", say(lang, "备份未能完成", "The backup did not complete"));
                return Outcome::Negative;
            }
        },
    };
    if dest.exists() {
        eprintln!(
            "{}: {}",
            say(
                lang,
                "该文件已存在，请换一个文件名",
                "That file already exists; please choose another name"
            ),
            dest.display()
        );
        return Outcome::Negative;
    }
    let info = match app.store().backup_to(&dest, app.now()) {
        Ok(info) => info,
        Err(err) => {
            let folder = dest.parent().unwrap_or(&dest);
            match crate::store::trouble::cause(folder, &err) {
                Some(trouble) => eprintln!(
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
                None => eprintln!("{}: {err}", say(lang, "备份未能完成", "The backup did not complete")),
            }
            return Outcome::Negative;
        }
    };
    let (removed, rotation_error) = if rotate {
        match store::rotate_backups(&dir, usize::try_from(app.config.backup.keep).unwrap_or(1)) {
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
            "{}: {} ({} KB, {} {}, {} {})",
            say(lang, "备份已完成并通过完整性检查", "Backup written and checked"),
            info.path.display(),
            info.bytes.div_ceil(1024),
            info.visits,
            say(lang, "条访客记录", "visits"),
            info.passes,
            say(lang, "张通行证", "passes"),
        );
        for path in &removed {
            outln!(
                "{}: {}",
                say(lang, "已删除旧备份", "Removed an old backup"),
                path.display()
            );
        }
    }
    match rotation_error {
        None => Outcome::Success,
        Some(err) => {
            eprintln!(
                "{}: {err}",
                say(
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
    let previous = match store::restore_from(file, &db, now) {
        Ok(previous) => previous,
        Err(err) => {
            match err {
                StoreError::Damaged(why) => eprintln!(
                    "备份文件未通过完整性检查，数据库未作任何更改 / The backup failed its integrity check; \
                     the database was not changed: {why}"
                ),
                StoreError::SchemaTooNew { .. } => eprintln!(
                    "该备份来自更新版本的程序，数据库未作任何更改 / The backup was written by a newer kiosk; \
                     the database was not changed: {err}"
                ),
                other => eprintln!("恢复未能完成 / The restore did not complete: {other}"),
            }
            return Outcome::Negative;
        }
    };
    let kept = previous
        .as_deref()
        .map_or_else(|| "-".to_string(), |p| p.display().to_string());
    match Store::open(&db).and_then(|s| s.ensure_intact().map(|()| s)) {
        Ok(store) => {
            let schema = store.health().map_or(0, |h| h.schema_version);
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
            eprintln!("{}: {err}", say(lang, "未能生成新密钥", "Could not make a new key"));
            Outcome::Negative
        }
    }
}

/// Deletes what is older than the retention periods; `--dry-run` only counts.
pub fn purge(app: &App, dry_run: bool, json: bool) -> Outcome {
    let lang = app.config.language;
    let retention = crate::housekeeping::retention(&app.config);
    let result = app.store().purge(&retention, app.now(), dry_run);
    let mut report = match result {
        Ok(report) => report,
        Err(err) => {
            eprintln!("{}: {err}", say(lang, "清理未能完成", "The purge did not complete"));
            return Outcome::Negative;
        }
    };
    let db = app.data_dir.join(DB_FILE);
    match crate::data_folder::purge_aside_copies(&db, app.config.privacy.copy_retention_days, app.now(), dry_run) {
        Ok(copies) => report.copies = copies,
        Err(err) => {
            eprintln!(
                "{}: {err}",
                say(
                    lang,
                    "过期的数据库副本未能删除",
                    "Database copies past their retention could not be deleted"
                )
            );
            return Outcome::Negative;
        }
    }
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
    outln!("{head}:");
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
    for (count, what, days) in lines {
        outln!(
            "  {what}: {count} ({} {days} {})",
            say(lang, "保留", "kept"),
            say(lang, "天", "days")
        );
    }
    if r.tickets_kept_open > 0 {
        outln!(
            "{}: {}",
            say(
                lang,
                "已过保留期但尚未办结的服务单，暂予保留",
                "Tickets past retention but not finished, kept for now"
            ),
            r.tickets_kept_open
        );
    }
    if r.visits_kept_on_site > 0 {
        outln!(
            "{}: {}",
            say(
                lang,
                "已过保留期但仍在园内（未登记离开且凭条仍有效）的访客，暂予保留",
                "Visits past retention still on site (not signed out, slip still valid), kept for now"
            ),
            r.visits_kept_on_site
        );
    }
}

#[derive(Debug, thiserror::Error)]
enum LoopError {
    #[error(transparent)]
    Journey(#[from] JourneyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("standard output: {0}")]
    Output(#[from] io::Error),
    #[error("the resident directory is empty: record-loop needs a unit to visit")]
    NoDirectory,
    #[error("refused: {0}")]
    Refused(String),
}

/// Workers on each permit `record-loop` files; a new permit when they have all had a pass.
const LOOP_ROSTER: usize = 50;
/// The supervisor `record-loop` acts as (added on its first run, as a fresh kiosk's first
/// account), and the desk members it adds and hands shifts to.
const LOOP_SUPERVISOR: &str = "环测主管";
const LOOP_PIN: &str = "258036";

/// What `seed-history` needs set before it writes made-up records.
#[cfg(feature = "bench-data")]
pub const SEED_HISTORY_ENV: &str = "LOBBY_KIOSK_SEED_HISTORY";

/// Benchmarks only (`benches/startup.sh`): fills an empty data folder with `days` of
/// made-up history at the five-year seed's daily rate (see `Store::seed_history`).
#[cfg(feature = "bench-data")]
pub fn seed_history(app: &App, days: u32) -> Outcome {
    if std::env::var(SEED_HISTORY_ENV).as_deref() != Ok("1") {
        eprintln!("seed-history is a benchmark command; set {SEED_HISTORY_ENV}=1 to run it");
        return Outcome::Usage;
    }
    let five = crate::store::HistoryScale::FIVE_YEARS;
    let rate = |n: u64| (n * u64::from(days)).div_ceil(five.days as u64).max(10);
    let scale = crate::store::HistoryScale {
        days: i64::from(days.max(1)),
        visits: rate(five.visits),
        passes: rate(five.passes),
        tickets: rate(five.tickets),
    };
    let started = std::time::Instant::now();
    let result = app.store().seed_history(scale, app.now(), 8);
    match result {
        Ok(_) => {
            outln!(
                "seeded {} visits, {} passes, {} tickets over {} days in {:.1} s",
                scale.visits,
                scale.passes,
                scale.tickets,
                scale.days,
                started.elapsed().as_secs_f64()
            );
            Outcome::Success
        }
        Err(err) => {
            eprintln!("seed-history: {err}");
            Outcome::Negative
        }
    }
}

/// Test only (hidden): runs every kind of write the screens and the command line make,
/// through the same journeys they call, in turn: a courier's visit (let in at once), a
/// worker's pass (with the hours, roster and deposit checks, the permit filed by the
/// desk when a roster runs out), a guest approved by the desk, an invite created and
/// checked in, a deny-list entry, a resident's request moved on by the desk, a new staff
/// account, a shift closed and taken over. After each record's last commit it prints
/// `<kind> <id>` and flushes. The crash test kills it at random moments and then checks
/// every reported record survived, each with its audit row and its slip's print job.
pub fn record_loop(app: &App, count: u32) -> Outcome {
    if std::env::var(RECORD_LOOP_ENV).as_deref() != Ok("1") {
        eprintln!("record-loop is a test command; set {RECORD_LOOP_ENV}=1 to run it");
        return Outcome::Usage;
    }
    let mut out = io::stdout().lock();
    match run_loop(app, count, &mut out) {
        Ok(()) => Outcome::Success,
        Err(err) => {
            eprintln!("record-loop: {err}");
            Outcome::Negative
        }
    }
}

/// The kinds of write `record-loop` takes in turn.
const LOOP_STEPS: u64 = 9;

fn run_loop(app: &App, count: u32, out: &mut impl Write) -> Result<(), LoopError> {
    let unit = lookup::residents(app)?
        .into_iter()
        .next()
        .map(|r| r.unit_no)
        .ok_or(LoopError::NoDirectory)?;
    loop_supervisor(app)?;
    // Phones differ per iteration and per run (a restart must not reuse a roster phone).
    let seed = u64::from(std::process::id()) * 7919
        + u64::from(app.now().timestamp_subsec_micros())
        + rand::random::<u32>() as u64;
    let mut roster: Option<(Permit, usize)> = None;
    let mut desk_member: Option<String> = None;
    for i in 0..u64::from(count) {
        let now = app.now();
        let serial = (seed + i * LOOP_ROSTER as u64) % 100_000_000;
        let line = match i % LOOP_STEPS {
            0 => format!(
                "visit {}",
                loop_visit(app, &unit, serial, VisitorType::Courier, now)?.id
            ),
            1 | 5 => {
                let (permit, next) = match roster.take() {
                    Some((permit, next)) if next < permit.workers.len() => (permit, next),
                    _ => {
                        let permit = loop_permit(app, &unit, serial, now)?;
                        writeln!(out, "permit {}", permit.id)?;
                        (permit, 0)
                    }
                };
                let worker = permit.workers[next].clone();
                let pass = match worker::issue_pass(app, &permit, &WhoAsks::WorkerId(worker.id), now)? {
                    PassOutcome::Issued(issued) => issued.pass,
                    PassOutcome::Refused(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                };
                roster = Some((permit, next + 1));
                format!("pass {}", pass.id)
            }
            2 => {
                let waiting = loop_visit(app, &unit, serial, VisitorType::Guest, now)?;
                match desk::decide_visit(app, LOOP_SUPERVISOR, waiting.id, true, now)? {
                    Ok((visit, _)) => format!("visit {}", visit.id),
                    Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                }
            }
            3 => loop_invite(app, &unit, serial, now)?,
            4 => {
                let reason = format!("record-loop {serial}");
                match desk::deny_add(app, LOOP_SUPERVISOR, &format!("135{serial:08}"), &reason, now)? {
                    Ok(()) => format!("deny {serial}"),
                    Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                }
            }
            6 => loop_ticket(app, &unit, serial, now)?,
            7 => {
                let name = loop_staff_name(serial);
                match staff::add_staff(app, LOOP_SUPERVISOR, &name, Role::Desk, LOOP_PIN, now)? {
                    Ok(()) => {}
                    Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                }
                desk_member = Some(name.clone());
                format!("staff {name}")
            }
            _ => {
                let handover = match shift::close_shift(app, LOOP_SUPERVISOR, "record-loop", now)? {
                    Ok(h) => h,
                    Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                };
                if let Some(name) = &desk_member {
                    let taker = Taker::Proven { name, role: Role::Desk };
                    if let Err(why) = shift::acknowledge(app, handover.id, taker, now)? {
                        return Err(LoopError::Refused(format!("{why:?}")));
                    }
                }
                format!("shift {}", handover.id)
            }
        };
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    Ok(())
}

/// The loop's supervisor: the first account of a fresh kiosk, added once.
fn loop_supervisor(app: &App) -> Result<(), LoopError> {
    if lookup::staff_by_name(app, LOOP_SUPERVISOR)?.is_some() {
        return Ok(());
    }
    match staff::add_staff(app, "bootstrap", LOOP_SUPERVISOR, Role::Supervisor, LOOP_PIN, app.now())? {
        Ok(()) => Ok(()),
        Err(why) => Err(LoopError::Refused(format!("{why:?}"))),
    }
}

/// A staff name from a number, in Chinese numerals (a name takes no digits).
fn loop_staff_name(serial: u64) -> String {
    format!("环{}", chinese_digits(&format!("{serial:08}")))
}

/// Each ASCII digit of `digits` as its Chinese numeral.
fn chinese_digits(digits: &str) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| DIGITS[usize::from(b - b'0')])
        .collect()
}

/// A walk-in visitor as the visitor screen records one.
fn loop_visit(
    app: &App,
    unit: &str,
    serial: u64,
    visitor_type: VisitorType,
    now: DateTime<Utc>,
) -> Result<lookup::Visit, LoopError> {
    let walk_in = WalkIn {
        unit: unit.to_string(),
        surname: "王".to_string(),
        phone: format!("139{serial:08}"),
        visitor_type,
        party_size: 1,
        company: String::new(),
    };
    match visitor::register(app, &walk_in, now)? {
        Registered::Approved { visit, .. } | Registered::Waiting(visit) | Registered::Held(visit) => Ok(visit),
        Registered::Rejected(why) => Err(LoopError::Refused(format!("{why:?}"))),
    }
}

/// An invite created by the desk, then checked in at the kiosk.
fn loop_invite(app: &App, unit: &str, serial: u64, now: DateTime<Utc>) -> Result<String, LoopError> {
    let today = now.with_timezone(&app.config.tz()).date_naive();
    let phone = format!("138{serial:08}");
    let request = visitor::InviteRequest {
        unit,
        surname: "李",
        phone: &phone,
        from: today,
        until: today,
        by: LOOP_SUPERVISOR,
    };
    let created = match visitor::create_invite(app, &request, now)? {
        Ok(created) => created,
        Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
    };
    match visitor::check_in_invite(app, &created.code, now)? {
        visitor::InviteOutcome::CheckedIn { visit, .. } => Ok(format!("visit {}", visit.id)),
        other => Err(LoopError::Refused(format!("{other:?}"))),
    }
}

/// A resident's repair request from the kiosk, then moved on by the desk.
fn loop_ticket(app: &App, unit: &str, serial: u64, now: DateTime<Utc>) -> Result<String, LoopError> {
    let who = resident::Identified {
        unit: unit.to_string(),
        phone: format!("137{serial:08}"),
    };
    let request = resident::Request {
        request_type: RequestType::Repair,
        choice: "plumbing".into(),
        note: String::new(),
        preferred_time: String::new(),
        callback_phone: format!("137{serial:08}"),
    };
    let ticket = match resident::submit(app, &who, &request, now)? {
        Ok(submitted) => submitted.ticket,
        Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
    };
    match resident::update(
        app,
        &ticket.ticket_no,
        TicketStatus::Dispatched,
        LOOP_SUPERVISOR,
        "",
        now,
    )? {
        Ok(_) => Ok(format!("ticket {}", ticket.id)),
        Err(why) => Err(LoopError::Refused(format!("{why:?}"))),
    }
}

/// A permit filed by the desk (audited, its slip printed) for today and the next month
/// with a fresh roster of [`LOOP_ROSTER`] workers.
fn loop_permit(app: &App, unit: &str, serial: u64, now: DateTime<Utc>) -> Result<Permit, LoopError> {
    let refused = |why: PermitRejected| LoopError::Refused(format!("{why:?}"));
    let workers = (0..LOOP_ROSTER as u64)
        .map(|k| {
            let name = format!("工人{}", chinese_digits(&format!("{k:02}")));
            permit::parse_worker(app, &format!("{name}:137{:08}", (serial + k) % 100_000_000))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(refused)?;
    let today = now.with_timezone(&app.config.tz()).date_naive();
    let end = today + Duration::days(30);
    let lead = format!("136{serial:08}");
    let form = PermitForm {
        unit: unit.to_string(),
        owner_surname: "赵".into(),
        contractor: "record-loop".into(),
        lead_phone: lead.to_string(),
        start: today,
        end,
        deposit_paid: true,
        workers,
    };
    desk::create_permit(app, LOOP_SUPERVISOR, form, now)?
        .map(|(permit, _)| permit)
        .map_err(refused)
}
