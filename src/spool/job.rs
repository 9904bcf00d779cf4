//! One print job's trip to the printer, the same on the spooler thread and in the command
//! line: claim it (mark it sent, unless another process already has), hand the bytes to
//! the driver, record how it ended (with the record it printed, in one transaction), and
//! tell the desk when a slip someone needed did not come out.

use chrono::{DateTime, Utc};

use super::SpoolError;
use crate::domain::record_kind::RecordKind;
use crate::notify::{Notice, NoticeKind};
use crate::printing::{DriverError, PrintJob, PrinterDriver, PrinterState, SlipKind};
use crate::store::{JobState, Store, StoreError};

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub job_id: i64,
    pub printed: bool,
    /// Why not, for staff (never shown to the public as is).
    pub error: Option<String>,
    /// Whether this was a retry of a job that had failed before.
    pub retry: bool,
    /// What a failure says about the printer: its own answer when it refused the job,
    /// unknown when the connection failed. `None` when the job went through.
    pub printer_state: Option<PrinterState>,
    /// Another process had claimed the job (see [`Store::claim_print_job`]): nothing was
    /// sent here, and that process records how it ends. Says nothing about the printer.
    pub skipped: bool,
}

/// Sends job `job_id` (already registered with its bytes) and records the result. A job
/// that is already done is not sent again: a late duplicate request prints nothing. Nor
/// is one another process is sending: whoever claims it first sends it (the kiosk's
/// spooler and `printer retry` on the desk PC share the register).
pub fn run(
    store: &mut Store,
    driver: &mut dyn PrinterDriver,
    job_id: i64,
    job: &PrintJob,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<Outcome, SpoolError> {
    let Some(current) = store.print_job(job_id)? else {
        return Err(SpoolError::NoSuchJob(job_id));
    };
    let retry = current.record.attempts > 0;
    if current.record.state == JobState::Done {
        return Ok(Outcome {
            job_id,
            printed: true,
            error: None,
            retry,
            printer_state: None,
            skipped: false,
        });
    }
    if !store.claim_print_job(job_id, &super::owner::tag(), now())? {
        return Ok(Outcome {
            job_id,
            printed: false,
            error: None,
            retry,
            printer_state: None,
            skipped: true,
        });
    }
    let result = driver.send(job);
    let error = result.as_ref().err().map(describe);
    store.finish_print_job(job_id, error.as_deref(), now())?;
    if let Err(err) = &result {
        if !retry {
            tell_desk_not_printed(store, current.record.record_kind, current.record.record_id, err, now())?;
        }
    } else if retry && current.record.reprint_of.is_none() {
        let label = store.print_record_label(current.record.record_kind, current.record.record_id)?;
        let notice = Notice::new(
            NoticeKind::PrinterFault,
            "打印机已恢复，补打的凭条已出 Printer back; slip printed",
        )
        .line(label.unwrap_or_default())
        .line("请到自助机取出交给本人 Please collect it from the kiosk and hand it over");
        enqueue(store, &notice, now())?;
    }
    let printer_state = match &result {
        Ok(()) => None,
        Err(DriverError::NotReady(state)) => Some(*state),
        Err(_) => Some(PrinterState::Unknown),
    };
    Ok(Outcome {
        job_id,
        printed: result.is_ok(),
        error,
        retry,
        printer_state,
        skipped: false,
    })
}

/// What a retry pass did and left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retried {
    pub printed: u32,
    /// Slips a retry would still send (see [`owed`]).
    pub still_owed: u32,
}

/// How many owed slips a retry would send now: those younger than `within` (older ones
/// are left to staff, `printer reprint`).
pub fn owed(store: &Store, within: chrono::Duration, now: DateTime<Utc>) -> Result<u32, StoreError> {
    store.retryable_job_count(now - within, now)
}

