//! Yardsticks for the benchmarks: the plainest rusqlite a person would write for the same
//! rows and the same answers as the store's own functions, and a way to see the query
//! plans of what the store really runs. Nothing here runs in the kiosk itself.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rusqlite::trace::{TraceEvent, TraceEventCodes};

use super::{ts, Store, StoreError};

/// One line of the hand-written roster.
#[derive(Debug, Clone)]
pub struct RefRosterLine {
    pub number: String,
    pub unit: String,
    pub name: String,
    pub phone: String,
    pub since: String,
}

/// Statements being recorded by [`Store::start_capture`].
pub struct Capture(Arc<Mutex<Vec<String>>>);

impl Store {
    /// One visit row and its day counter in one transaction (the rows
    /// [`Store::insert_visit`] writes): the raw insert it is measured against.
    pub fn raw_insert_visit(&mut self, visit_no: &str, phone: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let tx = super::begin(self.conn_mut(), false)?;
        tx.execute(
            "INSERT INTO visits(visit_no, unit_no, surname, phone, visitor_type, party_size, status, created_at,
                 consent_at) VALUES (?1, '3-2-1201', '王', ?2, 'guest', 1, 'waiting', ?3, ?3)",
            (visit_no, phone, ts(now)),
        )?;
        tx.execute(
            "INSERT INTO day_counters(day, kind, last) VALUES ('20261127', 'visit', 1)
             ON CONFLICT(day, kind) DO UPDATE SET last = last + 1",
            [],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// One pass row and its day counter in one transaction (for [`Store::issue_pass`]).
    pub fn raw_insert_pass(
        &mut self,
        pass_no: &str,
        permit_id: i64,
        worker_id: i64,
        day: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let tx = super::begin(self.conn_mut(), false)?;
        tx.execute(
            "INSERT INTO passes(pass_no, permit_id, worker_id, day, valid_from, valid_until, issued_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5)",
            (pass_no, permit_id, worker_id, day, ts(now)),
        )?;
        tx.execute(
            "INSERT INTO day_counters(day, kind, last) VALUES ('20261127', 'pass', 1)
             ON CONFLICT(day, kind) DO UPDATE SET last = last + 1",
            [],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// A ticket row, its first history row and its day counter in one transaction (for
    /// [`Store::insert_ticket`]).
    pub fn raw_insert_ticket(&mut self, ticket_no: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let tx = super::begin(self.conn_mut(), false)?;
        tx.execute(
            "INSERT INTO tickets(ticket_no, unit_no, request_type, choice, callback_phone, urgent, status,
                 received_at, due_at) VALUES (?1, '3-2-1201', 'repair', '漏水', '13912345678', 0, 'received', ?2, ?2)",
            (ticket_no, ts(now)),
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO ticket_history(ticket_id, at, status, staff) VALUES (?1, ?2, 'received', 'kiosk')",
            (id, ts(now)),
        )?;
        tx.execute(
            "INSERT INTO day_counters(day, kind, last) VALUES ('20261127', 'ticket', 1)
             ON CONFLICT(day, kind) DO UPDATE SET last = last + 1",
            [],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Hand-written on-site roster: what [`crate::journeys::staff::roster`] shows (number,
    /// unit, name, phone, since), visitors and workers, each found by an index and the
    /// workers joined to their permit and roster entry in the same query.
    pub fn reference_on_site(&self, now: DateTime<Utc>) -> Result<Vec<RefRosterLine>, StoreError> {
        let now_s = ts(now);
        let line = |r: &rusqlite::Row<'_>| {
            Ok(RefRosterLine {
                number: r.get(0)?,
                unit: r.get(1)?,
                name: r.get(2)?,
                phone: r.get(3)?,
                since: r.get(4)?,
            })
        };
        let mut visits = self.conn().prepare_cached(
            "SELECT visit_no, unit_no, surname, phone, coalesce(decided_at, created_at) FROM visits
             WHERE status = 'approved' AND valid_until > ?1 ORDER BY decided_at, id",
        )?;
        let mut lines = visits.query_map([&now_s], line)?.collect::<Result<Vec<_>, _>>()?;
        let mut passes = self.conn().prepare_cached(
            "SELECT p.pass_no, m.unit_no, w.name, w.phone, p.valid_from FROM passes p
             JOIN permits m ON m.id = p.permit_id JOIN permit_workers w ON w.id = p.worker_id
             WHERE p.revoked_at IS NULL AND p.left_at IS NULL AND p.valid_until > ?1 AND p.valid_from <= ?1
             ORDER BY p.issued_at",
        )?;
        lines.extend(passes.query_map([&now_s], line)?.collect::<Result<Vec<_>, _>>()?);
        Ok(lines)
    }

    /// Hand-written ticket lookup: the ticket's id and call-back phone by its number, and
    /// its history (what [`crate::journeys::resident::lookup`] reads).
    pub fn reference_ticket(&self, ticket_no: &str) -> Result<Option<(i64, String, usize)>, StoreError> {
        use rusqlite::OptionalExtension;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, callback_phone, status, due_at, responded_at FROM tickets WHERE ticket_no = ?1",
        )?;
        let Some((id, phone)) = stmt.query_row([ticket_no], |r| Ok((r.get(0)?, r.get(1)?))).optional()? else {
            return Ok(None);
        };
        let mut history = self
            .conn()
            .prepare_cached("SELECT at, status, staff, note FROM ticket_history WHERE ticket_id = ?1 ORDER BY id")?;
        let n = history.query_map([id], |r| r.get::<_, String>(0))?.count();
        Ok(Some((id, phone, n)))
    }

    /// Hand-written returning-visitor lookup: the surname of the latest visit by phone.
    pub fn reference_last_surname(&self, phone: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        let mut stmt = self.conn().prepare_cached(
            "SELECT surname FROM visits INDEXED BY visits_by_phone WHERE phone = ?1
             ORDER BY id DESC LIMIT 1",
        )?;
        Ok(stmt.query_row([phone], |r| r.get(0)).optional()?)
    }

    /// The `n` phones with the most visits, busiest first (for the benchmark's worst case
    /// of the returning-visitor look-up).
    pub fn busiest_phones(&self, n: usize) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT phone, count(*) AS visits FROM visits GROUP BY phone ORDER BY visits DESC, phone LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([n as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Hand-written invite lookup: the id of the open invite with this code.
    pub fn reference_open_invite(&self, code: &str) -> Result<Option<i64>, StoreError> {
        use rusqlite::OptionalExtension;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM invites INDEXED BY invites_open_code WHERE code = ?1 AND used_at IS NULL
             AND revoked_at IS NULL",
        )?;
        Ok(stmt.query_row([code], |r| r.get(0)).optional()?)
    }

    /// Starts recording every statement run on this connection, with the values bound
    /// (SQLite's expanded SQL); [`Store::stop_capture`] returns them in order.
    pub fn start_capture(&mut self) -> Result<Capture, StoreError> {
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = seen.clone();
        self.conn_mut().trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |event: TraceEvent<'_>| {
                if let TraceEvent::Stmt(stmt, _) = event {
                    if let (Some(sql), Ok(mut all)) = (stmt.expanded_sql(), sink.lock()) {
                        all.push(sql);
                    }
                }
            }),
        )?;
        Ok(Capture(seen))
    }

    pub fn stop_capture(&mut self, capture: Capture) -> Result<Vec<String>, StoreError> {
        self.conn_mut()
            .trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, None::<fn(TraceEvent<'_>)>)?;
        let statements = capture.0.lock().map(|s| s.clone()).unwrap_or_default();
        Ok(statements)
    }

    /// `EXPLAIN QUERY PLAN` of one statement, one line per step, indented by depth.
    pub fn explain(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut depth: Vec<(i64, usize)> = Vec::new();
        Ok(rows
            .into_iter()
            .map(|(id, parent, detail)| {
                let d = depth.iter().find(|(i, _)| *i == parent).map_or(0, |(_, d)| d + 1);
                depth.push((id, d));
                format!("{}{detail}", "  ".repeat(d))
            })
            .collect())
    }

    /// `PRAGMA quick_check` timed as the kiosk runs it at start-up (for the start-up
    /// figures at scale).
    pub fn time_quick_check(&self) -> Result<std::time::Duration, StoreError> {
        let started = std::time::Instant::now();
        self.ensure_intact()?;
        Ok(started.elapsed())
    }
}
