//! Screens waiting for a slip: the spooler prints in the background, and a screen that
//! handed it a job waits here for the job's outcome, read from the print register. The
//! person sees "正在打印" meanwhile (`AppState.printing`), and after [`PATIENCE`] at most
//! the screen moves on, saying politely that the desk will hand the slip over: nobody
//! stands in front of a silent printer wondering.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use slint::ComponentHandle;

use super::{AppState, AppWindow};
use crate::app::{App, Printing};
use crate::journeys::lookup::{self, JobState};

/// How often a waiting screen looks at the register.
pub const TICK: Duration = Duration::from_millis(100);
/// How long a person waits for a slip before being told the desk will hand it over:
/// within 5 seconds, as promised, with a margin for the last tick.
pub const PATIENCE: Duration = Duration::from_millis(4_500);

const PATIENCE_TICKS: u32 = (PATIENCE.as_millis() / TICK.as_millis()) as u32;

type Then = Box<dyn FnOnce(&AppWindow, bool)>;

struct Wait {
    job_id: i64,
    give_up_at: u32,
    then: Then,
}

pub struct PrintWatch {
    app: Rc<App>,
    window: slint::Weak<AppWindow>,
    ticks: Cell<u32>,
    waits: RefCell<Vec<Wait>>,
}

impl PrintWatch {
    pub fn new(window: &AppWindow, app: &Rc<App>) -> Rc<PrintWatch> {
        Rc::new(PrintWatch {
            app: app.clone(),
            window: window.as_weak(),
            ticks: Cell::new(0),
            waits: RefCell::new(Vec::new()),
        })
    }

    /// Runs `then(window, printed)` once the slip's fate is known: at once for in-line
    /// printing, else when the spooler finishes the job or the patience runs out.
    pub fn watch(&self, printing: Printing, then: impl FnOnce(&AppWindow, bool) + 'static) {
        let Some(window) = self.window.upgrade() else { return };
        match printing {
            Printing::Printed => then(&window, true),
            Printing::Failed => then(&window, false),
            Printing::Pending(job_id) => {
                self.waits.borrow_mut().push(Wait {
                    job_id,
                    give_up_at: self.ticks.get() + PATIENCE_TICKS,
                    then: Box::new(then),
                });
                window.global::<AppState>().set_printing(true);
                self.check();
            }
        }
    }

    /// One tick of the watch's timer.
    pub fn tick(&self) {
        self.ticks.set(self.ticks.get().wrapping_add(1));
        self.check();
    }

    /// Settles every wait whose job is done or failed, or whose patience ran out.
    pub fn check(&self) {
        if self.waits.borrow().is_empty() {
            return;
        }
        let Some(window) = self.window.upgrade() else { return };
        let now = self.ticks.get();
        let mut settled = Vec::new();
        self.waits.borrow_mut().retain_mut(|wait| {
            let state = lookup::print_job_state(&self.app, wait.job_id).ok().flatten();
            let printed = match state {
                Some(JobState::Done) => Some(true),
                Some(JobState::Failed) | None => Some(false),
                _ if now >= wait.give_up_at => Some(false),
                _ => None,
            };
            match printed {
                Some(printed) => {
                    let then = std::mem::replace(&mut wait.then, Box::new(|_, _| {}));
                    settled.push((then, printed));
                    false
                }
                None => true,
            }
        });
        window
            .global::<AppState>()
            .set_printing(!self.waits.borrow().is_empty());
        for (then, printed) in settled {
            then(&window, printed);
        }
    }

    /// Forgets every wait (the idle reset: the person has gone).
    pub fn forget(&self) {
        self.waits.borrow_mut().clear();
        if let Some(w) = self.window.upgrade() {
            w.global::<AppState>().set_printing(false);
        }
    }
}
