//! Visitor rules: who may be recorded, what a visitor is, and how long a visit lasts.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Longest company name kept (characters): the rule in [`super::field::VISITOR_COMPANY`].
pub const MAX_COMPANY_CHARS: usize = super::field::VISITOR_COMPANY.max_chars;
/// Largest party one registration may cover; tour groups larger than this see the desk.
pub const MAX_PARTY: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitorType {
    Guest,
    Courier,
    FoodDelivery,
    Service,
    TourGroup,
    Media,
    Other,
}

impl VisitorType {
    pub const ALL: [VisitorType; 7] = [
        VisitorType::Guest,
        VisitorType::Courier,
        VisitorType::FoodDelivery,
        VisitorType::Service,
        VisitorType::TourGroup,
        VisitorType::Media,
        VisitorType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitorType::Guest => "guest",
            VisitorType::Courier => "courier",
            VisitorType::FoodDelivery => "food_delivery",
            VisitorType::Service => "service",
            VisitorType::TourGroup => "tour_group",
            VisitorType::Media => "media",
            VisitorType::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<VisitorType> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The name printed on slips and shown to staff.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        let (zh, en) = match self {
            VisitorType::Guest => ("亲友来访", "Guest"),
            VisitorType::Courier => ("快递", "Courier"),
            VisitorType::FoodDelivery => ("外卖", "Food delivery"),
            VisitorType::Service => ("维修/服务", "Service"),
            VisitorType::TourGroup => ("参观团体", "Tour group"),
            VisitorType::Media => ("媒体", "Media"),
            VisitorType::Other => ("其他", "Other"),
        };
        lang.pick(zh, en)
    }
}

/// How long an approved visit's slip stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitValidity {
    /// Until 23:59 local time on the day of the visit.
    EndOfDay,
    /// For this many hours from approval.
    Hours(u32),
}

/// The least time a newly approved slip stays valid: a visitor let in at 23:58 under
/// "end of day" still has time to walk to the door (and the signed pass a valid window).
pub const MIN_VISIT_VALIDITY_MINUTES: i64 = 30;

/// When a visit approved at `now` stops being valid: at the configured end, but never
/// sooner than [`MIN_VISIT_VALIDITY_MINUTES`] after approval.
pub fn visit_valid_until(now: DateTime<Utc>, tz: Tz, validity: VisitValidity) -> DateTime<Utc> {
    let floor = now + Duration::minutes(MIN_VISIT_VALIDITY_MINUTES);
    configured_end(now, tz, validity).max(floor)
}

fn configured_end(now: DateTime<Utc>, tz: Tz, validity: VisitValidity) -> DateTime<Utc> {
    match validity {
        VisitValidity::Hours(h) => now + Duration::hours(i64::from(h.max(1))),
        VisitValidity::EndOfDay => {
            let local = now.with_timezone(&tz);
            let end = local
                .date_naive()
                .and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default());
            tz.from_local_datetime(&end)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(now + Duration::hours(4))
        }
    }
}

/// A surname as the desk asks for it: 1-4 Chinese characters, or a Latin family name
/// (the [`super::field::SURNAME`] rule).
pub fn is_valid_surname(text: &str) -> bool {
    clean_surname(text).is_some()
}

/// The surname as it is kept (folded, NFC, trimmed), if it passes the rule.
pub fn clean_surname(text: &str) -> Option<String> {
    super::field::clean(&super::field::SURNAME, text).ok()
}

/// A company name is optional; when given it is trimmed and at most 30 characters.
/// `None` when it cannot be kept as typed.
pub fn clean_company(text: &str) -> Option<String> {
    super::field::clean(&super::field::VISITOR_COMPANY, text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_round_trip() {
        for t in VisitorType::ALL {
            assert_eq!(VisitorType::parse(t.as_str()), Some(t));
        }
        assert_eq!(VisitorType::parse("burglar"), None);
    }

    #[test]
    fn end_of_day_is_local_midnight_minus_a_minute() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        // 22:30 in Shanghai is 14:30 UTC.
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 14, 30, 0).unwrap();
        let until = visit_valid_until(now, tz, VisitValidity::EndOfDay);
        assert_eq!(until, Utc.with_ymd_and_hms(2026, 11, 27, 15, 59, 0).unwrap());
        let until = visit_valid_until(now, tz, VisitValidity::Hours(4));
        assert_eq!(until, Utc.with_ymd_and_hms(2026, 11, 27, 18, 30, 0).unwrap());
    }

    #[test]
    fn a_visit_approved_just_before_midnight_still_has_time_to_walk_in() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        // 23:59:30 in Shanghai: "end of day" would be 23:59, already past.
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 15, 59, 30).unwrap();
        let until = visit_valid_until(now, tz, VisitValidity::EndOfDay);
        assert_eq!(until, now + Duration::minutes(30));
        // 23:45: the floor still wins over the 14 minutes left.
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 15, 45, 0).unwrap();
        assert_eq!(
            visit_valid_until(now, tz, VisitValidity::EndOfDay),
            now + Duration::minutes(30)
        );
    }

    #[test]
    fn surnames_and_companies() {
        assert!(is_valid_surname("王"));
        assert!(is_valid_surname("欧阳"));
        assert!(is_valid_surname("Smith"));
        assert!(!is_valid_surname(""));
        assert!(!is_valid_surname("王王王王王"));
        assert!(!is_valid_surname("R2-D2"));
        assert_eq!(clean_company("  顺丰速运 ").unwrap(), "顺丰速运");
        assert!(clean_company(&"x".repeat(31)).is_none());
        assert!(clean_company("a\u{7}b").is_none());
    }
}
