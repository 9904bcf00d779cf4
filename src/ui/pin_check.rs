//! PIN checks off the UI thread. Checking a PIN is Argon2 over every active account
//! (about a third of a second with ten accounts), so the screen counts the attempt, hands
//! the hashes to a thread of its own and keeps drawing, showing that it is checking; the
//! answer is picked up on the next tick of a short timer (or by [`PinChecks::settle`],
//! for tests and tools that drive the kiosk without an event loop).

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::mpsc;
use std::time::Duration;

use slint::{Timer, TimerMode};

use crate::journeys::staff::{PadCheck, PadVerdict};

/// How often the screen looks for the answer while a check runs.
const TICK: Duration = Duration::from_millis(20);

/// Called with the verdict, or `None` when the check's thread ended without one.
type Then = Box<dyn FnOnce(Option<PadVerdict>)>;

struct Pending {
    answer: mpsc::Receiver<PadVerdict>,
    then: Then,
}

/// At most one PIN check at a time (the pad ignores a second entry meanwhile).
pub struct PinChecks {
    pending: RefCell<Option<Pending>>,
    timer: Timer,
    me: Weak<PinChecks>,
}

impl PinChecks {
    pub fn new() -> Rc<PinChecks> {
        Rc::new_cyclic(|me| PinChecks {
            pending: RefCell::new(None),
            timer: Timer::default(),
            me: me.clone(),
        })
    }

    /// Whether a check is running (or its answer not yet picked up).
    pub fn busy(&self) -> bool {
        self.pending.borrow().is_some()
    }

    /// Runs `check` on a thread of its own and `then(verdict)` on the UI thread once it
    /// is done. If no thread can be started the check runs here, as it always did.
    pub fn start(&self, check: PadCheck, then: impl FnOnce(Option<PadVerdict>) + 'static) {
        let (tell, answer) = mpsc::channel();
        let (hand, job) = mpsc::channel::<PadCheck>();
        let spawned = std::thread::Builder::new().name("pin-check".into()).spawn(move || {
            if let Ok(check) = job.recv() {
                let _ = tell.send(check.run());
            }
        });
        if spawned.is_err() {
            then(Some(check.run()));
            return;
        }
        let _ = hand.send(check);
        *self.pending.borrow_mut() = Some(Pending {
            answer,
            then: Box::new(then),
        });
        let me = self.me.clone();
        self.timer.start(TimerMode::Repeated, TICK, move || {
            if let Some(me) = me.upgrade() {
                me.poll();
            }
        });
    }

    /// Forgets a running check (the person went home): its answer is dropped unseen.
    pub fn cancel(&self) {
        self.timer.stop();
        self.pending.borrow_mut().take();
    }

    /// Hands the answer on if it has arrived; whether nothing is pending any more.
    pub fn poll(&self) -> bool {
        self.take(|answer| answer.try_recv().ok())
    }

    /// Waits (in real time, up to `limit`) for a running check and hands its answer on.
    pub fn settle(&self, limit: Duration) -> bool {
        self.take(|answer| answer.recv_timeout(limit).ok())
    }

    fn take(&self, get: impl FnOnce(&mpsc::Receiver<PadVerdict>) -> Option<PadVerdict>) -> bool {
        let verdict = {
            let pending = self.pending.borrow();
            let Some(p) = pending.as_ref() else { return true };
            match get(&p.answer).ok_or_else(|| p.answer.try_recv()) {
                Ok(verdict) | Err(Ok(verdict)) => Some(verdict),
                // A thread that ended without answering: nothing more will come.
                Err(Err(mpsc::TryRecvError::Disconnected)) => None,
                Err(Err(mpsc::TryRecvError::Empty)) => return false,
            }
        };
        self.timer.stop();
        let Some(pending) = self.pending.borrow_mut().take() else {
            return true;
        };
        (pending.then)(verdict);
        true
    }
}
