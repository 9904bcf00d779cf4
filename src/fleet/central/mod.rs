//! The central side of the fleet: the schema in PostgreSQL that every kiosk of every
//! compound pushes to and pulls from (schema `fleet`), created and upgraded by
//! `lobby-kiosk fleet migrate`, and the kiosks' own roles made by `fleet add-kiosk`.
//! Row-level security keeps each kiosk to its own compound; `fleet_report` reads all.

pub mod kiosks;
pub mod migrate;

use thiserror::Error;

use super::connect::ConnectError;

#[derive(Debug, Error)]
pub enum CentralError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The server answered with an error (the text never holds a password).
    #[error("the central database refused: {0}")]
    Refused(String),
    /// The database's schema is newer than this binary knows.
    #[error("the central schema is at version {found}, newer than this program's {known}; upgrade lobby-kiosk first")]
    NewerSchema { found: i32, known: i32 },
    /// The schema has not been created yet.
    #[error("the central schema is not there yet; run `lobby-kiosk fleet migrate` first")]
    NotMigrated,
    /// A compound or kiosk id the server cannot use.
    #[error("{0}")]
    BadId(String),
    /// The admin URL is not a `postgres://` URL.
    #[error("the admin URL must look like postgres://user:password@host:port/database")]
    BadUrl,
    /// That kiosk exists already.
    #[error("kiosk {kiosk} of compound {compound} is already registered")]
    KioskExists { compound: String, kiosk: String },
}

impl From<postgres::Error> for CentralError {
    fn from(err: postgres::Error) -> Self {
        CentralError::Refused(match err.as_db_error() {
            Some(db) => db.message().to_string(),
            None => err.to_string(),
        })
    }
}
