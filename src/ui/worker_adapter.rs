//! The renovation worker journey on screen (`WorkerAdapter`), over `journeys::worker`.
//! Also answers a pass scanned on the home page: guards and workers see at once whether
//! it is valid, and the worker's leaving is recorded.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, ModelRc, VecModel};

use super::print_watch::PrintWatch;
use super::{AppState, AppWindow, Page, RosterEntry, WorkerAdapter, WorkerRefusal, WorkerStep};
use crate::app::App;
use crate::domain::hours::Refusal;
use crate::domain::mask::mask_name;
use crate::journeys::lookup::{Permit, PermitStatus};
use crate::journeys::worker::{self as flow, PassOutcome, PassRefused};
use crate::journeys::worker_identity::{self as identity, Asked, Proof};
use crate::journeys::JourneyError;
use crate::notify::{Notice, NoticeKind};

pub struct WorkerJourney {
    app: Rc<App>,
    watch: Rc<PrintWatch>,
    permit: RefCell<Option<Permit>>,
    /// The roster entry tapped, waiting for the last four digits of its mobile.
    chosen: RefCell<Option<i64>>,
    checked_pass: RefCell<Option<i64>>,
}

impl WorkerJourney {
    pub fn install(window: &AppWindow, app: &Rc<App>, watch: &Rc<PrintWatch>) -> Rc<WorkerJourney> {
        let journey = Rc::new(WorkerJourney {
            app: app.clone(),
            watch: watch.clone(),
            permit: RefCell::new(None),
            chosen: RefCell::new(None),
            checked_pass: RefCell::new(None),
        });
        let adapter = window.global::<WorkerAdapter>();
        adapter.set_retention_days(i32::try_from(app.config.privacy.pass_retention_days).unwrap_or(i32::MAX));
        adapter.set_record_retention_days(super::visitor_adapter::record_retention_days(&app.config.privacy));
        macro_rules! on {
            ($($t:tt)*) => { wire!(window, adapter, &journey, $($t)*) };
        }
        on!(on_code_entered, |j, w, code| j.permit_entered(&w, &code));
        on!(on_worker_chosen, |j, w, id| j.worker_chosen(&w, i64::from(id)));
        on!(on_last_four_entered, |j, w, digits| {
            let Some(worker_id) = *j.chosen.borrow() else { return };
            j.issue(
                &w,
                Proof::LastFour {
                    worker_id,
                    digits: digits.to_string(),
                },
            )
        });
        on!(on_phone_entered, |j, w, phone| j
            .issue(&w, Proof::Phone(phone.to_string())));
        on!(on_leave, |j, w| j.leave(&w));
        on!(on_back, |j, w| {
            let a = w.global::<WorkerAdapter>();
            match a.get_step() {
                WorkerStep::Roster => a.set_step(WorkerStep::Code),
                WorkerStep::Phone | WorkerStep::Confirm => {
                    a.set_wrong_digits(false);
                    a.set_last_four_typed("".into());
                    a.set_step(WorkerStep::Roster)
                }
                _ => {
                    j.reset(&w);
                    w.global::<AppState>().invoke_go_home();
                }
            }
        });
        on!(on_finish, |j, w| {
            j.reset(&w);
            w.global::<AppState>().invoke_go_home();
        });
        journey
    }

    pub fn reset(&self, window: &AppWindow) {
        *self.permit.borrow_mut() = None;
        *self.checked_pass.borrow_mut() = None;
        *self.chosen.borrow_mut() = None;
        let a = window.global::<WorkerAdapter>();
        a.set_step(WorkerStep::Code);
        a.set_refusal(WorkerRefusal::None);
        a.set_roster(ModelRc::new(VecModel::from(Vec::<RosterEntry>::new())));
        for set in [
            WorkerAdapter::set_unit,
            WorkerAdapter::set_contractor,
            WorkerAdapter::set_pass_no,
            WorkerAdapter::set_worker_name,
            WorkerAdapter::set_valid_until,
            WorkerAdapter::set_code_typed,
            WorkerAdapter::set_phone_typed,
            WorkerAdapter::set_chosen_name,
            WorkerAdapter::set_last_four_typed,
        ] {
            set(&a, "".into());
        }
        a.set_reprint(false);
        a.set_wrong_digits(false);
    }

    /// A permit slip scanned anywhere: straight to the roster.
    pub fn scanned_permit(&self, window: &AppWindow, token: &str) {
        self.reset(window);
        window.global::<AppState>().invoke_navigate(Page::Worker);
        self.permit_entered(window, token);
    }

    /// A pass scanned anywhere: show whether it is valid (guards use this).
    pub fn scanned_pass(&self, window: &AppWindow, token: &str) {
        self.reset(window);
        window.global::<AppState>().invoke_navigate(Page::Worker);
        let a = window.global::<WorkerAdapter>();
        match flow::verify_pass(&self.app, token, self.app.now()) {
            Ok(check) if check.valid => {
                *self.checked_pass.borrow_mut() = check.pass_id;
                a.set_pass_no(check.pass_no.unwrap_or_default().into());
                a.set_unit(check.unit.unwrap_or_default().into());
                a.set_worker_name(check.worker.unwrap_or_default().into());
                a.set_valid_until(self.local(check.valid_until).into());
                a.set_step(WorkerStep::CheckValid);
            }
            Ok(check) => {
                a.set_refusal(match check.reason.as_deref() {
                    Some("expired") => WorkerRefusal::Expired,
                    Some("revoked") => WorkerRefusal::Revoked,
                    _ => WorkerRefusal::NotValid,
                });
                a.set_step(WorkerStep::CheckInvalid);
            }
            Err(e) => self.failed(window, &e),
        }
    }

