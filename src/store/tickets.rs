//! Resident requests (tickets), their append-only history, and satisfaction ratings.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};
use crate::domain::request::RequestType;
use crate::domain::ticket::{RatedJourney, Satisfaction, TicketStatus};

#[derive(Debug, Clone)]
pub struct NewTicket {
    pub unit_no: String,
    pub request_type: RequestType,
    pub choice: String,
    pub note: String,
    pub preferred_time: String,
    pub callback_phone: String,
    pub urgent: bool,
    pub due_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ticket {
    pub id: i64,
    pub ticket_no: String,
    pub unit_no: String,
    pub request_type: RequestType,
    pub choice: String,
    pub note: String,
    pub preferred_time: String,
    #[serde(skip)]
    pub callback_phone: String,
    pub urgent: bool,
    pub status: TicketStatus,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub status: TicketStatus,
    pub staff: String,
    pub note: String,
}

const COLUMNS: &str = "id, ticket_no, unit_no, request_type, choice, note, preferred_time, callback_phone, urgent, \
                       status, received_at, due_at, responded_at, closed_at";

fn row(r: &Row<'_>) -> rusqlite::Result<Ticket> {
    let t = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        let s: Option<String> = r.get(i)?;
        Ok(s.as_deref().and_then(parse_ts))
    };
    Ok(Ticket {
        id: r.get(0)?,
        ticket_no: r.get(1)?,
        unit_no: r.get(2)?,
        request_type: RequestType::parse(&r.get::<_, String>(3)?).unwrap_or(RequestType::Other),
        choice: r.get(4)?,
        note: r.get(5)?,
        preferred_time: r.get(6)?,
        callback_phone: r.get(7)?,
        urgent: r.get(8)?,
        status: TicketStatus::parse(&r.get::<_, String>(9)?).unwrap_or(TicketStatus::Received),
        received_at: t(10)?.unwrap_or_default(),
        due_at: t(11)?.unwrap_or_default(),
        responded_at: t(12)?,
        closed_at: t(13)?,
    })
}

impl Store {
    /// Records a ticket numbered `R<day>-<seq>`, sequential per day even with two
    /// writers (the counter is bumped inside an immediate transaction).
    pub fn insert_ticket(&mut self, new: &NewTicket, now: DateTime<Utc>, day: &str) -> Result<Ticket, StoreError> {
        let tx = super::begin(self.conn_mut(), true)?;
        let seq = super::visits::next_number(&tx, day, "ticket")?;
        let ticket_no = format!(
            "{}{}",
            super::visits::record_prefix(&tx)?,
            crate::domain::ticket::ticket_number(day, seq)
        );
        tx.prepare_cached(
            "INSERT INTO tickets(ticket_no, unit_no, request_type, choice, note, preferred_time, callback_phone, urgent,
                 status, received_at, due_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'received', ?9, ?10)",
        )?
        .execute(rusqlite::params![
                ticket_no,
                new.unit_no,
                new.request_type.as_str(),
                new.choice,
                new.note,
                new.preferred_time,
                new.callback_phone,
                new.urgent,
                ts(now),
                ts(new.due_at)
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.prepare_cached(
            "INSERT INTO ticket_history(ticket_id, at, status, staff, note) VALUES (?1, ?2, 'received', 'kiosk', '')",
        )?
        .execute((id, ts(now)))?;
        tx.commit()?;
        self.ticket_by_no(&ticket_no)?.ok_or(StoreError::Missing("ticket"))
    }

    pub fn ticket_by_no(&self, ticket_no: &str) -> Result<Option<Ticket>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM tickets WHERE ticket_no = ?1");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([ticket_no], row)
            .optional()?)
    }

    pub fn ticket(&self, id: i64) -> Result<Option<Ticket>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM tickets WHERE id = ?1");
        Ok(self.conn().prepare_cached(&sql)?.query_row([id], row).optional()?)
    }

    /// Every ticket, or only the open ones: done and return-visit tickets are open (the
    /// resident has not heard back yet), as `TicketStatus::is_open` says.
    pub fn tickets(&self, open_only: bool) -> Result<Vec<Ticket>, StoreError> {
        let filter = if open_only {
            "WHERE status NOT IN ('closed', 'cancelled')"
        } else {
            ""
        };
        let sql = format!("SELECT {COLUMNS} FROM tickets {filter} ORDER BY urgent DESC, due_at, id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn ticket_history(&self, ticket_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT at, status, staff, note FROM ticket_history WHERE ticket_id = ?1 ORDER BY at, id",
        )?;
        let rows = stmt
            .query_map([ticket_id], |r| {
                let at: String = r.get(0)?;
                Ok(HistoryEntry {
                    at: parse_ts(&at).unwrap_or_default(),
                    status: TicketStatus::parse(&r.get::<_, String>(1)?).unwrap_or(TicketStatus::Received),
                    staff: r.get(2)?,
                    note: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Moves a ticket to `status` and appends the change to its history, in one step.
    /// The first move away from `received` (other than a cancellation, which answers
    /// nothing) is stamped as the response; the targets themselves are judged from the
    /// history ([`crate::domain::targets`]).
    pub fn set_ticket_status(
        &mut self,
        id: i64,
        status: TicketStatus,
        staff: &str,
        note: &str,
        closes: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = super::begin(self.conn_mut(), false)?;
        let at = ts(now);
        tx.execute(
            "UPDATE tickets SET status = ?2,
                 responded_at = COALESCE(responded_at, CASE WHEN ?2 NOT IN ('received', 'cancelled') THEN ?3 END),
                 closed_at = CASE WHEN ?4 THEN ?3 ELSE closed_at END
             WHERE id = ?1",
            (id, status.as_str(), &at, closes),
        )?;
        tx.execute(
            "INSERT INTO ticket_history(ticket_id, at, status, staff, note) VALUES (?1, ?2, ?3, ?4, ?5)",
            (id, &at, status.as_str(), staff, note),
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn mark_ticket_printed(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn()
            .execute("UPDATE tickets SET printed_at = ?2 WHERE id = ?1", (id, ts(now)))?;
        Ok(())
    }

    /// The phones registered for a unit (to identify a resident by their last digits).
    pub fn unit_phones(&self, unit_no: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT phone FROM residents WHERE unit_no = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([unit_no], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(rows)
    }

    pub fn record_satisfaction(
        &self,
        journey: RatedJourney,
        record_id: Option<i64>,
        rating: Satisfaction,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO satisfaction(journey, record_id, rating, at) VALUES (?1, ?2, ?3, ?4)",
            (journey.as_str(), record_id, rating.as_str(), ts(now)),
        )?;
        Ok(())
    }

    /// Ratings given between two instants, per journey: (journey, rating, count).
    pub fn satisfaction_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(RatedJourney, Satisfaction, i64)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT journey, rating, count(*) FROM satisfaction WHERE at >= ?1 AND at < ?2 GROUP BY journey, rating",
        )?;
        let rows = stmt
            .query_map((ts(from), ts(to)), |r| {
                Ok((
                    super::code(r, 0, "rated journey", RatedJourney::parse)?,
                    super::code(r, 1, "rating", Satisfaction::parse)?,
                    r.get(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
