//! `lobby-kiosk sync`: one push-and-pull round with the central database now (exit 0
//! when caught up, 1 with the reason when the server cannot be reached or refuses), and
//! `lobby-kiosk sync status [--json]`: what is queued, the last success, the lag.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{label, print_json, say, Outcome};
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
                            "{}{} ↑ {} ↓{}",
                            label(lang, "已同步", "in sync"),
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
                    eprintln!("{}{err}", label(lang, "同步未完成", "sync did not finish"));
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
        "{}{} / {}",
        label(lang, "小区/终端", "compound/kiosk"),
        status.compound_id,
        status.kiosk_id
    );
    outln!("{}{}", label(lang, "中心数据库", "central database"), status.server);
    outln!("{}{}", label(lang, "待上传", "queued"), status.queue.queued);
    let local = |at: Option<&str>| at.map_or_else(|| "—".to_string(), |at| local_time(app, at));
    outln!(
        "{}{}",
        label(lang, "上次成功", "last success"),
        local(status.queue.last_success.as_deref())
    );
    if let Some(e) = &status.queue.last_error {
        outln!("{}{e}", label(lang, "上次失败原因", "last failure"));
    }
    if status.behind {
        outln!("{}", say(lang, "同步延迟", "sync delayed"));
    }
    if status.queue.purged_unsent > 0 {
        let at = local(status.queue.purged_unsent_at.as_deref());
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
        outln!("{}", flag_words(app, flag));
    }
    Outcome::Success
}

/// A stored time (RFC 3339, UTC) on the compound's clock; anything else as it is.
fn local_time(app: &App, at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map_or_else(
        |_| crate::domain::field::preview(at),
        |t| crate::domain::day::local_minute(t.with_timezone(&chrono::Utc), app.config.tz()),
    )
}

/// What the desk must look at, in words: never the flag's code.
fn flag_words(app: &App, flag: &crate::journeys::fleet_sync::Flag) -> String {
    let lang = app.config.language;
    let times: Vec<String> = flag.detail.split_whitespace().map(|t| local_time(app, t)).collect();
    match (flag.kind.as_str(), times.as_slice()) {
        ("invite_used_twice", [here, there]) => match lang {
            crate::i18n::Lang::Zh => format!(
                "请前台核实：同一张预约码在两个入口都已使用（本机 {here}，另一入口 {there}），两位访客均已放行。记录：{}",
                flag.gid
            ),
            crate::i18n::Lang::En => format!(
                "Please check: one invite was used at two gates (here at {here}, at another gate at {there}); both visitors were let in. Record: {}",
                flag.gid
            ),
        },
        _ => format!(
            "{}{} {} {}",
            say(lang, "请前台核实：", "Please check: "),
            local_time(app, &flag.at),
            flag.gid,
            times.join(" ")
        ),
    }
}
