//! Front-desk staff: accounts and roles, the PIN with its lockout (kept in the database
//! so a restart does not reset it), the audit of every staff action, the evacuation
//! roster and the daily summary (每日梳理汇总).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use super::{print_for, JourneyError, Printing, RecordKind};
use crate::app::App;
use crate::domain::mask::{mask_name, mask_phone};
use crate::domain::pin::{self, Gate, PinError, Schedule};
use crate::domain::request::RequestType;
use crate::domain::targets::{judge, Tally, Verdict};
use crate::domain::ticket::{satisfaction_rate, SatisfactionCounts, OVERALL_TARGET, RECEPTION_TARGET};
use crate::printing::{Op, Slip, SlipKind};
use crate::store::{OnSiteKind, PinCounter, StaffAccount, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Desk,
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Desk => "desk",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "desk" => Some(Role::Desk),
            "supervisor" => Some(Role::Supervisor),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Ok { name: String, role: Role },
    Wrong { failures: u32 },
    Locked { until: DateTime<Utc> },
}

/// Checks a PIN against every active account. Every hash is checked even after a match
/// (and a dummy one when there are no accounts), so the time taken does not say which
/// step failed or how many accounts exist.
pub fn login(app: &App, pin_text: &str, now: DateTime<Utc>) -> Result<Login, JourneyError> {
    let verdict = match start_pad_check(app, pin_text, now)? {
        PadStart::Answered(outcome) => return Ok(outcome),
        PadStart::Check(check) => check.run(),
    };
    login_finish(app, verdict, now)
}

/// The end of a log-in whose hashes were checked elsewhere ([`PadCheck::run`], on a
/// thread of its own for the screen): the pad's count settled, and a success audited.
pub fn login_finish(app: &App, verdict: PadVerdict, now: DateTime<Utc>) -> Result<Login, JourneyError> {
    let outcome = finish_pad_check(app, verdict, now)?;
    if let Login::Ok { name, .. } = &outcome {
        // While nothing can be saved staff still get in (to print the roster, to see
        // who is on site); the login just cannot be recorded.
        unless_unavailable(app.store().audit(name, "login", "staff", "", now))?;
    }
    Ok(outcome)
}

/// A write that may be skipped while the storage refuses writes (a full disk).
fn unless_unavailable<T>(written: Result<T, StoreError>) -> Result<(), StoreError> {
    match written {
        Err(e) if !e.is_unavailable() => Err(e),
        _ => Ok(()),
    }
}

/// How long a wrong PIN locks the pad when the failure cannot be recorded.
const UNRECORDED_LOCK_SECS: i64 = 60;

/// Whose PIN this is, typed on the kiosk's pad with no name: the attempt is counted on
/// the kiosk-wide pad counter before any hash is checked ([`pin::Schedule::Pad`], a
/// pause that grows but is capped), so parallel attempts cannot outrun the count. Used
/// to log in and to take over a handover on screen; records no login.
pub fn check_pin(app: &App, pin_text: &str, now: DateTime<Utc>) -> Result<Login, JourneyError> {
    match start_pad_check(app, pin_text, now)? {
        PadStart::Answered(outcome) => Ok(outcome),
        PadStart::Check(check) => finish_pad_check(app, check.run(), now),
    }
}

/// The first step of a PIN typed on the pad: counted, or answered at once (paused).
#[derive(Debug)]
pub enum PadStart {
    /// No hash needs checking: the pad is paused.
    Answered(Login),
    /// The attempt is counted; its hashes are to be checked.
    Check(PadCheck),
}

/// A counted PIN attempt and the active accounts' hashes: the slow part of a log-in
/// (Argon2, about 35 ms an account), with nothing borrowed from the app, so the screen
/// runs it on a thread of its own and keeps drawing meanwhile.
pub struct PadCheck {
    pin: String,
    accounts: Vec<(String, Role, String)>,
    /// The pad's count with this attempt, `None` when it could not be recorded.
    failures: Option<u32>,
}

impl std::fmt::Debug for PadCheck {
    // Never the PIN or the hashes, even in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PadCheck")
            .field("accounts", &self.accounts.len())
            .field("failures", &self.failures)
            .finish()
    }
}

/// What [`PadCheck::run`] found: whose PIN it is, if anyone's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PadVerdict {
    found: Option<(String, Role)>,
    failures: Option<u32>,
}

