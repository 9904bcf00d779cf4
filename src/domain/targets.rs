//! Whether a request met its response target, measured honestly per request type:
//!
//! - an emergency repair meets it when someone is on site (开始处理, `in_progress`) by
//!   its due time: passing it on (派单) is not being there;
//! - a repair meets it when it is dispatched (派单) by its due time and then done
//!   (处理完成) within the repair completion target, counted from the same start;
//! - every other request meets it when the desk first acts on it by its due time.
//!
//! Cancelled tickets (withdrawn, duplicates, settled at the desk) are left out of the
//! rates: they were never work to be done on time. A ticket whose moment has not come
//! and whose due time has not passed is pending, and not judged yet.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::request::RequestType;
use super::ticket::TicketStatus;
use crate::i18n::Lang;

/// How one ticket stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    OnTime,
    /// Reached too late, or not reached and the due time has passed.
    Late,
    /// Not reached yet, still in time.
    Pending,
    /// Cancelled: not counted.
    LeftOut,
}

/// The due times a ticket is judged by: `due` (on site for an emergency, dispatched for a
/// repair, first action otherwise) and, for a repair, `done_due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub due: DateTime<Utc>,
    pub done_due: Option<DateTime<Utc>>,
}

const ON_SITE: [TicketStatus; 4] = [
    TicketStatus::InProgress,
    TicketStatus::Done,
    TicketStatus::ReturnVisit,
    TicketStatus::Closed,
];
const DISPATCHED: [TicketStatus; 5] = [
    TicketStatus::Dispatched,
    TicketStatus::InProgress,
    TicketStatus::Done,
    TicketStatus::ReturnVisit,
    TicketStatus::Closed,
];
const DONE: [TicketStatus; 3] = [TicketStatus::Done, TicketStatus::ReturnVisit, TicketStatus::Closed];

/// The first moment the history reached any of `statuses`.
fn first_at(steps: &[(DateTime<Utc>, TicketStatus)], statuses: &[TicketStatus]) -> Option<DateTime<Utc>> {
    steps
        .iter()
        .filter(|(_, s)| statuses.contains(s))
        .map(|(at, _)| *at)
        .min()
}

fn by(reached: Option<DateTime<Utc>>, due: DateTime<Utc>, now: DateTime<Utc>) -> Verdict {
    match reached {
        Some(at) if at <= due => Verdict::OnTime,
        Some(_) => Verdict::Late,
        None if now <= due => Verdict::Pending,
        None => Verdict::Late,
    }
}

/// Judges a ticket of type `kind` from its history (`steps`: when it reached each status)
/// and its current status, at `now`.
pub fn judge(
    kind: RequestType,
    due: Due,
    steps: &[(DateTime<Utc>, TicketStatus)],
    current: TicketStatus,
    now: DateTime<Utc>,
) -> Verdict {
    if current == TicketStatus::Cancelled {
        return Verdict::LeftOut;
    }
    match kind {
        RequestType::EmergencyRepair => by(first_at(steps, &ON_SITE), due.due, now),
        RequestType::Repair => match by(first_at(steps, &DISPATCHED), due.due, now) {
            Verdict::OnTime => match due.done_due {
                Some(done_due) => by(first_at(steps, &DONE), done_due, now),
                None => Verdict::OnTime,
            },
            other => other,
        },
        _ => by(first_at(steps, &DISPATCHED), due.due, now),
    }
}

/// Verdicts counted: the rate's numerator is `on_time`, its denominator `judged()`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub on_time: u64,
    pub late: u64,
    pub pending: u64,
    pub left_out: u64,
}

impl Tally {
    pub fn add(&mut self, v: Verdict) {
        match v {
            Verdict::OnTime => self.on_time += 1,
            Verdict::Late => self.late += 1,
            Verdict::Pending => self.pending += 1,
            Verdict::LeftOut => self.left_out += 1,
        }
    }

    /// Tickets in the rate's denominator: on time or late.
    pub fn judged(&self) -> u64 {
        self.on_time + self.late
    }

    /// Every ticket counted, judged or not: matches the number of tickets.
    pub fn total(&self) -> u64 {
        self.judged() + self.pending + self.left_out
    }

    /// The share on time; `None` with nothing judged.
    pub fn rate(&self) -> Option<f64> {
        (self.judged() > 0).then(|| self.on_time as f64 / self.judged() as f64)
    }
}

