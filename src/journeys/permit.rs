//! Filing a renovation (装修备案): the owner, the unit, the contractor and its lead, the
//! permitted period, the deposit, and the workers who may collect passes. The same
//! checks answer the staff screen field by field and the command line all at once.

use chrono::{DateTime, NaiveDate, Utc};

use super::JourneyError;
use crate::app::App;
use crate::domain::field::{self, preview, FieldError};
use crate::domain::idhash::id_fingerprint;
use crate::domain::phone::parse_mobile;
use crate::domain::visitor::clean_surname;
use crate::store::{NewPermit, NewWorker, Permit, StoreError};

/// The longest renovation one filing covers, in days after its first day.
pub const MAX_PERMIT_DAYS: i64 = 366;
/// The longest contractor name, in characters ([`field::CONTRACTOR`]).
pub const MAX_CONTRACTOR_CHARS: usize = field::CONTRACTOR.max_chars;
/// The longest worker name, in characters ([`field::WORKER_NAME`]).
pub const MAX_WORKER_NAME_CHARS: usize = field::WORKER_NAME.max_chars;

/// Which part of a filing does not pass, so the desk is told exactly what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermitRejected {
    Unit,
    OwnerSurname,
    Contractor,
    LeadPhone,
    Dates,
    /// A worker entry that is not a name and a mobile number: a short, escaped preview
    /// of the name as given (never the phone or ID number).
    Worker(String),
    /// A worker's ID number that is not a valid resident ID (GB 11643): the worker's name
    /// and what is wrong.
    WorkerId(String, FieldError),
    /// The same mobile number twice on one roster.
    DuplicateWorker(String),
    /// A renovation with nobody who may collect a pass.
    NoWorkers,
}

/// A filing as the desk gave it, before the checks.
#[derive(Debug, Clone)]
pub struct PermitForm {
    pub unit: String,
    pub owner_surname: String,
    pub contractor: String,
    pub lead_phone: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub deposit_paid: bool,
    pub workers: Vec<NewWorker>,
}

/// The unit in its canonical form, if it is in the resident directory (the visitor
/// journey's check; either way the desk is asked to check the unit).
pub fn check_unit(app: &App, text: &str) -> Result<Result<String, PermitRejected>, JourneyError> {
    Ok(super::visitor::check_unit(app, text)?.map_err(|_| PermitRejected::Unit))
}

pub fn check_owner(text: &str) -> Result<String, PermitRejected> {
    clean_surname(text).ok_or(PermitRejected::OwnerSurname)
}

pub fn check_contractor(text: &str) -> Result<String, PermitRejected> {
    field::clean(&field::CONTRACTOR, text).map_err(|_| PermitRejected::Contractor)
}

/// The lead's mobile number, digits only.
pub fn check_lead_phone(text: &str) -> Result<String, PermitRejected> {
    parse_mobile(text)
        .map(|m| m.as_str().to_string())
        .map_err(|_| PermitRejected::LeadPhone)
}

pub fn check_dates(start: NaiveDate, end: NaiveDate) -> Result<(), PermitRejected> {
    if end < start || (end - start).num_days() > MAX_PERMIT_DAYS {
        Err(PermitRejected::Dates)
    } else {
        Ok(())
    }
}

/// A worker's name as the desk typed it: the [`field::WORKER_NAME`] rule (1 to 20
/// letters, no digits, symbols, invisible or control characters).
pub fn check_worker_name(text: &str) -> Result<String, PermitRejected> {
    field::clean(&field::WORKER_NAME, text).map_err(|_| PermitRejected::Worker(preview(text.trim())))
}

