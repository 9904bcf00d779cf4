//! What the bundled fonts cost (issue 17, point 4): their size in the binary, the time
//! and resident memory of parsing each for slip rasters on first use, and what the
//! pinyin index pays for offering only characters the fonts can draw.

use std::time::Instant;

use lobby_kiosk::printing::{render_text_line, Align};

use crate::timing::rss_mib;

pub fn run() {
    println!("\n== bundled fonts");
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "in the binary: main {:.1} MiB, CJK Extension subset {:.1} MiB",
        mib(lobby_kiosk::fonts::MAIN_FONT.len()),
        mib(lobby_kiosk::fonts::EXT_FONT.len())
    );
    let before = rss_mib();
    let t = Instant::now();
    let _ = render_text_line("您好", 24.0, 576, Align::Left);
    let main = (t.elapsed(), rss_mib() - before);
    let before = rss_mib();
    let t = Instant::now();
    let _ = render_text_line("䶮𠀀", 24.0, 576, Align::Left);
    let ext = (t.elapsed(), rss_mib() - before);
    println!(
        "first slip line: main font {:.0} ms, +{:.1} MiB RSS; Extension font (first rare character) {:.0} ms, +{:.1} MiB RSS",
        main.0.as_secs_f64() * 1e3,
        main.1,
        ext.0.as_secs_f64() * 1e3,
        ext.1
    );
    let t = Instant::now();
    let drawable = (0x3400u32..0x323B0)
        .filter_map(char::from_u32)
        .filter(|&c| lobby_kiosk::fonts::can_draw(c))
        .count();
    println!(
        "can_draw over every CJK code point: {drawable} drawable, {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    lobby_kiosk::input::pinyin::warm_up();
    println!(
        "pinyin index (with the font check): {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
}
