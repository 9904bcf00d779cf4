//! The USB barcode scanner: it "types" what it reads as fast keystrokes ending with Enter.
//! This module tells such a burst from a person typing and says what was scanned, so the
//! UI can route it (an invite code, a pass, a ticket) to whoever is waiting for it.
//!
//! Scanned text is untrusted: it is length-limited, restricted to printable ASCII, and
//! only classified here; each journey verifies it properly (signatures, records).

use std::time::Duration;

use crate::domain::token::{self, TokenKind};

/// Longer than any code the kiosk prints (a signed token is at most 158 characters).
pub const MAX_SCAN_LEN: usize = 512;
/// A scanner sends each key within a few milliseconds; people need 100 ms or more.
pub const MAX_KEY_GAP: Duration = Duration::from_millis(60);
/// Shorter bursts are more likely stray keys than a code.
pub const MIN_SCAN_LEN: usize = 4;

/// What a scan turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// A signed kiosk token (`LK1:...`), by the kind it claims (verified later).
    Token(TokenKind, String),
    /// A ticket number printed on a request slip, e.g. `R20261127-0007`.
    TicketNumber(String),
    /// A 6-digit invite code.
    InviteCode(String),
    /// Something the kiosk did not print.
    Unknown,
}

/// Collects keystrokes and reports a completed scan.
#[derive(Debug, Default, Clone)]
pub struct ScanBuffer {
    text: String,
    last_key: Option<Duration>,
    too_slow: bool,
    overflow: bool,
}

impl ScanBuffer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one key event (its text, and when it came). Returns the scan when a fast
    /// burst ends with Enter; a slow sequence (a person) is dropped at its Enter.
    pub fn key(&mut self, text: &str, at: Duration) -> Option<String> {
        if let Some(last) = self.last_key {
            if at.saturating_sub(last) > MAX_KEY_GAP && !self.text.is_empty() {
                // A pause: whatever came before was not one scan.
                self.too_slow = true;
            }
        }
        self.last_key = Some(at);
        let mut done = None;
        for c in text.chars() {
            if c == '\n' || c == '\r' {
                let complete = !self.too_slow && !self.overflow && self.text.chars().count() >= MIN_SCAN_LEN;
                let scanned = std::mem::take(&mut self.text);
                self.too_slow = false;
                self.overflow = false;
                self.last_key = None;
                if complete {
                    done = Some(scanned);
                }
            } else if (' '..='~').contains(&c) {
                if self.text.len() < MAX_SCAN_LEN {
                    self.text.push(c);
                } else {
                    self.overflow = true;
                }
            }
            // Other characters (control keys, non-ASCII) are ignored: scanners send ASCII.
        }
        done
    }
}

/// Says what a completed scan is. Pure; never panics on any input.
pub fn classify(text: &str) -> Scanned {
    // Tokens may end with a space (valid Base45), so only line ends were stripped.
    if text.starts_with(token::PREFIX) {
        return match token::peek_kind(text) {
            Some(kind) => Scanned::Token(kind, text.to_string()),
            None => Scanned::Unknown,
        };
    }
    let trimmed = text.trim();
    if is_ticket_number(trimmed) {
        return Scanned::TicketNumber(trimmed.to_string());
    }
    if trimmed.len() == 6 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Scanned::InviteCode(trimmed.to_string());
    }
    Scanned::Unknown
}

/// `R` + date (8 digits) + `-` + a 4-digit sequence.
fn is_ticket_number(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 14
        && b[0] == b'R'
        && b[1..9].iter().all(u8::is_ascii_digit)
        && b[9] == b'-'
        && b[10..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Feeds `text` one key every `gap_ms`, then Enter.
    fn feed(buffer: &mut ScanBuffer, text: &str, start_ms: u64, gap_ms: u64) -> Option<String> {
        let mut t = start_ms;
        for c in text.chars() {
            assert_eq!(buffer.key(&c.to_string(), ms(t)), None);
            t += gap_ms;
        }
        buffer.key("\n", ms(t))
    }

    #[test]
    fn a_fast_burst_ending_in_enter_is_a_scan() {
        let mut b = ScanBuffer::new();
        assert_eq!(
            feed(&mut b, "R20261127-0007", 1000, 8).as_deref(),
            Some("R20261127-0007")
        );
        // And the next one starts clean.
        assert_eq!(feed(&mut b, "123456", 5000, 5).as_deref(), Some("123456"));
    }

    #[test]
    fn a_person_typing_is_not_a_scan() {
        let mut b = ScanBuffer::new();
        assert_eq!(feed(&mut b, "123456", 1000, 180), None);
        // A pause in the middle of an otherwise fast burst also breaks it.
        let mut b = ScanBuffer::new();
        for (i, c) in "123".chars().enumerate() {
            b.key(&c.to_string(), ms(i as u64 * 5));
        }
        assert_eq!(feed(&mut b, "456", 2000, 5), None);
    }

    #[test]
    fn too_short_or_too_long_bursts_are_dropped() {
        let mut b = ScanBuffer::new();
        assert_eq!(feed(&mut b, "12", 0, 5), None);
        let long = "A".repeat(MAX_SCAN_LEN + 10);
        assert_eq!(feed(&mut b, &long, 100, 1), None);
        assert_eq!(feed(&mut b, "654321", 10_000, 5).as_deref(), Some("654321"));
    }

    #[test]
    fn a_whole_burst_in_one_event_works_too() {
        let mut b = ScanBuffer::new();
        assert_eq!(b.key("654321\r", ms(0)).as_deref(), Some("654321"));
    }

    #[test]
    fn classification() {
        assert_eq!(
            classify("R20261127-0007"),
            Scanned::TicketNumber("R20261127-0007".into())
        );
        assert_eq!(classify("123456"), Scanned::InviteCode("123456".into()));
        assert_eq!(classify("hello world"), Scanned::Unknown);
        assert_eq!(classify("LK1:NOT-A-TOKEN"), Scanned::Unknown);
        assert_eq!(classify("R2026112-00007"), Scanned::Unknown);
        let key = token::SigningKey::generate(1);
        let payload = token::TokenPayload {
            kind: TokenKind::Pass,
            id: 42,
            unit: "3-2-1201".into(),
            valid_from: Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap(),
            valid_until: Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap(),
            key_id: 1,
        };
        let signed = token::sign(&key, &payload).unwrap();
        assert_eq!(classify(&signed), Scanned::Token(TokenKind::Pass, signed.clone()));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in ".{0,600}", gaps in proptest::collection::vec(0u64..200, 0..50)) {
            let mut b = ScanBuffer::new();
            let mut t = 0;
            for (i, c) in text.chars().enumerate() {
                t += gaps.get(i % gaps.len().max(1)).copied().unwrap_or(3);
                if let Some(scan) = b.key(&c.to_string(), ms(t)) {
                    let _ = classify(&scan);
                }
            }
            let _ = classify(&text);
        }
    }
}
