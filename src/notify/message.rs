//! What the kiosk tells the front desk, independent of which chat app carries it.
//!
//! A [`Notice`] is written once by whoever noticed something (the visitor flow,
//! the printer driver, the self-check) and stored in the outbox before any
//! network traffic happens, so it must be plain data that serialises cleanly
//! and survives a restart. How it looks in WeCom, DingTalk or Feishu is decided
//! later, in [`super::format`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a stored value could not be turned back into a message type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MessageError {
    /// The outbox row names a kind this build does not know (for example a
    /// row written by a newer version before a downgrade).
    #[error("unknown notice kind {0:?}")]
    UnknownKind(String),
}

/// Why the desk is being told. Stored by its [`NoticeKind::as_str`] name, so
/// the daily summary (每日梳理汇总) can count notices per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A visitor is waiting at the kiosk while the desk contacts the resident.
    VisitorWaiting,
    /// A visitor matched the deny list; staff should come and handle it in person.
    VisitorHeld,
    /// A resident reported an emergency (for example an urgent repair), which
    /// is never deferred, whatever the hour.
    EmergencyRequest,
    /// An ordinary service request (repair, housekeeping, complaint, ...).
    Request,
    /// The slip printer reported a fault (paper out, cover open, offline).
    PrinterFault,
    /// A slip that someone needed could not be printed; staff should hand one over.
    SlipNotPrinted,
    /// The kiosk could not identify a person (room not found, pass unreadable).
    IdentifyFailed,
    /// The kiosk itself is unwell (storage, configuration, self-check).
    SystemFault,
    /// Sent from the staff settings screen to check the webhook works.
    Test,
}

impl NoticeKind {
    /// Every kind, in declaration order; handy for tests and summaries.
    pub const ALL: [NoticeKind; 9] = [
        NoticeKind::VisitorWaiting,
        NoticeKind::VisitorHeld,
        NoticeKind::EmergencyRequest,
        NoticeKind::Request,
        NoticeKind::PrinterFault,
        NoticeKind::SlipNotPrinted,
        NoticeKind::IdentifyFailed,
        NoticeKind::SystemFault,
        NoticeKind::Test,
    ];

    /// The stable snake_case name used in the outbox table. Never rename one:
    /// stored rows and summaries depend on it. Matches the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::VisitorWaiting => "visitor_waiting",
            NoticeKind::VisitorHeld => "visitor_held",
            NoticeKind::EmergencyRequest => "emergency_request",
            NoticeKind::Request => "request",
            NoticeKind::PrinterFault => "printer_fault",
            NoticeKind::SlipNotPrinted => "slip_not_printed",
            NoticeKind::IdentifyFailed => "identify_failed",
            NoticeKind::SystemFault => "system_fault",
            NoticeKind::Test => "test",
        }
    }

    /// Whether notices of this kind should be urgent unless the caller says
    /// otherwise: emergencies and held visitors need someone now.
    pub fn default_urgent(self) -> bool {
        matches!(self, NoticeKind::EmergencyRequest | NoticeKind::VisitorHeld)
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NoticeKind {
    type Err = MessageError;

    /// Parses the stored name; surrounding whitespace is ignored, case is not.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        NoticeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| MessageError::UnknownKind(s.chars().take(64).collect()))
    }
}

/// One message for the front desk's group chat.
///
/// `title` is the one-line summary that shows in the chat preview; `lines` are
/// the details, one fact per line, already in the desk's language. Neither may
/// carry a full phone number (the manual never gives numbers out, and a group
/// chat is "out"): callers pass masked numbers, and [`super::format::body`]
/// masks any that slip through anyway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub lines: Vec<String>,
    /// Urgent notices mention everyone in the group so phones ring.
    pub urgent: bool,
}

impl Notice {
    /// A notice with no detail lines, urgent if the kind usually is.
    pub fn new(kind: NoticeKind, title: impl Into<String>) -> Self {
        Notice {
            kind,
            title: title.into(),
            lines: Vec::new(),
            urgent: kind.default_urgent(),
        }
    }

    /// Adds a detail line (builder style).
    pub fn line(mut self, line: impl Into<String>) -> Self {
        self.lines.push(line.into());
        self
    }

    /// Overrides urgency (builder style).
    pub fn urgent(mut self, urgent: bool) -> Self {
        self.urgent = urgent;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in NoticeKind::ALL {
            assert_eq!(kind.as_str().parse::<NoticeKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(kind.to_string(), kind.as_str());
        }
    }

    #[test]
    fn names_are_unique_snake_case() {
        let mut names: Vec<&str> = NoticeKind::ALL.iter().map(|k| k.as_str()).collect();
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NoticeKind::ALL.len());
    }

    #[test]
    fn unknown_kind_is_an_error_not_a_panic() {
        assert_eq!(
            "visitor".parse::<NoticeKind>(),
            Err(MessageError::UnknownKind("visitor".into()))
        );
        assert!("".parse::<NoticeKind>().is_err());
        assert_eq!(" test ".parse::<NoticeKind>(), Ok(NoticeKind::Test));
    }

    #[test]
    fn notice_serde_round_trip() {
        let n = Notice::new(NoticeKind::EmergencyRequest, "3栋1502 紧急维修").line("漏水");
        assert!(n.urgent);
        let json = serde_json::to_string(&n).unwrap();
        assert!(json.contains("\"kind\":\"emergency_request\""));
        let back: Notice = serde_json::from_str(&json).unwrap();
        assert_eq!(back, n);
        assert!(!Notice::new(NoticeKind::Request, "x").urgent);
        assert!(Notice::new(NoticeKind::Request, "x").urgent(true).urgent);
    }
}
