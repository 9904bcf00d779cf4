//! Renovation hours (装修时间): when workers may be let in.
//!
//! Fit-out work is noisy, so the compound allows it only inside fixed hours
//! and never on public holidays; a temporary pass must not be issued or
//! honoured outside them. China moves working days around holidays (调休),
//! so some weekend dates follow weekday hours. When the kiosk has to refuse,
//! it says when work may start again, so the refusal comes with an answer.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use thiserror::Error;

/// How far ahead [`may_issue`] looks for the next allowed window; beyond two
/// weeks the answer stops being useful to someone standing at the desk.
const LOOKAHEAD_DAYS: i64 = 14;

/// Problems in the configured renovation hours, reported at start-up so that
/// impossible hours never reach the desk.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HoursError {
    #[error("{text:?} is not a time window like \"08:00-12:00\"")]
    BadWindow { text: String },
    #[error("time window {window} ends before it starts")]
    EndsBeforeStart { window: String },
    #[error("time windows {first} and {second} are not in order")]
    Unsorted { first: String, second: String },
    #[error("time windows {first} and {second} overlap")]
    Overlap { first: String, second: String },
    #[error("{date} is listed both as a holiday and as a make-up working day")]
    HolidayAndWorkday { date: NaiveDate },
}

/// A daily time window; the end is exclusive, so work allowed "until 12:00"
/// must stop before 12:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Window {
    start: NaiveTime,
    end: NaiveTime,
}

impl Window {
    /// A window from `start` (inclusive) to `end` (exclusive).
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, HoursError> {
        let w = Self { start, end };
        if start >= end {
            return Err(HoursError::EndsBeforeStart { window: w.to_string() });
        }
        Ok(w)
    }

    pub fn start(&self) -> NaiveTime {
        self.start
    }

    pub fn end(&self) -> NaiveTime {
        self.end
    }

