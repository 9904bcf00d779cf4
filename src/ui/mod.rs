//! The screen: the Slint UI (compiled from `ui/`) and the Rust that drives it. Rust
//! talks to the UI only through the exported globals (`AppState`, `Palette`, and one
//! adapter per journey); pages never reach into Rust.

slint::include_modules!();

mod cover_monitor;
pub mod idle;
pub mod input_adapter;
mod maintenance;
pub mod print_watch;
pub mod resident_adapter;
pub mod screenshot;
mod shell;
pub mod staff_adapter;
mod staff_models;
mod staff_permit;
mod staff_printing;
mod staff_stage;
pub mod visitor_adapter;
pub mod worker_adapter;

pub use cover_monitor::cover_monitor;
pub use shell::{Kiosk, UiError};
