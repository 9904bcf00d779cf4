//! The `[fleet]` table of the configuration. Absent: the kiosk is standalone, exactly as
//! before. Present: the kiosk queues every record for the central PostgreSQL and takes
//! down what the compound's other kiosks share.
//!
//! ```toml
//! [fleet]
//! url = "postgres://kiosk_c1_a@db.example.com:5432/fleet?sslmode=verify-full"
//! password_file = "/etc/lobby-kiosk/fleet.pw"   # or password_env = "KIOSK_FLEET_PW", or inline in the url
//! compound_id = "c1"
//! kiosk_id = "a"
//! record_prefix = "A"
//! ```
//!
//! The password is never printed: `Debug` shows the URL with `***` in its place.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::connect::{self, ConnectError, Target, TlsMode};

/// A `[fleet]` value that parsed but cannot work, with its dotted key (the configuration
/// turns it into its own `Invalid`; defined here so `fleet` does not import `config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub key: &'static str,
    pub reason: String,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetSettings {
    /// `postgres://role[:password]@host[:port]/db[?sslmode=disable|require|verify-full]`
    pub url: String,
    pub compound_id: String,
    pub kiosk_id: String,
    /// Put before this kiosk's record numbers (A-V20261203-0001) so they stay unique
    /// across the compound's kiosks; `fleet add-kiosk` hands one out.
    #[serde(default)]
    pub record_prefix: String,
    /// A file holding the password (its first line), readable by the kiosk's user only.
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// The name of an environment variable holding the password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// A PEM file of the certificate authority that signed the server's certificate
    /// (`verify-full` against a company's own CA instead of the web's roots).
    #[serde(default)]
    pub ssl_root_cert: Option<PathBuf>,
}

impl fmt::Debug for FleetSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetSettings")
            .field("url", &connect::redacted(&self.url))
            .field("compound_id", &self.compound_id)
            .field("kiosk_id", &self.kiosk_id)
            .field("record_prefix", &self.record_prefix)
            .field("password_file", &self.password_file)
            .field("password_env", &self.password_env)
            .field("ssl_root_cert", &self.ssl_root_cert)
            .finish()
    }
}

/// An id: letters, digits, `-` and `_`, 1–32 characters (it becomes part of global ids
/// and of PostgreSQL role names).
pub fn is_plain_id(text: &str) -> bool {
    !text.is_empty()
        && text.chars().count() <= 32
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl FleetSettings {
    /// What serde cannot check, with the key it belongs to.
    pub fn validate(&self) -> Result<(), Invalid> {
        let bad = |key, reason: &str| {
            Err(Invalid {
                key,
                reason: reason.to_string(),
            })
        };
        if !(self.url.starts_with("postgres://") || self.url.starts_with("postgresql://")) {
            return bad(
                "fleet.url",
                "must be a postgres:// address, e.g. \"postgres://kiosk_a@db.example.com/fleet?sslmode=verify-full\"",
            );
        }
        if let Err(e) = Target::parse(&self.url, Some("x"), None) {
            let why = match e {
                ConnectError::BadUrl(why) | ConnectError::Unreachable(why) => why,
            };
            return Err(Invalid {
                key: "fleet.url",
                reason: format!("cannot be read: {why}"),
            });
        }
        if !is_plain_id(&self.compound_id) {
            return bad(
                "fleet.compound_id",
                "must be 1 to 32 letters, digits, '-' or '_' (as `fleet add-kiosk` printed it)",
            );
        }
        if !is_plain_id(&self.kiosk_id) {
            return bad(
                "fleet.kiosk_id",
                "must be 1 to 32 letters, digits, '-' or '_' (as `fleet add-kiosk` printed it)",
            );
        }
        let prefix_ok = self.record_prefix.len() <= 4 && self.record_prefix.chars().all(|c| c.is_ascii_alphanumeric());
        if !prefix_ok {
            return bad(
                "fleet.record_prefix",
                "must be 1 to 4 letters or digits, e.g. \"A\" (or left out for a kiosk alone)",
            );
        }
        let inline = connect::url_password(&self.url).is_some_and(|p| !p.is_empty());
        let sources = [inline, self.password_file.is_some(), self.password_env.is_some()];
        if sources.iter().filter(|s| **s).count() > 1 {
            return bad(
                "fleet.password_file",
                "give the password one way only: in the url, in password_file, or in password_env",
            );
        }
        if let Some(name) = &self.password_env {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return bad(
                    "fleet.password_env",
                    "must be the name of an environment variable, e.g. \"KIOSK_FLEET_PW\"",
                );
            }
        }
        if let Some(path) = &self.ssl_root_cert {
            if !path.is_file() {
                return bad(
                    "fleet.ssl_root_cert",
                    "must be the path of a PEM file holding the certificate authority",
                );
            }
        }
        Ok(())
    }

    /// The password from `password_file` or `password_env`, if one of them is set.
    pub fn password(&self) -> Result<Option<String>, ConnectError> {
        if let Some(path) = &self.password_file {
            return read_password_file(path).map(Some);
        }
        if let Some(name) = &self.password_env {
            return match std::env::var(name) {
                Ok(value) if !value.is_empty() => Ok(Some(value)),
                _ => Err(ConnectError::BadUrl(format!(
                    "the environment variable {name} (fleet.password_env) is not set"
                ))),
            };
        }
        Ok(None)
    }

    /// The parsed connection target, password included.
    pub fn target(&self) -> Result<Target, ConnectError> {
        let password = self.password()?;
        Target::parse(&self.url, password.as_deref(), self.ssl_root_cert.as_deref())
    }

    /// Connect as this kiosk's role.
    pub fn connect(&self) -> Result<postgres::Client, ConnectError> {
        self.target()?.connect()
    }

    /// What `check` shows of the connection: the URL without its password, and the TLS mode.
    pub fn describe(&self) -> String {
        let mode = match self.target().map(|t| t.tls) {
            Ok(TlsMode::Disable) => "no TLS",
            Ok(TlsMode::Require) => "TLS (certificate not checked)",
            Ok(TlsMode::VerifyFull) => "TLS (certificate verified)",
            Err(_) => "?",
        };
        format!("{} — {mode}", connect::redacted(&self.url))
    }

    /// The prefix as put before record numbers: "A-" or nothing.
    pub fn number_prefix(&self) -> String {
        if self.record_prefix.is_empty() {
            String::new()
        } else {
            format!("{}-", self.record_prefix)
        }
    }
}

