//! Staff mode on screen (`StaffAdapter`): the PIN with its lockout, and the desk's
//! dashboard. Every action is audited under the logged-in staff member's name; going
//! home (or the idle reset) logs out. Decisions (roles, states) are the journeys';
//! this file only turns their answers into polite words on the screen.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::pin_check::PinChecks;
use super::print_watch::PrintWatch;
use super::staff_models::{fill, next_step};
use super::staff_permit::{self, Desk, PermitDraft};
use super::{AppWindow, DenyStep, HandoverStep, PinProblem, StaffAdapter, StaffStep, StaffTab};
use crate::app::{App, Printing};
use crate::i18n::Lang;
use crate::journeys::desk::{self, CancelReason, DeskRefused};
use crate::journeys::lookup::{self, PermitStatus};
use crate::journeys::reprint::{self, ReprintRefused};
use crate::journeys::shift::{self, ShiftRefused};
use crate::journeys::staff::{self, Login, PadStart, Role};
use crate::journeys::{resident, JourneyError};

/// Wrong PINs before the pad first pauses.
const PIN_TRIES: u32 = crate::domain::pin::FREE_FAILURES;

/// Days one tap on "延期 7 天" adds to a permit.
const EXTEND_DAYS: i64 = 7;

pub struct StaffMode {
    app: Rc<App>,
    watch: Rc<PrintWatch>,
    who: RefCell<Option<(String, Role)>>,
    exit_requested: Cell<bool>,
    /// A renovation filing being typed (`staff_permit`).
    permit: RefCell<PermitDraft>,
    /// The PIN being checked off the UI thread, if any.
    pins: Rc<PinChecks>,
    /// Itself, for answers that arrive later (the PIN check).
    me: std::rc::Weak<StaffMode>,
}

