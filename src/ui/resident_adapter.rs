//! Resident services on screen (`ResidentAdapter`) over `journeys::resident`, and the
//! one-tap satisfaction rating every journey ends with (`SatisfactionAdapter`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::DateTime;
use slint::{ComponentHandle, ModelRc, VecModel};

use super::print_watch::PrintWatch;
use super::{
    AppState, AppWindow, ChoiceItem, Page, Rating, RequestTypeItem, ResidentAdapter, ResidentProblem, ResidentStep,
    SatisfactionAdapter, TimelineEntry,
};
use crate::app::App;
use crate::domain::mask::mask_phone;
use crate::domain::request::{find_choice, quick_choices, safety_note, RequestType};
use crate::domain::sla::Reopening;
use crate::domain::ticket::{RatedJourney, Satisfaction};
use crate::i18n::Lang;
use crate::journeys::resident::{self as flow, Identification, Identified, Request, Submitted};
use crate::journeys::JourneyError;
use crate::notify::{Notice, NoticeKind};

/// Identification attempts before the polite stop (and the desk is told).
const MAX_ATTEMPTS: u32 = 3;

#[derive(Default)]
struct Draft {
    unit: String,
    who: Option<Identified>,
    request_type: Option<RequestType>,
    choice: String,
    callback: String,
    status_number: String,
}

pub struct ResidentJourney {
    app: Rc<App>,
    watch: Rc<PrintWatch>,
    draft: RefCell<Draft>,
    failures: Cell<u32>,
}

impl ResidentJourney {
    pub fn install(window: &AppWindow, app: &Rc<App>, watch: &Rc<PrintWatch>) -> Rc<ResidentJourney> {
        let journey = Rc::new(ResidentJourney {
            app: app.clone(),
            watch: watch.clone(),
            draft: RefCell::default(),
            failures: Cell::new(0),
        });
        let adapter = window.global::<ResidentAdapter>();
        adapter.set_retention_days(i32::try_from(app.config.privacy.ticket_retention_days).unwrap_or(i32::MAX));
        adapter.set_on_duty_phone(app.config.requests.on_duty_phone().into());
        macro_rules! on {
            ($($t:tt)*) => { wire!(window, adapter, &journey, $($t)*) };
        }
        on!(on_unit_entered, |j, w, unit| {
            j.draft.borrow_mut().unit = unit.to_string();
            let a = w.global::<ResidentAdapter>();
            a.set_digits_typed("".into());
            match flow::unit_locked(&j.app, &unit, j.app.now()) {
                // Too many wrong attempts for this unit lately: straight to the desk.
                Ok(true) => a.set_step(ResidentStep::Stopped),
                Ok(false) => a.set_step(ResidentStep::IdentifyDigits),
                Err(e) => j.failed(&w, &e),
            }
        });
        on!(on_digits_entered, |j, w, digits| j.identify(&w, &digits));
        on!(on_type_chosen, |j, w, key| j.type_chosen(&w, &key));
        on!(on_choice_chosen, |j, w, key| j.choice_chosen(&w, &key));
        on!(on_details_done, |j, w| {
            let a = w.global::<ResidentAdapter>();
            a.set_callback_masked(mask_phone(&j.draft.borrow().callback).into());
            a.set_step(ResidentStep::Callback);
        });
        on!(on_note_done, |j, w, text| {
            let a = w.global::<ResidentAdapter>();
            match crate::domain::field::clean(&crate::domain::field::TICKET_NOTE, &text) {
                Ok(note) => {
                    a.set_note(note.into());
                    a.set_problem(ResidentProblem::None);
                    a.set_step(ResidentStep::Details);
                }
                Err(_) => a.set_problem(ResidentProblem::Note),
            }
            let _ = &j;
        });
        on!(on_callback_answer, |j, w, yes| {
            if yes {
                j.submit(&w);
            } else {
                w.global::<ResidentAdapter>().set_step(ResidentStep::CallbackPhone);
            }
        });
        on!(on_callback_phone_entered, |j, w, phone| {
            j.draft.borrow_mut().callback = phone.to_string();
            j.submit(&w);
        });
        on!(on_status_start, |j, w| {
            let a = w.global::<ResidentAdapter>();
            a.set_problem(ResidentProblem::None);
            a.set_number_typed("".into());
            a.set_step(ResidentStep::StatusNumber);
            let _ = &j;
        });
        on!(on_number_entered, |j, w, number| {
            j.draft.borrow_mut().status_number = number.to_string();
            let a = w.global::<ResidentAdapter>();
            a.set_digits_typed("".into());
            a.set_step(ResidentStep::StatusDigits);
        });
        on!(on_status_digits_entered, |j, w, digits| {
            let number = j.draft.borrow().status_number.clone();
            j.show_status(&w, &number, Some(&digits));
        });
        on!(on_back, |j, w| j.back(&w));
        on!(on_finish, |j, w| {
            j.reset(&w);
            w.global::<AppState>().invoke_go_home();
        });
        {
            let weak = window.as_weak();
            let app = app.clone();
            window.global::<SatisfactionAdapter>().on_rate(move |rating| {
                let Some(w) = weak.upgrade() else { return };
                let journey = match w.global::<AppState>().get_page() {
                    Page::Visitor => RatedJourney::Visitor,
                    Page::Worker => RatedJourney::Worker,
                    _ if w.global::<ResidentAdapter>().get_step() == ResidentStep::Status => RatedJourney::Ticket,
                    _ => RatedJourney::Resident,
                };
                let rating = match rating {
                    Rating::Satisfied => Satisfaction::Satisfied,
                    Rating::Basic => Satisfaction::Basic,
                    Rating::Unsatisfied => Satisfaction::Unsatisfied,
                };
                // The person is thanked either way and keeps their outcome on screen (the
                // record number they came for): a rating is a favour, not their problem.
                // One the storage refuses is in the journal; a full or read-only disk
                // brings up the maintenance notice at the storage watch's next probe.
                if let Err(e) = flow::rate(&app, journey, None, rating, app.now()) {
                    eprintln!("lobby-kiosk: a rating ({journey:?}) could not be saved: {e}");
                }
                w.global::<SatisfactionAdapter>().set_rated(true);
            });
        }
        journey
    }