impl PadCheck {
    /// Checks the PIN against every hash (all of them, and a dummy one when there are
    /// none, so the time taken tells nothing). Pure CPU work: no database, no app.
    pub fn run(self) -> PadVerdict {
        let mut found = None;
        for (name, role, hash) in &self.accounts {
            if pin::verify_pin(&self.pin, hash) && found.is_none() {
                found = Some((name.clone(), *role));
            }
        }
        if self.accounts.is_empty() {
            pin::dummy_verify();
        }
        PadVerdict {
            found,
            failures: self.failures,
        }
    }
}

/// Counts a pad attempt (refusing it while the pad is paused) and collects the hashes
/// to check: the quick database part before [`PadCheck::run`].
pub fn start_pad_check(app: &App, pin_text: &str, now: DateTime<Utc>) -> Result<PadStart, JourneyError> {
    if let Some(until) = app.unrecorded_pin_lock().filter(|until| *until > now) {
        return Ok(PadStart::Answered(Login::Locked { until }));
    }
    let counted = app.with_store(|s| {
        s.count_pin_attempt(PinCounter::Pad, now, |failures, last| {
            gate(Schedule::Pad, failures, last, now)
        })
    });
    let failures = match counted {
        Ok(Ok(failures)) => Some(failures),
        Ok(Err(until)) => return Ok(PadStart::Answered(Login::Locked { until })),
        Err(e) if e.is_unavailable() => {
            // The count can still be read while nothing can be written.
            let (failures, last) = app.store().pin_failures(PinCounter::Pad)?;
            if let Err(until) = gate(Schedule::Pad, failures, last, now) {
                return Ok(PadStart::Answered(Login::Locked { until }));
            }
            None
        }
        Err(e) => return Err(e.into()),
    };
    let accounts = app
        .store()
        .staff()?
        .into_iter()
        .filter(|s| s.active)
        .map(|s: StaffAccount| {
            let role = Role::parse(&s.role).unwrap_or(Role::Desk);
            (s.name, role, s.pin_hash)
        })
        .collect();
    Ok(PadStart::Check(PadCheck {
        pin: pin_text.to_string(),
        accounts,
        failures,
    }))
}

/// Settles the pad's count after the hashes were checked: a success clears it, a
/// failure may pause the pad (for a minute when it could not be recorded).
pub fn finish_pad_check(app: &App, verdict: PadVerdict, now: DateTime<Utc>) -> Result<Login, JourneyError> {
    match (verdict.found, verdict.failures) {
        (Some((name, role)), _) => {
            unless_unavailable(app.store().clear_pin_failures(PinCounter::Pad))?;
            Ok(Login::Ok { name, role })
        }
        (None, None) => {
            // Not counted in the database: every wrong PIN locks the pad a minute.
            let until = now + Duration::seconds(UNRECORDED_LOCK_SECS);
            app.set_unrecorded_pin_lock(until);
            Ok(Login::Locked { until })
        }
        (None, Some(failures)) => match Schedule::Pad.paused_until(failures, now) {
            Some(until) => Ok(Login::Locked { until }),
            None => Ok(Login::Wrong { failures }),
        },
    }
}

/// The domain's gate as a result: the count to store, or until when to refuse.
fn gate(
    schedule: Schedule,
    failures: u32,
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<u32, DateTime<Utc>> {
    match pin::gate(schedule, failures, last, now) {
        Gate::Check { failures } => Ok(failures),
        Gate::Paused { until } => Err(until),
    }
}

/// The answer to a PIN typed for a named account (the command line's `--by NAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// The PIN is this active account's.
    Proven { name: String, role: Role },
    /// No active account has this name (unknown, empty or disabled): nothing checked.
    NoAccount,
    /// The PIN was checked and is not the account's; `locked_until` when this failure
    /// locked the account.
    Wrong {
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
    },
    /// The account is locked: the PIN was not checked, right or wrong.
    Locked { until: DateTime<Utc> },
}

