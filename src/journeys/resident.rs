//! Resident self-service requests: identify without leaking who lives where, record the
//! request as a ticket the desk follows to the end, and say honestly what happens next.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{local_day, print_for, tell_desk, JourneyError, Printing, RecordKind};
use crate::app::App;
use crate::domain::field::{self, FieldError};
use crate::domain::mask::mask_phone;
use crate::domain::phone::parse_mobile;
use crate::domain::request::{find_choice, preferred_time_label, RequestType};
use crate::domain::sla::{breach, due_at, reopening, Breach, Reopening};
use crate::domain::ticket::{can_move, parse_ticket_number, RatedJourney, Satisfaction, TicketStatus};
use crate::domain::token::{self, TokenKind, TokenPayload};
use crate::i18n::Lang;
use crate::notify::{Notice, NoticeKind};
use crate::printing::{Op, Slip, SlipKind};
use crate::store::{HistoryEntry, NewTicket, Ticket};

/// Longest note kept with a request (characters): [`field::TICKET_NOTE`].
pub const MAX_NOTE_CHARS: usize = field::TICKET_NOTE.max_chars;

/// A resident who proved they live there: the unit and the registered phone matched.
#[derive(Debug, Clone)]
pub struct Identified {
    pub unit: String,
    /// The registered phone whose last four digits were given: the default call-back.
    pub phone: String,
}

/// Unit plus the last four digits of a phone registered for it. One answer for an
/// unknown unit and for wrong digits, so nobody can probe who lives where.
pub fn identify(app: &App, unit: &str, last4: &str) -> Result<Option<Identified>, JourneyError> {
    let Ok(unit) = app.unit_format.parse_unit(unit) else {
        return Ok(None);
    };
    let unit = unit.to_string();
    if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let phones = app.store().unit_phones(&unit)?;
    Ok(phones
        .into_iter()
        .find(|p| p.ends_with(last4))
        .map(|phone| Identified { unit, phone }))
}

/// What an identification attempt came to, counted per unit across sessions.
#[derive(Debug, Clone)]
pub enum Identification {
    Identified(Identified),
    /// The one answer for an unknown unit and for wrong digits.
    NotMatched,
    /// The unit had too many wrong attempts lately: not checked at the kiosk until its
    /// cool-down passes; the person is asked to continue at the desk (which was told).
    Locked,
}

/// The unit as the failure count knows it (the directory's form), or `None` for
/// something that is no unit at all (nothing there to probe).
fn unit_key(app: &App, unit: &str) -> Option<String> {
    app.unit_format.parse_unit(unit).ok().map(|u| u.to_string())
}

/// Whether `unit` is in its cool-down after too many wrong attempts.
pub fn unit_locked(app: &App, unit: &str, now: DateTime<Utc>) -> Result<bool, JourneyError> {
    let Some(key) = unit_key(app, unit) else {
        return Ok(false);
    };
    Ok(app.store().identify_tally(&key)?.is_some_and(|t| t.is_locked(now)))
}

/// [`identify`] under the per-unit count of `domain::identify_guard`: a locked unit is
/// not checked at all (the right digits do not get through either), a wrong attempt is
/// counted in the database, and the failure that locks the unit tells the desk in the
/// same transaction. A match forgets the unit's failures.
pub fn identify_guarded(
    app: &App,
    unit: &str,
    last4: &str,
    now: DateTime<Utc>,
) -> Result<Identification, JourneyError> {
    use crate::domain::identify_guard::{after_failure, newly_locked, COOL_DOWN_MINUTES};
    let key = unit_key(app, unit);
    let before = match &key {
        Some(key) => app.store().identify_tally(key)?,
        None => None,
    };
    if before.is_some_and(|t| t.is_locked(now)) {
        return Ok(Identification::Locked);
    }
    if let Some(who) = identify(app, unit, last4)? {
        if before.is_some() {
            app.store().clear_identify_failures(&who.unit)?;
        }
        return Ok(Identification::Identified(who));
    }
    let Some(key) = key else {
        return Ok(Identification::NotMatched);
    };
    let after = after_failure(before, now);
    let notice = newly_locked(before, &after, now).then(|| {
        let notice = Notice::new(
            NoticeKind::IdentifyFailed,
            format!(
                "业主身份核对多次未通过，房号 {key} 暂停自助核对 {COOL_DOWN_MINUTES} 分钟 \
                 Resident identification for unit {key} failed repeatedly; paused for {COOL_DOWN_MINUTES} minutes"
            ),
        )
        .line(format!("连续未通过 Failures in a row: {}", after.failures))
        .line("如有人到前台，请当面核实身份后办理。If someone comes to the desk, please verify them in person.");
        serde_json::to_string(&notice).unwrap_or_default()
    });
    app.store().record_identify_failure(
        &key,
        &after,
        notice
            .as_deref()
            .map(|json| (NoticeKind::IdentifyFailed.as_str(), json)),
        now,
    )?;
    Ok(if after.is_locked(now) {
        Identification::Locked
    } else {
        Identification::NotMatched
    })
}

