//! The kiosk's secrets in the data folder: the Ed25519 key that signs slip QR codes,
//! and the key that fingerprints ID numbers. Created on first run with mode 0600;
//! `lobby-kiosk keys export-public` hands guards' devices what they need to verify.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::Rng;

use crate::data_folder::{self, KEYS_DIR};
use crate::domain::token::{KeyRing, SigningKey};

/// The key id every kiosk's first key had before ids were random; such keys keep
/// signing and verifying where they exist, and no new key gets this id.
pub const FIRST_KEY_ID: u8 = 1;
/// The ID-hash secret's file in the keys folder.
pub const ID_HASH_FILE: &str = "id-hash.key";

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read or write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a key this kiosk wrote (expected 64 hex digits)")]
    Corrupt { path: PathBuf },
    #[error(
        "{path} can be read by other users (mode {mode:o}); the kiosk will not use a key others can read. \
         Make it private with `chmod 600 {path}` (and `chmod 700` its folder), then start again"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error(
        "the {what} is missing from {dir}, but the database holds {holds} made with it; the kiosk will not \
         silently make a new key. Put the keys folder back from the kiosk's copy of its data folder; if it \
         is lost for good, run `lobby-kiosk keys renew` (slips printed before then will read as unknown_key \
         and need reprinting)"
    )]
    Missing {
        what: &'static str,
        dir: PathBuf,
        holds: &'static str,
    },
}

pub struct Keys {
    pub signing: SigningKey,
    /// Older signing keys still in the folder: their slips keep verifying.
    pub older: Vec<SigningKey>,
    /// Secret for keyed hashes of ID numbers (never leaves the kiosk).
    pub id_secret: [u8; 32],
}

/// What the database already holds that the keys were used for: a key missing then is
/// a lost key, not a first run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeysInUse {
    /// Slips with signed QR codes were issued (visits, passes, permits, invites).
    pub tokens: bool,
    /// Workers' ID numbers were fingerprinted with the ID-hash secret.
    pub id_hashes: bool,
}

impl KeysInUse {
    pub fn with_id_hashes(self, id_hashes: bool) -> KeysInUse {
        KeysInUse { id_hashes, ..self }
    }
}

impl Keys {
    /// Loads the keys from `<data>/keys/`, creating any that are missing on a kiosk
    /// that has not used them yet. A new signing key gets a random id (2–255), so a
    /// slip from another kiosk reads as `unknown_key`. A key file others can read is
    /// refused, and so is a missing key the database shows was in use.
    pub fn load_or_create(data_dir: &Path, in_use: KeysInUse) -> Result<Keys, KeyFileError> {
        let dir = data_dir.join(KEYS_DIR);
        create_private_dir(&dir)?;
        let mut signing = load_signing_keys(&dir)?;
        if signing.is_empty() {
            if in_use.tokens {
                return Err(KeyFileError::Missing {
                    what: "signing key (signing-N.key)",
                    dir,
                    holds: "slips whose QR codes it signed",
                });
            }
            signing.push(new_signing_key(&dir, &[])?);
        }
        let id_path = dir.join(ID_HASH_FILE);
        if !id_path.exists() && in_use.id_hashes {
            return Err(KeyFileError::Missing {
                what: "ID-hash key (id-hash.key)",
                dir,
                holds: "workers' ID numbers fingerprinted with it",
            });
        }
        let id_secret = load_or_create_secret(&id_path)?;
        let (signing, older) = split_newest(signing);
        Ok(Keys {
            signing,
            older,
            id_secret,
        })
    }

    /// Makes a new signing key (a random id no key in the folder has) and an ID-hash key
    /// if that one is missing: for a kiosk whose keys are lost for good, or to rotate
    /// the signing key. The new key signs from now on; older ones in the folder keep
    /// verifying. Returns the new key's id.
    pub fn renew(data_dir: &Path) -> Result<u8, KeyFileError> {
        let dir = data_dir.join(KEYS_DIR);
        create_private_dir(&dir)?;
        let existing: Vec<u8> = load_signing_keys(&dir)?.iter().map(|(k, _)| k.key_id()).collect();
        let (key, _) = new_signing_key(&dir, &existing)?;
        load_or_create_secret(&dir.join(ID_HASH_FILE))?;
        Ok(key.key_id())
    }

    /// The public keys guards' devices need: the signing key and the older ones.
    pub fn ring(&self) -> KeyRing {
        let mut ring = KeyRing::new();
        for key in self.older.iter().chain([&self.signing]) {
            ring.insert(key.key_id(), key.verifying_key());
        }
        ring
    }
}

fn create_private_dir(dir: &Path) -> Result<(), KeyFileError> {
    let io = |source| KeyFileError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    data_folder::tighten(dir, 0o700).map_err(io)
}

