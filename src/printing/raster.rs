//! 1-bit raster images: text lines drawn with the embedded CJK fonts, QR codes, and their
//! `GS v 0` encoding. Glyphs are drawn one by one from their outlines (`super::outline`):
//! a slip costs the memory of the characters on it, not of a whole 4.6 MB font (parsing
//! it with fontdue cost `printer test` about 180 MiB of resident memory).
//!
//! Printers sold in China carry a GBK font, but not every character a resident's name
//! may contain (GB18030 4-byte characters, emoji). Drawing such lines ourselves means a
//! name is never printed as `?`. The same drawing backs the PNG preview, so the preview
//! and an image-mode print are pixel-identical.
//!
//! Text is placed on the printer's font-A grid (cells of half the pixel height; CJK
//! glyphs take two cells) rather than with proportional advances, so raster lines and
//! lines printed in the printer's own font line up column for column.

use qrcode::{Color, EcLevel, QrCode};

use super::slip::{char_width, display_width, Align};

/// Rows per `GS v 0` command. Printers with small receive buffers drop or garble very tall
/// images, so tall bitmaps are sent as several bands.
pub const MAX_BAND_ROWS: u32 = 256;

/// A QR module smaller than this many dots does not scan reliably from thermal paper.
const MIN_QR_SCALE: u32 = 3;
/// Larger modules only waste paper.
const MAX_QR_SCALE: u32 = 8;
/// Quiet zone required around a QR code, in modules.
pub const QR_QUIET_ZONE: u32 = 4;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RasterError {
    #[error("QR payload cannot be encoded: {0}")]
    Qr(String),
    #[error("QR code of {modules} modules does not fit {width_dots} dots")]
    QrTooLarge { modules: u32, width_dots: u32 },
    #[error("image of {width}x{height} dots is too large for GS v 0")]
    TooLarge { width: u32, height: u32 },
}

/// A 1-bit image, rows packed MSB first, 1 = black, width a multiple of 8 as `GS v 0`
/// requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

impl Bitmap {
    /// A white bitmap; `width` is rounded up to a multiple of 8.
    pub fn new(width: u32, height: u32) -> Self {
        let width = width.div_ceil(8) * 8;
        let data = vec![0; (width / 8) as usize * height as usize];
        Bitmap { width, height, data }
    }

