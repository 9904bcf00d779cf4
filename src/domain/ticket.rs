//! Request tickets: their numbers, their lifecycle and the resident's verdict.
//!
//! A ticket is numbered per local day, `R20261127-0007`, printed on the request slip
//! and scanned back at the kiosk. It moves from received to closed along the desk's
//! own routine: record, pass to the department, follow up, feed back to the resident
//! (跟踪落实、反馈), and a return visit (回访) to ask whether they are satisfied.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// The letter that starts every ticket number.
pub const PREFIX: char = 'R';
/// The largest sequence that fits the printed four-digit form (and the scanner).
pub const MAX_SEQ: u32 = 9999;

/// The ticket number for the `seq`-th request of a local day given as `YYYYMMDD`,
/// e.g. `R20261127-0007`. Sequences start at 1; the store numbers them like visits.
pub fn ticket_number(day: &str, seq: i64) -> String {
    format!("{PREFIX}{day}-{seq:04}")
}

/// Reads a ticket number back: the local date and the sequence. Surrounding spaces
/// and a lower-case `r` (typed by hand) are accepted; the date must exist and the
/// sequence must be 0001-9999.
pub fn parse_ticket_number(text: &str) -> Option<(NaiveDate, u32)> {
    let text = text.trim();
    let rest = text.strip_prefix(['R', 'r'])?;
    let (day, seq) = rest.split_once('-')?;
    if day.len() != 8 || seq.len() != 4 || !day.bytes().chain(seq.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(day, "%Y%m%d").ok()?;
    let seq: u32 = seq.parse().ok()?;
    (1..=MAX_SEQ).contains(&seq).then_some((date, seq))
}

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Recorded by the kiosk or the desk (已受理).
    Received,
    /// Passed to the responsible department or worker (已派单).
    Dispatched,
    /// Someone is working on it (处理中).
    InProgress,
    /// The work is done; the resident still has to hear back (已完成).
    Done,
    /// The desk is asking the resident how it went (回访中).
    ReturnVisit,
    /// Finished and fed back (已办结).
    Closed,
    /// Withdrawn (已取消).
    Cancelled,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 7] = [
        TicketStatus::Received,
        TicketStatus::Dispatched,
        TicketStatus::InProgress,
        TicketStatus::Done,
        TicketStatus::ReturnVisit,
        TicketStatus::Closed,
        TicketStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Received => "received",
            TicketStatus::Dispatched => "dispatched",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::Done => "done",
            TicketStatus::ReturnVisit => "return_visit",
            TicketStatus::Closed => "closed",
            TicketStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<TicketStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            TicketStatus::Received => ("已受理", "Received"),
            TicketStatus::Dispatched => ("已派单", "Passed on"),
            TicketStatus::InProgress => ("处理中", "In progress"),
            TicketStatus::Done => ("已完成", "Done"),
            TicketStatus::ReturnVisit => ("回访中", "Follow-up call"),
            TicketStatus::Closed => ("已办结", "Closed"),
            TicketStatus::Cancelled => ("已取消", "Cancelled"),
        };
        lang.pick(zh, en)
    }

    /// Still needs someone's attention, so it is handed over between shifts. Done and
    /// return-visit tickets are open: the resident has not heard back yet.
    pub fn is_open(self) -> bool {
        !matches!(self, TicketStatus::Closed | TicketStatus::Cancelled)
    }

    /// The work itself is finished (done, being followed up, or closed): what the
    /// resident's status page marks as done.
    pub fn work_done(self) -> bool {
        matches!(
            self,
            TicketStatus::Done | TicketStatus::ReturnVisit | TicketStatus::Closed
        )
    }
}

/// Whether a ticket may move from one status to another: received → dispatched →
/// in progress → done → return visit → closed (done may also close directly, when no
/// return visit is needed); any open ticket may be cancelled; nothing leaves closed
/// or cancelled, and no status moves to itself.
pub fn can_move(from: TicketStatus, to: TicketStatus) -> bool {
    use TicketStatus::*;
    if !from.is_open() {
        return false;
    }
    matches!(
        (from, to),
        (Received, Dispatched)
            | (Dispatched, InProgress)
            | (InProgress, Done)
            | (Done, ReturnVisit)
            | (Done, Closed)
            | (ReturnVisit, Closed)
            | (_, Cancelled)
    )
}

/// The statuses a ticket may move to next, in lifecycle order (for staff buttons).
pub fn next_statuses(from: TicketStatus) -> impl Iterator<Item = TicketStatus> {
    TicketStatus::ALL.into_iter().filter(move |&to| can_move(from, to))
}

/// The one step the desk's dashboard offers: the lifecycle's next move that is not a
/// cancel (done goes on to the return visit; closing straight from done stays a
/// command-line choice). `None` once closed or cancelled.
pub fn desk_next(from: TicketStatus) -> Option<TicketStatus> {
    next_statuses(from).find(|&to| to != TicketStatus::Cancelled)
}

