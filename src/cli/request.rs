//! `lobby-kiosk request list|show|update`: the desk follows residents' requests to the
//! end until staff mode lands.

use clap::Subcommand;

use super::{print_json, say, Outcome};
use crate::app::App;
use crate::domain::field::preview;
use crate::domain::mask::mask_phone;
use crate::domain::request::find_choice;
use crate::domain::sla::{breach, Breach};
use crate::domain::ticket::TicketStatus;
use crate::journeys::lookup::{self, Ticket};
use crate::journeys::resident::{self, UpdateRefused};

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Tickets, most urgent and soonest due first.
    List {
        #[arg(long)]
        open: bool,
        #[arg(long)]
        json: bool,
    },
    /// One ticket with its full history.
    Show {
        ticket: String,
        #[arg(long)]
        json: bool,
    },
    /// Move a ticket on: received, dispatched, in_progress, done, return_visit, closed, cancelled.
    Update {
        ticket: String,
        #[arg(long)]
        status: String,
        #[arg(long, default_value = "")]
        note: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
}

fn row(app: &App, t: &Ticket) -> serde_json::Value {
    let kind = t.request_type;
    let lang = app.config.language;
    serde_json::json!({
        "ticket": t.ticket_no, "unit": t.unit_no, "type": t.request_type,
        "about": find_choice(kind, &t.choice).map(|c| c.label(lang)),
        "note": t.note, "urgent": t.urgent, "status": t.status,
        "received_at": t.received_at, "due_at": t.due_at, "responded_at": t.responded_at,
        "callback": mask_phone(&t.callback_phone),
        "sla": format!("{:?}", breach(t.due_at, t.responded_at, app.now())),
    })
}

