//! `lobby-kiosk permit ...` and `lobby-kiosk pass ...`: renovation permits for the desk,
//! and pass issue/verify/revoke through exactly the kiosk's code path. What the desk does
//! to a permit or a pass goes through `journeys::desk`, as from the staff dashboard.

use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use serde::Serialize;

use super::{desk_failed, desk_refused, label, print_json, say, Outcome};
use crate::app::App;
use crate::domain::mask::{mask_name, mask_phone};
use crate::journeys::desk;
use crate::journeys::lookup::{self, Permit, PermitStatus};
use crate::journeys::permit::{self, PermitForm, PermitRejected};
use crate::journeys::worker::{self, PassOutcome, PassRefused, WhoAsks};

#[derive(Debug, Subcommand)]
pub enum PermitCommand {
    /// File a renovation (装修备案) with its worker roster; prints the permit slip.
    Add {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        owner: String,
        #[arg(long)]
        contractor: String,
        #[arg(long)]
        lead_phone: String,
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
        #[arg(long)]
        deposit_paid: bool,
        /// A worker as `name:phone[:id-number]` (the ID number is kept only as a keyed hash and its last 4).
        #[arg(long = "worker")]
        workers: Vec<String>,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Show {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Stop passes under an active permit for now (`permit resume` lets the workers in again).
    Suspend {
        code: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
    /// Lift a suspension: only a suspended permit resumes.
    Resume {
        code: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
    /// Revoke a permit (supervisors only): every pass issued under it stops verifying.
    Revoke {
        code: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
    Finish {
        code: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
    /// Move the last day on: after the current one, at most 90 days beyond it.
    Extend {
        code: String,
        #[arg(long)]
        to: NaiveDate,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
    /// Print the permit slip (code and QR) for the contractor again.
    Slip { code: String },
}

#[derive(Debug, Subcommand)]
pub enum PassCommand {
    /// Issue (or reprint) today's pass: the kiosk's checks, record and print.
    Issue {
        #[arg(long)]
        permit: String,
        #[arg(long)]
        worker_phone: String,
        #[arg(long)]
        json: bool,
    },
    /// Check a pass QR offline: exit 0 when valid, 1 when not (with the reason).
    Verify {
        token: String,
        /// Judge it at this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<DateTime<Utc>>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a pass by its number (`W20261127-0001`).
    Revoke {
        pass_no: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
}

#[derive(Serialize)]
struct PermitView {
    code: String,
    unit: String,
    owner: String,
    contractor: String,
    lead_phone: String,
    from: NaiveDate,
    to: NaiveDate,
    deposit_paid: bool,
    status: PermitStatus,
    workers: Vec<serde_json::Value>,
}

fn view(p: &Permit) -> PermitView {
    PermitView {
        code: p.code.clone(),
        unit: p.unit_no.clone(),
        owner: mask_name(&p.owner_surname),
        contractor: p.contractor.clone(),
        lead_phone: mask_phone(&p.lead_phone),
        from: p.start_date,
        to: p.end_date,
        deposit_paid: p.deposit_paid,
        status: p.status,
        workers: p
            .workers
            .iter()
            .map(|w| serde_json::json!({ "name": mask_name(&w.name), "phone": mask_phone(&w.phone), "id_last4": w.id_last4 }))
            .collect(),
    }
}

fn print_permit(app: &App, p: &Permit, json: bool) {
    let lang = app.config.language;
    if json {
        print_json(&view(p));
        return;
    }
    outln!(
        "{} {}  {} {}  {}",
        say(lang, "备案编号", "Permit"),
        p.code,
        p.unit_no,
        p.contractor,
        status_label(app, p.status)
    );
    outln!(
        "  {} ~ {}  {}{}",
        p.start_date,
        p.end_date,
        label(lang, "保证金", "Deposit"),
        if p.deposit_paid { "✓" } else { "✗" }
    );
    for w in &p.workers {
        outln!("  {} {}", mask_name(&w.name), mask_phone(&w.phone));
    }
}

pub fn run_permit(app: &App, cmd: PermitCommand) -> Outcome {
    let lang = app.config.language;
    let now = app.now();
    let not_found = |code: &str| {
        eprintln!(
            "{} {}",
            say(lang, "没有找到这份装修备案：", "No permit with code"),
            crate::domain::field::preview(code)
        );
        Outcome::Negative
    };
    match cmd {
        PermitCommand::Add {
            unit,
            owner,
            contractor,
            lead_phone,
            from,
            to,
            deposit_paid,
            workers,
            by,
            json,
        } => {
            let by = proven!(app, &by);
            let mut roster = Vec::new();
            for w in &workers {
                match permit::parse_worker(app, w) {
                    Ok(w) => roster.push(w),
                    Err(PermitRejected::WorkerId(name, why)) => {
                        eprintln!(
                            "{} {name}{}{}",
                            say(lang, "施工人员身份证号码有误", "Worker's ID number not valid"),
                            lang.pick("：", ": "),
                            why.message(lang)
                        );
                        return Outcome::Usage;
                    }
                    Err(_) => {
                        // Never the whole entry: it holds a phone (and maybe an ID) number.
                        eprintln!(
                            "{} {}",
                            say(
                                lang,
                                "施工人员格式应为 姓名:手机号[:身份证号]，姓名为 1 至 20 个汉字或字母：",
                                "A worker is name:phone[:id-number], the name 1 to 20 letters:"
                            ),
                            crate::domain::field::preview(w.split(':').next().unwrap_or_default())
                        );
                        return Outcome::Usage;
                    }
                }
            }
            let form = PermitForm {
                unit,
                owner_surname: owner,
                contractor,
                lead_phone,
                start: from,
                end: to,
                deposit_paid,
                workers: roster,
            };
            match crate::journeys::desk::create_permit(app, &by, form, now) {
                Ok(Ok((permit, printing))) => {
                    let printed = printing.printed();
                    if json {
                        print_json(&serde_json::json!({ "permit": view(&permit), "slip_printed": printed }));
                    } else {
                        print_permit(app, &permit, false);
                    }
                    Outcome::Success
                }
                Ok(Err(why)) => {
                    let msg = match why {
                        PermitRejected::Unit => say(
                            lang,
                            "房号不在住户名录中。",
                            "That unit is not in the resident directory.",
                        ),
                        PermitRejected::OwnerSurname => say(lang, "请填写业主姓氏。", "Give the owner's surname."),
                        PermitRejected::Contractor => say(
                            lang,
                            "请填写施工单位（不超过 40 字）。",
                            "Give the contractor (at most 40 characters).",
                        ),
                        PermitRejected::LeadPhone => say(
                            lang,
                            "施工负责人手机号码应为 11 位、以 1 开头。",
                            "The lead's mobile number should have 11 digits starting with 1.",
                        ),
                        PermitRejected::Dates => say(
                            lang,
                            "施工日期不合理（结束不能早于开始，最长一年）。",
                            "The dates do not work (end before start, or longer than a year).",
                        ),
                        PermitRejected::Worker(w) => format!(
                            "{} {w} {}",
                            say(lang, "施工人员信息有误：", "Worker entry not valid:"),
                            say(
                                lang,
                                "（格式为 姓名:手机号[:身份证号]，姓名为 1 至 20 个汉字或字母）",
                                "(give name:phone[:ID number]; a name is 1 to 20 letters)"
                            )
                        ),
                        PermitRejected::WorkerId(name, why) => format!(
                            "{} {name}{}{}",
                            say(lang, "施工人员身份证号码有误", "Worker's ID number not valid"),
                            lang.pick("：", ": "),
                            why.message(lang)
                        ),
                        PermitRejected::DuplicateWorker(phone) => format!(
                            "{} {}",
                            say(
                                lang,
                                "同一手机号码重复登记：",
                                "The same mobile number is listed twice:"
                            ),
                            mask_phone(&phone)
                        ),
                        PermitRejected::NoWorkers => say(
                            lang,
                            "请至少登记一名施工人员（--worker 姓名:手机号）。",
                            "List at least one worker (--worker name:phone).",
                        )
                        .to_string(),
                    };
                    eprintln!("{msg}");
                    Outcome::Negative
                }
                // Nothing was kept: no permit without its audit row and its slip's job.
                Err(e) => desk_failed(lang, &e),
            }
        }
        PermitCommand::List { json } => match lookup::permits(app) {
            Ok(permits) => {
                if json {
                    print_json(&permits.iter().map(view).collect::<Vec<_>>());
                } else {
                    permits.iter().for_each(|p| print_permit(app, p, false));
                }
                Outcome::Success
            }
            Err(e) => {
                eprintln!("{e}");
                Outcome::Negative
            }
        },
        PermitCommand::Show { code, json } => match lookup::permit_by_code(app, &code) {
            Ok(Some(p)) => {
                print_permit(app, &p, json);
                Outcome::Success
            }
            _ => not_found(&code),
        },
        PermitCommand::Suspend { code, by } => set_status(app, &code, PermitStatus::Suspended, &by, now),
        PermitCommand::Resume { code, by } => set_status(app, &code, PermitStatus::Active, &by, now),
        PermitCommand::Revoke { code, by } => set_status(app, &code, PermitStatus::Revoked, &by, now),
        PermitCommand::Finish { code, by } => set_status(app, &code, PermitStatus::Finished, &by, now),
        PermitCommand::Extend { code, to, by } => match desk::extend_permit_to(app, &proven!(app, &by), &code, to, now)
        {
            Ok(Ok(())) => {
                outln!("{} {code} → {to}", say(lang, "已延期装修备案", "Permit extended"));
                Outcome::Success
            }
            Ok(Err(why)) => refused(
                app,
                why,
                &code,
                ("延期装修备案", "extend a permit"),
                ("延期", "extended"),
            ),
            Err(e) => desk_failed(lang, &e),
        },
        PermitCommand::Slip { code } => match lookup::permit_by_code(app, &code) {
            Ok(Some(p)) => match worker::print_permit(app, &p, now) {
                Ok(p) if p.printed() => Outcome::Success,
                _ => {
                    eprintln!(
                        "{}",
                        say(
                            lang,
                            "凭条未能打印，请检查打印机。",
                            "The slip did not print; check the printer."
                        )
                    );
                    Outcome::Negative
                }
            },
            _ => not_found(&code),
        },
    }
}

/// A permit's state in words.
fn status_label(app: &App, status: PermitStatus) -> String {
    let (zh, en) = match status {
        PermitStatus::Active => ("有效", "active"),
        PermitStatus::Suspended => ("已暂停", "suspended"),
        PermitStatus::Revoked => ("已撤销", "revoked"),
        PermitStatus::Finished => ("已完工", "finished"),
    };
    say(app.config.language, zh, en)
}

/// Suspends, resumes, finishes or revokes a permit through the desk (the dashboard's
/// state and role rules, audited as `permit_<status>`).
fn set_status(app: &App, code: &str, status: PermitStatus, by: &str, now: DateTime<Utc>) -> Outcome {
    let lang = app.config.language;
    let (action, verb) = match status {
        PermitStatus::Active => (("恢复装修备案", "resume a permit"), ("恢复", "resumed")),
        PermitStatus::Suspended => (("暂停装修备案", "suspend a permit"), ("暂停", "suspended")),
        PermitStatus::Revoked => (("撤销装修备案", "revoke a permit"), ("撤销", "revoked")),
        PermitStatus::Finished => (("结束装修备案", "finish a permit"), ("结束", "finished")),
    };
    let by = proven!(app, by);
    match desk::set_permit_status(app, &by, code, status, now) {
        Ok(Ok(())) => {
            outln!(
                "{} {code} → {}",
                say(lang, "已更新备案", "Permit updated"),
                status_label(app, status)
            );
            Outcome::Success
        }
        Ok(Err(why)) => refused(app, why, code, action, verb),
        Err(e) => desk_failed(lang, &e),
    }
}

/// A refused permit action: when the permit exists, says which state it is in (a finished
/// or revoked permit stays so; only a suspended one resumes) rather than “not found”.
fn refused(app: &App, why: desk::DeskRefused, code: &str, action: (&str, &str), verb: (&str, &str)) -> Outcome {
    let lang = app.config.language;
    if why == desk::DeskRefused::NotFound {
        if let Ok(Some(p)) = lookup::permit_by_code(app, code) {
            eprintln!(
                "{}",
                lang.pick(
                    &format!(
                        "装修备案 {code} 目前为“{}”，无法{}。如需帮助，请联系当班主管，谢谢。",
                        status_label(app, p.status),
                        verb.0
                    ),
                    &format!(
                        "Permit {code} is {} and cannot be {}. The supervisor on duty can help; thank you.",
                        status_label(app, p.status),
                        verb.1
                    ),
                )
            );
            return Outcome::Negative;
        }
    }
    desk_refused(
        lang,
        why,
        action,
        (
            "没有找到这份装修备案，请核对备案编号：",
            "No permit with this code; please check it:",
        ),
        code,
    )
}

pub fn run_pass(app: &App, cmd: PassCommand) -> Outcome {
    let lang = app.config.language;
    let now = app.now();
    match cmd {
        PassCommand::Issue {
            permit,
            worker_phone,
            json,
        } => {
            let found = match worker::find_permit(app, &permit, now) {
                Ok(Some(p)) => p,
                Ok(None) => {
                    eprintln!(
                        "{} {}",
                        say(lang, "没有找到这份装修备案：", "No permit with code"),
                        crate::domain::field::preview(&permit)
                    );
                    return Outcome::Negative;
                }
                Err(e) => {
                    eprintln!("{e}");
                    return Outcome::Negative;
                }
            };
            match worker::issue_pass(app, &found, &WhoAsks::Phone(worker_phone), now) {
                Ok(PassOutcome::Issued(issued)) => {
                    let worker::Issued {
                        pass,
                        permit,
                        worker,
                        printed,
                        reprint,
                    } = *issued;
                    let printed = printed.printed();
                    let token = worker::pass_token(app, &pass, &permit).unwrap_or_default();
                    if json {
                        print_json(&serde_json::json!({
                            "pass_no": pass.pass_no, "unit": permit.unit_no, "worker": mask_name(&worker.name),
                            "valid_from": pass.valid_from, "valid_until": pass.valid_until,
                            "printed": printed, "reprint": reprint, "token": token,
                        }));
                    } else {
                        outln!(
                            "{} {} ({})",
                            say(lang, "临时出入证", "Pass"),
                            pass.pass_no,
                            if reprint {
                                say(lang, "补打", "reprint")
                            } else {
                                say(lang, "新发", "new")
                            }
                        );
                        outln!("{token}");
                    }
                    if printed {
                        Outcome::Success
                    } else {
                        Outcome::Negative
                    }
                }
                Ok(PassOutcome::Refused(why)) => {
                    let reason = refusal_code(&why);
                    let (message, resume_at) = match &why {
                        PassRefused::OutsideHours(r) => (worker::refusal_message(app, r, now, lang), r.next()),
                        _ => (super::words::pass_refused(&why, lang), None),
                    };
                    if json {
                        let mut answer = serde_json::json!({ "issued": false, "reason": reason, "message": message });
                        if matches!(why, PassRefused::OutsideHours(_)) {
                            answer["resume_at"] = serde_json::json!(resume_at.map(|t| t.to_rfc3339()));
                        }
                        print_json(&answer);
                    } else {
                        eprintln!("{}", say(lang, "未能发放通行证。", "No pass issued."));
                        eprintln!("{message}");
                    }
                    Outcome::Negative
                }
                Err(e) => {
                    eprintln!("{e}");
                    Outcome::Negative
                }
            }
        }
        PassCommand::Verify { token, at, json } => match worker::verify_pass(app, &token, at.unwrap_or(now)) {
            Ok(check) => {
                let message = check.reason.as_deref().map(|r| super::words::pass_check(r, lang));
                if json {
                    let mut answer = serde_json::to_value(&check).unwrap_or_default();
                    if let Some(message) = message {
                        answer["message"] = message.into();
                    }
                    print_json(&answer);
                } else if check.valid {
                    // In the compound's time, as printed on the pass.
                    let tz = app.config.tz();
                    let local = |t: Option<DateTime<Utc>>| {
                        t.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_default()
                    };
                    outln!(
                        "{} {} {} {} ~ {}",
                        say(lang, "有效", "VALID"),
                        check.pass_no.as_deref().unwrap_or(""),
                        check.unit.as_deref().unwrap_or(""),
                        local(check.valid_from),
                        local(check.valid_until)
                    );
                } else {
                    outln!("{}{}", label(lang, "无效", "NOT VALID"), message.unwrap_or_default());
                }
                if check.valid {
                    Outcome::Success
                } else {
                    Outcome::Negative
                }
            }
            Err(e) => {
                eprintln!("{e}");
                Outcome::Negative
            }
        },
        PassCommand::Revoke { pass_no, by } => match desk::revoke_pass(app, &proven!(app, &by), &pass_no, now) {
            Ok(Ok(())) => {
                outln!("{} {pass_no}", say(lang, "已撤销通行证：", "Pass revoked:"));
                Outcome::Success
            }
            Ok(Err(why)) => desk_refused(
                lang,
                why,
                ("撤销通行证", "revoke a pass"),
                (
                    "没有找到可撤销的通行证（可能已撤销），请核对编号：",
                    "No pass to revoke with this number (it may already be revoked); please check it:",
                ),
                &pass_no,
            ),
            Err(e) => desk_failed(lang, &e),
        },
    }
}

pub fn refusal_code(why: &PassRefused) -> &'static str {
    match why {
        PassRefused::UnknownPermit => "unknown_permit",
        PassRefused::PermitNotActive(_) => "permit_not_active",
        PassRefused::OutsideDates { .. } => "outside_dates",
        PassRefused::OutsideHours(r) => crate::domain::hours_text::refusal_code(r),
        PassRefused::NotOnRoster => "not_on_roster",
        PassRefused::DepositUnpaid => "deposit_unpaid",
        PassRefused::PassRevoked => "pass_revoked",
    }
}
