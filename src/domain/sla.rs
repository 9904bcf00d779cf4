//! Response-time targets for resident requests, and the front desk's office hours.
//!
//! Every request type has a target: the minutes within which the desk answers it.
//! Emergency repairs are never deferred: their clock runs from the moment they are
//! received, at any hour, and the on-duty phone is shown at once. For everything else
//! the kiosk makes the honest promise of the next working day: a request left outside
//! office hours starts its clock when the desk next opens, because that is when the
//! responsible staff can first act on it. Once started, a target counts wall-clock
//! minutes.
//!
//! The configuration is the `[requests]` section of `kiosk.toml`:
//!
//! ```toml
//! [requests]
//! office_hours = ["08:30-12:00", "13:30-17:30"]   # every office day; "00:00-24:00" for round the clock
//! office_days = ["mon", "tue", "wed", "thu", "fri", "sat"]   # default: every day
//! holidays = ["2026-10-01"]        # the desk is closed
//! workdays = ["2026-10-11"]        # make-up working days (调休), open even if not an office day
//! on_duty_phone = "138-0000-0000"  # shown at once for emergencies
//! [requests.targets]               # minutes; missing types get DEFAULT_TARGETS
//! emergency_repair = 15
//! repair = 1440
//! ```

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use thiserror::Error;

use crate::domain::request::RequestType;

/// The longest target accepted, 30 days: anything longer is almost surely a typo
/// (hours or seconds written as minutes).
pub const MAX_TARGET_MINUTES: i64 = 30 * 24 * 60;

/// How far ahead [`next_opening`] looks. Long enough for the Spring Festival closure
/// plus its weekends; a desk closed longer than this has no promise to make.
const LOOKAHEAD_DAYS: i64 = 62;

/// Minutes in a day; a window may end at 24:00.
const DAY_MINUTES: u16 = 24 * 60;

/// Targets used for types missing from `[requests.targets]`, in minutes.
pub const DEFAULT_TARGETS: [(RequestType, i64); 9] = [
    (RequestType::Repair, 24 * 60),
    (RequestType::EmergencyRepair, 15),
    (RequestType::Housekeeping, 24 * 60),
    (RequestType::Complaint, 24 * 60),
    (RequestType::Suggestion, 3 * 24 * 60),
    (RequestType::Internet, 24 * 60),
    (RequestType::Subscription, 3 * 24 * 60),
    (RequestType::DepositRefund, 2 * 24 * 60),
    (RequestType::Other, 24 * 60),
];

/// Minutes within which a repair is done when `repair_done` is not configured: 3 days.
pub const DEFAULT_REPAIR_DONE: i64 = 3 * 24 * 60;

/// Problems in the `[requests]` section, reported at start-up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SlaError {
    #[error("office hours {text:?} are not a time window like \"08:30-17:30\"")]
    BadWindow { text: String },
    #[error("office hours {window} end before they start")]
    EndsBeforeStart { window: String },
    #[error("office hours {first} and {second} overlap")]
    Overlap { first: String, second: String },
    #[error("office_hours is empty; list at least one window such as \"08:30-17:30\"")]
    NoOfficeHours,
    #[error("{text:?} is not a day of the week; use mon, tue, wed, thu, fri, sat or sun")]
    UnknownDay { text: String },
    #[error("office_days is empty; list the days the desk works, such as \"mon\"")]
    NoOfficeDays,
    #[error("{date} is listed both as a holiday and as a make-up working day")]
    HolidayAndWorkday { date: NaiveDate },
    #[error("the response target for {kind} must be between 1 and {MAX_TARGET_MINUTES} minutes, not {minutes}")]
    BadTarget { kind: &'static str, minutes: i64 },
    #[error("on_duty_phone {text:?} is not a phone number; emergencies need a number to call")]
    BadPhone { text: String },
}

/// A daily office-hours window in minutes after midnight; the end is exclusive and may
/// be 24:00 (1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OfficeWindow {
    start: u16,
    end: u16,
}

