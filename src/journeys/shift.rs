//! Shift handover (值班与交接班): the outgoing staff member closes the shift, and the
//! record lists everything still open (tickets, waiting visitors, people on site,
//! printer faults) with their notes; the incoming staff member acknowledges it with
//! their own PIN. Both steps are audited.

use chrono::{DateTime, Duration, Utc};

use super::staff::{self, Login, Role};
use super::JourneyError;
use crate::app::App;
use crate::domain::mask::mask_name;
use crate::i18n::Lang;
use crate::store::{Handover, HandoverDetail, HandoverItem, HandoverKind, JobState, OnSiteKind};

/// Notes are a few sentences for a colleague, not a report.
pub const NOTES_MAX_CHARS: usize = crate::domain::field::HANDOVER_NOTES.max_chars;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShiftRefused {
    /// `by` is not an active staff account.
    UnknownStaff,
    NotesTooLong,
    /// The notes hold a character no field may (control, invisible, direction, emoji …).
    BadNotes(crate::domain::field::FieldError),
    /// No such handover, or it was acknowledged already.
    NothingToAcknowledge,
    /// The one who wrote the handover cannot also take it over.
    SamePerson,
    /// The PIN matched nobody.
    WrongPin {
        failures: u32,
    },
    Locked {
        until: DateTime<Utc>,
    },
}

/// Who took over, for the screen to continue under their name.
#[derive(Debug, Clone)]
pub struct TakenOver {
    pub handover: Handover,
    pub name: String,
    pub role: Role,
}

/// Everything still open now, as a handover lists it. Names are masked and phone
/// numbers left out: the record outlives the visits it mentions.
pub fn open_items(app: &App, now: DateTime<Utc>) -> Result<Vec<HandoverItem>, JourneyError> {
    let mut items = Vec::new();
    for t in app.with_store(|s| s.tickets(true))? {
        items.push(HandoverItem {
            number: t.ticket_no,
            unit: t.unit_no,
            detail: HandoverDetail::Ticket {
                request_type: t.request_type,
                status: t.status,
            },
            at: Some(t.due_at),
        });
    }
    for v in app.with_store(|s| s.visits_waiting())? {
        items.push(HandoverItem {
            number: v.visit_no,
            unit: v.unit_no,
            detail: HandoverDetail::Waiting {
                name: mask_name(&v.surname),
                held: v.hold_reason.is_some(),
            },
            at: Some(v.created_at),
        });
    }
    for line in staff::roster(app, now)? {
        items.push(HandoverItem {
            number: line.number,
            unit: line.unit,
            // The roster shows a visitor's surname as given; the record keeps it masked.
            detail: HandoverDetail::OnSite {
                who: line.kind,
                name: if line.kind == OnSiteKind::Visitor {
                    mask_name(&line.name)
                } else {
                    line.name
                },
            },
            at: None,
        });
    }
    let since = app
        .with_store(|s| s.last_handover_at())?
        .map_or(now - Duration::hours(24), |at| at.max(now - Duration::hours(24)));
    // The shift's failed jobs that nobody has made good since (a reprint that printed),
    // oldest first.
    let mut faults = app.with_store(|s| s.failed_print_jobs_since(since))?;
    faults.retain(|f| f.state == JobState::Failed);
    for f in faults.into_iter().rev() {
        items.push(HandoverItem {
            number: f.id.to_string(),
            unit: String::new(),
            detail: HandoverDetail::PrintFault {
                slip: f.slip_kind,
                error: f.error.unwrap_or_default(),
            },
            at: Some(f.updated_at),
        });
    }
    Ok(items)
}

/// Closes the shift of `by` with their notes; the record snapshots what is open now.
pub fn close_shift(
    app: &App,
    by: &str,
    notes: &str,
    now: DateTime<Utc>,
) -> Result<Result<Handover, ShiftRefused>, JourneyError> {
    if !is_active_staff(app, by)? {
        return Ok(Err(ShiftRefused::UnknownStaff));
    }
    let notes = match crate::domain::field::clean(&crate::domain::field::HANDOVER_NOTES, notes) {
        Ok(notes) => notes,
        Err(crate::domain::field::FieldError::TooLong { .. }) => return Ok(Err(ShiftRefused::NotesTooLong)),
        Err(why) => return Ok(Err(ShiftRefused::BadNotes(why))),
    };
    // What is open, the handover that lists it and its audit row: one unit of work.
    app.atomic(|| {
        let items = open_items(app, now)?;
        let handover = app.with_store(|s| s.insert_handover(by, &notes, &items, now))?;
        app.store().audit(
            by,
            "shift_close",
            &handover.id.to_string(),
            &format!("{} open", handover.items.len()),
            now,
        )?;
        Ok(Ok(handover))
    })
}