/// The resident's verdict at the return visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    Basic,
    Unsatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [Satisfaction::Satisfied, Satisfaction::Basic, Satisfaction::Unsatisfied];

    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(text: &str) -> Option<Satisfaction> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Satisfaction::Satisfied => ("满意", "Satisfied"),
            Satisfaction::Basic => ("基本满意", "Mostly satisfied"),
            Satisfaction::Unsatisfied => ("不满意", "Not satisfied"),
        };
        lang.pick(zh, en)
    }
}

/// Which journey a rating was given at the end of (`satisfaction.journey`). The
/// reception figure counts the kiosk's own journeys; a ticket's rating (asked when the
/// resident looks up a finished request) counts only towards the overall figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatedJourney {
    Visitor,
    Worker,
    Resident,
    Ticket,
}

impl RatedJourney {
    pub const ALL: [RatedJourney; 4] = [
        RatedJourney::Visitor,
        RatedJourney::Worker,
        RatedJourney::Resident,
        RatedJourney::Ticket,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            RatedJourney::Visitor => "visitor",
            RatedJourney::Worker => "worker",
            RatedJourney::Resident => "resident",
            RatedJourney::Ticket => "ticket",
        }
    }

    pub fn parse(text: &str) -> Option<RatedJourney> {
        Self::ALL.into_iter().find(|j| j.as_str() == text)
    }

    /// Whether its ratings count towards reception service satisfaction ([`RECEPTION_TARGET`]).
    pub fn is_reception(self) -> bool {
        self != RatedJourney::Ticket
    }
}

/// The company's target for overall satisfaction (综合满意率 93% 以上).
pub const OVERALL_TARGET: f64 = 0.93;
/// The company's target for reception service satisfaction (客户接待服务满意率 95%).
pub const RECEPTION_TARGET: f64 = 0.95;

/// How many residents gave each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionCounts {
    pub satisfied: u32,
    pub basic: u32,
    pub unsatisfied: u32,
}

impl SatisfactionCounts {
    pub fn add(&mut self, s: Satisfaction) {
        let n = match s {
            Satisfaction::Satisfied => &mut self.satisfied,
            Satisfaction::Basic => &mut self.basic,
            Satisfaction::Unsatisfied => &mut self.unsatisfied,
        };
        *n = n.saturating_add(1);
    }

    pub fn total(&self) -> u64 {
        u64::from(self.satisfied) + u64::from(self.basic) + u64::from(self.unsatisfied)
    }
}

impl FromIterator<Satisfaction> for SatisfactionCounts {
    fn from_iter<I: IntoIterator<Item = Satisfaction>>(iter: I) -> Self {
        let mut counts = Self::default();
        for s in iter {
            counts.add(s);
        }
        counts
    }
}

/// The satisfaction rate (满意率) as the company computes it: "satisfied" and "basic"
/// (基本满意) both count as satisfied, and only "unsatisfied" counts against, which is
/// the usual practice in Chinese property-service surveys and how the 93% / 95%
/// targets are meant. `None` when nobody has answered. For the stricter figure
/// (satisfied only) use [`satisfaction_rate_with`].
pub fn satisfaction_rate(counts: &SatisfactionCounts) -> Option<f64> {
    satisfaction_rate_with(counts, true)
}

