//! One set of rules for every text field that enters the kiosk, wherever it enters: a
//! screen, the command line, the resident CSV, the configuration file.
//!
//! Each kind of field is a [`Rule`]: its length, the characters it may hold and whether it
//! may be empty. [`clean`] applies one the same way everywhere: full-width digits and
//! Latin letters are folded to their ASCII forms, the text is put in Unicode NFC (so a
//! precomposed `é` and `e` + U+0301 are one name), every kind of space becomes one plain
//! space and runs of spaces one; then control characters, invisible characters (U+200B
//! and its kin) and bidirectional controls (U+202E …) are refused, because they make two
//! values look the same on screen or reorder what a terminal or a slip shows. Names take
//! letters of the scripts the compound's people write in (Han and Latin) and a few
//! separators, so `王` and `王` + U+200B, or a Latin `a` and a Cyrillic `а`, can never be two
//! accounts that look alike.
//!
//! Errors never carry the text that was refused: at most one character's code point, so a
//! 100 KB paste is never echoed back. [`preview`] gives a short, escaped prefix for the
//! places that must say which value they mean, and [`escape_invisible`] makes any stored
//! text safe to show on a terminal.

use std::borrow::Cow;

use thiserror::Error;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::i18n::Lang;

/// Which characters a kind of field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// A family name: 1–4 Han characters, or a Latin name (letters, space, `-`, `'`).
    Surname,
    /// A person's name: Han and Latin letters, with `·`, space, `-`, `'` and `.` between.
    PersonName,
    /// A staff account's name: as a person's name, and ASCII digits (`前台2`).
    StaffName,
    /// Free text (notes, reasons, company names): letters and digits of any script,
    /// punctuation and the common symbols; no emoji, no private-use characters.
    Text,
    /// A telephone number as printed: digits, space, `+ - ( ) / ,` and Han (`转`).
    Phone,
}

/// The rule for one kind of field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Longest value, in characters after cleaning.
    pub max_chars: usize,
    /// Whether an empty value is refused.
    pub required: bool,
    pub charset: Charset,
}

impl Rule {
    const fn new(max_chars: usize, required: bool, charset: Charset) -> Self {
        Self {
            max_chars,
            required,
            charset,
        }
    }
}

/// A visitor's, owner's or resident's surname.
pub const SURNAME: Rule = Rule::new(30, true, Charset::Surname);
/// A renovation worker's name.
pub const WORKER_NAME: Rule = Rule::new(20, true, Charset::PersonName);
/// A staff account's name (the name every audited action carries).
pub const STAFF_NAME: Rule = Rule::new(20, true, Charset::StaffName);
/// A visitor's company (optional).
pub const VISITOR_COMPANY: Rule = Rule::new(30, false, Charset::Text);
/// A renovation contractor's name.
pub const CONTRACTOR: Rule = Rule::new(40, true, Charset::Text);
/// A resident's note on a request (optional).
pub const TICKET_NOTE: Rule = Rule::new(60, false, Charset::Text);
/// The desk's note when it moves a ticket on (optional, except for a cancellation).
pub const STATUS_NOTE: Rule = Rule::new(60, false, Charset::Text);
/// Why a number is on the deny list.
pub const DENY_REASON: Rule = Rule::new(60, true, Charset::Text);
/// The outgoing shift's handover notes (optional).
pub const HANDOVER_NOTES: Rule = Rule::new(200, false, Charset::Text);
/// The compound's name, in either language (header and every slip).
pub const COMPOUND_NAME: Rule = Rule::new(30, true, Charset::Text);
/// The property company's name, in either language (optional).
pub const COMPANY_NAME: Rule = Rule::new(40, false, Charset::Text);
/// A hotline or on-duty number as printed on slips.
pub const HOTLINE: Rule = Rule::new(30, true, Charset::Phone);

/// Why a value does not pass its field's rule. Never holds the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FieldError {
    #[error("nothing was entered")]
    Empty,
    #[error("at most {max} characters, {got} were given")]
    TooLong { max: usize, got: usize },
    #[error("a control character (U+{0:04X}) is not allowed")]
    Control(u32),
    #[error("an invisible or direction-changing character (U+{0:04X}) is not allowed")]
    Invisible(u32),
    #[error("the character U+{0:04X} is not allowed here")]
    NotAllowed(u32),
    #[error("a name needs at least one letter")]
    NoLetter,
    #[error("an ID number has 18 characters: 17 digits and a check digit or X")]
    IdFormat,
    #[error("the ID number's date of birth is not a real date")]
    IdBirthDate,
    #[error("the ID number's check digit does not match (GB 11643)")]
    IdCheckDigit,
}

