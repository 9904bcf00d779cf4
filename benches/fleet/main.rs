//! The fleet's figures (issue 18): many kiosks pushing into one PostgreSQL, the catch-up
//! of a kiosk after a week offline, the central database's size, and what the fleet
//! queue's triggers cost a recording. A benchmark, not a test: it prints figures.
//!
//! ```sh
//! cargo bench --bench fleet                                   # 100 kiosks, a year each
//! FLEET_BENCH_KIOSKS=20 FLEET_BENCH_DAYS=30 cargo bench --bench fleet   # scaled down
//! FLEET_BENCH=recording cargo bench --bench fleet             # the triggers' cost only
//! ```
//!
//! It starts its own throw-away PostgreSQL cluster (as the fleet tests do, but with
//! `fsync` on, as a production server runs), runs `fleet migrate`, adds every kiosk with
//! `fleet add-kiosk` (each pushes as its own role under row-level security), seeds one
//! kiosk's history at the five-year seed's rate once (`bench-data`: 400,000 visits,
//! 20,000 passes and 10,000 tickets a year, with their invites, permits, ticket history
//! and ratings), and gives every simulated kiosk a copy under its own global ids.
//!
//! Sections (`FLEET_BENCH`, a comma list; all by default): `recording`, `push` (the
//! kiosks push their history; records per second; the central size), `catchup` (the
//! compound's other kiosks push a week, then one kiosk that was offline for that week
//! syncs: its week up, theirs down, timed) and `idle` (a round with nothing to do).

#[allow(dead_code)]
#[path = "../../tests/common/pg.rs"]
mod pg;
mod recording;
mod simulate;
/// The kiosk bench's percentiles and paired timing, shared rather than written again.
#[allow(dead_code)]
#[path = "../kiosk/timing.rs"]
mod timing;

fn env_number(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `section` is wanted: `FLEET_BENCH` unset, or a comma list naming it.
pub fn wanted(section: &str) -> bool {
    std::env::var("FLEET_BENCH").map_or(true, |v| v.split(',').any(|s| s.trim() == section))
}

fn main() {
    if wanted("recording") {
        recording::run(env_number("FLEET_BENCH_N", 2_000.0) as usize);
    }
    if wanted("push") || wanted("catchup") || wanted("idle") {
        simulate::run(simulate::Scale {
            kiosks: env_number("FLEET_BENCH_KIOSKS", 100.0) as usize,
            days: env_number("FLEET_BENCH_DAYS", 365.0) as i64,
            per_compound: env_number("FLEET_BENCH_PER_COMPOUND", 4.0) as usize,
            parallel: env_number("FLEET_BENCH_PARALLEL", 2.0) as usize,
        });
    }
}
