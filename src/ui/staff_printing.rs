//! Staff mode's 打印 section: the printer as the spooler last saw it, the slips still owed
//! (failed jobs not made good since) with a reprint for each, and "retry now".

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, ModelRc, VecModel};

use super::{AppWindow, OwedSlip, StaffAdapter};
use crate::app::App;
use crate::i18n::Lang;
use crate::journeys::lookup;
use crate::printing::PrinterState;

/// How many owed slips the section lists (the CLI shows them all).
const SHOWN: u32 = 30;

/// The printer's state in words a desk clerk acts on.
pub fn state_words(state: Option<PrinterState>, lang: Lang) -> &'static str {
    match state {
        None => lang.pick(
            "正常（无法查询状态的打印机）",
            "working (this printer cannot report its state)",
        ),
        Some(PrinterState::Ready) => lang.pick("就绪", "ready"),
        Some(PrinterState::PaperNearEnd) => lang.pick("纸快用完了，请准备换纸", "paper nearly out: have a roll ready"),
        Some(PrinterState::PaperOut) => lang.pick("缺纸，请换纸卷", "out of paper: change the roll"),
        Some(PrinterState::CoverOpen) => lang.pick("机盖打开，请合上", "cover open: close it"),
        Some(PrinterState::Offline) => lang.pick("离线，请检查电源和连线", "offline: check the power and cable"),
        Some(PrinterState::CutterError) => lang.pick("切刀故障，请联系维修", "cutter fault: call maintenance"),
        Some(PrinterState::Unrecoverable) => lang.pick("打印机故障，请联系维修", "printer fault: call maintenance"),
        Some(PrinterState::Unknown) => lang.pick("没有应答，请检查电源和连线", "no answer: check the power and cable"),
    }
}

pub fn fill_printing(window: &AppWindow, app: &App, lang: Lang) {
    let a = window.global::<StaffAdapter>();
    let tz = app.config.tz();
    let hm = |t: DateTime<Utc>| t.with_timezone(&tz).format("%m-%d %H:%M").to_string();
    let view = app.printer_view();
    let state = view.status.map(|s| s.state);
    let mut text = format!("{} · {}", view.name, state_words(state, lang));
    if view.last_job_ok == Some(false) {
        text.push_str(lang.pick("（上一张未能打印）", " (the last slip did not print)"));
    }
    if let Some(at) = view.checked_at {
        text.push_str(&format!(" · {}", hm(at)));
    }
    a.set_printer_text(text.into());
    a.set_printer_fault(view.fault().is_some());
    let owed: Vec<OwedSlip> = lookup::failed_print_jobs(app, SHOWN)
        .unwrap_or_default()
        .into_iter()
        .map(|j| {
            let label = lookup::print_record_label(app, j.record_kind, j.record_id)
                .ok()
                .flatten()
                .unwrap_or_default();
            OwedSlip {
                id: j.id as i32,
                text: format!(
                    "#{} {} {} · {} · ×{}",
                    j.id,
                    crate::printing::SlipKind::label_of(&j.slip_kind, lang),
                    label,
                    hm(j.created_at),
                    j.attempts
                )
                .into(),
                can_reprint: j.record_kind.reprintable(),
            }
        })
        .collect();
    a.set_owed(ModelRc::new(VecModel::from(owed)));
}
