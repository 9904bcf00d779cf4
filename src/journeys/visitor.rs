//! Visitor registration: the desk's script ("whom are you visiting? an appointment?
//! your surname? please wait a moment while I contact them") done by the kiosk.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::visitor_slip::visitor_slip;
use super::{local_day, print_for, tell_desk, JourneyError, Printing, RecordKind};
use crate::app::App;
use crate::domain::mask::{mask_name, mask_phone};
use crate::domain::phone::parse_mobile;
use crate::domain::token::{self, TokenKind, TokenPayload};
use crate::domain::visitor::{clean_company, clean_surname, visit_valid_until, VisitorType, MAX_PARTY};
use crate::notify::{Notice, NoticeKind};
use crate::store::{Invite, NewInvite, NewVisit, SignOutKind, Visit, VisitStatus};

/// What the person typed, checked again here (the UI is not trusted).
#[derive(Debug, Clone)]
pub struct WalkIn {
    pub unit: String,
    pub surname: String,
    pub phone: String,
    pub visitor_type: VisitorType,
    pub party_size: u32,
    pub company: String,
}

/// Why a registration was not recorded; each has its polite answer on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    UnitFormat,
    UnitNotFound,
    Phone,
    Surname,
    Company,
    PartySize,
}

/// The outcome of a registration.
#[derive(Debug, Clone)]
pub enum Registered {
    /// Let in at once (an auto-approved type); `printed` says whether the slip came out.
    Approved {
        visit: Visit,
        printed: Printing,
    },
    /// Waiting for the host; the desk has been told.
    Waiting(Visit),
    /// On the deny list: held for the desk. The visitor sees the same waiting screen.
    Held(Visit),
    Rejected(Rejected),
}

/// A phone number seen before: offer "王* 138****5678 — is this you?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returning {
    pub surname: String,
    pub masked_name: String,
    pub masked_phone: String,
}

/// Normalises a unit number and checks it against the directory.
pub fn check_unit(app: &App, input: &str) -> Result<Result<String, Rejected>, JourneyError> {
    let Ok(unit) = app.unit_format.parse_unit(input) else {
        return Ok(Err(Rejected::UnitFormat));
    };
    let unit = unit.to_string();
    Ok(if app.store().unit_exists(&unit)? {
        Ok(unit)
    } else {
        Err(Rejected::UnitNotFound)
    })
}

/// The surname of the last visit by this phone, masked for the screen.
pub fn returning_visitor(app: &App, phone: &str) -> Result<Option<Returning>, JourneyError> {
    let Ok(mobile) = parse_mobile(phone) else {
        return Ok(None);
    };
    Ok(app
        .store()
        .last_surname_by_phone(mobile.as_str())?
        .map(|surname| Returning {
            masked_name: mask_name(&surname),
            masked_phone: mobile.masked(),
            surname,
        }))
}

/// Records a walk-in visitor: held if on the deny list, let in at once if the type is
/// auto-approved, otherwise waiting for the host with the desk told.
/// The visit, its notice for the desk and its slip's print job are one unit of work.
pub fn register(app: &App, walk_in: &WalkIn, now: DateTime<Utc>) -> Result<Registered, JourneyError> {
    Ok(match app.atomic(|| register_in_unit(app, walk_in, now))? {
        Registered::Approved { visit, printed } => Registered::Approved {
            visit,
            printed: app.resolve(printed),
        },
        other => other,
    })
}

