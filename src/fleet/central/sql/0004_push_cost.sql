-- 4: what a push costs the server per change (measured with EXPLAIN ANALYZE on a batch of
-- 1,000 as a kiosk role: ~210 ms before, ~75 ms after; see docs/PERFORMANCE.md).

-- The change counter. Writers of a compound are still serialised by the compound's row
-- lock, taken by a transaction's first change and held until it commits (taking it again
-- is free), so a reader pulling `seq > last` still never skips a row committed later with
-- a smaller number. The numbers now come from one sequence, drawn while that lock is held,
-- instead of an UPDATE of the compound's row for every change (a new row version and its
-- WAL each time). `compounds.next_seq` is no longer written.
CREATE SEQUENCE fleet.change_seq;
SELECT setval('fleet.change_seq',
              greatest(1, (SELECT max(next_seq) FROM fleet.compounds), (SELECT max(seq) FROM fleet.changes)));

CREATE OR REPLACE FUNCTION fleet.next_seq() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, fleet AS $$
BEGIN
    -- NO KEY UPDATE: conflicts with itself (one writer per compound at a time) but not
    -- with the key-share locks of a kiosk being added to the compound.
    PERFORM 1 FROM fleet.compounds WHERE compound_id = NEW.compound_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown compound %', NEW.compound_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    NEW.seq := nextval('fleet.change_seq');
    RETURN NEW;
END $$;

-- The kiosk policies on changes ask which compound and kiosk the role is once a statement
-- (a scalar subquery, planned as an InitPlan), not twice per row: the functions are
-- SECURITY DEFINER, so they are never inlined, and STABLE is not folded to a constant.
DROP POLICY kiosk_reads ON fleet.changes;
DROP POLICY kiosk_pushes ON fleet.changes;
DROP POLICY kiosk_updates ON fleet.changes;
CREATE POLICY kiosk_reads ON fleet.changes FOR SELECT TO fleet_kiosk
    USING (compound_id = (SELECT fleet.compound_of(current_user)));
CREATE POLICY kiosk_pushes ON fleet.changes FOR INSERT TO fleet_kiosk
    WITH CHECK (compound_id = (SELECT fleet.compound_of(current_user))
                AND kiosk_id = (SELECT fleet.kiosk_of(current_user)));
CREATE POLICY kiosk_updates ON fleet.changes FOR UPDATE TO fleet_kiosk
    USING (compound_id = (SELECT fleet.compound_of(current_user))
           AND kiosk_id = (SELECT fleet.kiosk_of(current_user)))
    WITH CHECK (compound_id = (SELECT fleet.compound_of(current_user))
                AND kiosk_id = (SELECT fleet.kiosk_of(current_user)));
