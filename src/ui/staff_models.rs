//! Fills the staff dashboard from the database: every list the sections show, in the
//! screen's language, with names masked and phones never whole.

use chrono::{DateTime, Duration, Utc};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{
    AppWindow, DenyLine, InviteLine, OnSiteLine, OpenTicket, PassLine, PermitLine, PermitState, StaffAdapter, StaffTab,
    TicketStep, WaitingVisit,
};
use crate::app::App;
use crate::domain::mask::{mask_name, mask_phone};
use crate::domain::ticket::{desk_next, TicketStatus};
use crate::i18n::Lang;
use crate::journeys::lookup::{self, Handover, HandoverItem, OnSiteKind, PermitStatus};
use crate::journeys::{shift, staff};

pub(super) fn model<T: Clone + 'static>(rows: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(rows))
}

/// The one step the dashboard offers for a ticket in this status, and where it leads.
/// The lifecycle is `domain::ticket`'s; this only names its step for the button.
pub fn next_step(status: TicketStatus) -> (TicketStep, Option<TicketStatus>) {
    let next = desk_next(status);
    let step = match next {
        Some(TicketStatus::Dispatched) => TicketStep::Dispatch,
        Some(TicketStatus::InProgress) => TicketStep::Start,
        Some(TicketStatus::Done) => TicketStep::Finish,
        Some(TicketStatus::ReturnVisit) => TicketStep::FollowUp,
        Some(TicketStatus::Closed) => TicketStep::Close,
        _ => TicketStep::None,
    };
    (step, next)
}

/// Reloads the dashboard: what the header and tab labels show (the notice outbox, a
/// handover waiting, a printer fault), then only the section on screen. Switching tabs
/// reloads too, so each action reads what one section needs, not all five.
pub fn fill(window: &AppWindow, app: &App, lang: Lang) {
    let now = app.now();
    let a = window.global::<StaffAdapter>();
    let pending = lookup::pending_handover(app).ok().flatten();
    a.set_handover_pending(pending.is_some());
    super::staff_printing::fill_printing(window, app, lang);
    fill_outbox(&a, app, lang);
    super::staff_sync::fill_sync(&a, app, lang);
    match a.get_tab() {
        StaffTab::Today => fill_today(&a, app, now, lang),
        StaffTab::Renovation => fill_renovation(&a, app, now, lang),
        StaffTab::Lists => fill_lists(&a, app, lang),
        StaffTab::Handover => fill_handover(&a, app, pending, now, lang),
        StaffTab::Printing => {}
    }
}

/// Waiting visitors, who is on site, open tickets.
fn fill_today(a: &StaffAdapter<'_>, app: &App, now: DateTime<Utc>, lang: Lang) {
    let tz = app.config.tz();
    // Anything not from today shows its date ("12-01 10:02").
    let hm = |t: DateTime<Utc>| crate::domain::day::list_time(t, now, tz);

    let _ = crate::journeys::visitor::expire_stale(app, now);
    let waiting: Vec<WaitingVisit> = lookup::visits_waiting(app)
        .unwrap_or_default()
        .into_iter()
        .map(|v| WaitingVisit {
            id: v.id as i32,
            number: v.visit_no.into(),
            unit: v.unit_no.into(),
            visitor: mask_name(&v.surname).into(),
            kind: v.visitor_type.label(lang).into(),
            held: v.hold_reason.is_some(),
            reason: v.hold_reason.unwrap_or_default().into(),
            since: hm(v.created_at).into(),
        })
        .collect();
    a.set_waiting(model(waiting));

    let roster = staff::roster(app, now).unwrap_or_default();
    a.set_on_site_people(roster.iter().map(|l| l.party as i32).sum());
    let on_site: Vec<OnSiteLine> = roster
        .into_iter()
        .map(|l| OnSiteLine {
            kind: if l.kind == OnSiteKind::Visitor {
                lang.pick("访客", "Visitor")
            } else {
                lang.pick("施工", "Worker")
            }
            .into(),
            number: l.number.into(),
            unit: l.unit.into(),
            name: l.name.into(),
            since: l.since.into(),
        })
        .collect();
    a.set_on_site(model(on_site));

    let tickets: Vec<OpenTicket> = lookup::tickets(app, true)
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            // Late by its own type's rule: an emergency dispatched but nobody on site,
            // a repair not done by its completion target.
            let overdue = staff::ticket_late(app, &t, now).unwrap_or(false);
            OpenTicket {
                number: t.ticket_no.into(),
                unit: t.unit_no.into(),
                kind: t.request_type.label(lang).into(),
                status: t.status.label(lang).into(),
                next: next_step(t.status).0,
                due: hm(t.due_at).into(),
                overdue,
                urgent: t.urgent,
            }
        })
        .collect();
    a.set_tickets(model(tickets));
}

