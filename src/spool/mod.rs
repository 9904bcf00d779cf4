//! The print spooler: a thread that owns the printer, so printing never blocks the UI.
//!
//! A journey registers each job with its exact bytes in the database (`queued`) and
//! hands it to the spooler, which sends it, records the outcome together with the record
//! it printed; the screen that waits reads the job's state from the register. While the
//! printer is down, failed jobs stay owed: every `retry_seconds` the spooler asks the
//! printer how it is and, once it can print again, sends what is still owed
//! ([`job::retry_owed`], the same loop as `printer retry`), oldest first — each job once,
//! as the same slip (a reprinted pass is the same pass, never a second valid one).
//! Rosters are not retried, and a pass that no longer vouches for anyone or a signed-out
//! visitor's slip is not printed late.
//!
//! The command line prints in-line with [`job::run`]; the kiosk uses this thread.

pub mod job;
pub mod owner;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use job::Outcome;

use crate::clock::Clock;
use crate::notify::{Notice, NoticeKind};
use crate::printing::{PrintJob, PrinterDriver, PrinterState, StatusReport};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("print job {0} is not in the register")]
    NoSuchJob(i64),
    #[error("the printing thread could not be started: {0}")]
    Thread(std::io::Error),
}

/// How the spooler retries.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// How often to look at the printer and the jobs still owed.
    pub every: Duration,
    /// Jobs older than this are left to staff (a reprint), not printed by themselves.
    pub within: chrono::Duration,
}

impl RetryPolicy {
    /// `printer.retry_seconds` and `printer.retry_within_minutes`.
    pub fn from_config(printer: &crate::config::Printer) -> RetryPolicy {
        RetryPolicy {
            every: Duration::from_secs(printer.retry_seconds.into()),
            within: chrono::Duration::minutes(printer.retry_within_minutes.into()),
        }
    }
}

/// What staff see of the printer, refreshed by the spooler after every job and retry.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PrinterView {
    pub name: String,
    /// The printer's own answer, for drivers that can ask (`DLE EOT`).
    pub status: Option<StatusReport>,
    /// Whether the last job went through.
    pub last_job_ok: Option<bool>,
    pub last_error: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

impl PrinterView {
    /// A fault the desk must see: the printer said it cannot print, or the last job failed.
    pub fn fault(&self) -> Option<String> {
        match (&self.status, self.last_job_ok) {
            (Some(s), _) if !s.is_printable() => Some(s.state.as_str().to_string()),
            (_, Some(false)) => Some(self.last_error.clone().unwrap_or_default()),
            _ => None,
        }
    }
}

enum Msg {
    Job(i64, Box<PrintJob>),
    RetryNow,
    /// A slip that could not be registered (the storage refuses writes), answered on
    /// the channel: sent, or why not.
    Unregistered(Box<PrintJob>, Sender<Result<(), String>>),
}

pub struct Spooler {
    tx: Option<Sender<Msg>>,
    in_flight: Arc<AtomicUsize>,
    view: Arc<Mutex<PrinterView>>,
    thread: Option<JoinHandle<()>>,
}

impl Spooler {
    /// Starts the thread with its own connection to the database at `db`.
    pub fn start(
        driver: Box<dyn PrinterDriver>,
        db: &Path,
        clock: Clock,
        policy: RetryPolicy,
    ) -> Result<Spooler, SpoolError> {
        // A storage refusing writes still lets the thread print what it is handed.
        let (store, _refused) = Store::open_or_read_only(db)?;
        let (tx, rx) = mpsc::channel();
        let in_flight = Arc::new(AtomicUsize::new(0));
        let view = Arc::new(Mutex::new(PrinterView {
            name: driver.name().to_string(),
            ..PrinterView::default()
        }));
        let watch = Watch {
            view: view.clone(),
            fault: None,
            printer: driver.name().to_string(),
            reads_status: driver.reads_status(),
        };
        let mut worker = Worker {
            store,
            driver,
            clock,
            policy,
            in_flight: in_flight.clone(),
            watch,
        };
        let thread = std::thread::Builder::new()
            .name("printer".into())
            .spawn(move || worker.serve(rx))
            .map_err(SpoolError::Thread)?;
        Ok(Spooler {
            tx: Some(tx),
            in_flight,
            view,
            thread: Some(thread),
        })
    }

    /// Queues a registered job for sending. Returns at once.
    pub fn submit(&self, job_id: i64, job: PrintJob) {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let sent = self
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send(Msg::Job(job_id, Box::new(job))).is_ok());
        if !sent {
            // The thread is gone; the job stays owed in the register for staff.
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Sends a slip that is in no register and waits for the printer's answer, up to
    /// `limit`. Only for when the register itself cannot be written (a full disk): the
    /// evacuation roster must come out even then.
    pub fn send_unregistered(&self, job: PrintJob, limit: Duration) -> Result<(), String> {
        let (answer, reply) = mpsc::channel();
        let asked = self
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send(Msg::Unregistered(Box::new(job), answer)).is_ok());
        if !asked {
            return Err("the printing thread has stopped".into());
        }
        reply
            .recv_timeout(limit)
            .unwrap_or_else(|_| Err("the printer did not answer in time".into()))
    }