impl StaffMode {
    pub fn install(window: &AppWindow, app: &Rc<App>, watch: &Rc<PrintWatch>) -> Rc<StaffMode> {
        let mode = Rc::new_cyclic(|me| StaffMode {
            app: app.clone(),
            watch: watch.clone(),
            who: RefCell::new(None),
            exit_requested: Cell::new(false),
            permit: RefCell::new(PermitDraft::default()),
            pins: PinChecks::new(),
            me: me.clone(),
        });
        let adapter = window.global::<StaffAdapter>();
        macro_rules! on {
            ($($t:tt)*) => { wire!(window, adapter, &mode, $($t)*) };
        }
        /// A dashboard action: runs only while someone is logged in, then says how it went.
        macro_rules! act {
            ($setter:ident, |$m:ident, $w:ident, $name:ident $(, $arg:ident)*| $call:expr, $zh:expr, $en:expr) => {
                on!($setter, |$m, $w $(, $arg)*| {
                    let Some($name) = $m.name() else { return };
                    let outcome = $call;
                    $m.answer(&$w, outcome, $zh, $en);
                })
            };
        }
        on!(on_pin_entered, |m, w, pin| m.login(&w, &pin));
        on!(on_approve, |m, w, id| m.decide(&w, i64::from(id), true));
        on!(on_deny, |m, w, id| m.decide(&w, i64::from(id), false));
        on!(on_advance, |m, w, number| m.advance(&w, &number));
        act!(
            on_sign_out,
            |m, w, name, number| desk::sign_out(&m.app, &name, &number, m.app.now()),
            "已登记离场",
            "Signed out"
        );
        act!(
            on_revoke_pass,
            |m, w, name, number| desk::revoke_pass(&m.app, &name, &number, m.app.now()),
            "通行证已撤销",
            "Pass revoked"
        );
        act!(
            on_permit_suspend,
            |m, w, name, code| desk::set_permit_status(&m.app, &name, &code, PermitStatus::Suspended, m.app.now()),
            "备案已暂停",
            "Permit suspended"
        );
        act!(
            on_permit_resume,
            |m, w, name, code| desk::set_permit_status(&m.app, &name, &code, PermitStatus::Active, m.app.now()),
            "备案已恢复",
            "Permit resumed"
        );
        act!(
            on_permit_revoke,
            |m, w, name, code| desk::set_permit_status(&m.app, &name, &code, PermitStatus::Revoked, m.app.now()),
            "备案已撤销",
            "Permit revoked"
        );
        act!(
            on_permit_extend,
            |m, w, name, code| desk::extend_permit(&m.app, &name, &code, EXTEND_DAYS, m.app.now()),
            "备案已延期 7 天",
            "Permit extended by 7 days"
        );
        act!(
            on_deny_remove,
            |m, w, name, id| desk::deny_remove(&m.app, &name, i64::from(id), m.app.now()),
            "已移出限制名单",
            "Removed from the deny list"
        );
        act!(
            on_invite_revoke,
            |m, w, name, code| desk::revoke_invite(&m.app, &name, &code, m.app.now()),
            "邀请已作废",
            "Invite revoked"
        );
        act!(
            on_cancel_ticket,
            |m, w, name, number, reason| {
                w.global::<StaffAdapter>().set_cancelling(SharedString::new());
                match CancelReason::parse(&reason) {
                    Some(reason) => desk::cancel_ticket(&m.app, &name, &number, reason, m.app.now()),
                    None => Ok(Err(DeskRefused::NotFound)),
                }
            },
            "服务单已取消，原因已记入办理记录",
            "Ticket cancelled; the reason is on its history"
        );
        on!(on_deny_start, |m, w| m.deny_start(&w));
        on!(on_deny_add, |m, w, phone, reason| m.deny_add(&w, &phone, &reason));
        on!(on_close_shift, |m, w, notes| m.close_shift(&w, &notes));
        on!(on_ack_shift, |m, w, pin| m.ack_shift(&w, &pin));
        on!(on_exit_app, |m, w| m.exit_app(&w));
        on!(on_print_roster, |m, w| m.print_roster(&w));
        on!(on_reprint, |m, w, id| m.reprint(&w, i64::from(id)));
        on!(on_reprint_pass, |m, w, number| m.reprint_pass(&w, &number));
        on!(on_retry_printing, |m, w| m.retry_printing(&w));
        on!(on_refresh, |m, w| m.refresh(&w));
        // 退出 ends the shift at the kiosk: logged out and back on the home page, ready
        // for the next visitor (not left on the PIN pad).
        on!(on_logout, |m, w| {
            if m.log_out(&w) {
                w.global::<super::AppState>().invoke_go_home();
            }
        });
        staff_permit::install(window, &mode);
        mode
    }

    /// Logs out and forgets everything typed in staff mode (a PIN still being checked
    /// too: its answer is dropped).
    pub fn reset(&self, window: &AppWindow) {
        self.pins.cancel();
        if let Some((name, _)) = self.who.borrow_mut().take() {
            // The person has gone (the idle reset, home): logged out whether or not the
            // row is written; nobody is left to tell, so the log says it.
            if let Err(e) = staff::logout(&self.app, &name, self.app.now()) {
                eprintln!("lobby-kiosk: the logout of {name} could not be audited: {e}");
            }
        }
        let a = window.global::<StaffAdapter>();
        a.set_step(StaffStep::Pin);
        a.set_tab(StaffTab::Today);
        a.set_pin_problem(PinProblem::None);
        a.set_pin_typed(SharedString::new());
        a.set_message(SharedString::new());
        a.set_staff_name(SharedString::new());
        a.set_supervisor(false);
        a.set_handover_step(HandoverStep::View);
        a.set_notes_typed(SharedString::new());
        a.set_ack_pin_typed(SharedString::new());
        a.set_deny_step(DenyStep::List);
        a.set_deny_phone_typed(SharedString::new());
        a.set_deny_reason_typed(SharedString::new());
        a.set_exit_confirm(false);
        a.set_cancelling(SharedString::new());
        staff_permit::clear(window, self);
    }

    /// 退出: the logout is audited first; when the row cannot be written the staff member
    /// stays logged in and is told, politely, to try again (the idle reset still logs out).
    fn log_out(&self, window: &AppWindow) -> bool {
        if let Some(name) = self.name() {
            if staff::logout(&self.app, &name, self.app.now()).is_err() {
                self.say(window, could_not_save(self.lang(window)).to_string());
                return false;
            }
            self.who.borrow_mut().take();
        }
        self.reset(window);
        true
    }

