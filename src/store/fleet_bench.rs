//! Benchmarks only: one seeded kiosk's database made into another kiosk's, so the fleet
//! benchmark seeds a history once and pushes it as a hundred kiosks. Nothing here runs in
//! the kiosk itself.

use super::fleet::{meta_in, set_meta_in, META_INC, META_KIOSK, META_PREFIX};
use super::{Store, StoreError};

impl Store {
    /// Rewrites this database's global ids from the prefix `from` (`<kiosk>.<incarnation>`,
    /// e.g. `tpl.1`) to `to` (`k17.1`): the id map, the queue and the ids its bodies name,
    /// and the fleet settings, as if kiosk `to_kiosk` had recorded it all; the record
    /// numbers and permit codes in the queued bodies get `to_kiosk` as their prefix, as a
    /// fleet kiosk's `record_prefix` keeps them unique. Returns the queued changes.
    pub fn bench_fleet_rekey(&mut self, from: &str, to: &str, to_kiosk: &str) -> Result<i64, StoreError> {
        let tx = super::begin(self.conn_mut(), true)?;
        let old = format!("{from}.");
        let new = format!("{to}.");
        tx.execute(
            "UPDATE fleet_gids SET gid = ?2 || substr(gid, length(?1) + 1) WHERE substr(gid, 1, length(?1)) = ?1",
            (&old, &new),
        )?;
        tx.execute(
            "UPDATE fleet_queue SET gid = ?2 || substr(gid, length(?1) + 1),
                 target = CASE WHEN substr(target, 1, length(?1)) = ?1 THEN ?2 || substr(target, length(?1) + 1) ELSE target END,
                 body = replace(replace(replace(replace(replace(body, '\"' || ?1, '\"' || ?2),
                     '\"ticket_no\":\"', '\"ticket_no\":\"' || ?3),
                     '\"visit_no\":\"', '\"visit_no\":\"' || ?3),
                     '\"pass_no\":\"', '\"pass_no\":\"' || ?3),
                     '\"code\":\"', '\"code\":\"' || ?3)",
            (&old, &new, format!("{to_kiosk}-")),
        )?;
        let inc = meta_in(&tx, META_INC)?.unwrap_or_else(|| "1".into());
        set_meta_in(&tx, META_KIOSK, to_kiosk)?;
        set_meta_in(&tx, META_PREFIX, &format!("{to_kiosk}.{inc}"))?;
        let queued: i64 = tx.query_row("SELECT count(*) FROM fleet_queue WHERE sent_at IS NULL", [], |r| {
            r.get(0)
        })?;
        tx.commit()?;
        Ok(queued)
    }
}