/// `signing-<id>.key` files, with their modification times (the newest signs).
fn load_signing_keys(dir: &Path) -> Result<Vec<(SigningKey, std::time::SystemTime)>, KeyFileError> {
    let entries = std::fs::read_dir(dir).map_err(|source| KeyFileError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut keys = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name
            .strip_prefix("signing-")
            .and_then(|n| n.strip_suffix(".key"))
            .and_then(|n| n.parse::<u8>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let secret = load_secret(&path)?;
        let key = SigningKey::from_bytes(id, &secret).map_err(|_| KeyFileError::Corrupt { path: path.clone() })?;
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        keys.push((key, modified));
    }
    Ok(keys)
}

fn split_newest(mut keys: Vec<(SigningKey, std::time::SystemTime)>) -> (SigningKey, Vec<SigningKey>) {
    keys.sort_by_key(|(k, modified)| (*modified, k.key_id()));
    let (newest, _) = keys.pop().expect("at least one signing key");
    (newest, keys.into_iter().map(|(k, _)| k).collect())
}

fn new_signing_key(dir: &Path, taken: &[u8]) -> Result<(SigningKey, std::time::SystemTime), KeyFileError> {
    let mut rng = rand::rngs::OsRng;
    let id = loop {
        let id: u8 = rng.gen_range(2..=255);
        if !taken.contains(&id) && !dir.join(format!("signing-{id}.key")).exists() {
            break id;
        }
    };
    let path = dir.join(format!("signing-{id}.key"));
    let secret = load_or_create_secret(&path)?;
    let key = SigningKey::from_bytes(id, &secret).map_err(|_| KeyFileError::Corrupt { path })?;
    Ok((key, std::time::SystemTime::UNIX_EPOCH))
}

/// Reads a key file, refusing one others can read.
fn load_secret(path: &Path) -> Result<[u8; 32], KeyFileError> {
    if let Some(mode) = data_folder::mode_of(path) {
        if data_folder::is_exposed(mode) {
            return Err(KeyFileError::Exposed {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    decode_hex32(text.trim()).ok_or_else(|| KeyFileError::Corrupt {
        path: path.to_path_buf(),
    })
}

fn load_or_create_secret(path: &Path) -> Result<[u8; 32], KeyFileError> {
    let io = |source| KeyFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::metadata(path) {
        Ok(_) => load_secret(path),
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

    const NEW: KeysInUse = KeysInUse {
        tokens: false,
        id_hashes: false,
    };
    const USED: KeysInUse = KeysInUse {
        tokens: true,
        id_hashes: true,
    };

    fn signing_files(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir.join(KEYS_DIR))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("signing-"))
            .collect()
    }

    #[test]
    fn keys_are_created_private_and_stable_with_a_random_id() {
        let dir = tempfile::tempdir().unwrap();
        let first = Keys::load_or_create(dir.path(), NEW).unwrap();
        let again = Keys::load_or_create(dir.path(), USED).unwrap();
        assert_eq!(first.signing.to_bytes(), again.signing.to_bytes());
        assert_eq!(first.signing.key_id(), again.signing.key_id());
        assert_ne!(
            first.signing.key_id(),
            FIRST_KEY_ID,
            "a new key never takes the old shared id"
        );
        assert_eq!(first.id_secret, again.id_secret);
        assert_ne!(first.signing.to_bytes(), first.id_secret);
        let files = signing_files(dir.path());
        assert_eq!(files.len(), 1);
        #[cfg(unix)]
        {
            assert_eq!(data_folder::mode_of(&files[0]), Some(0o600));
            assert_eq!(data_folder::mode_of(&dir.path().join(KEYS_DIR)), Some(0o700));
        }
    }

    #[test]
    fn an_old_key_with_id_1_keeps_signing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(KEYS_DIR)).unwrap();
        load_or_create_secret(&dir.path().join("keys/signing-1.key")).unwrap();
        let keys = Keys::load_or_create(dir.path(), USED.with_id_hashes(false)).unwrap();
        assert_eq!(keys.signing.key_id(), FIRST_KEY_ID);
    }

    #[test]
    fn a_damaged_key_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("keys")).unwrap();
        std::fs::write(dir.path().join("keys/signing-1.key"), "not hex").unwrap();
        data_folder::chmod(&dir.path().join("keys/signing-1.key"), 0o600).unwrap();
        assert!(matches!(
            Keys::load_or_create(dir.path(), NEW),
            Err(KeyFileError::Corrupt { .. })
        ));
    }

    #[test]
    fn a_missing_key_the_database_used_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let err = Keys::load_or_create(dir.path(), USED).err().expect("refused");
        assert!(matches!(err, KeyFileError::Missing { .. }), "{err}");
        assert!(err.to_string().contains("keys renew"), "{err}");
        assert!(signing_files(dir.path()).is_empty(), "no key was made");
        // Renewing is the deliberate way out; the next start uses the new key.
        let id = Keys::renew(dir.path()).unwrap();
        let keys = Keys::load_or_create(dir.path(), USED).unwrap();
        assert_eq!(keys.signing.key_id(), id);
    }

    #[test]
    fn renewing_keeps_the_older_key_verifying() {
        let dir = tempfile::tempdir().unwrap();
        let before = Keys::load_or_create(dir.path(), NEW).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let id = Keys::renew(dir.path()).unwrap();
        assert_ne!(id, before.signing.key_id());
        let after = Keys::load_or_create(dir.path(), USED).unwrap();
        assert_eq!(after.signing.key_id(), id, "the new key signs");
        assert!(
            after.ring().get(before.signing.key_id()).is_some(),
            "the old one still verifies"
        );
        assert_eq!(after.id_secret, before.id_secret, "the ID-hash key is kept");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        Keys::load_or_create(dir.path(), NEW).unwrap();
        let file = signing_files(dir.path()).remove(0);
        data_folder::chmod(&file, 0o644).unwrap();
        let err = Keys::load_or_create(dir.path(), USED).err().expect("refused");
        assert!(matches!(err, KeyFileError::Exposed { .. }), "{err}");
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}
