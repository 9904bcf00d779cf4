//! The schema, as an append-only list of migrations applied by `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: add a new one. A database written by a
//! newer kiosk (user_version beyond this list) is refused rather than guessed at.

use rusqlite::Connection;

use super::StoreError;

/// Each entry moves the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the resident directory the journeys check rooms against, and kiosk facts.
    r#"
    CREATE TABLE residents (
        id          INTEGER PRIMARY KEY,
        unit_no     TEXT NOT NULL,
        surname     TEXT NOT NULL,
        phone       TEXT NOT NULL,
        imported_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX residents_by_unit ON residents(unit_no);
    CREATE TABLE kiosk_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;
    "#,
];

/// The schema version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

pub fn current(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Brings the database up to [`latest`], each step in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let found = current(conn)?;
    if found > latest() {
        return Err(StoreError::SchemaTooNew { found, known: latest() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as u32)?;
        tx.commit()?;
    }
    current(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_applies_in_order_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), latest());
        assert_eq!(migrate(&mut conn).unwrap(), latest(), "running twice changes nothing");
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'residents'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::SchemaTooNew { .. })));
    }
}