/// Whether `pin_text` is the PIN of the active account `name`. The attempt is counted on
/// that account before its hash is checked ([`pin::Schedule::Account`]: 1, 5, then 30
/// minutes), in one write transaction, so however many processes guess at once, N
/// attempts are N checks; a locked account is refused even with its right PIN. An
/// attempt that cannot be counted (storage refusing writes) is not checked at all.
pub fn prove(app: &App, name: &str, pin_text: &str, now: DateTime<Utc>) -> Result<Proof, JourneyError> {
    let Some(account) = app.with_store(|s| s.staff_by_name(name))?.filter(|a| a.active) else {
        return Ok(Proof::NoAccount);
    };
    let counter = PinCounter::Staff(account.id);
    let failures = match app.with_store(|s| {
        s.count_pin_attempt(counter, now, |failures, last| {
            gate(Schedule::Account, failures, last, now)
        })
    })? {
        Ok(failures) => failures,
        Err(until) => return Ok(Proof::Locked { until }),
    };
    if !pin::verify_pin(pin_text, &account.pin_hash) {
        return Ok(Proof::Wrong {
            failures,
            locked_until: Schedule::Account.paused_until(failures, now),
        });
    }
    app.store().clear_pin_failures(counter)?;
    Ok(Proof::Proven {
        name: account.name,
        role: Role::parse(&account.role).unwrap_or(Role::Desk),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffRefused {
    /// Only a supervisor may do this.
    NotSupervisor,
    Pin(PinError),
    NameTaken,
    UnknownName,
    /// The last active supervisor stays: without one nobody could manage staff again
    /// (`bootstrap` only works on a kiosk with no account at all).
    LastSupervisor,
    /// A new account's name does not pass [`crate::domain::field::STAFF_NAME`].
    BadName(crate::domain::field::FieldError),
}

/// Whether `by` may do supervisor-only things (revoke permits, manage staff and the
/// deny list). While no supervisor exists, the first one may be created from the CLI.
pub fn require_supervisor(app: &App, by: &str) -> Result<Result<(), StaffRefused>, JourneyError> {
    let staff = app.store().staff()?;
    let supervisors = staff.iter().filter(|s| s.active && s.role == "supervisor").count();
    let ok = supervisors == 0 && by == "bootstrap"
        || staff.iter().any(|s| s.active && s.name == by && s.role == "supervisor");
    Ok(if ok { Ok(()) } else { Err(StaffRefused::NotSupervisor) })
}

pub fn add_staff(
    app: &App,
    by: &str,
    name: &str,
    role: Role,
    pin_text: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), StaffRefused>, JourneyError> {
    let bootstrap = app.store().staff()?.is_empty();
    if !bootstrap {
        if let Err(e) = require_supervisor(app, by)? {
            return Ok(Err(e));
        }
    }
    // Folded and normalised, no invisible or look-alike characters: two accounts can
    // never look the same on screen or in the audit.
    let name = match crate::domain::field::clean(&crate::domain::field::STAFF_NAME, name) {
        Ok(name) => name,
        Err(why) => return Ok(Err(StaffRefused::BadName(why))),
    };
    let name = name.as_str();
    // `bootstrap` is the command line's word for the first account of a fresh kiosk.
    if name == "bootstrap" {
        return Ok(Err(StaffRefused::UnknownName));
    }
    let hash = match pin::hash_pin(pin_text) {
        Ok(h) => h,
        Err(e) => return Ok(Err(StaffRefused::Pin(e))),
    };
    // The account and its audit row are one unit of work (the PIN hashed before it, so
    // the write lock is held for no longer than the two rows take).
    app.atomic(|| {
        match app.with_store(|s| s.add_staff(name, role.as_str(), &hash, now)) {
            Ok(()) => {}
            Err(crate::store::StoreError::CodeTaken) => return Ok(Err(StaffRefused::NameTaken)),
            Err(e) => return Err(e.into()),
        }
        app.store().audit(
            if bootstrap { "bootstrap" } else { by },
            "staff_add",
            name,
            role.as_str(),
            now,
        )?;
        Ok(Ok(()))
    })
}

pub fn set_pin(
    app: &App,
    by: &str,
    name: &str,
    pin_text: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), StaffRefused>, JourneyError> {
    if let Err(e) = require_supervisor(app, by)? {
        return Ok(Err(e));
    }
    let hash = match pin::hash_pin(pin_text) {
        Ok(h) => h,
        Err(e) => return Ok(Err(StaffRefused::Pin(e))),
    };
    app.atomic(|| {
        if !app.store().set_staff_pin(name, &hash)? {
            return Ok(Err(StaffRefused::UnknownName));
        }
        app.store().audit(by, "staff_set_pin", name, "", now)?;
        Ok(Ok(()))
    })
}

pub fn disable(app: &App, by: &str, name: &str, now: DateTime<Utc>) -> Result<Result<(), StaffRefused>, JourneyError> {
    if let Err(e) = require_supervisor(app, by)? {
        return Ok(Err(e));
    }
    let staff = app.store().staff()?;
    let supervisors = staff.iter().filter(|s| s.active && s.role == "supervisor");
    if supervisors.clone().count() == 1 && supervisors.clone().any(|s| s.name == name) {
        return Ok(Err(StaffRefused::LastSupervisor));
    }
    app.atomic(|| {
        if !app.store().set_staff_active(name, false)? {
            return Ok(Err(StaffRefused::UnknownName));
        }
        app.store().audit(by, "staff_disable", name, "", now)?;
        Ok(Ok(()))
    })
}

/// Everyone on site now, from the local database alone: the evacuation roster.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RosterLine {
    pub kind: OnSiteKind,
    pub number: String,
    pub unit: String,
    pub name: String,
    pub phone: String,
    pub party: u32,
    pub since: String,
}

pub fn roster(app: &App, now: DateTime<Utc>) -> Result<Vec<RosterLine>, JourneyError> {
    let tz = app.config.tz();
    let rows = app.store().on_site(now)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let worker = row.kind == OnSiteKind::Worker;
            RosterLine {
                kind: row.kind,
                number: row.number,
                unit: row.unit,
                // A visitor gives only a surname; a worker's full name is masked. A pass
                // whose worker row is gone shows neither.
                name: match (worker, row.name.is_empty()) {
                    (_, true) => String::new(),
                    (true, false) => mask_name(&row.name),
                    (false, false) => row.name,
                },
                phone: if worker && row.phone.is_empty() {
                    String::new()
                } else {
                    mask_phone(&row.phone)
                },
                party: row.party,
                // Someone on site since an earlier day shows that day ("12-01 10:02").
                since: crate::domain::day::list_time(row.since, now, tz),
            }
        })
        .collect())
}

