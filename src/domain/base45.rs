//! Base45 (RFC 9285): binary data as text made only of the characters a QR
//! code can store in its compact alphanumeric mode.
//!
//! Base45 spends 3 characters per 2 bytes at 5.5 bits per character, which
//! is what lets a signed slip token fit a small QR code that a cheap thermal
//! printer can still print crisply. Decoding is strict (no lower case, no
//! out-of-range groups), so every byte string has exactly one text form.

use thiserror::Error;

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Why a text is not valid Base45.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Base45Error {
    #[error("Base45 text cannot have a length of 1 more than a multiple of 3")]
    BadLength,
    #[error("character at position {index} is not in the Base45 alphabet")]
    BadChar { index: usize },
    #[error("character group at position {index} encodes a value that is too large")]
    Overflow { index: usize },
}

/// Encodes bytes as Base45 text.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    for chunk in bytes.chunks(2) {
        let (mut n, digits) = match *chunk {
            [a, b] => (usize::from(a) * 256 + usize::from(b), 3),
            [a] => (usize::from(a), 2),
            _ => continue,
        };
        for _ in 0..digits {
            out.push(char::from(ALPHABET[n % 45]));
            n /= 45;
        }
    }
    out
}

/// Decodes Base45 text, rejecting anything that [`encode`] would not produce.
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let raw = text.as_bytes();
    if raw.len() % 3 == 1 {
        return Err(Base45Error::BadLength);
    }
    let mut out = Vec::with_capacity(raw.len() / 3 * 2 + 1);
    for (group, chunk) in raw.chunks(3).enumerate() {
        let start = group * 3;
        let mut n = 0usize;
        for (i, &c) in chunk.iter().enumerate().rev() {
            let v = ALPHABET
                .iter()
                .position(|&a| a == c)
                .ok_or(Base45Error::BadChar { index: start + i })?;
            n = n * 45 + v;
        }
        let overflow = Base45Error::Overflow { index: start };
        if chunk.len() == 3 {
            let pair = u16::try_from(n).map_err(|_| overflow)?;
            out.extend_from_slice(&pair.to_be_bytes());
        } else {
            out.push(u8::try_from(n).map_err(|_| overflow)?);
        }
    }
    Ok(out)
}

/// Whether every character can be stored in a QR code's alphanumeric mode,
/// which is exactly the Base45 alphabet.
pub fn is_qr_alphanumeric(text: &str) -> bool {
    text.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Examples from RFC 9285, sections 4.3 and 4.4.
    #[test]
    fn rfc_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(encode(b"ietf!"), "QED8WEX0");
        assert_eq!(encode(b""), "");
        assert_eq!(decode("").unwrap(), b"");
    }

    #[test]
    fn edge_values() {
        assert_eq!(encode(&[0xff, 0xff]), "FGW");
        assert_eq!(decode("FGW").unwrap(), [0xff, 0xff]);
        assert_eq!(encode(&[0xff]), "U5");
        assert_eq!(decode("U5").unwrap(), [0xff]);
        assert_eq!(encode(&[0, 0]), "000");
    }

    #[test]
    fn rejects_invalid() {
        // RFC 9285 section 6: "GGW" would be 65536.
        assert_eq!(decode("GGW"), Err(Base45Error::Overflow { index: 0 }));
        assert_eq!(decode("BB8V5"), Err(Base45Error::Overflow { index: 3 }));
        assert_eq!(decode("BB8A"), Err(Base45Error::BadLength));
        assert_eq!(decode("bb8"), Err(Base45Error::BadChar { index: 1 }));
        assert_eq!(decode("BB#"), Err(Base45Error::BadChar { index: 2 }));
        assert_eq!(decode("Bé"), Err(Base45Error::BadChar { index: 2 }));
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let text = encode(&bytes);
            prop_assert!(is_qr_alphanumeric(&text));
            prop_assert_eq!(text.len(), bytes.len() / 2 * 3 + bytes.len() % 2 * 2);
            prop_assert_eq!(decode(&text).unwrap(), bytes);
        }

        #[test]
        fn decode_is_canonical(text in "[0-9A-Z $%*+./:-]{0,30}") {
            if let Ok(bytes) = decode(&text) {
                prop_assert_eq!(encode(&bytes), text);
            }
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = decode(&s);
        }
    }
}
