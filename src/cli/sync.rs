//! `lobby-kiosk sync`: one push-and-pull round with the central database now (exit 0
//! when caught up, 1 with the reason when the server cannot be reached or refuses), and
//! `lobby-kiosk sync status [--json]`: what is queued, the last success, the lag.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{print_json, say, Outcome};
use crate::app::App;
use crate::journeys::fleet_sync::{is_behind, lag_secs, round_now, QueueStatus};

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// What is queued, the last successful round, and how far behind the kiosk is.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Status {
    compound_id: String,
    kiosk_id: String,
    server: String,
    #[serde(flatten)]
    queue: QueueStatus,
    /// Seconds since the last successful round while something waits (0 when caught up).
    lag_secs: i64,
    behind: bool,
}

pub fn run(app: &App, args: SyncArgs) -> Outcome {
    let lang = app.config.language;
    let Some(settings) = app.config.fleet.clone() else {
        eprintln!(
            "{}",
            say(
                lang,
                "本终端未加入联网（配置中没有 [fleet]），无需同步",
                "this kiosk stands alone (no [fleet] table in its configuration): nothing to sync"
            )
        );
        return Outcome::Usage;
    };
    match args.command {
        Some(SyncCommand::Status { json }) => status(app, &settings, json || args.json),
        None => {
            let result = round_now(app, &settings);
            match result {
                Ok(round) => {
                    if args.json {
                        print_json(&round);
                    } else {
                        outln!(
                            "{}: {} ↑ {} ↓{}",
                            say(lang, "已同步", "in sync"),
                            round.pushed,
                            round.pulled,
                            if round.flagged > 0 {
                                format!(
                                    "; {} {}",
                                    round.flagged,
                                    say(
                                        lang,
                                        "项需前台核对（sync status）",
                                        "for the desk to check (sync status)"
                                    )
                                )
                            } else {
                                String::new()
                            }
                        );
                    }
                    Outcome::Success
                }
                Err(err) => {
                    eprintln!("{}: {err}", say(lang, "同步未完成", "sync did not finish"));
                    Outcome::Negative
                }
            }
        }
    }
}

fn status(app: &App, settings: &crate::fleet::settings::FleetSettings, json: bool) -> Outcome {
    let lang = app.config.language;
    let queue = match crate::journeys::fleet_sync::status(app) {
        Ok(q) => q,
        Err(err) => {
            eprintln!("{err}");
            return Outcome::Negative;
        }
    };
    let lag = lag_secs(&queue, app.now());
    let status = Status {
        compound_id: settings.compound_id.clone(),
        kiosk_id: settings.kiosk_id.clone(),
        server: settings.describe(),
        lag_secs: lag,
        behind: is_behind(lag),
        queue,
    };
    if json {
        print_json(&status);
        return Outcome::Success;
    }
    outln!(
        "{}: {} / {}",
        say(lang, "小区/终端", "compound/kiosk"),
        status.compound_id,
        status.kiosk_id
    );
    outln!("{}: {}", say(lang, "中心数据库", "central database"), status.server);
    outln!("{}: {}", say(lang, "待上传", "queued"), status.queue.queued);
    outln!(
        "{}: {}",
        say(lang, "上次成功", "last success"),
        status.queue.last_success.as_deref().unwrap_or("—")
    );
    if let Some(e) = &status.queue.last_error {
        outln!("{}: {e}", say(lang, "上次失败原因", "last failure"));
    }
    if status.behind {
        outln!("{}", say(lang, "同步延迟", "sync delayed"));
    }
    if status.queue.purged_unsent > 0 {
        let at = status.queue.purged_unsent_at.as_deref().unwrap_or("—");
        let n = status.queue.purged_unsent;
        outln!(
            "{}",
            match lang {
                crate::i18n::Lang::Zh => format!(
                    "已过保留期未上传：{n} 条——这些变更尚未上传到中心数据库时，其记录已到保留期，已随记录一并删除，不会再上传（最近一次：{at}）"
                ),
                crate::i18n::Lang::En => format!(
                    "deleted unsent (retention over): {n} — changes whose records reached the end of their retention before they could be sent were deleted with them and will not be sent (last: {at})"
                ),
            }
        );
    }
    for flag in &status.queue.flags {
        outln!("{} {} {} {}", flag.at, flag.kind, flag.gid, flag.detail);
    }
    Outcome::Success
}