/// One worker: a name, a mobile number and, if given, an ID number (kept only as a keyed
/// hash and its last 4).
pub fn new_worker(app: &App, name: &str, phone: &str, id_number: Option<&str>) -> Result<NewWorker, PermitRejected> {
    let (Ok(name), Ok(mobile)) = (check_worker_name(name), parse_mobile(phone)) else {
        return Err(PermitRejected::Worker(preview(name.trim())));
    };
    let (id_hash, id_last4) = match id_number.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            let id = field::parse_id_number(id).map_err(|e| PermitRejected::WorkerId(name.clone(), e))?;
            let fp = id_fingerprint(&app.keys.id_secret, &id);
            (Some(fp.hash_hex), Some(fp.last4))
        }
        None => (None, None),
    };
    Ok(NewWorker {
        name,
        phone: mobile.as_str().to_string(),
        id_hash,
        id_last4,
    })
}

/// A worker line from the command line: `name:phone[:id-number]`.
pub fn parse_worker(app: &App, text: &str) -> Result<NewWorker, PermitRejected> {
    let mut parts = text.split(':').map(str::trim);
    let (Some(name), Some(phone)) = (parts.next(), parts.next()) else {
        return Err(PermitRejected::Worker(preview(text.trim())));
    };
    let id = parts.next();
    if parts.next().is_some() {
        return Err(PermitRejected::Worker(preview(name)));
    }
    new_worker(app, name, phone, id)
}

/// Adds a worker to a roster unless the same mobile number is already on it.
pub fn add_to_roster(roster: &mut Vec<NewWorker>, worker: NewWorker) -> Result<(), PermitRejected> {
    if roster.iter().any(|w| w.phone == worker.phone) {
        return Err(PermitRejected::DuplicateWorker(worker.phone));
    }
    roster.push(worker);
    Ok(())
}

/// Checks a whole filing, field by field in the order the desk fills it in.
pub fn check_form(app: &App, form: PermitForm) -> Result<Result<NewPermit, PermitRejected>, JourneyError> {
    let unit = match check_unit(app, &form.unit)? {
        Ok(unit) => unit,
        Err(why) => return Ok(Err(why)),
    };
    let checked = (|| {
        let owner_surname = check_owner(&form.owner_surname)?;
        let contractor = check_contractor(&form.contractor)?;
        let lead_phone = check_lead_phone(&form.lead_phone)?;
        check_dates(form.start, form.end)?;
        if form.workers.is_empty() {
            return Err(PermitRejected::NoWorkers);
        }
        let mut workers = Vec::with_capacity(form.workers.len());
        for mut w in form.workers {
            // However the roster was put together, each name passes the same rule.
            w.name = check_worker_name(&w.name)?;
            add_to_roster(&mut workers, w)?;
        }
        Ok(NewPermit {
            unit_no: unit,
            owner_surname,
            contractor,
            lead_phone,
            start_date: form.start,
            end_date: form.end,
            deposit_paid: form.deposit_paid,
            workers,
        })
    })();
    Ok(checked)
}

