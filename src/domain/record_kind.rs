//! What a print job is for: the kind of record its slip belongs to, stored beside the job
//! (`print_jobs.record_kind`) and converted once, in the store.

use serde::Serialize;

/// The record a print job's slip belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Visit,
    Pass,
    Ticket,
    Permit,
    /// The evacuation roster (record id 0): a snapshot, never reprinted.
    Roster,
    /// The daily summary (record id 0).
    Report,
    /// `printer test` (record id 0).
    Test,
}

impl RecordKind {
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Visit,
        RecordKind::Pass,
        RecordKind::Ticket,
        RecordKind::Permit,
        RecordKind::Roster,
        RecordKind::Report,
        RecordKind::Test,
    ];

    /// The stored name; the same as the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Visit => "visit",
            RecordKind::Pass => "pass",
            RecordKind::Ticket => "ticket",
            RecordKind::Permit => "permit",
            RecordKind::Roster => "roster",
            RecordKind::Report => "report",
            RecordKind::Test => "test",
        }
    }

    pub fn parse(text: &str) -> Option<RecordKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The slips the kiosk sends again by itself when the printer is back: those a
    /// person is holding out for. A roster is a snapshot of one moment and a test or a
    /// report slip is asked for again by whoever wanted it.
    pub fn retried(self) -> bool {
        matches!(
            self,
            RecordKind::Visit | RecordKind::Pass | RecordKind::Ticket | RecordKind::Permit
        )
    }

    /// A staff reprint gives the same bytes again; a roster is only true of the moment
    /// it was printed, so a new one is printed instead.
    pub fn reprintable(self) -> bool {
        self != RecordKind::Roster
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_itself_and_nothing_else_reads() {
        for kind in RecordKind::ALL {
            assert_eq!(RecordKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(RecordKind::parse("visitor"), None);
        assert_eq!(RecordKind::parse(""), None);
    }

    #[test]
    fn only_the_slips_people_wait_for_are_retried_and_only_a_roster_is_never_reprinted() {
        let retried: Vec<_> = RecordKind::ALL.into_iter().filter(|k| k.retried()).collect();
        assert_eq!(
            retried,
            [
                RecordKind::Visit,
                RecordKind::Pass,
                RecordKind::Ticket,
                RecordKind::Permit
            ]
        );
        let never: Vec<_> = RecordKind::ALL.into_iter().filter(|k| !k.reprintable()).collect();
        assert_eq!(never, [RecordKind::Roster]);
    }
}
