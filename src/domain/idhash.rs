//! Keyed fingerprints of identity card numbers.
//!
//! Renovation workers show an ID card to collect a pass, and the desk needs
//! to recognise the same worker next time, but a table of ID numbers is
//! exactly the kind of owner/worker record that must stay confidential. So
//! only an HMAC of the number (useless without the kiosk's secret, unlike a
//! plain hash, which could be reversed by trying every birth date) and its
//! last four characters (for a human to confirm "is this you?") are stored.
//!
//! The secret should be at least 32 random bytes; an ID number has too little
//! entropy for a short or guessable secret to protect it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What is stored instead of an ID number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdFingerprint {
    /// HMAC-SHA256 of the normalised number, lower-case hex (64 characters).
    pub hash_hex: String,
    /// The last four characters of the normalised number, or empty if the
    /// number is too short for four characters to be safe to show.
    pub last4: String,
}

impl IdFingerprint {
    /// Whether a freshly typed number belongs to this fingerprint. The
    /// comparison does not stop at the first differing character.
    pub fn matches(&self, secret: &[u8], id: &str) -> bool {
        let other = id_fingerprint(secret, id);
        let (a, b) = (self.hash_hex.as_bytes(), other.hash_hex.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// Normalises the way people type the same number differently: spaces
/// anywhere, a lower-case check letter `x`, full-width digits from a Chinese
/// input method.
pub fn normalise_id(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'ｘ' | 'Ｘ' => 'X',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Computes the stored pair for an ID number.
pub fn id_fingerprint(secret: &[u8], id: &str) -> IdFingerprint {
    let id = normalise_id(id);
    // HMAC accepts keys of any length, so this never fails.
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(id.as_bytes());
    let hash_hex = data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes());
    let chars: Vec<char> = id.chars().collect();
    let last4 = if chars.len() >= 8 {
        chars[chars.len() - 4..].iter().collect()
    } else {
        String::new()
    };
    IdFingerprint { hash_hex, last4 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn known_value() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?",
        // after normalisation removes spaces and upper-cases.
        let fp = id_fingerprint(b"Jefe", "what do ya want for nothing?");
        let mut mac = <HmacSha256 as Mac>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"WHATDOYAWANTFORNOTHING?");
        assert_eq!(
            fp.hash_hex,
            data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
        );
        // And the raw primitive matches the RFC vector, so the hex is real HMAC-SHA256.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn normalises_case_and_spaces() {
        let a = id_fingerprint(SECRET, "44030119900101123X");
        let b = id_fingerprint(SECRET, " 440301 19900101 123x ");
        let c = id_fingerprint(SECRET, "４４０３０１１９９００１０１１２３ｘ");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.last4, "123X");
        assert_eq!(a.hash_hex.len(), 64);
        assert!(a
            .hash_hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert!(a.matches(SECRET, "44030119900101123x"));
        assert!(!a.matches(SECRET, "440301199001011234"));
    }

    #[test]
    fn depends_on_secret_and_number() {
        let a = id_fingerprint(SECRET, "440301199001011234");
        assert_ne!(
            a.hash_hex,
            id_fingerprint(b"another secret", "440301199001011234").hash_hex
        );
        assert_ne!(a.hash_hex, id_fingerprint(SECRET, "440301199001011235").hash_hex);
        assert!(!a.matches(b"another secret", "440301199001011234"));
        assert!(!a.hash_hex.contains("1234"));
    }

    #[test]
    fn short_numbers_hide_last4() {
        assert_eq!(id_fingerprint(SECRET, "1234567").last4, "");
        assert_eq!(id_fingerprint(SECRET, "A1234567").last4, "4567");
        assert_eq!(id_fingerprint(SECRET, "").last4, "");
        assert_eq!(id_fingerprint(b"", "").hash_hex.len(), 64);
    }

    proptest! {
        #[test]
        fn never_panics(secret in proptest::collection::vec(any::<u8>(), 0..100), id in any::<String>()) {
            let fp = id_fingerprint(&secret, &id);
            prop_assert_eq!(fp.hash_hex.len(), 64);
            prop_assert!(fp.last4.chars().count() == 4 || fp.last4.is_empty());
            prop_assert!(fp.matches(&secret, &id));
        }
    }
}
