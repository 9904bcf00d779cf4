//! Invites (pre-registered visitors) and the deny list.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};

#[derive(Debug, Clone)]
pub struct NewInvite {
    pub unit_no: String,
    pub surname: String,
    pub phone: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub created_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Invite {
    pub id: i64,
    pub code: String,
    pub unit_no: String,
    pub surname: String,
    #[serde(skip)]
    pub phone: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DenyEntry {
    pub id: i64,
    #[serde(skip)]
    pub phone: String,
    pub reason: String,
    pub added_at: DateTime<Utc>,
    pub added_by: String,
}

const INVITE_COLUMNS: &str =
    "id, code, unit_no, surname, phone, valid_from, valid_until, created_at, created_by, used_at, revoked_at";

fn invite_row(r: &Row<'_>) -> rusqlite::Result<Invite> {
    let date = |i: usize| -> rusqlite::Result<NaiveDate> {
        let text: String = r.get(i)?;
        Ok(NaiveDate::parse_from_str(&text, "%Y-%m-%d").unwrap_or_default())
    };
    let time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        let text: Option<String> = r.get(i)?;
        Ok(text.as_deref().and_then(parse_ts))
    };
    Ok(Invite {
        id: r.get(0)?,
        code: r.get(1)?,
        unit_no: r.get(2)?,
        surname: r.get(3)?,
        phone: r.get(4)?,
        valid_from: date(5)?,
        valid_until: date(6)?,
        created_at: time(7)?.unwrap_or_default(),
        created_by: r.get(8)?,
        used_at: time(9)?,
        revoked_at: time(10)?,
    })
}

impl Store {
    /// Records an invite under `code`; fails with `CodeTaken` if an open invite has it.
    pub fn insert_invite(&self, new: &NewInvite, code: &str, now: DateTime<Utc>) -> Result<Invite, StoreError> {
        let result = self.conn().execute(
            "INSERT INTO invites(code, unit_no, surname, phone, valid_from, valid_until, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                code,
                new.unit_no,
                new.surname,
                new.phone,
                new.valid_from.format("%Y-%m-%d").to_string(),
                new.valid_until.format("%Y-%m-%d").to_string(),
                ts(now),
                new.created_by,
            ],
        );
        match result {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
                return Err(StoreError::CodeTaken)
            }
            Err(e) => return Err(e.into()),
        }
        let id = self.conn().last_insert_rowid();
        let sql = format!("SELECT {INVITE_COLUMNS} FROM invites WHERE id = ?1");
        Ok(self.conn().prepare_cached(&sql)?.query_row([id], invite_row)?)
    }

    /// An unused, unrevoked invite with this code, whatever its dates (the caller
    /// judges the dates so it can say why a code does not work today).
    pub fn open_invite(&self, code: &str) -> Result<Option<Invite>, StoreError> {
        let sql =
            format!("SELECT {INVITE_COLUMNS} FROM invites WHERE code = ?1 AND used_at IS NULL AND revoked_at IS NULL");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([code], invite_row)
            .optional()?)
    }

    /// An unused, unrevoked invite by its id (from a signed invite QR code).
    pub fn open_invite_by_id(&self, id: i64) -> Result<Option<Invite>, StoreError> {
        let sql =
            format!("SELECT {INVITE_COLUMNS} FROM invites WHERE id = ?1 AND used_at IS NULL AND revoked_at IS NULL");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], invite_row)
            .optional()?)
    }

    pub fn invites(&self, include_closed: bool) -> Result<Vec<Invite>, StoreError> {
        let filter = if include_closed {
            ""
        } else {
            "WHERE used_at IS NULL AND revoked_at IS NULL"
        };
        let sql = format!("SELECT {INVITE_COLUMNS} FROM invites {filter} ORDER BY valid_from, id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], invite_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn revoke_invite(&self, code: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE invites SET revoked_at = ?2 WHERE code = ?1 AND used_at IS NULL AND revoked_at IS NULL",
            (code, ts(now)),
        )?;
        Ok(changed > 0)
    }

    /// Why this phone is on the deny list, if it is.
    pub fn denied_reason(&self, phone: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT reason FROM deny_list WHERE phone = ?1", [phone], |r| r.get(0))
            .optional()?)
    }

    /// Adds (or updates the reason of) a deny-list entry.
    pub fn deny_add(&self, phone: &str, reason: &str, by: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO deny_list(phone, reason, added_at, added_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(phone) DO UPDATE SET reason = excluded.reason, added_at = excluded.added_at, added_by = excluded.added_by",
            (phone, reason, ts(now), by),
        )?;
        Ok(())
    }

    pub fn deny_remove(&self, phone: &str) -> Result<bool, StoreError> {
        Ok(self.conn().execute("DELETE FROM deny_list WHERE phone = ?1", [phone])? > 0)
    }

    pub fn deny_list(&self) -> Result<Vec<DenyEntry>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, phone, reason, added_at, added_by FROM deny_list ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| {
                let added: String = r.get(3)?;
                Ok(DenyEntry {
                    id: r.get(0)?,
                    phone: r.get(1)?,
                    reason: r.get(2)?,
                    added_at: parse_ts(&added).unwrap_or_default(),
                    added_by: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
