//! Visits: who came to see whom, when they were let in, and when they left.
//! Phone numbers are kept whole here (for returning visitors, the deny list and
//! call-backs); everything that leaves the store for a screen or a slip is masked.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};
use crate::domain::visitor::VisitorType;
use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    /// Waiting for the host (or the desk) to approve.
    Waiting,
    /// On the deny list: held for the desk, the visitor is not told why.
    Held,
    Approved,
    Denied,
    SignedOut,
    Cancelled,
    /// Nobody decided it by the end of its day: it can no longer be approved.
    Expired,
}

impl VisitStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Waiting => "waiting",
            VisitStatus::Held => "held",
            VisitStatus::Approved => "approved",
            VisitStatus::Denied => "denied",
            VisitStatus::SignedOut => "signed_out",
            VisitStatus::Cancelled => "cancelled",
            VisitStatus::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<VisitStatus> {
        [
            Self::Waiting,
            Self::Held,
            Self::Approved,
            Self::Denied,
            Self::SignedOut,
            Self::Cancelled,
            Self::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// How a visitor's leaving was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOutKind {
    /// The visitor scanned the slip at the kiosk.
    Scan,
    /// Staff marked it.
    Staff,
    /// The slip expired; flagged for the desk.
    Auto,
}

impl SignOutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignOutKind::Scan => "scan",
            SignOutKind::Staff => "staff",
            SignOutKind::Auto => "auto",
        }
    }
}

/// A registration about to be recorded.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub unit_no: String,
    pub surname: String,
    pub phone: String,
    pub visitor_type: VisitorType,
    pub party_size: u32,
    pub company: String,
    pub invite_id: Option<i64>,
    pub status: VisitStatus,
    pub hold_reason: Option<String>,
    /// Set when the visit is approved at once (auto-approval, invites).
    pub valid_until: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    /// The language the visitor used (their slip's language whenever it prints).
    pub lang: Option<Lang>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Visit {
    pub id: i64,
    pub visit_no: String,
    pub unit_no: String,
    pub surname: String,
    #[serde(skip)]
    pub phone: String,
    pub visitor_type: VisitorType,
    pub party_size: u32,
    pub company: String,
    pub invite_id: Option<i64>,
    pub status: VisitStatus,
    pub hold_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub valid_until: Option<DateTime<Utc>>,
    pub signed_out_at: Option<DateTime<Utc>>,
    pub sign_out_kind: Option<String>,
    pub printed_at: Option<DateTime<Utc>>,
    /// The language the visitor used at the screen; `None` for visits recorded before
    /// it was kept (their slips follow the configured language).
    pub lang: Option<Lang>,
}

const COLUMNS: &str = "id, visit_no, unit_no, surname, phone, visitor_type, party_size, company, invite_id, status, \
     hold_reason, created_at, decided_at, decided_by, valid_until, signed_out_at, sign_out_kind, printed_at, lang";

