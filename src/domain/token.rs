//! Signed tokens printed as QR codes on visit slips, passes and tickets.
//!
//! A guard at the gate has to trust a slip without calling the front desk,
//! often without network access, so the slip carries its own proof: a small
//! binary payload signed with Ed25519. Guards hold only public keys, so a
//! stolen guard device cannot mint passes. The text form stays inside the QR
//! alphanumeric character set and the worst case fits a version-6 QR code at
//! error-correction level M, small enough for a 58 mm thermal printer.
//!
//! Layout of the signed bytes (version `LK1`):
//!
//! | bytes | field                                                      |
//! |-------|------------------------------------------------------------|
//! | 1     | key id                                                     |
//! | 1     | kind (bits 5-6), unit length 0-16 (bits 0-4), bit 7 zero   |
//! | 0-16  | unit, UTF-8                                                |
//! | 1-10  | id, LEB128, minimal                                        |
//! | 4     | valid from, minutes since 1970-01-01 UTC, big endian       |
//! | 4     | valid until, same                                          |
//! | 64    | Ed25519 signature over all the bytes above                 |
//!
//! The token text is `LK1:` followed by the Base45 form of those bytes.
//! Scanners must pass it on verbatim: Base45 may end in a space.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use data_encoding::HEXLOWER_PERMISSIVE;
use ed25519_dalek::{Signature, Signer};
use thiserror::Error;

pub use ed25519_dalek::VerifyingKey;

use super::base45;

/// Text prefix; the digit is the layout version, bumped if the layout changes.
pub const PREFIX: &str = "LK1:";
/// Longest unit text a token can carry.
pub const MAX_UNIT_BYTES: usize = 16;
const SIG_LEN: usize = 64;
const MAX_MSG_LEN: usize = 1 + 1 + MAX_UNIT_BYTES + 10 + 4 + 4;
const MAX_TOKEN_BYTES: usize = MAX_MSG_LEN + SIG_LEN;

/// What a slip grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenKind {
    Visit,
    Pass,
    Permit,
    Ticket,
    /// A visitor's invitation (预约), so its QR code is signed like every other slip.
    Invite,
}

impl TokenKind {
    fn code(self) -> u8 {
        match self {
            Self::Visit => 0,
            Self::Pass => 1,
            Self::Permit => 2,
            Self::Ticket => 3,
            Self::Invite => 4,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        [Self::Visit, Self::Pass, Self::Permit, Self::Ticket, Self::Invite]
            .get(usize::from(code))
            .copied()
    }
}

/// The facts a slip vouches for. Times are kept to the minute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenPayload {
    pub kind: TokenKind,
    pub id: u64,
    pub unit: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub key_id: u8,
}

/// Why a token could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    #[error("unit text is {len} bytes, at most {MAX_UNIT_BYTES} fit in a token")]
    UnitTooLong { len: usize },
    #[error("validity times must lie between 1970 and the year 10000")]
    TimeOutOfRange,
    #[error("the token would be valid for less than a minute")]
    EmptyValidity,
    #[error("payload names key {payload} but is being signed with key {key}")]
    KeyIdMismatch { payload: u8, key: u8 },
}

/// Why a scanned token is not honoured, in the order the checks are made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error("not a kiosk token")]
    Malformed,
    #[error("signed with unknown key {key_id}")]
    UnknownKey { key_id: u8 },
    #[error("signature does not match")]
    BadSignature,
    #[error("not valid before {valid_from}")]
    NotYetValid { valid_from: DateTime<Utc> },
    #[error("expired at {valid_until}")]
    Expired { valid_until: DateTime<Utc> },
    #[error("revoked")]
    Revoked,
}

/// Problems with key material.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("a secret key is 32 bytes, got {len}")]
    BadSecretLength { len: usize },
    #[error("line {line}: expected \"<key id> <hex public key>\"")]
    BadLine { line: usize },
    #[error("line {line}: key id must be a number from 0 to 255")]
    BadKeyId { line: usize },
    #[error("line {line}: not a valid Ed25519 public key")]
    BadKey { line: usize },
    #[error("line {line}: key id {key_id} appears twice")]
    DuplicateKeyId { line: usize, key_id: u8 },
}

/// The kiosk's private signing key together with its id. The id lets keys be
/// rotated: guards keep old public keys until slips signed with them expire.
#[derive(Clone)]
pub struct SigningKey {
    key_id: u8,
    inner: ed25519_dalek::SigningKey,
}

