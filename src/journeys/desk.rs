//! What the desk does from the staff dashboard, each under the logged-in staff member's
//! name and audited: revoke a worker's pass, suspend, resume, extend or revoke a permit,
//! sign someone out, manage the deny list and invites, and (a supervisor only) close
//! the kiosk program. Roles: only a supervisor revokes permits, manages the deny list
//! and closes the program; a desk role gets a polite refusal.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::permit::{self, PermitForm, PermitRejected};
use super::resident::{self, UpdateRefused};
use super::staff::require_supervisor;
use super::{visitor, JourneyError, Printing};
use crate::app::App;
use crate::domain::mask::mask_phone;
use crate::domain::phone::parse_mobile;
use crate::domain::ticket::TicketStatus;
use crate::store::{Permit, PermitStatus, SignOutKind, Visit};

/// The longest deny-list reason, in characters (the screen's field stops there too):
/// [`crate::domain::field::DENY_REASON`].
pub const MAX_DENY_REASON_CHARS: usize = crate::domain::field::DENY_REASON.max_chars;

/// The longest a permit is extended in one step.
pub const MAX_EXTEND_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskRefused {
    /// Only a supervisor may do this.
    NotSupervisor,
    /// No such record, or it is not in a state where this applies.
    NotFound,
    BadPhone,
    NoReason,
    BadDays,
    /// A waiting visit nobody decided by the end of its day (that day): it has expired
    /// and can no longer be approved; the visitor registers again if they come back.
    Expired(NaiveDate),
}

type Outcome = Result<Result<(), DeskRefused>, JourneyError>;

fn supervisor(app: &App, by: &str) -> Result<bool, JourneyError> {
    Ok(require_supervisor(app, by)?.is_ok() && by != "bootstrap")
}

fn done(app: &App, ok: bool, by: &str, action: &str, record: &str, detail: &str, now: DateTime<Utc>) -> Outcome {
    if !ok {
        return Ok(Err(DeskRefused::NotFound));
    }
    app.store().audit(by, action, record, detail, now)?;
    Ok(Ok(()))
}

pub fn revoke_pass(app: &App, by: &str, pass_no: &str, now: DateTime<Utc>) -> Outcome {
    app.atomic(|| {
        let ok = app.with_store(|s| s.revoke_pass(pass_no, now))?;
        done(app, ok, by, "pass_revoke", pass_no, "", now)
    })
}

/// Suspends, resumes (active), finishes or revokes a permit; revoking is a supervisor's.
pub fn set_permit_status(app: &App, by: &str, code: &str, status: PermitStatus, now: DateTime<Utc>) -> Outcome {
    app.atomic(|| {
        if status == PermitStatus::Revoked && !supervisor(app, by)? {
            return Ok(Err(DeskRefused::NotSupervisor));
        }
        let Some(permit) = app.with_store(|s| s.permit_by_code(code))? else {
            return Ok(Err(DeskRefused::NotFound));
        };
        let allowed = match status {
            PermitStatus::Active => permit.status == PermitStatus::Suspended,
            PermitStatus::Suspended => permit.status == PermitStatus::Active,
            PermitStatus::Revoked | PermitStatus::Finished => {
                matches!(permit.status, PermitStatus::Active | PermitStatus::Suspended)
            }
        };
        if !allowed {
            return Ok(Err(DeskRefused::NotFound));
        }
        let ok = app.with_store(|s| s.set_permit_status(code, status, now))?;
        done(app, ok, by, &format!("permit_{}", status.as_str()), code, "", now)
    })
}

/// Moves a permit's last day on by `days`.
pub fn extend_permit(app: &App, by: &str, code: &str, days: i64, now: DateTime<Utc>) -> Outcome {
    if !(1..=MAX_EXTEND_DAYS).contains(&days) {
        return Ok(Err(DeskRefused::BadDays));
    }
    let Some(permit) = app.with_store(|s| s.permit_by_code(code))? else {
        return Ok(Err(DeskRefused::NotFound));
    };
    extend_permit_to(app, by, code, permit.end_date + Duration::days(days), now)
}