/// The satisfaction rate, counting "basic" as satisfied or not as asked.
pub fn satisfaction_rate_with(counts: &SatisfactionCounts, basic_counts_as_satisfied: bool) -> Option<f64> {
    let total = counts.total();
    if total == 0 {
        return None;
    }
    let mut good = u64::from(counts.satisfied);
    if basic_counts_as_satisfied {
        good += u64::from(counts.basic);
    }
    Some(good as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use TicketStatus::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn ticket_numbers_look_like_the_printed_ones() {
        assert_eq!(ticket_number("20261127", 7), "R20261127-0007");
        assert_eq!(ticket_number("20261127", 9999), "R20261127-9999");
        assert_eq!(parse_ticket_number("R20261127-0007"), Some((date(2026, 11, 27), 7)));
        assert_eq!(
            parse_ticket_number("  r20261127-0042\n"),
            Some((date(2026, 11, 27), 42))
        );
    }

    #[test]
    fn malformed_ticket_numbers_are_refused() {
        for bad in [
            "",
            "R",
            "V20261127-0007",
            "R20261127-007",
            "R20261127-00007",
            "R2026112-00007",
            "R20261127_0007",
            "R20261131-0001",
            "R20261127-0000",
            "R20261127-+007",
            "R２0261127-0007",
            "R20261127-0007x",
        ] {
            assert_eq!(parse_ticket_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
            assert!(!s.label(Lang::Zh).is_ascii());
            assert!(s.label(Lang::En).is_ascii());
        }
        assert_eq!(TicketStatus::parse("open"), None);
        assert_eq!(serde_json::to_string(&InProgress).unwrap(), "\"in_progress\"");
    }

    #[test]
    fn the_lifecycle_moves_forward_one_step_at_a_time() {
        let path = [Received, Dispatched, InProgress, Done, ReturnVisit, Closed];
        for pair in path.windows(2) {
            assert!(can_move(pair[0], pair[1]), "{pair:?}");
            assert!(!can_move(pair[1], pair[0]), "no way back from {:?}", pair[1]);
        }
        assert!(can_move(Done, Closed));
        assert!(!can_move(Received, InProgress), "not before it is dispatched");
        assert!(!can_move(Received, Done));
        assert!(!can_move(Dispatched, Closed));
        assert!(!can_move(InProgress, Closed), "done comes first");
    }

    #[test]
    fn any_open_ticket_may_be_cancelled_and_finished_ones_never_move() {
        for s in TicketStatus::ALL {
            assert!(!can_move(s, s), "{s:?} to itself");
            assert_eq!(can_move(s, Cancelled), s.is_open(), "{s:?}");
            if !s.is_open() {
                assert_eq!(next_statuses(s).count(), 0, "{s:?}");
            }
        }
        assert_eq!(
            TicketStatus::ALL
                .into_iter()
                .filter(|s| s.is_open())
                .collect::<Vec<_>>(),
            [Received, Dispatched, InProgress, Done, ReturnVisit]
        );
        assert_eq!(
            next_statuses(Done).collect::<Vec<_>>(),
            [ReturnVisit, Closed, Cancelled]
        );
    }

    #[test]
    fn satisfaction_names() {
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        assert_eq!(Satisfaction::Basic.label(Lang::Zh), "基本满意");
        assert_eq!(Satisfaction::Unsatisfied.label(Lang::Zh), "不满意");
    }

    #[test]
    fn basic_counts_as_satisfied_by_default() {
        let counts: SatisfactionCounts = [
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Basic,
            Satisfaction::Unsatisfied,
        ]
        .into_iter()
        .collect();
        assert_eq!(counts.total(), 4);
        assert_eq!(satisfaction_rate(&counts), Some(0.75));
        assert_eq!(satisfaction_rate_with(&counts, false), Some(0.5));
        assert_eq!(satisfaction_rate(&SatisfactionCounts::default()), None);
        let meets = SatisfactionCounts {
            satisfied: 90,
            basic: 5,
            unsatisfied: 5,
        };
        assert!(satisfaction_rate(&meets).unwrap() >= RECEPTION_TARGET);
        assert!(satisfaction_rate_with(&meets, false).unwrap() < OVERALL_TARGET);
    }

    proptest! {
        #[test]
        fn numbers_round_trip(days in 0i64..36_500, seq in 1u32..=MAX_SEQ) {
            let d = date(2000, 1, 1) + chrono::Duration::days(days);
            let text = ticket_number(&d.format("%Y%m%d").to_string(), i64::from(seq));
            prop_assert_eq!(text.len(), 14);
            prop_assert_eq!(parse_ticket_number(&text), Some((d, seq)));
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,20}") {
            let _ = parse_ticket_number(&text);
        }

        #[test]
        fn rates_stay_between_zero_and_one(s in 0u32..1000, b in 0u32..1000, u in 0u32..1000) {
            let c = SatisfactionCounts { satisfied: s, basic: b, unsatisfied: u };
            if let (Some(loose), Some(strict)) = (satisfaction_rate(&c), satisfaction_rate_with(&c, false)) {
                prop_assert!((0.0..=1.0).contains(&strict) && strict <= loose && loose <= 1.0);
            } else {
                prop_assert_eq!(c.total(), 0);
            }
        }
    }

    #[test]
    fn the_desk_steps_a_ticket_along_its_lifecycle_and_never_cancels_by_that_button() {
        let mut at = Received;
        let mut seen = vec![at];
        while let Some(next) = desk_next(at) {
            assert!(can_move(at, next));
            at = next;
            seen.push(at);
        }
        assert_eq!(seen, [Received, Dispatched, InProgress, Done, ReturnVisit, Closed]);
        assert_eq!(desk_next(Cancelled), None);
    }

    #[test]
    fn the_work_is_done_from_done_on_but_not_when_cancelled() {
        let done: Vec<_> = TicketStatus::ALL.into_iter().filter(|s| s.work_done()).collect();
        assert_eq!(done, [Done, ReturnVisit, Closed]);
    }

    #[test]
    fn rated_journeys_read_back_and_only_the_kiosks_own_count_for_reception() {
        for j in RatedJourney::ALL {
            assert_eq!(RatedJourney::parse(j.as_str()), Some(j));
            assert_eq!(serde_json::to_value(j).unwrap(), j.as_str());
        }
        assert_eq!(RatedJourney::parse("staff"), None);
        let reception: Vec<_> = RatedJourney::ALL.into_iter().filter(|j| j.is_reception()).collect();
        assert_eq!(
            reception,
            [RatedJourney::Visitor, RatedJourney::Worker, RatedJourney::Resident]
        );
    }
}
