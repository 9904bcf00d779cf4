//! Unit (room) numbers in the compound's own format.
//!
//! Every compound writes its addresses differently (`3-2-1201` with building,
//! unit and room, or `12-1801` without units), and a visitor typing a room
//! number is the first thing that can go wrong at the desk. The format comes
//! from configuration so the kiosk can tell *which* part looks wrong and give
//! a precise, polite hint instead of a flat "not found".

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One part of a unit number. The letter used in the configured pattern
/// carries the part's allowed number of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartKind {
    /// `B`: building (栋/幢), 1-3 digits.
    Building,
    /// `U`: unit / entrance (单元), 1-2 digits.
    Unit,
    /// `F`: floor (层), 1-2 digits, for compounds that number floors separately.
    Floor,
    /// `R`: room (室), 3-4 digits.
    Room,
}

impl PartKind {
    fn from_letter(s: &str) -> Option<Self> {
        match s {
            "B" | "b" => Some(Self::Building),
            "U" | "u" => Some(Self::Unit),
            "F" | "f" => Some(Self::Floor),
            "R" | "r" => Some(Self::Room),
            _ => None,
        }
    }

    /// The pattern letter.
    pub fn letter(self) -> char {
        match self {
            Self::Building => 'B',
            Self::Unit => 'U',
            Self::Floor => 'F',
            Self::Room => 'R',
        }
    }

    /// Fewest digits the part may have once leading zeros are dropped.
    pub fn min_digits(self) -> usize {
        match self {
            Self::Room => 3,
            _ => 1,
        }
    }

    /// Most digits the part may have once leading zeros are dropped.
    pub fn max_digits(self) -> usize {
        match self {
            Self::Building => 3,
            Self::Unit | Self::Floor => 2,
            Self::Room => 4,
        }
    }

    fn example(self) -> &'static str {
        match self {
            Self::Building => "3",
            Self::Unit => "2",
            Self::Floor => "12",
            Self::Room => "1201",
        }
    }
}

/// Why a pattern or a typed unit number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UnitError {
    #[error("the unit-number pattern is empty")]
    EmptyPattern,
    #[error("unknown part {part:?} in unit-number pattern (use B, U, F, R separated by '-')")]
    UnknownPatternPart { part: String },
    #[error("part {letter} appears twice in the unit-number pattern")]
    DuplicatePatternPart { letter: char },
    #[error("the unit-number pattern must contain a room part R")]
    MissingRoom,
    #[error("no unit number was entered")]
    Empty,
    #[error("expected {expected} parts separated by '-', found {found}")]
    WrongPartCount { expected: usize, found: usize },
    #[error("part {} ({kind:?}) must be {}-{} digits and not zero", index + 1, kind.min_digits(), kind.max_digits())]
    BadPart { index: usize, kind: PartKind },
}

/// The compound's unit-number format, e.g. `B-U-R` for `3-2-1201`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitFormat {
    parts: Vec<PartKind>,
}

impl UnitFormat {
    /// Reads a pattern such as `B-U-R`, `B-R` or `B-F-R`. Letters are
    /// case-insensitive; each may appear once and `R` is required.
    pub fn parse(pattern: &str) -> Result<Self, UnitError> {
        let pattern = pattern.trim();
        if pattern.is_empty() {
            return Err(UnitError::EmptyPattern);
        }
        let mut parts = Vec::new();
        for raw in pattern.split('-') {
            let raw = raw.trim();
            let kind =
                PartKind::from_letter(raw).ok_or_else(|| UnitError::UnknownPatternPart { part: raw.to_string() })?;
            if parts.contains(&kind) {
                return Err(UnitError::DuplicatePatternPart { letter: kind.letter() });
            }
            parts.push(kind);
        }
        if !parts.contains(&PartKind::Room) {
            return Err(UnitError::MissingRoom);
        }
        Ok(Self { parts })
    }

    /// How many numbers a unit number has in this compound.
    pub fn part_count(&self) -> usize {
        self.parts.len()
    }

