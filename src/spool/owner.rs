//! Which process sends a print job. A job is marked `sent` by the process that claims
//! it; if that process is killed mid-send nobody records how the job ended. Each claim
//! therefore names its process as `pid:start-time` (the start time tells a new process
//! that reuses the id from the old one), and every start releases the jobs whose sender
//! no longer runs: they are owed again (printing the same slip twice is safe, it is the
//! same slip and the same pass).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};

use crate::store::{Store, StoreError};

static TAG: LazyLock<String> = LazyLock::new(|| {
    let pid = std::process::id();
    format!("{pid}:{}", start_time(pid).unwrap_or_default())
});

/// This process, as it signs its claims.
pub fn tag() -> String {
    TAG.clone()
}

/// The start time (clock ticks since boot, field 22 of `/proc/<pid>/stat`) of a process.
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: skip past it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// Whether the process that signed `tag` still runs. Where `/proc` cannot tell (not
/// Linux), every sender counts as running and only the time limit releases its jobs.
pub fn running(tag: &str) -> bool {
    if !std::path::Path::new("/proc/self/stat").exists() {
        return true;
    }
    let Some((pid, started)) = tag.split_once(':') else {
        return false;
    };
    let (Ok(pid), Ok(started)) = (pid.parse::<u32>(), started.parse::<u64>()) else {
        return false;
    };
    start_time(pid) == Some(started)
}

/// Makes the jobs left `sent` by a process that no longer runs owed again (see the
/// module notes); how many. Run at every start, by the kiosk and the command line.
pub fn release_abandoned(store: &Store, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let stopped: Vec<_> = store
        .sent_print_jobs()?
        .into_iter()
        .filter(|(_, sender)| !sender.as_deref().is_some_and(running))
        .collect();
    if stopped.is_empty() {
        return Ok(0);
    }
    store.release_abandoned_sends(&stopped, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_runs_and_a_finished_one_does_not() {
        assert!(running(&tag()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let started = start_time(pid);
        child.wait().unwrap();
        if let Some(started) = started {
            assert!(!running(&format!("{pid}:{started}")));
        }
        assert!(!running("garbage"));
    }

    #[test]
    fn a_job_left_sent_by_a_stopped_process_is_owed_again_and_a_running_ones_is_not() {
        let store = Store::open_in_memory().unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+08:00")
            .unwrap()
            .to_utc();
        let ours = store
            .add_print_job(
                crate::domain::print_job::SlipKind::Visitor,
                (crate::domain::record_kind::RecordKind::Visit, 1),
                b"slip",
                "h",
                None,
                now,
            )
            .unwrap();
        let theirs = store
            .add_print_job(
                crate::domain::print_job::SlipKind::Visitor,
                (crate::domain::record_kind::RecordKind::Visit, 2),
                b"slip",
                "h",
                None,
                now,
            )
            .unwrap();
        assert!(store.claim_print_job(ours, &tag(), now).unwrap());
        assert!(store.claim_print_job(theirs, "999999999:1", now).unwrap());
        assert_eq!(store.retryable_job_count(now, now).unwrap(), 0);
        assert_eq!(release_abandoned(&store, now).unwrap(), 1);
        assert_eq!(
            store.retryable_job_count(now, now).unwrap(),
            1,
            "the stopped one is owed"
        );
        let state = |id| store.print_job(id).unwrap().unwrap().record.state;
        assert_eq!(
            (state(ours), state(theirs)),
            (crate::store::JobState::Sent, crate::store::JobState::Failed)
        );
    }
}
