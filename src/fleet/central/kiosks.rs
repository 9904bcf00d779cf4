//! `fleet add-kiosk`: a kiosk's own PostgreSQL role (a random password, stored only as a
//! SCRAM hash on the server and printed once in the kiosk's settings), its row in
//! `fleet.kiosks` with a record-number prefix unique in the compound.

use rand::distributions::{Alphanumeric, DistString};
use serde::Serialize;

use super::CentralError;

/// The `[fleet]` settings a kiosk needs, as `add-kiosk` prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KioskSettings {
    pub url: String,
    pub compound_id: String,
    pub kiosk_id: String,
    pub record_prefix: String,
}

impl KioskSettings {
    /// The TOML table to paste into the kiosk's configuration.
    pub fn toml(&self) -> String {
        let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
        format!(
            "[fleet]\nurl = {}\ncompound_id = {}\nkiosk_id = {}\nrecord_prefix = {}\n",
            quote(&self.url),
            quote(&self.compound_id),
            quote(&self.kiosk_id),
            quote(&self.record_prefix)
        )
    }
}

/// The longest compound or kiosk id.
pub const MAX_ID: usize = 32;

/// A compound or kiosk id: 1–32 letters, digits, `-` or `_` (it becomes part of a
/// PostgreSQL role name and of every global id, whose parts are separated by dots).
pub fn check_id(what: &str, id: &str) -> Result<(), CentralError> {
    let ok =
        !id.is_empty() && id.len() <= MAX_ID && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(CentralError::BadId(format!(
            "the {what} id must be 1 to {MAX_ID} letters, digits, '-' or '_'"
        )))
    }
}

/// The parts of a `postgres://` URL a kiosk's URL keeps: host (and port), database and
/// query (sslmode and the like), without the admin's name and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts {
    pub host: String,
    pub path: String,
    pub query: String,
}

pub fn split_url(url: &str) -> Result<UrlParts, CentralError> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or(CentralError::BadUrl)?;
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, q),
        None => (rest, ""),
    };
    let (authority, path) = match before_query.split_once('/') {
        Some((a, p)) => (a, p),
        None => (before_query, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() {
        return Err(CentralError::BadUrl);
    }
    // Credentials given as parameters are the admin's, never the kiosk's.
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            key != "user" && key != "password"
        })
        .collect::<Vec<_>>()
        .join("&");
    Ok(UrlParts {
        host: host.to_string(),
        path: path.to_string(),
        query,
    })
}

/// The kiosk's URL: its role and password on the admin URL's server and database.
pub fn kiosk_url(admin_url: &str, role: &str, password: &str) -> Result<String, CentralError> {
    let parts = split_url(admin_url)?;
    let mut url = format!("postgres://{role}:{password}@{}/{}", parts.host, parts.path);
    if !parts.query.is_empty() {
        url.push('?');
        url.push_str(&parts.query);
    }
    Ok(url)
}

/// The next free record-number prefix: A…Z, then AA, AB, ….
pub fn next_prefix(taken: &[String]) -> String {
    let letters = || (b'A'..=b'Z').map(|b| (b as char).to_string());
    letters()
        .chain(letters().flat_map(|a| letters().map(move |b| format!("{a}{b}"))))
        .find(|p| !taken.contains(p))
        .unwrap_or_else(|| "ZZZ".to_string())
}

fn role_part(id: &str) -> String {
    id.to_ascii_lowercase().replace('-', "_").chars().take(20).collect()
}

/// Creates the kiosk's role and row; returns its settings. One transaction: a failure
/// leaves no role behind.
pub fn add_kiosk(
    client: &mut postgres::Client,
    admin_url: &str,
    compound: &str,
    kiosk: &str,
) -> Result<KioskSettings, CentralError> {
    check_id("compound", compound)?;
    check_id("kiosk", kiosk)?;
    split_url(admin_url)?;
    if super::migrate::current_version(client)?.is_none() {
        return Err(CentralError::NotMigrated);
    }
    let mut rng = rand::rngs::OsRng;
    let password = Alphanumeric.sample_string(&mut rng, 32);
    let suffix = Alphanumeric.sample_string(&mut rng, 6).to_ascii_lowercase();
    let role = format!("kiosk_{}_{}_{suffix}", role_part(compound), role_part(kiosk));
    let mut tx = client.transaction()?;
    tx.execute(
        "INSERT INTO fleet.compounds (compound_id) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&compound],
    )?;
    // Serialise prefix choice within the compound.
    tx.execute(
        "SELECT 1 FROM fleet.compounds WHERE compound_id = $1 FOR UPDATE",
        &[&compound],
    )?;
    let exists = tx
        .query_opt(
            "SELECT 1 FROM fleet.kiosks WHERE compound_id = $1 AND kiosk_id = $2",
            &[&compound, &kiosk],
        )?
        .is_some();
    if exists {
        return Err(CentralError::KioskExists {
            compound: compound.to_string(),
            kiosk: kiosk.to_string(),
        });
    }
    let taken: Vec<String> = tx
        .query("SELECT prefix FROM fleet.kiosks WHERE compound_id = $1", &[&compound])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let prefix = next_prefix(&taken);
    // Only the SCRAM verifier reaches the server, so no statement log holds the password.
    let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());
    tx.batch_execute(&format!(
        "CREATE ROLE \"{role}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '{verifier}' IN ROLE fleet_kiosk"
    ))?;
    tx.execute(
        "INSERT INTO fleet.kiosks (compound_id, kiosk_id, role_name, prefix) VALUES ($1, $2, $3, $4)",
        &[&compound, &kiosk, &role, &prefix],
    )?;
    tx.commit()?;
    Ok(KioskSettings {
        url: kiosk_url(admin_url, &role, &password)?,
        compound_id: compound.to_string(),
        kiosk_id: kiosk.to_string(),
        record_prefix: prefix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kiosk_url_keeps_server_database_and_sslmode_but_not_the_admin() {
        let url = kiosk_url(
            "postgres://admin:s3cret@db.example.com:5433/fleet?sslmode=verify-full&password=x",
            "kiosk_a_b_123456",
            "pw",
        )
        .unwrap();
        assert_eq!(
            url,
            "postgres://kiosk_a_b_123456:pw@db.example.com:5433/fleet?sslmode=verify-full"
        );
        assert!(!url.contains("s3cret") && !url.contains("admin"));
        assert!(matches!(
            kiosk_url("mysql://x@y/z", "r", "p"),
            Err(CentralError::BadUrl)
        ));
    }

    #[test]
    fn prefixes_are_handed_out_in_order_and_never_twice() {
        assert_eq!(next_prefix(&[]), "A");
        assert_eq!(next_prefix(&["A".into(), "C".into()]), "B");
        let all: Vec<String> = (b'A'..=b'Z').map(|b| (b as char).to_string()).collect();
        assert_eq!(next_prefix(&all), "AA");
    }

    #[test]
    fn ids_that_would_break_a_role_name_or_a_global_id_are_refused() {
        assert!(check_id("kiosk", "north-gate_2").is_ok());
        for bad in ["", "a.b", "a b", "门岗", "x'; DROP ROLE y; --", &"k".repeat(33)] {
            assert!(check_id("kiosk", bad).is_err(), "{bad}");
        }
    }
}
