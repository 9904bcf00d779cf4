//! Mainland China mobile numbers, as typed on the kiosk keypad.
//!
//! Call-backs, visitor hosts and repair requests all hinge on a phone number
//! that staff can actually ring, so the number is checked at the point of
//! entry, where the person is still standing there and can correct it.

use std::fmt;

use thiserror::Error;

use super::mask::mask_phone;

/// Why a typed phone number was not accepted. Each case maps to a different
/// polite hint on screen ("请输入11位手机号码" versus "请只输入数字").
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    #[error("no phone number was entered")]
    Empty,
    #[error("the phone number may contain digits only")]
    NotDigits,
    #[error("a mobile number has 11 digits, {len} were entered")]
    WrongLength { len: usize },
    #[error("this is not a mainland mobile number")]
    NotMobile,
}

/// An 11-digit mainland mobile number that has passed [`parse_mobile`].
///
/// `Debug` and `Display` both show the masked form so the full number can
/// never leak into logs or screens by accident; use [`Mobile::as_str`] where
/// the full number is genuinely needed (storage, dialling).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mobile(String);

impl Mobile {
    /// The full 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown on screens and slips, e.g. `138****5678`.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }

    /// The last four digits, which people use to confirm "is this your number?".
    pub fn last4(&self) -> &str {
        // Always 11 ASCII digits, so byte slicing is safe.
        &self.0[self.0.len() - 4..]
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mobile({})", self.masked())
    }
}

/// Accepts a mainland mobile number: 11 digits, starting with `1`, second
/// digit 3-9. Spaces (including full-width ones) and hyphens are ignored,
/// because people naturally type `138 1234 5678` or `138-1234-5678`.
pub fn parse_mobile(input: &str) -> Result<Mobile, PhoneError> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(PhoneError::NotDigits);
    }
    if digits.len() != 11 {
        return Err(PhoneError::WrongLength { len: digits.len() });
    }
    let bytes = digits.as_bytes();
    if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
        return Err(PhoneError::NotMobile);
    }
    Ok(Mobile(digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_plain_and_formatted() {
        for input in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "138\u{3000}1234\u{3000}5678",
        ] {
            let m = parse_mobile(input).unwrap();
            assert_eq!(m.as_str(), "13812345678");
            assert_eq!(m.masked(), "138****5678");
            assert_eq!(m.last4(), "5678");
        }
    }

    #[test]
    fn display_and_debug_are_masked() {
        let m = parse_mobile("19987654321").unwrap();
        assert_eq!(m.to_string(), "199****4321");
        assert_eq!(format!("{m:?}"), "Mobile(199****4321)");
    }

    #[test]
    fn rejects_with_precise_reason() {
        assert_eq!(parse_mobile(""), Err(PhoneError::Empty));
        assert_eq!(parse_mobile(" - - "), Err(PhoneError::Empty));
        assert_eq!(parse_mobile("1381234567a"), Err(PhoneError::NotDigits));
        assert_eq!(parse_mobile("+8613812345678"), Err(PhoneError::NotDigits));
        assert_eq!(parse_mobile("１３８１２３４５６７８"), Err(PhoneError::NotDigits));
        assert_eq!(parse_mobile("1381234567"), Err(PhoneError::WrongLength { len: 10 }));
        assert_eq!(parse_mobile("138123456789"), Err(PhoneError::WrongLength { len: 12 }));
        assert_eq!(parse_mobile("12812345678"), Err(PhoneError::NotMobile));
        assert_eq!(parse_mobile("10812345678"), Err(PhoneError::NotMobile));
        assert_eq!(parse_mobile("23812345678"), Err(PhoneError::NotMobile));
        assert_eq!(parse_mobile("07551234567"), Err(PhoneError::NotMobile));
    }

    #[test]
    fn second_digit_boundaries() {
        assert!(parse_mobile("13000000000").is_ok());
        assert!(parse_mobile("19999999999").is_ok());
        assert_eq!(parse_mobile("12999999999"), Err(PhoneError::NotMobile));
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(n in "1[3-9][0-9]{9}") {
            let m = parse_mobile(&n).unwrap();
            prop_assert_eq!(m.as_str(), n.as_str());
            prop_assert_eq!(m.last4(), &n[7..]);
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            if let Ok(m) = parse_mobile(&s) {
                prop_assert_eq!(m.as_str().len(), 11);
            }
        }
    }
}