/// Who takes a handover over: a PIN typed on the kiosk's pad (checked here, under the
/// pad's lockout), or an account the command line has already proven with its own PIN
/// (`journeys::staff::prove`).
#[derive(Debug, Clone, Copy)]
pub enum Taker<'a> {
    Pin(&'a str),
    Proven { name: &'a str, role: Role },
}

/// The incoming staff member takes over handover `id`.
pub fn acknowledge(
    app: &App,
    id: i64,
    taker: Taker<'_>,
    now: DateTime<Utc>,
) -> Result<Result<TakenOver, ShiftRefused>, JourneyError> {
    let Some(handover) = app.with_store(|s| s.handover(id))?.filter(|h| h.acked_at.is_none()) else {
        return Ok(Err(ShiftRefused::NothingToAcknowledge));
    };
    let (name, role) = match taker {
        Taker::Proven { name, role } => (name.to_string(), role),
        Taker::Pin(pin_text) => match staff::check_pin(app, pin_text, now)? {
            Login::Ok { name, role } => (name, role),
            Login::Wrong { failures } => return Ok(Err(ShiftRefused::WrongPin { failures })),
            Login::Locked { until } => return Ok(Err(ShiftRefused::Locked { until })),
        },
    };
    if name == handover.closed_by {
        return Ok(Err(ShiftRefused::SamePerson));
    }
    let acked = app.atomic(|| {
        if !app.with_store(|s| s.ack_handover(id, &name, now))? {
            return Ok(false);
        }
        app.store()
            .audit(&name, "shift_ack", &id.to_string(), &handover.closed_by, now)?;
        Ok::<_, JourneyError>(true)
    })?;
    if !acked {
        return Ok(Err(ShiftRefused::NothingToAcknowledge));
    }
    let handover = app.with_store(|s| s.handover(id))?.unwrap_or(handover);
    Ok(Ok(TakenOver { handover, name, role }))
}

fn is_active_staff(app: &App, name: &str) -> Result<bool, JourneyError> {
    Ok(app.with_store(|s| s.staff_by_name(name))?.is_some_and(|s| s.active))
}

/// One item as a line for the screen, the command line or paper.
pub fn item_text(item: &HandoverItem, lang: Lang, tz: chrono_tz::Tz) -> String {
    let time = item
        .at
        .map(|t| t.with_timezone(&tz).format("%m-%d %H:%M").to_string())
        .unwrap_or_default();
    match &item.detail {
        HandoverDetail::Ticket { request_type, status } => format!(
            "{} {} {} · {} · {} {}",
            lang.pick("服务单", "Ticket"),
            item.number,
            item.unit,
            request_type.label(lang),
            status.label(lang),
            format_args!("{}{time}", lang.pick("时限 ", "due ")),
        ),
        HandoverDetail::Waiting { name, held } => format!(
            "{} {} {} {}{}",
            lang.pick("等待确认", "Waiting"),
            item.number,
            item.unit,
            name,
            if *held {
                lang.pick("（限制名单）", " (deny list)")
            } else {
                ""
            }
        ),
        HandoverDetail::OnSite { who, name } => format!(
            "{} {} {} {}",
            match who {
                OnSiteKind::Visitor => lang.pick("在场访客", "Visitor on site"),
                OnSiteKind::Worker => lang.pick("在场施工人员", "Worker on site"),
            },
            item.number,
            item.unit,
            name
        ),
        HandoverDetail::PrintFault { slip, error } => format!(
            "{} #{} {} {} {}",
            lang.pick("打印故障", "Print fault"),
            item.number,
            slip.label(lang),
            time,
            error
        ),
    }
}

/// How many items of each kind, for a heading: (tickets, waiting, on site, faults).
pub fn counts(items: &[HandoverItem]) -> (usize, usize, usize, usize) {
    let n = |k| items.iter().filter(|i| i.kind() == k).count();
    (
        n(HandoverKind::Ticket),
        n(HandoverKind::Waiting),
        n(HandoverKind::OnSite),
        n(HandoverKind::PrintFault),
    )
}
