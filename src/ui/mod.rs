//! The screen: the Slint UI (compiled from `ui/`) and the Rust that drives it. Rust
//! talks to the UI only through the exported globals (`AppState`, `Palette`, and one
//! adapter per journey); pages never reach into Rust.

slint::include_modules!();

/// Wires an adapter's callback to the journey (or mode) behind it, both held weakly: a
/// callback that fires after the window or the journey is gone does nothing. Each
/// adapter's `install` names its window, adapter and journey once in a one-line `on!`.
macro_rules! wire {
    ($window:expr, $adapter:expr, $target:expr, $setter:ident, |$j:ident, $w:ident $(, $arg:ident)*| $body:expr) => {{
        let weak = $window.as_weak();
        let target = std::rc::Rc::downgrade($target);
        $adapter.$setter(move |$($arg),*| {
            if let (Some($w), Some($j)) = (weak.upgrade(), target.upgrade()) {
                $body
            }
        });
    }};
}

mod cover_monitor;
pub mod idle;
pub mod input_adapter;
mod pin_check;
pub mod print_watch;
pub mod resident_adapter;
pub mod screenshot;
mod shell;
pub mod staff_adapter;
mod staff_models;
mod staff_permit;
mod staff_printing;
mod staff_stage;
mod staff_sync;
mod storage_notice;
pub mod visitor_adapter;
pub mod worker_adapter;

pub use cover_monitor::cover_monitor;
pub use shell::{Kiosk, UiError};