fn register_in_unit(app: &App, walk_in: &WalkIn, now: DateTime<Utc>) -> Result<Registered, JourneyError> {
    let unit = match check_unit(app, &walk_in.unit)? {
        Ok(unit) => unit,
        Err(why) => return Ok(Registered::Rejected(why)),
    };
    let Ok(phone) = parse_mobile(&walk_in.phone) else {
        return Ok(Registered::Rejected(Rejected::Phone));
    };
    let Some(surname) = clean_surname(&walk_in.surname) else {
        return Ok(Registered::Rejected(Rejected::Surname));
    };
    let Some(company) = clean_company(&walk_in.company) else {
        return Ok(Registered::Rejected(Rejected::Company));
    };
    if !(1..=MAX_PARTY).contains(&walk_in.party_size) {
        return Ok(Registered::Rejected(Rejected::PartySize));
    }
    let hold_reason = app.store().denied_reason(phone.as_str())?;
    let auto = app.config.visitor.auto_approve.contains(&walk_in.visitor_type);
    let status = match (&hold_reason, auto) {
        (Some(_), _) => VisitStatus::Held,
        (None, true) => VisitStatus::Approved,
        (None, false) => VisitStatus::Waiting,
    };
    let new = NewVisit {
        unit_no: unit,
        surname,
        phone: phone.as_str().to_string(),
        visitor_type: walk_in.visitor_type,
        party_size: walk_in.party_size,
        company,
        invite_id: None,
        status,
        hold_reason: hold_reason.clone(),
        valid_until: (status == VisitStatus::Approved).then(|| valid_until(app, now)),
        decided_by: (status == VisitStatus::Approved).then(|| "auto".to_string()),
        lang: Some(app.lang()),
    };
    let visit = app.store().insert_visit(&new, now, &local_day(app, now))?;
    match status {
        VisitStatus::Held => {
            let notice = desk_notice(app, NoticeKind::VisitorHeld, &visit)
                .line(format!("原因 Reason: {}", hold_reason.unwrap_or_default()))
                .urgent(true);
            tell_desk(app, &notice, now)?;
            Ok(Registered::Held(visit))
        }
        VisitStatus::Approved => {
            let printed = print_visit_slip(app, &visit, now)?;
            Ok(Registered::Approved { visit, printed })
        }
        _ => {
            tell_desk(app, &desk_notice(app, NoticeKind::VisitorWaiting, &visit), now)?;
            Ok(Registered::Waiting(visit))
        }
    }
}

/// What checking in with an invite code came to.
#[derive(Debug, Clone)]
pub enum InviteOutcome {
    CheckedIn {
        visit: Visit,
        printed: Printing,
    },
    /// No open invite has this code.
    Unknown,
    /// The invite is for other dates.
    NotToday {
        from: NaiveDate,
        until: NaiveDate,
    },
    /// The invited phone is on the deny list: held like a walk-in.
    Held(Visit),
}

/// Checks in a pre-registered visitor by code: no further typing, the slip prints, the
/// host is told.
/// The visit, its slip's print job and the notice for the desk are one unit of work.
pub fn check_in_invite(app: &App, code: &str, now: DateTime<Utc>) -> Result<InviteOutcome, JourneyError> {
    Ok(match app.atomic(|| check_in_invite_in_unit(app, code, now))? {
        InviteOutcome::CheckedIn { visit, printed } => InviteOutcome::CheckedIn {
            visit,
            printed: app.resolve(printed),
        },
        other => other,
    })
}