    /// Whether a supervisor asked the program to close (the event loop is told too).
    pub fn exit_requested(&self) -> bool {
        self.exit_requested.get()
    }

    pub(super) fn name(&self) -> Option<String> {
        self.who.borrow().as_ref().map(|(n, _)| n.clone())
    }

    pub(super) fn lang(&self, window: &AppWindow) -> Lang {
        Lang::from_code(&window.global::<super::AppState>().get_language()).unwrap_or_default()
    }

    pub(super) fn say(&self, window: &AppWindow, text: String) {
        window.global::<StaffAdapter>().set_message(text.into());
    }

    /// Turns a dashboard action's outcome into words, then reloads the dashboard.
    fn answer(&self, window: &AppWindow, outcome: Result<Result<(), DeskRefused>, JourneyError>, zh: &str, en: &str) {
        let lang = self.lang(window);
        let text = match outcome {
            Ok(Ok(())) => lang.pick(zh, en).to_string(),
            Ok(Err(why)) => refusal(lang, why),
            Err(_) => could_not_save(lang).to_string(),
        };
        self.say(window, text);
        self.refresh(window);
    }

    /// The PIN pad's 进入: the attempt is counted at once, its hashes are checked on a
    /// thread of its own while the pad says it is checking, and the answer shows when it
    /// comes. A PIN entered while one is being checked is not taken.
    fn login(&self, window: &AppWindow, pin: &str) {
        let a = window.global::<StaffAdapter>();
        a.set_pin_typed(SharedString::new());
        if self.pins.busy() {
            return;
        }
        let check = match staff::start_pad_check(&self.app, pin, self.app.now()) {
            Ok(PadStart::Check(check)) => check,
            Ok(PadStart::Answered(outcome)) => return self.show_login(window, Ok(outcome)),
            Err(e) => return self.show_login(window, Err(e)),
        };
        a.set_pin_problem(PinProblem::Checking);
        let (weak, app) = (window.as_weak(), self.app.clone());
        let me = self.me.clone();
        self.pins.start(check, move |verdict| {
            let (Some(window), Some(me)) = (weak.upgrade(), me.upgrade()) else {
                return;
            };
            let outcome = match verdict {
                Some(verdict) => staff::login_finish(&app, verdict, app.now()),
                None => Ok(Login::Wrong { failures: 0 }),
            };
            me.show_login(&window, outcome);
        });
    }

    /// What the pad says after a PIN was checked.
    fn show_login(&self, window: &AppWindow, outcome: Result<Login, JourneyError>) {
        let a = window.global::<StaffAdapter>();
        match outcome {
            Ok(Login::Ok { name, role }) => {
                self.sign_in(window, name, role);
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
                a.set_locked_until(self.local_time(until).into());
                a.set_pin_problem(PinProblem::Locked);
            }
            Err(_) => a.set_pin_problem(PinProblem::Wrong),
        }
    }

    /// Waits (in real time, up to `limit`) for a PIN being checked and shows its answer,
    /// as the next tick would; whether nothing is left pending. For tests and tools.
    pub fn settle_pin_check(&self, limit: std::time::Duration) -> bool {
        self.pins.settle(limit)
    }

    fn sign_in(&self, window: &AppWindow, name: String, role: Role) {
        let a = window.global::<StaffAdapter>();
        a.set_staff_name(name.as_str().into());
        a.set_supervisor(role == Role::Supervisor);
        *self.who.borrow_mut() = Some((name, role));
    }

    fn local_time(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        t.with_timezone(&self.app.config.tz()).format("%H:%M:%S").to_string()
    }

