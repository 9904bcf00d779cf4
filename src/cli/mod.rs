//! The command line: starting the kiosk and the back-office commands staff and
//! technicians run at a desk PC or over SSH.
//!
//! Conventions for every sub-command: `--json` on anything that shows records; exit 0
//! for success, 1 for a negative answer (a failed check, a refused action), 2 for a
//! usage or configuration error, 3 for a damaged database with no good backup; messages in the configured language; never a panic
//! or a backtrace for bad input.

#[macro_use]
mod out;
/// The name of the account `--by` names, once its PIN (read from standard input) has
/// proven it (`identity::prove`); otherwise says why and returns the exit from the
/// enclosing function.
macro_rules! proven {
    ($app:expr, $by:expr) => {
        match $crate::cli::identity::prove($app, $by) {
            Ok(actor) => actor.name,
            Err(exit) => return exit,
        }
    };
}

mod backup;
mod check;
mod fleet;
mod hidden;
mod identity;
mod permit;
mod printer;
mod request;
mod residents;
mod run;
mod shift;
mod staff;
mod sync;
mod visit;
mod words;

use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use clap::{Parser, Subcommand};

use crate::app::App;
use crate::config::LoadedConfig;
use crate::i18n::Lang;
use crate::journeys::desk::{DeskRefused, MAX_EXTEND_DAYS};
use crate::journeys::JourneyError;
use crate::recovery::Check;

#[derive(Debug, Parser)]
#[command(
    name = "lobby-kiosk",
    version,
    about = "Lobby reception kiosk for managed residential compounds"
)]
pub struct Cli {
    /// Configuration file (default: kiosk-config/kiosk.toml if present, else the built-in one).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data folder for the database, keys and printed slips (overrides the configuration).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the kiosk (the default when no command is given).
    Run(run::RunArgs),
    /// Render a page to PNG with the software renderer; no display needed.
    Screenshot(run::ScreenshotArgs),
    /// Check the configuration and the database; exit 0 when healthy.
    Check(check::CheckArgs),
    /// The resident directory the journeys check unit numbers against.
    #[command(subcommand)]
    Residents(residents::ResidentsCommand),
    /// The slip printer.
    #[command(subcommand)]
    Printer(printer::PrinterCommand),
    /// Visitors: approve or deny waiting visits, sign out, who is on site.
    #[command(subcommand)]
    Visit(visit::VisitCommand),
    /// Pre-registered visitors.
    #[command(subcommand)]
    Invite(visit::InviteCommand),
    /// Phones held for the desk when they register.
    #[command(subcommand)]
    Deny(visit::DenyCommand),
    /// Renovation permits (装修备案) and their worker rosters.
    #[command(subcommand)]
    Permit(permit::PermitCommand),
    /// Renovation worker passes: issue, verify offline, revoke.
    #[command(subcommand)]
    Pass(permit::PassCommand),
    /// Residents' requests (tickets): list, show, move along their lifecycle.
    #[command(subcommand)]
    Request(request::RequestCommand),
    /// Staff accounts (desk, supervisor) with 6-digit PINs.
    #[command(subcommand)]
    Staff(staff::StaffCommand),
    /// Everyone on site now (visitors and workers), from the local database.
    Roster {
        #[arg(long)]
        print: bool,
        #[arg(long)]
        json: bool,
    },
    /// The daily summary against the company's targets.
    #[command(subcommand)]
    Report(staff::ReportCommand),
    /// Shift handovers (值班与交接班): list, show, close, acknowledge.
    #[command(subcommand)]
    Shift(shift::ShiftCommand),
    /// CSV of visits, passes or tickets for a range of dates (phones masked).
    Export {
        /// visits, passes or tickets
        what: String,
        #[arg(long)]
        from: chrono::NaiveDate,
        #[arg(long)]
        to: chrono::NaiveDate,
        /// Write to this new file instead of standard output (never overwritten).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Every staff action, oldest first.
    Audit {
        /// RFC 3339 time (default: the last 7 days).
        #[arg(long)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        #[arg(long)]
        json: bool,
    },
    /// Back up the database while the kiosk keeps working.
    #[command(about = backup_about())]
    Backup {
        /// Write the backup to this file instead (never overwritten, never rotated).
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Replace the database with a backup; stop the kiosk first.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Delete records older than their retention periods (as the privacy notice says).
    Purge {
        /// Only count what would be deleted.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Test only: record visits and passes in a loop (for the crash test).
    #[command(hide = true)]
    RecordLoop {
        #[arg(long)]
        count: u32,
    },
    /// Benchmarks only: fill an empty data folder with DAYS of made-up history.
    #[cfg(feature = "bench-data")]
    #[command(hide = true)]
    SeedHistory {
        #[arg(long)]
        days: u32,
    },
    /// The keys that sign slip QR codes.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The central PostgreSQL of many kiosks: its schema and the kiosks' roles.
    #[command(subcommand)]
    Fleet(fleet::FleetCommand),
    /// One round with the fleet's central database now, or `sync status`.
    Sync(sync::SyncArgs),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print the public keys guards' devices need to verify slips offline.
    ExportPublic,
    /// Make a new signing key (and an ID-hash key if that is missing): when the keys are
    /// lost for good, or to rotate. Older keys left in the folder keep verifying.
    Renew,
}

/// `backup --help`, with the real default of `backup.keep`.
fn backup_about() -> String {
    format!(
        "Back up the database while the kiosk keeps working (default: <data-dir>/backups/, keeping the newest \
         `backup.keep`, {} unless configured)",
        crate::config::DEFAULT_BACKUP_KEEP
    )
}

/// How a command ended; the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// A negative answer: a failed check, a refused action.
    Negative,
    /// A usage or configuration error.
    Usage,
    /// The database is damaged and no good backup could be restored: the kiosk refuses
    /// to start (systemd keeps retrying; a technician restores a backup).
    Damaged,
    /// A supervisor closed the kiosk from staff mode: exit 4, which the systemd unit
    /// does not restart (`RestartPreventExitStatus=4`).
    ClosedByStaff,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Success => 0,
            Outcome::Negative => 1,
            Outcome::Usage => 2,
            Outcome::Damaged => 3,
            Outcome::ClosedByStaff => 4,
        })
    }
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // Whatever this process creates (database, WAL, backups, slips, exports) is private
    // to the kiosk's user, under systemd or not.
    crate::data_folder::private_umask();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            if err.use_stderr() {
                // clap quotes a refused value back: escaped, and each line cut short.
                eprint!("{}", out::short_lines(&err.render().to_string(), 200));
            } else {
                let _ = err.print();
            }
            return if err.use_stderr() {
                Outcome::Usage.into()
            } else {
                Outcome::Success.into()
            };
        }
    };
    dispatch(cli, started).into()
}

