//! Renovation worker passes (临时出入证): issued only to workers of a filed renovation
//! (装修备案), only inside the compound's renovation hours, one per worker per work
//! window (the morning's, the afternoon's; the whole day under `end_of_day`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub use super::worker_slip::hours_text;
use super::worker_slip::{pass_slip, permit_slip};
use super::{print_for, tell_desk, JourneyError, Printing, RecordKind};
use crate::app::App;
use crate::domain::hours::{may_issue, windows_for, Refusal};
use crate::domain::mask::{mask_name, mask_phone};
use crate::domain::phone::parse_mobile;
use crate::domain::token::{self, TokenKind, TokenPayload, VerifyError};
use crate::notify::{Notice, NoticeKind};
use crate::store::{Pass, Permit, PermitStatus, StoreError, Worker};

/// Why a pass was not issued; each has its polite answer from the manual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassRefused {
    /// No permit with that code (or a scanned permit QR that does not verify).
    UnknownPermit,
    /// Suspended, revoked or finished.
    PermitNotActive(PermitStatus),
    /// Today is outside the permit's dates.
    OutsideDates { start: NaiveDate, end: NaiveDate },
    /// Outside renovation hours (explain the hours; the neighbours are resting).
    OutsideHours(Refusal),
    /// Not on the roster: held for the desk, who has been told.
    NotOnRoster,
    /// The renovation deposit has not been paid.
    DepositUnpaid,
    /// One of the worker's passes today was revoked by the desk.
    PassRevoked,
}

#[derive(Debug, Clone)]
pub enum PassOutcome {
    Issued(Box<Issued>),
    Refused(PassRefused),
}

/// A pass handed out (or handed out again: `reprint`).
#[derive(Debug, Clone)]
pub struct Issued {
    pub pass: Pass,
    pub permit: Permit,
    pub worker: Worker,
    pub printed: Printing,
    pub reprint: bool,
}

/// Finds a permit from a typed code or a scanned permit slip's token.
pub fn find_permit(app: &App, code_or_token: &str, now: DateTime<Utc>) -> Result<Option<Permit>, JourneyError> {
    let text = code_or_token.trim();
    if text.starts_with(token::PREFIX) {
        let ring = app.keys.ring();
        return match token::verify(text, &ring, now, |_, _| false) {
            Ok(p) if p.kind == TokenKind::Permit => Ok(app.store().permit(p.id as i64)?),
            _ => Ok(None),
        };
    }
    Ok(app.store().permit_by_code(text)?)
}

/// The roster as the screen shows it: masked names ("张*明"), in filing order.
pub fn roster(permit: &Permit) -> Vec<(i64, String)> {
    permit.workers.iter().map(|w| (w.id, mask_name(&w.name))).collect()
}

/// Who is asking: a roster entry tapped on screen, or a phone typed.
#[derive(Debug, Clone)]
pub enum WhoAsks {
    WorkerId(i64),
    Phone(String),
}

/// Every check, in the manual's order, then the pass (or this work window's pass again).
/// The pass and its slip's print job (or the desk's notice) are one unit of work.
pub fn issue_pass(app: &App, permit: &Permit, who: &WhoAsks, now: DateTime<Utc>) -> Result<PassOutcome, JourneyError> {
    Ok(match app.atomic(|| issue_pass_in_unit(app, permit, who, now))? {
        PassOutcome::Issued(mut issued) => {
            issued.printed = app.resolve(issued.printed);
            PassOutcome::Issued(issued)
        }
        refused => refused,
    })
}