impl SigningKey {
    /// A fresh key from the operating system's random source.
    pub fn generate(key_id: u8) -> Self {
        let inner = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        Self { key_id, inner }
    }

    /// Restores a key saved with [`SigningKey::to_bytes`].
    pub fn from_bytes(key_id: u8, secret: &[u8]) -> Result<Self, KeyError> {
        let secret: &[u8; 32] = secret
            .try_into()
            .map_err(|_| KeyError::BadSecretLength { len: secret.len() })?;
        let inner = ed25519_dalek::SigningKey::from_bytes(secret);
        Ok(Self { key_id, inner })
    }

    /// The 32 secret bytes; store them where only the kiosk can read them.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.inner.to_bytes()
    }

    pub fn key_id(&self) -> u8 {
        self.key_id
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.inner.verifying_key()
    }
}

/// Never prints the secret.
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey {{ key_id: {}, .. }}", self.key_id)
    }
}

/// The public keys a guard device trusts, by key id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyRing {
    keys: BTreeMap<u8, VerifyingKey>,
}

impl KeyRing {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key, returning the one it replaced.
    pub fn insert(&mut self, key_id: u8, key: VerifyingKey) -> Option<VerifyingKey> {
        self.keys.insert(key_id, key)
    }

    pub fn get(&self, key_id: u8) -> Option<&VerifyingKey> {
        self.keys.get(&key_id)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// One line per key, `<key id> <hex>`, for copying to guard devices.
    pub fn export_public(&self) -> String {
        self.keys
            .iter()
            .map(|(id, k)| format!("{id} {}\n", data_encoding::HEXLOWER.encode(k.as_bytes())))
            .collect()
    }

    /// Reads [`KeyRing::export_public`] output; blank lines and lines starting
    /// with `#` are skipped so the file can carry notes about each key.
    pub fn parse_public(text: &str) -> Result<Self, KeyError> {
        let mut ring = Self::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split_whitespace();
            let (Some(id), Some(hex), None) = (fields.next(), fields.next(), fields.next()) else {
                return Err(KeyError::BadLine { line: line_no });
            };
            let key_id: u8 = id.parse().map_err(|_| KeyError::BadKeyId { line: line_no })?;
            let bad_key = || KeyError::BadKey { line: line_no };
            let bytes = HEXLOWER_PERMISSIVE.decode(hex.as_bytes()).map_err(|_| bad_key())?;
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| bad_key())?;
            let key = VerifyingKey::from_bytes(&bytes).map_err(|_| bad_key())?;
            if ring.insert(key_id, key).is_some() {
                return Err(KeyError::DuplicateKeyId { line: line_no, key_id });
            }
        }
        Ok(ring)
    }
}

/// Produces the QR text for a payload. Times are cut to the whole minute,
/// which only ever shortens validity at the end.
pub fn sign(key: &SigningKey, payload: &TokenPayload) -> Result<String, SignError> {
    if payload.key_id != key.key_id {
        return Err(SignError::KeyIdMismatch {
            payload: payload.key_id,
            key: key.key_id,
        });
    }
    let msg = encode_payload(payload)?;
    Ok(sign_bytes(key, msg))
}

fn sign_bytes(key: &SigningKey, mut msg: Vec<u8>) -> String {
    let sig = key.inner.sign(&msg);
    msg.extend_from_slice(&sig.to_bytes());
    format!("{PREFIX}{}", base45::encode(&msg))
}

/// Checks a scanned token. The signature is checked before any field is
/// trusted; only the key-id byte is read first, to pick the key. Then the
/// validity period (start inclusive, end exclusive), then revocation, which
/// is consulted last because it may need a lookup.
pub fn verify(
    token: &str,
    ring: &KeyRing,
    now: DateTime<Utc>,
    is_revoked: impl Fn(TokenKind, u64) -> bool,
) -> Result<TokenPayload, VerifyError> {
    let body = token.strip_prefix(PREFIX).ok_or(VerifyError::Malformed)?;
    // Refuse oversized input before decoding it.
    if body.len() > MAX_TOKEN_BYTES.div_ceil(2) * 3 {
        return Err(VerifyError::Malformed);
    }
    let bytes = base45::decode(body).map_err(|_| VerifyError::Malformed)?;
    if bytes.len() <= SIG_LEN || bytes.len() > MAX_TOKEN_BYTES {
        return Err(VerifyError::Malformed);
    }
    let (msg, sig) = bytes.split_at(bytes.len() - SIG_LEN);
    let key_id = msg[0];
    let key = ring.get(key_id).ok_or(VerifyError::UnknownKey { key_id })?;
    let sig: &[u8; SIG_LEN] = sig.try_into().map_err(|_| VerifyError::Malformed)?;
    key.verify_strict(msg, &Signature::from_bytes(sig))
        .map_err(|_| VerifyError::BadSignature)?;

    let payload = decode_payload(msg).ok_or(VerifyError::Malformed)?;
    if now < payload.valid_from {
        return Err(VerifyError::NotYetValid {
            valid_from: payload.valid_from,
        });
    }
    if now >= payload.valid_until {
        return Err(VerifyError::Expired {
            valid_until: payload.valid_until,
        });
    }
    if is_revoked(payload.kind, payload.id) {
        return Err(VerifyError::Revoked);
    }
    Ok(payload)
}