    fn decide(&self, window: &AppWindow, id: i64, approve: bool) {
        let Some(name) = self.name() else { return };
        let now = self.app.now();
        let lang = self.lang(window);
        match desk::decide_visit(&self.app, &name, id, approve, now) {
            Ok(Ok((visit, printed))) => {
                if approve {
                    let number = visit.visit_no.clone();
                    self.say_when_printed(
                        printed,
                        lang,
                        number,
                        ("已同意，访客凭条已打印", "Approved; the slip printed"),
                        (
                            "已同意，凭条未能打印，打印机恢复后会自动补打，也可在“打印”中重打",
                            "Approved; the slip did not print. It prints when the printer is back, or reprint it under Printing",
                        ),
                        |_, _| {},
                    );
                } else {
                    self.say(
                        window,
                        format!("{} {}", visit.visit_no, lang.pick("已婉拒", "Declined")),
                    );
                }
            }
            Ok(Err(why @ DeskRefused::Expired(_))) => self.say(window, refusal(lang, why)),
            Ok(Err(_)) => self.say(
                window,
                lang.pick("该访客已处理过", "That visit was already decided")
                    .to_string(),
            ),
            Err(_) => self.say(window, could_not_save(lang).to_string()),
        }
        self.refresh(window);
    }

    /// Moves a ticket one step on (dispatch, start, finish, follow-up call, close).
    fn advance(&self, window: &AppWindow, number: &str) {
        let Some(name) = self.name() else { return };
        let now = self.app.now();
        let lang = self.lang(window);
        let status = lookup::ticket_by_no(&self.app, number).ok().flatten().map(|t| t.status);
        let next = status.and_then(|s| next_step(s).1);
        let ok = match next {
            Some(to) => matches!(resident::update(&self.app, number, to, &name, "", now), Ok(Ok(_))),
            None => false,
        };
        let text = match (ok, next) {
            (true, Some(to)) => format!("{number} → {}", to.label(lang)),
            _ => lang
                .pick(
                    "该服务单已更新过，已为您刷新。",
                    "That ticket had already moved on; refreshed.",
                )
                .to_string(),
        };
        self.say(window, text);
        self.refresh(window);
    }

    fn print_roster(&self, window: &AppWindow) {
        let Some(name) = self.name() else { return };
        let now = self.app.now();
        let printing = staff::print_roster(&self.app, now).unwrap_or(Printing::Failed);
        let lang = self.lang(window);
        let app = self.app.clone();
        self.say_when_printed(
            printing,
            lang,
            String::new(),
            ("在场名单已打印", "Roster printed"),
            (
                "名单未能打印，请检查打印机",
                "The roster did not print; check the printer",
            ),
            move |w, printed| {
                if staff::roster_printed(&app, &name, printed, now).is_err() {
                    w.global::<StaffAdapter>().set_message(could_not_save(lang).into());
                }
            },
        );
    }

    /// Once the slip's fate is known (at once, or when the printing thread is done),
    /// answers on the dashboard with `prefix` and the words for printed or not, then
    /// runs `then`.
    pub(super) fn say_when_printed(
        &self,
        printing: Printing,
        lang: Lang,
        prefix: String,
        printed: (&'static str, &'static str),
        failed: (&'static str, &'static str),
        then: impl FnOnce(&AppWindow, bool) + 'static,
    ) {
        self.watch.watch(printing, move |w, ok| {
            let (zh, en) = if ok { printed } else { failed };
            let text = lang.pick(zh, en);
            let message = if prefix.is_empty() {
                text.to_string()
            } else {
                format!("{prefix} {text}")
            };
            w.global::<StaffAdapter>().set_message(message.into());
            then(w, ok);
        });
    }

    /// A staff reprint: the same bytes as the job, so the same pass; audited.
    fn reprint(&self, window: &AppWindow, job_id: i64) {
        let Some(name) = self.name() else { return };
        let outcome = reprint::reprint_job(&self.app, job_id, &name, self.app.now());
        self.answer_reprint(window, format!("#{job_id}"), outcome);
    }

    /// A worker's pass printed again from the renovation section (the same pass).
    fn reprint_pass(&self, window: &AppWindow, number: &str) {
        let Some(name) = self.name() else { return };
        let outcome = reprint::reprint_pass(&self.app, number, &name, self.app.now());
        self.answer_reprint(window, number.to_string(), outcome);
    }