fn issue_pass_in_unit(
    app: &App,
    permit: &Permit,
    who: &WhoAsks,
    now: DateTime<Utc>,
) -> Result<PassOutcome, JourneyError> {
    let refused = |r| Ok(PassOutcome::Refused(r));
    if permit.status != PermitStatus::Active {
        return refused(PassRefused::PermitNotActive(permit.status));
    }
    let tz = app.config.tz();
    let local = now.with_timezone(&tz);
    let today = local.date_naive();
    if today < permit.start_date || today > permit.end_date {
        return refused(PassRefused::OutsideDates {
            start: permit.start_date,
            end: permit.end_date,
        });
    }
    let window = match may_issue(&app.config.renovation, local) {
        Ok(w) => w,
        Err(why) => return refused(PassRefused::OutsideHours(why)),
    };
    let worker = match who {
        WhoAsks::WorkerId(id) => permit.workers.iter().find(|w| w.id == *id),
        WhoAsks::Phone(phone) => {
            let number = parse_mobile(phone).map(|m| m.as_str().to_string()).unwrap_or_default();
            permit.workers.iter().find(|w| w.phone == number)
        }
    };
    let Some(worker) = worker.cloned() else {
        let shown = match who {
            WhoAsks::Phone(p) => mask_phone(p),
            WhoAsks::WorkerId(_) => String::new(),
        };
        let notice = Notice::new(NoticeKind::Request, "施工人员不在备案名单 Worker not on the roster")
            .line(format!("{} · {} · {}", permit.code, permit.unit_no, permit.contractor))
            .line(format!("来人 Caller: {shown}"));
        tell_desk(app, &notice, now)?;
        return refused(PassRefused::NotOnRoster);
    };
    if !permit.deposit_paid {
        return refused(PassRefused::DepositUnpaid);
    }
    if app.store().pass_revoked_on(worker.id, today)? {
        return refused(PassRefused::PassRevoked);
    }
    let (from, until) = (window.from.with_timezone(&Utc), window.until.with_timezone(&Utc));
    let key = window.window.key();
    let (pass, fresh) = app
        .store()
        .issue_pass(permit.id, worker.id, today, &key, from, until, now)?;
    let printed = print_pass(app, &pass, permit, &worker, now)?;
    Ok(PassOutcome::Issued(Box::new(Issued {
        pass,
        permit: permit.clone(),
        worker,
        printed,
        reprint: !fresh,
    })))
}

/// Prints (or reprints) a pass slip: the same pass, the same token.
pub fn print_pass(
    app: &App,
    pass: &Pass,
    permit: &Permit,
    worker: &Worker,
    now: DateTime<Utc>,
) -> Result<Printing, JourneyError> {
    let token = pass_token(app, pass, permit)?;
    let slip = pass_slip(app, pass, permit, worker, &token);
    print_for(app, &slip, RecordKind::Pass, pass.id, now)
}

pub fn pass_token(app: &App, pass: &Pass, permit: &Permit) -> Result<String, JourneyError> {
    let payload = TokenPayload {
        kind: TokenKind::Pass,
        id: pass.id as u64,
        unit: permit.unit_no.clone(),
        valid_from: pass.valid_from,
        valid_until: pass.valid_until,
        key_id: app.keys.signing.key_id(),
    };
    Ok(token::sign(&app.keys.signing, &payload)?)
}

/// What a guard (or the kiosk's home page) learns from a pass QR.
#[derive(Debug, Clone, Serialize)]
pub struct PassCheck {
    pub valid: bool,
    /// bad_signature, unknown_key, not_yet_valid, expired, revoked, malformed, not_a_pass
    pub reason: Option<String>,
    pub pass_no: Option<String>,
    pub unit: Option<String>,
    pub worker: Option<String>,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub pass_id: Option<i64>,
}