fn read_password_file(path: &Path) -> Result<String, ConnectError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConnectError::BadUrl(format!(
            "the password file {} (fleet.password_file) cannot be read: {e}",
            path.display()
        ))
    })?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r').to_string();
    if line.is_empty() {
        return Err(ConnectError::BadUrl(format!(
            "the password file {} (fleet.password_file) is empty",
            path.display()
        )));
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> FleetSettings {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_good_table_passes_and_debug_hides_the_password() {
        let s = parse(
            "url = \"postgres://kiosk_a:hunter22@db.example.com/fleet?sslmode=require\"\ncompound_id = \"c1\"\nkiosk_id = \"a\"\nrecord_prefix = \"A\"",
        );
        assert_eq!(s.validate(), Ok(()));
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter22"), "{shown}");
        assert!(!s.describe().contains("hunter22"));
        assert_eq!(s.number_prefix(), "A-");
    }

    #[test]
    fn bad_values_are_named_by_key() {
        let base = "compound_id = \"c1\"\nkiosk_id = \"a\"\n";
        let s = parse(&format!("url = \"mysql://x\"\n{base}"));
        assert_eq!(s.validate().unwrap_err().key, "fleet.url");
        let s = parse("url = \"postgres://u@h/f\"\ncompound_id = \"c 1\"\nkiosk_id = \"a\"");
        assert_eq!(s.validate().unwrap_err().key, "fleet.compound_id");
        let s = parse(&format!("url = \"postgres://u@h/f\"\n{base}record_prefix = \"A-B\""));
        assert_eq!(s.validate().unwrap_err().key, "fleet.record_prefix");
        let s = parse(&format!("url = \"postgres://u:p@h/f\"\n{base}password_env = \"PW\""));
        assert_eq!(s.validate().unwrap_err().key, "fleet.password_file");
        let s = parse(&format!("url = \"postgres://u@h/f?sslmode=sometimes\"\n{base}"));
        assert_eq!(s.validate().unwrap_err().key, "fleet.url");
    }

    #[test]
    fn the_password_comes_from_a_file_or_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "from-the-file\n").unwrap();
        let mut s = parse("url = \"postgres://u@h/f\"\ncompound_id = \"c\"\nkiosk_id = \"a\"");
        s.password_file = Some(file);
        assert_eq!(s.password().unwrap().as_deref(), Some("from-the-file"));
        s.password_file = None;
        s.password_env = Some("LOBBY_KIOSK_TEST_SURELY_UNSET".into());
        let err = s.password().unwrap_err().to_string();
        assert!(err.contains("LOBBY_KIOSK_TEST_SURELY_UNSET"), "{err}");
    }
}