    /// Wraps packed rows; `None` if the sizes disagree.
    pub fn from_packed(width: u32, height: u32, data: Vec<u8>) -> Option<Self> {
        (width.is_multiple_of(8) && data.len() == (width / 8) as usize * height as usize).then_some(Bitmap {
            width,
            height,
            data,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn row_bytes(&self) -> u32 {
        self.width / 8
    }

    /// Packed rows, MSB first.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Whether the dot is black; outside the image is white.
    pub fn get(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.height {
            return false;
        }
        let i = (y * self.row_bytes() + x / 8) as usize;
        self.data[i] & (0x80 >> (x % 8)) != 0
    }

    /// Sets a dot; writes outside the image are ignored (clipping).
    pub fn set(&mut self, x: u32, y: u32, black: bool) {
        if x >= self.width || y >= self.height {
            return;
        }
        let i = (y * self.row_bytes() + x / 8) as usize;
        if black {
            self.data[i] |= 0x80 >> (x % 8);
        } else {
            self.data[i] &= !(0x80 >> (x % 8));
        }
    }

    /// Fake bold: every black dot also blackens its right neighbour, as printers do.
    pub fn embolden(&mut self) {
        let rb = self.row_bytes() as usize;
        for row in self.data.chunks_mut(rb.max(1)) {
            let mut carry = 0u8;
            for b in row.iter_mut() {
                let orig = *b;
                *b |= (orig >> 1) | carry;
                carry = (orig & 1) << 7;
            }
        }
    }

    /// `GS v 0` commands (mode 0, normal density) printing this image, split into bands
    /// of at most [`MAX_BAND_ROWS`] rows.
    pub fn to_gs_v0(&self) -> Result<Vec<u8>, RasterError> {
        let rb = self.row_bytes();
        if rb > u32::from(u16::MAX) {
            return Err(RasterError::TooLarge {
                width: self.width,
                height: self.height,
            });
        }
        let mut out = Vec::with_capacity(self.data.len() + 8 * (self.height / MAX_BAND_ROWS + 1) as usize);
        if rb == 0 {
            return Ok(out);
        }
        for band in self.data.chunks((rb * MAX_BAND_ROWS) as usize) {
            let rows = (band.len() / rb as usize) as u16;
            let [xl, xh] = (rb as u16).to_le_bytes();
            let [yl, yh] = rows.to_le_bytes();
            out.extend_from_slice(&[0x1D, b'v', b'0', 0, xl, xh, yl, yh]);
            out.extend_from_slice(band);
        }
        Ok(out)
    }
}

/// Height of the bitmap [`render_text_line`] returns for a glyph size: the glyph plus
/// the gap a printer leaves between lines of text.
pub fn line_pitch(px_height: f32) -> u32 {
    (sane_px(px_height) * 1.25).round() as u32
}

fn sane_px(px: f32) -> f32 {
    if px.is_finite() {
        px.clamp(4.0, 256.0)
    } else {
        24.0
    }
}

/// Draws one line of text `px_height` dots high onto a white bitmap `width_dots` wide,
/// on the font-A grid (see the module doc). Text wider than the bitmap is clipped;
/// the caller wraps first. Characters the font lacks are drawn as boxes, never dropped.
pub fn render_text_line(text: &str, px_height: f32, width_dots: u32, align: Align) -> Bitmap {
    let px = sane_px(px_height);
    let pitch = line_pitch(px);
    let mut bmp = Bitmap::new(width_dots, pitch);
    let cell = px / 2.0;
    let text_w = display_width(text) as f32 * cell;
    let free = (bmp.width as f32 - text_w).max(0.0);
    let x0 = match align {
        Align::Left => 0.0,
        Align::Center => (free / 2.0).floor(),
        Align::Right => free,
    };
    let top = ((pitch as f32 - px) / 2.0).floor();
    let face = crate::fonts::main_face();
    // Put the em box (ascent to descent) exactly into the px-high glyph area.
    let baseline = match face.map(|f| (f32::from(f.ascender()), f32::from(f.descender()))) {
        Some((ascent, descent)) if ascent - descent > 0.0 => top + px * ascent / (ascent - descent),
        _ => top + px * 0.88,
    };
    let mut col = 0usize;
    for c in text.chars() {
        let cw = char_width(c);
        if cw == 0 {
            continue;
        }
        let cell_x = x0 + col as f32 * cell;
        let cell_w = cw as f32 * cell;
        col += cw;
        if c.is_whitespace() {
            continue;
        }
        let drawn = match crate::fonts::source_of(c) {
            Some(crate::fonts::Source::Ext) => ext_glyph(c, px, cell_w),
            _ => face.and_then(|f| glyph(f, c, px, cell_w)),
        };
        match drawn {
            Some((w, h, ymin, cov)) => {
                let gx = (cell_x + (cell_w - w as f32) / 2.0).round() as i64;
                let gy = (baseline - (ymin as f32 + h as f32)).round() as i64;
                for (i, &a) in cov.iter().enumerate() {
                    if a >= 100 {
                        let (x, y) = (gx + (i % w) as i64, gy + (i / w) as i64);
                        if x >= 0 && y >= 0 {
                            bmp.set(x as u32, y as u32, true);
                        }
                    }
                }
            }
            None => draw_box(&mut bmp, cell_x, cell_w, top, px),
        }
    }
    bmp
}

/// Coverage of `c` as (width, height, ymin, alpha rows), fitted into a `cell_w` cell,
/// drawn from its outline (`super::outline`): only the glyphs a slip uses are read, never
/// the whole font.
///
/// A font without ASCII glyphs but with their fullwidth forms (U+FF01..) still prints:
/// those are squeezed horizontally into the half-width cell so Latin
/// text keeps the font-A grid. `None` if the font lacks the character.
fn glyph(f: &ttf_parser::Face<'_>, c: char, px: f32, cell_w: f32) -> Option<(usize, usize, i32, Vec<u8>)> {
    let has = |c: char| f.glyph_index(c).is_some_and(|g| g.0 != 0);
    let c = if has(c) {
        c
    } else if c.is_ascii_graphic() {
        char::from_u32(c as u32 - 0x21 + 0xFF01).filter(|&fw| has(fw))?
    } else {
        return None;
    };
    let g = super::outline::rasterize(f, c, px)?;
    let (w, h, ymin, cov) = (g.width, g.height, g.ymin, g.alpha);
    let max_w = (cell_w - 1.0).floor().max(1.0) as usize;
    if w <= max_w || w == 0 {
        return Some((w, h, ymin, cov));
    }
    // Squeeze: each target column takes the darkest source column it covers, so thin
    // vertical strokes survive.
    let mut out = vec![0u8; max_w * h];
    for y in 0..h {
        for tx in 0..max_w {
            let (s0, s1) = (tx * w / max_w, ((tx + 1) * w).div_ceil(max_w).min(w));
            out[y * max_w + tx] = (s0..s1.max(s0 + 1)).map(|sx| cov[y * w + sx]).max().unwrap_or(0);
        }
    }
    Some((max_w, h, ymin, out))
}

/// A character only the CJK Extension font has, drawn from its outline (it is a wide
/// character, so it fits its two-column cell).
fn ext_glyph(c: char, px: f32, cell_w: f32) -> Option<(usize, usize, i32, Vec<u8>)> {
    let g = super::outline::rasterize(crate::fonts::ext_face()?, c, px)?;
    (g.width as f32 <= cell_w + 1.0).then_some((g.width, g.height, g.ymin, g.alpha))
}

/// Outline box standing in for a glyph the font lacks (like the printer's own "tofu").
fn draw_box(bmp: &mut Bitmap, cell_x: f32, cell_w: f32, top: f32, px: f32) {
    let (x1, x2) = ((cell_x + 2.0) as u32, (cell_x + cell_w - 3.0).max(cell_x + 2.0) as u32);
    let (y1, y2) = ((top + 2.0) as u32, (top + px - 3.0) as u32);
    for x in x1..=x2 {
        bmp.set(x, y1, true);
        bmp.set(x, y2, true);
    }
    for y in y1..=y2 {
        bmp.set(x1, y, true);
        bmp.set(x2, y, true);
    }
}

/// QR matrix of `payload` at error-correction level M (survives smudged thermal paper):
/// side length in modules and row-major dark flags, without quiet zone.
pub fn qr_matrix(payload: &str) -> Result<(u32, Vec<bool>), RasterError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| RasterError::Qr(e.to_string()))?;
    let modules = code.width() as u32;
    let dark = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
    Ok((modules, dark))
}

/// Dots per module for a QR of `modules` modules (plus quiet zone) on `width_dots`:
/// as large as fits, at most 8, at least 3 (smaller does not scan).
pub fn qr_scale(modules: u32, width_dots: u32) -> Result<u32, RasterError> {
    let total = modules + 2 * QR_QUIET_ZONE;
    let scale = (width_dots / total).min(MAX_QR_SCALE);
    if scale < MIN_QR_SCALE {
        return Err(RasterError::QrTooLarge { modules, width_dots });
    }
    Ok(scale)
}

/// Full-width bitmap with the QR code of `payload` centred, quiet zone included.
/// Full width rather than relying on the printer's justification, which some printers
/// ignore for raster images.
pub fn qr_bitmap(payload: &str, width_dots: u32) -> Result<Bitmap, RasterError> {
    let (modules, dark) = qr_matrix(payload)?;
    let scale = qr_scale(modules, width_dots)?;
    let side = (modules + 2 * QR_QUIET_ZONE) * scale;
    let mut bmp = Bitmap::new(width_dots, side);
    let x0 = (bmp.width - side) / 2 + QR_QUIET_ZONE * scale;
    let y0 = QR_QUIET_ZONE * scale;
    for my in 0..modules {
        for mx in 0..modules {
            if dark[(my * modules + mx) as usize] {
                for dy in 0..scale {
                    for dx in 0..scale {
                        bmp.set(x0 + mx * scale + dx, y0 + my * scale + dy, true);
                    }
                }
            }
        }
    }
    Ok(bmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs_v0_header_and_bands() {
        let b = Bitmap::new(10, 300);
        assert_eq!(b.width(), 16);
        let bytes = b.to_gs_v0().unwrap();
        assert_eq!(&bytes[..8], &[0x1D, 0x76, 0x30, 0, 2, 0, 0, 1]);
        let second = 8 + 2 * 256;
        assert_eq!(&bytes[second..second + 8], &[0x1D, 0x76, 0x30, 0, 2, 0, 44, 0]);
        assert_eq!(bytes.len(), 16 + 2 * 300);
    }

    #[test]
    fn set_get_and_clip() {
        let mut b = Bitmap::new(16, 2);
        b.set(9, 1, true);
        b.set(100, 100, true);
        assert!(b.get(9, 1));
        assert_eq!(b.data(), &[0, 0, 0, 0x40]);
        b.embolden();
        assert!(b.get(10, 1));
    }

    #[test]
    fn text_line_has_ink_and_respects_alignment() {
        let l = render_text_line("您好", 24.0, 384, Align::Left);
        assert_eq!((l.width(), l.height()), (384, 30));
        let ink = |b: &Bitmap, x0, x1| (x0..x1).any(|x| (0..b.height()).any(|y| b.get(x, y)));
        assert!(ink(&l, 0, 48));
        assert!(!ink(&l, 48, 384));
        let r = render_text_line("您好", 24.0, 384, Align::Right);
        assert!(ink(&r, 336, 384) && !ink(&r, 0, 336));
    }

    /// Ink inside the cell's box outline, away from its edges: a glyph has strokes
    /// there, the stand-in box for a missing glyph has none.
    fn ink_inside_box(l: &Bitmap, cell: u32) -> usize {
        let (top, px) = ((l.height() - 24) / 2, 24);
        (4..cell * 12 - 5)
            .flat_map(|x| (top + 4..top + px - 5).map(move |y| (x, y)))
            .filter(|&(x, y)| l.get(x, y))
            .count()
    }

    #[test]
    fn rare_name_characters_render_as_glyphs_not_boxes() {
        // 䶮 (Extension A, GB18030 four bytes) and 𠀀 (Extension B) come from the
        // Extension font; 堃 喆 犇 from the main one.
        for c in ["䶮", "𠀀", "堃", "喆", "犇"] {
            let l = render_text_line(c, 24.0, 384, Align::Left);
            assert!(ink_inside_box(&l, 2) > 20, "{c} printed as a box");
        }
        // A character no bundled font has still prints as a box, never vanishes.
        // (U+31F55, Extension H: in no bundled font, so the input does not offer it.)
        let missing = render_text_line("\u{31F55}", 24.0, 384, Align::Left);
        assert_eq!(ink_inside_box(&missing, 2), 0);
        assert!(missing.data().iter().any(|&b| b != 0));
    }

    #[test]
    fn hostile_sizes_do_not_panic() {
        let _ = render_text_line("abc", f32::NAN, 0, Align::Center);
        let _ = render_text_line("一二三四五六七八九十一二三四五六七八九十一二三", 1e9, 8, Align::Right);
        assert!(qr_bitmap(&"x".repeat(3000), 384).is_err());
        assert!(qr_bitmap(&"x".repeat(9000), 576).is_err());
    }

    #[test]
    fn qr_scale_fits_paper() {
        let (m, _) = qr_matrix("https://example.com/v/ABCDEFGH").unwrap();
        for w in [384, 576] {
            let s = qr_scale(m, w).unwrap();
            assert!((m + 8) * s <= w && (6..=8).contains(&s), "scale {s}");
        }
    }
}
