//! The outbox worker: delivers queued notices to the desk's group chat, retrying with
//! back-off, from a thread of its own with its own database connection, so neither a
//! slow network nor a dead one ever holds up the screen.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{next_attempt, Deliver, Notice, WebhookSender};
use crate::config::Notify;
use crate::store::{Store, StoreError};

/// Writes a notice for the desk into the outbox through a given connection; delivery
/// happens in the background. (`journeys::tell_desk` is the same on the app's own
/// connection; the daily housekeeping thread and `App` itself use this one.)
pub fn tell_desk_in(store: &Store, notice: &Notice, now: DateTime<Utc>) -> Result<(), StoreError> {
    let json = serde_json::to_string(notice).unwrap_or_default();
    store.enqueue_notice(notice.kind.as_str(), &json, now)?;
    Ok(())
}

/// How many notices one round delivers at most.
const ROUND_LIMIT: u32 = 20;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub failed: usize,
}

/// Delivers every due notice once. A notice the store cannot parse is marked failed
/// rather than retried forever as if the network were at fault.
pub fn deliver_due(store: &Store, deliver: &dyn Deliver, now: DateTime<Utc>) -> Result<Round, StoreError> {
    let mut round = Round::default();
    for item in store.due_notices(now, ROUND_LIMIT)? {
        let outcome = match serde_json::from_str::<Notice>(&item.notice) {
            Ok(notice) => deliver.deliver(&notice).map_err(|e| e.to_string()),
            Err(e) => Err(format!("unreadable notice: {e}")),
        };
        match outcome {
            Ok(()) => {
                store.notice_delivered(item.id, now)?;
                round.delivered += 1;
            }
            Err(error) => {
                store.notice_failed(item.id, &error, next_attempt(item.id, item.attempts + 1, now))?;
                round.failed += 1;
            }
        }
    }
    Ok(round)
}

/// The running worker; stops when dropped.
pub struct Worker {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// Starts delivering in the background when a webhook is configured; `None` otherwise
/// (the notices stay in the outbox for staff mode).
pub fn spawn(db_path: PathBuf, notify: &Notify, every: Duration, clock: crate::clock::Clock) -> Option<Worker> {
    if notify.url.is_empty() {
        return None;
    }
    let sender = WebhookSender::new(notify.url.clone(), notify.format, WebhookSender::DEFAULT_TIMEOUT)
        .ok()?
        .signed_with(notify.secret.clone(), clock.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::Builder::new()
        .name("outbox".into())
        .spawn(move || {
            let mut store = None;
            while !flag.load(Ordering::Relaxed) {
                if store.is_none() {
                    store = Store::open(&db_path).ok();
                }
                if let Some(s) = &store {
                    if deliver_due(s, &sender, clock.now()).is_err() {
                        store = None; // reopen next time (e.g. after a disk problem)
                    }
                }
                // Sleep in short steps so dropping the worker is prompt.
                let mut slept = Duration::ZERO;
                while slept < every && !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    slept += Duration::from_millis(100);
                }
            }
        })
        .ok()?;
    Some(Worker {
        stop,
        handle: Some(handle),
    })
}
