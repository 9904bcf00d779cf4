//! PNG preview of a slip, so staff (and the README) can see a slip without a printer.
//!
//! It draws the same [`layout`] the encoder prints, with the same line bitmaps and the
//! same QR bitmap, one pixel per printer dot: wrapping and QR scale match the paper.
//! Text printed in the printer's own font will differ in glyph shapes only.

use super::escpos_enc::{line_bitmap, CUT_FEED, LINE_SPACING};
use super::raster::{qr_bitmap, Bitmap, RasterError};
use super::slip::{layout, Block, Paper, Slip};

/// White border around the paper area, in pixels.
const MARGIN: u32 = 16;
/// Refuse absurd slips (about 6 m of paper) instead of allocating without bound.
const MAX_HEIGHT: u32 = 50_000;
const INK: u8 = 0;
const PAPER: u8 = 255;
const CUT_MARK: u8 = 160;

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error(transparent)]
    Raster(#[from] RasterError),
    #[error("slip is too long to preview ({height} dots)")]
    TooLong { height: u64 },
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

enum Piece {
    Image(Bitmap),
    Blank(u32),
    CutMark,
}

impl Piece {
    fn height(&self) -> u32 {
        match self {
            Piece::Image(b) => b.height(),
            Piece::Blank(h) => *h,
            Piece::CutMark => 2 * u32::from(CUT_FEED) + 1,
        }
    }
}

/// Renders `slip` on `paper` as an 8-bit grayscale PNG, one pixel per printer dot.
pub fn render_png(slip: &Slip, paper: Paper) -> Result<Vec<u8>, PreviewError> {
    let dots = paper.dots_per_line();
    let mut blocks = layout(slip, paper);
    // The encoder always ends a job with a cut; show it.
    if blocks.last() != Some(&Block::Cut) {
        blocks.push(Block::Cut);
    }
    let mut pieces = Vec::with_capacity(blocks.len());
    let mut total: u64 = 0;
    for block in &blocks {
        let piece = match block {
            Block::Text(line) => Piece::Image(line_bitmap(line, dots)),
            Block::Qr(payload) => Piece::Image(qr_bitmap(payload, dots)?),
            Block::Feed(n) => Piece::Blank(u32::from(*n) * u32::from(LINE_SPACING)),
            Block::Cut => Piece::CutMark,
        };
        total += u64::from(piece.height());
        if total > u64::from(MAX_HEIGHT) {
            return Err(PreviewError::TooLong { height: total });
        }
        pieces.push(piece);
    }
    let width = dots + 2 * MARGIN;
    let height = total as u32 + 2 * MARGIN;
    let mut px = vec![PAPER; width as usize * height as usize];
    let mut y = MARGIN;
    for piece in &pieces {
        match piece {
            Piece::Image(b) => {
                for by in 0..b.height() {
                    let row = ((y + by) * width + MARGIN) as usize;
                    for bx in 0..b.width().min(dots) {
                        if b.get(bx, by) {
                            px[row + bx as usize] = INK;
                        }
                    }
                }
            }
            Piece::Blank(_) => {}
            Piece::CutMark => {
                let row = ((y + u32::from(CUT_FEED)) * width) as usize;
                for x in 0..width {
                    if (x / 8) % 2 == 0 {
                        px[row + x as usize] = CUT_MARK;
                    }
                }
            }
        }
        y += piece.height();
    }
    encode_png(&px, width, height)
}

fn encode_png(px: &[u8], width: u32, height: u32) -> Result<Vec<u8>, PreviewError> {
    let err = |e: png::EncodingError| PreviewError::Png(e.to_string());
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(err)?;
    writer.write_image_data(px).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}