impl OfficeWindow {
    /// Reads `"HH:MM-HH:MM"`; an en dash or `~` also separates, spaces are ignored,
    /// and the end may be `24:00`.
    pub fn parse(text: &str) -> Result<Self, SlaError> {
        let bad = || SlaError::BadWindow { text: text.to_string() };
        let (a, b) = text.split_once(['-', '–', '~']).ok_or_else(bad)?;
        let start = parse_minutes(a.trim()).filter(|&m| m < DAY_MINUTES).ok_or_else(bad)?;
        let end = parse_minutes(b.trim()).ok_or_else(bad)?;
        let w = Self { start, end };
        if start >= end {
            return Err(SlaError::EndsBeforeStart { window: w.to_string() });
        }
        Ok(w)
    }

    /// Minutes after midnight the window opens.
    pub fn start_minutes(&self) -> u16 {
        self.start
    }

    /// Minutes after midnight the window closes (exclusive; 1440 is midnight).
    pub fn end_minutes(&self) -> u16 {
        self.end
    }
}

impl fmt::Display for OfficeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}–{}", hm(self.start), hm(self.end))
    }
}

/// `H:MM` or `HH:MM`, up to 24:00.
fn parse_minutes(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    let digits = |x: &str, max: usize| !x.is_empty() && x.len() <= max && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, 2) || m.len() != 2 || !digits(m, 2) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let total = h * 60 + m;
    (m < 60 && total <= DAY_MINUTES).then_some(total)
}

/// `[requests.targets]` as written: minutes per request type, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsConfig {
    pub repair: Option<i64>,
    pub emergency_repair: Option<i64>,
    pub housekeeping: Option<i64>,
    pub complaint: Option<i64>,
    pub suggestion: Option<i64>,
    pub internet: Option<i64>,
    pub subscription: Option<i64>,
    pub deposit_refund: Option<i64>,
    pub other: Option<i64>,
    /// Minutes within which a repair is done, counted from the same start as its
    /// dispatch target (`repair`); default [`DEFAULT_REPAIR_DONE`].
    pub repair_done: Option<i64>,
}

impl TargetsConfig {
    fn get(&self, t: RequestType) -> Option<i64> {
        match t {
            RequestType::Repair => self.repair,
            RequestType::EmergencyRepair => self.emergency_repair,
            RequestType::Housekeeping => self.housekeeping,
            RequestType::Complaint => self.complaint,
            RequestType::Suggestion => self.suggestion,
            RequestType::Internet => self.internet,
            RequestType::Subscription => self.subscription,
            RequestType::DepositRefund => self.deposit_refund,
            RequestType::Other => self.other,
        }
    }
}

fn default_office_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(String::from)
        .to_vec()
}

/// The `[requests]` section as written; [`RequestPolicy`] is the checked form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestsConfig {
    pub office_hours: Vec<String>,
    #[serde(default = "default_office_days")]
    pub office_days: Vec<String>,
    #[serde(default)]
    pub holidays: BTreeSet<NaiveDate>,
    #[serde(default)]
    pub workdays: BTreeSet<NaiveDate>,
    pub on_duty_phone: String,
    #[serde(default)]
    pub targets: TargetsConfig,
}

/// The checked `[requests]` policy: office windows sorted, touching windows merged,
/// days known, targets in range.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RequestsConfig")]
pub struct RequestPolicy {
    windows: Vec<OfficeWindow>,
    office_days: BTreeSet<u32>,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    on_duty_phone: String,
    /// Minutes, indexed like [`RequestType::ALL`].
    targets: [i64; 9],
    /// Minutes within which a repair is done.
    repair_done: i64,
}

impl TryFrom<RequestsConfig> for RequestPolicy {
    type Error = SlaError;

    fn try_from(c: RequestsConfig) -> Result<Self, Self::Error> {
        Self::new(c)
    }
}

fn index(t: RequestType) -> usize {
    RequestType::ALL.iter().position(|&x| x == t).unwrap_or(0)
}

