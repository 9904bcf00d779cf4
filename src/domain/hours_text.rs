//! What the kiosk says when renovation hours refuse a pass: the command line and the
//! desk read the same reason the worker reads on screen (a holiday, a day without
//! work, or outside the day's hours), when work may resume, and why: the neighbours'
//! rest. Pure, so each case is unit-tested in both languages.

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::hours::{Refusal, Window};
use crate::i18n::Lang;

/// A short, stable code for the command line's JSON and scripts.
pub fn refusal_code(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::Holiday { .. } => "holiday",
        Refusal::NoWorkToday { .. } => "no_work_today",
        Refusal::OutsideHours { .. } => "outside_hours",
    }
}

/// When work may resume, as a worker reads it: "14:00" later today, else "12-04 08:00".
pub fn resume_text(next: DateTime<Tz>, today: NaiveDate) -> String {
    if next.date_naive() == today {
        next.format("%H:%M").to_string()
    } else {
        next.format("%m-%d %H:%M").to_string()
    }
}

/// A day's windows as a worker reads them: "08:00–12:00、14:00–18:00".
pub fn windows_text(windows: &[Window], lang: Lang) -> String {
    windows
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

/// The whole polite answer: what today is, why (the neighbours' rest), and when to come
/// back.
pub fn refusal_text(refusal: &Refusal, today_windows: &[Window], today: NaiveDate, lang: Lang) -> String {
    let when = refusal.next().map(|n| resume_text(n, today));
    let come_back = match (&when, lang) {
        (Some(w), Lang::Zh) => format!("{w} 起可以恢复施工，届时即可办理。"),
        (Some(w), Lang::En) => format!("Work may resume from {w}, and your pass can be issued then. "),
        (None, Lang::Zh) => "恢复施工的日期请向前台咨询。".to_string(),
        (None, Lang::En) => "The front desk can tell you when work resumes. ".to_string(),
    };
    let thanks = lang.pick("谢谢您的理解与配合！", "Thank you for your understanding!");
    match refusal {
        Refusal::Holiday { .. } => match lang {
            Lang::Zh => format!(
                "您好，今天是节假日，小区装修暂停。为了让邻居们好好休息，今日不办理通行证。{come_back}{thanks}"
            ),
            Lang::En => format!(
                "Hello, today is a public holiday and renovation work pauses so that the neighbours can rest; no passes are issued today. {come_back}{thanks}"
            ),
        },
        Refusal::NoWorkToday { .. } => match lang {
            Lang::Zh => format!(
                "您好，本小区今天不安排装修施工。为了让邻居们好好休息，今日不办理通行证。{come_back}{thanks}"
            ),
            Lang::En => format!(
                "Hello, there is no renovation work in the compound today, so that the neighbours can rest; no passes are issued today. {come_back}{thanks}"
            ),
        },
        Refusal::OutsideHours { .. } => {
            let hours = windows_text(today_windows, lang);
            let next = match (&when, lang) {
                (Some(w), Lang::Zh) => format!("下一个施工时段从 {w} 开始，届时即可办理。"),
                (Some(w), Lang::En) => format!("The next work period starts at {w}, and your pass can be issued then. "),
                (None, _) => String::new(),
            };
            match lang {
                Lang::Zh => format!(
                    "您好，本小区今日装修时间为 {hours}。为了让邻居们好好休息，非施工时间暂不办理通行证。{next}{thanks}"
                ),
                Lang::En => format!(
                    "Hello, renovation hours today are {hours}. So that the neighbours can rest, passes are issued only within these hours. {next}{thanks}"
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, d).unwrap()
    }

    fn at(m: u32, d: u32, h: u32) -> DateTime<Tz> {
        Shanghai.with_ymd_and_hms(2027, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn a_holiday_says_holiday_pause_resume_and_why_in_both_languages() {
        let refusal = Refusal::Holiday {
            next: Some(at(1, 4, 8)),
        };
        let zh = refusal_text(&refusal, &[], day(1, 1), Lang::Zh);
        for part in [
            "节假日",
            "装修暂停",
            "邻居们好好休息",
            "01-04 08:00 起可以恢复施工",
            "谢谢",
        ] {
            assert!(zh.contains(part), "{part} missing in {zh}");
        }
        assert!(!zh.contains("今日不施工"), "{zh}");
        let en = refusal_text(&refusal, &[], day(1, 1), Lang::En);
        for part in [
            "public holiday",
            "pauses",
            "neighbours can rest",
            "resume from 01-04 08:00",
            "Thank you",
        ] {
            assert!(en.contains(part), "{part} missing in {en}");
        }
        assert_eq!(refusal_code(&refusal), "holiday");
    }

    #[test]
    fn a_holiday_with_no_known_resumption_sends_to_the_desk() {
        let refusal = Refusal::Holiday { next: None };
        assert!(refusal_text(&refusal, &[], day(1, 1), Lang::Zh).contains("请向前台咨询"));
        assert!(refusal_text(&refusal, &[], day(1, 1), Lang::En).contains("front desk can tell you"));
    }

    #[test]
    fn a_day_without_work_and_outside_hours_keep_their_own_reasons() {
        let none = Refusal::NoWorkToday {
            next: Some(at(1, 11, 8)),
        };
        let zh = refusal_text(&none, &[], day(1, 10), Lang::Zh);
        assert!(zh.contains("今天不安排装修施工") && zh.contains("01-11 08:00"), "{zh}");
        assert!(!zh.contains("节假日"));
        let windows = [
            Window::parse("08:00-12:00").unwrap(),
            Window::parse("14:00-18:00").unwrap(),
        ];
        let lunch = Refusal::OutsideHours {
            next: Some(at(1, 11, 14)),
        };
        let zh = refusal_text(&lunch, &windows, day(1, 11), Lang::Zh);
        assert!(
            zh.contains("08:00–12:00、14:00–18:00") && zh.contains("从 14:00 开始"),
            "{zh}"
        );
        let en = refusal_text(&lunch, &windows, day(1, 11), Lang::En);
        assert!(
            en.contains("08:00–12:00, 14:00–18:00") && en.contains("starts at 14:00"),
            "{en}"
        );
        assert_eq!(refusal_code(&lunch), "outside_hours");
        assert_eq!(refusal_code(&none), "no_work_today");
    }
}