fn check_in_invite_in_unit(app: &App, code: &str, now: DateTime<Utc>) -> Result<InviteOutcome, JourneyError> {
    let code = code.trim();
    let found = if code.starts_with(token::PREFIX) {
        invite_from_token(app, code, now)?
    } else {
        app.store().open_invite(code)?
    };
    let Some(invite) = found else {
        return Ok(InviteOutcome::Unknown);
    };
    let today = now.with_timezone(&app.config.tz()).date_naive();
    if today < invite.valid_from || today > invite.valid_until {
        return Ok(InviteOutcome::NotToday {
            from: invite.valid_from,
            until: invite.valid_until,
        });
    }
    let hold_reason = app.store().denied_reason(&invite.phone)?;
    let status = if hold_reason.is_some() {
        VisitStatus::Held
    } else {
        VisitStatus::Approved
    };
    let new = NewVisit {
        unit_no: invite.unit_no.clone(),
        surname: invite.surname.clone(),
        phone: invite.phone.clone(),
        visitor_type: VisitorType::Guest,
        party_size: 1,
        company: String::new(),
        invite_id: Some(invite.id),
        status,
        hold_reason: hold_reason.clone(),
        valid_until: (status == VisitStatus::Approved).then(|| valid_until(app, now)),
        decided_by: (status == VisitStatus::Approved).then(|| format!("invite {}", invite.created_by)),
        lang: Some(app.lang()),
    };
    let visit = app.store().insert_visit(&new, now, &local_day(app, now))?;
    if status == VisitStatus::Held {
        let notice = desk_notice(app, NoticeKind::VisitorHeld, &visit)
            .line(format!("原因 Reason: {}", hold_reason.unwrap_or_default()))
            .urgent(true);
        tell_desk(app, &notice, now)?;
        return Ok(InviteOutcome::Held(visit));
    }
    let printed = print_visit_slip(app, &visit, now)?;
    // Already let in by the invitation: the desk is told, not asked.
    let notice = desk_notice_titled(
        app,
        NoticeKind::VisitorWaiting,
        "预约访客已到达，已按预约放行 Invited visitor arrived and was let in",
        &visit,
    )
    .line("预约访客已到达 Invited visitor has arrived");
    tell_desk(app, &notice, now)?;
    Ok(InviteOutcome::CheckedIn { visit, printed })
}

/// The decision on a waiting visit. On approval the slip prints. `None` if the visit was
/// not waiting. The desk (dashboard and command line) comes in through
/// `desk::decide_visit`, which audits it.
pub fn decide(
    app: &App,
    id: i64,
    approve: bool,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Visit, Printing)>, JourneyError> {
    if expired_on(app, id, now)?.is_some() {
        return Ok(None);
    }
    let decided = app.atomic(|| {
        let Some(visit) = app.store().decide_visit(id, approve, by, now, valid_until(app, now))? else {
            return Ok::<_, JourneyError>(None);
        };
        let printed = if approve {
            print_visit_slip(app, &visit, now)?
        } else {
            Printing::Failed
        };
        Ok(Some((visit, printed)))
    })?;
    Ok(decided.map(|(visit, printed)| (visit, app.resolve(printed))))
}

/// Expires every visit still waiting from an earlier day (nobody decided it by the end
/// of its day); run by the kiosk's minute tick and before any list of waiting visits.
pub fn expire_stale(app: &App, now: DateTime<Utc>) -> Result<usize, JourneyError> {
    let start = crate::domain::day::day_start(now, app.config.tz());
    Ok(app.store().expire_waiting_visits(start, now)?)
}

/// The minute's sweep of visits past their time: visitors whose slips expired are
/// signed out (flagged for the desk), and waiting visits nobody decided by the end of
/// their day expire. The kiosk's minute tick and `visit list` run this one path.
pub fn sweep_expired(app: &App, now: DateTime<Utc>) -> Result<(), JourneyError> {
    // Each runs even when the other fails.
    let signed_out = app.store().sign_out_expired_visits(now).map_err(JourneyError::from);
    let expired = expire_stale(app, now);
    signed_out.and(expired).map(|_| ())
}

/// The local day of a visit that has expired (or does so now, being still undecided
/// from an earlier day); `None` for any other visit.
pub fn expired_on(app: &App, id: i64, now: DateTime<Utc>) -> Result<Option<chrono::NaiveDate>, JourneyError> {
    let Some(visit) = app.store().visit(id)? else {
        return Ok(None);
    };
    let tz = app.config.tz();
    let day = visit.created_at.with_timezone(&tz).date_naive();
    let undecided = matches!(visit.status, VisitStatus::Waiting | VisitStatus::Held);
    if undecided && crate::domain::day::waiting_expired(visit.created_at, now, tz) {
        expire_stale(app, now)?;
        return Ok(Some(day));
    }
    Ok((visit.status == VisitStatus::Expired).then_some(day))
}