    /// The parts in the order they are written.
    pub fn parts(&self) -> &[PartKind] {
        &self.parts
    }

    /// An example unit number for on-screen hints, e.g. `3-2-1201`.
    pub fn example(&self) -> String {
        self.parts.iter().map(|k| k.example()).collect::<Vec<_>>().join("-")
    }

    /// Reads a typed unit number, dropping leading zeros (`03-2-1201` becomes
    /// `3-2-1201`) so the same room always has one spelling in the records.
    ///
    /// Hyphens of any width, slashes and spaces all count as separators, and
    /// full-width digits are accepted, since on-screen and phone keyboards
    /// produce all of them.
    pub fn parse_unit(&self, input: &str) -> Result<UnitNo, UnitError> {
        let pieces: Vec<&str> = input.split(is_separator).filter(|p| !p.is_empty()).collect();
        if pieces.is_empty() {
            return Err(UnitError::Empty);
        }
        if pieces.len() != self.parts.len() {
            return Err(UnitError::WrongPartCount {
                expected: self.parts.len(),
                found: pieces.len(),
            });
        }
        let mut parts = Vec::with_capacity(pieces.len());
        for (index, (piece, &kind)) in pieces.iter().zip(&self.parts).enumerate() {
            let value = parse_part(piece, kind).ok_or(UnitError::BadPart { index, kind })?;
            parts.push((kind, value));
        }
        Ok(UnitNo { parts })
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '－' | '—' | '–' | '‐' | '/' | '／')
}

fn parse_part(piece: &str, kind: PartKind) -> Option<u32> {
    let mut digits = String::with_capacity(piece.len());
    for c in piece.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            _ => return None,
        }
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() < kind.min_digits() || significant.len() > kind.max_digits() {
        return None;
    }
    // At most 4 digits remain here, so this cannot overflow.
    significant.parse().ok()
}

impl TryFrom<String> for UnitFormat {
    type Error = UnitError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<UnitFormat> for String {
    fn from(f: UnitFormat) -> Self {
        f.to_string()
    }
}

impl fmt::Display for UnitFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, k) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            write!(f, "{}", k.letter())?;
        }
        Ok(())
    }
}

/// A unit number that matched the compound's format, in normalised form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitNo {
    parts: Vec<(PartKind, u32)>,
}

impl UnitNo {
    /// The number of the given part, if the compound's format has it.
    pub fn part(&self, kind: PartKind) -> Option<u32> {
        self.parts.iter().find(|(k, _)| *k == kind).map(|(_, v)| *v)
    }

    /// The building number, if the format has one.
    pub fn building(&self) -> Option<u32> {
        self.part(PartKind::Building)
    }

    /// The room number (always present).
    pub fn room(&self) -> u32 {
        self.part(PartKind::Room).unwrap_or_default()
    }
}

