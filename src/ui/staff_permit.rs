//! 新建装修备案 on the staff dashboard (`PermitFormAdapter`): each field is checked as it
//! is typed, with the same rules as `lobby-kiosk permit add`, so the desk fixes one thing
//! at a time; the review page sets the period, the deposit and the workers, and the
//! filing is made under the logged-in staff member's name (audited) and its slip printed.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{Datelike, Duration, NaiveDate};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{AppWindow, PermitFormAdapter, PermitStep, StaffTab};
use crate::app::{App, Printing};
use crate::domain::mask::mask_phone;
use crate::i18n::Lang;
use crate::journeys::desk;
use crate::journeys::lookup::NewWorker;
use crate::journeys::permit::{self, PermitForm, PermitRejected, MAX_PERMIT_DAYS};

/// The period a new filing starts with, in days (both ends counted).
const DEFAULT_DAYS: i64 = 30;
/// How far ahead the first day may be set, in days.
const MAX_START_AHEAD: i64 = 90;

/// The filing being typed. Kept only while staff mode is open; logging out forgets it.
#[derive(Debug, Default)]
pub struct PermitDraft {
    unit: String,
    owner: String,
    contractor: String,
    lead: String,
    /// Days after today that work starts.
    start_ahead: i64,
    /// The period, both ends counted.
    days: i64,
    deposit_paid: bool,
    workers: Vec<NewWorker>,
    /// The worker whose phone is being typed.
    worker_name: String,
    /// The review page has been reached: a confirmed field goes back to it.
    reviewed: bool,
}

impl PermitDraft {
    fn start(&self, today: NaiveDate) -> NaiveDate {
        today + Duration::days(self.start_ahead)
    }

    fn end(&self, today: NaiveDate) -> NaiveDate {
        self.start(today) + Duration::days(self.days - 1)
    }
}

/// What the filing form needs from staff mode: who is logged in, the screen's language,
/// the dashboard's answer line. Staff mode implements it, so this file does not import
/// staff mode back.
pub(super) trait Desk: Sized + 'static {
    fn app(&self) -> &Rc<App>;
    fn draft(&self) -> &RefCell<PermitDraft>;
    fn name(&self) -> Option<String>;
    fn lang(&self, window: &AppWindow) -> Lang;
    fn say(&self, window: &AppWindow, text: String);
    fn say_when_printed(
        &self,
        printing: Printing,
        lang: Lang,
        prefix: String,
        printed: (&'static str, &'static str),
        failed: (&'static str, &'static str),
        then: impl FnOnce(&AppWindow, bool) + 'static,
    );
    fn refresh(&self, window: &AppWindow);
}

/// Wires the form's callbacks to staff mode.
pub fn install<M: Desk>(window: &AppWindow, mode: &Rc<M>) {
    let form = window.global::<PermitFormAdapter>();
    macro_rules! on {
        ($s:ident, |$m:ident, $w:ident $(, $a:ident)*| $body:expr) => {
            wire!(window, form, mode, $s, |$m, $w $(, $a)*| if $m.name().is_some() { $body })
        };
    }
    on!(on_start, |m, w| m.permit_start(&w));
    on!(on_entered, |m, w, step, value| m.permit_entered(&w, step, &value));
    on!(on_edit, |m, w, step| m.permit_go(&w, step));
    on!(on_back, |m, w| m.permit_back(&w));
    on!(on_move_start, |m, w, by| m.permit_change(&w, |d| {
        d.start_ahead = (d.start_ahead + i64::from(by)).clamp(0, MAX_START_AHEAD)
    }));
    on!(on_change_days, |m, w, by| m.permit_change(&w, |d| {
        d.days = (d.days + i64::from(by)).clamp(1, MAX_PERMIT_DAYS)
    }));
    on!(on_toggle_deposit, |m, w| m
        .permit_change(&w, |d| d.deposit_paid = !d.deposit_paid));
    on!(on_add_worker, |m, w| {
        w.global::<PermitFormAdapter>()
            .set_worker_name_typed(SharedString::new());
        w.global::<PermitFormAdapter>()
            .set_worker_phone_typed(SharedString::new());
        m.permit_go(&w, PermitStep::WorkerName);
    });
    on!(on_remove_worker, |m, w, index| m.permit_change(&w, |d| {
        if let Ok(i) = usize::try_from(index) {
            if i < d.workers.len() {
                d.workers.remove(i);
            }
        }
    }));
    on!(on_submit, |m, w| m.permit_submit(&w));
    on!(on_cancel, |m, w| clear(&w, &*m));
}