/// Moves a permit's last day on to `to`: after the current last day, and at most
/// [`MAX_EXTEND_DAYS`] beyond it. Only an active or suspended permit is extended.
pub fn extend_permit_to(app: &App, by: &str, code: &str, to: NaiveDate, now: DateTime<Utc>) -> Outcome {
    app.atomic(|| {
        let Some(permit) = app.with_store(|s| s.permit_by_code(code))? else {
            return Ok(Err(DeskRefused::NotFound));
        };
        let days = (to - permit.end_date).num_days();
        if !(1..=MAX_EXTEND_DAYS).contains(&days) {
            return Ok(Err(DeskRefused::BadDays));
        }
        let ok = app.with_store(|s| s.extend_permit(code, to, now))?;
        done(app, ok, by, "permit_extend", code, &to.to_string(), now)
    })
}

/// The desk's decision on a waiting visit (by its id): approval prints the slip, which
/// comes back with the visit; `NotFound` if the visit was not waiting.
pub fn decide_visit(
    app: &App,
    by: &str,
    id: i64,
    approve: bool,
    now: DateTime<Utc>,
) -> Result<Result<(Visit, Printing), DeskRefused>, JourneyError> {
    if let Some(day) = visitor::expired_on(app, id, now)? {
        return Ok(Err(DeskRefused::Expired(day)));
    }
    // The decision, its audit row and the slip's print job are one unit of work.
    let decided = app.atomic(|| {
        let Some((visit, printed)) = visitor::decide(app, id, approve, by, now)? else {
            return Ok(Err(DeskRefused::NotFound));
        };
        let action = if approve { "visit_approve" } else { "visit_deny" };
        app.store().audit(by, action, &visit.visit_no, "", now)?;
        Ok::<_, JourneyError>(Ok((visit, printed)))
    })?;
    Ok(decided.map(|(visit, printed)| (visit, app.resolve(printed))))
}

/// Why an expired visit cannot be approved, as the desk reads it (screen and command
/// line): the day it was registered, that it expired, and what to do if they come back.
pub fn expired_text(lang: crate::i18n::Lang, day: NaiveDate) -> String {
    let day = day.format("%m-%d");
    match lang {
        crate::i18n::Lang::Zh => format!(
            "这位访客是 {day} 登记的，当天没有确认，登记已过期，不能再同意。如访客再次来访，请其重新登记，谢谢。"
        ),
        crate::i18n::Lang::En => format!(
            "This visitor registered on {day} and was not decided that day; the registration has expired and can no longer be approved. If they come back, please ask them to register again. Thank you."
        ),
    }
}

/// Signs a visitor (by visit number) or a worker (by pass number) out.
pub fn sign_out(app: &App, by: &str, number: &str, now: DateTime<Utc>) -> Outcome {
    app.atomic(|| {
        let ok = if let Some(visit) = app.with_store(|s| s.visit_by_no(number))? {
            app.with_store(|s| s.sign_out_visit(visit.id, SignOutKind::Staff, now))?
        } else if let Some(pass) = app.with_store(|s| s.pass_by_no(number))? {
            app.with_store(|s| s.pass_left(pass.id, now))?
        } else {
            false
        };
        done(app, ok, by, "sign_out", number, "", now)
    })
}

pub fn deny_add(app: &App, by: &str, phone: &str, reason: &str, now: DateTime<Utc>) -> Outcome {
    app.atomic(|| {
        if !supervisor(app, by)? {
            return Ok(Err(DeskRefused::NotSupervisor));
        }
        let Ok(mobile) = parse_mobile(phone) else {
            return Ok(Err(DeskRefused::BadPhone));
        };
        let Ok(reason) = crate::domain::field::clean(&crate::domain::field::DENY_REASON, reason) else {
            return Ok(Err(DeskRefused::NoReason));
        };
        app.with_store(|s| s.deny_add(mobile.as_str(), &reason, by, now))?;
        done(app, true, by, "deny_add", &mobile.masked(), &reason, now)
    })
}