/// What the resident asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub request_type: RequestType,
    pub choice: String,
    pub note: String,
    pub preferred_time: String,
    pub callback_phone: String,
}

#[derive(Debug, Clone)]
pub struct Submitted {
    pub ticket: Ticket,
    pub printed: Printing,
    /// Received outside office hours: the clock starts at the next opening.
    pub after_hours: bool,
    /// When the desk can first act on it: later today (after a break) or the next
    /// working day, so the promise on screen is honest. `Open` for emergencies.
    pub reopening: Reopening,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRejected {
    Choice,
    Note,
    Phone,
}

/// Records a request: ticket, history, a notice to the desk (urgent for emergencies, at
/// any hour), and the slip: one unit of work, the slip sent once it is committed.
pub fn submit(
    app: &App,
    who: &Identified,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Result<Submitted, RequestRejected>, JourneyError> {
    let submitted = app.atomic(|| submit_in_unit(app, who, request, now))?;
    Ok(submitted.map(|mut s| {
        s.printed = app.resolve(s.printed);
        s
    }))
}

fn submit_in_unit(
    app: &App,
    who: &Identified,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Result<Submitted, RequestRejected>, JourneyError> {
    let t = request.request_type;
    if find_choice(t, &request.choice).is_none() {
        return Ok(Err(RequestRejected::Choice));
    }
    let Ok(note) = field::clean(&field::TICKET_NOTE, &request.note) else {
        return Ok(Err(RequestRejected::Note));
    };
    let Ok(phone) = parse_mobile(&request.callback_phone) else {
        return Ok(Err(RequestRejected::Phone));
    };
    let tz = app.config.tz();
    let policy = &app.config.requests;
    let reopening = if t.is_emergency() {
        Reopening::Open
    } else {
        reopening(policy, now, tz)
    };
    let after_hours = reopening != Reopening::Open;
    let new = NewTicket {
        unit_no: who.unit.clone(),
        request_type: t,
        choice: request.choice.clone(),
        note,
        preferred_time: request.preferred_time.chars().take(20).collect(),
        callback_phone: phone.as_str().to_string(),
        urgent: t.is_emergency(),
        due_at: due_at(policy, t, now, tz),
    };
    let ticket = app.store().insert_ticket(&new, now, &local_day(app, now))?;
    let lang = Lang::Zh;
    let choice = find_choice(t, &ticket.choice).map_or("", |c| c.label(lang));
    let title = if t.is_emergency() {
        "紧急报修 Emergency repair"
    } else {
        "业主服务请求 Resident request"
    };
    let kind = if t.is_emergency() {
        NoticeKind::EmergencyRequest
    } else {
        NoticeKind::Request
    };
    let mut notice = Notice::new(kind, title)
        .line(format!("{} · {}", ticket.ticket_no, ticket.unit_no))
        .line(format!("{} · {}", t.label(lang), choice))
        .line(format!("回电 Call back: {}", mask_phone(&ticket.callback_phone)))
        .urgent(t.is_emergency());
    if !ticket.note.is_empty() {
        notice = notice.line(format!("留言 Note: {}", ticket.note));
    }
    tell_desk(app, &notice, now)?;
    let printed = print_for(app, &ticket_slip(app, &ticket)?, RecordKind::Ticket, ticket.id, now)?;
    Ok(Ok(Submitted {
        ticket,
        printed,
        after_hours,
        reopening,
    }))
}

/// The ticket's slip: number, type, when to expect a response, a QR to check status.
pub fn ticket_slip(app: &App, ticket: &Ticket) -> Result<Slip, JourneyError> {
    let lang = app.lang();
    let t = ticket.request_type;
    let field = |zh: &str, en: &str, value: String| Op::Field {
        label: lang.pick(zh, en).to_string(),
        value,
    };
    let local = |at: DateTime<Utc>| crate::domain::day::local_minute(at, app.config.tz());
    let token = token::sign(
        &app.keys.signing,
        &TokenPayload {
            kind: TokenKind::Ticket,
            id: ticket.id as u64,
            unit: ticket.unit_no.clone(),
            valid_from: ticket.received_at - chrono::Duration::minutes(1),
            valid_until: ticket.received_at + chrono::Duration::days(365),
            key_id: app.keys.signing.key_id(),
        },
    )?;
    let mut ops = vec![
        Op::Title(app.config.compound_title(lang)),
        Op::Heading(lang.pick("业主服务回执", "Request receipt").to_string()),
        Op::Divider,
        field("单号", "Ticket", ticket.ticket_no.clone()),
        field("房号", "Unit", ticket.unit_no.clone()),
        field("类型", "Type", t.label(lang).to_string()),
        field(
            "内容",
            "About",
            find_choice(t, &ticket.choice).map_or(String::new(), |c| c.label(lang).to_string()),
        ),
        field("登记时间", "Received", local(ticket.received_at)),
        field("预计响应", "Response by", local(ticket.due_at)),
        field("回电号码", "Call back", mask_phone(&ticket.callback_phone)),
    ];
    // What the resident asked for in their own words, and when it suits them.
    if !ticket.preferred_time.is_empty() && !t.is_emergency() {
        ops.push(field(
            "希望处理时间",
            "Preferred time",
            preferred_time_label(&ticket.preferred_time, lang),
        ));
    }
    if !ticket.note.trim().is_empty() {
        ops.push(Op::Text(format!(
            "{}{}",
            lang.pick("补充说明：", "Note: "),
            ticket.note.trim()
        )));
    }
    ops.push(Op::Divider);
    if ticket.urgent {
        ops.push(Op::Text(format!(
            "{}{}",
            lang.pick("值班电话：", "On-duty phone: "),
            app.config.requests.on_duty_phone()
        )));
    }
    ops.extend([
        Op::Qr(token),
        Op::Centered(
            lang.pick(
                "扫描二维码可在大堂终端查询进度",
                "Scan at the lobby kiosk to check progress",
            )
            .to_string(),
        ),
        Op::Centered(format!(
            "{} {}",
            lang.pick("客服热线", "Hotline"),
            app.config.compound.hotline
        )),
        Op::Centered(
            lang.pick(
                "我们会跟进到底，祝您生活愉快！",
                "We will follow it through. Have a pleasant day!",
            )
            .to_string(),
        ),
        Op::Feed(1),
        Op::Cut,
    ]);
    Ok(Slip {
        kind: SlipKind::Ticket,
        ops,
    })
}

/// A ticket as the resident may see it, with its timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub ticket: Ticket,
    pub history: Vec<HistoryEntry>,
    pub breach: String,
}

/// Status by ticket number plus the call-back phone's last four digits (the same
/// answer for an unknown number and wrong digits), or by a scanned ticket slip.
pub fn lookup(
    app: &App,
    number_or_token: &str,
    last4: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Status>, JourneyError> {
    let text = number_or_token.trim();
    let ticket = if text.starts_with(token::PREFIX) {
        match token::verify(text, &app.keys.ring(), now, |_, _| false) {
            Ok(p) if p.kind == TokenKind::Ticket => app.store().ticket(p.id as i64)?,
            _ => None,
        }
    } else {
        let number = normalise_ticket_number(text);
        let found = app.store().ticket_by_no(&number)?;
        found.filter(|t| last4.is_some_and(|d| d.len() == 4 && t.callback_phone.ends_with(d)))
    };
    let Some(ticket) = ticket else { return Ok(None) };
    let history = app.store().ticket_history(ticket.id)?;
    let b = match breach(ticket.due_at, ticket.responded_at, now) {
        Breach::OnTime => "on_time",
        Breach::Late { .. } => "late",
        Breach::Pending { .. } => "pending",
        Breach::Overdue { .. } => "overdue",
    };
    Ok(Some(Status {
        ticket,
        history,
        breach: b.to_string(),
    }))
}

/// `R20261127-0007` from what a keypad can type (`202611270007`) or the printed form.
pub fn normalise_ticket_number(text: &str) -> String {
    let upper = text.trim().to_uppercase();
    // A fleet kiosk's numbers carry its record prefix (A-R20261203-0001): keep it.
    let (prefix, rest) = match upper.split_once('-') {
        Some((p, r))
            if p.len() <= 4 && !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()) && r.starts_with('R') =>
        {
            (format!("{p}-"), r)
        }
        _ => (String::new(), upper.as_str()),
    };
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 12 {
        let candidate = format!("R{}-{}", &digits[..8], &digits[8..]);
        if parse_ticket_number(&candidate).is_some() {
            return format!("{prefix}{candidate}");
        }
    }
    upper
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateRefused {
    Unknown,
    NotAllowed {
        from: TicketStatus,
        to: TicketStatus,
    },
    /// The note does not pass [`field::STATUS_NOTE`].
    Note(FieldError),
    /// A cancellation must say why (the reason stays on the ticket's history).
    NeedsReason,
}

/// The desk moves a ticket along its lifecycle; every change is stamped and kept.
pub fn update(
    app: &App,
    ticket_no: &str,
    to: TicketStatus,
    staff: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Result<Ticket, UpdateRefused>, JourneyError> {
    let note = match field::clean(&field::STATUS_NOTE, note) {
        Ok(note) => note,
        Err(why) => return Ok(Err(UpdateRefused::Note(why))),
    };
    if to == TicketStatus::Cancelled && note.is_empty() {
        return Ok(Err(UpdateRefused::NeedsReason));
    }
    let Some(ticket) = app.store().ticket_by_no(&normalise_ticket_number(ticket_no))? else {
        return Ok(Err(UpdateRefused::Unknown));
    };
    let from = ticket.status;
    if !can_move(from, to) {
        return Ok(Err(UpdateRefused::NotAllowed { from, to }));
    }
    let closes = !to.is_open();
    // The change, its history line and its audit row are one unit of work.
    app.atomic(|| {
        app.store()
            .set_ticket_status(ticket.id, to, staff, &note, closes, now)?;
        app.store()
            .audit(staff, "ticket_update", &ticket.ticket_no, to.as_str(), now)
    })?;
    Ok(Ok(app.store().ticket(ticket.id)?.unwrap_or(ticket)))
}

/// One tap at the end of a journey: 满意 / 基本满意 / 不满意.
pub fn rate(
    app: &App,
    journey: RatedJourney,
    record_id: Option<i64>,
    rating: Satisfaction,
    now: DateTime<Utc>,
) -> Result<(), JourneyError> {
    app.store().record_satisfaction(journey, record_id, rating, now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keypad_ticket_numbers_are_normalised() {
        assert_eq!(normalise_ticket_number("202611270007"), "R20261127-0007");
        assert_eq!(normalise_ticket_number(" r20261127-0007 "), "R20261127-0007");
        assert_eq!(normalise_ticket_number("12345"), "12345");
        // A fleet kiosk's record prefix stays.
        assert_eq!(normalise_ticket_number(" a-r20261127-0007"), "A-R20261127-0007");
        assert_eq!(normalise_ticket_number("B-R 2026 1127 0007"), "B-R20261127-0007");
    }
}