impl RequestPolicy {
    /// Checks a written configuration.
    pub fn new(c: RequestsConfig) -> Result<Self, SlaError> {
        let mut windows = c
            .office_hours
            .iter()
            .map(|w| OfficeWindow::parse(w))
            .collect::<Result<Vec<_>, _>>()?;
        if windows.is_empty() {
            return Err(SlaError::NoOfficeHours);
        }
        windows.sort();
        let mut merged: Vec<OfficeWindow> = Vec::with_capacity(windows.len());
        for w in windows {
            match merged.last_mut() {
                Some(last) if w.start < last.end => {
                    return Err(SlaError::Overlap {
                        first: last.to_string(),
                        second: w.to_string(),
                    })
                }
                // Touching windows (12:00 end, 12:00 start) are one stretch of opening.
                Some(last) if w.start == last.end => last.end = w.end,
                _ => merged.push(w),
            }
        }

        let mut office_days = BTreeSet::new();
        for text in &c.office_days {
            let day: Weekday = text
                .trim()
                .parse()
                .map_err(|_| SlaError::UnknownDay { text: text.clone() })?;
            office_days.insert(day.num_days_from_monday());
        }
        if office_days.is_empty() {
            return Err(SlaError::NoOfficeDays);
        }
        if let Some(&date) = c.holidays.intersection(&c.workdays).next() {
            return Err(SlaError::HolidayAndWorkday { date });
        }

        let phone = c.on_duty_phone.trim();
        let phone_ok = phone.bytes().filter(u8::is_ascii_digit).count() >= 3
            && phone
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b' ' | b'+' | b'(' | b')'));
        if !phone_ok {
            return Err(SlaError::BadPhone {
                text: c.on_duty_phone.clone(),
            });
        }

        let mut targets = [0; 9];
        for (t, default) in DEFAULT_TARGETS {
            let minutes = c.targets.get(t).unwrap_or(default);
            if !(1..=MAX_TARGET_MINUTES).contains(&minutes) {
                return Err(SlaError::BadTarget {
                    kind: t.as_str(),
                    minutes,
                });
            }
            targets[index(t)] = minutes;
        }

        let repair_done = c.targets.repair_done.unwrap_or(DEFAULT_REPAIR_DONE);
        if !(1..=MAX_TARGET_MINUTES).contains(&repair_done) {
            return Err(SlaError::BadTarget {
                kind: "repair_done",
                minutes: repair_done,
            });
        }

        Ok(Self {
            repair_done,
            windows: merged,
            office_days,
            holidays: c.holidays,
            workdays: c.workdays,
            on_duty_phone: phone.to_string(),
            targets,
        })
    }

    /// The number shown at once for emergencies.
    pub fn on_duty_phone(&self) -> &str {
        &self.on_duty_phone
    }

    /// The office windows, sorted, with touching windows merged.
    pub fn windows(&self) -> &[OfficeWindow] {
        &self.windows
    }

    /// How long the desk has to respond to a request of this type.
    pub fn target(&self, t: RequestType) -> Duration {
        Duration::minutes(self.targets[index(t)])
    }

    /// The due times a ticket of type `t`, due at `due_at`, is judged by: for a repair,
    /// also when it must be done (the completion target from the same start).
    pub fn due_for(&self, t: RequestType, due_at: DateTime<Utc>) -> crate::domain::targets::Due {
        let done_due =
            (t == RequestType::Repair).then(|| due_at - self.target(t) + Duration::minutes(self.repair_done));
        crate::domain::targets::Due { due: due_at, done_due }
    }

    /// Whether the desk works on a local date: holidays never, make-up working days
    /// always, otherwise by `office_days`.
    pub fn is_office_day(&self, date: NaiveDate) -> bool {
        if self.holidays.contains(&date) {
            return false;
        }
        self.workdays.contains(&date) || self.office_days.contains(&date.weekday().num_days_from_monday())
    }
}

/// The first instant at or after `at` when the desk is open, in the compound's time
/// zone: `at` itself while the desk is open, otherwise the next opening. `None` when
/// the desk does not open within the next two months.
pub fn next_opening(policy: &RequestPolicy, at: DateTime<Utc>, tz: Tz) -> Option<DateTime<Tz>> {
    let at = at.with_timezone(&tz);
    let first = at.date_naive();
    for offset in 0..=LOOKAHEAD_DAYS {
        let date = first.checked_add_signed(Duration::days(offset))?;
        if !policy.is_office_day(date) {
            continue;
        }
        for w in &policy.windows {
            let (Some(start), Some(end)) = (at_minutes(&tz, date, w.start), at_minutes(&tz, date, w.end)) else {
                continue;
            };
            // A window wholly inside a daylight-saving gap is empty that day.
            if start < end && at < end {
                return Some(start.max(at));
            }
        }
    }
    None
}