/// Closes the form and forgets what was typed (cancel, filed, or logged out).
pub fn clear(window: &AppWindow, mode: &impl Desk) {
    *mode.draft().borrow_mut() = PermitDraft::default();
    let f = window.global::<PermitFormAdapter>();
    f.set_step(PermitStep::None);
    for set in [
        PermitFormAdapter::set_unit_typed,
        PermitFormAdapter::set_owner_typed,
        PermitFormAdapter::set_contractor_typed,
        PermitFormAdapter::set_lead_typed,
        PermitFormAdapter::set_worker_name_typed,
        PermitFormAdapter::set_worker_phone_typed,
        PermitFormAdapter::set_problem,
        PermitFormAdapter::set_unit,
        PermitFormAdapter::set_owner,
        PermitFormAdapter::set_contractor,
        PermitFormAdapter::set_lead,
    ] {
        set(&f, SharedString::new());
    }
    f.set_workers(ModelRc::default());
}

/// The form's steps, for staff mode.
trait PermitSteps: Desk {
    fn today(&self) -> NaiveDate {
        self.app().now().with_timezone(&self.app().config.tz()).date_naive()
    }

    fn permit_start(&self, window: &AppWindow) {
        clear(window, self);
        {
            let mut d = self.draft().borrow_mut();
            d.days = DEFAULT_DAYS;
        }
        self.say(window, String::new());
        window.global::<PermitFormAdapter>().set_step(PermitStep::Unit);
    }

    /// Shows a step, with the review filled in from the draft.
    fn permit_go(&self, window: &AppWindow, step: PermitStep) {
        let f = window.global::<PermitFormAdapter>();
        f.set_problem(SharedString::new());
        if step == PermitStep::Review {
            self.draft().borrow_mut().reviewed = true;
        }
        self.permit_publish(window);
        f.set_step(step);
    }

    fn permit_change(&self, window: &AppWindow, change: impl FnOnce(&mut PermitDraft)) {
        change(&mut self.draft().borrow_mut());
        window.global::<PermitFormAdapter>().set_problem(SharedString::new());
        self.permit_publish(window);
    }

    /// One step back through the form; from the first field it closes the form.
    fn permit_back(&self, window: &AppWindow) {
        let step = window.global::<PermitFormAdapter>().get_step();
        let previous = match step {
            PermitStep::Unit | PermitStep::None => return clear(window, self),
            PermitStep::Owner => PermitStep::Unit,
            PermitStep::Contractor => PermitStep::Owner,
            PermitStep::LeadPhone => PermitStep::Contractor,
            PermitStep::Review => PermitStep::LeadPhone,
            PermitStep::WorkerName => PermitStep::Review,
            PermitStep::WorkerPhone => PermitStep::WorkerName,
        };
        self.permit_go(window, previous);
    }

    /// Checks the value typed on `step`; moves on, or says what to fix.
    fn permit_entered(&self, window: &AppWindow, step: PermitStep, value: &str) {
        let lang = self.lang(window);
        let f = window.global::<PermitFormAdapter>();
        let checked: Result<PermitStep, PermitRejected> = {
            let mut d = self.draft().borrow_mut();
            let reviewed = d.reviewed;
            let after = |next| if reviewed { PermitStep::Review } else { next };
            match step {
                PermitStep::Unit => match permit::check_unit(self.app(), value) {
                    Ok(checked) => checked.map(|unit| {
                        f.set_unit_typed(unit.as_str().into());
                        let next = after(PermitStep::Owner);
                        d.unit = unit;
                        next
                    }),
                    Err(_) => return self.permit_trouble(window),
                },
                PermitStep::Owner => permit::check_owner(value).map(|owner| {
                    let next = after(PermitStep::Contractor);
                    d.owner = owner;
                    next
                }),
                PermitStep::Contractor => permit::check_contractor(value).map(|c| {
                    let next = after(PermitStep::LeadPhone);
                    d.contractor = c;
                    next
                }),
                PermitStep::LeadPhone => permit::check_lead_phone(value).map(|lead| {
                    d.lead = lead;
                    PermitStep::Review
                }),
                PermitStep::WorkerName => permit::check_worker_name(value).map(|name| {
                    f.set_worker_phone_typed(SharedString::new());
                    d.worker_name = name;
                    PermitStep::WorkerPhone
                }),
                // The phone first, so a wrong number is called a wrong number.
                PermitStep::WorkerPhone => permit::check_lead_phone(value)
                    .and_then(|phone| permit::new_worker(self.app(), &d.worker_name, &phone, None))
                    .and_then(|w| permit::add_to_roster(&mut d.workers, w))
                    .map(|()| PermitStep::Review),
                PermitStep::Review | PermitStep::None => return,
            }
        };
        match checked {
            Ok(next) => self.permit_go(window, next),
            Err(why) => f.set_problem(rejected_text(lang, &why).into()),
        }
    }

