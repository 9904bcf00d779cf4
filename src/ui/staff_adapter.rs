//! Staff mode on screen (`StaffAdapter`): the PIN with its lockout, and the desk's
//! dashboard. Every action is audited under the logged-in staff member's name; going
//! home (or the idle reset) logs out.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{AppWindow, OnSiteLine, OpenTicket, PinProblem, StaffAdapter, StaffStep, WaitingVisit};
use crate::app::{App, Printing};
use crate::domain::mask::mask_name;
use crate::domain::request::RequestType;
use crate::domain::sla::breach;
use crate::domain::ticket::TicketStatus;
use crate::domain::visitor::VisitorType;
use crate::i18n::Lang;
use crate::journeys::staff::{self, Login};
use crate::journeys::{resident, visitor};

/// Wrong PINs before the first lockout.
const PIN_TRIES: u32 = 5;

pub struct StaffMode {
    app: Rc<App>,
    who: RefCell<Option<String>>,
}

impl StaffMode {
    pub fn install(window: &AppWindow, app: &Rc<App>) -> Rc<StaffMode> {
        let mode = Rc::new(StaffMode {
            app: app.clone(),
            who: RefCell::new(None),
        });
        let adapter = window.global::<StaffAdapter>();
        macro_rules! on {
            ($setter:ident, |$m:ident, $w:ident $(, $arg:ident)*| $body:expr) => {{
                let weak = window.as_weak();
                let mode = Rc::downgrade(&mode);
                adapter.$setter(move |$($arg),*| {
                    if let (Some($w), Some($m)) = (weak.upgrade(), mode.upgrade()) {
                        $body
                    }
                });
            }};
        }
        on!(on_pin_entered, |m, w, pin| m.login(&w, &pin));
        on!(on_approve, |m, w, id| m.decide(&w, i64::from(id), true));
        on!(on_deny, |m, w, id| m.decide(&w, i64::from(id), false));
        on!(on_dispatch, |m, w, number| {
            let Some(name) = m.who.borrow().clone() else { return };
            let outcome = resident::update(&m.app, &number, TicketStatus::Dispatched, &name, "", m.app.now());
            let ok = matches!(outcome, Ok(Ok(_)));
            m.say(
                &w,
                if ok {
                    format!("{number} ✓")
                } else {
                    format!("{number} ✗")
                },
            );
            m.refresh(&w);
        });
        on!(on_print_roster, |m, w| {
            let Some(name) = m.who.borrow().clone() else { return };
            let now = m.app.now();
            let printed = staff::print_roster(&m.app, now).unwrap_or(Printing::Failed);
            let failed = printed == Printing::Failed;
            let _ = m.app.store().audit(
                &name,
                "roster_print",
                "roster",
                if failed { "failed" } else { "sent" },
                now,
            );
            let lang = m.lang(&w);
            m.say(
                &w,
                lang.pick(
                    if failed {
                        "名单未能打印，请检查打印机"
                    } else {
                        "在场名单已送往打印机"
                    },
                    if failed {
                        "The roster did not print; check the printer"
                    } else {
                        "Roster sent to the printer"
                    },
                )
                .to_string(),
            );
        });
        on!(on_refresh, |m, w| m.refresh(&w));
        on!(on_logout, |m, w| m.reset(&w));
        mode
    }

    /// Logs out and forgets the PIN being typed.
    pub fn reset(&self, window: &AppWindow) {
        if let Some(name) = self.who.borrow_mut().take() {
            let _ = self.app.store().audit(&name, "logout", "staff", "", self.app.now());
        }
        let a = window.global::<StaffAdapter>();
        a.set_step(StaffStep::Pin);
        a.set_pin_problem(PinProblem::None);
        a.set_pin_typed(SharedString::new());
        a.set_message(SharedString::new());
        a.set_staff_name(SharedString::new());
    }

    fn lang(&self, window: &AppWindow) -> Lang {
        Lang::from_code(&window.global::<super::AppState>().get_language()).unwrap_or_default()
    }

    fn say(&self, window: &AppWindow, text: String) {
        window.global::<StaffAdapter>().set_message(text.into());
    }

