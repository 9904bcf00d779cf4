//! When to try a failed notice again.
//!
//! Early retries are quick because most failures are a blip (Wi-Fi roaming, a
//! robot rate limit of about 20 messages a minute), and a waiting visitor or an
//! emergency should not sit in the outbox for long. After that the kiosk
//! settles at one try every ten minutes and never gives up by itself: the
//! outbox worker and the staff screen decide when a notice is stale.
//!
//! Each notice gets a small fixed extra delay derived from its id, so that a
//! queue that built up during an outage does not retry in lock-step and hit
//! the robot's rate limit all at once. Everything here is pure arithmetic, so
//! the schedule is the same on every run and easy to test.

use chrono::{DateTime, TimeDelta, Utc};

/// Delay after the 1st, 2nd, ... failed attempt; the last entry repeats.
const SCHEDULE_SECS: [i64; 6] = [10, 30, 60, 120, 300, 600];

/// Jitter adds at most this many thousandths of the base delay (10 %).
const JITTER_PERMILLE: i64 = 100;

/// The delay before the next attempt of notice `id`, after `attempts` failed
/// attempts. Zero attempts means it has never been tried: no delay. The
/// result is at least the scheduled delay and at most 10 % more, so never more
/// than [`max_delay`].
pub fn delay(id: i64, attempts: u32) -> TimeDelta {
    if attempts == 0 {
        return TimeDelta::zero();
    }
    let step = usize::try_from(attempts - 1).unwrap_or(usize::MAX);
    let base_ms = SCHEDULE_SECS[step.min(SCHEDULE_SECS.len() - 1)] * 1000;
    let spread = (mix(id) % 1001) as i64; // 0..=1000
    let jitter_ms = base_ms * JITTER_PERMILLE / 1000 * spread / 1000;
    TimeDelta::milliseconds(base_ms + jitter_ms)
}

/// The longest delay [`delay`] ever returns (10 minutes plus 10 %). The outbox treats
/// a retry scheduled further ahead than `store::outbox::BACKOFF_HORIZON_MINUTES` as a
/// clock set back, and tries it at once.
pub fn max_delay() -> TimeDelta {
    let last = SCHEDULE_SECS[SCHEDULE_SECS.len() - 1] * 1000;
    TimeDelta::milliseconds(last + last * JITTER_PERMILLE / 1000)
}

/// When notice `id`, whose latest attempt (the `attempts`-th) failed at
/// `last`, is due again. Saturates instead of overflowing at the end of
/// chrono's calendar.
pub fn next_attempt(id: i64, attempts: u32, last: DateTime<Utc>) -> DateTime<Utc> {
    last.checked_add_signed(delay(id, attempts))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// SplitMix64 finaliser over the id: cheap, well spread, and the same on every
/// platform (unlike `std`'s randomly seeded hasher). It ignores the attempt
/// number so one notice's delays never shrink from one attempt to the next.
fn mix(id: i64) -> u64 {
    let mut z = (id as u64) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, 8, 0, 0).unwrap()
    }

    #[test]
    fn never_tried_is_due_now() {
        assert_eq!(next_attempt(7, 0, t0()), t0());
    }

    #[test]
    fn follows_the_schedule_within_ten_percent() {
        for id in [-5, 0, 1, 2, 99, i64::MAX, i64::MIN] {
            for (attempts, base) in [
                (1, 10),
                (2, 30),
                (3, 60),
                (4, 120),
                (5, 300),
                (6, 600),
                (7, 600),
                (500, 600),
            ] {
                let d = delay(id, attempts).num_milliseconds();
                assert!(d >= base * 1000 && d <= base * 1100, "id {id} attempts {attempts}: {d}");
            }
            assert!(delay(id, u32::MAX) <= max_delay());
        }
        assert_eq!(max_delay(), TimeDelta::seconds(660));
    }

    #[test]
    fn grows_monotonically_for_one_notice() {
        for id in 0..50 {
            let mut prev = TimeDelta::zero();
            for attempts in 1..8 {
                let d = delay(id, attempts);
                assert!(d >= prev, "id {id} attempts {attempts}");
                prev = d;
            }
        }
    }

    #[test]
    fn deterministic_but_spread_across_ids() {
        assert_eq!(next_attempt(42, 3, t0()), next_attempt(42, 3, t0()));
        let mut times: Vec<_> = (1..=20).map(|id| next_attempt(id, 5, t0())).collect();
        times.sort_unstable();
        times.dedup();
        assert!(times.len() >= 18, "only {} distinct retry times", times.len());
        let spread = *times.last().unwrap() - times[0];
        assert!(spread >= TimeDelta::seconds(10), "spread {spread}");
    }

    #[test]
    fn saturates_at_the_end_of_time() {
        assert_eq!(next_attempt(1, 9, DateTime::<Utc>::MAX_UTC), DateTime::<Utc>::MAX_UTC);
    }

    proptest::proptest! {
        #[test]
        fn always_later_and_bounded(id: i64, attempts in 1u32.., secs in 0i64..4_000_000_000) {
            let last = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
            let next = next_attempt(id, attempts, last);
            proptest::prop_assert!(next >= last + TimeDelta::seconds(10));
            proptest::prop_assert!(next <= last + max_delay());
        }
    }
}
