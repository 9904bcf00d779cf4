//! Days on the compound's clock: when a day starts, whether a waiting visit has outlived
//! its day, and how a time is shown in a list (with its date when it is not today's).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The instant the local day of `at` began (the first existing minute if a
/// daylight-saving jump skips midnight).
pub fn day_start(at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let date = at.with_timezone(&tz).date_naive();
    start_of(date, tz).unwrap_or(at)
}

fn start_of(date: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    let mut local = date.and_time(NaiveTime::MIN);
    for _ in 0..=180 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return Some(t.with_timezone(&Utc));
        }
        local += Duration::minutes(1);
    }
    None
}

/// Whether a visit registered at `created` and still undecided at `now` has expired: it
/// was not decided by the end of its own day. Nobody from yesterday is still waiting in
/// the lobby, and approving them would print today's slip for a visit long over.
pub fn waiting_expired(created: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> bool {
    created < day_start(now, tz)
}

/// How a time is written in full on the compound's clock, on slips, notices, exports and
/// the command line: "2026-12-03 10:02".
pub const MINUTE: &str = "%Y-%m-%d %H:%M";

/// A time written in full on the compound's clock ([`MINUTE`]).
pub fn local_minute(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format(MINUTE).to_string()
}

/// A time as a list shows it: "10:02" when it falls on today (the local day of `now`),
/// "12-01 10:02" on another day of this year, "2025-12-01 10:02" in another year.
pub fn list_time(t: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let (local, today) = (t.with_timezone(&tz), now.with_timezone(&tz));
    let format = if local.date_naive() == today.date_naive() {
        "%H:%M"
    } else if local.format("%Y").to_string() == today.format("%Y").to_string() {
        "%m-%d %H:%M"
    } else {
        MINUTE
    };
    local.format(format).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;

    fn sh(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        Shanghai
            .with_ymd_and_hms(y, m, d, h, min, s)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_waiting_visit_expires_at_the_end_of_its_own_local_day() {
        let created = sh(2026, 12, 1, 10, 2, 0);
        assert!(!waiting_expired(created, sh(2026, 12, 1, 23, 59, 59), Shanghai));
        assert!(waiting_expired(created, sh(2026, 12, 2, 0, 0, 0), Shanghai));
        assert!(waiting_expired(created, sh(2026, 12, 3, 9, 0, 0), Shanghai));
        // The local day, not UTC's: 07:59 in Shanghai is still the previous UTC day.
        let early = sh(2026, 12, 2, 0, 30, 0);
        assert!(!waiting_expired(early, sh(2026, 12, 2, 7, 59, 0), Shanghai));
        assert_eq!(day_start(sh(2026, 12, 2, 7, 59, 0), Shanghai), sh(2026, 12, 2, 0, 0, 0));
    }

    #[test]
    fn lists_show_the_date_of_anything_not_from_today() {
        let now = sh(2026, 12, 3, 9, 0, 0);
        assert_eq!(list_time(sh(2026, 12, 3, 0, 0, 0), now, Shanghai), "00:00");
        assert_eq!(list_time(sh(2026, 12, 1, 10, 2, 0), now, Shanghai), "12-01 10:02");
        assert_eq!(list_time(sh(2026, 12, 2, 23, 59, 0), now, Shanghai), "12-02 23:59");
        assert_eq!(list_time(sh(2026, 12, 4, 10, 0, 0), now, Shanghai), "12-04 10:00");
        assert_eq!(list_time(sh(2025, 12, 31, 8, 0, 0), now, Shanghai), "2025-12-31 08:00");
    }
}
