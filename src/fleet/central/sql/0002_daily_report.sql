-- 2: each compound's daily report, computed from the rows the kiosks pushed (their
-- bodies hold the kiosk's SQLite columns) with the same figures as `report daily`:
-- counted by the compound's local day; tickets judged against their targets as
-- `domain::targets::judge` does, at `as_of`.

-- How a ticket stands against one due time: reached by then, reached late, not yet
-- due, or overdue.
CREATE FUNCTION fleet.judged_by(reached timestamptz, due timestamptz, as_of timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN reached IS NOT NULL AND reached <= due THEN 'on_time'
        WHEN reached IS NOT NULL THEN 'late'
        WHEN as_of <= due THEN 'pending'
        ELSE 'late'
    END
$$;

-- One row per compound and local day that has anything recorded, judged at `as_of`.
CREATE FUNCTION fleet.daily_reports(as_of timestamptz)
RETURNS TABLE (
    compound_id            text,
    day                    date,
    visits                 bigint,
    visits_held            bigint,
    passes                 bigint,
    tickets                bigint,
    tickets_by_type        jsonb,
    responses_on_time      bigint,
    responses_late         bigint,
    responses_pending      bigint,
    responses_left_out     bigint,
    responses_rate         double precision,
    repairs_on_time        bigint,
    repairs_late           bigint,
    repairs_pending        bigint,
    repairs_left_out       bigint,
    repairs_rate           double precision,
    ratings                bigint,
    satisfaction_overall   double precision,
    satisfaction_reception double precision,
    print_failures         bigint
)
LANGUAGE sql STABLE AS $$
WITH recs AS (
    SELECT ch.compound_id, ch.gid, ch.tbl, ch.body, c.repair_target_min, c.repair_done_min,
           ((ch.body ->> CASE ch.tbl
                 WHEN 'visits' THEN 'created_at'
                 WHEN 'passes' THEN 'issued_at'
                 WHEN 'tickets' THEN 'received_at'
                 ELSE 'at' END)::timestamptz AT TIME ZONE c.time_zone)::date AS day
      FROM fleet.changes ch
      JOIN fleet.compounds c ON c.compound_id = ch.compound_id
     WHERE ch.tbl IN ('visits', 'passes', 'tickets', 'satisfaction', 'print_faults')
),
history AS (
    -- A history row names its ticket by the kiosk's local id; the ticket's global id is
    -- the history row's kiosk and incarnation with that id (or `ticket_gid` if given).
    SELECT h.compound_id,
           COALESCE(h.body ->> 'ticket_gid',
                    split_part(h.gid, '.', 1) || '.' || split_part(h.gid, '.', 2) || '.tickets.' || (h.body ->> 'ticket_id'))
               AS ticket_gid,
           (h.body ->> 'at')::timestamptz AS at,
           h.body ->> 'status' AS status
      FROM fleet.changes h
     WHERE h.tbl = 'ticket_history'
),
steps AS (
    SELECT compound_id, ticket_gid,
           min(at) FILTER (WHERE status IN ('in_progress', 'done', 'return_visit', 'closed')) AS on_site,
           min(at) FILTER (WHERE status IN ('dispatched', 'in_progress', 'done', 'return_visit', 'closed')) AS dispatched,
           min(at) FILTER (WHERE status IN ('done', 'return_visit', 'closed')) AS done
      FROM history
     GROUP BY compound_id, ticket_gid
),
verdicts AS (
    SELECT t.compound_id, t.day, t.body ->> 'request_type' AS kind,
           CASE
               WHEN t.body ->> 'status' = 'cancelled' THEN 'left_out'
               WHEN t.body ->> 'request_type' = 'emergency_repair'
                   THEN fleet.judged_by(s.on_site, (t.body ->> 'due_at')::timestamptz, as_of)
               WHEN t.body ->> 'request_type' = 'repair' THEN
                   CASE fleet.judged_by(s.dispatched, (t.body ->> 'due_at')::timestamptz, as_of)
                       WHEN 'on_time' THEN fleet.judged_by(
                           s.done,
                           (t.body ->> 'due_at')::timestamptz
                               - make_interval(mins => t.repair_target_min)
                               + make_interval(mins => t.repair_done_min),
                           as_of)
                       ELSE fleet.judged_by(s.dispatched, (t.body ->> 'due_at')::timestamptz, as_of)
                   END
               ELSE fleet.judged_by(s.dispatched, (t.body ->> 'due_at')::timestamptz, as_of)
           END AS verdict
      FROM recs t
      LEFT JOIN steps s ON s.compound_id = t.compound_id AND s.ticket_gid = t.gid
     WHERE t.tbl = 'tickets'
),
ticket_days AS (
    SELECT compound_id, day,
           count(*) AS tickets,
           count(*) FILTER (WHERE verdict = 'on_time') AS r_on_time,
           count(*) FILTER (WHERE verdict = 'late') AS r_late,
           count(*) FILTER (WHERE verdict = 'pending') AS r_pending,
           count(*) FILTER (WHERE verdict = 'left_out') AS r_left_out,
           count(*) FILTER (WHERE verdict = 'on_time' AND kind IN ('repair', 'emergency_repair')) AS p_on_time,
           count(*) FILTER (WHERE verdict = 'late' AND kind IN ('repair', 'emergency_repair')) AS p_late,
           count(*) FILTER (WHERE verdict = 'pending' AND kind IN ('repair', 'emergency_repair')) AS p_pending,
           count(*) FILTER (WHERE verdict = 'left_out' AND kind IN ('repair', 'emergency_repair')) AS p_left_out
      FROM verdicts
     GROUP BY compound_id, day
),
type_days AS (
    SELECT compound_id, day, jsonb_agg(jsonb_build_array(kind, n) ORDER BY kind COLLATE "C") AS by_type
      FROM (SELECT compound_id, day, kind, count(*) AS n FROM verdicts GROUP BY compound_id, day, kind) k
     GROUP BY compound_id, day
),
other_days AS (
    SELECT compound_id, day,
           count(*) FILTER (WHERE tbl = 'visits') AS visits,
           count(*) FILTER (WHERE tbl = 'visits' AND body ->> 'hold_reason' IS NOT NULL) AS visits_held,
           count(*) FILTER (WHERE tbl = 'passes') AS passes,
           count(*) FILTER (WHERE tbl = 'print_faults') AS print_failures,
           count(*) FILTER (WHERE tbl = 'satisfaction') AS ratings,
           count(*) FILTER (WHERE tbl = 'satisfaction' AND body ->> 'rating' IN ('satisfied', 'basic', 'unsatisfied')) AS rated,
           count(*) FILTER (WHERE tbl = 'satisfaction' AND body ->> 'rating' IN ('satisfied', 'basic')) AS rated_good,
           count(*) FILTER (WHERE tbl = 'satisfaction' AND body ->> 'rating' IN ('satisfied', 'basic', 'unsatisfied')
                              AND body ->> 'journey' IN ('visitor', 'worker', 'resident')) AS rec_rated,
           count(*) FILTER (WHERE tbl = 'satisfaction' AND body ->> 'rating' IN ('satisfied', 'basic')
                              AND body ->> 'journey' IN ('visitor', 'worker', 'resident')) AS rec_good
      FROM recs
     GROUP BY compound_id, day
)
SELECT o.compound_id, o.day,
       o.visits, o.visits_held, o.passes,
       COALESCE(t.tickets, 0),
       COALESCE(y.by_type, '[]'::jsonb),
       COALESCE(t.r_on_time, 0), COALESCE(t.r_late, 0), COALESCE(t.r_pending, 0), COALESCE(t.r_left_out, 0),
       t.r_on_time::double precision / NULLIF(t.r_on_time + t.r_late, 0),
       COALESCE(t.p_on_time, 0), COALESCE(t.p_late, 0), COALESCE(t.p_pending, 0), COALESCE(t.p_left_out, 0),
       t.p_on_time::double precision / NULLIF(t.p_on_time + t.p_late, 0),
       o.ratings,
       o.rated_good::double precision / NULLIF(o.rated, 0),
       o.rec_good::double precision / NULLIF(o.rec_rated, 0),
       o.print_failures
  FROM other_days o
  LEFT JOIN ticket_days t ON t.compound_id = o.compound_id AND t.day = o.day
  LEFT JOIN type_days y ON y.compound_id = o.compound_id AND y.day = o.day
$$;

-- Today's view of every day: what the reporting role (and each kiosk, for its own
-- compound) reads. security_invoker: the reader's row-level security applies.
CREATE VIEW fleet.daily_report WITH (security_invoker = true) AS
    SELECT * FROM fleet.daily_reports(now());

GRANT EXECUTE ON FUNCTION fleet.judged_by(timestamptz, timestamptz, timestamptz),
                          fleet.daily_reports(timestamptz) TO fleet_kiosk, fleet_report;
GRANT SELECT ON fleet.daily_report TO fleet_kiosk, fleet_report;