/// Verifies a pass token at `at`: signature first, then the validity window, then the
/// revocation list (the pass itself, or its permit no longer active).
pub fn verify_pass(app: &App, token_text: &str, at: DateTime<Utc>) -> Result<PassCheck, JourneyError> {
    // This kiosk's keys, then, in a fleet, each other kiosk's key with the token's id
    // (pulled from the central database), so a pass printed at one gate verifies at the
    // others. Key ids are random per kiosk (2–255): two kiosks of a compound can share
    // one, so a key that does not match is not the end; the one whose signature matches
    // names the kiosk that printed the pass.
    let text = token_text.trim_end_matches(['\r', '\n']);
    let mut result = token::verify(text, &app.keys.ring(), at, |_, _| false);
    let mut from: Option<String> = None;
    if matches!(result, Err(VerifyError::UnknownKey { .. } | VerifyError::BadSignature)) {
        for (kiosk, key_id, hex) in app.store().fleet_keys()? {
            let Ok(ring) = crate::domain::token::KeyRing::parse_public(&format!("{key_id} {hex}")) else {
                continue;
            };
            match token::verify(text, &ring, at, |_, _| false) {
                Err(VerifyError::UnknownKey { .. }) => {}
                Err(VerifyError::BadSignature) => result = Err(VerifyError::BadSignature),
                other => {
                    result = other;
                    from = Some(kiosk);
                    break;
                }
            }
        }
    }
    // The revocation list: the pass itself, or its permit no longer active. A pass of
    // another kiosk is found by that kiosk's id for it.
    let local_id = |payload: &token::TokenPayload| -> Result<Option<i64>, StoreError> {
        match &from {
            Some(kiosk) => app.store().fleet_local_pass(kiosk, payload.id as i64),
            None => Ok(Some(payload.id as i64)),
        }
    };
    let (result, local) = match result {
        Ok(payload) if payload.kind == TokenKind::Pass => {
            let local = local_id(&payload)?;
            let revoked = match local {
                Some(id) => app.store().pass_revoked(id)?,
                None => false,
            };
            if revoked {
                (Err(VerifyError::Revoked), None)
            } else {
                (Ok(payload), local)
            }
        }
        other => (other, None),
    };
    let mut check = PassCheck {
        valid: false,
        reason: None,
        pass_no: None,
        unit: None,
        worker: None,
        valid_from: None,
        valid_until: None,
        pass_id: None,
    };
    match result {
        Ok(payload) if payload.kind == TokenKind::Pass => {
            let pass = match local {
                Some(id) => app.store().pass(id)?,
                None => None,
            };
            let worker = match &pass {
                Some(p) => app
                    .store()
                    .permit(p.permit_id)?
                    .and_then(|m| m.workers.into_iter().find(|w| w.id == p.worker_id)),
                None => None,
            };
            check.valid = true;
            check.pass_no = pass.as_ref().map(|p| p.pass_no.clone());
            check.pass_id = pass.as_ref().map(|p| p.id);
            check.worker = worker.map(|w| mask_name(&w.name));
            check.unit = Some(payload.unit);
            check.valid_from = Some(payload.valid_from);
            check.valid_until = Some(payload.valid_until);
        }
        Ok(_) => check.reason = Some("not_a_pass".into()),
        Err(e) => {
            check.reason = Some(
                match e {
                    VerifyError::Malformed => "malformed",
                    VerifyError::UnknownKey { .. } => "unknown_key",
                    VerifyError::BadSignature => "bad_signature",
                    VerifyError::NotYetValid { .. } => "not_yet_valid",
                    VerifyError::Expired { .. } => "expired",
                    VerifyError::Revoked => "revoked",
                }
                .into(),
            )
        }
    }
    Ok(check)
}

/// A worker checked out at the kiosk: the pass is marked left (false when it already
/// was, or is no pass).
pub fn mark_left(app: &App, pass_id: i64, now: DateTime<Utc>) -> Result<bool, JourneyError> {
    Ok(app.store().pass_left(pass_id, now)?)
}

/// The whole polite answer to an hours refusal at `now` (holiday, no work today, or
/// outside the day's hours), as the command line and the desk say it.
pub fn refusal_message(app: &App, refusal: &Refusal, now: DateTime<Utc>, lang: crate::i18n::Lang) -> String {
    let today = now.with_timezone(&app.config.tz()).date_naive();
    let windows = windows_for(&app.config.renovation, today);
    crate::domain::hours_text::refusal_text(refusal, windows, today, lang)
}

/// Prints the permit slip for the contractor: the permit code and its QR.
pub fn print_permit(app: &App, permit: &Permit, now: DateTime<Utc>) -> Result<Printing, JourneyError> {
    let payload = TokenPayload {
        kind: TokenKind::Permit,
        id: permit.id as u64,
        unit: permit.unit_no.clone(),
        valid_from: permit.start_date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::days(1),
        valid_until: permit.end_date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() + chrono::Duration::days(2),
        key_id: app.keys.signing.key_id(),
    };
    let token = token::sign(&app.keys.signing, &payload)?;
    let slip = permit_slip(app, permit, &token);
    print_for(app, &slip, RecordKind::Permit, permit.id, now)
}