/// Removes a deny-list entry by its id (the screen never holds the whole number).
pub fn deny_remove(app: &App, by: &str, id: i64, now: DateTime<Utc>) -> Outcome {
    app.atomic(|| {
        if !supervisor(app, by)? {
            return Ok(Err(DeskRefused::NotSupervisor));
        }
        let Some(entry) = app.with_store(|s| s.deny_list())?.into_iter().find(|e| e.id == id) else {
            return Ok(Err(DeskRefused::NotFound));
        };
        let ok = app.with_store(|s| s.deny_remove(&entry.phone))?;
        done(app, ok, by, "deny_remove", &mask_phone(&entry.phone), "", now)
    })
}

/// Removes a deny-list entry named by its phone number (the command line's way), through
/// the same path as [`deny_remove`].
pub fn deny_remove_phone(app: &App, by: &str, phone: &str, now: DateTime<Utc>) -> Outcome {
    if !supervisor(app, by)? {
        return Ok(Err(DeskRefused::NotSupervisor));
    }
    let Ok(mobile) = parse_mobile(phone) else {
        return Ok(Err(DeskRefused::BadPhone));
    };
    let Some(entry) = app
        .with_store(|s| s.deny_list())?
        .into_iter()
        .find(|e| e.phone == mobile.as_str())
    else {
        return Ok(Err(DeskRefused::NotFound));
    };
    deny_remove(app, by, entry.id, now)
}

pub fn revoke_invite(app: &App, by: &str, code: &str, now: DateTime<Utc>) -> Outcome {
    app.atomic(|| {
        let ok = app.with_store(|s| s.revoke_invite(code, now))?;
        done(app, ok, by, "invite_revoke", code, "", now)
    })
}

/// Files a renovation (装修备案) under the desk member's name and prints its slip: the
/// permit, its roster, its audit row and the slip's print job are one unit of work, so
/// no permit is left unaudited or without the slip it is owed (a full disk keeps none).
pub fn create_permit(
    app: &App,
    by: &str,
    form: PermitForm,
    now: DateTime<Utc>,
) -> Result<Result<(Permit, Printing), PermitRejected>, JourneyError> {
    let filed = app.atomic(|| {
        let p = match permit::add_permit(app, form, now)? {
            Ok(p) => p,
            Err(why) => return Ok(Err(why)),
        };
        let detail = format!("{} {}", p.unit_no, p.contractor);
        app.store().audit(by, "permit_create", &p.code, &detail, now)?;
        let printing = super::worker::print_permit(app, &p, now)?;
        Ok::<_, JourneyError>(Ok((p, printing)))
    })?;
    Ok(filed.map(|(p, printing)| (p, app.resolve(printing))))
}

/// Why the desk cancels a resident's ticket; kept on the ticket as its note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// The resident asked for it to be withdrawn (业主撤回).
    Withdrawn,
    /// The same request was already filed (重复提交).
    Duplicate,
    /// Settled in person at the desk (已当面处理).
    SettledAtDesk,
}

impl CancelReason {
    pub const ALL: [CancelReason; 3] = [Self::Withdrawn, Self::Duplicate, Self::SettledAtDesk];

    pub fn key(self) -> &'static str {
        match self {
            Self::Withdrawn => "withdrawn",
            Self::Duplicate => "duplicate",
            Self::SettledAtDesk => "settled_at_desk",
        }
    }

    pub fn parse(key: &str) -> Option<CancelReason> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The words kept on the ticket's history (the company's records are in Chinese).
    pub fn note(self) -> &'static str {
        match self {
            Self::Withdrawn => "业主撤回",
            Self::Duplicate => "重复提交",
            Self::SettledAtDesk => "已当面处理",
        }
    }
}

/// Cancels an open ticket with the reason on its history (audited as a ticket update).
pub fn cancel_ticket(app: &App, by: &str, number: &str, reason: CancelReason, now: DateTime<Utc>) -> Outcome {
    match resident::update(app, number, TicketStatus::Cancelled, by, reason.note(), now)? {
        Ok(_) => Ok(Ok(())),
        Err(
            UpdateRefused::Unknown
            | UpdateRefused::NotAllowed { .. }
            | UpdateRefused::Note(_)
            | UpdateRefused::NeedsReason,
        ) => Ok(Err(DeskRefused::NotFound)),
    }
}

