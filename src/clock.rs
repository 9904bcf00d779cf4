//! The time the kiosk acts at, shared by the UI thread, the print spooler, the
//! housekeeping and notice threads and the command line: the real clock, unless fixed
//! for tests, screenshots and demos, or started at another moment by
//! `LOBBY_KIOSK_CLOCK` (tests of the real binary, rehearsals of a holiday).
//!
//! This is the one place that reads the wall clock (`tests/clock_discipline.rs` keeps it
//! so): every decision and every stored time goes through [`Clock::now`], so a test
//! never depends on today's date. `Instant` (durations) is fine anywhere.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// The environment variable that starts the clock at another moment (RFC 3339, e.g.
/// `2026-03-02T14:30:00+08:00`); the clock then runs on from there in real time.
pub const CLOCK_ENV: &str = "LOBBY_KIOSK_CLOCK";

#[derive(Debug, Clone, Copy, Default)]
enum Mode {
    #[default]
    Real,
    /// The real clock shifted by a fixed amount.
    Shifted(Duration),
    /// Stands still at one moment.
    Fixed(DateTime<Utc>),
}

#[derive(Debug, Clone, Default)]
pub struct Clock(Arc<Mutex<Mode>>);

/// The wall clock. Only the clock reads it.
fn wall() -> DateTime<Utc> {
    Utc::now()
}

impl Clock {
    /// The real clock, or one started at `LOBBY_KIOSK_CLOCK` when that is set. A value
    /// that does not parse is refused rather than ignored, so a rehearsal never runs on
    /// the wrong day unnoticed.
    pub fn from_env() -> Result<Clock, ClockError> {
        match std::env::var(CLOCK_ENV) {
            Ok(text) if !text.trim().is_empty() => {
                let start = DateTime::parse_from_rfc3339(text.trim())
                    .map_err(|_| ClockError::Unreadable(text.chars().take(40).collect()))?
                    .to_utc();
                Ok(Clock(Arc::new(Mutex::new(Mode::Shifted(start - wall())))))
            }
            _ => Ok(Clock::default()),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let mode = self.0.lock().map(|m| *m).unwrap_or_default();
        match mode {
            Mode::Real => wall(),
            Mode::Shifted(by) => wall() + by,
            Mode::Fixed(at) => at,
        }
    }

    /// Fixes "now"; `None` returns to the real clock.
    pub fn set(&self, now: Option<DateTime<Utc>>) {
        if let Ok(mut mode) = self.0.lock() {
            *mode = now.map_or(Mode::Real, Mode::Fixed);
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("LOBBY_KIOSK_CLOCK is not an RFC 3339 time (for example 2026-03-02T14:30:00+08:00): {0}")]
    Unreadable(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_is_seen_by_every_copy_until_released() {
        let clock = Clock::default();
        let copy = clock.clone();
        let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z").unwrap().to_utc();
        clock.set(Some(at));
        assert_eq!(copy.now(), at);
        clock.set(None);
        assert!(copy.now() != at);
    }

    #[test]
    fn a_shifted_clock_runs_on_from_where_it_was_started() {
        let start = DateTime::parse_from_rfc3339("2031-07-04T12:00:00+08:00")
            .unwrap()
            .to_utc();
        let clock = Clock(Arc::new(Mutex::new(Mode::Shifted(start - wall()))));
        let first = clock.now();
        assert!((first - start).num_seconds().abs() < 5, "{first} is where it started");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(clock.now() > first, "it runs on");
    }
}