    /// Files the permit under the staff member's name and prints its slip.
    fn permit_submit(&self, window: &AppWindow) {
        let Some(name) = self.name() else { return };
        let lang = self.lang(window);
        let now = self.app().now();
        let today = self.today();
        let form = {
            let d = self.draft().borrow();
            PermitForm {
                unit: d.unit.clone(),
                owner_surname: d.owner.clone(),
                contractor: d.contractor.clone(),
                lead_phone: d.lead.clone(),
                start: d.start(today),
                end: d.end(today),
                deposit_paid: d.deposit_paid,
                workers: d.workers.clone(),
            }
        };
        let (filed, printing) = match desk::create_permit(self.app(), &name, form, now) {
            Ok(Ok(filed)) => filed,
            Ok(Err(why)) => {
                let text = rejected_text(lang, &why);
                window.global::<PermitFormAdapter>().set_problem(text.into());
                return;
            }
            Err(_) => return self.permit_trouble(window),
        };
        clear(window, self);
        window.global::<super::StaffAdapter>().set_tab(StaffTab::Renovation);
        let app = self.app().clone();
        self.say_when_printed(
            printing,
            lang,
            format!("{} {}", lang.pick("装修备案", "Permit"), filed.code),
            (
                "已建立，备案凭条已打印，请交给施工负责人",
                "filed; the permit slip printed, please hand it to the contractor's lead",
            ),
            (
                "已建立，凭条未能打印，打印机恢复后会自动补打，也可在“打印”中重打",
                "filed; the slip did not print. It prints when the printer is back, or reprint it under Printing",
            ),
            move |w, _| super::staff_models::fill(w, &app, lang),
        );
        self.refresh(window);
    }

    /// The database did not answer: nothing typed is lost, the desk may try again.
    fn permit_trouble(&self, window: &AppWindow) {
        let text = self.lang(window).pick(
            "抱歉，暂时未能保存，已填写的内容都还在，请稍后再试。",
            "Sorry, that could not be saved just now; everything typed is kept, please try again.",
        );
        window.global::<PermitFormAdapter>().set_problem(text.into());
    }

    /// Puts the draft on the review page (the lead's and workers' phones masked).
    fn permit_publish(&self, window: &AppWindow) {
        let lang = self.lang(window);
        let today = self.today();
        let d = self.draft().borrow();
        let f = window.global::<PermitFormAdapter>();
        f.set_unit(d.unit.as_str().into());
        f.set_owner(d.owner.as_str().into());
        f.set_contractor(d.contractor.as_str().into());
        f.set_lead(mask_phone(&d.lead).into());
        f.set_start_text(day_text(lang, d.start(today), today).into());
        f.set_end_text(day_text(lang, d.end(today), today).into());
        f.set_days(d.days as i32);
        f.set_can_start_earlier(d.start_ahead > 0);
        f.set_deposit_paid(d.deposit_paid);
        let workers: Vec<SharedString> = d
            .workers
            .iter()
            .map(|w| format!("{} {}", w.name, mask_phone(&w.phone)).into())
            .collect();
        f.set_workers(ModelRc::new(VecModel::from(workers)));
    }
}

impl<T: Desk> PermitSteps for T {}

