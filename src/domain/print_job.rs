//! What a print job is and where it stands: the slip it carries (`print_jobs.slip_kind`)
//! and its state in the register (`print_jobs.state`), stored as their codes and
//! converted once, in the store; everything above speaks these enums and says them in
//! words with [`SlipKind::label`] and [`JobState::label`].

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// What a slip is for; names the files the virtual printer writes and the job log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlipKind {
    Test,
    Visitor,
    Pass,
    Permit,
    Ticket,
    Roster,
    Report,
}

impl SlipKind {
    pub const ALL: [SlipKind; 7] = [
        SlipKind::Test,
        SlipKind::Visitor,
        SlipKind::Pass,
        SlipKind::Permit,
        SlipKind::Ticket,
        SlipKind::Roster,
        SlipKind::Report,
    ];

    /// Stable lowercase name, safe for file names; the stored and the JSON code.
    pub fn as_str(self) -> &'static str {
        match self {
            SlipKind::Test => "test",
            SlipKind::Visitor => "visitor",
            SlipKind::Pass => "pass",
            SlipKind::Permit => "permit",
            SlipKind::Ticket => "ticket",
            SlipKind::Roster => "roster",
            SlipKind::Report => "report",
        }
    }

    pub fn parse(text: &str) -> Option<SlipKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// What staff call this slip, in the screen's (or the desk's) language.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            SlipKind::Test => ("测试页", "test page"),
            SlipKind::Visitor => ("访客凭条", "visitor slip"),
            SlipKind::Pass => ("施工通行证", "worker pass"),
            SlipKind::Permit => ("装修备案凭条", "permit slip"),
            SlipKind::Ticket => ("服务单回执", "ticket receipt"),
            SlipKind::Roster => ("在场名单", "roster"),
            SlipKind::Report => ("每日汇总", "daily summary"),
        };
        lang.pick(zh, en)
    }
}

impl std::fmt::Display for SlipKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a job stands in the print-job register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Registered with its bytes, not sent yet (or owed again).
    Queued,
    /// Claimed by a process and on its way to the printer.
    Sent,
    /// The printer did not take it: owed until a retry or a reprint makes it good.
    Failed,
    /// Printed.
    Done,
}

impl JobState {
    pub const ALL: [JobState; 4] = [JobState::Queued, JobState::Sent, JobState::Failed, JobState::Done];

    /// The stored and the JSON code.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Sent => "sent",
            JobState::Failed => "failed",
            JobState::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<JobState> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The state in words, for `printer queue` and the desk (the JSON keeps the code).
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            JobState::Queued => lang.pick("待打印", "waiting"),
            JobState::Sent => lang.pick("发送中", "sending"),
            JobState::Failed => lang.pick("未打出", "not printed"),
            JobState::Done => lang.pick("已打印", "printed"),
        }
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slip_kind_and_state_reads_back_as_itself_and_its_json_code_is_the_stored_one() {
        for kind in SlipKind::ALL {
            assert_eq!(SlipKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        for unknown in ["", "Visitor", "visit", "printing", "DONE"] {
            assert_eq!(SlipKind::parse(unknown), None, "{unknown}");
            assert_eq!(JobState::parse(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn every_slip_kind_and_state_has_words_in_both_languages() {
        for kind in SlipKind::ALL {
            assert!(!kind.label(Lang::Zh).is_ascii(), "{kind}");
            assert!(
                !kind.label(Lang::En).is_empty() && kind.label(Lang::En).is_ascii(),
                "{kind}"
            );
        }
        for state in JobState::ALL {
            assert!(!state.label(Lang::Zh).is_ascii(), "{state}");
            assert_ne!(state.label(Lang::En), state.as_str(), "{state}: words, not the code");
        }
    }
}