fn dispatch(cli: Cli, started: std::time::Instant) -> Outcome {
    let loaded = match LoadedConfig::load(cli.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("配置有误 / Configuration error: {err}");
            return Outcome::Usage;
        }
    };
    let lang = loaded.config.language;
    match cli.command.unwrap_or(Command::Run(run::RunArgs::default())) {
        Command::Check(args) => check::run(loaded, cli.data_dir.as_deref(), &args),
        Command::Run(args) => run_kiosk(loaded, &cli.data_dir, &args, started),
        Command::Screenshot(args) => {
            if args.list {
                return run::list_pages();
            }
            with_app(loaded, &cli.data_dir, |app| run::screenshot(app, &args, lang))
        }
        Command::Residents(cmd) => with_app(loaded, &cli.data_dir, |app| residents::run(&app, cmd)),
        Command::Printer(cmd) => with_app(loaded, &cli.data_dir, |app| printer::run(&app, cmd)),
        Command::Visit(cmd) => with_app(loaded, &cli.data_dir, |app| visit::run_visit(&app, cmd)),
        Command::Invite(cmd) => with_app(loaded, &cli.data_dir, |app| visit::run_invite(&app, cmd)),
        Command::Deny(cmd) => with_app(loaded, &cli.data_dir, |app| visit::run_deny(&app, cmd)),
        Command::Permit(cmd) => with_app(loaded, &cli.data_dir, |app| permit::run_permit(&app, cmd)),
        Command::Pass(cmd) => with_app(loaded, &cli.data_dir, |app| permit::run_pass(&app, cmd)),
        Command::Request(cmd) => with_app(loaded, &cli.data_dir, |app| request::run(&app, cmd)),
        Command::Backup { file, json } => with_app(loaded, &cli.data_dir, |app| backup::backup(&app, file, json)),
        Command::Restore { file } => {
            let dir = cli.data_dir.clone().unwrap_or_else(|| loaded.config.data_dir.clone());
            backup::restore(&dir, &file, lang)
        }
        Command::Purge { dry_run, json } => with_app(loaded, &cli.data_dir, |app| backup::purge(&app, dry_run, json)),
        #[cfg(feature = "bench-data")]
        Command::SeedHistory { days } => with_app(loaded, &cli.data_dir, |app| hidden::seed_history(&app, days)),
        Command::RecordLoop { count } => with_app(loaded, &cli.data_dir, |app| hidden::record_loop(&app, count)),
        Command::Staff(cmd) => with_app(loaded, &cli.data_dir, |app| staff::run_staff(&app, cmd)),
        Command::Roster { print, json } => with_app(loaded, &cli.data_dir, |app| staff::run_roster(&app, print, json)),
        Command::Report(cmd) => with_app(loaded, &cli.data_dir, |app| staff::run_report(&app, cmd)),
        Command::Shift(cmd) => with_app(loaded, &cli.data_dir, |app| shift::run_shift(&app, cmd)),
        Command::Export { what, from, to, out } => with_app(loaded, &cli.data_dir, |app| {
            shift::run_export(&app, &what, from, to, out)
        }),
        Command::Audit { since, json } => with_app(loaded, &cli.data_dir, |app| staff::run_audit(&app, since, json)),
        Command::Sync(args) => with_app(loaded, &cli.data_dir, |app| sync::run(&app, args)),

        Command::Keys(KeysCommand::ExportPublic) => with_app(loaded, &cli.data_dir, |app| {
            out::raw(&app.keys.ring().export_public());
            Outcome::Success
        }),
        Command::Fleet(cmd) => fleet::run(cmd, lang),
        Command::Keys(KeysCommand::Renew) => {
            let dir = cli.data_dir.clone().unwrap_or_else(|| loaded.config.data_dir.clone());
            backup::renew_keys(&dir, lang)
        }
    }
}

