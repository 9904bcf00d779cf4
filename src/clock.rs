//! The time the kiosk acts at, shared by the UI thread and the print spooler: the real
//! clock, unless fixed for tests, screenshots and demos.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default)]
pub struct Clock(Arc<Mutex<Option<DateTime<Utc>>>>);

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|fixed| *fixed)
            .unwrap_or(None)
            .unwrap_or_else(Utc::now)
    }

    /// Fixes "now"; `None` returns to the real clock.
    pub fn set(&self, now: Option<DateTime<Utc>>) {
        if let Ok(mut fixed) = self.0.lock() {
            *fixed = now;
        }
    }
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
        assert!(copy.now() > at);
    }
}
