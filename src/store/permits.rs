//! Renovation permits (装修备案), their worker rosters and the pass register. A worker
//! gets one pass a day: asking again finds the same pass (a reprint, never a second).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermitStatus {
    Active,
    Suspended,
    Revoked,
    Finished,
}

impl PermitStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PermitStatus::Active => "active",
            PermitStatus::Suspended => "suspended",
            PermitStatus::Revoked => "revoked",
            PermitStatus::Finished => "finished",
        }
    }

    pub fn parse(text: &str) -> Option<PermitStatus> {
        [Self::Active, Self::Suspended, Self::Revoked, Self::Finished]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct NewWorker {
    pub name: String,
    pub phone: String,
    pub id_hash: Option<String>,
    pub id_last4: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewPermit {
    pub unit_no: String,
    pub owner_surname: String,
    pub contractor: String,
    pub lead_phone: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub deposit_paid: bool,
    pub workers: Vec<NewWorker>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Worker {
    pub id: i64,
    pub permit_id: i64,
    pub name: String,
    #[serde(skip)]
    pub phone: String,
    #[serde(skip)]
    pub id_hash: Option<String>,
    pub id_last4: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Permit {
    pub id: i64,
    pub code: String,
    pub unit_no: String,
    pub owner_surname: String,
    pub contractor: String,
    #[serde(skip)]
    pub lead_phone: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub deposit_paid: bool,
    pub status: PermitStatus,
    pub created_at: DateTime<Utc>,
    pub workers: Vec<Worker>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pass {
    pub id: i64,
    pub pass_no: String,
    pub permit_id: i64,
    pub worker_id: i64,
    pub day: NaiveDate,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub left_at: Option<DateTime<Utc>>,
    pub printed_at: Option<DateTime<Utc>>,
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
}

const PERMIT_COLUMNS: &str =
    "id, code, unit_no, owner_surname, contractor, lead_phone, start_date, end_date, deposit_paid, status, created_at";

fn permit_row(r: &Row<'_>) -> rusqlite::Result<Permit> {
    let start: String = r.get(6)?;
    let end: String = r.get(7)?;
    let status: String = r.get(9)?;
    let created: String = r.get(10)?;
    Ok(Permit {
        id: r.get(0)?,
        code: r.get(1)?,
        unit_no: r.get(2)?,
        owner_surname: r.get(3)?,
        contractor: r.get(4)?,
        lead_phone: r.get(5)?,
        start_date: date(&start),
        end_date: date(&end),
        deposit_paid: r.get(8)?,
        status: PermitStatus::parse(&status).unwrap_or(PermitStatus::Suspended),
        created_at: parse_ts(&created).unwrap_or_default(),
        workers: Vec::new(),
    })
}

const PASS_COLUMNS: &str =
    "id, pass_no, permit_id, worker_id, day, valid_from, valid_until, issued_at, revoked_at, left_at, printed_at";

fn pass_row(r: &Row<'_>) -> rusqlite::Result<Pass> {
    let t = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        let s: Option<String> = r.get(i)?;
        Ok(s.as_deref().and_then(parse_ts))
    };
    let day: String = r.get(4)?;
    Ok(Pass {
        id: r.get(0)?,
        pass_no: r.get(1)?,
        permit_id: r.get(2)?,
        worker_id: r.get(3)?,
        day: date(&day),
        valid_from: t(5)?.unwrap_or_default(),
        valid_until: t(6)?.unwrap_or_default(),
        issued_at: t(7)?.unwrap_or_default(),
        revoked_at: t(8)?,
        left_at: t(9)?,
        printed_at: t(10)?,
    })
}

/// When a pass still vouches for its worker: not revoked itself, and its permit active
/// (suspending, revoking or finishing a permit only changes the permit's status, and
/// stops its passes with it). `p` is the pass, `m` its permit. The one rule for staff
/// reprints ([`Store::pass_revoked`]) and the print queue's automatic retries.
pub(super) const PASS_STANDS: &str = "p.revoked_at IS NULL AND m.status = 'active'";

impl Store {
    /// Files a permit with its roster under `code` (unique).
    pub fn insert_permit(&mut self, new: &NewPermit, code: &str, now: DateTime<Utc>) -> Result<Permit, StoreError> {
        let tx = super::begin(self.conn_mut(), false)?;
        let inserted = tx.execute(
            "INSERT INTO permits(code, unit_no, owner_surname, contractor, lead_phone, start_date, end_date,
                 deposit_paid, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'active', ?9, ?9)",
            rusqlite::params![
                code,
                new.unit_no,
                new.owner_surname,
                new.contractor,
                new.lead_phone,
                new.start_date.format("%Y-%m-%d").to_string(),
                new.end_date.format("%Y-%m-%d").to_string(),
                new.deposit_paid,
                ts(now),
            ],
        );
        match inserted {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
                return Err(StoreError::CodeTaken)
            }
            Err(e) => return Err(e.into()),
        }
        let id = tx.last_insert_rowid();
        for w in &new.workers {
            tx.execute(
                "INSERT INTO permit_workers(permit_id, name, phone, id_hash, id_last4) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(permit_id, phone) DO UPDATE SET name = excluded.name",
                (id, &w.name, &w.phone, &w.id_hash, &w.id_last4),
            )?;
        }
        tx.commit()?;
        self.permit_by_code(code)?.ok_or(StoreError::Missing("permit"))
    }

    pub fn permit_by_code(&self, code: &str) -> Result<Option<Permit>, StoreError> {
        let sql = format!("SELECT {PERMIT_COLUMNS} FROM permits WHERE code = ?1");
        let permit = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([code], permit_row)
            .optional()?;
        permit.map(|p| self.with_workers(p)).transpose()
    }

    pub fn permit(&self, id: i64) -> Result<Option<Permit>, StoreError> {
        let sql = format!("SELECT {PERMIT_COLUMNS} FROM permits WHERE id = ?1");
        let permit = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], permit_row)
            .optional()?;
        permit.map(|p| self.with_workers(p)).transpose()
    }

    fn with_workers(&self, mut permit: Permit) -> Result<Permit, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, permit_id, name, phone, id_hash, id_last4 FROM permit_workers WHERE permit_id = ?1 ORDER BY id",
        )?;
        permit.workers = stmt
            .query_map([permit.id], |r| {
                Ok(Worker {
                    id: r.get(0)?,
                    permit_id: r.get(1)?,
                    name: r.get(2)?,
                    phone: r.get(3)?,
                    id_hash: r.get(4)?,
                    id_last4: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(permit)
    }

    /// The permits the desk works with: active or suspended, or ended on or after
    /// `ended_since`, oldest first. Without their rosters (`workers` is empty): the
    /// dashboard lists permits, not workers.
    pub fn permits_for_desk(&self, ended_since: NaiveDate) -> Result<Vec<Permit>, StoreError> {
        let sql = format!(
            "SELECT {PERMIT_COLUMNS} FROM permits WHERE status IN ('active', 'suspended') OR end_date >= ?1 ORDER BY id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt
            .query_map([ended_since.format("%Y-%m-%d").to_string()], permit_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn permits(&self) -> Result<Vec<Permit>, StoreError> {
        let sql = format!("SELECT {PERMIT_COLUMNS} FROM permits ORDER BY id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let permits = stmt.query_map([], permit_row)?.collect::<Result<Vec<_>, _>>()?;
        permits.into_iter().map(|p| self.with_workers(p)).collect()
    }

    pub fn set_permit_status(&self, code: &str, status: PermitStatus, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "UPDATE permits SET status = ?2, updated_at = ?3 WHERE code = ?1",
            (code, status.as_str(), ts(now)),
        )? > 0)
    }

    pub fn extend_permit(&self, code: &str, end: NaiveDate, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "UPDATE permits SET end_date = ?2, updated_at = ?3 WHERE code = ?1 AND status IN ('active', 'suspended')",
            (code, end.format("%Y-%m-%d").to_string(), ts(now)),
        )? > 0)
    }

    /// Today's pass for this worker, if one was issued (revoked or not).
    /// The worker's pass for one work window of a day (`"08:00-12:00"`), if issued.
    pub fn pass_for(&self, worker_id: i64, day: NaiveDate, window: &str) -> Result<Option<Pass>, StoreError> {
        let sql = format!("SELECT {PASS_COLUMNS} FROM passes WHERE worker_id = ?1 AND day = ?2 AND work_window = ?3");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row((worker_id, day.format("%Y-%m-%d").to_string(), window), pass_row)
            .optional()?)
    }

    /// Whether the desk revoked any of the worker's passes that day: a revoked morning
    /// pass is not replaced by an afternoon one.
    pub fn pass_revoked_on(&self, worker_id: i64, day: NaiveDate) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM passes WHERE worker_id = ?1 AND day = ?2 AND revoked_at IS NOT NULL)",
            )?
            .query_row((worker_id, day.format("%Y-%m-%d").to_string()), |r| r.get(0))?)
    }

    pub fn pass(&self, id: i64) -> Result<Option<Pass>, StoreError> {
        let sql = format!("SELECT {PASS_COLUMNS} FROM passes WHERE id = ?1");
        Ok(self.conn().prepare_cached(&sql)?.query_row([id], pass_row).optional()?)
    }

    pub fn pass_by_no(&self, pass_no: &str) -> Result<Option<Pass>, StoreError> {
        let sql = format!("SELECT {PASS_COLUMNS} FROM passes WHERE pass_no = ?1");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([pass_no], pass_row)
            .optional()?)
    }

    /// Issues the pass for a work window of a day, or returns the one already issued (the
    /// UNIQUE (worker, day, work_window) constraint makes that true even for two kiosks
    /// racing).
    #[allow(clippy::too_many_arguments)]
    pub fn issue_pass(
        &mut self,
        permit_id: i64,
        worker_id: i64,
        day: NaiveDate,
        window: &str,
        valid_from: DateTime<Utc>,
        valid_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(Pass, bool), StoreError> {
        if let Some(existing) = self.pass_for(worker_id, day, window)? {
            return Ok((existing, false));
        }
        let compact = day.format("%Y%m%d").to_string();
        let tx = super::begin(self.conn_mut(), true)?;
        let seq = super::visits::next_number(&tx, &compact, "pass")?;
        let pass_no = format!("{}W{compact}-{seq:04}", super::visits::record_prefix(&tx)?);
        tx.prepare_cached(
            "INSERT INTO passes(pass_no, permit_id, worker_id, day, work_window, valid_from, valid_until, issued_at)
             VALUES (?1, ?2, ?3, ?4, ?8, ?5, ?6, ?7) ON CONFLICT(worker_id, day, work_window) DO NOTHING",
        )?
        .execute((
            &pass_no,
            permit_id,
            worker_id,
            day.format("%Y-%m-%d").to_string(),
            ts(valid_from),
            ts(valid_until),
            ts(now),
            window,
        ))?;
        tx.commit()?;
        let pass = self
            .pass_for(worker_id, day, window)?
            .ok_or(StoreError::Missing("pass"))?;
        Ok((pass.clone(), pass.pass_no == pass_no))
    }

    pub fn mark_pass_printed(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn()
            .execute("UPDATE passes SET printed_at = ?2 WHERE id = ?1", (id, ts(now)))?;
        Ok(())
    }

    pub fn revoke_pass(&self, pass_no: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "UPDATE passes SET revoked_at = ?2 WHERE pass_no = ?1 AND revoked_at IS NULL",
            (pass_no, ts(now)),
        )? > 0)
    }

    pub fn pass_left(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "UPDATE passes SET left_at = ?2 WHERE id = ?1 AND left_at IS NULL",
            (id, ts(now)),
        )? > 0)
    }

    /// Whether a pass no longer vouches for anyone: revoked itself, or its permit is no
    /// longer active ([`PASS_STANDS`]). Unknown passes count as revoked.
    pub fn pass_revoked(&self, id: i64) -> Result<bool, StoreError> {
        let live: Option<bool> = self
            .conn()
            .query_row(
                &format!("SELECT {PASS_STANDS} FROM passes p JOIN permits m ON m.id = p.permit_id WHERE p.id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(!live.unwrap_or(false))
    }

    /// Every pass issued for a day (the compound's local date), in issuing order.
    /// The day's passes, each with its unit and worker (the staff dashboard's list).
    pub fn passes_on_day(&self, day: NaiveDate) -> Result<Vec<(Pass, String, Option<Worker>)>, StoreError> {
        self.passes_joined(
            "p.day = ?1 ORDER BY p.issued_at, p.id",
            day.format("%Y-%m-%d").to_string(),
        )
    }

    /// [`Store::passes_on_site`] with each pass's unit (from its permit) and worker, in
    /// one query rather than one permit look-up per pass: the roster's workers.
    pub fn workers_on_site(&self, now: DateTime<Utc>) -> Result<Vec<(Pass, String, Option<Worker>)>, StoreError> {
        self.passes_joined(
            "p.revoked_at IS NULL AND p.left_at IS NULL AND p.valid_from <= ?1 AND p.valid_until > ?1 ORDER BY p.id",
            ts(now),
        )
    }

    /// Passes matching `filter` (one `?1` parameter), each with its unit and worker.
    fn passes_joined(&self, filter: &str, param: String) -> Result<Vec<(Pass, String, Option<Worker>)>, StoreError> {
        let pass_columns: Vec<String> = PASS_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect();
        let sql = format!(
            "SELECT {}, m.unit_no, w.id, w.permit_id, w.name, w.phone, w.id_hash, w.id_last4 FROM passes p
             LEFT JOIN permits m ON m.id = p.permit_id LEFT JOIN permit_workers w ON w.id = p.worker_id
             WHERE {filter}",
            pass_columns.join(", ")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt
            .query_map([param], |r| {
                let unit: Option<String> = r.get(11)?;
                let worker = match r.get::<_, Option<i64>>(12)? {
                    Some(id) => Some(Worker {
                        id,
                        permit_id: r.get(13)?,
                        name: r.get(14)?,
                        phone: r.get(15)?,
                        id_hash: r.get(16)?,
                        id_last4: r.get(17)?,
                    }),
                    None => None,
                };
                Ok((pass_row(r)?, unit.unwrap_or_default(), worker))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Workers whose passes are valid now and who have not left: the roster's other half.
    pub fn passes_on_site(&self, now: DateTime<Utc>) -> Result<Vec<Pass>, StoreError> {
        let sql = format!(
            "SELECT {PASS_COLUMNS} FROM passes WHERE revoked_at IS NULL AND left_at IS NULL
             AND valid_from <= ?1 AND valid_until > ?1 ORDER BY id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([ts(now)], pass_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