/// Failed slips a retry no longer sends because they are older than `within`, newest
/// first: they wait for staff (`printer reprint`). Only the kinds that are retried at
/// all (never a roster or a test slip), and not made good since.
pub fn left_to_staff(
    store: &Store,
    within: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Vec<crate::store::PrintJobRecord>, StoreError> {
    let since = now - within;
    Ok(store
        .failed_print_jobs(u32::MAX)?
        .into_iter()
        .filter(|j| j.created_at < since && j.record_kind.retried())
        .collect())
}

/// Sends the slips still owed (see [`Store::next_retryable_job`]), oldest first and each
/// once, until one does not print (the printer is down again: the rest wait for the next
/// retry). `after` sees each job's outcome as it comes. The one retry loop: the spooler's
/// timer and staff's button, and in-line printing (`printer retry`).
pub fn retry_owed(
    store: &mut Store,
    driver: &mut dyn PrinterDriver,
    within: chrono::Duration,
    now: impl Fn() -> DateTime<Utc>,
    mut after: impl FnMut(&mut Store, &Outcome),
) -> Result<Retried, SpoolError> {
    let since = now() - within;
    let mut printed = 0;
    // Bounded by what was owed at the start, so a job that keeps coming back (claimed
    // by another process in the meantime) cannot hold the loop.
    for _ in 0..store.retryable_job_count(since, now())? {
        let Some(queued) = store.next_retryable_job(since, now())? else {
            break;
        };
        let job = stored(queued.record.slip_kind, queued.bytes);
        let outcome = run(store, driver, queued.record.id, &job, &now)?;
        if outcome.skipped {
            continue;
        }
        after(store, &outcome);
        if !outcome.printed {
            break;
        }
        printed += 1;
    }
    Ok(Retried {
        printed,
        still_owed: owed(store, within, now())?,
    })
}

/// A job rebuilt from the register (a retry or a reprint): the kept bytes, no preview.
pub fn stored(kind: SlipKind, bytes: Vec<u8>) -> PrintJob {
    PrintJob {
        kind,
        bytes,
        preview_png: None,
    }
}

fn describe(err: &DriverError) -> String {
    err.to_string()
}

fn tell_desk_not_printed(
    store: &Store,
    record_kind: RecordKind,
    record_id: i64,
    err: &DriverError,
    now: DateTime<Utc>,
) -> Result<(), SpoolError> {
    let title = match record_kind {
        RecordKind::Visit => "访客凭条未能打印 Visitor slip did not print",
        RecordKind::Pass => "通行证未能打印 Pass did not print",
        RecordKind::Ticket => "服务单回执未能打印 Request slip did not print",
        RecordKind::Permit => "装修备案单未能打印 Permit slip did not print",
        RecordKind::Roster | RecordKind::Report | RecordKind::Test => "凭条未能打印 A slip did not print",
    };
    let mut notice = Notice::new(NoticeKind::SlipNotPrinted, title)
        .urgent(matches!(record_kind, RecordKind::Visit | RecordKind::Pass));
    if let Some(label) = store.print_record_label(record_kind, record_id)? {
        notice = notice.line(label);
    }
    notice = notice
        .line(format!("原因 Cause: {err}"))
        .line("打印机恢复后会自动补打；也可在值班模式重打 It retries when the printer is back; staff can reprint");
    enqueue(store, &notice, now)
}

fn enqueue(store: &Store, notice: &Notice, now: DateTime<Utc>) -> Result<(), SpoolError> {
    let json = serde_json::to_string(notice).unwrap_or_default();
    store.enqueue_notice(notice.kind.as_str(), &json, now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A printer that takes every job and counts them.
    struct Counting(usize);

    impl PrinterDriver for Counting {
        fn name(&self) -> &str {
            "counting"
        }

        fn send(&mut self, _job: &PrintJob) -> Result<(), DriverError> {
            self.0 += 1;
            Ok(())
        }
    }

    #[test]
    fn a_job_another_process_is_sending_is_not_sent_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        // Two processes on one database: the kiosk's spooler and `printer retry`.
        let mut kiosk = Store::open(&path).unwrap();
        let mut desk = Store::open(&path).unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+08:00")
            .unwrap()
            .to_utc();
        let id = kiosk
            .add_print_job(
                crate::domain::print_job::SlipKind::Visitor,
                (crate::domain::record_kind::RecordKind::Visit, 1),
                b"\x1b@slip",
                "hash",
                None,
                now,
            )
            .unwrap();
        assert!(
            desk.claim_print_job(id, "desk", now).unwrap(),
            "the desk PC claims it first"
        );

        let mut printer = Counting(0);
        let job = stored(SlipKind::Visitor, b"\x1b@slip".to_vec());
        let outcome = run(&mut kiosk, &mut printer, id, &job, || now).unwrap();
        assert!(outcome.skipped && !outcome.printed, "{outcome:?}");
        assert_eq!(printer.0, 0, "nothing sent by the process that lost the claim");
        assert!(
            kiosk.notices(10).unwrap().is_empty(),
            "and the desk is not told it failed"
        );

        // The desk PC's send goes through; a late request from the kiosk prints nothing.
        desk.finish_print_job(id, None, now).unwrap();
        let outcome = run(&mut kiosk, &mut printer, id, &job, || now).unwrap();
        assert!(outcome.printed && !outcome.skipped);
        assert_eq!(printer.0, 0);
        assert_eq!(kiosk.print_job(id).unwrap().unwrap().record.attempts, 1);
    }
}
