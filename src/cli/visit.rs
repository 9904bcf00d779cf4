//! `lobby-kiosk visit|invite|deny`: the desk's side of visitor registration from a desk PC
//! or a script. Decisions, sign-outs, invite cancellations and deny-list changes go through
//! `journeys::desk`, the staff dashboard's own code path (role rules, audit).

use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use serde::Serialize;

use super::{desk_failed, desk_refused, print_json, say, Outcome};
use crate::app::App;
use crate::domain::mask::{mask_name, mask_phone};
use crate::domain::phone::parse_mobile;
use crate::journeys::desk;
use crate::journeys::lookup::{self, Visit};
use crate::journeys::visitor::{self, InviteRejected};

#[derive(Debug, Subcommand)]
pub enum VisitCommand {
    /// Let a waiting visitor in; the slip prints at the kiosk's printer.
    Approve {
        id: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Refuse a waiting visitor (the screen says the resident cannot receive visitors now).
    Deny {
        id: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Record that a visitor left.
    SignOut {
        id: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Visits waiting for a decision, or everyone on site now.
    List {
        #[arg(long)]
        on_site: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum InviteCommand {
    /// Pre-register a visitor; prints the 6-digit code and the QR text.
    Create {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        surname: String,
        #[arg(long)]
        phone: String,
        /// First day (YYYY-MM-DD, default today).
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Last day (default: the first day).
        #[arg(long)]
        until: Option<NaiveDate>,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Open invites.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Cancel an invite by its code.
    Revoke {
        code: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DenyCommand {
    /// Hold visitors with this phone for the desk (they are not told why; supervisors only).
    Add {
        phone: String,
        #[arg(long)]
        reason: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
    /// Take a phone off the deny list (supervisors only).
    Remove {
        phone: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

/// A visit as scripts and the desk see it: masked.
#[derive(Serialize)]
struct VisitRow {
    id: i64,
    visit_no: String,
    unit: String,
    visitor: String,
    phone: String,
    visitor_type: String,
    party_size: u32,
    status: String,
    created_at: String,
    valid_until: Option<String>,
    hold_reason: Option<String>,
    printed: bool,
}

fn row(app: &App, v: &Visit) -> VisitRow {
    let tz = app.config.tz();
    let local = |t: chrono::DateTime<Utc>| crate::domain::day::local_minute(t, tz);
    VisitRow {
        id: v.id,
        visit_no: v.visit_no.clone(),
        unit: v.unit_no.clone(),
        visitor: v.surname.clone(),
        phone: mask_phone(&v.phone),
        visitor_type: v.visitor_type.as_str().to_string(),
        party_size: v.party_size,
        status: v.status.as_str().to_string(),
        created_at: local(v.created_at),
        valid_until: v.valid_until.map(local),
        hold_reason: v.hold_reason.clone(),
        printed: v.printed_at.is_some(),
    }
}

/// A visit named by id or by visit number (`V20261127-0003`).
fn find_visit(app: &App, key: &str) -> Option<Visit> {
    match key.parse::<i64>() {
        Ok(id) => lookup::visit(app, id).ok().flatten(),
        Err(_) => lookup::visit_by_no(app, key).ok().flatten(),
    }
}

pub fn run_visit(app: &App, cmd: VisitCommand) -> Outcome {
    let lang = app.config.language;
    let now = app.now();
    match cmd {
        VisitCommand::Approve { id, by, json } | VisitCommand::Deny { id, by, json }
            if find_visit(app, &id).is_none() =>
        {
            let _ = (by, json);
            eprintln!(
                "{} {}",
                say(lang, "没有找到这条访客记录：", "No such visit:"),
                crate::domain::field::preview(&id)
            );
            Outcome::Negative
        }
        VisitCommand::Approve { id, by, json } => decide(app, &id, true, &by, json, now),
        VisitCommand::Deny { id, by, json } => decide(app, &id, false, &by, json, now),
        VisitCommand::SignOut { id, by, json } => {
            let Some(visit) = find_visit(app, &id) else {
                eprintln!(
                    "{} {}",
                    say(lang, "没有找到这条访客记录：", "No such visit:"),
                    crate::domain::field::preview(&id)
                );
                return Outcome::Negative;
            };
            let by = proven!(app, &by);
            match desk::sign_out(app, &by, &visit.visit_no, now) {
                Ok(Ok(())) => {
                    if json {
                        print_json(&serde_json::json!({ "signed_out": visit.visit_no }));
                    } else {
                        outln!("{} {}", say(lang, "已登记离开：", "Signed out:"), visit.visit_no);
                    }
                    Outcome::Success
                }
                Ok(Err(why)) => desk_refused(
                    lang,
                    why,
                    ("登记访客离开", "sign a visitor out"),
                    (
                        "该访客目前不在场（可能已登记离开），无需重复操作：",
                        "That visitor is not on site (perhaps already signed out):",
                    ),
                    &visit.visit_no,
                ),
                Err(e) => desk_failed(lang, &e),
            }
        }
        VisitCommand::List { on_site, json } => {
            let _ = crate::journeys::visitor::sweep_expired(app, now);
            let visits = if on_site {
                lookup::visits_on_site(app, now)
            } else {
                lookup::visits_waiting(app)
            };
            let visits = match visits {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("{e}");
                    return Outcome::Negative;
                }
            };
            let rows: Vec<VisitRow> = visits.iter().map(|v| row(app, v)).collect();
            if json {
                print_json(&rows);
            } else {
                for r in &rows {
                    outln!(
                        "{:<5} {:<16} {:<10} {:<4} {:<12} {:<14} {:<9} {}",
                        r.id,
                        r.visit_no,
                        r.unit,
                        r.visitor,
                        r.phone,
                        r.visitor_type,
                        r.status,
                        r.valid_until.as_deref().unwrap_or(&r.created_at)
                    );
                }
                outln!(
                    "{}",
                    lang.pick(&format!("共 {} 条。", rows.len()), &format!("{} visits.", rows.len()))
                );
            }
            Outcome::Success
        }
    }
}

fn decide(app: &App, key: &str, approve: bool, by: &str, json: bool, now: chrono::DateTime<Utc>) -> Outcome {
    let lang = app.config.language;
    let Some(visit) = find_visit(app, key) else {
        return Outcome::Negative;
    };
    let by = proven!(app, by);
    match desk::decide_visit(app, &by, visit.id, approve, now) {
        Ok(Ok((visit, printed))) => {
            let printed = printed.printed();
            if json {
                print_json(&serde_json::json!({ "visit": row(app, &visit), "printed": printed }));
            } else if approve {
                outln!(
                    "{} {} ({})",
                    say(lang, "已同意来访：", "Approved:"),
                    visit.visit_no,
                    if printed {
                        say(lang, "凭条已打印", "slip printed")
                    } else {
                        say(
                            lang,
                            "凭条未能打印，请在前台补打",
                            "slip did not print; reprint at the desk",
                        )
                    }
                );
            } else {
                outln!("{} {}", say(lang, "已婉拒来访：", "Declined:"), visit.visit_no);
            }
            Outcome::Success
        }
        Ok(Err(why)) => desk_refused(
            lang,
            why,
            if approve {
                ("同意来访", "approve a visit")
            } else {
                ("婉拒来访", "decline a visit")
            },
            ("该访客已处理过，无需重复操作：", "That visit was already decided:"),
            &visit.visit_no,
        ),
        Err(e) => desk_failed(lang, &e),
    }
}

pub fn run_invite(app: &App, cmd: InviteCommand) -> Outcome {
    let lang = app.config.language;
    let now = app.now();
    match cmd {
        InviteCommand::Create {
            unit,
            surname,
            phone,
            date,
            until,
            by,
            json,
        } => {
            let by = proven!(app, &by);
            let today = now.with_timezone(&app.config.tz()).date_naive();
            let from = date.unwrap_or(today);
            let until = until.unwrap_or(from);
            let request = visitor::InviteRequest {
                unit: &unit,
                surname: &surname,
                phone: &phone,
                from,
                until,
                by: &by,
            };
            match visitor::create_invite(app, &request, now) {
                Ok(Ok(created)) => {
                    if json {
                        print_json(&created);
                    } else {
                        outln!("{} {}", say(lang, "预约码：", "Invite code:"), created.code);
                        outln!(
                            "{} {} {} {} ~ {}",
                            created.unit,
                            created.visitor,
                            created.phone,
                            created.valid_from,
                            created.valid_until
                        );
                    }
                    Outcome::Success
                }
                Ok(Err(why)) => {
                    let msg = match why {
                        InviteRejected::Unit(_) => say(
                            lang,
                            "房号不在住户名录中，请核对后再试。",
                            "That unit is not in the resident directory.",
                        ),
                        InviteRejected::Phone => say(
                            lang,
                            "手机号码应为 11 位、以 1 开头。",
                            "The mobile number should have 11 digits starting with 1.",
                        ),
                        InviteRejected::Surname => say(
                            lang,
                            "请填写访客姓氏（1-4 个汉字或英文姓）。",
                            "Give the visitor's surname (1-4 Chinese characters or a Latin name).",
                        ),
                        InviteRejected::Dates => say(
                            lang,
                            "日期不合理：结束日期不能早于开始日期或今天，最长 31 天。",
                            "Dates must not end before they start or before today, at most 31 days.",
                        ),
                    };
                    eprintln!("{msg}");
                    Outcome::Negative
                }
                Err(e) => {
                    eprintln!("{e}");
                    Outcome::Negative
                }
            }
        }
        InviteCommand::List { json } => match lookup::invites(app, false) {
            Ok(invites) => {
                let rows: Vec<_> = invites
                    .iter()
                    .map(|i| serde_json::json!({ "code": i.code, "unit": i.unit_no, "visitor": mask_name(&i.surname), "phone": mask_phone(&i.phone), "valid_from": i.valid_from, "valid_until": i.valid_until }))
                    .collect();
                if json {
                    print_json(&rows);
                } else {
                    for i in &invites {
                        outln!(
                            "{} {:<10} {} {} {} ~ {}",
                            i.code,
                            i.unit_no,
                            mask_name(&i.surname),
                            mask_phone(&i.phone),
                            i.valid_from,
                            i.valid_until
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
        InviteCommand::Revoke { code, by } => match desk::revoke_invite(app, &proven!(app, &by), &code, now) {
            Ok(Ok(())) => {
                outln!("{} {code}", say(lang, "已取消预约：", "Invite cancelled:"));
                Outcome::Success
            }
            Ok(Err(why)) => desk_refused(
                lang,
                why,
                ("取消预约", "cancel an invite"),
                (
                    "没有找到有效的预约码（可能已使用或已取消），请核对：",
                    "No open invite with this code (it may be used or cancelled already); please check it:",
                ),
                &code,
            ),
            Err(e) => desk_failed(lang, &e),
        },
    }
}

pub fn run_deny(app: &App, cmd: DenyCommand) -> Outcome {
    let now = app.now();
    match cmd {
        DenyCommand::Add { phone, reason, by } => {
            let by = proven!(app, &by);
            let outcome = desk::deny_add(app, &by, &phone, &reason, now);
            deny_answer(app, outcome, &phone, ("已加入限制名单：", "Added to the deny list:"))
        }
        DenyCommand::Remove { phone, by } => {
            let by = proven!(app, &by);
            let outcome = desk::deny_remove_phone(app, &by, &phone, now);
            deny_answer(
                app,
                outcome,
                &phone,
                ("已移出限制名单：", "Removed from the deny list:"),
            )
        }
        DenyCommand::List { json } => match lookup::deny_list(app) {
            Ok(list) => {
                let rows: Vec<_> = list.iter().map(|d| serde_json::json!({ "phone": mask_phone(&d.phone), "reason": d.reason, "added_by": d.added_by, "added_at": d.added_at })).collect();
                if json {
                    print_json(&rows);
                } else {
                    for d in &list {
                        outln!("{} {} ({})", mask_phone(&d.phone), d.reason, d.added_by);
                    }
                }
                Outcome::Success
            }
            Err(e) => {
                eprintln!("{e}");
                Outcome::Negative
            }
        },
    }
}

/// The answer to a deny-list change, the phone masked whatever happened.
fn deny_answer(
    app: &App,
    outcome: Result<Result<(), desk::DeskRefused>, crate::journeys::JourneyError>,
    phone: &str,
    done: (&str, &str),
) -> Outcome {
    let lang = app.config.language;
    let masked = parse_mobile(phone).map(|m| m.masked()).unwrap_or_default();
    match outcome {
        Ok(Ok(())) => {
            outln!("{} {masked}", say(lang, done.0, done.1));
            Outcome::Success
        }
        Ok(Err(why)) => desk_refused(
            lang,
            why,
            ("管理限制名单", "manage the deny list"),
            (
                "该号码不在限制名单中，请核对：",
                "That number is not on the deny list; please check it:",
            ),
            &masked,
        ),
        Err(e) => desk_failed(lang, &e),
    }
}
