//! The day's summary on paper: its slip, and printing it by itself once a day at the
//! configured time (`staff.daily_report_time`). The day it was printed for is kept in
//! `kiosk_meta`, so a restart after the time does not print it again.

use chrono::{DateTime, Utc};

use super::staff::{daily_report, DailyReport};
use super::{print_for, JourneyError, Printing, RecordKind};
use crate::app::App;
use crate::printing::{Op, Slip, SlipKind};

/// The `kiosk_meta` key holding the local date the report last printed by itself for.
pub const PRINTED_FOR_KEY: &str = "daily_report_printed_for";

/// "总体满意度：94.0% / 目标 93%": a measured rate (or "—" with nothing to measure) against
/// the company's target.
fn against(lang: crate::i18n::Lang, label: &str, value: Option<f64>, target: f64) -> String {
    let measured = value.map_or("—".to_string(), |v| format!("{:.1}%", v * 100.0));
    format!(
        "{label}{measured} / {}{:.0}%",
        lang.pick("目标 ", "target "),
        target * 100.0
    )
}

/// The tickets part of the report as readable lines, the same on paper and on the
/// command line: the count and how it splits (judged, not yet due, left out, so the
/// count matches the rates' denominators), the count per type, both on-time rates, and
/// the rule they follow.
pub fn ticket_lines(report: &DailyReport, lang: crate::i18n::Lang) -> Vec<String> {
    let r = &report.responses;
    let mut lines = vec![match lang {
        crate::i18n::Lang::Zh => format!(
            "业主服务单：{} 单（计入及时率 {}，未到期 {}，已取消/重复 {}）",
            report.tickets,
            r.judged(),
            r.pending,
            r.left_out
        ),
        crate::i18n::Lang::En => format!(
            "Tickets: {} (judged {}, not yet due {}, cancelled/duplicate {})",
            report.tickets,
            r.judged(),
            r.pending,
            r.left_out
        ),
    }];
    for (kind, n) in &report.tickets_by_type {
        let label = kind.label(lang);
        lines.push(format!("  {label} {n}"));
    }
    let rate = |label: &str, tally: &crate::domain::targets::Tally, value: Option<f64>, target: Option<f64>| {
        let measured = value.map_or("—".to_string(), |v| format!("{:.1}%", v * 100.0));
        let counts = match lang {
            crate::i18n::Lang::Zh => format!("（按时 {} / 计入 {} 单）", tally.on_time, tally.judged()),
            crate::i18n::Lang::En => format!(" ({} of {} on time)", tally.on_time, tally.judged()),
        };
        let target = target.map_or(String::new(), |t| {
            format!(" / {}{:.0}%", lang.pick("目标 ", "target "), t * 100.0)
        });
        format!("{label}{measured}{counts}{target}")
    };
    lines.push(rate(
        lang.pick("服务及时率：", "Requests on time: "),
        r,
        report.responses_on_time,
        None,
    ));
    lines.push(rate(
        lang.pick("维修及时率：", "Repairs on time: "),
        &report.repairs,
        report.repairs_on_time,
        Some(1.0),
    ));
    lines.push(report.rule.clone());
    lines
}

pub fn report_slip(app: &App, report: &DailyReport) -> Slip {
    let lang = app.lang();
    let mut ops = vec![
        Op::Title(lang.pick("每日梳理汇总", "Daily summary").to_string()),
        Op::Centered(format!("{} {}", app.config.compound_name(lang), report.date)),
        Op::Divider,
        Op::Text(format!(
            "{}{}（{}{}）",
            lang.pick("访客登记：", "Visits: "),
            report.visits,
            lang.pick("限制名单拦截 ", "deny-list holds "),
            report.visits_held
        )),
        Op::Text(format!(
            "{}{}",
            lang.pick("装修通行证：", "Worker passes: "),
            report.passes
        )),
    ];
    ops.extend(ticket_lines(report, lang).into_iter().map(Op::Text));
    ops.extend([
        Op::Text(against(
            lang,
            lang.pick("总体满意度：", "Overall satisfaction: "),
            report.satisfaction_overall,
            report.target_overall,
        )),
        Op::Text(against(
            lang,
            lang.pick("接待服务满意度：", "Reception satisfaction: "),
            report.satisfaction_reception,
            report.target_reception,
        )),
        Op::Text(format!(
            "{}{}",
            lang.pick("打印故障（当天发生）：", "Print faults (that day): "),
            report.print_failures
        )),
        Op::Divider,
        Op::Centered(now_line(app, lang.pick("打印时间 ", "Printed "), app.now())),
        Op::Feed(2),
        Op::Cut,
    ]);
    Slip {
        kind: SlipKind::Report,
        ops,
    }
}

fn now_line(app: &App, prefix: &str, now: DateTime<Utc>) -> String {
    format!("{prefix}{}", crate::domain::day::local_minute(now, app.config.tz()))
}

/// Prints today's summary if the configured time has come and it has not printed by
/// itself today. `Some(printed)` when it tried, `None` when nothing was due. The day is
/// marked before printing, so a failure is left to the print-job register and the
/// desk rather than retried every minute. The kiosk checks from its minute tick, so the
/// slip may come up to a minute after the configured time.
pub fn print_if_due(app: &App, now: DateTime<Utc>) -> Result<Option<Printing>, JourneyError> {
    let Some(at) = app.config.staff.daily_report_at() else {
        return Ok(None);
    };
    let local = now.with_timezone(&app.config.tz());
    if local.time() < at {
        return Ok(None);
    }
    let today = local.date_naive().to_string();
    if app.with_store(|s| s.meta(PRINTED_FOR_KEY))?.as_deref() == Some(today.as_str()) {
        return Ok(None);
    }
    app.store().set_meta(PRINTED_FOR_KEY, &today)?;
    let report = daily_report(app, local.date_naive(), now)?;
    let printed = print_for(app, &report_slip(app, &report), RecordKind::Report, 0, now)?;
    app.store().audit(
        "kiosk",
        "report_auto_print",
        &today,
        if printed == Printing::Failed { "failed" } else { "sent" },
        now,
    )?;
    Ok(Some(printed))
}
