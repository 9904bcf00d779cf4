//! Staff accounts, the PIN pad's lockout counter and the append-only audit.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};

#[derive(Debug, Clone, Serialize)]
pub struct StaffAccount {
    pub id: i64,
    pub name: String,
    pub role: String,
    #[serde(skip)]
    pub pin_hash: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Which PIN failure count an attempt goes on: the kiosk's PIN pad (no name typed) or
/// one staff account (by its id), named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinCounter {
    Pad,
    Staff(i64),
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub staff: String,
    pub action: String,
    pub record: String,
    pub detail: String,
}

impl Store {
    pub fn add_staff(&self, name: &str, role: &str, pin_hash: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        match self.conn().execute(
            "INSERT INTO staff(name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            (name, role, pin_hash, ts(now)),
        ) {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
                Err(StoreError::CodeTaken)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub fn staff(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, name, role, pin_hash, active, created_at FROM staff ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| {
                let created: String = r.get(5)?;
                Ok(StaffAccount {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get(2)?,
                    pin_hash: r.get(3)?,
                    active: r.get(4)?,
                    created_at: parse_ts(&created).unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn staff_by_name(&self, name: &str) -> Result<Option<StaffAccount>, StoreError> {
        Ok(self.staff()?.into_iter().find(|s| s.name == name))
    }

    pub fn set_staff_active(&self, name: &str, active: bool) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .execute("UPDATE staff SET active = ?2 WHERE name = ?1", (name, active))?
            > 0)
    }

    pub fn set_staff_pin(&self, name: &str, pin_hash: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .execute("UPDATE staff SET pin_hash = ?2 WHERE name = ?1", (name, pin_hash))?
            > 0)
    }

    /// Consecutive wrong PINs on `counter` and when the last one was typed.
    pub fn pin_failures(&self, counter: PinCounter) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
        read_counter(self.conn(), counter)
    }

    /// Counts one PIN attempt on `counter` *before* its PIN is checked, in one write
    /// transaction that starts with the write lock (`BEGIN IMMEDIATE`), so parallel
    /// processes queue here and each sees the count the one before stored. `gate` decides
    /// from the stored count: `Err` refuses the attempt (nothing is written), `Ok(n)` is
    /// stored as the new count with `now` as the last failure. A success clears it again
    /// ([`Store::clear_pin_failures`]).
    pub fn count_pin_attempt<T>(
        &mut self,
        counter: PinCounter,
        now: DateTime<Utc>,
        gate: impl FnOnce(u32, Option<DateTime<Utc>>) -> Result<u32, T>,
    ) -> Result<Result<u32, T>, StoreError> {
        let tx = super::begin(self.conn_mut(), true)?;
        let (failures, last) = read_counter(&tx, counter)?;
        let failures = match gate(failures, last) {
            Ok(n) => n,
            Err(refused) => return Ok(Err(refused)),
        };
        let changed = match counter {
            PinCounter::Pad => tx.execute(
                "UPDATE pin_lockout SET failures = ?1, last_failure = ?2 WHERE id = 1",
                (failures, ts(now)),
            )?,
            PinCounter::Staff(id) => tx.execute(
                "UPDATE staff SET pin_failures = ?1, pin_last_failure = ?2 WHERE id = ?3",
                (failures, ts(now), id),
            )?,
        };
        if changed == 0 {
            return Err(StoreError::Missing("PIN counter"));
        }
        tx.commit()?;
        Ok(Ok(failures))
    }

    /// A right PIN: the counter starts again from nothing.
    pub fn clear_pin_failures(&self, counter: PinCounter) -> Result<(), StoreError> {
        match counter {
            PinCounter::Pad => self.conn().execute(
                "UPDATE pin_lockout SET failures = 0, last_failure = NULL WHERE id = 1",
                [],
            )?,
            PinCounter::Staff(id) => self.conn().execute(
                "UPDATE staff SET pin_failures = 0, pin_last_failure = NULL WHERE id = ?1",
                [id],
            )?,
        };
        Ok(())
    }

    pub fn audit(
        &self,
        staff: &str,
        action: &str,
        record: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        insert_audit(self.conn(), staff, action, record, detail, now)
    }

    pub fn audit_since(&self, since: DateTime<Utc>) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT at, staff, action, record, detail FROM audit WHERE at >= ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([ts(since)], |r| {
                let at: String = r.get(0)?;
                Ok(AuditEntry {
                    at: parse_ts(&at).unwrap_or_default(),
                    staff: r.get(1)?,
                    action: r.get(2)?,
                    record: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

fn read_counter(conn: &rusqlite::Connection, counter: PinCounter) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
    let row: Option<(u32, Option<String>)> = match counter {
        PinCounter::Pad => conn
            .query_row("SELECT failures, last_failure FROM pin_lockout WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?,
        PinCounter::Staff(id) => conn
            .query_row(
                "SELECT pin_failures, pin_last_failure FROM staff WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
    };
    Ok(row.map_or((0, None), |(n, at)| (n, at.as_deref().and_then(parse_ts))))
}

/// One audit row, on a connection or inside a caller's transaction (a record and its
/// audit row written together).
pub(super) fn insert_audit(
    conn: &rusqlite::Connection,
    staff: &str,
    action: &str,
    record: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit(at, staff, action, record, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        (ts(now), staff, action, record, detail),
    )?;
    Ok(())
}