fn fill_outbox(a: &StaffAdapter<'_>, app: &App, lang: Lang) {
    let text = match lookup::outbox_summary(app) {
        Ok(o) => lang
            .pick(
                &format!(
                    "通知：待发送 {}，已送达 {}，重试中 {}",
                    o.pending, o.delivered, o.failing
                ),
                &format!(
                    "Notices: {} pending, {} delivered, {} retrying",
                    o.pending, o.delivered, o.failing
                ),
            )
            .to_string(),
        Err(_) => String::new(),
    };
    a.set_outbox_text(text.into());
}

fn fill_renovation(a: &StaffAdapter<'_>, app: &App, now: DateTime<Utc>, _lang: Lang) {
    let tz = app.config.tz();
    let today = now.with_timezone(&tz).date_naive();
    let passes: Vec<PassLine> = lookup::passes_on_day(app, today)
        .unwrap_or_default()
        .into_iter()
        .map(|(p, unit, worker)| PassLine {
            number: p.pass_no.into(),
            unit: unit.into(),
            worker: worker.map(|w| mask_name(&w.name)).unwrap_or_default().into(),
            until: p.valid_until.with_timezone(&tz).format("%H:%M").to_string().into(),
            revoked: p.revoked_at.is_some(),
            left: p.left_at.is_some(),
        })
        .collect();
    a.set_passes(model(passes));

    let recent = today - Duration::days(7);
    let permits: Vec<PermitLine> = lookup::permits_for_desk(app, recent)
        .unwrap_or_default()
        .into_iter()
        .map(|p| PermitLine {
            code: p.code.into(),
            unit: p.unit_no.into(),
            contractor: p.contractor.into(),
            dates: format!("{}–{}", p.start_date.format("%m-%d"), p.end_date.format("%m-%d")).into(),
            state: match p.status {
                PermitStatus::Active => PermitState::Active,
                PermitStatus::Suspended => PermitState::Suspended,
                PermitStatus::Revoked => PermitState::Revoked,
                PermitStatus::Finished => PermitState::Finished,
            },
        })
        .collect();
    a.set_permits(model(permits));
}

fn fill_lists(a: &StaffAdapter<'_>, app: &App, _lang: Lang) {
    let tz = app.config.tz();
    let deny: Vec<DenyLine> = lookup::deny_list(app)
        .unwrap_or_default()
        .into_iter()
        .map(|d| DenyLine {
            id: d.id as i32,
            phone: mask_phone(&d.phone).into(),
            reason: d.reason.into(),
            added: d.added_at.with_timezone(&tz).format("%Y-%m-%d").to_string().into(),
        })
        .collect();
    a.set_deny_list(model(deny));
    let invites: Vec<InviteLine> = lookup::invites(app, false)
        .unwrap_or_default()
        .into_iter()
        .map(|i| InviteLine {
            code: i.code.into(),
            unit: i.unit_no.into(),
            visitor: mask_name(&i.surname).into(),
            dates: if i.valid_from == i.valid_until {
                i.valid_from.format("%m-%d").to_string()
            } else {
                format!("{}–{}", i.valid_from.format("%m-%d"), i.valid_until.format("%m-%d"))
            }
            .into(),
        })
        .collect();
    a.set_invites(model(invites));
}

/// The handover waiting to be taken over (if any), what is open now, the last one.
fn fill_handover(a: &StaffAdapter<'_>, app: &App, pending: Option<Handover>, now: DateTime<Utc>, lang: Lang) {
    let tz = app.config.tz();
    let md = |t: DateTime<Utc>| t.with_timezone(&tz).format("%m-%d %H:%M").to_string();
    let lines = |items: &[HandoverItem]| -> ModelRc<SharedString> {
        model(
            items
                .iter()
                .map(|i| SharedString::from(shift::item_text(i, lang, tz)))
                .collect(),
        )
    };
    match pending {
        Some(h) => {
            a.set_handover_by(h.closed_by.as_str().into());
            a.set_handover_at(md(h.closed_at).into());
            a.set_handover_notes(h.notes.as_str().into());
            a.set_handover_items(lines(&h.items));
        }
        None => a.set_handover_items(model(Vec::new())),
    }
    let open = shift::open_items(app, now).unwrap_or_default();
    a.set_open_items(lines(&open));
    let last = lookup::handovers(app, 5)
        .unwrap_or_default()
        .into_iter()
        .find(|h| h.acked_at.is_some());
    let text = match last {
        Some(h) => lang
            .pick(
                &format!(
                    "上次交接：{} 交班，{} 于 {} 接班",
                    h.closed_by,
                    h.acked_by.as_deref().unwrap_or_default(),
                    h.acked_at.map(md).unwrap_or_default()
                ),
                &format!(
                    "Last handover: from {} to {} at {}",
                    h.closed_by,
                    h.acked_by.as_deref().unwrap_or_default(),
                    h.acked_at.map(md).unwrap_or_default()
                ),
            )
            .to_string(),
        None => String::new(),
    };
    a.set_last_handover(text.into());
}
