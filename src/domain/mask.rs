//! Privacy masking for everything shown on screen or printed on a slip.
//!
//! The desk manual forbids giving out residents' and staff's phone numbers and
//! treats owner records as confidential, so any screen or slip that has to
//! identify a person shows only enough to recognise them, never enough to
//! contact or impersonate them. Masking works on characters, not bytes, so
//! it never panics on non-ASCII input and never splits a character.

/// The character shown in place of hidden characters.
const STAR: char = '*';

/// Inputs shorter than this reveal too much if the usual head/tail is kept,
/// so they are hidden entirely.
const MIN_PARTIAL_LEN: usize = 8;

/// Masks a phone number as `138****5678`.
///
/// An 11-character mainland mobile keeps its first 3 and last 4 characters,
/// which is the form residents are used to seeing. Other lengths of at least
/// 8 characters keep the last 4 and at most the first 3, always hiding at
/// least 4 characters; shorter inputs are hidden completely, because keeping
/// a head and a tail would reveal most of the number.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    let n = chars.len();
    if n < MIN_PARTIAL_LEN {
        return STAR.to_string().repeat(n);
    }
    let head = 3.min(n - MIN_PARTIAL_LEN);
    keep_head_tail(&chars, head, 4)
}

/// Masks a resident identity card number as `4403**********1234`.
///
/// 18- and 15-character numbers keep the first 4 (the issuing region, which
/// the front desk may need to tell two similar numbers apart) and the last 4
/// (what people quote when asked to confirm). The birth date in the middle is
/// always hidden. Other lengths of at least 8 characters keep only the last 4;
/// shorter inputs are hidden entirely.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let n = chars.len();
    match n {
        15 | 18 => keep_head_tail(&chars, 4, 4),
        n if n >= MIN_PARTIAL_LEN => keep_head_tail(&chars, 0, 4),
        n => STAR.to_string().repeat(n),
    }
}

/// Masks a personal name: `张三明` → `张*明`, `王五` → `王*`, `Smith` → `S****`.
///
/// The surname (the first character of a Chinese name) is what the desk
/// already asks for openly ("请问您贵姓"), so it stays visible; the given name
/// is hidden. Chinese names of three or more characters also keep their last
/// character so that two people with the same surname can be told apart.
/// Names written in Latin letters keep the initial of each word, so
/// `John Smith` becomes `J*** S****`.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        return String::new();
    }
    if name.is_ascii() {
        return name
            .split_whitespace()
            .map(mask_latin_word)
            .collect::<Vec<_>>()
            .join(" ");
    }
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    match chars.len() {
        0 => String::new(),
        1 | 2 => {
            let mut out = String::new();
            out.push(chars[0]);
            out.push(STAR);
            out
        }
        _ => keep_head_tail(&chars, 1, 1),
    }
}

fn mask_latin_word(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => {
            let mut out = String::new();
            out.push(first);
            out.extend(chars.map(|_| STAR));
            out
        }
        None => String::new(),
    }
}

/// Keeps `head` leading and `tail` trailing characters and stars the rest.
/// Callers guarantee `head + tail <= chars.len()`; if they do not, everything
/// is hidden rather than risking a panic or a leak.
fn keep_head_tail(chars: &[char], head: usize, tail: usize) -> String {
    let n = chars.len();
    if head + tail > n {
        return STAR.to_string().repeat(n);
    }
    let mut out = String::with_capacity(n * 3);
    out.extend(&chars[..head]);
    out.extend(std::iter::repeat_n(STAR, n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phone_standard_mobile() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("  13812345678 "), "138****5678");
    }

    #[test]
    fn phone_other_lengths() {
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("1234567"), "*******");
        assert_eq!(mask_phone("12345678"), "****5678");
        assert_eq!(mask_phone("123456789"), "1****6789");
        assert_eq!(mask_phone("0755123456789"), "075******6789");
        assert_eq!(mask_phone("+8613812345678"), "+86*******5678");
    }

    #[test]
    fn phone_non_ascii_does_not_panic() {
        assert_eq!(mask_phone("一二三四五六七八九十零"), "一二三****八九十零");
        assert_eq!(mask_phone("电话"), "**");
    }

    #[test]
    fn id_standard_lengths() {
        assert_eq!(mask_id_number("440301199001011234"), "4403**********1234");
        assert_eq!(mask_id_number("44030119900101123x"), "4403**********123x");
        assert_eq!(mask_id_number("440301900101123"), "4403*******1123");
    }

    #[test]
    fn id_other_lengths() {
        assert_eq!(mask_id_number("A1234567"), "****4567");
        assert_eq!(mask_id_number("E12345678"), "*****5678");
        assert_eq!(mask_id_number("1234"), "****");
        assert_eq!(mask_id_number(""), "");
    }

    #[test]
    fn chinese_names() {
        assert_eq!(mask_name("张三明"), "张*明");
        assert_eq!(mask_name("王五"), "王*");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name(" 李 四 "), "李*");
        assert_eq!(mask_name("买买提·艾力"), "买****力");
    }

    #[test]
    fn latin_names() {
        assert_eq!(mask_name("Smith"), "S****");
        assert_eq!(mask_name("John  Smith"), "J*** S****");
        assert_eq!(mask_name("A"), "A");
        assert_eq!(mask_name("   "), "");
    }

    proptest! {
        #[test]
        fn mobile_never_revealed(phone in "1[3-9][0-9]{9}") {
            let m = mask_phone(&phone);
            prop_assert!(!m.contains(&phone));
            prop_assert_eq!(m.chars().count(), 11);
            prop_assert_eq!(&m[3..7], "****");
            prop_assert_eq!(&m[..3], &phone[..3]);
            prop_assert_eq!(&m[7..], &phone[7..]);
        }

        #[test]
        fn id18_never_revealed(id in "[1-9][0-9]{16}[0-9Xx]") {
            let m = mask_id_number(&id);
            prop_assert!(!m.contains(&id));
            // The birth date (characters 7-14) must never show.
            prop_assert_eq!(&m[4..14], "**********");
        }

        #[test]
        fn id15_never_revealed(id in "[1-9][0-9]{14}") {
            let m = mask_id_number(&id);
            prop_assert!(!m.contains(&id));
            prop_assert_eq!(&m[4..11], "*******");
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let p = mask_phone(&s);
            let i = mask_id_number(&s);
            let n = mask_name(&s);
            prop_assert_eq!(p.chars().count(), s.trim().chars().count());
            prop_assert_eq!(i.chars().count(), s.trim().chars().count());
            // A name is never shown unmasked unless it is nothing but initials.
            let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            let only_initials = s.trim().is_ascii()
                && s.split_whitespace().all(|w| w.len() == 1);
            if t.chars().count() >= 2 && !only_initials && !t.contains(STAR) {
                prop_assert_ne!(n.replace(' ', ""), t);
            }
        }
    }
}
