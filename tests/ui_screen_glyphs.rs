//! The rare name characters the pinyin input offers (䶮 of Extension A, 𠀀 of Extension B,
//! 堃 喆 犇) are drawn on the SCREEN, not as □ (issue 17, point 4): a renovation filing
//! whose contractor is named with each is drawn through the screenshot command's software
//! renderer, and the pixels where the name stands are compared with what the same page
//! draws for a character no font has (the font's .notdef box) and with the name left empty.
//!
//! Its own test binary: the software renderer becomes the process's Slint platform.

use std::cell::Cell;
use std::rc::Rc;

use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::i18n::Lang;
use lobby_kiosk::ui::screenshot::{render_staged, Shot};
use lobby_kiosk::ui::PermitFormAdapter;
use slint::{ComponentHandle, Rgb8Pixel};

const RARE: [char; 5] = ['䶮', '𠀀', '堃', '喆', '犇'];
/// A code point of the Supplementary Private Use Area: no font the kiosk carries (nor any
/// a lobby PC is likely to have) maps it, so it is drawn as the missing-glyph box.
const NO_GLYPH: char = '\u{F0000}';
const SIZE: (u32, u32) = (1280, 800);

type Area = (u32, u32, u32, u32);

/// How many pixels differ between two frames inside `area` (x0, y0, x1, y1, inclusive),
/// and the box around them.
fn difference(a: &[Rgb8Pixel], b: &[Rgb8Pixel], area: Area) -> (usize, Option<Area>) {
    let mut count = 0;
    let mut bounds: Option<Area> = None;
    for y in area.1..=area.3.min(SIZE.1 - 1) {
        for x in area.0..=area.2.min(SIZE.0 - 1) {
            let i = (y * SIZE.0 + x) as usize;
            let (p, q) = (a[i], b[i]);
            let far = |u: u8, v: u8| u.abs_diff(v) > 24;
            if far(p.r, q.r) || far(p.g, q.g) || far(p.b, q.b) {
                count += 1;
                bounds = Some(match bounds {
                    None => (x, y, x, y),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
                });
            }
        }
    }
    (count, bounds)
}

const WHOLE: Area = (0, 0, SIZE.0 - 1, SIZE.1 - 1);

/// The review page of a filing with each contractor name, as the screenshot command draws it.
fn draw_contractors(names: &[String]) -> Vec<Vec<Rgb8Pixel>> {
    let dir = tempfile::tempdir().unwrap();
    let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
    let app = Rc::new(App::open(loaded, Some(dir.path())).unwrap());
    let shots: Vec<Shot> = names
        .iter()
        .map(|_| Shot {
            page: "staff-permit".into(),
            lang: Lang::Zh,
            width: SIZE.0,
            height: SIZE.1,
            out: Default::default(),
        })
        .collect();
    let next = Cell::new(0);
    let mut frames = Vec::new();
    render_staged(
        app,
        &shots,
        |kiosk, _| {
            let name = &names[next.get()];
            next.set(next.get() + 1);
            kiosk
                .window
                .global::<PermitFormAdapter>()
                .set_contractor(name.as_str().into());
        },
        |_, pixels| {
            frames.push(pixels);
            Ok(())
        },
    )
    .unwrap();
    frames
}

#[test]
fn rare_name_characters_are_drawn_on_screen_not_as_boxes() {
    assert!(
        !lobby_kiosk::fonts::can_draw(NO_GLYPH),
        "the stand-in must have no glyph"
    );
    let mut names = vec![String::new(), NO_GLYPH.to_string(), "国".to_string()];
    names.extend(RARE.iter().map(|c| c.to_string()));
    let frames = draw_contractors(&names);
    let (empty, missing, common, drawn) = (&frames[0], &frames[1], &frames[2], &frames[3..]);

    // Where a name's one character stands: where a common character is drawn.
    let (ink, cell) = difference(empty, common, WHOLE);
    assert!(ink > 20, "国 is drawn ({ink} pixels)");
    let (x0, y0, x1, y1) = cell.unwrap();
    assert!(
        x1 - x0 < 64 && y1 - y0 < 64,
        "one character's cell, not a relayout: {cell:?}"
    );
    // The cell with a margin: a glyph of the Extension font sits a little differently.
    let cell = (x0.saturating_sub(6), y0.saturating_sub(8), x1 + 6, y1 + 8);
    // What a character with no glyph comes out as (here: the font's empty .notdef, so
    // nothing; with another font a □) is not what a real glyph draws.
    let (unlike, _) = difference(missing, common, cell);
    assert!(unlike > 20, "a missing glyph is drawn unlike a real one");

    for (c, frame) in RARE.iter().zip(drawn) {
        let (ink, _) = difference(empty, frame, cell);
        assert!(ink > 20, "{c} draws nothing where the name stands ({ink} pixels)");
        let (unlike_missing, _) = difference(missing, frame, cell);
        assert!(
            unlike_missing > 20,
            "{c} is drawn as a character with no glyph (only {unlike_missing} pixels differ)"
        );
    }
    // Five different characters, five different drawings (no shared stand-in shape).
    for (i, a) in drawn.iter().enumerate() {
        for (j, b) in drawn.iter().enumerate().skip(i + 1) {
            assert!(
                difference(a, b, cell).0 > 20,
                "{} and {} are drawn alike",
                RARE[i],
                RARE[j]
            );
        }
    }
}