/// Files a permit with a fresh 8-digit code (typed on the kiosk's keypad).
pub fn add_permit(
    app: &App,
    form: PermitForm,
    now: DateTime<Utc>,
) -> Result<Result<Permit, PermitRejected>, JourneyError> {
    let new = match check_form(app, form)? {
        Ok(new) => new,
        Err(why) => return Ok(Err(why)),
    };
    for _ in 0..50 {
        let code = format!("{:08}", rand::random::<u32>() % 100_000_000);
        match app.with_store(|s| s.insert_permit(&new, &code, now)) {
            Ok(p) => return Ok(Ok(p)),
            Err(StoreError::CodeTaken) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::CodeTaken.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};

    fn app(dir: &std::path::Path) -> App {
        let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
        let app = App::open(loaded, Some(dir)).unwrap();
        app.set_now(Some(
            chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+08:00")
                .unwrap()
                .to_utc(),
        ));
        app
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn form(app: &App) -> PermitForm {
        PermitForm {
            unit: "2-1-302".into(),
            owner_surname: "赵".into(),
            contractor: "安居装饰".into(),
            lead_phone: "137 0000 3333".into(),
            start: day(20),
            end: day(30),
            deposit_paid: true,
            workers: vec![parse_worker(app, "张三明:13700001111").unwrap()],
        }
    }

    #[test]
    fn each_field_is_judged_on_its_own() {
        assert_eq!(check_owner(" 赵 "), Ok("赵".into()));
        assert_eq!(check_owner("Zhao"), Ok("Zhao".into()));
        assert_eq!(check_owner(""), Err(PermitRejected::OwnerSurname));
        assert_eq!(check_owner("赵1"), Err(PermitRejected::OwnerSurname));
        assert_eq!(check_contractor("  "), Err(PermitRejected::Contractor));
        assert_eq!(check_contractor(&"装".repeat(41)), Err(PermitRejected::Contractor));
        assert_eq!(check_contractor(&"装".repeat(40)), Ok("装".repeat(40)));
        assert_eq!(check_lead_phone("137 0000 3333"), Ok("13700003333".into()));
        assert_eq!(check_lead_phone("2370000333"), Err(PermitRejected::LeadPhone));
        assert_eq!(check_dates(day(20), day(20)), Ok(()));
        assert_eq!(check_dates(day(21), day(20)), Err(PermitRejected::Dates));
        let start = day(1);
        assert_eq!(check_dates(start, start + chrono::Duration::days(366)), Ok(()));
        assert_eq!(
            check_dates(start, start + chrono::Duration::days(367)),
            Err(PermitRejected::Dates)
        );
    }

    #[test]
    fn a_worker_needs_a_name_and_a_mobile_and_keeps_only_the_ids_last_four() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let w = new_worker(&app, " 张三明 ", "13700001111", Some("110101199003074514")).unwrap();
        assert_eq!((w.name.as_str(), w.phone.as_str()), ("张三明", "13700001111"));
        assert_eq!(w.id_last4.as_deref(), Some("4514"));
        // A wrong check digit, letters or a paste of 100 KB is no ID number (GB 11643).
        for bad in ["110101199003074512", "11010119900307451A", &"1".repeat(100_000)] {
            assert!(matches!(
                new_worker(&app, "张三明", "13700001111", Some(bad)),
                Err(PermitRejected::WorkerId(_, _))
            ));
        }
        for bad in ["张三@", "张\u{202E}三", "张三１", "😀"] {
            assert!(new_worker(&app, bad, "13700001111", None).is_err(), "{bad}");
        }
        assert!(!w.id_hash.as_deref().unwrap().contains("110101"));
        assert!(new_worker(&app, "", "13700001111", None).is_err());
        assert!(new_worker(&app, "张三明", "1370000111", None).is_err());
        assert_eq!(
            parse_worker(&app, "张三明").unwrap_err(),
            PermitRejected::Worker("张三明".into())
        );
        let mut roster = Vec::new();
        add_to_roster(&mut roster, w.clone()).unwrap();
        assert_eq!(
            add_to_roster(&mut roster, w),
            Err(PermitRejected::DuplicateWorker("13700001111".into()))
        );
        assert_eq!(roster.len(), 1);
    }

    #[test]
    fn a_filing_is_checked_whole_and_gets_an_eight_digit_code() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let now = app.now();
        let unknown_unit = PermitForm {
            unit: "9-9-999".into(),
            ..form(&app)
        };
        assert_eq!(
            add_permit(&app, unknown_unit, now).unwrap().unwrap_err(),
            PermitRejected::Unit
        );
        let nobody = PermitForm {
            workers: Vec::new(),
            ..form(&app)
        };
        assert_eq!(
            add_permit(&app, nobody, now).unwrap().unwrap_err(),
            PermitRejected::NoWorkers
        );
        let mut twice = form(&app);
        twice.workers.push(parse_worker(&app, "李四:13700001111").unwrap());
        assert!(matches!(
            add_permit(&app, twice, now).unwrap(),
            Err(PermitRejected::DuplicateWorker(_))
        ));
        let permit = add_permit(&app, form(&app), now).unwrap().unwrap();
        assert_eq!(permit.code.len(), 8);
        assert!(permit.code.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(permit.lead_phone, "13700003333");
        assert_eq!(permit.workers.len(), 1);
    }
}