/// The kiosk: opened at once with the whole-file check on a thread of its own (the first
/// write waits for it). If the check finds damage, the kiosk closes its window and opens
/// again the way a start on a damaged file always has: the file moved aside and the
/// newest good backup restored, or a refusal (exit 3) when there is none.
fn run_kiosk(
    loaded: LoadedConfig,
    data_dir: &Option<PathBuf>,
    args: &run::RunArgs,
    started: std::time::Instant,
) -> Outcome {
    let lang = loaded.config.language;
    let db = data_dir
        .clone()
        .unwrap_or_else(|| loaded.config.data_dir.clone())
        .join(crate::app::DB_FILE);
    let outcome = with_app_checked(loaded.clone(), data_dir, Check::Background, |app| {
        run::run(app, args, started)
    });
    match crate::journeys::health::integrity_verdict(&db) {
        Some(Err(found)) => {
            eprintln!(
                "{}{found}",
                label(
                    lang,
                    "启动后的数据库完整性检查发现损坏，未写入任何内容；正在从备份恢复",
                    "the database integrity check after start-up found damage and nothing was written; restoring from a backup"
                )
            );
            with_app_checked(loaded, data_dir, Check::Now, |app| run::run(app, args, started))
        }
        _ => outcome,
    }
}

/// Opens the app (data folder, database, printer) for a command, reporting failure
/// politely in the configured language. The whole file is checked only before the
/// command's first write, so a read answers at once whatever the database's size.
fn with_app(loaded: LoadedConfig, data_dir: &Option<PathBuf>, f: impl FnOnce(Rc<App>) -> Outcome) -> Outcome {
    with_app_checked(loaded, data_dir, Check::BeforeFirstWrite, f)
}

