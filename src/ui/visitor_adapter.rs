//! The visitor journey on screen: moves `VisitorAdapter` through its steps and calls
//! `journeys::visitor` for every decision. Holds what the person has confirmed so far;
//! an idle reset or a return home forgets all of it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

use super::print_watch::PrintWatch;
use super::{AppState, AppWindow, Page, ReturningAnswer, VisitorAdapter, VisitorKind, VisitorProblem, VisitorStep};
use crate::app::{App, Printing};
use crate::domain::mask::mask_phone;
use crate::domain::phone::parse_mobile;
use crate::domain::visitor::VisitorType;
use crate::journeys::lookup::{self, Visit, VisitStatus};
use crate::journeys::visitor::{self as flow, InviteOutcome, Registered, Rejected, SignOut, WalkIn};
use crate::journeys::JourneyError;
use crate::notify::{Notice, NoticeKind};

/// The tile the screen marks for a visitor type: the one place the domain's type and the
/// screen's enum meet (with [`type_of`]).
fn tile_of(t: VisitorType) -> VisitorKind {
    match t {
        VisitorType::Guest => VisitorKind::Guest,
        VisitorType::Courier => VisitorKind::Courier,
        VisitorType::FoodDelivery => VisitorKind::FoodDelivery,
        VisitorType::Service => VisitorKind::Service,
        VisitorType::TourGroup => VisitorKind::TourGroup,
        VisitorType::Media => VisitorKind::Media,
        VisitorType::Other => VisitorKind::Other,
    }
}

/// The visitor type of the tile the person tapped.
fn type_of(k: VisitorKind) -> VisitorType {
    match k {
        VisitorKind::Guest => VisitorType::Guest,
        VisitorKind::Courier => VisitorType::Courier,
        VisitorKind::FoodDelivery => VisitorType::FoodDelivery,
        VisitorKind::Service => VisitorType::Service,
        VisitorKind::TourGroup => VisitorType::TourGroup,
        VisitorKind::Media => VisitorType::Media,
        VisitorKind::Other => VisitorType::Other,
    }
}

/// How often the waiting screen looks for the desk's decision (and counts the wait):
/// the visitor learns of it within a second.
const POLL_EVERY: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Draft {
    unit: String,
    phone: String,
    surname: String,
    waiting_visit: Option<i64>,
    /// The last visit by the phone typed, if the kiosk has seen it before.
    returning: Option<crate::journeys::visitor_return::LastVisit>,
}

pub struct VisitorJourney {
    app: Rc<App>,
    watch: Rc<PrintWatch>,
    draft: RefCell<Draft>,
    poll: Timer,
}

impl VisitorJourney {
    pub fn install(window: &AppWindow, app: &Rc<App>, watch: &Rc<PrintWatch>) -> Rc<VisitorJourney> {
        let journey = Rc::new(VisitorJourney {
            app: app.clone(),
            watch: watch.clone(),
            draft: RefCell::default(),
            poll: Timer::default(),
        });
        let adapter = window.global::<VisitorAdapter>();
        adapter.set_retention_days(app.config.privacy.visit_retention_days as i32);
        adapter.set_record_retention_days(record_retention_days(&app.config.privacy));
        macro_rules! on {
            ($($t:tt)*) => { wire!(window, adapter, &journey, $($t)*) };
        }
        on!(on_unit_entered, |j, w, unit| j.unit_entered(&w, &unit));
        on!(on_want_invite, |j, w, yes| {
            let a = w.global::<VisitorAdapter>();
            a.set_problem(VisitorProblem::None);
            a.set_step(if yes { VisitorStep::Invite } else { VisitorStep::Phone });
            a.set_code_typed("".into());
            let _ = &j;
        });
        on!(on_invite_entered, |j, w, code| j.check_in(&w, &code));
        on!(on_phone_entered, |j, w, phone| j.phone_entered(&w, &phone));
        on!(on_returning_answer, |j, w, answer| j.returning_answer(&w, answer));
        on!(on_surname_chosen, |j, w, name| j.surname_chosen(&w, &name));
        on!(on_company_entered, |j, w, text| {
            let a = w.global::<VisitorAdapter>();
            if let Some(company) = crate::domain::visitor::clean_company(&text) {
                a.set_company(company.into());
                a.set_problem(VisitorProblem::None);
                a.set_step(VisitorStep::Details);
            } else {
                a.set_problem(VisitorProblem::Company);
            }
            let _ = &j;
        });
        on!(on_submit, |j, w| j.submit(&w));
        on!(on_cancel_waiting, |j, w| j.cancel_waiting(&w));
        on!(on_back, |j, w| j.back(&w));
        on!(on_finish, |j, w| {
            j.reset(&w);
            w.global::<AppState>().invoke_go_home();
        });
        journey
    }

