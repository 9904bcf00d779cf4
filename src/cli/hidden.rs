//! The hidden commands: `record-loop`, which the crash test drives, and `seed-history`
//! (benchmarks only, with the `bench-data` feature).

use std::io::{self, Write};

use chrono::{DateTime, Duration, Utc};

use super::Outcome;
use crate::app::App;
use crate::domain::request::RequestType;
use crate::domain::ticket::TicketStatus;
use crate::domain::visitor::VisitorType;
use crate::journeys::lookup::{self, Permit};
use crate::journeys::permit::{self, PermitForm, PermitRejected};
use crate::journeys::shift::{self, Taker};
use crate::journeys::staff::{self, Role};
use crate::journeys::visitor::{self, Registered, WalkIn};
use crate::journeys::worker::{self, PassOutcome, WhoAsks};
use crate::journeys::JourneyError;
use crate::journeys::{desk, resident};

pub const RECORD_LOOP_ENV: &str = "LOBBY_KIOSK_RECORD_LOOP";

#[derive(Debug, thiserror::Error)]
enum LoopError {
    #[error(transparent)]
    Journey(#[from] JourneyError),
    #[error("standard output: {0}")]
    Output(#[from] io::Error),
    #[error("the resident directory is empty: record-loop needs a unit to visit")]
    NoDirectory,
    #[error("refused: {0}")]
    Refused(String),
}

/// Workers on each permit `record-loop` files; a new permit when they have all had a pass.
const LOOP_ROSTER: usize = 50;
/// The supervisor `record-loop` acts as (added on its first run, as a fresh kiosk's first
/// account), and the desk members it adds and hands shifts to.
const LOOP_SUPERVISOR: &str = "环测主管";
const LOOP_PIN: &str = "258036";

/// What `seed-history` needs set before it writes made-up records.
#[cfg(feature = "bench-data")]
pub const SEED_HISTORY_ENV: &str = "LOBBY_KIOSK_SEED_HISTORY";

/// Benchmarks only (`benches/startup.sh`): fills an empty data folder with `days` of
/// made-up history at the five-year seed's daily rate (see `Store::seed_history`).
#[cfg(feature = "bench-data")]
pub fn seed_history(app: &App, days: u32) -> Outcome {
    if std::env::var(SEED_HISTORY_ENV).as_deref() != Ok("1") {
        eprintln!("seed-history is a benchmark command; set {SEED_HISTORY_ENV}=1 to run it");
        return Outcome::Usage;
    }
    let started = std::time::Instant::now();
    match crate::journeys::bench_seed::seed_history(app, days) {
        Ok(scale) => {
            outln!(
                "seeded {} visits, {} passes, {} tickets over {} days in {:.1} s",
                scale.visits,
                scale.passes,
                scale.tickets,
                scale.days,
                started.elapsed().as_secs_f64()
            );
            Outcome::Success
        }
        Err(err) => {
            eprintln!("seed-history: {err}");
            Outcome::Negative
        }
    }
}

/// Test only (hidden): runs every kind of write the screens and the command line make,
/// through the same journeys they call, in turn: a courier's visit (let in at once), a
/// worker's pass (with the hours, roster and deposit checks, the permit filed by the
/// desk when a roster runs out), a guest approved by the desk, an invite created and
/// checked in, a deny-list entry, a resident's request moved on by the desk, a new staff
/// account, a shift closed and taken over. After each record's last commit it prints
/// `<kind> <id>` and flushes. The crash test kills it at random moments and then checks
/// every reported record survived, each with its audit row and its slip's print job.
pub fn record_loop(app: &App, count: u32) -> Outcome {
    if std::env::var(RECORD_LOOP_ENV).as_deref() != Ok("1") {
        eprintln!("record-loop is a test command; set {RECORD_LOOP_ENV}=1 to run it");
        return Outcome::Usage;
    }
    let mut out = io::stdout().lock();
    match run_loop(app, count, &mut out) {
        Ok(()) => Outcome::Success,
        Err(err) => {
            eprintln!("record-loop: {err}");
            Outcome::Negative
        }
    }
}

/// The kinds of write `record-loop` takes in turn.
const LOOP_STEPS: u64 = 9;

fn run_loop(app: &App, count: u32, out: &mut impl Write) -> Result<(), LoopError> {
    let unit = lookup::residents(app)?
        .into_iter()
        .next()
        .map(|r| r.unit_no)
        .ok_or(LoopError::NoDirectory)?;
    loop_supervisor(app)?;
    // Phones differ per iteration and per run (a restart must not reuse a roster phone).
    let seed = u64::from(std::process::id()) * 7919
        + u64::from(app.now().timestamp_subsec_micros())
        + rand::random::<u32>() as u64;
    let mut roster: Option<(Permit, usize)> = None;
    let mut desk_member: Option<String> = None;
    for i in 0..u64::from(count) {
        let now = app.now();
        let serial = (seed + i * LOOP_ROSTER as u64) % 100_000_000;
        let line = match i % LOOP_STEPS {
            0 => format!(
                "visit {}",
                loop_visit(app, &unit, serial, VisitorType::Courier, now)?.id
            ),
            1 | 5 => {
                let (permit, next) = match roster.take() {
                    Some((permit, next)) if next < permit.workers.len() => (permit, next),
                    _ => {
                        let permit = loop_permit(app, &unit, serial, now)?;
                        writeln!(out, "permit {}", permit.id)?;
                        (permit, 0)
                    }
                };
                let worker = permit.workers[next].clone();
                let pass = match worker::issue_pass(app, &permit, &WhoAsks::WorkerId(worker.id), now)? {
                    PassOutcome::Issued(issued) => issued.pass,
                    PassOutcome::Refused(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                };
                roster = Some((permit, next + 1));
                format!("pass {}", pass.id)
            }
            2 => {
                let waiting = loop_visit(app, &unit, serial, VisitorType::Guest, now)?;
                match desk::decide_visit(app, LOOP_SUPERVISOR, waiting.id, true, now)? {
                    Ok((visit, _)) => format!("visit {}", visit.id),
                    Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                }
            }
            3 => loop_invite(app, &unit, serial, now)?,
            4 => {
                let reason = format!("record-loop {serial}");
                match desk::deny_add(app, LOOP_SUPERVISOR, &format!("135{serial:08}"), &reason, now)? {
                    Ok(()) => format!("deny {serial}"),
                    Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                }
            }
            6 => loop_ticket(app, &unit, serial, now)?,
            7 => {
                let name = loop_staff_name(serial);
                match staff::add_staff(app, LOOP_SUPERVISOR, &name, Role::Desk, LOOP_PIN, now)? {
                    Ok(()) => {}
                    Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                }
                desk_member = Some(name.clone());
                format!("staff {name}")
            }
            _ => {
                let handover = match shift::close_shift(app, LOOP_SUPERVISOR, "record-loop", now)? {
                    Ok(h) => h,
                    Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
                };
                if let Some(name) = &desk_member {
                    let taker = Taker::Proven { name, role: Role::Desk };
                    if let Err(why) = shift::acknowledge(app, handover.id, taker, now)? {
                        return Err(LoopError::Refused(format!("{why:?}")));
                    }
                }
                format!("shift {}", handover.id)
            }
        };
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    Ok(())
}

/// The loop's supervisor: the first account of a fresh kiosk, added once.
fn loop_supervisor(app: &App) -> Result<(), LoopError> {
    if lookup::staff_by_name(app, LOOP_SUPERVISOR)?.is_some() {
        return Ok(());
    }
    match staff::add_staff(app, "bootstrap", LOOP_SUPERVISOR, Role::Supervisor, LOOP_PIN, app.now())? {
        Ok(()) => Ok(()),
        Err(why) => Err(LoopError::Refused(format!("{why:?}"))),
    }
}

/// A staff name from a number, in Chinese numerals (a name takes no digits).
fn loop_staff_name(serial: u64) -> String {
    format!("环{}", chinese_digits(&format!("{serial:08}")))
}

/// Each ASCII digit of `digits` as its Chinese numeral.
fn chinese_digits(digits: &str) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| DIGITS[usize::from(b - b'0')])
        .collect()
}

/// A walk-in visitor as the visitor screen records one.
fn loop_visit(
    app: &App,
    unit: &str,
    serial: u64,
    visitor_type: VisitorType,
    now: DateTime<Utc>,
) -> Result<lookup::Visit, LoopError> {
    let walk_in = WalkIn {
        unit: unit.to_string(),
        surname: "王".to_string(),
        phone: format!("139{serial:08}"),
        visitor_type,
        party_size: 1,
        company: String::new(),
    };
    match visitor::register(app, &walk_in, now)? {
        Registered::Approved { visit, .. } | Registered::Waiting(visit) | Registered::Held(visit) => Ok(visit),
        Registered::Rejected(why) => Err(LoopError::Refused(format!("{why:?}"))),
    }
}

/// An invite created by the desk, then checked in at the kiosk.
fn loop_invite(app: &App, unit: &str, serial: u64, now: DateTime<Utc>) -> Result<String, LoopError> {
    let today = now.with_timezone(&app.config.tz()).date_naive();
    let phone = format!("138{serial:08}");
    let request = visitor::InviteRequest {
        unit,
        surname: "李",
        phone: &phone,
        from: today,
        until: today,
        by: LOOP_SUPERVISOR,
    };
    let created = match visitor::create_invite(app, &request, now)? {
        Ok(created) => created,
        Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
    };
    match visitor::check_in_invite(app, &created.code, now)? {
        visitor::InviteOutcome::CheckedIn { visit, .. } => Ok(format!("visit {}", visit.id)),
        other => Err(LoopError::Refused(format!("{other:?}"))),
    }
}

/// A resident's repair request from the kiosk, then moved on by the desk.
fn loop_ticket(app: &App, unit: &str, serial: u64, now: DateTime<Utc>) -> Result<String, LoopError> {
    let who = resident::Identified {
        unit: unit.to_string(),
        phone: format!("137{serial:08}"),
    };
    let request = resident::Request {
        request_type: RequestType::Repair,
        choice: "plumbing".into(),
        note: String::new(),
        preferred_time: String::new(),
        callback_phone: format!("137{serial:08}"),
    };
    let ticket = match resident::submit(app, &who, &request, now)? {
        Ok(submitted) => submitted.ticket,
        Err(why) => return Err(LoopError::Refused(format!("{why:?}"))),
    };
    match resident::update(
        app,
        &ticket.ticket_no,
        TicketStatus::Dispatched,
        LOOP_SUPERVISOR,
        "",
        now,
    )? {
        Ok(_) => Ok(format!("ticket {}", ticket.id)),
        Err(why) => Err(LoopError::Refused(format!("{why:?}"))),
    }
}

/// A permit filed by the desk (audited, its slip printed) for today and the next month
/// with a fresh roster of [`LOOP_ROSTER`] workers.
fn loop_permit(app: &App, unit: &str, serial: u64, now: DateTime<Utc>) -> Result<Permit, LoopError> {
    let refused = |why: PermitRejected| LoopError::Refused(format!("{why:?}"));
    let workers = (0..LOOP_ROSTER as u64)
        .map(|k| {
            let name = format!("工人{}", chinese_digits(&format!("{k:02}")));
            permit::parse_worker(app, &format!("{name}:137{:08}", (serial + k) % 100_000_000))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(refused)?;
    let today = now.with_timezone(&app.config.tz()).date_naive();
    let end = today + Duration::days(30);
    let lead = format!("136{serial:08}");
    let form = PermitForm {
        unit: unit.to_string(),
        owner_surname: "赵".into(),
        contractor: "record-loop".into(),
        lead_phone: lead.to_string(),
        start: today,
        end,
        deposit_paid: true,
        workers,
    };
    desk::create_permit(app, LOOP_SUPERVISOR, form, now)?
        .map(|(permit, _)| permit)
        .map_err(refused)
}