impl FieldError {
    /// A short, polite explanation for the command line and the desk.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FieldError::Empty => lang.pick("此项不能为空", "this cannot be empty").to_string(),
            FieldError::TooLong { max, got } => match lang {
                Lang::Zh => format!("最多 {max} 个字，现在有 {got} 个"),
                Lang::En => format!("at most {max} characters, {got} were given"),
            },
            FieldError::Control(c) | FieldError::Invisible(c) => match lang {
                Lang::Zh => format!("含有看不见的控制字符 (U+{c:04X})，请重新输入"),
                Lang::En => format!("it holds an invisible or control character (U+{c:04X}); please type it again"),
            },
            FieldError::NotAllowed(c) => match lang {
                Lang::Zh => format!("含有此处不能使用的字符 (U+{c:04X})"),
                Lang::En => format!("it holds a character not allowed here (U+{c:04X})"),
            },
            FieldError::NoLetter => lang
                .pick("姓名至少要有一个字", "a name needs at least one letter")
                .to_string(),
            FieldError::IdFormat => lang
                .pick(
                    "身份证号码应为 18 位：17 位数字加一位校验码（数字或 X）",
                    "an ID number has 18 characters: 17 digits and a check digit or X",
                )
                .to_string(),
            FieldError::IdBirthDate => lang
                .pick(
                    "身份证号码中的出生日期不存在",
                    "the ID number's date of birth is not a real date",
                )
                .to_string(),
            FieldError::IdCheckDigit => lang
                .pick(
                    "身份证号码校验位不符，请核对后再试",
                    "the ID number's check digit does not match; please check it",
                )
                .to_string(),
        }
    }
}

/// Cleans a value by its field's rule: folded, NFC, spaces collapsed and trimmed, then
/// checked. The cleaned text is what is stored, so two entries that look the same are
/// the same.
pub fn clean(rule: &Rule, text: &str) -> Result<String, FieldError> {
    // Far beyond any field: refuse before normalising a paste of megabytes.
    let raw_chars = text.chars().count();
    if raw_chars > rule.max_chars * 4 + 64 {
        return Err(FieldError::TooLong {
            max: rule.max_chars,
            got: raw_chars,
        });
    }
    let folded: String = text.chars().map(fold).collect();
    let mut out = String::with_capacity(folded.len());
    for c in folded.nfc() {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        check_char(c)?;
        out.push(c);
    }
    let out = out.trim_end().to_string();
    let count = out.chars().count();
    if count == 0 {
        return if rule.required { Err(FieldError::Empty) } else { Ok(out) };
    }
    if count > rule.max_chars {
        return Err(FieldError::TooLong {
            max: rule.max_chars,
            got: count,
        });
    }
    check_charset(rule.charset, &out)?;
    Ok(out)
}

/// Full-width digits and Latin letters (from a Chinese input method) to ASCII; the
/// other middle dots people type in a name to `·` (U+00B7).
fn fold(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '・' | '･' | '•' | '‧' => '·',
        c => c,
    }
}

/// Invisible characters: zero-width spaces and joiners, format characters, fillers,
/// variation selectors and tags. Each can make two values look the same.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x2800 | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// Characters that reorder the text around them (right-to-left overrides and isolates).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c as u32, 0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069)
}

/// Private use, noncharacters and the replacement character (left by a bad decode).
fn is_unusable(c: char) -> bool {
    let u = c as u32;
    matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFDD0..=0xFDEF | 0xFFFD) || (u & 0xFFFE) == 0xFFFE
}

fn check_char(c: char) -> Result<(), FieldError> {
    if c.is_control() {
        Err(FieldError::Control(c as u32))
    } else if is_invisible(c) || is_bidi_control(c) {
        Err(FieldError::Invisible(c as u32))
    } else if is_unusable(c) || is_combining_mark(c) {
        Err(FieldError::NotAllowed(c as u32))
    } else {
        Ok(())
    }
}

/// The Han ideographs people write names in (unified, extension A and B onwards).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3134F)
}

/// Latin letters, with the accents of pinyin and of European names.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF) && c.is_alphabetic() && c != '×' && c != '÷')
}

/// Punctuation and symbols free text may hold: printable ASCII, Latin-1 signs, general
/// punctuation, letter-like and number forms, arrows, maths, technical, enclosed,
/// box-drawing, shapes, dingbats, CJK punctuation and full-width forms.
fn is_text_symbol(c: char) -> bool {
    c.is_ascii_graphic()
        || matches!(c as u32,
            0x00A1..=0x00BF | 0x00D7 | 0x00F7 | 0x2010..=0x2027 | 0x2030..=0x205E
            | 0x2100..=0x27BF | 0x3001..=0x303F | 0x3200..=0x33FF | 0xFE30..=0xFE4F
            | 0xFF01..=0xFF65 | 0xFFE0..=0xFFEE)
}