/// "11月30日（今天）", "2027年1月6日（周三）" / "Mon 30 Nov (today)", "Wed 6 Jan 2027":
/// the year only when it is not this year's.
fn day_text(lang: Lang, day: NaiveDate, today: NaiveDate) -> String {
    const WEEK_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    let other_year = day.year() != today.year();
    let weekday = WEEK_ZH[day.weekday().num_days_from_monday() as usize];
    match lang {
        Lang::Zh => {
            let year = if other_year {
                format!("{}年", day.year())
            } else {
                String::new()
            };
            let which = if day == today { "今天" } else { weekday };
            format!("{year}{}月{}日（{which}）", day.month(), day.day())
        }
        Lang::En => {
            let text = day
                .format(if other_year { "%a %-d %b %Y" } else { "%a %-d %b" })
                .to_string();
            if day == today {
                format!("{text} (today)")
            } else {
                text
            }
        }
    }
}

/// What to fix, politely, for each check a filing can fail.
fn rejected_text(lang: Lang, why: &PermitRejected) -> String {
    let (zh, en) = match why {
        PermitRejected::Unit => (
            "没有找到这个房号，请核对楼栋、单元和房号后重新输入。",
            "That unit is not in the resident directory; please check the building, entrance and room.",
        ),
        PermitRejected::OwnerSurname => (
            "请只填写业主的姓氏（中文 1 至 4 个字，或英文字母）。",
            "Please give only the owner's surname (1 to 4 Chinese characters, or Latin letters).",
        ),
        PermitRejected::Contractor => (
            "请填写施工单位名称（不超过 40 个字）。",
            "Please give the contractor's name (up to 40 characters).",
        ),
        PermitRejected::LeadPhone => (
            "手机号码是以 1 开头的 11 位数字，请再核对一下。",
            "A mobile number has 11 digits starting with 1; please check it.",
        ),
        PermitRejected::Dates => (
            "工期最长一年，请调整开工日期或工期。",
            "A filing covers at most a year; please adjust the start or the period.",
        ),
        PermitRejected::Worker(_) => (
            "请填写施工人员姓名（不超过 20 个字）。",
            "Please give the worker's name (up to 20 characters).",
        ),
        PermitRejected::WorkerId(..) => (
            "身份证号码有误，请核对 18 位号码（最后一位可为 X）后再试。",
            "That ID number is not valid; please check its 18 characters (the last may be X).",
        ),
        PermitRejected::DuplicateWorker(_) => (
            "这个手机号码已在施工人员名单中，请核对一下。",
            "That mobile number is already on the roster; please check it.",
        ),
        PermitRejected::NoWorkers => (
            "请至少添加一名施工人员，他们凭手机号码领取通行证。",
            "Please add at least one worker; they collect passes with their mobile number.",
        ),
    };
    lang.pick(zh, en).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_named_the_way_the_desk_reads_them() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let next_year = NaiveDate::from_ymd_opt(2027, 1, 6).unwrap();
        assert_eq!(day_text(Lang::Zh, today, today), "11月28日（今天）");
        assert_eq!(day_text(Lang::Zh, monday, today), "11月30日（周一）");
        assert_eq!(day_text(Lang::Zh, next_year, today), "2027年1月6日（周三）");
        assert_eq!(day_text(Lang::En, today, today), "Sat 28 Nov (today)");
        assert_eq!(day_text(Lang::En, next_year, today), "Wed 6 Jan 2027");
    }

    #[test]
    fn a_period_counts_both_ends() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let d = PermitDraft {
            start_ahead: 2,
            days: 30,
            ..PermitDraft::default()
        };
        assert_eq!(d.start(today), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(d.end(today), NaiveDate::from_ymd_opt(2026, 12, 29).unwrap());
    }

    #[test]
    fn every_refusal_has_words_in_both_languages() {
        let all = [
            PermitRejected::Unit,
            PermitRejected::OwnerSurname,
            PermitRejected::Contractor,
            PermitRejected::LeadPhone,
            PermitRejected::Dates,
            PermitRejected::Worker(String::new()),
            PermitRejected::WorkerId(String::new(), crate::domain::field::FieldError::IdCheckDigit),
            PermitRejected::DuplicateWorker(String::new()),
            PermitRejected::NoWorkers,
        ];
        for why in &all {
            let zh = rejected_text(Lang::Zh, why);
            let en = rejected_text(Lang::En, why);
            assert!(zh.contains('请'), "{why:?}");
            assert!(en.to_lowercase().contains("please"), "{why:?}");
        }
    }
}