    /// Asks for a retry pass now instead of at the next interval (staff's "retry" button).
    pub fn retry_now(&self) {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(Msg::RetryNow).is_ok());
        if !sent {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Jobs (and retry requests) handed over and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn view(&self) -> PrinterView {
        self.view.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Drop for Spooler {
    /// Lets the thread finish the job in hand (bounded by the driver's timeouts).
    fn drop(&mut self) {
        self.tx.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Worker {
    store: Store,
    driver: Box<dyn PrinterDriver>,
    clock: Clock,
    policy: RetryPolicy,
    in_flight: Arc<AtomicUsize>,
    watch: Watch,
}

/// What staff see of the printer, and the fault the desk was last told about.
struct Watch {
    view: Arc<Mutex<PrinterView>>,
    /// The fault the desk was last told about, so a long outage is one notice.
    fault: Option<String>,
    /// The driver's name, for the notice.
    printer: String,
    /// Whether the driver can read the printer's status back.
    reads_status: bool,
}

/// A job that could not even be tried (the register could not be read or written).
fn not_tried(job_id: i64, err: &SpoolError) -> Outcome {
    Outcome {
        job_id,
        printed: false,
        error: Some(err.to_string()),
        retry: false,
        printer_state: Some(PrinterState::Unknown),
        skipped: false,
    }
}

impl Worker {
    fn serve(&mut self, rx: Receiver<Msg>) {
        loop {
            let msg = rx.recv_timeout(self.policy.every);
            self.reopen_writable();
            match msg {
                Ok(Msg::Job(id, job)) => {
                    self.send_one(id, &job);
                    self.in_flight.fetch_sub(1, Ordering::SeqCst);
                }
                Ok(Msg::RetryNow) => {
                    self.retry_owed();
                    self.in_flight.fetch_sub(1, Ordering::SeqCst);
                }
                Ok(Msg::Unregistered(job, answer)) => {
                    let _ = answer.send(self.driver.send(&job).map_err(|e| e.to_string()));
                }
                Err(RecvTimeoutError::Timeout) => self.retry_owed(),
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// Opened read-only at start (a full or read-only disk): writable again once the
    /// storage takes writes, so jobs are recorded again.
    fn reopen_writable(&mut self) {
        if let (true, Some(path)) = (self.store.is_read_only(), self.store.path().map(Path::to_path_buf)) {
            if let Ok(store) = Store::open(&path) {
                self.store = store;
            }
        }
    }

    fn send_one(&mut self, id: i64, job: &PrintJob) {
        let clock = self.clock.clone();
        let outcome = job::run(&mut self.store, self.driver.as_mut(), id, job, || clock.now())
            .unwrap_or_else(|err| not_tried(id, &err));
        if !outcome.skipped {
            self.watch.after_job(&self.store, &outcome, clock.now());
        }
    }

    /// Sends what is still owed ([`job::retry_owed`]) once the printer says it can print.
    fn retry_owed(&mut self) {
        let clock = self.clock.clone();
        if let Some(status) = self.driver.live_status() {
            self.watch.set_status(&self.store, status, clock.now());
            if !status.is_printable() {
                return;
            }
        }
        let watch = &mut self.watch;
        let retried = job::retry_owed(
            &mut self.store,
            self.driver.as_mut(),
            self.policy.within,
            || clock.now(),
            |store, outcome| watch.after_job(store, outcome, clock.now()),
        );
        if let Err(err) = retried {
            self.watch.after_job(&self.store, &not_tried(0, &err), clock.now());
        }
    }
}

impl Watch {
    fn set_status(&mut self, store: &Store, status: StatusReport, now: DateTime<Utc>) {
        if let Ok(mut v) = self.view.lock() {
            v.status = Some(status);
            v.checked_at = Some(now);
        }
        if status.is_printable() {
            self.fault = None;
        } else {
            self.tell_fault(store, status.state.as_str(), now);
        }
    }

    /// Updates what staff see from how the job went, without asking the printer again
    /// (a silent printer would hold the queue for another timeout): a refusal carries
    /// the printer's own state, a lost connection means nobody knows.
    fn after_job(&mut self, store: &Store, outcome: &Outcome, now: DateTime<Utc>) {
        let state = outcome.printer_state.unwrap_or(PrinterState::Ready);
        if let Ok(mut v) = self.view.lock() {
            v.last_job_ok = Some(outcome.printed);
            v.last_error = outcome.error.clone();
            v.checked_at = Some(now);
            // Only drivers that can read the printer back have a status to show.
            if v.status.is_some() || (!outcome.printed && self.reads_status) {
                v.status = Some(StatusReport { state, raw: [None; 4] });
            }
        }
        if outcome.printed {
            self.fault = None;
        } else {
            let cause = if state == PrinterState::Unknown {
                outcome.error.clone().unwrap_or_default()
            } else {
                state.as_str().to_string()
            };
            self.tell_fault(store, &cause, now);
        }
    }

    /// One notice per outage: the first fault after the printer last worked.
    fn tell_fault(&mut self, store: &Store, cause: &str, now: DateTime<Utc>) {
        if self.fault.is_some() {
            return;
        }
        self.fault = Some(cause.to_string());
        let notice = Notice::new(NoticeKind::PrinterFault, "自助机打印机故障 Kiosk printer fault")
            .line(format!("{} · {cause}", self.printer))
            .line("请检查纸卷、机盖和电源 Please check the paper, the cover and the power")
            .urgent(true);
        let json = serde_json::to_string(&notice).unwrap_or_default();
        let _ = store.enqueue_notice(notice.kind.as_str(), &json, now);
    }
}
