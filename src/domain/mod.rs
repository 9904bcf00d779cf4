//! Pure domain rules of the kiosk: masking, phone and unit numbers, renovation
//! hours, signed slip tokens and ID fingerprints.
//!
//! Nothing here does I/O, touches the database or knows about the UI, so every
//! rule the front desk must follow can be tested on its own, and the kiosk and
//! a guard's device judge a slip with exactly the same code.

pub mod base45;
pub mod contrast;
pub mod day;
pub mod field;
pub mod hours;
pub mod hours_text;
pub mod identify_guard;
pub mod idhash;
pub mod mask;
pub mod phone;
pub mod pin;
pub mod print_job;
pub mod record_kind;
pub mod request;
pub mod sla;
pub mod targets;
pub mod ticket;
pub mod token;
pub mod unit;
pub mod visitor;