    fn answer_reprint(
        &self,
        window: &AppWindow,
        what: String,
        outcome: Result<Result<Printing, ReprintRefused>, JourneyError>,
    ) {
        let lang = self.lang(window);
        match outcome {
            Ok(Ok(printing)) => {
                let app = self.app.clone();
                self.say_when_printed(
                    printing,
                    lang,
                    what,
                    ("已重打，请把凭条交给本人", "Reprinted; please hand the slip over"),
                    (
                        "重打未能完成，请先处理打印机（见“打印”页）",
                        "The reprint did not print; please see to the printer first (the Printing tab)",
                    ),
                    move |w, _| super::staff_models::fill(w, &app, lang),
                );
            }
            Ok(Err(why)) => {
                let text = match why {
                    ReprintRefused::Revoked => lang.pick(
                        "该通行证已作废，不能重打",
                        "That pass was revoked; it cannot be reprinted",
                    ),
                    ReprintRefused::Roster => lang.pick("在场名单请重新打印最新的一份", "Print a fresh roster instead"),
                    ReprintRefused::NoSuchJob | ReprintRefused::NothingKept => lang.pick(
                        "这张凭条没有保存内容，请从原记录重新办理",
                        "That slip was not kept; please issue it again from its record",
                    ),
                };
                self.say(window, text.to_string());
                self.refresh(window);
            }
            Err(_) => self.say(
                window,
                lang.pick(
                    "暂时无法重打，请稍后再试",
                    "The reprint could not be started; please try again",
                )
                .to_string(),
            ),
        }
    }

    /// Sends the owed slips now rather than at the next automatic retry.
    fn retry_printing(&self, window: &AppWindow) {
        let Some(name) = self.name() else { return };
        let now = self.app.now();
        let lang = self.lang(window);
        let text = match staff::retry_printing(&self.app, &name, now) {
            Ok(()) => lang.pick(
                "已开始补打，凭条会依次打出",
                "Retrying: the owed slips print one after another",
            ),
            Err(_) => lang.pick("暂时无法补打，请稍后再试", "Cannot retry just now; please try again"),
        };
        self.say(window, text.to_string());
    }

    fn deny_start(&self, window: &AppWindow) {
        let Some(name) = self.name() else { return };
        let a = window.global::<StaffAdapter>();
        if !matches!(staff::require_supervisor(&self.app, &name), Ok(Ok(()))) {
            self.say(window, refusal(self.lang(window), DeskRefused::NotSupervisor));
            return;
        }
        a.set_message(SharedString::new());
        a.set_deny_phone_typed(SharedString::new());
        a.set_deny_reason_typed(SharedString::new());
        a.set_deny_step(DenyStep::Phone);
    }

    fn deny_add(&self, window: &AppWindow, phone: &str, reason: &str) {
        let Some(name) = self.name() else { return };
        let lang = self.lang(window);
        let a = window.global::<StaffAdapter>();
        match desk::deny_add(&self.app, &name, phone, reason, self.app.now()) {
            Ok(Ok(())) => {
                a.set_deny_step(DenyStep::List);
                a.set_deny_phone_typed(SharedString::new());
                a.set_deny_reason_typed(SharedString::new());
                self.say(
                    window,
                    lang.pick("已加入限制名单", "Added to the deny list").to_string(),
                );
            }
            Ok(Err(DeskRefused::BadPhone)) => {
                a.set_deny_step(DenyStep::Phone);
                self.say(window, refusal(lang, DeskRefused::BadPhone));
            }
            Ok(Err(why)) => self.say(window, refusal(lang, why)),
            Err(_) => self.say(window, could_not_save(lang).to_string()),
        }
        self.refresh(window);
    }

