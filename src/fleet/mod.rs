//! The fleet: many kiosks meeting in one central PostgreSQL, each working fully on its
//! own SQLite when the network is down. Off unless the configuration has a `[fleet]`
//! table. See the README's "Many kiosks" section.

pub mod central;
pub mod check;
pub mod connect;
pub mod settings;
pub mod sync;