/// Prints (or reprints) an approved visit's slip; the same visit, never a second one.
pub fn print_visit_slip(app: &App, visit: &Visit, now: DateTime<Utc>) -> Result<Printing, JourneyError> {
    let token = visit_token(app, visit)?;
    let slip = visitor_slip(app, visit, &token);
    print_for(app, &slip, RecordKind::Visit, visit.id, now)
}

/// The signed token in a visit slip's QR code.
pub fn visit_token(app: &App, visit: &Visit) -> Result<String, JourneyError> {
    let payload = TokenPayload {
        kind: TokenKind::Visit,
        id: visit.id as u64,
        unit: visit.unit_no.clone(),
        valid_from: visit.decided_at.unwrap_or(visit.created_at),
        valid_until: visit.valid_until.unwrap_or(visit.created_at),
        key_id: app.keys.signing.key_id(),
    };
    Ok(token::sign(&app.keys.signing, &payload)?)
}

/// What scanning a visitor slip at the kiosk ("离开登记") came to.
#[derive(Debug, Clone)]
pub enum SignOut {
    SignedOut(Box<Visit>),
    /// Already signed out (or never let in): nothing to do, said kindly.
    NotOnSite,
    /// Not a slip this kiosk can read (bad signature, another compound, expired long ago).
    Invalid,
}

/// Records a visitor leaving by their slip's token. An expired slip still signs out
/// (people leave late); only the signature must be good.
pub fn sign_out_by_token(app: &App, token_text: &str, now: DateTime<Utc>) -> Result<SignOut, JourneyError> {
    let ring = app.keys.ring();
    // The validity window is not checked here: a visitor leaving late still signs out.
    let payload = match token::verify(token_text, &ring, now, |_, _| false) {
        Ok(p) => p,
        Err(token::VerifyError::Expired { .. }) => {
            // Verify again "at" the slip's last valid minute to read it.
            match token::verify(token_text, &ring, now - chrono::Duration::days(3), |_, _| false) {
                Ok(p) => p,
                Err(_) => return Ok(SignOut::Invalid),
            }
        }
        Err(_) => return Ok(SignOut::Invalid),
    };
    if payload.kind != TokenKind::Visit {
        return Ok(SignOut::Invalid);
    }
    let id = payload.id as i64;
    if app.store().sign_out_visit(id, SignOutKind::Scan, now)? {
        Ok(app
            .store()
            .visit(id)?
            .map_or(SignOut::NotOnSite, |v| SignOut::SignedOut(Box::new(v))))
    } else {
        Ok(SignOut::NotOnSite)
    }
}

/// An invite created by staff or at a resident's request.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedInvite {
    pub code: String,
    /// What the invite's QR code carries: a signed token like every other slip's (the
    /// scanner routes it to the check-in); the bare code still works when typed.
    pub qr_text: String,
    pub unit: String,
    pub visitor: String,
    pub phone: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRejected {
    Unit(Rejected),
    Phone,
    Surname,
    Dates,
}

/// What staff (or a resident's request) give to pre-register a visitor.
#[derive(Debug, Clone)]
pub struct InviteRequest<'a> {
    pub unit: &'a str,
    pub surname: &'a str,
    pub phone: &'a str,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub by: &'a str,
}

