//! lobby-kiosk: the lobby reception kiosk of a managed residential compound.
//!
//! Layers, with data flowing one way: `ui` (Slint pages and their Rust adapters) →
//! journeys → `domain` (pure rules), `store` (SQLite, the only SQL) and `printing`
//! (slip layout → ESC/POS bytes → a printer driver). `app` ties configuration, data
//! folder, database and printer together; `cli` is the command line on the same library.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daily_care;
pub mod data_folder;
pub mod directory;
pub mod domain;
pub mod fleet;
pub mod fonts;
pub mod i18n;
pub mod input;
pub mod journeys;
pub mod keys;
pub mod notify;
pub mod printing;
pub mod recovery;
pub mod spool;
pub mod store;
pub mod ui;
#[cfg(unix)]
pub mod watchdog;