    pub fn reset(&self, window: &AppWindow) {
        *self.draft.borrow_mut() = Draft::default();
        self.failures.set(0);
        let a = window.global::<ResidentAdapter>();
        a.set_step(ResidentStep::IdentifyUnit);
        a.set_problem(ResidentProblem::None);
        for set in [
            ResidentAdapter::set_unit,
            ResidentAdapter::set_note,
            ResidentAdapter::set_ticket_no,
            ResidentAdapter::set_unit_typed,
            ResidentAdapter::set_digits_typed,
            ResidentAdapter::set_phone_typed,
            ResidentAdapter::set_number_typed,
            ResidentAdapter::set_callback_masked,
        ] {
            set(&a, "".into());
        }
        a.set_preferred_time("asap".into());
        a.set_timeline(ModelRc::new(VecModel::from(Vec::<TimelineEntry>::new())));
        window.global::<SatisfactionAdapter>().set_rated(false);
    }

    /// The request types and quick choices are data with both languages: refreshed when
    /// the language changes.
    pub fn apply_language(&self, window: &AppWindow, lang: Lang) {
        let items: Vec<RequestTypeItem> = RequestType::ALL
            .iter()
            .map(|t| RequestTypeItem {
                key: t.as_str().into(),
                label: t.label(lang).into(),
                emergency: t.is_emergency(),
            })
            .collect();
        window
            .global::<ResidentAdapter>()
            .set_types(ModelRc::new(VecModel::from(items)));
        if let Some(t) = self.draft.borrow().request_type {
            self.show_choices(window, t, lang);
            // The safety advice follows the language too (it may be on screen now).
            let note = safety_note(t, &self.draft.borrow().choice, lang).unwrap_or("");
            window.global::<ResidentAdapter>().set_safety_note(note.into());
        }
    }

