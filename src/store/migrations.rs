//! The schema, as an append-only list of migrations applied by `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: add a new one. A database written by a
//! newer kiosk (user_version beyond this list) is refused rather than guessed at.

use rusqlite::Connection;

use super::StoreError;

/// Each entry moves the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the resident directory the journeys check rooms against, and kiosk facts.
    r#"
    CREATE TABLE residents (
        id          INTEGER PRIMARY KEY,
        unit_no     TEXT NOT NULL,
        surname     TEXT NOT NULL,
        phone       TEXT NOT NULL,
        imported_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX residents_by_unit ON residents(unit_no);
    CREATE TABLE kiosk_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;
    "#,
    // 2: visitors (walk-ins and invites), the deny list, per-day numbering, the
    // notification outbox and the print-job register.
    r#"
    CREATE TABLE day_counters (
        day  TEXT NOT NULL,
        kind TEXT NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (day, kind)
    ) STRICT;
    CREATE TABLE invites (
        id           INTEGER PRIMARY KEY,
        code         TEXT NOT NULL,
        unit_no      TEXT NOT NULL,
        surname      TEXT NOT NULL,
        phone        TEXT NOT NULL,
        valid_from   TEXT NOT NULL,
        valid_until  TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        used_at      TEXT,
        revoked_at   TEXT
    ) STRICT;
    CREATE UNIQUE INDEX invites_open_code ON invites(code) WHERE used_at IS NULL AND revoked_at IS NULL;
    CREATE TABLE visits (
        id            INTEGER PRIMARY KEY,
        visit_no      TEXT NOT NULL UNIQUE,
        unit_no       TEXT NOT NULL,
        surname       TEXT NOT NULL,
        phone         TEXT NOT NULL,
        visitor_type  TEXT NOT NULL,
        party_size    INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 50),
        company       TEXT NOT NULL DEFAULT '',
        invite_id     INTEGER REFERENCES invites(id),
        status        TEXT NOT NULL CHECK (status IN ('waiting', 'held', 'approved', 'denied', 'signed_out', 'cancelled')),
        hold_reason   TEXT,
        created_at    TEXT NOT NULL,
        consent_at    TEXT NOT NULL,
        decided_at    TEXT,
        decided_by    TEXT,
        valid_until   TEXT,
        signed_out_at TEXT,
        sign_out_kind TEXT CHECK (sign_out_kind IN ('scan', 'staff', 'auto')),
        printed_at    TEXT
    ) STRICT;
    CREATE INDEX visits_by_status ON visits(status, valid_until);
    CREATE INDEX visits_by_phone ON visits(phone, created_at);
    CREATE INDEX visits_by_created ON visits(created_at);
    CREATE TABLE deny_list (
        id       INTEGER PRIMARY KEY,
        phone    TEXT NOT NULL UNIQUE,
        reason   TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL
    ) STRICT;
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL,
        notice          TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        delivered_at    TEXT,
        last_error      TEXT
    ) STRICT;
    CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE delivered_at IS NULL;
    CREATE TABLE print_jobs (
        id          INTEGER PRIMARY KEY,
        slip_kind   TEXT NOT NULL,
        record_kind TEXT NOT NULL,
        record_id   INTEGER NOT NULL,
        bytes_hash  TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'done')),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        error       TEXT
    ) STRICT;
    CREATE INDEX print_jobs_by_record ON print_jobs(record_kind, record_id);
    "#,
    // 3: renovation permits (装修备案), their worker rosters, and the pass register.
    r#"
    CREATE TABLE permits (
        id            INTEGER PRIMARY KEY,
        code          TEXT NOT NULL UNIQUE,
        unit_no       TEXT NOT NULL,
        owner_surname TEXT NOT NULL,
        contractor    TEXT NOT NULL,
        lead_phone    TEXT NOT NULL,
        start_date    TEXT NOT NULL,
        end_date      TEXT NOT NULL,
        deposit_paid  INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked', 'finished')),
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    ) STRICT;
    CREATE TABLE permit_workers (
        id        INTEGER PRIMARY KEY,
        permit_id INTEGER NOT NULL REFERENCES permits(id),
        name      TEXT NOT NULL,
        phone     TEXT NOT NULL,
        id_hash   TEXT,
        id_last4  TEXT,
        UNIQUE (permit_id, phone)
    ) STRICT;
    CREATE TABLE passes (
        id          INTEGER PRIMARY KEY,
        pass_no     TEXT NOT NULL UNIQUE,
        permit_id   INTEGER NOT NULL REFERENCES permits(id),
        worker_id   INTEGER NOT NULL REFERENCES permit_workers(id),
        day         TEXT NOT NULL,
        valid_from  TEXT NOT NULL,
        valid_until TEXT NOT NULL,
        issued_at   TEXT NOT NULL,
        revoked_at  TEXT,
        left_at     TEXT,
        printed_at  TEXT,
        UNIQUE (worker_id, day)
    ) STRICT;
    CREATE INDEX passes_by_day ON passes(day, valid_until);
    "#,
    // 4: resident requests (tickets) with their append-only history, and satisfaction.
    r#"
    CREATE TABLE tickets (
        id             INTEGER PRIMARY KEY,
        ticket_no      TEXT NOT NULL UNIQUE,
        unit_no        TEXT NOT NULL,
        request_type   TEXT NOT NULL,
        choice         TEXT NOT NULL,
        note           TEXT NOT NULL DEFAULT '',
        preferred_time TEXT NOT NULL DEFAULT '',
        callback_phone TEXT NOT NULL,
        urgent         INTEGER NOT NULL,
        status         TEXT NOT NULL,
        received_at    TEXT NOT NULL,
        due_at         TEXT NOT NULL,
        responded_at   TEXT,
        closed_at      TEXT,
        printed_at     TEXT
    ) STRICT;
    CREATE INDEX tickets_open ON tickets(status, due_at);
    CREATE TABLE ticket_history (
        id        INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        at        TEXT NOT NULL,
        status    TEXT NOT NULL,
        staff     TEXT NOT NULL,
        note      TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX ticket_history_by_ticket ON ticket_history(ticket_id, id);
    CREATE TRIGGER ticket_history_append_only BEFORE UPDATE ON ticket_history
    BEGIN
        SELECT RAISE(ABORT, 'ticket history is append-only');
    END;
    CREATE TABLE satisfaction (
        id        INTEGER PRIMARY KEY,
        journey   TEXT NOT NULL CHECK (journey IN ('visitor', 'worker', 'resident', 'ticket')),
        record_id INTEGER,
        rating    TEXT NOT NULL CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
        at        TEXT NOT NULL
    ) STRICT;
    CREATE INDEX satisfaction_by_time ON satisfaction(at);
    "#,
    // 5: staff accounts, the PIN pad's lockout (kiosk-wide, survives restarts) and the
    // append-only audit of every staff action.
    r#"
    CREATE TABLE staff (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        role       TEXT NOT NULL CHECK (role IN ('desk', 'supervisor')),
        pin_hash   TEXT NOT NULL,
        active     INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE pin_lockout (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        failures     INTEGER NOT NULL,
        last_failure TEXT
    ) STRICT;
    INSERT INTO pin_lockout(id, failures, last_failure) VALUES (1, 0, NULL);
    CREATE TABLE audit (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        staff  TEXT NOT NULL,
        action TEXT NOT NULL,
        record TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX audit_by_time ON audit(at);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN
        SELECT RAISE(ABORT, 'the audit is append-only');
    END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN
        SELECT RAISE(ABORT, 'the audit is append-only');
    END;
    "#,
    // 6: the print queue. A job keeps its exact bytes so that a retry or a staff reprint
    // sends the same slip (the same pass, never a second valid one), counts its attempts
    // and remembers which job it reprints.
    r#"
    ALTER TABLE print_jobs ADD COLUMN bytes BLOB;
    ALTER TABLE print_jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE print_jobs ADD COLUMN reprint_of INTEGER REFERENCES print_jobs(id) ON DELETE SET NULL;
    CREATE INDEX print_jobs_by_state ON print_jobs(state, id);
    "#,
    // 7: shift handovers (值班与交接班): what the outgoing staff member left open, their
    // notes, and who took it over. A handover is never edited except to acknowledge it
    // once, and never deleted.
    r#"
    CREATE TABLE handovers (
        id        INTEGER PRIMARY KEY,
        closed_at TEXT NOT NULL,
        closed_by TEXT NOT NULL,
        notes     TEXT NOT NULL DEFAULT '',
        acked_at  TEXT,
        acked_by  TEXT,
        CHECK ((acked_at IS NULL) = (acked_by IS NULL)),
        CHECK (acked_by IS NULL OR acked_by <> closed_by)
    ) STRICT;
    CREATE INDEX handovers_by_time ON handovers(closed_at);
    CREATE TABLE handover_items (
        id          INTEGER PRIMARY KEY,
        handover_id INTEGER NOT NULL REFERENCES handovers(id),
        kind        TEXT NOT NULL CHECK (kind IN ('ticket', 'waiting', 'on_site', 'print_fault')),
        number      TEXT NOT NULL,
        unit        TEXT NOT NULL DEFAULT '',
        detail      TEXT NOT NULL DEFAULT '',
        at          TEXT
    ) STRICT;
    CREATE INDEX handover_items_by_handover ON handover_items(handover_id, id);
    CREATE TRIGGER handovers_ack_once BEFORE UPDATE ON handovers
    WHEN OLD.acked_at IS NOT NULL
        OR NEW.closed_at IS NOT OLD.closed_at
        OR NEW.closed_by IS NOT OLD.closed_by
        OR NEW.notes IS NOT OLD.notes
    BEGIN
        SELECT RAISE(ABORT, 'a handover is only ever acknowledged, once');
    END;
    CREATE TRIGGER handovers_no_delete BEFORE DELETE ON handovers
    BEGIN
        SELECT RAISE(ABORT, 'handovers are kept');
    END;
    CREATE TRIGGER handover_items_fixed BEFORE UPDATE ON handover_items
    BEGIN
        SELECT RAISE(ABORT, 'a handover lists what was open when it was written');
    END;
    "#,
    // 8: indexes for years of records: the daily report's counts of
    // passes, tickets and failed prints by time, and the workers on site now, each found
    // by index instead of a scan of the whole table.
    r#"
    CREATE INDEX passes_by_issued ON passes(issued_at);
    CREATE INDEX passes_on_site ON passes(valid_until) WHERE revoked_at IS NULL AND left_at IS NULL;
    CREATE INDEX tickets_by_received ON tickets(received_at);
    CREATE INDEX print_jobs_failed ON print_jobs(created_at) WHERE state = 'failed';
    "#,
    // 9: a PIN failure count per staff account, for attempts that name the account (the
    // command line); `pin_lockout` stays the kiosk-wide count of the PIN pad.
    r#"
    ALTER TABLE staff ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE staff ADD COLUMN pin_last_failure TEXT;
    "#,
    // 10: retention for the audit and the shift handovers. They stay append-only, except
    // that the retention purge deletes rows older than the cutoffs it writes to
    // `purge_gate` inside its own transaction (and removes again before committing).
    r#"
    CREATE TABLE purge_gate (
        id               INTEGER PRIMARY KEY CHECK (id = 1),
        audit_before     TEXT NOT NULL,
        handovers_before TEXT NOT NULL
    ) STRICT;
    DROP TRIGGER audit_no_delete;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE OLD.at < purge_gate.audit_before)
    BEGIN
        SELECT RAISE(ABORT, 'the audit is append-only; only the retention purge removes old rows');
    END;
    DROP TRIGGER handovers_no_delete;
    CREATE TRIGGER handovers_no_delete BEFORE DELETE ON handovers
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE OLD.closed_at < purge_gate.handovers_before)
    BEGIN
        SELECT RAISE(ABORT, 'handovers are kept until their retention ends');
    END;
    CREATE TRIGGER handover_items_kept BEFORE DELETE ON handover_items
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate g JOIN handovers h ON h.id = OLD.handover_id
                     WHERE h.closed_at < g.handovers_before)
    BEGIN
        SELECT RAISE(ABORT, 'a handover lists what was open when it was written');
    END;
    "#,
    // 11: wrong "last four digits" per unit, kept across sessions and restarts so that
    // starting over does not reset the resident identification's stop.
    r#"
    CREATE TABLE identify_failures (
        unit_no TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last_failure_at TEXT NOT NULL
    );
    "#,
    // 12 (the helper's 13): one pass per worker per work window rather than per day,
    // so a worker coming back after the lunch break gets the afternoon's pass; and waiting
    // visits that expire at the end of their day; printing faults kept as they happen.
    // SQLite cannot drop a UNIQUE constraint or change a CHECK, so passes and visits are
    // rebuilt (nothing references either). Passes from before keep an empty window:
    // they were one a day.
    r#"
    CREATE TABLE passes_by_window (
        id          INTEGER PRIMARY KEY,
        pass_no     TEXT NOT NULL UNIQUE,
        permit_id   INTEGER NOT NULL REFERENCES permits(id),
        worker_id   INTEGER NOT NULL REFERENCES permit_workers(id),
        day         TEXT NOT NULL,
        work_window TEXT NOT NULL DEFAULT '',
        valid_from  TEXT NOT NULL,
        valid_until TEXT NOT NULL,
        issued_at   TEXT NOT NULL,
        revoked_at  TEXT,
        left_at     TEXT,
        printed_at  TEXT,
        UNIQUE (worker_id, day, work_window)
    ) STRICT;
    INSERT INTO passes_by_window(id, pass_no, permit_id, worker_id, day, valid_from, valid_until,
                                 issued_at, revoked_at, left_at, printed_at)
        SELECT id, pass_no, permit_id, worker_id, day, valid_from, valid_until,
               issued_at, revoked_at, left_at, printed_at FROM passes;
    DROP TABLE passes;
    ALTER TABLE passes_by_window RENAME TO passes;
    CREATE INDEX passes_by_day ON passes(day, valid_until);
    CREATE INDEX passes_by_issued ON passes(issued_at);
    CREATE INDEX passes_on_site ON passes(valid_until) WHERE revoked_at IS NULL AND left_at IS NULL;
    -- A waiting visit nobody decided by the end of its day expires ('expired'): it can
    -- no longer be approved. The status list is a CHECK, so visits are rebuilt too.
    CREATE TABLE visits_with_expiry (
        id            INTEGER PRIMARY KEY,
        visit_no      TEXT NOT NULL UNIQUE,
        unit_no       TEXT NOT NULL,
        surname       TEXT NOT NULL,
        phone         TEXT NOT NULL,
        visitor_type  TEXT NOT NULL,
        party_size    INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 50),
        company       TEXT NOT NULL DEFAULT '',
        invite_id     INTEGER REFERENCES invites(id),
        status        TEXT NOT NULL CHECK (status IN ('waiting', 'held', 'approved', 'denied', 'signed_out', 'cancelled', 'expired')),
        hold_reason   TEXT,
        created_at    TEXT NOT NULL,
        consent_at    TEXT NOT NULL,
        decided_at    TEXT,
        decided_by    TEXT,
        valid_until   TEXT,
        signed_out_at TEXT,
        sign_out_kind TEXT CHECK (sign_out_kind IN ('scan', 'staff', 'auto')),
        printed_at    TEXT
    ) STRICT;
    INSERT INTO visits_with_expiry SELECT id, visit_no, unit_no, surname, phone, visitor_type, party_size,
        company, invite_id, status, hold_reason, created_at, consent_at, decided_at, decided_by, valid_until,
        signed_out_at, sign_out_kind, printed_at FROM visits;
    DROP TABLE visits;
    ALTER TABLE visits_with_expiry RENAME TO visits;
    CREATE INDEX visits_by_status ON visits(status, valid_until);
    CREATE INDEX visits_by_phone ON visits(phone, created_at);
    CREATE INDEX visits_by_created ON visits(created_at);
    -- Every printing fault when it happened, kept even after the job is reprinted: the
    -- daily report counts the faults of the day, not the jobs still failed.
    CREATE TABLE print_faults (
        id     INTEGER PRIMARY KEY,
        job_id INTEGER NOT NULL,
        at     TEXT NOT NULL,
        error  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX print_faults_by_time ON print_faults(at);
    "#,
    // 13 (the helper's 15): the returning-visitor look-ups take one phone's newest
    // visit by id. An index on (phone, created_at) left SQLite sorting all of a frequent
    // courier's visits for each look-up; one on the phone alone keeps them in rowid order,
    // so the newest is the index's last entry for that phone.
    r#"
    DROP INDEX visits_by_phone;
    CREATE INDEX visits_by_phone ON visits(phone);
    "#,
    // 14 (the helper's 12): which process is sending a `sent` job (`pid:start-time`), so a job left `sent`
    // by a process that no longer runs (killed mid-send) is owed again at the next start.
    r#"
    ALTER TABLE print_jobs ADD COLUMN sender TEXT;
    "#,
    // 15: the fleet (many kiosks, one central PostgreSQL). `fleet_queue` holds every
    // change to be pushed, written by triggers (created only while a `[fleet]` table is
    // configured, see `store::fleet`) in the same transaction as the record; `fleet_gids`
    // maps local rows to their global ids (this kiosk's own and those pulled from
    // others); `fleet_keys` the other kiosks' public keys; `fleet_flags` what the desk
    // must look at (an invite used at two gates); `fleet_parked` pulled changes waiting
    // for a record they refer to.
    r#"
    CREATE TABLE fleet_queue (
        id      INTEGER PRIMARY KEY,
        tbl     TEXT NOT NULL,
        gid     TEXT NOT NULL,
        target  TEXT,
        inc     INTEGER NOT NULL,
        body    TEXT NOT NULL,
        sent_at TEXT
    ) STRICT;
    CREATE INDEX fleet_queue_unsent ON fleet_queue(id) WHERE sent_at IS NULL;
    CREATE TABLE fleet_gids (
        tbl      TEXT NOT NULL,
        local_id INTEGER NOT NULL,
        gid      TEXT NOT NULL UNIQUE,
        PRIMARY KEY (tbl, local_id)
    ) STRICT;
    CREATE TABLE fleet_keys (
        kiosk_id   TEXT NOT NULL,
        key_id     INTEGER NOT NULL,
        public_hex TEXT NOT NULL,
        PRIMARY KEY (kiosk_id, key_id)
    ) STRICT;
    CREATE TABLE fleet_flags (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        kind   TEXT NOT NULL,
        gid    TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE TABLE fleet_parked (
        seq      INTEGER PRIMARY KEY,
        kiosk_id TEXT NOT NULL,
        gid      TEXT NOT NULL,
        tbl      TEXT NOT NULL,
        version  INTEGER NOT NULL,
        body     TEXT NOT NULL
    ) STRICT;
    "#,
    // 16: the kiosk's time of a queued change (the latest event stamp on the row, as the
    // kiosk's clock wrote it), pushed as `kiosk_time` however late the push.
    r#"
    ALTER TABLE fleet_queue ADD COLUMN at TEXT;
    "#,
    // 17: the language the visitor used at the screen, so a slip printed later (the desk
    // approving a waiting visit, from the dashboard or the command line) speaks it too;
    // NULL for visits recorded before, which print in the configured language.
    r#"
    ALTER TABLE visits ADD COLUMN lang TEXT;
    "#,
];

/// The schema version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

pub fn current(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Brings the database up to [`latest`], each step in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let found = current(conn)?;
    if found > latest() {
        return Err(StoreError::SchemaTooNew { found, known: latest() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as u32)?;
        tx.commit()?;
    }
    current(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_applies_in_order_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), latest());
        assert_eq!(migrate(&mut conn).unwrap(), latest(), "running twice changes nothing");
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'residents'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::SchemaTooNew { .. })));
    }
}
