//! The performance issue's in-process figures, in one benchmark binary:
//!
//! ```sh
//! cargo bench --bench kiosk                       # everything, five years of records
//! KIOSK_BENCH=recording,printing cargo bench --bench kiosk
//! KIOSK_BENCH_SCALE=0.05 cargo bench --bench kiosk   # 100k visits instead of 2M
//! ```
//!
//! Sections: `recording`, `history`, `printing`, `render`, `memory`, `fonts`. Each prints its
//! figures (p50/p99 from plain interleaved timing loops, ratios against the yardstick,
//! query plans), then criterion measures the main cases again (`-- <filter>` as usual).
//! Whole-process figures (start-up, RSS, binary size) are in `benches/startup.sh`.

mod fonts;
mod history;
mod memory;
mod printing;
mod recording;
mod render;
mod timing;

use criterion::Criterion;
use timing::wanted;

fn env_number(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .configure_from_args();
    let n = env_number("KIOSK_BENCH_N", 2_000.0) as usize;
    if wanted("recording") {
        recording::run(n, &mut c);
    }
    if wanted("history") {
        history::run(n, env_number("KIOSK_BENCH_SCALE", 1.0), &mut c);
    }
    if wanted("printing") {
        printing::run(n / 4, &mut c);
    }
    if wanted("render") {
        render::run(env_number("KIOSK_BENCH_FRAMES", 60.0) as usize);
    }
    if wanted("fonts") {
        fonts::run();
    }
    if wanted("memory") {
        memory::run(env_number("KIOSK_BENCH_JOURNEYS", 10_000.0) as usize);
    }
    c.final_summary();
}
