//! Percentiles from plain timing loops (criterion reports means and medians; the budgets
//! also ask for p99), and the shared set-up of a kiosk in a temporary folder.

use std::path::Path;
use std::time::{Duration, Instant};

use lobby_kiosk::app::App;
use lobby_kiosk::config::{LoadedConfig, PrinterDriverKind};

#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub p50: Duration,
    pub p99: Duration,
    pub mean: Duration,
}

pub fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let n = samples.len().max(1);
    let at = |q: f64| {
        samples
            .get(((n as f64 * q) as usize).min(n - 1))
            .copied()
            .unwrap_or_default()
    };
    Stats {
        p50: at(0.50),
        p99: at(0.99),
        mean: samples.iter().sum::<Duration>() / n as u32,
    }
}

/// Times `a` and `b` alternately `n` times each (after a short warm-up), so a noisy
/// machine slows both alike.
pub fn paired(n: usize, mut a: impl FnMut(usize), mut b: impl FnMut(usize)) -> (Stats, Stats) {
    for i in 0..n / 20 + 1 {
        a(i);
        b(i);
    }
    let (mut ta, mut tb) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in n / 20 + 1..n + n / 20 + 1 {
        let t = Instant::now();
        a(i);
        ta.push(t.elapsed());
        let t = Instant::now();
        b(i);
        tb.push(t.elapsed());
    }
    (stats(ta), stats(tb))
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// A line comparing the kiosk's function with the hand-written yardstick; the verdict
/// judges both p50 and p99 (the budgets name both). Returns the p50 and p99 ratios.
pub fn report(what: &str, ours: Stats, yardstick: Stats, budget: f64) -> (f64, f64) {
    let r50 = ours.p50.as_secs_f64() / yardstick.p50.as_secs_f64().max(1e-9);
    let r99 = ours.p99.as_secs_f64() / yardstick.p99.as_secs_f64().max(1e-9);
    let verdict = match (r50 <= budget, r99 <= budget) {
        (true, true) => "ok",
        (false, true) => "OVER at p50",
        (true, false) => "OVER at p99",
        (false, false) => "OVER at p50 and p99",
    };
    println!(
        "{what:<34} p50 {} p99 {} | raw p50 {} p99 {} | ratio p50 {r50:.2}x p99 {r99:.2}x (budget {budget}x: {verdict})",
        ms(ours.p50),
        ms(ours.p99),
        ms(yardstick.p50),
        ms(yardstick.p99)
    );
    (r50, r99)
}

/// The kiosk's own configuration with its data in `dir`, optionally printing to a
/// network printer at `printer`.
pub fn open_app(dir: &Path, printer: Option<&str>) -> App {
    let mut loaded = match LoadedConfig::load(None) {
        Ok(loaded) => loaded,
        Err(err) => panic!("the built-in configuration loads: {err}"),
    };
    if let Some(addr) = printer {
        loaded.config.printer.driver = PrinterDriverKind::Network;
        loaded.config.printer.address = addr.to_string();
    }
    match App::open(loaded, Some(dir)) {
        Ok(app) => app,
        Err(err) => panic!("the kiosk opens its data folder: {err}"),
    }
}

/// `section` is wanted: `KIOSK_BENCH` unset, or a comma list naming it.
pub fn wanted(section: &str) -> bool {
    std::env::var("KIOSK_BENCH").map_or(true, |v| v.split(',').any(|s| s.trim() == section))
}

/// Resident set size of this process now, in MiB (from /proc/self/statm).
pub fn rss_mib() -> f64 {
    let text = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = text
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

/// A visitor waiting for the host, as the store records one (the benches' usual row).
pub fn waiting_visit(phone: String) -> lobby_kiosk::store::NewVisit {
    lobby_kiosk::store::NewVisit {
        unit_no: "3-2-1201".into(),
        surname: "王".into(),
        phone,
        visitor_type: lobby_kiosk::domain::visitor::VisitorType::Guest,
        party_size: 1,
        company: String::new(),
        invite_id: None,
        status: lobby_kiosk::store::VisitStatus::Waiting,
        hold_reason: None,
        valid_until: None,
        decided_by: None,
        lang: None,
    }
}

/// A five-year renovation of 2-1-302 with one worker, paid: passes can be issued any day.
pub fn long_permit() -> lobby_kiosk::store::NewPermit {
    lobby_kiosk::store::NewPermit {
        unit_no: "2-1-302".into(),
        owner_surname: "赵".into(),
        contractor: "示例装饰".into(),
        lead_phone: "13700000000".into(),
        start_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        end_date: chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default(),
        deposit_paid: true,
        workers: vec![lobby_kiosk::store::NewWorker {
            name: "张三明".into(),
            phone: "13600000000".into(),
            id_hash: None,
            id_last4: None,
        }],
    }
}
