//! Full screen with or without a window manager. `set_fullscreen` only asks the window
//! manager; on a bare X display (a kiosk started by `xinit` with no window manager) nobody
//! answers and the window stays at its preferred size. So the kiosk also sizes and places
//! its (frameless) window itself to cover the monitor it is on, once winit has made it.

use std::time::Duration;

use slint::winit_030::WinitWindowAccessor;
use slint::ComponentHandle;

use super::AppWindow;

/// How many times to look for the native window (made once the event loop runs) before
/// giving up: other backends, such as linuxkms, have none and need none.
const TRIES: u32 = 50;

/// Covers the monitor with the kiosk's window: full screen through the window manager if
/// there is one, and the window's own size and position set to the monitor's if not.
pub fn cover_monitor(window: &AppWindow) {
    window.window().set_fullscreen(true);
    try_fit(window.as_weak(), TRIES);
}

fn try_fit(weak: slint::Weak<AppWindow>, tries: u32) {
    let Some(window) = weak.upgrade() else { return };
    if fit(window.window()) || tries == 0 {
        return;
    }
    slint::Timer::single_shot(Duration::from_millis(100), move || try_fit(weak, tries - 1));
}

/// Sizes and places the window over its monitor; false while there is no native window.
fn fit(window: &slint::Window) -> bool {
    let rect = window.with_winit_window(|w| {
        let monitor = w.current_monitor().or_else(|| w.primary_monitor())?;
        let (pos, size) = (monitor.position(), monitor.size());
        Some((
            slint::PhysicalPosition::new(pos.x, pos.y),
            slint::PhysicalSize::new(size.width, size.height),
        ))
    });
    match rect {
        None => false,
        Some(None) => true,
        Some(Some((pos, size))) => {
            window.set_position(pos);
            window.set_size(size);
            true
        }
    }
}