fn with_app_checked(
    loaded: LoadedConfig,
    data_dir: &Option<PathBuf>,
    check: Check,
    f: impl FnOnce(Rc<App>) -> Outcome,
) -> Outcome {
    let lang = loaded.config.language;
    let dir = data_dir.clone().unwrap_or_else(|| loaded.config.data_dir.clone());
    match App::open_with(loaded, data_dir.as_deref(), check) {
        Ok(app) => {
            if let Some(trouble) = app.storage_trouble() {
                eprintln!("{}", trouble.reading_only(lang, &dir));
            }
            f(Rc::new(app))
        }
        Err(err) if err.is_unrecoverable_damage() => {
            eprintln!(
                "数据库已损坏，且没有可用的完好备份，终端不会在损坏的文件上运行。请联系技术人员用 `lobby-kiosk restore FILE` 恢复备份。\n\
                 The database is damaged and no good backup was found; the kiosk will not run on a damaged file. \
                 Please have a technician restore a backup with `lobby-kiosk restore FILE`.\n{err}"
            );
            Outcome::Damaged
        }
        Err(err) if err.is_lost_key() => {
            eprintln!(
                "{}\n{err}",
                lang.pick(
                    "签名密钥缺失，而数据库中已有用它签发的凭条，终端不会悄悄换用新密钥。请从数据目录的备份中放回 keys 文件夹；如确已丢失，请运行 `lobby-kiosk keys renew`（之前打印的凭条需要补打）。",
                    "The signing keys are missing although the database holds slips signed with them; the kiosk will not \
                     silently switch to a new key. Put the keys folder back from the copy of the data folder; if it is \
                     lost for good, run `lobby-kiosk keys renew` (slips printed before then need reprinting)."
                )
            );
            Outcome::Damaged
        }
        Err(err) if err.is_exposed_key() => {
            eprintln!(
                "{}\n{err}",
                lang.pick(
                    "密钥文件其他用户也能读取，终端拒绝使用。请执行 chmod 600 该文件（所在文件夹 chmod 700）后再启动。",
                    "A key file can be read by other users, so the kiosk refuses it. Please run chmod 600 on the file \
                     (chmod 700 on its folder) and start again."
                )
            );
            Outcome::Negative
        }
        Err(err) => {
            match err.storage_trouble(&dir) {
                Some(trouble) => eprintln!(
                    "{}\n{}{err}",
                    trouble.cannot_open(lang, &dir),
                    label(lang, "技术细节", "Technical detail")
                ),
                None => eprintln!(
                    "{}{err}",
                    label(
                        lang,
                        "无法打开数据目录或数据库",
                        "Cannot open the data folder or database"
                    )
                ),
            }
            Outcome::Negative
        }
    }
}

/// Prints a value as pretty JSON for scripts.
fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        Err(err) => eprintln!("JSON: {err}"),
    }
}

/// A message in the configured language.
fn say(lang: Lang, zh: &str, en: &str) -> String {
    lang.pick(zh, en).to_string()
}

/// A label before what it names: "上次成功：" in Chinese (full-width, no space), "last
/// success: " in English.
fn label(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => format!("{zh}："),
        Lang::En => format!("{en}: "),
    }
}

/// Says why the desk (`journeys::desk`, the staff dashboard's own code path) refused an
/// action, and which exit that is: a refusal is a negative answer, malformed input a
/// usage error. `action` is what was asked, for a supervisor-only refusal (“只有主管可以
/// {action}”); `not_found` says there was nothing for `key` this applies to.
fn desk_refused(lang: Lang, why: DeskRefused, action: (&str, &str), not_found: (&str, &str), key: &str) -> Outcome {
    let (text, outcome) = match why {
        DeskRefused::NotSupervisor => (
            lang.pick(
                &format!("只有主管可以{}，请由主管办理（--by 主管姓名），谢谢。", action.0),
                &format!(
                    "Only a supervisor may {}; please have a supervisor run it (--by NAME). Thank you.",
                    action.1
                ),
            )
            .to_string(),
            Outcome::Negative,
        ),
        DeskRefused::NotFound => (
            format!(
                "{} {}",
                say(lang, not_found.0, not_found.1),
                crate::domain::field::preview(key)
            ),
            Outcome::Negative,
        ),
        DeskRefused::BadPhone => (
            say(
                lang,
                "手机号码应为以 1 开头的 11 位数字，请核对后再试。",
                "A mobile number has 11 digits starting with 1; please check it and try again.",
            ),
            Outcome::Usage,
        ),
        DeskRefused::NoReason => (
            say(
                lang,
                "请写明原因（不超过 60 字），方便同事处理。",
                "Please give a reason (up to 60 characters) so colleagues know how to handle it.",
            ),
            Outcome::Usage,
        ),
        DeskRefused::Expired(day) => (crate::journeys::desk::expired_text(lang, day), Outcome::Negative),
        DeskRefused::BadDays => (
            lang.pick(
                &format!(
                    "新的结束日期需晚于目前的结束日期，且一次最多延后 {MAX_EXTEND_DAYS} 天，请核对后再试。"
                ),
                &format!(
                    "The new last day must be after the current one and at most {MAX_EXTEND_DAYS} days later; please check it and try again."
                ),
            )
            .to_string(),
            Outcome::Negative,
        ),
    };
    eprintln!("{text}");
    outcome
}

/// The database did not take a desk action: apologise once and say what to do.
fn desk_failed(lang: Lang, err: &JourneyError) -> Outcome {
    eprintln!(
        "{} ({err})",
        say(
            lang,
            "抱歉，未能保存，请稍后再试；如仍不行请联系技术人员。",
            "Sorry, that could not be saved; please try again, or call a technician if it persists."
        )
    );
    Outcome::Negative
}