    /// Forgets everything: an idle reset, a return home, a finished visit.
    pub fn reset(&self, window: &AppWindow) {
        self.poll.stop();
        *self.draft.borrow_mut() = Draft::default();
        let a = window.global::<VisitorAdapter>();
        a.set_step(VisitorStep::Phone);
        a.set_problem(VisitorProblem::None);
        for set in [
            VisitorAdapter::set_unit,
            VisitorAdapter::set_masked_phone,
            VisitorAdapter::set_returning_name,
            VisitorAdapter::set_last_unit,
        ] {
            set(&a, "".into());
        }
        a.set_surname("".into());
        a.set_visitor_type(tile_of(VisitorType::Guest));
        a.set_party_size(1);
        a.set_company("".into());
        a.set_visit_no("".into());
        a.set_unit_typed("".into());
        a.set_phone_typed("".into());
        a.set_code_typed("".into());
    }

    /// A scan while the kiosk shows any page: an invite code checks in, a visitor slip
    /// signs out. Returns false for scans that are not the visitor journey's.
    pub fn scanned_invite(&self, window: &AppWindow, code: &str) {
        self.reset(window);
        window.global::<AppState>().invoke_navigate(Page::Visitor);
        self.check_in(window, code);
    }

    pub fn scanned_slip(&self, window: &AppWindow, token: &str) {
        self.reset(window);
        window.global::<AppState>().invoke_navigate(Page::Visitor);
        let a = window.global::<VisitorAdapter>();
        match flow::sign_out_by_token(&self.app, token, self.app.now()) {
            Ok(SignOut::SignedOut(visit)) => {
                a.set_visit_no(visit.visit_no.into());
                a.set_step(VisitorStep::SignedOut);
            }
            Ok(SignOut::NotOnSite) => a.set_step(VisitorStep::NotOnSite),
            Ok(SignOut::Invalid) => a.set_step(VisitorStep::InvalidSlip),
            Err(e) => self.failed(window, &e),
        }
    }

    fn unit_entered(&self, window: &AppWindow, input: &str) {
        let a = window.global::<VisitorAdapter>();
        match flow::check_unit(&self.app, input) {
            Ok(Ok(unit)) => {
                a.set_unit(unit.as_str().into());
                self.draft.borrow_mut().unit = unit;
                a.set_problem(VisitorProblem::None);
                // A returning visitor who named a new unit already gave their surname.
                let known = !self.draft.borrow().surname.is_empty();
                if known {
                    a.set_surname(self.draft.borrow().surname.as_str().into());
                }
                a.set_step(if known {
                    VisitorStep::Details
                } else {
                    VisitorStep::Surname
                });
            }
            // The same polite answer for a malformed and an unknown unit.
            Ok(Err(Rejected::UnitFormat | Rejected::UnitNotFound)) | Ok(Err(_)) => {
                a.set_problem(VisitorProblem::UnitNotFound);
            }
            Err(e) => self.failed(window, &e),
        }
    }

    fn phone_entered(&self, window: &AppWindow, input: &str) {
        let Ok(mobile) = parse_mobile(input) else { return };
        let a = window.global::<VisitorAdapter>();
        a.set_masked_phone(mobile.masked().into());
        self.draft.borrow_mut().phone = mobile.as_str().to_string();
        match crate::journeys::visitor_return::last_visit(&self.app, mobile.as_str()) {
            Ok(Some(last)) => {
                a.set_returning_name(last.surname.as_str().into());
                a.set_last_unit(last.unit.clone().unwrap_or_default().into());
                a.set_visitor_type(tile_of(last.visitor_type));
                let mut draft = self.draft.borrow_mut();
                draft.returning = Some(last);
                draft.surname.clear();
                a.set_step(VisitorStep::Returning);
            }
            Ok(None) => {
                self.draft.borrow_mut().returning = None;
                a.set_step(VisitorStep::Unit);
            }
            Err(e) => self.failed(window, &e),
        }
    }