/// A supervisor closes the kiosk program (maintenance); recorded before it goes.
pub fn exit_app(app: &App, by: &str, now: DateTime<Utc>) -> Outcome {
    app.atomic(|| {
        if !supervisor(app, by)? {
            return Ok(Err(DeskRefused::NotSupervisor));
        }
        done(app, true, by, "app_exit", "kiosk", "", now)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
    use crate::journeys::permit::PermitForm;
    use crate::journeys::staff::{add_staff, Role};
    use chrono::NaiveDate;

    fn app(dir: &std::path::Path) -> App {
        let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
        let app = App::open(loaded, Some(dir)).unwrap();
        app.set_now(Some(
            chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+08:00")
                .unwrap()
                .to_utc(),
        ));
        let now = app.now();
        add_staff(&app, "bootstrap", "李明", Role::Supervisor, "258036", now)
            .unwrap()
            .unwrap();
        add_staff(&app, "李明", "王芳", Role::Desk, "402718", now)
            .unwrap()
            .unwrap();
        app
    }

    #[test]
    fn deny_list_entries_need_a_supervisor_a_mobile_number_and_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let now = app.now();
        let add = |by, phone, reason| deny_add(&app, by, phone, reason, now).unwrap();
        assert_eq!(add("王芳", "13900000009", "滋扰"), Err(DeskRefused::NotSupervisor));
        assert_eq!(add("bootstrap", "13900000009", "滋扰"), Err(DeskRefused::NotSupervisor));
        assert_eq!(add("李明", "2390000000", "滋扰"), Err(DeskRefused::BadPhone));
        assert_eq!(add("李明", "13900000009", "  "), Err(DeskRefused::NoReason));
        assert_eq!(add("李明", "13900000009", "滋扰"), Ok(()));
        let id = app.store().deny_list().unwrap()[0].id;
        assert_eq!(
            deny_remove(&app, "王芳", id, now).unwrap(),
            Err(DeskRefused::NotSupervisor)
        );
        assert_eq!(deny_remove(&app, "李明", id, now).unwrap(), Ok(()));
        assert_eq!(deny_remove(&app, "李明", id, now).unwrap(), Err(DeskRefused::NotFound));
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    /// A filed renovation for 2-1-302, 20 to 30 November 2026.
    fn permit(app: &App, now: DateTime<Utc>) -> Permit {
        let worker = crate::journeys::permit::parse_worker(app, "张三明:13700001111").unwrap();
        crate::journeys::permit::add_permit(
            app,
            PermitForm {
                unit: "2-1-302".into(),
                owner_surname: "赵".into(),
                contractor: "安居装饰".into(),
                lead_phone: "13700003333".into(),
                start: d(20),
                end: d(30),
                deposit_paid: true,
                workers: vec![worker],
            },
            now,
        )
        .unwrap()
        .unwrap()
    }

    fn audited(app: &App, action: &str) -> Vec<(String, String, String)> {
        app.store()
            .audit_since(DateTime::<Utc>::MIN_UTC)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == action)
            .map(|e| (e.staff, e.record, e.detail))
            .collect()
    }

    #[test]
    fn a_permit_moves_only_between_states_that_make_sense() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let now = app.now();
        let permit = permit(&app, now);
        let set = |by, status| set_permit_status(&app, by, &permit.code, status, now).unwrap();
        assert_eq!(
            set("王芳", PermitStatus::Active),
            Err(DeskRefused::NotFound),
            "already active"
        );
        assert_eq!(set("王芳", PermitStatus::Suspended), Ok(()));
        assert_eq!(set("王芳", PermitStatus::Suspended), Err(DeskRefused::NotFound));
        assert_eq!(set("王芳", PermitStatus::Revoked), Err(DeskRefused::NotSupervisor));
        assert_eq!(set("王芳", PermitStatus::Finished), Ok(()));
        assert_eq!(
            set("李明", PermitStatus::Revoked),
            Err(DeskRefused::NotFound),
            "finished stays finished"
        );
        assert_eq!(
            extend_permit(&app, "王芳", &permit.code, 0, now).unwrap(),
            Err(DeskRefused::BadDays)
        );
        assert_eq!(
            extend_permit(&app, "王芳", "000000", 7, now).unwrap(),
            Err(DeskRefused::NotFound)
        );
    }

    #[test]
    fn a_permit_is_extended_to_a_date_after_its_end_and_at_most_the_longest_step_beyond() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let now = app.now();
        let code = permit(&app, now).code;
        let to = |date| extend_permit_to(&app, "王芳", &code, date, now).unwrap();
        assert_eq!(to(d(30)), Err(DeskRefused::BadDays), "not after the current end");
        assert_eq!(to(d(25)), Err(DeskRefused::BadDays), "never shortened");
        assert_eq!(
            to(d(30) + Duration::days(MAX_EXTEND_DAYS + 1)),
            Err(DeskRefused::BadDays),
            "too far in one step"
        );
        assert_eq!(
            extend_permit_to(&app, "王芳", "000000", d(30), now).unwrap(),
            Err(DeskRefused::NotFound)
        );
        assert_eq!(to(d(30) + Duration::days(MAX_EXTEND_DAYS)), Ok(()));
        let end = d(30) + Duration::days(MAX_EXTEND_DAYS);
        assert_eq!(app.store().permit_by_code(&code).unwrap().unwrap().end_date, end);
        assert_eq!(extend_permit(&app, "王芳", &code, 7, now).unwrap(), Ok(()));
        assert_eq!(
            audited(&app, "permit_extend"),
            vec![
                ("王芳".into(), code.clone(), end.to_string()),
                ("王芳".into(), code.clone(), (end + Duration::days(7)).to_string()),
            ]
        );
        set_permit_status(&app, "王芳", &code, PermitStatus::Finished, now)
            .unwrap()
            .unwrap();
        assert_eq!(
            extend_permit(&app, "王芳", &code, 7, now).unwrap(),
            Err(DeskRefused::NotFound),
            "a finished permit stays as it ended"
        );
    }

    #[test]
    fn a_deny_list_entry_is_removed_by_its_phone_through_the_same_path_as_by_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let now = app.now();
        deny_add(&app, "李明", "13900000009", "滋扰", now).unwrap().unwrap();
        let remove = |by, phone| deny_remove_phone(&app, by, phone, now).unwrap();
        assert_eq!(remove("王芳", "13900000009"), Err(DeskRefused::NotSupervisor));
        assert_eq!(remove("李明", "1390000"), Err(DeskRefused::BadPhone));
        assert_eq!(remove("李明", "13900000008"), Err(DeskRefused::NotFound));
        assert_eq!(remove("李明", "139-0000-0009"), Ok(()));
        assert!(app.store().deny_list().unwrap().is_empty());
        assert_eq!(
            audited(&app, "deny_remove"),
            vec![("李明".into(), "139****0009".into(), String::new())]
        );
        assert_eq!(remove("李明", "13900000009"), Err(DeskRefused::NotFound));
    }

    #[test]
    fn a_waiting_visit_is_decided_once_and_audited() {
        use crate::domain::visitor::VisitorType;
        use crate::journeys::visitor::{register, Registered, WalkIn};
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let now = app.now();
        let guest = |phone: &str| WalkIn {
            unit: "1-1-101".into(),
            surname: "王".into(),
            phone: phone.into(),
            visitor_type: VisitorType::Guest,
            party_size: 1,
            company: String::new(),
        };
        let waiting = |phone| match register(&app, &guest(phone), now).unwrap() {
            Registered::Waiting(visit) => visit,
            other => panic!("a guest waits, not {other:?}"),
        };
        let (first, second) = (waiting("13900000001"), waiting("13900000002"));
        let (visit, printed) = decide_visit(&app, "王芳", first.id, true, now).unwrap().unwrap();
        assert_eq!(visit.visit_no, first.visit_no);
        assert!(printed.printed(), "the virtual printer prints the slip");
        assert!(decide_visit(&app, "王芳", second.id, false, now).unwrap().is_ok());
        assert_eq!(
            decide_visit(&app, "王芳", first.id, false, now).unwrap().err(),
            Some(DeskRefused::NotFound),
            "already decided"
        );
        assert_eq!(
            audited(&app, "visit_approve"),
            vec![("王芳".into(), first.visit_no, String::new())]
        );
        assert_eq!(
            audited(&app, "visit_deny"),
            vec![("王芳".into(), second.visit_no, String::new())]
        );
    }
}