    /// The window as a stable key, `"08:00-12:00"`: one pass per worker per key and day.
    pub fn key(&self) -> String {
        format!("{}-{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }

    /// Whether a wall-clock time falls inside the window.
    pub fn contains(&self, t: NaiveTime) -> bool {
        self.start <= t && t < self.end
    }

    /// Reads `"HH:MM-HH:MM"`; an en dash or `~` also separates, and spaces are
    /// ignored, because that is how people write hours by hand.
    pub fn parse(text: &str) -> Result<Self, HoursError> {
        let bad = || HoursError::BadWindow { text: text.to_string() };
        let (a, b) = text.split_once(['-', '–', '~']).ok_or_else(bad)?;
        let start = parse_hhmm(a.trim()).ok_or_else(bad)?;
        let end = parse_hhmm(b.trim()).ok_or_else(bad)?;
        Self::new(start, end)
    }
}

fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.split_once(':')?;
    let digits = |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

impl TryFrom<String> for Window {
    type Error = HoursError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

/// A day's windows, guaranteed sorted and non-overlapping so that "the next
/// window" and "the day's last window" are well defined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<Window>")]
pub struct DayWindows(Vec<Window>);

impl DayWindows {
    pub fn new(windows: Vec<Window>) -> Result<Self, HoursError> {
        for pair in windows.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let names = || (a.to_string(), b.to_string());
            if b.start < a.start {
                let (first, second) = names();
                return Err(HoursError::Unsorted { first, second });
            }
            // Touching windows (12:00 end, 12:00 start) do not overlap.
            if b.start < a.end {
                let (first, second) = names();
                return Err(HoursError::Overlap { first, second });
            }
        }
        Ok(Self(windows))
    }

    pub fn as_slice(&self) -> &[Window] {
        &self.0
    }
}

impl TryFrom<Vec<Window>> for DayWindows {
    type Error = HoursError;

    fn try_from(v: Vec<Window>) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

/// How long a pass issued inside a window stays valid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassValidity {
    /// Until the end of the window it was issued in; workers come back for a
    /// new pass after the lunch break, so nobody works through the quiet hours.
    #[default]
    EndOfWindow,
    /// Until the end of the day's last window.
    EndOfDay,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    weekday: DayWindows,
    #[serde(default)]
    weekend: DayWindows,
    #[serde(default)]
    holidays: BTreeSet<NaiveDate>,
    #[serde(default)]
    workdays: BTreeSet<NaiveDate>,
    #[serde(default)]
    pass_valid_until: PassValidity,
}

/// The `[renovation]` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawHours")]
pub struct RenovationHours {
    weekday: DayWindows,
    weekend: DayWindows,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    pass_valid_until: PassValidity,
}

impl TryFrom<RawHours> for RenovationHours {
    type Error = HoursError;

    fn try_from(r: RawHours) -> Result<Self, Self::Error> {
        Self::new(r.weekday, r.weekend, r.holidays, r.workdays, r.pass_valid_until)
    }
}

impl RenovationHours {
    /// Builds a policy; a date cannot be both a holiday and a make-up working
    /// day, since one of the two would silently win.
    pub fn new(
        weekday: DayWindows,
        weekend: DayWindows,
        holidays: BTreeSet<NaiveDate>,
        workdays: BTreeSet<NaiveDate>,
        pass_valid_until: PassValidity,
    ) -> Result<Self, HoursError> {
        if let Some(&date) = holidays.intersection(&workdays).next() {
            return Err(HoursError::HolidayAndWorkday { date });
        }
        Ok(Self {
            weekday,
            weekend,
            holidays,
            workdays,
            pass_valid_until,
        })
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    pub fn pass_valid_until(&self) -> PassValidity {
        self.pass_valid_until
    }
}

/// The windows in which work is allowed on a given local date.
pub fn windows_for(policy: &RenovationHours, date: NaiveDate) -> &[Window] {
    if policy.holidays.contains(&date) {
        return &[];
    }
    if policy.workdays.contains(&date) {
        return policy.weekday.as_slice();
    }
    match date.weekday() {
        Weekday::Sat | Weekday::Sun => policy.weekend.as_slice(),
        _ => policy.weekday.as_slice(),
    }
}

/// The period a newly issued pass is valid for, and the work window it belongs to:
/// one pass per worker per work window, so asking again inside the same window gets
/// the same pass, and asking after the lunch break gets the afternoon's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassWindow {
    pub from: DateTime<Tz>,
    pub until: DateTime<Tz>,
    /// The window as configured (`end_of_window`), or the whole working day from its
    /// first start to its last end (`end_of_day`).
    pub window: Window,
}

/// Why a pass cannot be issued right now. Each case carries the start of the
/// next allowed window (if any within two weeks), so the refusal can always
/// say when to come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Refusal {
    #[error("today is a public holiday; no renovation work")]
    Holiday { next: Option<DateTime<Tz>> },
    #[error("no renovation work is allowed today")]
    NoWorkToday { next: Option<DateTime<Tz>> },
    #[error("outside renovation hours")]
    OutsideHours { next: Option<DateTime<Tz>> },
}

impl Refusal {
    /// When work may start again.
    pub fn next(&self) -> Option<DateTime<Tz>> {
        match *self {
            Self::Holiday { next } | Self::NoWorkToday { next } | Self::OutsideHours { next } => next,
        }
    }
}

/// Decides whether a pass may be issued at `now`, judged by the wall clock of
/// `now`'s time zone (the compound's), and for how long it is valid.
pub fn may_issue(policy: &RenovationHours, now: DateTime<Tz>) -> Result<PassWindow, Refusal> {
    let tz = now.timezone();
    let date = now.date_naive();
    let time = now.time();
    let windows = windows_for(policy, date);
    if let Some(w) = windows.iter().find(|w| w.contains(time)) {
        let window = match policy.pass_valid_until {
            PassValidity::EndOfWindow => *w,
            PassValidity::EndOfDay => Window {
                start: windows.first().map_or(w.start, |f| f.start),
                end: windows.last().map_or(w.end, |l| l.end),
            },
        };
        // Prefer the earlier instant if the end is ambiguous: a shorter pass
        // is the safe mistake.
        if let Some(until) = localize(&tz, date, window.end, true).filter(|u| *u > now) {
            return Ok(PassWindow {
                from: now,
                until,
                window,
            });
        }
    }
    let next = next_start(policy, now);
    Err(if policy.is_holiday(date) {
        Refusal::Holiday { next }
    } else if windows.is_empty() {
        Refusal::NoWorkToday { next }
    } else {
        Refusal::OutsideHours { next }
    })
}

fn next_start(policy: &RenovationHours, now: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let tz = now.timezone();
    let today = now.date_naive();
    (0..=LOOKAHEAD_DAYS)
        .filter_map(|d| today.checked_add_signed(Duration::days(d)))
        .flat_map(|date| {
            windows_for(policy, date)
                .iter()
                .filter_map(move |w| localize(&tz, date, w.start, false))
        })
        .find(|start| *start > now)
}

/// Turns a local date and wall-clock time into an instant. Times skipped by a
/// daylight-saving jump move forward to the first time that exists; repeated
/// times pick the earlier or later instant as asked.
fn localize(tz: &Tz, date: NaiveDate, time: NaiveTime, earliest: bool) -> Option<DateTime<Tz>> {
    let mut local = date.and_time(time);
    for _ in 0..=180 {
        let r = tz.from_local_datetime(&local);
        let found = if earliest { r.earliest() } else { r.latest() };
        if found.is_some() {
            return found;
        }
        local = local.checked_add_signed(Duration::minutes(1))?;
    }
    None
}

#[cfg(test)]
#[path = "hours_tests.rs"]
mod tests;