    /// "王先生/女士，这次还是到 3-2-702 吗？": the same unit goes straight to the consent,
    /// another unit keeps the surname, "not me" starts afresh.
    fn returning_answer(&self, window: &AppWindow, answer: ReturningAnswer) {
        let a = window.global::<VisitorAdapter>();
        let Some(last) = self.draft.borrow().returning.clone() else {
            a.set_step(VisitorStep::Unit);
            return;
        };
        match answer {
            ReturningAnswer::SameUnit if last.unit.is_some() => {
                let unit = last.unit.clone().unwrap_or_default();
                a.set_unit(unit.as_str().into());
                a.set_surname(last.surname.as_str().into());
                let mut draft = self.draft.borrow_mut();
                draft.unit = unit;
                draft.surname = last.surname;
                a.set_step(VisitorStep::Details);
            }
            ReturningAnswer::SameUnit | ReturningAnswer::OtherUnit => {
                self.draft.borrow_mut().surname = last.surname;
                a.set_step(VisitorStep::Unit);
            }
            ReturningAnswer::NotMe => {
                self.draft.borrow_mut().surname.clear();
                a.set_visitor_type(tile_of(VisitorType::Guest));
                a.set_step(VisitorStep::Unit);
            }
        }
    }

    fn surname_chosen(&self, window: &AppWindow, name: &str) {
        let a = window.global::<VisitorAdapter>();
        let Some(name) = crate::domain::visitor::clean_surname(name) else {
            a.set_problem(VisitorProblem::Surname);
            return;
        };
        a.set_problem(VisitorProblem::None);
        a.set_surname(name.as_str().into());
        self.draft.borrow_mut().surname = name;
        a.set_step(VisitorStep::Details);
    }

    fn submit(&self, window: &AppWindow) {
        let a = window.global::<VisitorAdapter>();
        let draft = self.draft.borrow();
        let walk_in = WalkIn {
            unit: draft.unit.clone(),
            surname: draft.surname.clone(),
            phone: draft.phone.clone(),
            visitor_type: type_of(a.get_visitor_type()),
            party_size: a.get_party_size().max(1) as u32,
            company: a.get_company().to_string(),
        };
        drop(draft);
        match flow::register(&self.app, &walk_in, self.app.now()) {
            Ok(Registered::Approved { visit, printed }) => self.show_approved(window, &visit, printed),
            Ok(Registered::Waiting(visit)) | Ok(Registered::Held(visit)) => self.wait_for(window, &visit),
            Ok(Registered::Rejected(why)) => {
                // Only reachable if a step was skipped; send the person back to it politely.
                let (step, problem) = match why {
                    Rejected::UnitFormat | Rejected::UnitNotFound => (VisitorStep::Unit, VisitorProblem::UnitNotFound),
                    Rejected::Phone => (VisitorStep::Phone, VisitorProblem::None),
                    Rejected::Surname => (VisitorStep::Surname, VisitorProblem::Surname),
                    Rejected::Company => (VisitorStep::Company, VisitorProblem::Company),
                    Rejected::PartySize => (VisitorStep::Details, VisitorProblem::None),
                };
                a.set_problem(problem);
                a.set_step(step);
            }
            Err(e) => self.failed(window, &e),
        }
    }

    fn check_in(&self, window: &AppWindow, code: &str) {
        let a = window.global::<VisitorAdapter>();
        a.set_step(VisitorStep::Invite);
        match flow::check_in_invite(&self.app, code, self.app.now()) {
            Ok(InviteOutcome::CheckedIn { visit, printed }) => self.show_approved(window, &visit, printed),
            Ok(InviteOutcome::Held(visit)) => self.wait_for(window, &visit),
            Ok(InviteOutcome::Unknown) => {
                // Cleared for the retry: the next six digits submit themselves again.
                a.set_code_typed("".into());
                a.set_problem(VisitorProblem::InviteUnknown);
            }
            Ok(InviteOutcome::NotToday { from, until }) => {
                let dates = if from == until {
                    from.to_string()
                } else {
                    format!("{from} ~ {until}")
                };
                a.set_invite_dates(dates.into());
                a.set_code_typed("".into());
                a.set_problem(VisitorProblem::InviteNotToday);
            }
            Err(e) => self.failed(window, &e),
        }
    }

    fn show_approved(&self, window: &AppWindow, visit: &Visit, printing: Printing) {
        let a = window.global::<VisitorAdapter>();
        a.set_unit(visit.unit_no.as_str().into());
        a.set_visit_no(visit.visit_no.as_str().into());
        a.set_masked_phone(mask_phone(&visit.phone).into());
        a.set_problem(VisitorProblem::None);
        watch_slip(&self.watch, printing);
    }

