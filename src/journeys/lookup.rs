//! What screens and commands read: the records as they stand, one look-up each, so
//! nothing above the journeys opens the store (a test keeps `src/ui` and `src/cli` from
//! naming it). Decisions stay in the other journeys; these only fetch.
//!
//! The record types the journeys answer with are re-exported here, so a screen or a
//! command names them without reaching into the store.

use chrono::{DateTime, NaiveDate, Utc};

use super::{JourneyError, RecordKind};
use crate::app::App;
pub use crate::store::{
    AuditEntry, DenyEntry, Handover, HandoverItem, HistoryEntry, Invite, JobState, NewWorker, OnSiteKind,
    OutboxSummary, Pass, Permit, PermitStatus, PrintJobRecord, QueueSummary, Resident, ResidentSummary, StaffAccount,
    Ticket, Visit, VisitStatus, Worker,
};

/// One read of the store on the app's connection, as a journey function.
macro_rules! look_up {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {$(
        $(#[$doc])*
        pub fn $name(app: &App, $($arg: $ty),*) -> Result<$out, JourneyError> {
            Ok(app.store().$name($($arg),*)?)
        }
    )*};
}

look_up! {
    /// The handover waiting to be taken over, if any.
    pending_handover() -> Option<Handover>;
    /// The latest handovers, newest first.
    handovers(limit: u32) -> Vec<Handover>;
    handover(id: i64) -> Option<Handover>;
    visit(id: i64) -> Option<Visit>;
    visit_by_no(visit_no: &str) -> Option<Visit>;
    /// Visits waiting for the host or held for the desk.
    visits_waiting() -> Vec<Visit>;
    visits_on_site(now: DateTime<Utc>) -> Vec<Visit>;
    tickets(open_only: bool) -> Vec<Ticket>;
    ticket_by_no(ticket_no: &str) -> Option<Ticket>;
    ticket_history(ticket_id: i64) -> Vec<HistoryEntry>;
    /// How the desk's notices stand (pending, delivered, retrying).
    outbox_summary() -> OutboxSummary;
    /// A day's passes with their unit and worker.
    passes_on_day(day: NaiveDate) -> Vec<(Pass, String, Option<Worker>)>;
    /// Permits still running or ended since `ended_since`.
    permits_for_desk(ended_since: NaiveDate) -> Vec<Permit>;
    permits() -> Vec<Permit>;
    permit_by_code(code: &str) -> Option<Permit>;
    invites(include_closed: bool) -> Vec<Invite>;
    deny_list() -> Vec<DenyEntry>;
    /// Slips still owed (failed, not made good since), newest first.
    failed_print_jobs(limit: u32) -> Vec<PrintJobRecord>;
    /// The newest print jobs, whatever their state.
    print_jobs(limit: u32) -> Vec<PrintJobRecord>;
    /// What a print job was for, in a few words ("V20261127-0003").
    print_record_label(record_kind: RecordKind, record_id: i64) -> Option<String>;
    print_job_state(id: i64) -> Option<JobState>;
    last_print_job_for(record_kind: RecordKind, record_id: i64) -> Option<i64>;
    print_queue_summary() -> QueueSummary;
    staff() -> Vec<StaffAccount>;
    staff_by_name(name: &str) -> Option<StaffAccount>;
    audit_since(since: DateTime<Utc>) -> Vec<AuditEntry>;
    residents() -> Vec<Resident>;
    resident_summary() -> ResidentSummary;
    /// A unit of this compound's directory, for the keypad's example.
    example_unit() -> Option<String>;
}

/// How many owed slips a retry would send now (those younger than `within`), and the
/// failed ones older than that, left to staff (`printer reprint`), newest first.
pub fn slips_owed(
    app: &App,
    within: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<(u32, Vec<PrintJobRecord>), JourneyError> {
    let store = app.store();
    Ok((
        crate::spool::job::owed(&store, within, now)?,
        crate::spool::job::left_to_staff(&store, within, now)?,
    ))
}