    fn login(&self, window: &AppWindow, pin: &str) {
        let a = window.global::<StaffAdapter>();
        a.set_pin_typed(SharedString::new());
        let now = self.app.now();
        match staff::login(&self.app, pin, now) {
            Ok(Login::Ok { name, .. }) => {
                a.set_staff_name(name.as_str().into());
                *self.who.borrow_mut() = Some(name);
                a.set_pin_problem(PinProblem::None);
                a.set_step(StaffStep::Dashboard);
                self.refresh(window);
            }
            Ok(Login::Wrong { failures }) => {
                // Tries left before the next lockout step (every 5 failures).
                let next = (failures / PIN_TRIES + 1) * PIN_TRIES;
                a.set_attempts_left(next.saturating_sub(failures).max(1) as i32);
                a.set_pin_problem(PinProblem::Wrong);
            }
            Ok(Login::Locked { until }) => {
                a.set_locked_until(
                    until
                        .with_timezone(&self.app.config.tz())
                        .format("%H:%M:%S")
                        .to_string()
                        .into(),
                );
                a.set_pin_problem(PinProblem::Locked);
            }
            Err(_) => a.set_pin_problem(PinProblem::Wrong),
        }
    }

    fn decide(&self, window: &AppWindow, id: i64, approve: bool) {
        let Some(name) = self.who.borrow().clone() else { return };
        let now = self.app.now();
        let lang = self.lang(window);
        match visitor::decide(&self.app, id, approve, &name, now) {
            Ok(Some((visit, printed))) => {
                let action = if approve { "visit_approve" } else { "visit_deny" };
                let _ = self.app.store().audit(&name, action, &visit.visit_no, "", now);
                let text = match (approve, printed) {
                    (true, Printing::Failed) => {
                        lang.pick("已同意，凭条未能打印，请补打", "Approved; the slip did not print")
                    }
                    (true, _) => lang.pick("已同意，访客凭条正在打印", "Approved; the slip is printing"),
                    (false, _) => lang.pick("已婉拒", "Declined"),
                };
                self.say(window, format!("{} {text}", visit.visit_no));
            }
            _ => self.say(
                window,
                lang.pick("该访客已处理过", "That visit was already decided")
                    .to_string(),
            ),
        }
        self.refresh(window);
    }

    /// Reloads the dashboard from the database.
    pub fn refresh(&self, window: &AppWindow) {
        if self.who.borrow().is_none() {
            return;
        }
        let lang = self.lang(window);
        let now = self.app.now();
        let tz = self.app.config.tz();
        let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
        let a = window.global::<StaffAdapter>();
        let waiting: Vec<WaitingVisit> = self
            .app
            .with_store(|s| s.visits_waiting())
            .unwrap_or_default()
            .into_iter()
            .map(|v| WaitingVisit {
                id: v.id as i32,
                number: v.visit_no.into(),
                unit: v.unit_no.into(),
                visitor: mask_name(&v.surname).into(),
                kind: VisitorType::parse(&v.visitor_type).map_or("", |t| t.label(lang)).into(),
                held: v.hold_reason.is_some(),
                reason: v.hold_reason.unwrap_or_default().into(),
                since: local(v.created_at).into(),
            })
            .collect();
        a.set_waiting(ModelRc::new(VecModel::from(waiting)));
        let roster = staff::roster(&self.app, now).unwrap_or_default();
        a.set_on_site_people(roster.iter().map(|l| l.party as i32).sum());
        let on_site: Vec<OnSiteLine> = roster
            .into_iter()
            .map(|l| OnSiteLine {
                kind: lang
                    .pick(
                        if l.kind == "visitor" { "访客" } else { "施工" },
                        if l.kind == "visitor" { "Visitor" } else { "Worker" },
                    )
                    .into(),
                number: l.number.into(),
                unit: l.unit.into(),
                name: l.name.into(),
                since: l.since.into(),
            })
            .collect();
        a.set_on_site(ModelRc::new(VecModel::from(on_site)));
        let tickets: Vec<OpenTicket> = self
            .app
            .with_store(|s| s.tickets(true))
            .unwrap_or_default()
            .into_iter()
            .map(|t| {
                let b = breach(t.due_at, t.responded_at, now);
                OpenTicket {
                    number: t.ticket_no.into(),
                    unit: t.unit_no.into(),
                    kind: RequestType::parse(&t.request_type).map_or("", |r| r.label(lang)).into(),
                    status: TicketStatus::parse(&t.status)
                        .map_or(t.status.clone(), |s| s.label(lang).to_string())
                        .into(),
                    can_dispatch: t.status == "received",
                    due: local(t.due_at).into(),
                    overdue: b.is_breached(),
                    urgent: t.urgent,
                }
            })
            .collect();
        a.set_tickets(ModelRc::new(VecModel::from(tickets)));
        let outbox = self.app.with_store(|s| s.outbox_summary()).ok();
        let text = match outbox {
            Some(o) => lang
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
            None => String::new(),
        };
        a.set_outbox_text(text.into());
    }
}
