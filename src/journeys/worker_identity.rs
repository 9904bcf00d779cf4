//! The worker proves who they are before a pass prints. A permit code is shared by a
//! whole crew (it is printed on the contractor's slip), so tapping a name on the roster
//! proves nothing: the worker also gives the last four digits of the mobile the
//! contractor registered for them, or types that mobile in full. Wrong digits are
//! counted per worker in the database (the resident identification's table and rules,
//! `domain::identify_guard`, under the key `worker:<id>`), so starting over does not
//! give fresh tries; the third failure holds the pass (no pass at the kiosk for the
//! cool-down) and tells the desk in the same transaction.

use chrono::{DateTime, Utc};

use super::worker::{issue_pass, PassOutcome, WhoAsks};
use super::JourneyError;
use crate::app::App;
use crate::domain::identify_guard::{after_failure, newly_locked, MAX_FAILURES};
use crate::domain::mask::mask_name;
use crate::domain::phone::parse_mobile;
use crate::notify::{Notice, NoticeKind};
use crate::store::{Permit, Worker};

/// How the worker shows they are the person on the roster.
#[derive(Debug, Clone)]
pub enum Proof {
    /// A roster entry tapped, and the last four digits of its registered mobile.
    LastFour { worker_id: i64, digits: String },
    /// The registered mobile typed in full.
    Phone(String),
}

/// What asking for a pass came to.
#[derive(Debug, Clone)]
pub enum Asked {
    /// The worker is who they said: the pass checks ran (issued or politely refused).
    Checked(PassOutcome),
    /// The digits do not match the registered mobile; `tries_left` more before the hold.
    WrongDigits { tries_left: u32 },
    /// Too many wrong digits lately: the pass is held for the desk, who has been told.
    Held,
}

/// The failure count's key for a worker (never a unit number, so no clash).
fn key(worker: &Worker) -> String {
    format!("worker:{}", worker.id)
}

/// Whether `digits` are the last four of the worker's registered mobile.
pub fn last_four_match(worker: &Worker, digits: &str) -> bool {
    digits.len() == 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && worker.phone.len() >= 4
        && worker.phone.ends_with(digits)
}

/// Checks the proof, then runs every pass check ([`issue_pass`]).
pub fn ask_for_pass(app: &App, permit: &Permit, proof: &Proof, now: DateTime<Utc>) -> Result<Asked, JourneyError> {
    match proof {
        Proof::Phone(phone) => {
            let number = parse_mobile(phone).map(|m| m.as_str().to_string()).unwrap_or_default();
            if let Some(worker) = permit.workers.iter().find(|w| !number.is_empty() && w.phone == number) {
                if held(app, worker, now)? {
                    return Ok(Asked::Held);
                }
            }
            Ok(Asked::Checked(issue_pass(
                app,
                permit,
                &WhoAsks::Phone(phone.clone()),
                now,
            )?))
        }
        Proof::LastFour { worker_id, digits } => {
            let Some(worker) = permit.workers.iter().find(|w| w.id == *worker_id) else {
                // Not on this roster: the pass checks tell the desk and say so politely.
                return Ok(Asked::Checked(issue_pass(
                    app,
                    permit,
                    &WhoAsks::WorkerId(*worker_id),
                    now,
                )?));
            };
            let before = app.store().identify_tally(&key(worker))?;
            if before.is_some_and(|t| t.is_locked(now)) {
                return Ok(Asked::Held);
            }
            if last_four_match(worker, digits) {
                if before.is_some() {
                    app.store().clear_identify_failures(&key(worker))?;
                }
                return Ok(Asked::Checked(issue_pass(
                    app,
                    permit,
                    &WhoAsks::WorkerId(worker.id),
                    now,
                )?));
            }
            let after = after_failure(before, now);
            let notice = newly_locked(before, &after, now).then(|| held_notice(permit, worker, after.failures));
            let json = notice.map(|n| serde_json::to_string(&n).unwrap_or_default());
            app.store().record_identify_failure(
                &key(worker),
                &after,
                json.as_deref().map(|j| (NoticeKind::IdentifyFailed.as_str(), j)),
                now,
            )?;
            Ok(if after.is_locked(now) {
                Asked::Held
            } else {
                Asked::WrongDigits {
                    tries_left: MAX_FAILURES.saturating_sub(after.failures),
                }
            })
        }
    }
}

fn held(app: &App, worker: &Worker, now: DateTime<Utc>) -> Result<bool, JourneyError> {
    Ok(app
        .store()
        .identify_tally(&key(worker))?
        .is_some_and(|t| t.is_locked(now)))
}

/// The desk's notice when a pass is held: which permit and which roster name (masked).
fn held_notice(permit: &Permit, worker: &Worker, failures: u32) -> Notice {
    Notice::new(
        NoticeKind::IdentifyFailed,
        "施工人员身份核对未通过，通行证暂缓发放 Worker could not confirm their phone; pass held",
    )
    .line(format!("{} · {} · {}", permit.code, permit.unit_no, permit.contractor))
    .line(format!("施工人员 Worker: {}", mask_name(&worker.name)))
    .line(format!(
        "手机后四位连续不符 Wrong last four digits in a row: {failures}"
    ))
    .line("请当面核实身份后在前台办理。Please check the worker in person and issue the pass at the desk.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(phone: &str) -> Worker {
        Worker {
            id: 7,
            permit_id: 1,
            name: "张三明".into(),
            phone: phone.into(),
            id_hash: None,
            id_last4: None,
        }
    }

    #[test]
    fn only_the_last_four_of_the_registered_mobile_match() {
        let w = worker("13700001111");
        assert!(last_four_match(&w, "1111"));
        for wrong in ["1112", "0000", "111", "11111", "", "１１１１", "ab11"] {
            assert!(!last_four_match(&w, wrong), "{wrong:?}");
        }
        assert!(
            !last_four_match(&worker(""), ""),
            "no registered mobile, nothing matches"
        );
    }
}