fn check_charset(charset: Charset, text: &str) -> Result<(), FieldError> {
    let refuse = |c: char| Err(FieldError::NotAllowed(c as u32));
    match charset {
        Charset::Surname => {
            let han = text.chars().all(is_han);
            if han {
                return if text.chars().count() <= 4 {
                    Ok(())
                } else {
                    Err(FieldError::TooLong {
                        max: 4,
                        got: text.chars().count(),
                    })
                };
            }
            if let Some(c) = text
                .chars()
                .find(|&c| !(c.is_ascii_alphabetic() || matches!(c, ' ' | '-' | '\'')))
            {
                return refuse(c);
            }
            if !text.chars().any(|c| c.is_ascii_alphabetic()) {
                return Err(FieldError::NoLetter);
            }
            Ok(())
        }
        Charset::PersonName | Charset::StaffName => {
            let digits = charset == Charset::StaffName;
            if let Some(c) = text.chars().find(|&c| {
                !(is_han(c)
                    || is_latin_letter(c)
                    || (digits && c.is_ascii_digit())
                    || matches!(c, '·' | ' ' | '-' | '\'' | '.'))
            }) {
                return refuse(c);
            }
            if !text.chars().any(|c| is_han(c) || is_latin_letter(c)) {
                return Err(FieldError::NoLetter);
            }
            Ok(())
        }
        Charset::Text => match text
            .chars()
            .find(|&c| !(c == ' ' || c.is_alphanumeric() || is_text_symbol(c)))
        {
            Some(c) => refuse(c),
            None => Ok(()),
        },
        Charset::Phone => {
            if let Some(c) = text
                .chars()
                .find(|&c| !(c.is_ascii_digit() || is_han(c) || matches!(c, ' ' | '+' | '-' | '(' | ')' | '/' | ',')))
            {
                return refuse(c);
            }
            if !text.chars().any(|c| c.is_ascii_digit()) {
                return Err(FieldError::NoLetter);
            }
            Ok(())
        }
    }
}

/// A mainland resident ID number (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2
/// check character (`X` for 10), the birth date in digits 7–14 a real date. Spaces are
/// dropped, full-width digits folded and a lower-case `x` raised. Returns the 18
/// characters as they are fingerprinted.
pub fn parse_id_number(text: &str) -> Result<String, FieldError> {
    if text.chars().count() > 64 {
        return Err(FieldError::IdFormat);
    }
    let id: String = text
        .chars()
        .map(fold)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bytes = id.as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Err(FieldError::IdFormat);
    }
    let date = chrono::NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").map_err(|_| FieldError::IdBirthDate)?;
    if chrono::Datelike::year(&date) < 1900 {
        return Err(FieldError::IdBirthDate);
    }
    if id_check_char(&id[..17]) != Some(bytes[17] as char) {
        return Err(FieldError::IdCheckDigit);
    }
    Ok(id)
}

/// The ISO 7064 MOD 11-2 check character of 17 digits.
pub fn id_check_char(digits17: &str) -> Option<char> {
    if digits17.len() != 17 || !digits17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Weight of position i is 2^(17-i) mod 11.
    let sum: u32 = digits17
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * ((1u32 << (17 - i)) % 11))
        .sum();
    let value = (12 - sum % 11) % 11;
    Some(if value == 10 {
        'X'
    } else {
        char::from_digit(value, 10).unwrap_or('0')
    })
}

/// Digits only, with full-width digits folded: for phone numbers and codes typed by
/// people whose input method was left in full-width mode.
pub fn fold_digits(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| matches!(c, '０'..='９')) {
        Cow::Owned(text.chars().map(fold).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Text made safe to show on a terminal or in a log: control characters, invisible
/// characters and direction controls are written as visible escapes (`\x1b`,
/// `\u{202e}`), a backslash as `\\` so an escape cannot be forged.
pub fn escape_invisible(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c == '\\' || c.is_control() || is_invisible(c) || is_bidi_control(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && unsafe_char(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The first few characters of a value, escaped, with how much more there was: what an
/// error message may quote of what it refused.
pub fn preview(text: &str) -> String {
    const SHOWN: usize = 24;
    let total = text.chars().count();
    let head: String = text.chars().take(SHOWN).collect();
    let head = escape_invisible(&head).into_owned();
    if total > SHOWN {
        format!("{head}…(+{})", total - SHOWN)
    } else {
        head
    }
}

#[cfg(test)]
#[path = "field_tests.rs"]
mod tests;