    fn local(&self, t: Option<DateTime<Utc>>) -> String {
        t.map(|t| t.with_timezone(&self.app.config.tz()).format("%H:%M").to_string())
            .unwrap_or_default()
    }

    fn permit_entered(&self, window: &AppWindow, code: &str) {
        let a = window.global::<WorkerAdapter>();
        match flow::find_permit(&self.app, code, self.app.now()) {
            Ok(Some(permit)) => {
                a.set_refusal(WorkerRefusal::None);
                a.set_unit(permit.unit_no.as_str().into());
                a.set_contractor(permit.contractor.as_str().into());
                let entries: Vec<RosterEntry> = flow::roster(&permit)
                    .into_iter()
                    .map(|(id, name)| RosterEntry {
                        id: id as i32,
                        name: name.into(),
                    })
                    .collect();
                a.set_roster(ModelRc::new(VecModel::from(entries)));
                *self.permit.borrow_mut() = Some(permit);
                a.set_step(WorkerStep::Roster);
            }
            Ok(None) => {
                a.set_step(WorkerStep::Code);
                a.set_refusal(WorkerRefusal::UnknownPermit);
            }
            Err(e) => self.failed(window, &e),
        }
    }

    /// A name tapped on the roster: the worker confirms it is them before anything prints.
    fn worker_chosen(&self, window: &AppWindow, id: i64) {
        let Some(permit) = self.permit.borrow().clone() else {
            return;
        };
        let a = window.global::<WorkerAdapter>();
        let name = permit.workers.iter().find(|w| w.id == id).map(|w| mask_name(&w.name));
        *self.chosen.borrow_mut() = Some(id);
        a.set_chosen_name(name.unwrap_or_default().into());
        a.set_last_four_typed("".into());
        a.set_wrong_digits(false);
        a.set_step(WorkerStep::Confirm);
    }

    fn issue(&self, window: &AppWindow, proof: Proof) {
        let Some(permit) = self.permit.borrow().clone() else {
            return;
        };
        let a = window.global::<WorkerAdapter>();
        let now = self.app.now();
        let outcome = match identity::ask_for_pass(&self.app, &permit, &proof, now) {
            Ok(Asked::Checked(outcome)) => Ok(outcome),
            Ok(Asked::WrongDigits { tries_left }) => {
                // One polite answer; the tapped name is kept, only the digits are retyped.
                a.set_tries_left(i32::try_from(tries_left).unwrap_or(0));
                a.set_wrong_digits(true);
                a.set_last_four_typed("".into());
                return;
            }
            Ok(Asked::Held) => {
                a.set_wrong_digits(false);
                a.set_refusal(WorkerRefusal::Held);
                a.set_step(WorkerStep::Refused);
                return;
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(PassOutcome::Issued(issued)) => {
                let flow::Issued {
                    pass,
                    worker,
                    printed,
                    reprint,
                    ..
                } = *issued;
                a.set_pass_no(pass.pass_no.as_str().into());
                a.set_worker_name(mask_name(&worker.name).into());
                a.set_valid_until(self.local(Some(pass.valid_until)).into());
                a.set_reprint(reprint);
                self.watch.watch(printed, |w, printed| {
                    w.global::<WorkerAdapter>().set_step(if printed {
                        WorkerStep::Issued
                    } else {
                        WorkerStep::NotPrinted
                    });
                });
            }
            Ok(PassOutcome::Refused(why)) => {
                let lang =
                    crate::i18n::Lang::from_code(&window.global::<AppState>().get_language()).unwrap_or_default();
                let today = now.with_timezone(&self.app.config.tz()).date_naive();
                a.set_hours_text(flow::hours_text(&self.app, today, lang).into());
                a.set_refusal(match &why {
                    PassRefused::UnknownPermit => WorkerRefusal::UnknownPermit,
                    PassRefused::PermitNotActive(PermitStatus::Active) | PassRefused::PermitNotActive(_) => {
                        WorkerRefusal::NotActive
                    }
                    PassRefused::OutsideDates { start, end } => {
                        a.set_dates(format!("{start} ~ {end}").into());
                        WorkerRefusal::OutsideDates
                    }
                    PassRefused::OutsideHours(refusal) => {
                        let next = refusal.next().map(|t| crate::domain::hours_text::resume_text(t, today));
                        a.set_next_start(next.unwrap_or_default().into());
                        match refusal {
                            Refusal::Holiday { .. } => WorkerRefusal::Holiday,
                            Refusal::NoWorkToday { .. } => WorkerRefusal::NoWorkToday,
                            Refusal::OutsideHours { .. } => WorkerRefusal::OutsideHours,
                        }
                    }
                    PassRefused::NotOnRoster => WorkerRefusal::NotOnRoster,
                    PassRefused::DepositUnpaid => WorkerRefusal::DepositUnpaid,
                    PassRefused::PassRevoked => WorkerRefusal::Revoked,
                });
                a.set_step(WorkerStep::Refused);
            }
            Err(e) => self.failed(window, &e),
        }
    }

    fn leave(&self, window: &AppWindow) {
        let Some(id) = *self.checked_pass.borrow() else { return };
        match flow::mark_left(&self.app, id, self.app.now()) {
            Ok(_) => window.global::<WorkerAdapter>().set_step(WorkerStep::Left),
            Err(e) => self.failed(window, &e),
        }
    }

    fn failed(&self, window: &AppWindow, error: &JourneyError) {
        window.global::<WorkerAdapter>().set_step(WorkerStep::Failed);
        super::storage_notice::on_journey_error(window, error);
        let notice = Notice::new(NoticeKind::SystemFault, "通行证办理出错 Pass issue failed")
            .line(error.to_string())
            .urgent(true);
        let _ = crate::journeys::tell_desk(&self.app, &notice, self.app.now());
    }
}