impl fmt::Display for UnitNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (_, v)) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bur() -> UnitFormat {
        UnitFormat::parse("B-U-R").unwrap()
    }

    #[test]
    fn parses_patterns() {
        assert_eq!(bur().part_count(), 3);
        assert_eq!(bur().example(), "3-2-1201");
        assert_eq!(bur().to_string(), "B-U-R");
        let br = UnitFormat::parse(" b - r ").unwrap();
        assert_eq!(br.part_count(), 2);
        assert_eq!(br.example(), "3-1201");
        assert_eq!(UnitFormat::parse("B-F-R").unwrap().example(), "3-12-1201");
    }

    #[test]
    fn rejects_bad_patterns() {
        assert_eq!(UnitFormat::parse(" "), Err(UnitError::EmptyPattern));
        assert_eq!(
            UnitFormat::parse("B-X-R"),
            Err(UnitError::UnknownPatternPart { part: "X".into() })
        );
        assert_eq!(
            UnitFormat::parse("B--R"),
            Err(UnitError::UnknownPatternPart { part: "".into() })
        );
        assert_eq!(
            UnitFormat::parse("B-R-R"),
            Err(UnitError::DuplicatePatternPart { letter: 'R' })
        );
        assert_eq!(UnitFormat::parse("B-U"), Err(UnitError::MissingRoom));
    }

    #[test]
    fn serde_from_and_to_string() {
        #[derive(Debug, Deserialize, Serialize)]
        struct Cfg {
            unit_format: UnitFormat,
        }
        let cfg: Cfg = toml::from_str(r#"unit_format = "B-U-R""#).unwrap();
        assert_eq!(cfg.unit_format, bur());
        assert_eq!(toml::to_string(&cfg).unwrap().trim(), r#"unit_format = "B-U-R""#);
        let err = toml::from_str::<Cfg>(r#"unit_format = "B-Q""#).unwrap_err();
        assert!(err.to_string().contains("unknown part"), "{err}");
    }

    #[test]
    fn normalises_units() {
        let f = bur();
        let u = f.parse_unit("03-2-1201").unwrap();
        assert_eq!(u.to_string(), "3-2-1201");
        assert_eq!(u.building(), Some(3));
        assert_eq!(u.part(PartKind::Unit), Some(2));
        assert_eq!(u.room(), 1201);
        assert_eq!(f.parse_unit(" 3 － ０2 － 1201 ").unwrap().to_string(), "3-2-1201");
        assert_eq!(f.parse_unit("3/2/0801").unwrap().to_string(), "3-2-801");
        assert_eq!(f.parse_unit("999-99-9999").unwrap().to_string(), "999-99-9999");
        let br = UnitFormat::parse("B-R").unwrap();
        assert_eq!(br.parse_unit("12-1801").unwrap().to_string(), "12-1801");
        assert_eq!(br.parse_unit("12-1801").unwrap().part(PartKind::Unit), None);
    }

    #[test]
    fn precise_errors() {
        let f = bur();
        assert_eq!(f.parse_unit(""), Err(UnitError::Empty));
        assert_eq!(f.parse_unit(" - "), Err(UnitError::Empty));
        assert_eq!(
            f.parse_unit("3-1201"),
            Err(UnitError::WrongPartCount { expected: 3, found: 2 })
        );
        assert_eq!(
            f.parse_unit("1-3-2-1201"),
            Err(UnitError::WrongPartCount { expected: 3, found: 4 })
        );
        let bad = |index, kind| Err(UnitError::BadPart { index, kind });
        assert_eq!(f.parse_unit("1000-2-1201"), bad(0, PartKind::Building));
        assert_eq!(f.parse_unit("0-2-1201"), bad(0, PartKind::Building));
        assert_eq!(f.parse_unit("A3-2-1201"), bad(0, PartKind::Building));
        assert_eq!(f.parse_unit("3-100-1201"), bad(1, PartKind::Unit));
        assert_eq!(f.parse_unit("3-2-12"), bad(2, PartKind::Room));
        assert_eq!(f.parse_unit("3-2-0012"), bad(2, PartKind::Room));
        assert_eq!(f.parse_unit("3-2-12011"), bad(2, PartKind::Room));
        assert_eq!(f.parse_unit("3-2-1201室"), bad(2, PartKind::Room));
        let msg = UnitError::BadPart {
            index: 2,
            kind: PartKind::Room,
        }
        .to_string();
        assert!(msg.contains("part 3") && msg.contains("3-4 digits"), "{msg}");
    }

    proptest! {
        #[test]
        fn valid_units_round_trip(b in 1u32..1000, u in 1u32..100, r in 100u32..10000, zeros in 0usize..3) {
            let f = bur();
            let text = format!("{}{b}-{u}-{r}", "0".repeat(zeros));
            let parsed = f.parse_unit(&text).unwrap();
            prop_assert_eq!(parsed.to_string(), format!("{b}-{u}-{r}"));
            prop_assert_eq!(f.parse_unit(&parsed.to_string()).unwrap(), parsed);
        }

        #[test]
        fn never_panics(pattern in any::<String>(), input in any::<String>()) {
            let _ = UnitFormat::parse(&pattern);
            let _ = bur().parse_unit(&input);
        }
    }
}
