//! What the fleet queue costs a tap: recording a visit and issuing a pass on a standalone
//! kiosk and on a fleet kiosk (whose triggers write each row, as JSON, to `fleet_queue`
//! in the same transaction), interleaved, one transaction each, WAL, synchronous=FULL, a
//! real file. No server is involved: pushing happens on the sync thread, later.

use std::path::Path;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};

use crate::timing::{long_permit, paired, waiting_visit as visit, Stats};

const FLEET: &str = "\n[fleet]\nurl = \"postgres://kiosk_c1_a:x@127.0.0.1:9/fleet?sslmode=disable\"\ncompound_id = \"c1\"\nkiosk_id = \"a\"\nrecord_prefix = \"A\"\n";

fn open(dir: &Path, fleet: bool) -> App {
    let text = if fleet {
        format!("{EMBEDDED_DEFAULT}{FLEET}")
    } else {
        EMBEDDED_DEFAULT.to_string()
    };
    let loaded = LoadedConfig::from_text(&text, ConfigSource::Embedded).expect("the configuration loads");
    App::open(loaded, Some(dir)).expect("the kiosk opens its data folder")
}

fn line(what: &str, alone: &Stats, fleet: &Stats) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what:<22} standalone p50 {:.3} ms p99 {:.3} ms | fleet queue p50 {:.3} ms p99 {:.3} ms | +{:.3} ms at p50 ({:+.0}%)",
        ms(alone.p50),
        ms(alone.p99),
        ms(fleet.p50),
        ms(fleet.p99),
        ms(fleet.p50) - ms(alone.p50),
        (ms(fleet.p50) / ms(alone.p50).max(1e-9) - 1.0) * 100.0
    );
}

pub fn run(n: usize) {
    println!("\n== recording with and without the fleet queue ({n} each, interleaved, one transaction each)");
    let (Ok(d1), Ok(d2)) = (tempfile::tempdir(), tempfile::tempdir()) else {
        return;
    };
    let alone = open(d1.path(), false);
    let fleet = open(d2.path(), true);
    let now = Utc::now();
    let (a, f) = paired(
        n,
        |i| {
            let _ = alone
                .store()
                .insert_visit(&visit(format!("139{i:08}")), now, "20261127");
        },
        |i| {
            let _ = fleet
                .store()
                .insert_visit(&visit(format!("139{i:08}")), now, "20261127");
        },
    );
    line("visit", &a, &f);

    let permit = long_permit();
    let (Ok(pa), Ok(pf)) = (
        alone.store().insert_permit(&permit, "BENCH001", now),
        fleet.store().insert_permit(&permit, "BENCH001", now),
    ) else {
        return;
    };
    let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let (a, f) = paired(
        n,
        |i| {
            let day = base + chrono::Duration::days(i as i64);
            let _ = alone
                .store()
                .issue_pass(pa.id, pa.workers[0].id, day, "08:00-12:00", now, now, now);
        },
        |i| {
            let day = base + chrono::Duration::days(i as i64);
            let _ = fleet
                .store()
                .issue_pass(pf.id, pf.workers[0].id, day, "08:00-12:00", now, now, now);
        },
    );
    line("pass", &a, &f);
    let queued = lobby_kiosk::journeys::fleet_sync::status(&fleet).map_or(0, |s| s.queued);
    println!("   (the fleet kiosk queued {queued} changes, one per row written)");
}
