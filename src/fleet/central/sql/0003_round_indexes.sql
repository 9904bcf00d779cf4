-- 3: what every round asks first, served by an index: the highest version this kiosk
-- has pushed (`max(version) ... WHERE compound_id AND kiosk_id`, which tells a kiosk put
-- back from an old copy to move past the incarnations the server knows). Without it the
-- question read every change of the compound, every 30 seconds, from every kiosk.
-- The pull (`compound_id = $1 AND seq > $2 ORDER BY seq`) is served by changes_by_seq.
CREATE INDEX changes_by_kiosk_version ON fleet.changes (compound_id, kiosk_id, version);
