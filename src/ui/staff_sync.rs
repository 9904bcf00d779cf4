//! 同步延迟 on the staff dashboard: shown only while a `[fleet]` table is set and the
//! kiosk is behind (`journeys::fleet_sync::is_behind`), saying how long since the last
//! successful sync and how much waits to go up, so staff know the records are safe here
//! and when to call the technician. A standalone kiosk never shows it.

use super::StaffAdapter;
use crate::app::App;
use crate::i18n::Lang;
use crate::journeys::fleet_sync::{is_behind, lag_secs, purged_recently, status};

/// Sets the adapter's sync line from the queue and the kiosk's clock.
pub fn fill_sync(a: &StaffAdapter<'_>, app: &App, lang: Lang) {
    let queue = match app.config.fleet.as_ref().map(|_| status(app)) {
        Some(Ok(queue)) => queue,
        // Standalone (or the queue could not be read: the storage notice says so).
        _ => {
            a.set_sync_behind(false);
            a.set_sync_purged(0);
            return;
        }
    };
    match purged_recently(&queue, app.now()) {
        Some((count, at)) => {
            a.set_sync_purged(count.clamp(0, i32::MAX as i64) as i32);
            let day = at.with_timezone(&app.config.tz()).format("%Y-%m-%d").to_string();
            a.set_sync_purged_on(day.into());
        }
        None => a.set_sync_purged(0),
    }
    let lag = lag_secs(&queue, app.now());
    a.set_sync_behind(is_behind(lag));
    a.set_sync_queued(queue.queued.clamp(0, i32::MAX as i64) as i32);
    // Never synced: no "since" to show; the page says so in its own words.
    let since = match queue.last_success {
        Some(_) => lag_words(lag, lang),
        None => String::new(),
    };
    a.set_sync_since(since.into());
}

/// A lag in plain words: "25 分钟" / "25 minutes", "3 小时 5 分钟", "2 天 4 小时".
pub fn lag_words(secs: i64, lang: Lang) -> String {
    let mins = secs.max(0) / 60;
    let (days, hours, minutes) = (mins / 1440, mins / 60 % 24, mins % 60);
    let unit = |n: i64, zh: &str, one: &str, many: &str| match lang {
        Lang::Zh => format!("{n} {zh}"),
        Lang::En => format!("{n} {}", if n == 1 { one } else { many }),
    };
    let parts = if days > 0 {
        let mut p = vec![unit(days, "天", "day", "days")];
        if hours > 0 {
            p.push(unit(hours, "小时", "hour", "hours"));
        }
        p
    } else if hours > 0 {
        let mut p = vec![unit(hours, "小时", "hour", "hours")];
        if minutes > 0 {
            p.push(unit(minutes, "分钟", "minute", "minutes"));
        }
        p
    } else {
        vec![unit(minutes.max(1), "分钟", "minute", "minutes")]
    };
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lag_reads_in_the_largest_two_units() {
        assert_eq!(lag_words(25 * 60 + 10, Lang::Zh), "25 分钟");
        assert_eq!(lag_words(30, Lang::En), "1 minute");
        assert_eq!(lag_words(3 * 3600 + 5 * 60, Lang::Zh), "3 小时 5 分钟");
        assert_eq!(lag_words(3 * 3600, Lang::En), "3 hours");
        assert_eq!(lag_words(2 * 86400 + 4 * 3600 + 59 * 60, Lang::En), "2 days 4 hours");
        assert_eq!(lag_words(86400 + 60, Lang::Zh), "1 天");
        assert_eq!(lag_words(-5, Lang::Zh), "1 分钟");
    }
}
