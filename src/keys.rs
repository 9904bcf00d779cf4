//! The kiosk's secrets in the data folder: the Ed25519 key that signs slip QR codes,
//! and the key that fingerprints ID numbers. Created on first run with mode 0600;
//! `lobby-kiosk keys export-public` hands guards' devices what they need to verify.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::token::{KeyRing, SigningKey};

/// The key id of the first signing key; a rotated key gets the next id.
pub const FIRST_KEY_ID: u8 = 1;

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read or write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a key this kiosk wrote (expected 64 hex digits)")]
    Corrupt { path: PathBuf },
}

pub struct Keys {
    pub signing: SigningKey,
    /// Secret for keyed hashes of ID numbers (never leaves the kiosk).
    pub id_secret: [u8; 32],
}

impl Keys {
    /// Loads the keys from `<data>/keys/`, creating any that are missing.
    pub fn load_or_create(data_dir: &Path) -> Result<Keys, KeyFileError> {
        let dir = data_dir.join("keys");
        std::fs::create_dir_all(&dir).map_err(|source| KeyFileError::Io {
            path: dir.clone(),
            source,
        })?;
        let signing_path = dir.join(format!("signing-{FIRST_KEY_ID}.key"));
        let secret = load_or_create_secret(&signing_path)?;
        let signing = SigningKey::from_bytes(FIRST_KEY_ID, &secret).map_err(|_| KeyFileError::Corrupt {
            path: signing_path.clone(),
        })?;
        let id_secret = load_or_create_secret(&dir.join("id-hash.key"))?;
        Ok(Keys { signing, id_secret })
    }

    /// The public keys guards' devices need.
    pub fn ring(&self) -> KeyRing {
        let mut ring = KeyRing::new();
        ring.insert(self.signing.key_id(), self.signing.verifying_key());
        ring
    }
}

fn load_or_create_secret(path: &Path) -> Result<[u8; 32], KeyFileError> {
    let io = |source| KeyFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => decode_hex32(text.trim()).ok_or_else(|| KeyFileError::Corrupt {
            path: path.to_path_buf(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
            let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
            let tmp = path.with_extension("tmp");
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&tmp).map_err(io)?;
            file.write_all(hex.as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(io)?;
            std::fs::rename(&tmp, path).map_err(io)?;
            Ok(secret)
        }
        Err(e) => Err(io(e)),
    }
}

fn decode_hex32(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_created_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let first = Keys::load_or_create(dir.path()).unwrap();
        let again = Keys::load_or_create(dir.path()).unwrap();
        assert_eq!(first.signing.to_bytes(), again.signing.to_bytes());
        assert_eq!(first.id_secret, again.id_secret);
        assert_ne!(first.signing.to_bytes(), first.id_secret);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys/signing-1.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_key_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("keys")).unwrap();
        std::fs::write(dir.path().join("keys/signing-1.key"), "not hex").unwrap();
        assert!(matches!(
            Keys::load_or_create(dir.path()),
            Err(KeyFileError::Corrupt { .. })
        ));
    }
}