/// When the responsible staff can first act on a request received at some moment: the
/// honest promise a resident reads. Inside a day's break (or before the day's first
/// hours) that is later the same day; only after the day's last hours, or on a day the
/// desk does not work, is it the next working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reopening {
    /// The desk is open now.
    Open,
    /// The desk reopens later today, at this time (after lunch: 今天 13:30 以后).
    LaterToday(DateTime<Tz>),
    /// The desk opens on the next working day, at this time.
    NextWorkingDay(DateTime<Tz>),
    /// The desk does not open within the look-ahead (a very long closure).
    NotSoon,
}

/// The [`Reopening`] for a request received at `at`, judged on the compound's clock.
pub fn reopening(policy: &RequestPolicy, at: DateTime<Utc>, tz: Tz) -> Reopening {
    let local = at.with_timezone(&tz);
    match next_opening(policy, at, tz) {
        Some(open) if open == local => Reopening::Open,
        Some(open) if open.date_naive() == local.date_naive() => Reopening::LaterToday(open),
        Some(open) => Reopening::NextWorkingDay(open),
        None => Reopening::NotSoon,
    }
}

/// Whether the desk is open at `at`.
pub fn is_office_open(policy: &RequestPolicy, at: DateTime<Utc>, tz: Tz) -> bool {
    next_opening(policy, at, tz).is_some_and(|open| open == at)
}

/// When a request received at `received` must be answered. Emergencies: `received`
/// plus the target, at any hour. Others: the clock starts at the next opening when
/// received outside office hours (or at `received` if the desk never opens within
/// the look-ahead, so a due time always exists).
pub fn due_at(policy: &RequestPolicy, t: RequestType, received: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let start = if t.is_emergency() {
        received
    } else {
        next_opening(policy, received, tz).map_or(received, |o| o.with_timezone(&Utc))
    };
    start + policy.target(t)
}

/// How a request stands against its due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// Answered at or before the due time.
    OnTime,
    /// Answered after the due time.
    Late { by: Duration },
    /// Not answered yet, still in time (`left` may be zero at the very due instant).
    Pending { left: Duration },
    /// Not answered, and the due time has passed.
    Overdue { by: Duration },
}

impl Breach {
    /// Late or overdue.
    pub fn is_breached(&self) -> bool {
        matches!(self, Breach::Late { .. } | Breach::Overdue { .. })
    }
}

/// Judges a request against its due time. Answering exactly at the due time is on time.
pub fn breach(due: DateTime<Utc>, responded: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Breach {
    match responded {
        Some(r) if r <= due => Breach::OnTime,
        Some(r) => Breach::Late { by: r - due },
        None if now <= due => Breach::Pending { left: due - now },
        None => Breach::Overdue { by: now - due },
    }
}

/// The share of requests answered in time (the manual's 维修及时率, target 100%).
/// Pending requests are not judged yet and are left out; overdue ones already count
/// as late. `None` when nothing has been judged.
pub fn on_time_rate<I: IntoIterator<Item = Breach>>(judged: I) -> Option<f64> {
    let (mut on_time, mut total) = (0u64, 0u64);
    for b in judged {
        match b {
            Breach::Pending { .. } => {}
            Breach::OnTime => {
                on_time += 1;
                total += 1;
            }
            Breach::Late { .. } | Breach::Overdue { .. } => total += 1,
        }
    }
    (total > 0).then(|| on_time as f64 / total as f64)
}

/// A local date plus minutes after midnight as an instant; 1440 is the next midnight.
/// A time skipped by a daylight-saving jump moves forward to the first time that
/// exists; a repeated time takes the earlier instant.
fn at_minutes(tz: &Tz, date: NaiveDate, minutes: u16) -> Option<DateTime<Tz>> {
    let (date, minutes) = if minutes >= DAY_MINUTES {
        (date.succ_opt()?, minutes - DAY_MINUTES)
    } else {
        (date, minutes)
    };
    let time = NaiveTime::from_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0)?;
    let mut local = date.and_time(time);
    for _ in 0..=180 {
        if let Some(found) = tz.from_local_datetime(&local).earliest() {
            return Some(found);
        }
        local = local.checked_add_signed(Duration::minutes(1))?;
    }
    None
}

#[cfg(test)]
#[path = "sla_tests.rs"]
mod tests;
