//! The evacuation roster's rows: only the columns the roster shows, one time parsed per
//! line, so printing it over years of records costs what the hand-written query costs
//! (`Store::reference_on_site`) rather than decoding every column of every visit.

use chrono::{DateTime, Utc};

use super::{parse_ts, ts, Store, StoreError};

/// Who a roster line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnSiteKind {
    Visitor,
    Worker,
}

impl OnSiteKind {
    /// The word the roster's `--json` and a handover's record use.
    pub fn as_str(self) -> &'static str {
        match self {
            OnSiteKind::Visitor => "visitor",
            OnSiteKind::Worker => "worker",
        }
    }

    pub fn parse(text: &str) -> Option<OnSiteKind> {
        [OnSiteKind::Visitor, OnSiteKind::Worker]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// One person (or party) on site now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnSite {
    pub kind: OnSiteKind,
    /// The visit's or pass's number.
    pub number: String,
    pub unit: String,
    /// The visitor's surname or the worker's name (unmasked: the caller masks).
    pub name: String,
    pub phone: String,
    pub party: u32,
    /// When the visitor was let in (or registered), or the pass became valid.
    pub since: DateTime<Utc>,
}

impl Store {
    /// Everyone on site at `now`: approved visits still valid (in the order they were let
    /// in), then workers whose passes are valid and who have not left (by pass).
    pub fn on_site(&self, now: DateTime<Utc>) -> Result<Vec<OnSite>, StoreError> {
        let now = ts(now);
        let row = |kind: OnSiteKind| {
            move |r: &rusqlite::Row<'_>| -> rusqlite::Result<OnSite> {
                let since: String = r.get(5)?;
                Ok(OnSite {
                    kind,
                    number: r.get(0)?,
                    unit: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    phone: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    party: r.get(4)?,
                    since: parse_ts(&since).unwrap_or_default(),
                })
            }
        };
        let mut visits = self.conn().prepare_cached(
            "SELECT visit_no, unit_no, surname, phone, party_size, coalesce(decided_at, created_at) FROM visits
             WHERE status = 'approved' AND valid_until > ?1 ORDER BY decided_at, id",
        )?;
        let mut lines = visits
            .query_map([&now], row(OnSiteKind::Visitor))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut workers = self.conn().prepare_cached(
            "SELECT p.pass_no, m.unit_no, w.name, w.phone, 1, p.valid_from FROM passes p
             LEFT JOIN permits m ON m.id = p.permit_id LEFT JOIN permit_workers w ON w.id = p.worker_id
             WHERE p.revoked_at IS NULL AND p.left_at IS NULL AND p.valid_from <= ?1 AND p.valid_until > ?1
             ORDER BY p.id",
        )?;
        lines.extend(
            workers
                .query_map([&now], row(OnSiteKind::Worker))?
                .collect::<Result<Vec<_>, _>>()?,
        );
        Ok(lines)
    }
}
