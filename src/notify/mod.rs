//! Desk notifications: telling the front desk's group chat that something
//! needs a person (a visitor waiting for the resident, an emergency, a printer
//! fault, a slip that could not be printed, a kiosk fault).
//!
//! The manual asks that staff are always told when the kiosk cannot finish
//! something itself, so notices are first written to the outbox table (by
//! the store) and then delivered by a worker that retries on the schedule in
//! [`backoff`]. This module holds everything but the SQL:
//! - [`message`]: the [`Notice`] itself and its stable [`NoticeKind`] names;
//! - [`format`](mod@format): WeCom / DingTalk / Feishu robot bodies and the phone-number [`scrub`];
//! - [`http`]: one POST with timeouts, reading the robots' in-body error codes;
//! - [`sender`]: [`WebhookSender`] and the [`Deliver`] trait the worker depends on;
//! - [`sign`]: DingTalk's and Feishu's signed robots (加签).
//!
//! Nothing here panics on input, and no full mobile number or webhook key is
//! ever put into a message, an error or a `Debug` string.

pub mod backoff;
pub mod format;
pub mod http;
pub mod message;
pub mod outbox;
pub mod sender;
pub mod sign;

#[cfg(test)]
mod server_tests;

pub use backoff::{delay, next_attempt};
pub use format::{body, contains_full_phone, scrub, ChatFormat, FormatError};
pub use http::{post_json, SendError};
pub use message::{MessageError, Notice, NoticeKind};
pub use sender::{Deliver, WebhookSender};