/// The kind a token claims, read WITHOUT checking its signature: only for routing a
/// scan to the journey that will verify it. Never trust anything else from it.
pub fn peek_kind(token: &str) -> Option<TokenKind> {
    let body = token.strip_prefix(PREFIX)?;
    if body.len() > MAX_TOKEN_BYTES.div_ceil(2) * 3 {
        return None;
    }
    let bytes = base45::decode(body).ok()?;
    if bytes.len() <= SIG_LEN + 2 {
        return None;
    }
    TokenKind::from_code(bytes[1] >> 5)
}

fn to_minutes(t: DateTime<Utc>) -> Result<u32, SignError> {
    u32::try_from(t.timestamp().div_euclid(60)).map_err(|_| SignError::TimeOutOfRange)
}

fn from_minutes(m: u32) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(i64::from(m) * 60, 0)
}

fn encode_payload(p: &TokenPayload) -> Result<Vec<u8>, SignError> {
    let unit = p.unit.as_bytes();
    if unit.len() > MAX_UNIT_BYTES {
        return Err(SignError::UnitTooLong { len: unit.len() });
    }
    let from = to_minutes(p.valid_from)?;
    let until = to_minutes(p.valid_until)?;
    if until <= from {
        return Err(SignError::EmptyValidity);
    }
    let mut out = Vec::with_capacity(MAX_MSG_LEN);
    out.push(p.key_id);
    // unit.len() <= 16 was checked above, so it fits the low five bits.
    out.push(p.kind.code() << 5 | unit.len() as u8);
    out.extend_from_slice(unit);
    let mut id = p.id;
    loop {
        let low = (id & 0x7f) as u8;
        id >>= 7;
        if id == 0 {
            out.push(low);
            break;
        }
        out.push(low | 0x80);
    }
    out.extend_from_slice(&from.to_be_bytes());
    out.extend_from_slice(&until.to_be_bytes());
    Ok(out)
}

/// Strict inverse of [`encode_payload`]: anything it would not have written
/// (non-minimal varints, stray bits, trailing bytes, empty validity) is
/// rejected.
fn decode_payload(msg: &[u8]) -> Option<TokenPayload> {
    let (&key_id, rest) = msg.split_first()?;
    let (&head, rest) = rest.split_first()?;
    // The kind is the top three bits; the codes no kind uses (5 to 7) are refused.
    let kind = TokenKind::from_code(head >> 5)?;
    let unit_len = usize::from(head & 0x1f);
    if unit_len > MAX_UNIT_BYTES || rest.len() < unit_len {
        return None;
    }
    let (unit, mut rest) = rest.split_at(unit_len);
    let unit = String::from_utf8(unit.to_vec()).ok()?;

    let mut id: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&b, tail) = rest.split_first()?;
        rest = tail;
        let bits = u64::from(b & 0x7f);
        if shift == 63 && bits > 1 {
            return None;
        }
        id |= bits << shift;
        if b & 0x80 == 0 {
            if b == 0 && shift > 0 {
                return None;
            }
            break;
        }
        if shift == 63 {
            return None;
        }
    }

    let [f0, f1, f2, f3, u0, u1, u2, u3] = *rest else {
        return None;
    };
    let valid_from = from_minutes(u32::from_be_bytes([f0, f1, f2, f3]))?;
    let valid_until = from_minutes(u32::from_be_bytes([u0, u1, u2, u3]))?;
    if valid_until <= valid_from {
        return None;
    }
    Some(TokenPayload {
        kind,
        id,
        unit,
        valid_from,
        valid_until,
        key_id,
    })
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
