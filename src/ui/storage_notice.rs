//! The maintenance notice: while the storage refuses writes (a full disk, a read-only or
//! failing file system) the public screen says politely that the service is being
//! maintained and gives the hotline, instead of taking details it cannot keep. It comes
//! up when a journey's write fails that way or when the periodic probe fails, and goes
//! away by itself when a probe write succeeds again; the desk is then told how long the
//! kiosk was paused (the outbox is in the same database, so it cannot be told before).

use chrono::{DateTime, Utc};
use slint::ComponentHandle;

use super::{AppState, AppWindow};
use crate::app::App;
use crate::journeys::JourneyError;
use crate::notify::{Notice, NoticeKind};

/// Seconds between probes while the notice is up (a probe writes a scratch file).
const PROBE_EVERY_SECS_DOWN: u32 = 5;
/// Seconds between probes while all is well (one small committed write).
const PROBE_EVERY_SECS_UP: u32 = 60;

/// Shows the notice if a journey failed because the storage refuses writes.
pub fn on_journey_error(window: &AppWindow, error: &JourneyError) {
    if error.storage_unavailable() {
        show(window, &error.to_string());
    }
}

fn show(window: &AppWindow, why: &str) {
    let state = window.global::<AppState>();
    if !state.get_maintenance() {
        // The journal is the one place a technician can read while nothing can be saved.
        eprintln!("lobby-kiosk: records cannot be saved ({why}); showing the maintenance notice");
        state.set_maintenance(true);
    }
}

/// Watches the storage from the shell's one-second tick.
#[derive(Debug, Default)]
pub struct Watch {
    since: Option<DateTime<Utc>>,
    seconds: u32,
}

impl Watch {
    pub fn tick(&mut self, window: &AppWindow, app: &App) {
        let state = window.global::<AppState>();
        let down = state.get_maintenance();
        if down && self.since.is_none() {
            self.since = Some(app.now());
        }
        self.seconds = self.seconds.wrapping_add(1);
        let every = if down {
            PROBE_EVERY_SECS_DOWN
        } else {
            PROBE_EVERY_SECS_UP
        };
        if !self.seconds.is_multiple_of(every) {
            return;
        }
        // Opened read-only at start (a full or read-only disk): try writing again.
        app.reopen_writable();
        let probe = crate::journeys::probe_storage(app, down, app.now());
        match probe {
            Ok(()) if down => {
                eprintln!("lobby-kiosk: records can be saved again; the maintenance notice is gone");
                state.set_maintenance(false);
                // A visitor's half-done journey starts again; staff at work stay put.
                if state.get_page() != super::Page::Staff {
                    state.invoke_go_home();
                }
                let since = self.since.take().unwrap_or_else(|| app.now());
                let notice = Notice::new(
                    NoticeKind::SystemFault,
                    "大堂终端曾因存储问题暂停服务，现已恢复 The kiosk was paused by a storage problem and has recovered",
                )
                .line(format!(
                    "暂停自 Paused since {}",
                    crate::domain::day::local_minute(since, app.config.tz())
                ))
                .line("请技术人员检查存储空间与日志。Please have the storage and the journal checked.");
                let _ = crate::journeys::tell_desk(app, &notice, app.now());
            }
            Ok(()) => {}
            Err(err) if err.storage_unavailable() => show(window, &err.to_string()),
            Err(_) => {}
        }
    }
}
