//! Rasterises one glyph straight from its outline, for both bundled fonts: parsing the
//! Extension font whole with fontdue (which loads every glyph up front) cost 1.6 s and
//! 235 MiB of resident memory for the first rare character on a slip, and the main font
//! about 180 MiB for the first slip of all. Here a glyph costs only
//! itself: its outline is flattened into line segments and filled with the non-zero
//! winding rule, sampled on four sub-scanlines per pixel row.

/// A rasterised glyph as the slip renderer places it: width and height in pixels, the
/// bitmap's bottom edge relative to the baseline (pixels, up is positive), and one coverage byte (0–255) per pixel, rows top first.
pub struct Coverage {
    pub width: usize,
    pub height: usize,
    pub ymin: i32,
    pub alpha: Vec<u8>,
}

const SUB_ROWS: usize = 4;
const CURVE_STEPS: usize = 8;

/// Line segments of an outline in pixels (y up), curves flattened.
struct Segments {
    scale: f32,
    start: (f32, f32),
    at: (f32, f32),
    lines: Vec<[(f32, f32); 2]>,
}

impl Segments {
    fn push(&mut self, to: (f32, f32)) {
        if to != self.at {
            self.lines.push([self.at, to]);
        }
        self.at = to;
    }
}

impl ttf_parser::OutlineBuilder for Segments {
    fn move_to(&mut self, x: f32, y: f32) {
        self.start = (x * self.scale, y * self.scale);
        self.at = self.start;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.push((x * self.scale, y * self.scale));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (p0, p1, p2) = (
            self.at,
            (x1 * self.scale, y1 * self.scale),
            (x * self.scale, y * self.scale),
        );
        for i in 1..=CURVE_STEPS {
            let t = i as f32 / CURVE_STEPS as f32;
            let u = 1.0 - t;
            self.push((
                u * u * p0.0 + 2.0 * u * t * p1.0 + t * t * p2.0,
                u * u * p0.1 + 2.0 * u * t * p1.1 + t * t * p2.1,
            ));
        }
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let s = self.scale;
        let (p0, p1, p2, p3) = (self.at, (x1 * s, y1 * s), (x2 * s, y2 * s), (x * s, y * s));
        for i in 1..=CURVE_STEPS {
            let t = i as f32 / CURVE_STEPS as f32;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.push((
                a * p0.0 + b * p1.0 + c * p2.0 + d * p3.0,
                a * p0.1 + b * p1.1 + c * p2.1 + d * p3.1,
            ));
        }
    }
    fn close(&mut self) {
        let start = self.start;
        self.push(start);
    }
}

/// `c` drawn from `face` at an em of `px` pixels; `None` if the face has no glyph for it
/// or the glyph is empty.
pub fn rasterize(face: &ttf_parser::Face<'_>, c: char, px: f32) -> Option<Coverage> {
    let id = face.glyph_index(c)?;
    let scale = px / f32::from(face.units_per_em().max(1));
    let mut seg = Segments {
        scale,
        start: (0.0, 0.0),
        at: (0.0, 0.0),
        lines: Vec::new(),
    };
    face.outline_glyph(id, &mut seg)?;
    let lines = seg.lines;
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in lines.iter().flatten() {
        x0 = x0.min(p.0);
        x1 = x1.max(p.0);
        y0 = y0.min(p.1);
        y1 = y1.max(p.1);
    }
    if lines.is_empty() || !(x1 > x0 && y1 > y0) {
        return None;
    }
    let (left, bottom) = (x0.floor(), y0.floor());
    let width = (x1.ceil() - left) as usize;
    let height = (y1.ceil() - bottom) as usize;
    if width == 0 || height == 0 || width > 4096 || height > 4096 {
        return None;
    }
    let mut acc = vec![0f32; width * height];
    let mut crossings: Vec<(f32, i32)> = Vec::new();
    for row in 0..height {
        for sub in 0..SUB_ROWS {
            // Sample height in pixels above `bottom`, row 0 being the top row.
            let y = bottom + (height - row) as f32 - (sub as f32 + 0.5) / SUB_ROWS as f32;
            crossings.clear();
            for &[(ax, ay), (bx, by)] in &lines {
                if (ay <= y) != (by <= y) {
                    let x = ax + (y - ay) * (bx - ax) / (by - ay);
                    crossings.push((x - left, if by > ay { 1 } else { -1 }));
                }
            }
            crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut winding = 0;
            for pair in crossings.windows(2) {
                winding += pair[0].1;
                if winding != 0 {
                    fill_span(&mut acc[row * width..(row + 1) * width], pair[0].0, pair[1].0);
                }
            }
        }
    }
    let alpha = acc
        .into_iter()
        .map(|a| (a / SUB_ROWS as f32 * 255.0).round().clamp(0.0, 255.0) as u8)
        .collect();
    Some(Coverage {
        width,
        height,
        ymin: bottom as i32,
        alpha,
    })
}

/// Adds the horizontal coverage of the span `from..to` (pixels) to one sub-scanline's row.
fn fill_span(row: &mut [f32], from: f32, to: f32) {
    let (from, to) = (from.max(0.0), to.min(row.len() as f32));
    if to <= from {
        return;
    }
    let (first, last) = (from.floor() as usize, (to.ceil() as usize).min(row.len()));
    for (x, cell) in row.iter_mut().enumerate().take(last).skip(first) {
        let (l, r) = ((x as f32).max(from), ((x + 1) as f32).min(to));
        if r > l {
            *cell += r - l;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rare_character_has_ink_inside_and_blank_margins() {
        let face = crate::fonts::ext_face().unwrap();
        let g = rasterize(face, '䶮', 24.0).unwrap();
        assert!(
            g.width > 10 && g.width <= 26 && g.height > 10 && g.height <= 26,
            "{}x{}",
            g.width,
            g.height
        );
        let ink = g.alpha.iter().filter(|&&a| a >= 100).count();
        // A real character: strokes, neither empty nor a solid block.
        assert!(
            ink > g.width * g.height / 8 && ink < g.width * g.height * 3 / 4,
            "{ink}"
        );
        assert!(rasterize(face, 'A', 24.0).is_none(), "not in the Extension font");
    }
}