fn opt_ts(text: Option<String>) -> Option<DateTime<Utc>> {
    text.as_deref().and_then(parse_ts)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Visit> {
    let status: String = r.get(9)?;
    let created: String = r.get(11)?;
    Ok(Visit {
        id: r.get(0)?,
        visit_no: r.get(1)?,
        unit_no: r.get(2)?,
        surname: r.get(3)?,
        phone: r.get(4)?,
        visitor_type: VisitorType::parse(&r.get::<_, String>(5)?).unwrap_or(VisitorType::Guest),
        party_size: r.get(6)?,
        company: r.get(7)?,
        invite_id: r.get(8)?,
        status: VisitStatus::parse(&status).unwrap_or(VisitStatus::Cancelled),
        hold_reason: r.get(10)?,
        created_at: parse_ts(&created).unwrap_or_default(),
        decided_at: opt_ts(r.get(12)?),
        decided_by: r.get(13)?,
        valid_until: opt_ts(r.get(14)?),
        signed_out_at: opt_ts(r.get(15)?),
        sign_out_kind: r.get(16)?,
        printed_at: opt_ts(r.get(17)?),
        lang: r.get::<_, Option<String>>(18)?.as_deref().and_then(Lang::from_code),
    })
}

/// The next number of `kind` on `day` (local date, `YYYYMMDD`), inside the caller's
/// transaction so numbers are unique and gap-free per day even with two writers.
pub(crate) fn next_number(tx: &Connection, day: &str, kind: &str) -> Result<i64, StoreError> {
    // Cached, as every statement of a record's transaction is: compiling it again for
    // each record was a good part of what recording cost over a bare insert (issue 19).
    Ok(tx
        .prepare_cached(
            "INSERT INTO day_counters(day, kind, last) VALUES (?1, ?2, 1)
             ON CONFLICT(day, kind) DO UPDATE SET last = last + 1 RETURNING last",
        )?
        .query_row((day, kind), |r| r.get(0))?)
}

/// What goes before this kiosk's record numbers: "A-" when the fleet gave it the
/// prefix "A" (numbers stay unique across a compound's kiosks), else nothing.
pub(crate) fn record_prefix(tx: &Connection) -> Result<String, StoreError> {
    Ok(match super::fleet::meta_in(tx, super::fleet::META_RECORD_PREFIX)? {
        Some(p) if !p.is_empty() => format!("{p}-"),
        _ => String::new(),
    })
}

impl Store {
    /// Records a registration; `day` is the compound's local date (`YYYYMMDD`) that
    /// numbers the visit, e.g. `V20261127-0003`.
    pub fn insert_visit(&mut self, new: &NewVisit, now: DateTime<Utc>, day: &str) -> Result<Visit, StoreError> {
        let tx = super::begin(self.conn_mut(), true)?;
        let seq = next_number(&tx, day, "visit")?;
        let visit_no = format!("{}V{day}-{seq:04}", record_prefix(&tx)?);
        let now_s = ts(now);
        let decided_at = (new.status != VisitStatus::Waiting && new.status != VisitStatus::Held).then(|| now_s.clone());
        tx.execute(
            "INSERT INTO visits(visit_no, unit_no, surname, phone, visitor_type, party_size, company, invite_id,
                 status, hold_reason, created_at, consent_at, decided_at, decided_by, valid_until, lang)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14, ?15)",
            rusqlite::params![
                visit_no,
                new.unit_no,
                new.surname,
                new.phone,
                new.visitor_type.as_str(),
                new.party_size,
                new.company,
                new.invite_id,
                new.status.as_str(),
                new.hold_reason,
                now_s,
                decided_at,
                new.decided_by,
                new.valid_until.map(ts),
                new.lang.map(Lang::code),
            ],
        )?;
        let id = tx.last_insert_rowid();
        if let Some(invite) = new.invite_id {
            tx.execute(
                "UPDATE invites SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
                (invite, &now_s),
            )?;
        }
        tx.commit()?;
        self.visit(id)?.ok_or(StoreError::Missing("visit"))
    }

    pub fn visit(&self, id: i64) -> Result<Option<Visit>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM visits WHERE id = ?1");
        Ok(self.conn().prepare_cached(&sql)?.query_row([id], from_row).optional()?)
    }

    pub fn visit_by_no(&self, visit_no: &str) -> Result<Option<Visit>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM visits WHERE visit_no = ?1");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([visit_no], from_row)
            .optional()?)
    }

    /// Approves or denies a waiting (or held) visit. Returns the visit as it is now, or
    /// `None` if it was not waiting (already decided, or unknown).
    pub fn decide_visit(
        &self,
        id: i64,
        approve: bool,
        by: &str,
        now: DateTime<Utc>,
        valid_until: DateTime<Utc>,
    ) -> Result<Option<Visit>, StoreError> {
        let status = if approve {
            VisitStatus::Approved
        } else {
            VisitStatus::Denied
        };
        let changed = self.conn().execute(
            "UPDATE visits SET status = ?2, decided_at = ?3, decided_by = ?4, valid_until = CASE WHEN ?5 THEN ?6 END
             WHERE id = ?1 AND status IN ('waiting', 'held')",
            rusqlite::params![id, status.as_str(), ts(now), by, approve, ts(valid_until)],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        self.visit(id)
    }

    pub fn mark_visit_printed(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn()
            .execute("UPDATE visits SET printed_at = ?2 WHERE id = ?1", (id, ts(now)))?;
        Ok(())
    }

    /// Records the visitor leaving. False if the visit was not on site.
    pub fn sign_out_visit(&self, id: i64, kind: SignOutKind, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE visits SET status = 'signed_out', signed_out_at = ?2, sign_out_kind = ?3
             WHERE id = ?1 AND status = 'approved'",
            (id, ts(now), kind.as_str()),
        )?;
        Ok(changed == 1)
    }

    /// Expires every visit still waiting (or held) that was registered before
    /// `day_start` (the start of today on the compound's clock). How many expired.
    pub fn expire_waiting_visits(&self, day_start: DateTime<Utc>, now: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self.conn().execute(
            "UPDATE visits SET status = 'expired', decided_at = ?2, decided_by = 'expired'
             WHERE status IN ('waiting', 'held') AND created_at < ?1",
            (ts(day_start), ts(now)),
        )?)
    }

    /// Signs out every approved visit whose slip has expired, flagged as automatic.
    pub fn sign_out_expired_visits(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let now = ts(now);
        Ok(self.conn().execute(
            "UPDATE visits SET status = 'signed_out', signed_out_at = ?1, sign_out_kind = 'auto'
             WHERE status = 'approved' AND valid_until <= ?1",
            [&now],
        )?)
    }

    /// Everyone let in and not yet gone: the visitors' part of the evacuation roster.
    pub fn visits_on_site(&self, now: DateTime<Utc>) -> Result<Vec<Visit>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM visits WHERE status = 'approved' AND valid_until > ?1 ORDER BY decided_at, id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([ts(now)], from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Visits registered in `[from, to)`, oldest first (the CSV export).
    pub fn visits_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Visit>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM visits WHERE created_at >= ?1 AND created_at < ?2 ORDER BY created_at, id");
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt
            .query_map((ts(from), ts(to)), from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Visits waiting for a decision (including deny-list holds), in the order they came
    /// (by id, not by clock: a clock set back must not jump a newer visitor ahead).
    pub fn visits_waiting(&self) -> Result<Vec<Visit>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM visits WHERE status IN ('waiting', 'held') ORDER BY id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The surname of the latest visit by this phone number (the last recorded, whatever
    /// the clock said; what a returning visitor is offered), without reading the rest.
    pub fn last_surname_by_phone(&self, phone: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT surname FROM visits WHERE phone = ?1 ORDER BY id DESC LIMIT 1";
        Ok(self
            .conn()
            .prepare_cached(sql)?
            .query_row([phone], |r| r.get(0))
            .optional()?)
    }

    /// The latest visit by this phone number (the last recorded, whatever the clock said):
    /// a returning visitor is offered their surname.
    pub fn last_visit_by_phone(&self, phone: &str) -> Result<Option<Visit>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM visits WHERE phone = ?1 ORDER BY id DESC LIMIT 1");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([phone], from_row)
            .optional()?)
    }
}
