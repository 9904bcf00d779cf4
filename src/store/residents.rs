//! The resident directory: who lives in which unit. Kept private: the screens only ever
//! ask "does this unit exist?", and phone numbers leave the store masked.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ts, Store, StoreError};

/// One resident as imported. `phone` is the full number: mask it before showing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resident {
    pub unit_no: String,
    pub surname: String,
    pub phone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResidentSummary {
    pub units: i64,
    pub residents: i64,
}

impl Store {
    /// Replaces the whole directory in one transaction: all rows or none.
    pub fn replace_residents(&mut self, rows: &[Resident], now: DateTime<Utc>) -> Result<usize, StoreError> {
        let tx = super::begin(self.conn_mut(), false)?;
        tx.execute("DELETE FROM residents", [])?;
        // The rows' global ids (in a fleet) go with them: the new rows are new records.
        tx.execute("DELETE FROM fleet_gids WHERE tbl = 'residents'", [])?;
        {
            let mut insert =
                tx.prepare("INSERT INTO residents(unit_no, surname, phone, imported_at) VALUES (?1, ?2, ?3, ?4)")?;
            let at = ts(now);
            for row in rows {
                insert.execute((&row.unit_no, &row.surname, &row.phone, &at))?;
            }
        }
        tx.commit()?;
        Ok(rows.len())
    }

    pub fn unit_exists(&self, unit_no: &str) -> Result<bool, StoreError> {
        Ok(self.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM residents WHERE unit_no = ?1)",
            [unit_no],
            |r| r.get(0),
        )?)
    }

    /// A unit that is in the directory (the first imported), for the hint's example, so
    /// a person who types the example reaches a real home. `None` if the directory is
    /// empty.
    pub fn example_unit(&self) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row("SELECT unit_no FROM residents ORDER BY rowid LIMIT 1", [], |r| r.get(0))
            .optional()?)
    }

    /// The directory ordered by unit, full phone numbers included (the caller masks).
    pub fn residents(&self) -> Result<Vec<Resident>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT unit_no, surname, phone FROM residents ORDER BY unit_no, id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Resident {
                    unit_no: r.get(0)?,
                    surname: r.get(1)?,
                    phone: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn resident_summary(&self) -> Result<ResidentSummary, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(DISTINCT unit_no), count(*) FROM residents", [], |r| {
                Ok(ResidentSummary {
                    units: r.get(0)?,
                    residents: r.get(1)?,
                })
            })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resident(unit: &str, surname: &str, phone: &str) -> Resident {
        Resident {
            unit_no: unit.into(),
            surname: surname.into(),
            phone: phone.into(),
        }
    }

    #[test]
    fn replace_lookup_and_summary() {
        let mut store = Store::open_in_memory().unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+08:00")
            .unwrap()
            .to_utc();
        store
            .replace_residents(
                &[
                    resident("3-2-1201", "王", "13812345678"),
                    resident("3-2-1201", "李", "13900001111"),
                    resident("1-1-101", "张", "13700002222"),
                ],
                now,
            )
            .unwrap();
        assert!(store.unit_exists("3-2-1201").unwrap());
        assert!(!store.unit_exists("3-2-1202").unwrap());
        assert_eq!(
            store.resident_summary().unwrap(),
            ResidentSummary { units: 2, residents: 3 }
        );
        assert_eq!(store.residents().unwrap()[0].unit_no, "1-1-101");

        store
            .replace_residents(&[resident("9-1-901", "赵", "13600003333")], now)
            .unwrap();
        assert!(
            !store.unit_exists("3-2-1201").unwrap(),
            "an import replaces the directory"
        );
        assert_eq!(store.resident_summary().unwrap().residents, 1);
    }
}
