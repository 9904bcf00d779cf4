//! `lobby-kiosk printer test|status|queue|retry|reprint`: the printer and its print queue
//! from the desk PC or a technician's shell.

use clap::Subcommand;

use super::{label, print_json, say, Outcome};
use crate::app::App;
use crate::config::PrinterDriverKind;
use crate::journeys;
use crate::journeys::lookup;
use crate::journeys::reprint::{self, ReprintRefused};
use crate::printing::test_slip;
use crate::spool::RetryPolicy;

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
        PrinterCommand::Test => test(app),
        PrinterCommand::Status { json } => status(app, json),
        PrinterCommand::Queue { failed, limit, json } => queue(app, failed, limit, json),
        PrinterCommand::Retry => retry(app),
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
                eprintln!("{}{err}", label(lang, "重打失败", "Reprint failed"));
                Outcome::Negative
            }
        },
    }
}

/// A test slip through the whole print path, registered like every slip (the queue
/// shows it, a staff reprint can repeat it); it is never retried by itself. Where the
/// storage cannot take the job it goes straight to the printer, as the roster does.
fn test(app: &App) -> Outcome {
    let lang = app.config.language;
    let now = app.now();
    let local = crate::domain::day::local_minute(now, app.config.tz());
    let slip = test_slip(&app.config.compound.name, &app.config.compound.hotline, &local);
    let printed = match journeys::print_for(app, &slip, journeys::RecordKind::Test, 0, now) {
        Ok(printing) => {
            app.wait_for_printing(std::time::Duration::from_secs(30));
            Ok(printing.printed())
        }
        Err(e) if e.storage_unavailable() => app.print(&slip).map(|()| true).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match printed {
        Ok(true) => {
            outln!(
                "{} ({})",
                say(lang, "测试凭条已发送到打印机", "Test slip sent to the printer"),
                app.printer_name()
            );
            Outcome::Success
        }
        Ok(false) => {
            eprintln!(
                "{}",
                say(
                    lang,
                    "测试凭条未能打印，请检查打印机（printer status、printer queue --failed）。",
                    "The test slip did not print; please check the printer (printer status, printer queue --failed)."
                )
            );
            Outcome::Negative
        }
        Err(err) => {
            eprintln!(
                "{}{err}",
                label(lang, "测试凭条未能打印", "The test slip did not print")
            );
            Outcome::Negative
        }
    }
}

/// Every configured printer, the primary and the fallback: exit 0 when one of them can
/// print (a slip the primary refuses goes to the fallback).
fn status(app: &App, json: bool) -> Outcome {
    let lang = app.config.language;
    let p = &app.config.printer;
    let primary_address = match p.driver {
        PrinterDriverKind::Network => p.address.clone(),
        PrinterDriverKind::Serial => p.serial_device.clone(),
        PrinterDriverKind::Usb => format!("{:04x}:{:04x}", p.usb_vendor_id, p.usb_product_id),
        PrinterDriverKind::Virtual => String::new(),
    };
    let printers: Vec<serde_json::Value> = app
        .printer_statuses()
        .into_iter()
        .enumerate()
        .map(|(i, (driver, report))| {
            let words = crate::printing::status::words(report.as_ref().map(|r| r.state), lang);
            let (state, printable) = match report {
                Some(report) => (report.state.as_str().to_string(), report.is_printable()),
                // The virtual printer cannot be asked; it always takes jobs.
                None => ("ready".to_string(), true),
            };
            let (role, address) = if i == 0 {
                ("primary", primary_address.clone())
            } else {
                ("fallback", p.fallback_address.clone())
            };
            serde_json::json!({
                "role": role, "driver": driver, "address": address, "state": state, "printable": printable,
                "words": words
            })
        })
        .collect();
    let printable = |v: &serde_json::Value| v["printable"].as_bool().unwrap_or(false);
    let any = printers.iter().any(printable);
    if json {
        let first = printers.first().cloned().unwrap_or_default();
        print_json(&serde_json::json!({
            "driver": first["driver"],
            "state": first["state"],
            "printable": first["printable"],
            "any_printable": any,
            "printers": printers,
        }));
    } else {
        for v in &printers {
            let role = if v["role"] == "primary" {
                say(lang, "打印机", "Printer")
            } else {
                say(lang, "备用打印机", "Fallback printer")
            };
            let address = v["address"].as_str().unwrap_or("");
            let place = if address.is_empty() {
                String::new()
            } else {
                format!(" {address}")
            };
            outln!(
                "{role} ({}{place}): {}",
                v["driver"].as_str().unwrap_or(""),
                v["words"].as_str().unwrap_or("")
            );
        }
        if printers.len() > 1 && !printers.first().is_some_and(printable) && any {
            outln!(
                "{}",
                say(
                    lang,
                    "主打印机现在不能打印，凭条会由备用打印机打出。",
                    "The primary printer cannot print now; slips go to the fallback printer."
                )
            );
        }
    }
    if any {
        Outcome::Success
    } else {
        Outcome::Negative
    }
}

/// Sends the owed slips now; says how many are still owed and which failed slips are
/// too old to be retried by themselves (`printer.retry_within_minutes`): those wait for
/// staff, who reprint them.
fn retry(app: &App) -> Outcome {
    let lang = app.config.language;
    if let Err(err) = app.retry_printing() {
        eprintln!("{}{err}", label(lang, "补打失败", "Retry failed"));
        return Outcome::Negative;
    }
    let within = RetryPolicy::from_config(&app.config.printer).within;
    let now = app.now();
    let found = lookup::slips_owed(app, within, now);
    let (owed, left) = match found {
        Ok(found) => found,
        Err(err) => {
            eprintln!(
                "{}{err}",
                label(lang, "无法读取打印队列", "Cannot read the print queue")
            );
            return Outcome::Negative;
        }
    };
    outln!(
        "{}",
        lang.pick(
            &format!("补打完成，仍欠 {owed} 张凭条。"),
            &format!("Retry done; {owed} slips still owed.")
        )
    );
    if !left.is_empty() {
        let minutes = app.config.printer.retry_within_minutes;
        let tz = app.config.tz();
        outln!(
            "{}",
            lang.pick(
                &format!(
                    "另有 {} 张凭条未打出已超过 {minutes} 分钟，不再自动补打，等待工作人员处理：",
                    left.len()
                ),
                &format!(
                    "{} more slips failed over {minutes} minutes ago; they are no longer retried by themselves and wait for staff:",
                    left.len()
                )
            )
        );
        for j in &left {
            outln!(
                "  #{} {} {}",
                j.id,
                j.created_at.with_timezone(&tz).format("%m-%d %H:%M"),
                job_words(app, j, lang)
            );
        }
        outln!(
            "{}",
            lang.pick(
                "核对仍需要后，请用 `lobby-kiosk printer reprint JOB --by 姓名` 重打（JOB 为上面 # 后的编号）。",
                "If still needed, reprint one with `lobby-kiosk printer reprint JOB --by NAME` (JOB is the number after #)."
            )
        );
    }
    if owed == 0 && left.is_empty() {
        Outcome::Success
    } else {
        Outcome::Negative
    }
}

fn queue(app: &App, failed: bool, limit: u32, json: bool) -> Outcome {
    let lang = app.config.language;
    let jobs = if failed {
        lookup::failed_print_jobs(app, limit)
    } else {
        lookup::print_jobs(app, limit)
    };
    let found = jobs.and_then(|jobs| Ok((lookup::print_queue_summary(app)?, jobs)));
    let (summary, jobs) = match found {
        Ok(found) => found,
        Err(err) => {
            eprintln!(
                "{}{err}",
                label(lang, "无法读取打印队列", "Cannot read the print queue")
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
            "#{:<6} {} {} · {} · ×{}{}",
            j.id,
            j.created_at.with_timezone(&tz).format("%m-%d %H:%M"),
            j.state.label(lang),
            job_words(app, &j, lang),
            j.attempts,
            j.error.as_ref().map(|e| format!("  {e}")).unwrap_or_default()
        );
    }
    Outcome::Success
}

/// What a print job is for, as the desk reads it: the slip's name and, for a record's
/// slip, its number and unit ("访客凭条 V20261203-0004 3-2-702"), never the stored codes.
fn job_words(app: &App, job: &lookup::PrintJobRecord, lang: crate::i18n::Lang) -> String {
    let slip = job.slip_kind.label(lang);
    match lookup::print_record_label(app, job.record_kind, job.record_id)
        .ok()
        .flatten()
    {
        Some(record) => format!("{slip} {record}"),
        None => slip.to_string(),
    }
}