/// Creates an invite with a fresh 6-digit code, unique among open invites.
pub fn create_invite(
    app: &App,
    request: &InviteRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Result<CreatedInvite, InviteRejected>, JourneyError> {
    let InviteRequest {
        unit,
        surname,
        phone,
        from,
        until,
        by,
    } = *request;
    let unit = match check_unit(app, unit)? {
        Ok(u) => u,
        Err(why) => return Ok(Err(InviteRejected::Unit(why))),
    };
    let Ok(mobile) = parse_mobile(phone) else {
        return Ok(Err(InviteRejected::Phone));
    };
    let Some(surname) = clean_surname(surname) else {
        return Ok(Err(InviteRejected::Surname));
    };
    let today = now.with_timezone(&app.config.tz()).date_naive();
    if until < from || until < today || (until - from).num_days() > 31 {
        return Ok(Err(InviteRejected::Dates));
    }
    let new = NewInvite {
        unit_no: unit,
        surname,
        phone: mobile.as_str().to_string(),
        valid_from: from,
        valid_until: until,
        created_by: by.to_string(),
    };
    for _ in 0..50 {
        let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
        // The invite and its audit row are one unit of work.
        let filed = app.atomic(|| {
            let invite = app.with_store(|s| s.insert_invite(&new, &code, now))?;
            let detail = format!("{} {}", invite.unit_no, invite.valid_from);
            app.store().audit(by, "invite_create", &invite.code, &detail, now)?;
            Ok::<_, crate::store::StoreError>(invite)
        });
        match filed {
            Ok(invite) => return Ok(Ok(created(app, &invite)?)),
            Err(crate::store::StoreError::CodeTaken) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(crate::store::StoreError::CodeTaken.into())
}

fn created(app: &App, invite: &Invite) -> Result<CreatedInvite, JourneyError> {
    Ok(CreatedInvite {
        code: invite.code.clone(),
        qr_text: invite_token(app, invite)?,
        unit: invite.unit_no.clone(),
        visitor: mask_name(&invite.surname),
        phone: mask_phone(&invite.phone),
        valid_from: invite.valid_from,
        valid_until: invite.valid_until,
    })
}

/// The signed token in an invite's QR code: valid over the invite's days (local time,
/// with a day's slack either side; the check-in judges the dates itself).
pub fn invite_token(app: &App, invite: &Invite) -> Result<String, JourneyError> {
    let start = invite.valid_from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let end = invite.valid_until.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let payload = TokenPayload {
        kind: TokenKind::Invite,
        id: invite.id as u64,
        unit: invite.unit_no.clone(),
        valid_from: start - chrono::Duration::days(1),
        valid_until: end + chrono::Duration::days(2),
        key_id: app.keys.signing.key_id(),
    };
    Ok(token::sign(&app.keys.signing, &payload)?)
}

/// The open invite a scanned invite token names, if the token verifies.
fn invite_from_token(app: &App, text: &str, now: DateTime<Utc>) -> Result<Option<Invite>, JourneyError> {
    let ring = app.keys.ring();
    match token::verify(text, &ring, now, |_, _| false) {
        Ok(p) if p.kind == TokenKind::Invite => Ok(app.store().open_invite_by_id(p.id as i64)?),
        _ => Ok(None),
    }
}

fn valid_until(app: &App, now: DateTime<Utc>) -> DateTime<Utc> {
    visit_valid_until(now, app.config.tz(), app.config.visitor.validity())
}

/// The desk's message about a visit: masked, so a chat group never holds a full number.
fn desk_notice(app: &App, kind: NoticeKind, visit: &Visit) -> Notice {
    let title = match kind {
        NoticeKind::VisitorHeld => "访客需前台处理 Visitor held for the desk",
        _ => "访客等待确认 Visitor waiting for approval",
    };
    desk_notice_titled(app, kind, title, visit)
}

pub(super) fn desk_notice_titled(app: &App, kind: NoticeKind, title: &str, visit: &Visit) -> Notice {
    let lang = crate::i18n::Lang::Zh;
    let kind_label = visit.visitor_type.label(lang);
    Notice::new(kind, title)
        .line(format!("{} · {}", app.config.compound.name, visit.visit_no))
        .line(format!("房号 Unit: {}", visit.unit_no))
        .line(format!(
            "访客 Visitor: {} {}",
            mask_name(&visit.surname),
            mask_phone(&visit.phone)
        ))
        .line(format!("{} · {} 人", kind_label, visit.party_size))
}
