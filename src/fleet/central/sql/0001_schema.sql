-- 1: the shared change log, the kiosks and their compounds, roles and row-level security.
-- Applied by `lobby-kiosk fleet migrate` in one transaction, under an advisory lock.

CREATE TABLE fleet.compounds (
    compound_id       text PRIMARY KEY,
    next_seq          bigint NOT NULL DEFAULT 0,
    -- For the daily-report views: the compound's day, and the repair targets the kiosks use.
    time_zone         text NOT NULL DEFAULT 'Asia/Shanghai',
    repair_target_min integer NOT NULL DEFAULT 1440,
    repair_done_min   integer NOT NULL DEFAULT 4320
);

CREATE TABLE fleet.kiosks (
    compound_id text NOT NULL REFERENCES fleet.compounds,
    kiosk_id    text NOT NULL,
    role_name   text NOT NULL UNIQUE,
    prefix      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (compound_id, kiosk_id),
    UNIQUE (compound_id, prefix)
);

CREATE TABLE fleet.changes (
    compound_id text        NOT NULL,
    kiosk_id    text        NOT NULL,
    gid         text        NOT NULL,
    tbl         text        NOT NULL,
    version     bigint      NOT NULL,
    body        jsonb       NOT NULL,
    kiosk_time  timestamptz NOT NULL,
    seq         bigint      NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (compound_id, gid)
);
CREATE INDEX changes_by_seq ON fleet.changes (compound_id, seq);
CREATE INDEX changes_by_table ON fleet.changes (compound_id, tbl);

CREATE TABLE fleet.conflicts (
    id          bigserial PRIMARY KEY,
    compound_id text        NOT NULL,
    kiosk_id    text        NOT NULL,
    gid         text        NOT NULL,
    version     bigint      NOT NULL,
    body        jsonb       NOT NULL,
    kept        jsonb       NOT NULL,
    seen_at     timestamptz NOT NULL DEFAULT now()
);

-- The compound's change counter. The row lock taken by this UPDATE is held until the
-- writer commits, so writers of one compound are serialised and a reader pulling
-- `seq > last` never skips a row committed later with a smaller number.
CREATE FUNCTION fleet.next_seq() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, fleet AS $$
DECLARE
    n bigint;
BEGIN
    UPDATE fleet.compounds SET next_seq = next_seq + 1
     WHERE compound_id = NEW.compound_id RETURNING next_seq INTO n;
    IF n IS NULL THEN
        RAISE EXCEPTION 'unknown compound %', NEW.compound_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    NEW.seq := n;
    RETURN NEW;
END $$;
CREATE TRIGGER changes_seq BEFORE INSERT OR UPDATE ON fleet.changes
    FOR EACH ROW EXECUTE FUNCTION fleet.next_seq();

-- Which compound and kiosk a role is. SECURITY DEFINER so that the policies on
-- fleet.kiosks can use it without recursing; the role is passed in by the caller
-- (inside the function current_user is the owner).
CREATE FUNCTION fleet.compound_of(r text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, fleet AS $$
    SELECT compound_id FROM fleet.kiosks WHERE role_name = r
$$;
CREATE FUNCTION fleet.kiosk_of(r text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, fleet AS $$
    SELECT kiosk_id FROM fleet.kiosks WHERE role_name = r
$$;
REVOKE ALL ON FUNCTION fleet.next_seq() FROM PUBLIC;
REVOKE ALL ON FUNCTION fleet.compound_of(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fleet.kiosk_of(text) FROM PUBLIC;

-- Every kiosk role is a member of fleet_kiosk (rights) and logs in as itself (policies).
-- fleet_report reads every compound; grant it to a reporting login.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fleet_kiosk') THEN
        CREATE ROLE fleet_kiosk NOLOGIN NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fleet_report') THEN
        CREATE ROLE fleet_report NOLOGIN NOBYPASSRLS;
    END IF;
END $$;

REVOKE ALL ON SCHEMA fleet FROM PUBLIC;
GRANT USAGE ON SCHEMA fleet TO fleet_kiosk, fleet_report;
GRANT EXECUTE ON FUNCTION fleet.compound_of(text), fleet.kiosk_of(text) TO fleet_kiosk, fleet_report;
GRANT SELECT, INSERT, UPDATE ON fleet.changes TO fleet_kiosk;
GRANT SELECT, INSERT ON fleet.conflicts TO fleet_kiosk;
GRANT USAGE ON SEQUENCE fleet.conflicts_id_seq TO fleet_kiosk;
GRANT SELECT ON fleet.kiosks, fleet.compounds TO fleet_kiosk;
GRANT SELECT ON fleet.changes, fleet.conflicts, fleet.kiosks, fleet.compounds TO fleet_report;

ALTER TABLE fleet.changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE fleet.changes FORCE ROW LEVEL SECURITY;
ALTER TABLE fleet.conflicts ENABLE ROW LEVEL SECURITY;
ALTER TABLE fleet.conflicts FORCE ROW LEVEL SECURITY;
ALTER TABLE fleet.kiosks ENABLE ROW LEVEL SECURITY;
ALTER TABLE fleet.kiosks FORCE ROW LEVEL SECURITY;
-- Not forced: the change counter's trigger runs as the owner and must see every compound.
ALTER TABLE fleet.compounds ENABLE ROW LEVEL SECURITY;

CREATE POLICY kiosk_reads ON fleet.changes FOR SELECT TO fleet_kiosk
    USING (compound_id = fleet.compound_of(current_user));
CREATE POLICY kiosk_pushes ON fleet.changes FOR INSERT TO fleet_kiosk
    WITH CHECK (compound_id = fleet.compound_of(current_user) AND kiosk_id = fleet.kiosk_of(current_user));
CREATE POLICY kiosk_updates ON fleet.changes FOR UPDATE TO fleet_kiosk
    USING (compound_id = fleet.compound_of(current_user) AND kiosk_id = fleet.kiosk_of(current_user))
    WITH CHECK (compound_id = fleet.compound_of(current_user) AND kiosk_id = fleet.kiosk_of(current_user));
CREATE POLICY kiosk_reads ON fleet.conflicts FOR SELECT TO fleet_kiosk
    USING (compound_id = fleet.compound_of(current_user));
CREATE POLICY kiosk_reports ON fleet.conflicts FOR INSERT TO fleet_kiosk
    WITH CHECK (compound_id = fleet.compound_of(current_user) AND kiosk_id = fleet.kiosk_of(current_user));
CREATE POLICY kiosk_reads ON fleet.kiosks FOR SELECT TO fleet_kiosk
    USING (compound_id = fleet.compound_of(current_user));
CREATE POLICY kiosk_reads ON fleet.compounds FOR SELECT TO fleet_kiosk
    USING (compound_id = fleet.compound_of(current_user));

CREATE POLICY report_reads ON fleet.changes FOR SELECT TO fleet_report USING (true);
CREATE POLICY report_reads ON fleet.conflicts FOR SELECT TO fleet_report USING (true);
CREATE POLICY report_reads ON fleet.kiosks FOR SELECT TO fleet_report USING (true);
CREATE POLICY report_reads ON fleet.compounds FOR SELECT TO fleet_report USING (true);
