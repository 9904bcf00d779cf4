//! Staff mode's 打印 section: the printer as the spooler last saw it, the slips still owed
//! (failed jobs not made good since) with a reprint for each, and "retry now".

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, ModelRc, VecModel};

use super::{AppWindow, OwedSlip, StaffAdapter};
use crate::app::App;
use crate::i18n::Lang;
use crate::journeys::lookup;

/// How many owed slips the section lists (the CLI shows them all).
const SHOWN: u32 = 30;

pub fn fill_printing(window: &AppWindow, app: &App, lang: Lang) {
    let a = window.global::<StaffAdapter>();
    let tz = app.config.tz();
    let hm = |t: DateTime<Utc>| t.with_timezone(&tz).format("%m-%d %H:%M").to_string();
    let view = app.printer_view();
    let state = view.status.map(|s| s.state);
    let mut text = format!("{} · {}", view.name, crate::printing::status::words(state, lang));
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
                    j.slip_kind.label(lang),
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