/// The rule, as the daily report states it.
pub fn rule_text(lang: Lang) -> &'static str {
    lang.pick(
        "及时率口径：紧急维修以有人到场（开始处理）为准；报修以按时派单、并按时处理完成为准；其他服务以首次处理为准；已取消、重复提交的不计入；未到期的暂不计入。",
        "How on time is measured: an emergency repair when someone is on site (started); a repair when dispatched in time and then done in time; other requests when first acted on; cancelled and duplicate tickets are left out; tickets not yet due are not judged yet.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn due(min: i64) -> Due {
        Due {
            due: t(min),
            done_due: None,
        }
    }

    use TicketStatus::*;

    #[test]
    fn an_emergency_is_on_time_only_when_someone_is_on_site_in_time() {
        let e = RequestType::EmergencyRepair;
        // Dispatched at 5 minutes, nobody on site by 15: late, however fast the 派单.
        let dispatched_only = [(t(5), Dispatched)];
        assert_eq!(judge(e, due(15), &dispatched_only, Dispatched, t(16)), Verdict::Late);
        assert_eq!(judge(e, due(15), &dispatched_only, Dispatched, t(10)), Verdict::Pending);
        // On site at 15 (the due minute itself) is on time; at 16 late.
        let on_site = [(t(5), Dispatched), (t(15), InProgress)];
        assert_eq!(judge(e, due(15), &on_site, InProgress, t(60)), Verdict::OnTime);
        let late = [(t(5), Dispatched), (t(16), InProgress)];
        assert_eq!(judge(e, due(15), &late, InProgress, t(60)), Verdict::Late);
    }

    #[test]
    fn a_repair_is_dispatched_in_time_and_then_done_in_time() {
        let r = RequestType::Repair;
        let d = Due {
            due: t(60),
            done_due: Some(t(240)),
        };
        let good = [(t(30), Dispatched), (t(100), InProgress), (t(200), Done)];
        assert_eq!(judge(r, d, &good, Done, t(300)), Verdict::OnTime);
        // Dispatched in time, not done yet: pending until the completion target, then late.
        let waiting = [(t(30), Dispatched)];
        assert_eq!(judge(r, d, &waiting, Dispatched, t(200)), Verdict::Pending);
        assert_eq!(judge(r, d, &waiting, Dispatched, t(241)), Verdict::Late);
        // Done too late, or dispatched too late: late.
        let slow = [(t(30), Dispatched), (t(250), Done)];
        assert_eq!(judge(r, d, &slow, Done, t(300)), Verdict::Late);
        let late_dispatch = [(t(61), Dispatched), (t(100), Done)];
        assert_eq!(judge(r, d, &late_dispatch, Done, t(300)), Verdict::Late);
    }

    #[test]
    fn cancelled_and_duplicate_tickets_are_left_out() {
        // Cancelled at once (a duplicate): not on time, not late, left out.
        let cancelled = [(t(2), Cancelled)];
        for kind in [
            RequestType::Repair,
            RequestType::EmergencyRepair,
            RequestType::Complaint,
        ] {
            assert_eq!(judge(kind, due(60), &cancelled, Cancelled, t(100)), Verdict::LeftOut);
        }
        // Even after being dispatched.
        let later = [(t(2), Dispatched), (t(90), Cancelled)];
        assert_eq!(
            judge(RequestType::Repair, due(60), &later, Cancelled, t(100)),
            Verdict::LeftOut
        );
    }

    #[test]
    fn other_requests_count_the_first_action() {
        let c = RequestType::Complaint;
        assert_eq!(
            judge(c, due(60), &[(t(59), Dispatched)], Dispatched, t(100)),
            Verdict::OnTime
        );
        assert_eq!(
            judge(c, due(60), &[(t(61), InProgress)], InProgress, t(100)),
            Verdict::Late
        );
        assert_eq!(judge(c, due(60), &[], Received, t(100)), Verdict::Late);
        assert_eq!(judge(c, due(60), &[], Received, t(30)), Verdict::Pending);
    }

    #[test]
    fn a_tally_counts_every_ticket_and_rates_only_the_judged() {
        let mut tally = Tally::default();
        for v in [
            Verdict::OnTime,
            Verdict::OnTime,
            Verdict::Late,
            Verdict::Pending,
            Verdict::LeftOut,
        ] {
            tally.add(v);
        }
        assert_eq!((tally.judged(), tally.total()), (3, 5));
        assert_eq!(tally.rate(), Some(2.0 / 3.0));
        assert_eq!(Tally::default().rate(), None);
        assert!(rule_text(Lang::Zh).contains("开始处理") && rule_text(Lang::Zh).contains("重复提交"));
        assert!(rule_text(Lang::En).contains("on site") && rule_text(Lang::En).contains("duplicate"));
    }
}
