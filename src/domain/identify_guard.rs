//! How many wrong "last four digits" a unit may take before the kiosk stops checking it
//! for a while. Counted per unit and kept in the database, so starting over (going
//! home, the idle reset, a restart) does not give a prober three fresh tries: after
//! three failures the unit is locked for a cool-down, and after it each further failure
//! locks it again at once, until a day passes without one. A resident who mistypes is
//! sent to the desk (which is told), never refused without a way forward.

use chrono::{DateTime, Duration, Utc};

/// Failures for one unit before it is locked.
pub const MAX_FAILURES: u32 = 3;
/// How long a locked unit is not checked at the kiosk.
pub const COOL_DOWN_MINUTES: i64 = 30;
/// A unit's failures are forgotten after this long without a new one.
pub const FORGET_AFTER_HOURS: i64 = 24;

/// One unit's failures so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub failures: u32,
    pub last_failure: DateTime<Utc>,
}

impl Tally {
    /// Until when the unit is locked, if these failures lock it.
    pub fn locked_until(&self) -> Option<DateTime<Utc>> {
        (self.failures >= MAX_FAILURES).then(|| self.last_failure + Duration::minutes(COOL_DOWN_MINUTES))
    }

    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until().is_some_and(|until| now < until)
    }

    /// Whether the failures no longer count.
    pub fn forgotten(&self, now: DateTime<Utc>) -> bool {
        now - self.last_failure >= Duration::hours(FORGET_AFTER_HOURS)
    }
}

/// The tally after one more failure at `now`.
pub fn after_failure(before: Option<Tally>, now: DateTime<Utc>) -> Tally {
    let failures = match before {
        Some(t) if !t.forgotten(now) => t.failures.saturating_add(1),
        _ => 1,
    };
    Tally {
        failures,
        last_failure: now,
    }
}

/// Whether this failure is the one that locks the unit (the desk is told then, once).
pub fn newly_locked(before: Option<Tally>, after: &Tally, now: DateTime<Utc>) -> bool {
    after.is_locked(now) && !before.is_some_and(|t| !t.forgotten(now) && t.is_locked(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn three_failures_lock_the_unit_for_the_cool_down() {
        let mut tally = None;
        for i in 0..3 {
            let now = t0() + Duration::minutes(i);
            let before = tally;
            let after = after_failure(before, now);
            assert_eq!(after.is_locked(now), i == 2, "failure {}", i + 1);
            assert_eq!(newly_locked(before, &after, now), i == 2);
            tally = Some(after);
        }
        let tally = tally.unwrap();
        let last = t0() + Duration::minutes(2);
        assert!(tally.is_locked(last + Duration::minutes(COOL_DOWN_MINUTES) - Duration::seconds(1)));
        assert!(!tally.is_locked(last + Duration::minutes(COOL_DOWN_MINUTES)));
    }

    #[test]
    fn after_the_cool_down_one_more_failure_locks_again() {
        let locked = Tally {
            failures: 3,
            last_failure: t0(),
        };
        let later = t0() + Duration::minutes(COOL_DOWN_MINUTES + 1);
        assert!(!locked.is_locked(later));
        let again = after_failure(Some(locked), later);
        assert_eq!(again.failures, 4);
        assert!(again.is_locked(later));
        assert!(newly_locked(Some(locked), &again, later), "the desk is told again");
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_day() {
        let old = Tally {
            failures: 2,
            last_failure: t0(),
        };
        let next_day = t0() + Duration::hours(FORGET_AFTER_HOURS);
        let fresh = after_failure(Some(old), next_day);
        assert_eq!(fresh.failures, 1);
        assert!(!fresh.is_locked(next_day));
        let same_day = after_failure(Some(old), t0() + Duration::hours(2));
        assert_eq!(same_day.failures, 3);
        assert!(same_day.is_locked(t0() + Duration::hours(2)));
    }
}