    /// A ticket slip (token) or printed ticket number scanned anywhere.
    pub fn scanned_ticket(&self, window: &AppWindow, token_or_number: &str, is_token: bool) {
        self.reset(window);
        window.global::<AppState>().invoke_navigate(Page::Resident);
        if is_token {
            self.show_status(window, token_or_number, None);
        } else {
            self.draft.borrow_mut().status_number = token_or_number.to_string();
            window.global::<ResidentAdapter>().set_step(ResidentStep::StatusDigits);
        }
    }

    fn lang(&self, window: &AppWindow) -> Lang {
        Lang::from_code(&window.global::<AppState>().get_language()).unwrap_or_default()
    }

    fn identify(&self, window: &AppWindow, digits: &str) {
        let a = window.global::<ResidentAdapter>();
        let unit = self.draft.borrow().unit.clone();
        match flow::identify_guarded(&self.app, &unit, digits, self.app.now()) {
            // The unit's own count stopped it (kept across sessions; the desk was told
            // when it locked).
            Ok(Identification::Locked) => a.set_step(ResidentStep::Stopped),
            Ok(Identification::Identified(who)) => {
                self.failures.set(0);
                a.set_unit(who.unit.as_str().into());
                a.set_problem(ResidentProblem::None);
                let mut draft = self.draft.borrow_mut();
                draft.callback = who.phone.clone();
                draft.who = Some(who);
                drop(draft);
                self.apply_language(window, self.lang(window));
                a.set_step(ResidentStep::Menu);
            }
            Ok(Identification::NotMatched) => {
                let failures = self.failures.get() + 1;
                self.failures.set(failures);
                if failures >= MAX_ATTEMPTS {
                    let notice = Notice::new(
                        NoticeKind::IdentifyFailed,
                        "业主身份三次未能核对 Resident identification failed 3 times",
                    )
                    .line(format!("房号 Unit entered: {unit}"));
                    let _ = crate::journeys::tell_desk(&self.app, &notice, self.app.now());
                    a.set_step(ResidentStep::Stopped);
                } else {
                    // The room stays as typed: only the digits are asked again ("返回"
                    // corrects the room). One answer for an unknown room and wrong digits.
                    a.set_problem(ResidentProblem::NotMatched);
                    a.set_digits_typed("".into());
                    a.set_step(ResidentStep::IdentifyDigits);
                }
            }
            Err(e) => self.failed(window, &e),
        }
    }

    fn show_choices(&self, window: &AppWindow, t: RequestType, lang: Lang) {
        let a = window.global::<ResidentAdapter>();
        let items: Vec<ChoiceItem> = quick_choices(t)
            .iter()
            .map(|c| ChoiceItem {
                key: c.key.into(),
                label: c.label(lang).into(),
            })
            .collect();
        a.set_choices(ModelRc::new(VecModel::from(items)));
        a.set_type_label(t.label(lang).into());
        a.set_prompt(t.prompt(lang).into());
    }

    fn type_chosen(&self, window: &AppWindow, key: &str) {
        let Some(t) = RequestType::parse(key) else { return };
        self.draft.borrow_mut().request_type = Some(t);
        self.show_choices(window, t, self.lang(window));
        let a = window.global::<ResidentAdapter>();
        a.set_urgent(t.is_emergency());
        a.set_step(if t.is_emergency() {
            ResidentStep::Emergency
        } else {
            ResidentStep::Choices
        });
    }

    fn choice_chosen(&self, window: &AppWindow, key: &str) {
        let Some(t) = self.draft.borrow().request_type else {
            return;
        };
        let Some(choice) = find_choice(t, key) else { return };
        let lang = self.lang(window);
        self.draft.borrow_mut().choice = key.to_string();
        let a = window.global::<ResidentAdapter>();
        a.set_choice_label(choice.label(lang).into());
        a.set_safety_note(safety_note(t, key, lang).unwrap_or("").into());
        if t.is_emergency() {
            // Emergencies never wait for more questions: recorded and the desk alerted now.
            self.submit(window);
        } else {
            a.set_step(ResidentStep::Details);
        }
    }

