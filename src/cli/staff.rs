//! `lobby-kiosk staff|roster|report|audit`: staff accounts, the evacuation roster, the
//! daily summary and the audit trail.

use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;

use super::{identity, label, print_json, say, Outcome};
use crate::app::App;
use crate::journeys::staff::{self, Role, StaffRefused};

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create an account (the first one may be created by anyone; later ones by a supervisor).
    Add {
        name: String,
        #[arg(long, default_value = "desk")]
        role: String,
        /// The 6-digit PIN (not trivially weak).
        #[arg(long)]
        pin: String,
        /// Who acts: a supervisor, proven by their PIN on standard input; `bootstrap` (no
        /// PIN) creates the first account of a fresh kiosk.
        #[arg(long, default_value = "bootstrap")]
        by: String,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Disable {
        name: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
    SetPin {
        name: String,
        #[arg(long)]
        pin: String,
        /// Who acts: an active staff account, proven by its PIN on standard input.
        #[arg(long)]
        by: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The day's summary against the company's targets.
    Daily {
        #[arg(long)]
        date: Option<NaiveDate>,
        /// text, csv or json
        #[arg(long, default_value = "text")]
        format: String,
        /// Also print the summary slip.
        #[arg(long)]
        print: bool,
    },
}

fn refused(app: &App, why: StaffRefused) -> Outcome {
    let lang = app.config.language;
    let msg = match why {
        StaffRefused::NotSupervisor => say(
            lang,
            "此操作需要主管账号（--by 主管姓名）。",
            "This needs a supervisor (--by NAME).",
        ),
        StaffRefused::Pin(e) => format!(
            "{}{e}",
            label(
                lang,
                "密码不符合要求（6 位数字，不能过于简单）",
                "PIN not accepted (6 digits, not trivially weak)"
            )
        ),
        StaffRefused::NameTaken => say(lang, "这个名字已有账号。", "That name already has an account."),
        StaffRefused::LastSupervisor => say(
            lang,
            "这是最后一位在职主管的账号，请先添加另一位主管再停用，谢谢。",
            "This is the last active supervisor; please add another supervisor first. Thank you.",
        ),
        StaffRefused::BadName(why) => format!(
            "{}{}",
            say(
                lang,
                "账号名称需为 1 至 20 个汉字、字母或数字：",
                "An account's name is 1 to 20 letters or digits: "
            ),
            why.message(lang)
        ),
        StaffRefused::UnknownName => say(
            lang,
            "没有这个账号，或名字不合适。",
            "No such account, or the name is not usable.",
        ),
    };
    eprintln!("{msg}");
    Outcome::Negative
}

pub fn run_staff(app: &App, cmd: StaffCommand) -> Outcome {
    let now = app.now();
    let result = match cmd {
        StaffCommand::Add { name, role, pin, by } => {
            let Some(role) = Role::parse(&role) else {
                eprintln!("role: desk | supervisor");
                return Outcome::Usage;
            };
            let by = match identity::prove_or_bootstrap(app, &by) {
                Ok(actor) => actor.name,
                Err(exit) => return exit,
            };
            staff::add_staff(app, &by, &name, role, &pin, now)
        }
        StaffCommand::Disable { name, by } => staff::disable(app, &proven!(app, &by), &name, now),
        StaffCommand::SetPin { name, pin, by } => staff::set_pin(app, &proven!(app, &by), &name, &pin, now),
        StaffCommand::List { json } => {
            return match crate::journeys::lookup::staff(app) {
                Ok(list) => {
                    if json {
                        print_json(&list);
                    } else {
                        for s in &list {
                            outln!(
                                "{:<12} {:<10} {}",
                                s.name,
                                s.role,
                                if s.active { "active" } else { "disabled" }
                            );
                        }
                    }
                    Outcome::Success
                }
                Err(e) => {
                    eprintln!("{e}");
                    Outcome::Negative
                }
            }
        }
    };
    match result {
        Ok(Ok(())) => Outcome::Success,
        Ok(Err(why)) => refused(app, why),
        Err(e) => {
            eprintln!("{e}");
            Outcome::Negative
        }
    }
}

pub fn run_roster(app: &App, print: bool, json: bool) -> Outcome {
    let now = app.now();
    let lines = match staff::roster(app, now) {
        Ok(lines) => lines,
        Err(e) => {
            eprintln!("{e}");
            return Outcome::Negative;
        }
    };
    if json {
        print_json(&lines);
    } else {
        let lang = app.config.language;
        for l in &lines {
            outln!(
                "{} {:<16} {:<10} {:<6} {:<12} ×{} {}",
                staff::on_site_word(l.kind, lang),
                l.number,
                l.unit,
                l.name,
                l.phone,
                l.party,
                l.since
            );
        }
        let people: u32 = lines.iter().map(|l| l.party).sum();
        outln!(
            "{}",
            app.config
                .language
                .pick(&format!("在场共 {people} 人。"), &format!("{people} people on site."))
        );
    }
    if print && !staff::print_roster(app, now).is_ok_and(|p| p.printed()) {
        let lang = app.config.language;
        let virtual_printer = app.config.printer.driver == crate::config::PrinterDriverKind::Virtual;
        match app.storage_trouble() {
            // The virtual printer files its slips in the data folder, which takes nothing now.
            Some(trouble) if virtual_printer => eprintln!(
                "{}",
                lang.pick(
                    &format!(
                        "名单未能打印：虚拟打印机把名单存放在数据目录里，而{}。",
                        trouble.name(lang)
                    ),
                    &format!(
                        "The roster did not print: the virtual printer files it in the data folder. {}.",
                        trouble.name(lang)
                    )
                )
            ),
            _ => eprintln!(
                "{}",
                say(
                    lang,
                    "名单未能打印，请检查打印机。",
                    "The roster did not print; check the printer."
                )
            ),
        }
        return Outcome::Negative;
    }
    Outcome::Success
}

pub fn run_report(app: &App, cmd: ReportCommand) -> Outcome {
    let ReportCommand::Daily { date, format, print } = cmd;
    let now = app.now();
    let date = date.unwrap_or_else(|| now.with_timezone(&app.config.tz()).date_naive());
    let report = match staff::daily_report(app, date, now) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return Outcome::Negative;
        }
    };
    let pct = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{:.1}%", v * 100.0));
    match format.as_str() {
        "json" => print_json(&report),
        "csv" => {
            outln!("date,visits,visits_held,passes,tickets,repairs_on_time,satisfaction_overall,satisfaction_reception,ratings,print_failures,tickets_judged,tickets_not_yet_due,tickets_left_out,requests_on_time");
            outln!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                report.date,
                report.visits,
                report.visits_held,
                report.passes,
                report.tickets,
                report.repairs_on_time.map_or(String::new(), |v| format!("{v:.4}")),
                report.satisfaction_overall.map_or(String::new(), |v| format!("{v:.4}")),
                report
                    .satisfaction_reception
                    .map_or(String::new(), |v| format!("{v:.4}")),
                report.ratings,
                report.print_failures,
                report.responses.judged(),
                report.responses.pending,
                report.responses.left_out,
                report.responses_on_time.map_or(String::new(), |v| format!("{v:.4}"))
            );
        }
        "text" => {
            let lang = app.config.language;
            outln!("{} {}", say(lang, "每日梳理汇总", "Daily summary"), report.date);
            outln!(
                "{}{}{}{}{}{}",
                label(lang, "访客登记", "Visits"),
                report.visits,
                lang.pick("（", " ("),
                label(lang, "限制名单拦截", "deny-list holds"),
                report.visits_held,
                lang.pick("）", ")")
            );
            outln!("{}{}", label(lang, "装修通行证", "Worker passes"), report.passes);
            for line in crate::journeys::daily::ticket_lines(&report, lang) {
                outln!("{line}");
            }
            outln!(
                "{}{} / {} {:.0}%",
                label(lang, "总体满意度", "Overall satisfaction"),
                pct(report.satisfaction_overall),
                say(lang, "目标", "target"),
                report.target_overall * 100.0
            );
            outln!(
                "{}{} / {} {:.0}%",
                label(lang, "接待服务满意度", "Reception satisfaction"),
                pct(report.satisfaction_reception),
                say(lang, "目标", "target"),
                report.target_reception * 100.0
            );
            outln!(
                "{}{}",
                label(lang, "打印故障（当天发生）", "Print faults (that day)"),
                report.print_failures
            );
        }
        _ => {
            eprintln!("--format text|csv|json");
            return Outcome::Usage;
        }
    }
    if print {
        let slip = crate::journeys::daily::report_slip(app, &report);
        if !crate::journeys::print_for(app, &slip, crate::journeys::RecordKind::Report, 0, now)
            .is_ok_and(|p| p.printed())
        {
            eprintln!(
                "{}",
                say(
                    app.config.language,
                    "汇总未能打印，请检查打印机。",
                    "The summary did not print; check the printer."
                )
            );
            return Outcome::Negative;
        }
    }
    Outcome::Success
}

pub fn run_audit(app: &App, since: Option<DateTime<Utc>>, json: bool) -> Outcome {
    let since = since.unwrap_or_else(|| app.now() - chrono::Duration::days(7));
    match crate::journeys::lookup::audit_since(app, since) {
        Ok(entries) => {
            if json {
                print_json(&entries);
            } else {
                for e in &entries {
                    outln!(
                        "{} {:<10} {:<16} {:<18} {}",
                        e.at.with_timezone(&app.config.tz()).format("%m-%d %H:%M"),
                        e.staff,
                        e.action,
                        e.record,
                        e.detail
                    );
                }
            }
            Outcome::Success
        }
        Err(e) => {
            eprintln!("{e}");
            Outcome::Negative
        }
    }
}