    fn close_shift(&self, window: &AppWindow, notes: &str) {
        let Some(name) = self.name() else { return };
        let lang = self.lang(window);
        let a = window.global::<StaffAdapter>();
        a.set_handover_step(HandoverStep::View);
        let text = match shift::close_shift(&self.app, &name, notes, self.app.now()) {
            Ok(Ok(h)) => {
                a.set_notes_typed(SharedString::new());
                let n = h.items.len();
                lang.pick(
                    &format!("已交班（{n} 项未办结），请接班同事输入密码确认。"),
                    &format!("Shift handed over ({n} open items); the colleague taking over confirms with their PIN."),
                )
                .to_string()
            }
            Ok(Err(ShiftRefused::NotesTooLong)) => lang
                .pick(
                    "交班留言请不超过 200 字。",
                    "Please keep the notes within 200 characters.",
                )
                .to_string(),
            Ok(Err(ShiftRefused::BadNotes(_))) => lang
                .pick(
                    "交班留言里有无法保存的字符，请删去后再交班。",
                    "The notes hold a character that cannot be kept; please remove it and hand over again.",
                )
                .to_string(),
            _ => lang
                .pick(
                    "抱歉，交班未能保存，请再试一次。",
                    "Sorry, the handover was not saved; please try again.",
                )
                .to_string(),
        };
        self.say(window, text);
        self.refresh(window);
    }

    /// The colleague's PIN on the handover pad: checked off the UI thread as the log-in
    /// is (see [`StaffMode::login`]), then the handover taken over in their name.
    fn ack_shift(&self, window: &AppWindow, pin: &str) {
        if self.name().is_none() {
            return;
        }
        let lang = self.lang(window);
        let a = window.global::<StaffAdapter>();
        a.set_ack_pin_typed(SharedString::new());
        if self.pins.busy() {
            return;
        }
        let Some(pending) = lookup::pending_handover(&self.app).ok().flatten() else {
            a.set_handover_step(HandoverStep::View);
            self.refresh(window);
            return;
        };
        let id = pending.id;
        let check = match staff::start_pad_check(&self.app, pin, self.app.now()) {
            Ok(PadStart::Check(check)) => check,
            Ok(PadStart::Answered(outcome)) => {
                let outcome = self.take_over(id, Ok(outcome));
                return self.show_ack(window, outcome);
            }
            Err(e) => return self.show_ack(window, Err(e)),
        };
        self.say(
            window,
            lang.pick("正在核对密码，请稍候…", "Checking the PIN, one moment…")
                .to_string(),
        );
        let (weak, app) = (window.as_weak(), self.app.clone());
        let me = self.me.clone();
        self.pins.start(check, move |verdict| {
            let (Some(window), Some(me)) = (weak.upgrade(), me.upgrade()) else {
                return;
            };
            let login = match verdict {
                Some(verdict) => staff::finish_pad_check(&app, verdict, app.now()),
                None => Ok(Login::Wrong { failures: 0 }),
            };
            let outcome = me.take_over(id, login);
            me.show_ack(&window, outcome);
        });
    }

    /// Takes handover `id` over in the name of the account whose PIN was typed.
    fn take_over(
        &self,
        id: i64,
        login: Result<Login, JourneyError>,
    ) -> Result<Result<shift::TakenOver, ShiftRefused>, JourneyError> {
        let (name, role) = match login? {
            Login::Ok { name, role } => (name, role),
            Login::Wrong { failures } => return Ok(Err(ShiftRefused::WrongPin { failures })),
            Login::Locked { until } => return Ok(Err(ShiftRefused::Locked { until })),
        };
        shift::acknowledge(
            &self.app,
            id,
            shift::Taker::Proven { name: &name, role },
            self.app.now(),
        )
    }