/// What the roster calls a line's kind, on the slip and on the command line.
pub fn on_site_word(kind: OnSiteKind, lang: crate::i18n::Lang) -> &'static str {
    match kind {
        OnSiteKind::Visitor => lang.pick("访客", "Visitor"),
        OnSiteKind::Worker => lang.pick("施工", "Worker"),
    }
}

pub fn roster_slip(app: &App, lines: &[RosterLine], now: DateTime<Utc>) -> Slip {
    let lang = app.lang();
    let mut ops = vec![
        Op::Title(lang.pick("在场人员名单", "On-site roster").to_string()),
        Op::Centered(format!(
            "{} {}",
            app.config.compound_name(lang),
            crate::domain::day::local_minute(now, app.config.tz())
        )),
        Op::Divider,
    ];
    for l in lines {
        ops.push(Op::Text(format!(
            "{} {} {} {} ×{} {}",
            on_site_word(l.kind, lang),
            l.unit,
            l.name,
            l.phone,
            l.party,
            l.since
        )));
    }
    let people: u32 = lines.iter().map(|l| l.party).sum();
    ops.extend([
        Op::Divider,
        Op::Text(format!("{}{people}", lang.pick("合计人数：", "People in total: "))),
        Op::Feed(2),
        Op::Cut,
    ]);
    Slip {
        kind: SlipKind::Roster,
        ops,
    }
}

/// Logs a staff member out on the audit. An error means the row was not written: the
/// screen says so and keeps them logged in, so they may try again. While the storage
/// refuses every write (its notice is on screen) the logout goes on unrecorded, as the
/// login does.
pub fn logout(app: &App, name: &str, now: DateTime<Utc>) -> Result<(), JourneyError> {
    Ok(unless_unavailable(app.store().audit(name, "logout", "staff", "", now))?)
}

/// Audits how a roster print ended (`printed` or `failed`), once its fate is known. In
/// an evacuation with the storage refusing writes the roster still prints, unrecorded.
pub fn roster_printed(app: &App, name: &str, printed: bool, now: DateTime<Utc>) -> Result<(), JourneyError> {
    let outcome = if printed { "printed" } else { "failed" };
    Ok(unless_unavailable(app.store().audit(
        name,
        "roster_print",
        "roster",
        outcome,
        now,
    ))?)
}

/// Sends the owed slips now rather than at the next automatic retry, audited first: an
/// audit row that cannot be written stops the retry (the screen says it could not start).
pub fn retry_printing(app: &App, name: &str, now: DateTime<Utc>) -> Result<(), JourneyError> {
    app.store().audit(name, "print_retry", "print_queue", "", now)?;
    Ok(app.retry_printing()?)
}

/// Prints everyone on site now. While the storage refuses writes the roster cannot be
/// registered in the print queue, so it is sent straight to the printer instead (and
/// waited for): in an evacuation it must come out whatever the disk says.
pub fn print_roster(app: &App, now: DateTime<Utc>) -> Result<Printing, JourneyError> {
    let lines = roster(app, now)?;
    let slip = roster_slip(app, &lines, now);
    match print_for(app, &slip, RecordKind::Roster, 0, now) {
        Err(e) if e.storage_unavailable() => Ok(if app.print(&slip).is_ok() {
            Printing::Printed
        } else {
            Printing::Failed
        }),
        other => other,
    }
}

