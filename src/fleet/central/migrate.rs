//! Numbered migrations shipped in the binary, applied in order, each in one transaction,
//! under an advisory lock so two `fleet migrate` runs never interleave. Running it again
//! changes nothing; a database migrated by a newer program is refused.

use super::CentralError;

/// The migrations, in order; version = position + 1.
pub const MIGRATIONS: &[&str] = &[
    include_str!("sql/0001_schema.sql"),
    include_str!("sql/0002_daily_report.sql"),
    include_str!("sql/0003_round_indexes.sql"),
    include_str!("sql/0004_push_cost.sql"),
];

/// The advisory lock's key ("fleet" in ASCII).
const LOCK_KEY: i64 = 0x0066_6c65_6574;

/// The newest version this program knows.
pub fn latest() -> i32 {
    MIGRATIONS.len() as i32
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Migrated {
    pub from: i32,
    pub to: i32,
}

/// Brings the schema up to [`latest`].
pub fn migrate(client: &mut postgres::Client) -> Result<Migrated, CentralError> {
    client.execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])?;
    let result = migrate_locked(client);
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]);
    result
}

fn migrate_locked(client: &mut postgres::Client) -> Result<Migrated, CentralError> {
    client.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS fleet;
         CREATE TABLE IF NOT EXISTS fleet.schema_migrations (
             version    int PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         );",
    )?;
    let from = current_version(client)?.unwrap_or(0);
    if from > latest() {
        return Err(CentralError::NewerSchema {
            found: from,
            known: latest(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let version = i as i32 + 1;
        let mut tx = client.transaction()?;
        tx.batch_execute(sql)?;
        tx.execute("INSERT INTO fleet.schema_migrations (version) VALUES ($1)", &[&version])?;
        tx.commit()?;
    }
    Ok(Migrated { from, to: latest() })
}

/// The newest applied version, `None` before the first migration.
pub fn current_version(client: &mut postgres::Client) -> Result<Option<i32>, CentralError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('fleet.schema_migrations') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(None);
    }
    Ok(client
        .query_one("SELECT max(version) FROM fleet.schema_migrations", &[])?
        .get(0))
}
