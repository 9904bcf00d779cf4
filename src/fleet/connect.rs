//! Opening a connection to the central PostgreSQL from a `postgres://` URL.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConnectError {
    /// The server could not be reached or refused us; the text never holds the password.
    #[error("the central database cannot be reached: {0}")]
    Unreachable(String),
}

/// Connect to `url`. (TLS modes are added by the kiosk side of the fleet work.)
pub fn connect(url: &str) -> Result<postgres::Client, ConnectError> {
    postgres::Client::connect(url, postgres::NoTls).map_err(|e| ConnectError::Unreachable(e.to_string()))
}