/// A ticket as the desk reads it (`request show`): words, local times and the masked
/// callback number, never the JSON's codes.
fn shown(app: &App, t: &Ticket) -> String {
    let lang = app.config.language;
    let tz = app.config.tz();
    let at = |when: chrono::DateTime<chrono::Utc>| when.with_timezone(&tz).format("%m-%d %H:%M").to_string();
    let urgent = if t.urgent {
        lang.pick("（紧急）", " (urgent)")
    } else {
        ""
    };
    let about = find_choice(t.request_type, &t.choice)
        .map(|c| c.label(lang))
        .unwrap_or_default();
    let answer = match breach(t.due_at, t.responded_at, app.now()) {
        Breach::OnTime => lang.pick("已按时响应", "answered in time").to_string(),
        Breach::Late { .. } => lang
            .pick("响应晚于承诺时间", "answered after the promised time")
            .to_string(),
        Breach::Pending { .. } => lang
            .pick(
                &format!("承诺 {} 前响应", at(t.due_at)),
                &format!("to be answered by {}", at(t.due_at)),
            )
            .to_string(),
        Breach::Overdue { .. } => lang
            .pick(
                &format!("已超过承诺时间 {}，请尽快处理", at(t.due_at)),
                &format!("past the promised time {}: please act now", at(t.due_at)),
            )
            .to_string(),
    };
    let mut lines = vec![format!(
        "{} · {} · {} · {}{urgent}",
        t.ticket_no,
        t.unit_no,
        t.request_type.label(lang),
        t.status.label(lang)
    )];
    let text = [about, t.note.as_str()]
        .iter()
        .filter(|x| !x.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    if !text.is_empty() {
        lines.push(format!("{}{text}", say(lang, "内容：", "About: ")));
    }
    lines.push(format!(
        "{}{} · {answer} · {}{}",
        say(lang, "提交于 ", "Received "),
        at(t.received_at),
        say(lang, "回访电话 ", "callback "),
        mask_phone(&t.callback_phone)
    ));
    lines.join("\n")
}

pub fn run(app: &App, cmd: RequestCommand) -> Outcome {
    let lang = app.config.language;
    match cmd {
        RequestCommand::List { open, json } => match lookup::tickets(app, open) {
            Ok(tickets) => {
                if json {
                    print_json(&tickets.iter().map(|t| row(app, t)).collect::<Vec<_>>());
                } else {
                    let tz = app.config.tz();
                    for t in &tickets {
                        let due = t.due_at.with_timezone(&tz).format("%m-%d %H:%M");
                        outln!(
                            "{}{} {:<10} {:<16} {:<12} {} {due}",
                            if t.urgent { "!" } else { " " },
                            t.ticket_no,
                            t.unit_no,
                            t.request_type.label(lang),
                            t.status.label(lang),
                            mask_phone(&t.callback_phone)
                        );
                    }
                    outln!(
                        "{}",
                        lang.pick(
                            &format!("共 {} 单。", tickets.len()),
                            &format!("{} tickets.", tickets.len())
                        )
                    );
                }
                Outcome::Success
            }
            Err(e) => {
                eprintln!("{e}");
                Outcome::Negative
            }
        },
        RequestCommand::Show { ticket, json } => {
            let number = resident::normalise_ticket_number(&ticket);
            let found = lookup::ticket_by_no(app, &number);
            match found {
                Ok(Some(t)) => {
                    let history = lookup::ticket_history(app, t.id).unwrap_or_default();
                    if json {
                        print_json(&serde_json::json!({ "ticket": row(app, &t), "history": history }));
                    } else {
                        outln!("{}", shown(app, &t));
                        for h in &history {
                            outln!(
                                "  {} {} {} {}",
                                h.at.with_timezone(&app.config.tz()).format("%m-%d %H:%M"),
                                h.status.label(lang),
                                h.staff,
                                h.note
                            );
                        }
                    }
                    Outcome::Success
                }
                _ => {
                    eprintln!(
                        "{} {}",
                        say(lang, "没有找到这张单：", "No such ticket:"),
                        preview(&number)
                    );
                    Outcome::Negative
                }
            }
        }
        RequestCommand::Update {
            ticket,
            status,
            note,
            by,
        } => {
            let Some(to) = TicketStatus::parse(&status) else {
                eprintln!("{} {}", say(lang, "未知状态：", "Unknown status:"), preview(&status));
                return Outcome::Usage;
            };
            let by = proven!(app, &by);
            match resident::update(app, &ticket, to, &by, &note, app.now()) {
                Ok(Ok(t)) => {
                    outln!(
                        "{} {} → {}",
                        say(lang, "已更新", "Updated"),
                        t.ticket_no,
                        t.status.label(lang)
                    );
                    Outcome::Success
                }
                Ok(Err(UpdateRefused::Unknown)) => {
                    eprintln!(
                        "{} {}",
                        say(lang, "没有找到这张单：", "No such ticket:"),
                        preview(&ticket)
                    );
                    Outcome::Negative
                }
                Ok(Err(UpdateRefused::Note(why))) => {
                    eprintln!(
                        "{}{}",
                        say(
                            lang,
                            "备注有误，未作变更：",
                            "The note was not accepted, nothing changed: "
                        ),
                        why.message(lang)
                    );
                    Outcome::Usage
                }
                Ok(Err(UpdateRefused::NeedsReason)) => {
                    eprintln!(
                        "{}",
                        say(
                            lang,
                            "取消工单请用 --note 写明原因（例如 业主撤回），原因会留在工单记录中。",
                            "To cancel a ticket, give the reason with --note (e.g. withdrawn by the resident); it stays on the ticket's history."
                        )
                    );
                    Outcome::Usage
                }
                Ok(Err(UpdateRefused::NotAllowed { from, to })) => {
                    eprintln!(
                        "{} {} → {}",
                        say(lang, "状态不能这样变更：", "That change is not allowed:"),
                        from.label(lang),
                        to.label(lang)
                    );
                    Outcome::Negative
                }
                Err(e) => {
                    eprintln!("{e}");
                    Outcome::Negative
                }
            }
        }
    }
}
