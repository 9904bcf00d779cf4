//! Every real page drawn by the software renderer at 1920×1080 as full repaints, and the
//! frame of each page transition (60 Hz leaves 16.7 ms per frame).

use std::rc::Rc;

use lobby_kiosk::i18n::Lang;
use lobby_kiosk::ui::screenshot::repaint_timings;

use crate::timing::{ms, open_app, stats};

/// `KIOSK_BENCH_PAGES=home,scan-unknown` limits the pages (names of `screenshot --list`),
/// e.g. to profile one of them.
pub fn run(frames: usize) {
    println!("\n== page repaint, software renderer, 1920x1080, {frames} full repaints per page");
    let pages = std::env::var("KIOSK_BENCH_PAGES").unwrap_or_default();
    let wanted = |page: &str| pages.is_empty() || pages.split(',').any(|p| p.trim() == page);
    let Ok(dir) = tempfile::tempdir() else { return };
    let app = Rc::new(open_app(dir.path(), None));
    let timings = match repaint_timings(app, Lang::Zh, 1920, 1080, frames, wanted) {
        Ok(t) => t,
        Err(err) => {
            println!("cannot render: {err}");
            return;
        }
    };
    let mut worst: f64 = f64::MAX;
    let mut worst_transition = std::time::Duration::ZERO;
    for t in timings {
        let s = stats(t.frames);
        let fps = 1.0 / s.mean.as_secs_f64().max(1e-9);
        worst = worst.min(fps);
        worst_transition = worst_transition.max(t.transition);
        println!(
            "{:<20} {fps:7.0} fps (mean {}, p99 {})  transition frame {}",
            t.page,
            ms(s.mean),
            ms(s.p99),
            ms(t.transition)
        );
    }
    println!(
        "slowest page: {worst:.0} fps (budget 200); slowest transition frame: {} (a 60 Hz frame is 16.7 ms)",
        ms(worst_transition)
    );
}