    /// What the handover pad says once the colleague's PIN was checked.
    fn show_ack(&self, window: &AppWindow, outcome: Result<Result<shift::TakenOver, ShiftRefused>, JourneyError>) {
        let lang = self.lang(window);
        let a = window.global::<StaffAdapter>();
        let text = match outcome {
            Ok(Ok(taken)) => {
                a.set_handover_step(HandoverStep::View);
                let text = lang
                    .pick(
                        &format!("{} 已接班，祝您工作顺利。", taken.name),
                        &format!("{} has taken over. Have a good shift.", taken.name),
                    )
                    .to_string();
                self.sign_in(window, taken.name, taken.role);
                text
            }
            Ok(Err(ShiftRefused::SamePerson)) => lang
                .pick(
                    "交接需由接班的另一位同事输入自己的密码确认。",
                    "The colleague taking over confirms with their own PIN.",
                )
                .to_string(),
            Ok(Err(ShiftRefused::Locked { until })) => lang
                .pick(
                    &format!("尝试次数过多，请于 {} 后再试，或联系主管。", self.local_time(until)),
                    &format!(
                        "Too many tries; please try again after {}, or ask a supervisor.",
                        self.local_time(until)
                    ),
                )
                .to_string(),
            Ok(Err(ShiftRefused::WrongPin { .. })) => lang
                .pick("密码不正确，请再试一次。", "That PIN is not right; please try again.")
                .to_string(),
            _ => {
                a.set_handover_step(HandoverStep::View);
                lang.pick("这份交接已确认过。", "That handover was already taken over.")
                    .to_string()
            }
        };
        self.say(window, text);
        self.refresh(window);
    }

    fn exit_app(&self, window: &AppWindow) {
        let Some(name) = self.name() else { return };
        window.global::<StaffAdapter>().set_exit_confirm(false);
        match desk::exit_app(&self.app, &name, self.app.now()) {
            Ok(Ok(())) => {
                self.exit_requested.set(true);
                let _ = slint::quit_event_loop();
            }
            Ok(Err(why)) => self.say(window, refusal(self.lang(window), why)),
            Err(_) => self.say(window, could_not_save(self.lang(window)).to_string()),
        }
    }

    /// Reloads the dashboard from the database.
    pub fn refresh(&self, window: &AppWindow) {
        if self.who.borrow().is_none() {
            return;
        }
        fill(window, &self.app, self.lang(window));
    }
}

impl Desk for StaffMode {
    fn app(&self) -> &Rc<App> {
        &self.app
    }

    fn draft(&self) -> &RefCell<PermitDraft> {
        &self.permit
    }

    fn name(&self) -> Option<String> {
        StaffMode::name(self)
    }

    fn lang(&self, window: &AppWindow) -> Lang {
        StaffMode::lang(self, window)
    }

    fn say(&self, window: &AppWindow, text: String) {
        StaffMode::say(self, window, text)
    }

    fn say_when_printed(
        &self,
        printing: Printing,
        lang: Lang,
        prefix: String,
        printed: (&'static str, &'static str),
        failed: (&'static str, &'static str),
        then: impl FnOnce(&AppWindow, bool) + 'static,
    ) {
        StaffMode::say_when_printed(self, printing, lang, prefix, printed, failed, then)
    }

    fn refresh(&self, window: &AppWindow) {
        StaffMode::refresh(self, window)
    }
}

/// The one apology when the database did not take an action (nothing was changed).
fn could_not_save(lang: Lang) -> &'static str {
    lang.pick(
        "抱歉，未能保存，请稍后再试或使用前台电脑办理。",
        "Sorry, that could not be saved; please try again or use the desk PC.",
    )
}

/// The polite answer for a refused dashboard action.
fn refusal(lang: Lang, why: DeskRefused) -> String {
    if let DeskRefused::Expired(day) = why {
        return crate::journeys::desk::expired_text(lang, day);
    }
    let text = match why {
        DeskRefused::NotSupervisor => lang.pick(
            "此项需由主管办理，请联系当班主管，谢谢。",
            "This is done by a supervisor; please ask the supervisor on duty. Thank you.",
        ),
        DeskRefused::NotFound => lang.pick(
            "该记录已有变化，已为您刷新，请再看一下。",
            "That record has already changed; the list is refreshed.",
        ),
        DeskRefused::BadPhone => lang.pick(
            "手机号码是以 1 开头的 11 位数字，请再核对一下。",
            "A mobile number has 11 digits starting with 1; please check it.",
        ),
        DeskRefused::NoReason => lang.pick(
            "请写明原因（不超过 60 字），方便同事处理。",
            "Please give a reason (up to 60 characters) so colleagues know how to handle it.",
        ),
        DeskRefused::BadDays => lang.pick("延期天数不合适，请再核对一下。", "That extension is not possible."),
        DeskRefused::Expired(_) => "",
    };
    text.to_string()
}