/// The day's summary (每日梳理汇总), measured against the company's own targets.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DailyReport {
    pub date: NaiveDate,
    pub visits: i64,
    pub visits_held: i64,
    pub passes: i64,
    /// Tickets received that day; equals `responses.total()`.
    pub tickets: i64,
    /// Per request type, in the order of their stored names.
    pub tickets_by_type: Vec<(RequestType, i64)>,
    /// Every ticket of the day against its target: on time, late, pending (not due
    /// yet) and left out (cancelled or duplicate). The rate is on time / (on time + late).
    pub responses: Tally,
    pub responses_on_time: Option<f64>,
    /// Repairs and emergency repairs alone (the manual's 维修及时率).
    pub repairs: Tally,
    pub repairs_judged: usize,
    pub repairs_on_time: Option<f64>,
    /// The rule the rates follow, as the report states it.
    pub rule: String,
    pub satisfaction_overall: Option<f64>,
    pub satisfaction_reception: Option<f64>,
    pub ratings: i64,
    /// Printing faults that happened that day (a paper-out later reprinted still
    /// happened), whatever became of the jobs since.
    pub print_failures: i64,
    pub target_overall: f64,
    pub target_reception: f64,
}

pub fn daily_report(app: &App, date: NaiveDate, now: DateTime<Utc>) -> Result<DailyReport, JourneyError> {
    let tz = app.config.tz();
    let start = tz
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    let end = start + Duration::days(1);
    let store = app.store();
    let counts = store.day_counts(start, end)?;
    let tickets = store.tickets_between(start, end)?;
    let mut by_type: std::collections::BTreeMap<&str, (RequestType, i64)> = Default::default();
    for t in &tickets {
        by_type.entry(t.request_type.as_str()).or_insert((t.request_type, 0)).1 += 1;
    }
    let policy = &app.config.requests;
    let (mut responses, mut repairs) = (Tally::default(), Tally::default());
    for t in &tickets {
        let verdict = ticket_verdict(&store, policy, t, now)?;
        responses.add(verdict);
        if matches!(t.request_type, RequestType::Repair | RequestType::EmergencyRepair) {
            repairs.add(verdict);
        }
    }
    let mut overall = SatisfactionCounts::default();
    let mut reception = SatisfactionCounts::default();
    let ratings = store.satisfaction_between(start, end)?;
    for &(journey, rating, n) in &ratings {
        for _ in 0..n {
            overall.add(rating);
            if journey.is_reception() {
                reception.add(rating);
            }
        }
    }
    Ok(DailyReport {
        date,
        visits: counts.0,
        visits_held: counts.1,
        passes: counts.2,
        tickets: tickets.len() as i64,
        tickets_by_type: by_type.into_values().collect(),
        responses,
        responses_on_time: responses.rate(),
        repairs,
        repairs_judged: repairs.judged() as usize,
        repairs_on_time: repairs.rate(),
        rule: crate::domain::targets::rule_text(app.lang()).to_string(),
        satisfaction_overall: satisfaction_rate(&overall),
        satisfaction_reception: satisfaction_rate(&reception),
        ratings: ratings.iter().map(|r| r.2).sum(),
        print_failures: counts.3,
        target_overall: OVERALL_TARGET,
        target_reception: RECEPTION_TARGET,
    })
}

/// Whether an open ticket is late by its own type's rule, at `now` (the dashboard's
/// red mark).
pub fn ticket_late(app: &App, t: &crate::store::Ticket, now: DateTime<Utc>) -> Result<bool, JourneyError> {
    let verdict = ticket_verdict(&app.store(), &app.config.requests, t, now)?;
    Ok(verdict == Verdict::Late)
}

/// How a ticket stands against its target ([`crate::domain::targets`]), judged from its
/// history at `now`.
pub fn ticket_verdict(
    store: &crate::store::Store,
    policy: &crate::domain::sla::RequestPolicy,
    t: &crate::store::Ticket,
    now: DateTime<Utc>,
) -> Result<Verdict, JourneyError> {
    let kind = t.request_type;
    let steps: Vec<_> = store
        .ticket_history(t.id)?
        .into_iter()
        .map(|h| (h.at, h.status))
        .collect();
    Ok(judge(kind, policy.due_for(kind, t.due_at), &steps, t.status, now))
}