    /// "请稍等，我马上联系": keeps the screen alive and looks for the desk's decision.
    fn wait_for(&self, window: &AppWindow, visit: &Visit) {
        let visit_id = visit.id;
        self.draft.borrow_mut().waiting_visit = Some(visit_id);
        let a = window.global::<VisitorAdapter>();
        a.set_visit_no(visit.visit_no.as_str().into());
        a.set_unit(visit.unit_no.as_str().into());
        a.set_waited_secs(0);
        a.set_wait_minutes(i32::try_from(self.app.config.visitor.approval_wait_secs.div_ceil(60)).unwrap_or(5));
        a.set_step(VisitorStep::Waiting);
        let weak = window.as_weak();
        let app = self.app.clone();
        let watch = self.watch.clone();
        // Counted in polls (not wall time) so tests can drive it with mocked time.
        let max_polls = self
            .app
            .config
            .visitor
            .approval_wait_secs
            .div_ceil(POLL_EVERY.as_secs() as u32);
        let mut polls: u32 = 0;
        let mut decided = false;
        self.poll.start(TimerMode::Repeated, POLL_EVERY, move || {
            let Some(w) = weak.upgrade() else { return };
            let a = w.global::<VisitorAdapter>();
            if a.get_step() != VisitorStep::Waiting || decided {
                return;
            }
            polls += 1;
            a.set_waited_secs(i32::try_from(polls * POLL_EVERY.as_secs() as u32).unwrap_or(i32::MAX));
            // Waiting is not idleness: keep the page while the desk is contacting the host.
            w.global::<AppState>().invoke_activity();
            match lookup::visit(&app, visit_id) {
                Ok(Some(v)) if v.status == VisitStatus::Approved => {
                    // Approved at the desk: the slip may still be on its way to the
                    // printer, which the print watch follows as for any other slip.
                    decided = true;
                    a.set_visit_no(v.visit_no.as_str().into());
                    let printing = if v.printed_at.is_some() {
                        Printing::Printed
                    } else {
                        match lookup::last_print_job_for(&app, crate::journeys::RecordKind::Visit, v.id) {
                            Ok(Some(job_id)) => Printing::Pending(job_id),
                            _ => Printing::Failed,
                        }
                    };
                    watch_slip(&watch, printing);
                }
                Ok(Some(v)) if v.status == VisitStatus::Denied => a.set_step(VisitorStep::Denied),
                Ok(_) if polls >= max_polls => a.set_step(VisitorStep::Desk),

                Ok(_) => {}
                Err(_) => a.set_step(VisitorStep::Desk),
            }
        });
    }

    /// The visitor steps away: the visit is cancelled and the desk told, unless the
    /// decision came first, which the screen then shows at once.
    fn cancel_waiting(&self, window: &AppWindow) {
        let Some(id) = self.draft.borrow().waiting_visit else {
            return;
        };
        match crate::journeys::visitor_wait::cancel_waiting(&self.app, id, self.app.now()) {
            Ok(true) => {
                self.poll.stop();
                window.global::<VisitorAdapter>().set_step(VisitorStep::Cancelled);
            }
            // Decided a moment ago: the next look shows the decision.
            Ok(false) => {}
            Err(e) => self.failed(window, &e),
        }
    }

    fn back(&self, window: &AppWindow) {
        let a = window.global::<VisitorAdapter>();
        a.set_problem(VisitorProblem::None);
        let previous = match a.get_step() {
            VisitorStep::Phone => None,
            VisitorStep::Invite | VisitorStep::Returning | VisitorStep::Unit => Some(VisitorStep::Phone),
            VisitorStep::Surname => Some(VisitorStep::Unit),
            VisitorStep::Details => Some(VisitorStep::Surname),
            VisitorStep::Company => Some(VisitorStep::Details),
            // After an outcome, "back" means starting again.
            _ => None,
        };
        match previous {
            Some(step) => a.set_step(step),
            None => {
                self.reset(window);
                window.global::<AppState>().invoke_go_home();
            }
        }
    }

    /// The system failed: apologise once, tell staff, offer the desk and a call-back.
    fn failed(&self, window: &AppWindow, error: &JourneyError) {
        window.global::<VisitorAdapter>().set_step(VisitorStep::Failed);
        super::storage_notice::on_journey_error(window, error);
        let notice = Notice::new(NoticeKind::SystemFault, "访客登记出错 Visitor registration failed")
            .line(error.to_string())
            .urgent(true);
        let _ = crate::journeys::tell_desk(&self.app, &notice, self.app.now());
    }
}

/// The visitor's slip: "请取凭条" once it is out, the polite not-printed page if not.
fn watch_slip(watch: &PrintWatch, printing: Printing) {
    watch.watch(printing, |w, printed| {
        w.global::<VisitorAdapter>().set_step(if printed {
            VisitorStep::Approved
        } else {
            VisitorStep::NotPrinted
        });
    });
}

/// Days the staff audit and shift handovers (which may mention a visit or a pass) are
/// kept, as the privacy notices state: the longer of the two.
pub(crate) fn record_retention_days(privacy: &crate::config::Privacy) -> i32 {
    let days = privacy.audit_retention_days.max(privacy.handover_retention_days);
    i32::try_from(days).unwrap_or(i32::MAX)
}
