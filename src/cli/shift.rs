//! `lobby-kiosk shift list|show|close|ack`: shift handovers (值班与交接班) from the desk
//! PC, and `lobby-kiosk export`: CSV of visits, passes or tickets for a date range.

use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use clap::Subcommand;

use super::{identity, print_json, say, Outcome};
use crate::app::App;
use crate::journeys::export::{self, ExportError, ExportKind};
use crate::journeys::lookup::{self, Handover};
use crate::journeys::shift::{self, ShiftRefused};

#[derive(Debug, Subcommand)]
pub enum ShiftCommand {
    /// Past handovers, newest first.
    List {
        #[arg(long, default_value_t = 30)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// One handover with everything it listed as open.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Close the shift of NAME: records what is open now, with the notes.
    Close {
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Take over handover ID as NAME; the PIN is read from standard input (one line).
    Ack {
        id: i64,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
}

fn print_handover(app: &App, h: &Handover) {
    let lang = app.config.language;
    let tz = app.config.tz();
    let local = |t: chrono::DateTime<Utc>| crate::domain::day::local_minute(t, tz);
    outln!(
        "#{} {} {} {}",
        h.id,
        local(h.closed_at),
        say(lang, "交班：", "handed over by"),
        h.closed_by
    );
    match (&h.acked_by, h.acked_at) {
        (Some(by), Some(at)) => outln!("{} {by} {}", say(lang, "接班：", "taken over by"), local(at)),
        _ => outln!("{}", say(lang, "尚未接班确认", "not yet taken over")),
    }
    if !h.notes.is_empty() {
        outln!("{} {}", say(lang, "留言：", "Notes:"), h.notes);
    }
    for item in &h.items {
        outln!("  {}", shift::item_text(item, lang, tz));
    }
    if h.items.is_empty() {
        outln!("  {}", say(lang, "没有未办结事项", "nothing left open"));
    }
}

fn refused(app: &App, why: ShiftRefused) -> Outcome {
    let lang = app.config.language;
    let msg = match why {
        ShiftRefused::UnknownStaff => say(
            lang,
            "没有这位工作人员的有效账号，请核对姓名。",
            "No active staff account by that name; please check it.",
        ),
        ShiftRefused::NotesTooLong => format!(
            "{} {}",
            say(lang, "留言请不超过（字）：", "Notes are limited to (characters):"),
            shift::NOTES_MAX_CHARS
        ),
        ShiftRefused::BadNotes(why) => format!(
            "{}{}",
            say(lang, "留言未能保存：", "The notes were not kept: "),
            why.message(lang)
        ),
        ShiftRefused::NothingToAcknowledge => say(
            lang,
            "这份交接记录不存在或已确认过。",
            "That handover does not exist or was already taken over.",
        ),
        ShiftRefused::SamePerson => say(
            lang,
            "交接需由接班的另一位同事确认。",
            "The colleague taking over confirms the handover, not the one handing over.",
        ),
        ShiftRefused::WrongPin { .. } => say(lang, "密码与姓名不符。", "The PIN does not match that name."),
        ShiftRefused::Locked { until } => format!(
            "{} {}",
            say(lang, "尝试次数过多，请稍后再试：", "Too many tries; try again after"),
            until.with_timezone(&app.config.tz()).format("%H:%M:%S")
        ),
    };
    eprintln!("{msg}");
    Outcome::Negative
}

pub fn run_shift(app: &App, cmd: ShiftCommand) -> Outcome {
    let now = app.now();
    let lang = app.config.language;
    match cmd {
        ShiftCommand::List { limit, json } => match lookup::handovers(app, limit) {
            Ok(list) => {
                let full: Vec<Handover> = list
                    .iter()
                    .filter_map(|h| lookup::handover(app, h.id).ok().flatten())
                    .collect();
                if json {
                    print_json(&full);
                } else {
                    let tz = app.config.tz();
                    for h in &full {
                        let (t, w, o, f) = shift::counts(&h.items);
                        outln!(
                            "#{:<4} {} {:<8} → {:<8} {}",
                            h.id,
                            h.closed_at.with_timezone(&tz).format("%m-%d %H:%M"),
                            h.closed_by,
                            h.acked_by.as_deref().unwrap_or("—"),
                            lang.pick(
                                &format!("服务单 {t}，等待 {w}，在场 {o}，打印故障 {f}"),
                                &format!("tickets {t}, waiting {w}, on site {o}, print faults {f}")
                            )
                        );
                    }
                }
                Outcome::Success
            }
            Err(e) => {
                eprintln!("{e}");
                Outcome::Negative
            }
        },
        ShiftCommand::Show { id, json } => match lookup::handover(app, id) {
            Ok(Some(h)) => {
                if json {
                    print_json(&h);
                } else {
                    print_handover(app, &h);
                }
                Outcome::Success
            }
            Ok(None) => refused(app, ShiftRefused::NothingToAcknowledge),
            Err(e) => {
                eprintln!("{e}");
                Outcome::Negative
            }
        },
        ShiftCommand::Close { by, notes } => match shift::close_shift(app, &proven!(app, &by), &notes, now) {
            Ok(Ok(h)) => {
                print_handover(app, &h);
                Outcome::Success
            }
            Ok(Err(why)) => refused(app, why),
            Err(e) => {
                eprintln!("{e}");
                Outcome::Negative
            }
        },
        ShiftCommand::Ack { id, by } => {
            let actor = match identity::prove(app, &by) {
                Ok(actor) => actor,
                Err(exit) => return exit,
            };
            let taker = shift::Taker::Proven {
                name: &actor.name,
                role: actor.role,
            };
            match shift::acknowledge(app, id, taker, now) {
                Ok(Ok(taken)) => {
                    outln!(
                        "{} #{} ({})",
                        say(lang, "已接班确认", "Taken over"),
                        taken.handover.id,
                        taken.name
                    );
                    Outcome::Success
                }
                Ok(Err(why)) => refused(app, why),
                Err(e) => {
                    eprintln!("{e}");
                    Outcome::Negative
                }
            }
        }
    }
}

pub fn run_export(app: &App, what: &str, from: NaiveDate, to: NaiveDate, out: Option<PathBuf>) -> Outcome {
    let lang = app.config.language;
    let Some(kind) = ExportKind::parse(what) else {
        eprintln!("export visits|passes|tickets --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE]");
        return Outcome::Usage;
    };
    let result = match &out {
        Some(path) => match std::fs::File::create_new(path) {
            Ok(file) => export::export(app, kind, from, to, std::io::BufWriter::new(file)),
            Err(e) => Err(ExportError::Io(e)),
        },
        None => export::export(app, kind, from, to, std::io::stdout().lock()),
    };
    match result {
        Ok(rows) => {
            if let Some(path) = out {
                eprintln!(
                    "{} {rows} → {}",
                    say(lang, "已导出（行）：", "Rows exported:"),
                    path.display()
                );
            }
            Outcome::Success
        }
        Err(ExportError::Range) => {
            eprintln!(
                "{}",
                say(
                    lang,
                    "日期范围有误：结束日期不能早于开始日期，且最长 366 天。",
                    "The dates do not form a range: --to must not be before --from, at most 366 days."
                )
            );
            Outcome::Usage
        }
        Err(ExportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            super::out::finish_on_write_error(&e);
            Outcome::Negative
        }
        Err(ExportError::Csv(e)) if matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            super::out::finish_on_write_error(&std::io::Error::from(std::io::ErrorKind::BrokenPipe));
            Outcome::Negative
        }
        Err(e) => {
            eprintln!("{e}");
            Outcome::Negative
        }
    }
}
