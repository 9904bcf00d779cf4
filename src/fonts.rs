//! The fonts the kiosk carries: one copy of each in the binary, shared by the window
//! (registered with Slint, `ui::shell`) and the slip renderer (`printing::raster`), so the
//! screen and the paper draw the same characters.
//!
//! WenQuanYi Micro Hei carries Latin and the CJK Unified block; it has almost nothing of
//! the CJK Extensions, which the pinyin input offers (rare name characters such as 䶮 or
//! 𠀀). Those come from a subset of Hanazono Mincho made for exactly what the input
//! offers (`ui/fonts/make-han-ext.py`), and the input offers nothing neither font has
//! ([`can_draw`]), so no character it offers shows or prints as a box.

use std::sync::OnceLock;

/// WenQuanYi Micro Hei: Latin and the CJK Unified block. The window's
/// `default-font-family`.
pub static MAIN_FONT: &[u8] = include_bytes!("../ui/fonts/WenQuanYiMicroHei.ttf");
/// The family name the window asks for (`ui/main.slint`).
pub const MAIN_FAMILY: &str = "WenQuanYi Micro Hei";

/// The CJK Extension characters the pinyin input offers that [`MAIN_FONT`] lacks.
pub static EXT_FONT: &[u8] = include_bytes!("../ui/fonts/LobbyKioskHanExt.ttf");
/// Its family name: the window's fallback after [`MAIN_FAMILY`].
pub const EXT_FAMILY: &str = "Lobby Kiosk Han Extensions";

/// Both faces, and the code points each maps, read once from their character maps (a
/// sorted list each: a look-up is a binary search, not a walk through the cmap groups).
struct Faces {
    main: Option<ttf_parser::Face<'static>>,
    ext: Option<ttf_parser::Face<'static>>,
    main_chars: Vec<u32>,
    ext_chars: Vec<u32>,
}

fn code_points(face: Option<&ttf_parser::Face<'static>>) -> Vec<u32> {
    let mut out = Vec::new();
    if let Some(cmap) = face.and_then(|f| f.tables().cmap) {
        for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
            sub.codepoints(|cp| {
                if sub.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                    out.push(cp);
                }
            });
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| {
        let main = ttf_parser::Face::parse(MAIN_FONT, 0).ok();
        let ext = ttf_parser::Face::parse(EXT_FONT, 0).ok();
        Faces {
            main_chars: code_points(main.as_ref()),
            ext_chars: code_points(ext.as_ref()),
            main,
            ext,
        }
    })
}

/// Which bundled font draws a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Main,
    Ext,
}

/// The bundled font that has a glyph for `c`, main font first (as the window falls back).
pub fn source_of(c: char) -> Option<Source> {
    let f = faces();
    let cp = u32::from(c);
    if f.main_chars.binary_search(&cp).is_ok() {
        Some(Source::Main)
    } else if f.ext_chars.binary_search(&cp).is_ok() {
        Some(Source::Ext)
    } else {
        None
    }
}

/// Whether the window and the slip renderer can draw `c` with the bundled fonts.
pub fn can_draw(c: char) -> bool {
    source_of(c).is_some()
}

/// The parsed face of the main font (tables only, no glyphs loaded).
pub(crate) fn main_face() -> Option<&'static ttf_parser::Face<'static>> {
    faces().main.as_ref()
}

/// The parsed face of the Extension font (tables only, no glyphs loaded).
pub(crate) fn ext_face() -> Option<&'static ttf_parser::Face<'static>> {
    faces().ext.as_ref()
}

/// The outline's bounding box of `c` in font units, `None` for no glyph or an empty one
/// (a blank glyph would show as nothing, which is no better than a box).
pub fn outline_box(c: char) -> Option<ttf_parser::Rect> {
    let f = faces();
    let face = match source_of(c)? {
        Source::Main => f.main.as_ref()?,
        Source::Ext => f.ext.as_ref()?,
    };
    struct Nothing;
    impl ttf_parser::OutlineBuilder for Nothing {
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }
    face.outline_glyph(face.glyph_index(c)?, &mut Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fonts_parse_and_name_their_families() {
        let families = |bytes: &'static [u8]| -> Vec<String> {
            let face = ttf_parser::Face::parse(bytes, 0).unwrap();
            face.names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
                .filter_map(|n| n.to_string())
                .collect()
        };
        assert!(
            families(MAIN_FONT).iter().any(|f| f == MAIN_FAMILY),
            "{:?}",
            families(MAIN_FONT)
        );
        assert_eq!(families(EXT_FONT), [EXT_FAMILY]);
    }

    #[test]
    fn rare_name_characters_have_real_glyphs() {
        // 堃 喆 犇 are in the main font; 䶮 (Extension A) and 𠀀 (Extension B) are not.
        for (c, from) in [
            ('堃', Source::Main),
            ('喆', Source::Main),
            ('犇', Source::Main),
            ('䶮', Source::Ext),
            ('𠀀', Source::Ext),
        ] {
            assert_eq!(source_of(c), Some(from), "{c}");
            let b = outline_box(c).unwrap_or_else(|| panic!("{c} has an empty glyph"));
            assert!(b.width() > 100 && b.height() > 100, "{c}: {b:?}");
        }
        assert!(!can_draw('\u{E000}'));
    }
}
