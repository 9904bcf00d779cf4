//! `lobby-kiosk printer test|status|queue|retry|reprint`: the printer and its print queue
//! from the desk PC or a technician's shell.

use clap::Subcommand;

use super::{print_json, say, Outcome};
use crate::app::App;
use crate::journeys::reprint::{self, ReprintRefused};
use crate::printing::test_slip;
use crate::spool::{job, RetryPolicy};

#[derive(Debug, Subcommand)]
pub enum PrinterCommand {
    /// Print a test slip: compound, hotline, Chinese text and a QR code.
    Test,
    /// Ask the printer how it is (DLE EOT): exit 0 when it can print, 1 when not.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// The print-job register: counts per state and the newest jobs (no slip contents).
    Queue {
        /// Only jobs that did not go through and have not been made good since.
        #[arg(long)]
        failed: bool,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Send the slips still owed (the kiosk also does this by itself every
    /// `printer.retry_seconds` while the printer can print).
    Retry,
    /// Print job JOB's slip again, byte for byte: a reprinted pass is the same pass.
    Reprint {
        job: i64,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
}

pub fn run(app: &App, cmd: PrinterCommand) -> Outcome {
    let lang = app.config.language;
    match cmd {
        PrinterCommand::Test => {
            let now = app
                .now()
                .with_timezone(&app.config.tz())
                .format("%Y-%m-%d %H:%M")
                .to_string();
            let slip = test_slip(&app.config.compound.name, &app.config.compound.hotline, &now);
            match app.print(&slip) {
                Ok(()) => {
                    outln!(
                        "{} ({})",
                        say(lang, "测试凭条已发送到打印机", "Test slip sent to the printer"),
                        app.printer_name()
                    );
                    Outcome::Success
                }
                Err(err) => {
                    eprintln!(
                        "{}: {err}",
                        say(lang, "测试凭条未能打印", "The test slip did not print")
                    );
                    Outcome::Negative
                }
            }
        }
        PrinterCommand::Status { json } => {
            let driver = app.printer_name();
            let (state, printable) = match app.printer_status() {
                Some(report) => (report.state.as_str().to_string(), report.is_printable()),
                // The virtual printer cannot be asked; it always takes jobs.
                None => ("ready".to_string(), true),
            };
            if json {
                print_json(&serde_json::json!({ "driver": driver, "state": state, "printable": printable }));
            } else {
                outln!("{} ({driver}): {state}", say(lang, "打印机状态", "Printer status"));
            }
            if printable {
                Outcome::Success
            } else {
                Outcome::Negative
            }
        }
        PrinterCommand::Queue { failed, limit, json } => queue(app, failed, limit, json),
        PrinterCommand::Retry => match app.retry_printing() {
            Ok(()) => {
                let within = RetryPolicy::from_config(&app.config.printer).within;
                let owed = app.with_store(|s| job::owed(s, within, app.now())).unwrap_or(0);
                outln!(
                    "{}",
                    app.config.language.pick(
                        &format!("补打完成，仍欠 {owed} 张凭条。"),
                        &format!("Retry done; {owed} slips still owed.")
                    )
                );
                if owed == 0 {
                    Outcome::Success
                } else {
                    Outcome::Negative
                }
            }
            Err(err) => {
                eprintln!("{}: {err}", say(lang, "补打失败", "Retry failed"));
                Outcome::Negative
            }
        },
        PrinterCommand::Reprint { job, by } => match reprint::reprint_job(app, job, &proven!(app, &by), app.now()) {
            Ok(Ok(printing)) if printing.printed() => {
                outln!("{}", say(lang, "已重打", "Reprinted"));
                Outcome::Success
            }
            Ok(Ok(_)) => {
                eprintln!(
                    "{}",
                    say(
                        lang,
                        "重打未能完成，打印机恢复后会自动补打",
                        "The reprint did not print; it is sent again when the printer is back"
                    )
                );
                Outcome::Negative
            }
            Ok(Err(why)) => {
                let text = match why {
                    ReprintRefused::NoSuchJob => say(lang, "没有这个打印任务", "No such print job"),
                    ReprintRefused::NothingKept => {
                        say(lang, "该任务没有保存凭条内容", "That job kept no slip to print again")
                    }
                    ReprintRefused::Roster => say(
                        lang,
                        "在场名单请重新打印最新的一份（roster --print）",
                        "Print a fresh roster instead (roster --print)",
                    ),
                    ReprintRefused::Revoked => say(
                        lang,
                        "该通行证已作废，不能重打",
                        "That pass was revoked; it cannot be reprinted",
                    ),
                };
                eprintln!("{text}");
                Outcome::Negative
            }
            Err(err) => {
                eprintln!("{}: {err}", say(lang, "重打失败", "Reprint failed"));
                Outcome::Negative
            }
        },
    }
}

fn queue(app: &App, failed: bool, limit: u32, json: bool) -> Outcome {
    let lang = app.config.language;
    let found = app.with_store(|s| {
        let jobs = if failed {
            s.failed_print_jobs(limit)?
        } else {
            s.print_jobs(limit)?
        };
        Ok::<_, crate::store::StoreError>((s.print_queue_summary()?, jobs))
    });
    let (summary, jobs) = match found {
        Ok(found) => found,
        Err(err) => {
            eprintln!(
                "{}: {err}",
                say(lang, "无法读取打印队列", "Cannot read the print queue")
            );
            return Outcome::Negative;
        }
    };
    if json {
        print_json(&serde_json::json!({ "summary": summary, "jobs": jobs }));
        return Outcome::Success;
    }
    outln!(
        "{}",
        lang.pick(
            &format!(
                "待打印 {}，发送中 {}，失败 {}，已完成 {}",
                summary.queued, summary.sent, summary.failed, summary.done
            ),
            &format!(
                "queued {}, sending {}, failed {}, done {}",
                summary.queued, summary.sent, summary.failed, summary.done
            )
        )
    );
    let tz = app.config.tz();
    for j in jobs {
        outln!(
            "#{:<6} {} {:<8} {:<7} {}:{} ×{}{}",
            j.id,
            j.created_at.with_timezone(&tz).format("%m-%d %H:%M"),
            j.slip_kind,
            j.state,
            j.record_kind,
            j.record_id,
            j.attempts,
            j.error.map(|e| format!("  {e}")).unwrap_or_default()
        );
    }
    Outcome::Success
}