    fn submit(&self, window: &AppWindow) {
        let a = window.global::<ResidentAdapter>();
        let draft = self.draft.borrow();
        let (Some(who), Some(t)) = (draft.who.clone(), draft.request_type) else {
            return;
        };
        let request = Request {
            request_type: t,
            choice: draft.choice.clone(),
            note: a.get_note().to_string(),
            preferred_time: if t.is_emergency() {
                "asap".into()
            } else {
                a.get_preferred_time().to_string()
            },
            callback_phone: draft.callback.clone(),
        };
        drop(draft);
        match flow::submit(&self.app, &who, &request, self.app.now()) {
            Ok(Ok(Submitted {
                ticket,
                after_hours,
                printed,
                reopening,
            })) => {
                a.set_ticket_no(ticket.ticket_no.as_str().into());
                a.set_due_text(self.local(ticket.due_at).into());
                a.set_after_hours(after_hours);
                let (today, at) = match reopening {
                    Reopening::LaterToday(at) => (true, at.format("%H:%M").to_string()),
                    Reopening::NextWorkingDay(at) => (false, at.format("%m-%d %H:%M").to_string()),
                    Reopening::Open | Reopening::NotSoon => (false, String::new()),
                };
                a.set_reopens_today(today);
                a.set_reopens_at(at.into());
                // The request is recorded and the desk told whatever the printer does; the
                // number is on screen in case the receipt does not come out.
                self.watch.watch(printed, |w, printed| {
                    let a = w.global::<ResidentAdapter>();
                    a.set_slip_printed(printed);
                    a.set_step(ResidentStep::Done);
                });
            }
            Ok(Err(_)) => a.set_step(ResidentStep::CallbackPhone),
            Err(e) => self.failed(window, &e),
        }
    }

    fn local(&self, t: DateTime<chrono::Utc>) -> String {
        t.with_timezone(&self.app.config.tz()).format("%m-%d %H:%M").to_string()
    }

    fn show_status(&self, window: &AppWindow, number: &str, digits: Option<&str>) {
        let a = window.global::<ResidentAdapter>();
        let lang = self.lang(window);
        match flow::lookup(&self.app, number, digits, self.app.now()) {
            Ok(Some(status)) => {
                let entries: Vec<TimelineEntry> = status
                    .history
                    .iter()
                    .map(|h| TimelineEntry {
                        time: self.local(h.at).into(),
                        status: h.status.label(lang).into(),
                        note: h.note.as_str().into(),
                    })
                    .collect();
                a.set_timeline(ModelRc::new(VecModel::from(entries)));
                a.set_ticket_no(status.ticket.ticket_no.as_str().into());
                a.set_status_label(status.ticket.status.label(lang).into());
                a.set_status_done(status.ticket.status.work_done());
                a.set_problem(ResidentProblem::None);
                a.set_step(ResidentStep::Status);
            }
            Ok(None) => {
                a.set_problem(ResidentProblem::StatusNotFound);
                a.set_number_typed("".into());
                a.set_step(ResidentStep::StatusNumber);
            }
            Err(e) => self.failed(window, &e),
        }
    }

    fn back(&self, window: &AppWindow) {
        let a = window.global::<ResidentAdapter>();
        a.set_problem(ResidentProblem::None);
        let previous = match a.get_step() {
            ResidentStep::IdentifyDigits => Some(ResidentStep::IdentifyUnit),
            ResidentStep::Choices | ResidentStep::Emergency => Some(ResidentStep::Menu),
            ResidentStep::Details => Some(ResidentStep::Choices),
            ResidentStep::Note | ResidentStep::Callback => Some(ResidentStep::Details),
            ResidentStep::CallbackPhone => Some(ResidentStep::Callback),
            ResidentStep::StatusDigits => Some(ResidentStep::StatusNumber),
            ResidentStep::StatusNumber if self.draft.borrow().who.is_some() => Some(ResidentStep::Menu),
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

    fn failed(&self, window: &AppWindow, error: &JourneyError) {
        window.global::<ResidentAdapter>().set_step(ResidentStep::Failed);
        super::storage_notice::on_journey_error(window, error);
        let notice = Notice::new(NoticeKind::SystemFault, "业主服务登记出错 Resident request failed")
            .line(error.to_string())
            .urgent(true);
        let _ = crate::journeys::tell_desk(&self.app, &notice, self.app.now());
    }
}
