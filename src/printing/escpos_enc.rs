//! Slip → ESC/POS bytes.
//!
//! Commands are assembled with the `escpos` crate's `Printer` over an in-memory driver,
//! so encoding is pure and the bytes can be stored, previewed, tested and sent by any
//! transport. Where escpos 0.20.1 sends bytes we don't mean, we write them ourselves:
//! its `partial_cut()` sends `GS V 65 1`, which many printers treat as a full cut, and
//! its `qrcode()` selects the obsolete QR Model 1.

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol};
use serde::{Deserialize, Serialize};

use super::raster::{qr_bitmap, qr_matrix, qr_scale, render_text_line, RasterError};
use super::slip::{layout, Align, Block, Line, Paper, Slip};

/// FS & — enter Chinese character mode (two-byte GB18030/GBK codes).
pub const ENTER_CHINESE: [u8; 2] = [0x1C, 0x26];
/// FS . — leave Chinese character mode.
pub const LEAVE_CHINESE: [u8; 2] = [0x1C, 0x2E];
/// Motion units fed past the cutter before cutting (about 3 mm at 203 dpi).
pub const CUT_FEED: u8 = 24;
/// GS V 66 n — feed to the cutter plus n units, then partial cut (leaves a hinge so the
/// slip doesn't fall on the floor).
pub const CUT: [u8; 4] = [0x1D, 0x56, 66, CUT_FEED];
/// ESC 3 n line spacing: 24-dot glyphs plus 6 dots, the pitch raster lines use too.
pub const LINE_SPACING: u8 = 30;
/// Glyph height of normal text in dots (font A and the printer's CJK font).
pub const TEXT_PX: f32 = 24.0;
/// Glyph height of double-size text.
pub const DOUBLE_PX: f32 = 48.0;

/// How text reaches the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextMode {
    /// The printer's own GB18030 font; lines it cannot print fall back to images.
    #[default]
    Gb18030,
    /// Every line as a raster image: for printers without a Chinese font.
    Image,
}

/// How QR codes reach the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QrMode {
    /// A raster image drawn by us: works on every printer.
    #[default]
    Raster,
    /// `GS ( k` Model 2: smaller jobs, needs printer support.
    Native,
}

/// Printer capabilities, from the kiosk configuration; omitted fields take the defaults
/// (80 mm, GB18030 text, raster QR) that work on the common lobby printers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EncodeOptions {
    pub paper: Paper,
    pub text_mode: TextMode,
    pub qr_mode: QrMode,
}

#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error(transparent)]
    Raster(#[from] RasterError),
    #[error("ESC/POS command assembly failed: {0}")]
    Printer(String),
}

impl From<escpos::errors::PrinterError> for EncodeError {
    fn from(e: escpos::errors::PrinterError) -> Self {
        EncodeError::Printer(e.to_string())
    }
}

/// escpos driver that appends to a shared buffer instead of a device.
#[derive(Clone, Default)]
struct MemoryDriver(Rc<RefCell<Vec<u8>>>);

impl Driver for MemoryDriver {
    fn name(&self) -> String {
        "memory".to_owned()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.try_borrow_mut()?.extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// GB18030 bytes of a line if the printer's built-in font can print all of it: ASCII
/// and two-byte codes only. Four-byte codes (Ext. A/B, emoji, ...) and private-use
/// characters are missing from printers' fonts, so `None` sends the line as an image.
/// The printer must be in Chinese mode (FS &) for the two-byte codes.
pub fn gb18030_line(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if c.is_control() || ('\u{E000}'..='\u{F8FF}').contains(&c) {
            return None;
        }
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        let (bytes, _, had_errors) = encoding_rs::GB18030.encode(c.encode_utf8(&mut buf));
        // FE50..FEA0 held private-use code points until GB18030-2005/2022 gave them to
        // real characters (e.g. 䶮 = FE9F); printer fonts predate that.
        let legacy_pua = bytes.first() == Some(&0xFE) && bytes.get(1).is_some_and(|b| (0x50..=0xA0).contains(b));
        if had_errors || bytes.len() != 2 || legacy_pua {
            return None;
        }
        out.extend_from_slice(&bytes);
    }
    Some(out)
}

/// `GS ( k` sequence printing `payload` as a QR Model 2 symbol, level M, `module` dots
/// per module.
pub fn native_qr(payload: &str, module: u8) -> Vec<u8> {
    let data = payload.as_bytes();
    let [pl, ph] = ((data.len() + 3).min(usize::from(u16::MAX)) as u16).to_le_bytes();
    let mut v = Vec::with_capacity(data.len() + 40);
    v.extend_from_slice(&[0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0]); // fn 165: model 2
    v.extend_from_slice(&[0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, module.clamp(1, 16)]); // fn 167
    v.extend_from_slice(&[0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, 0x31]); // fn 169: level M
    v.extend_from_slice(&[0x1D, 0x28, 0x6B, pl, ph, 0x31, 0x50, 0x30]); // fn 180: store
    v.extend_from_slice(data);
    v.extend_from_slice(&[0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30]); // fn 181: print
    v
}

/// Tracks text style so only changes are sent.
struct Style {
    align: Align,
    bold: bool,
    double: bool,
}

fn set_style<D: Driver>(
    p: &mut Printer<D>,
    s: &mut Style,
    align: Align,
    bold: bool,
    double: bool,
) -> Result<(), EncodeError> {
    if s.align != align {
        p.justify(match align {
            Align::Left => JustifyMode::LEFT,
            Align::Center => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
        })?;
    }
    if s.bold != bold {
        p.bold(bold)?;
    }
    if s.double != double {
        if double {
            p.size(2, 2)?;
        } else {
            p.reset_size()?;
        }
    }
    *s = Style { align, bold, double };
    Ok(())
}

/// Raster image of one laid-out line, exactly as the preview draws it.
pub(crate) fn line_bitmap(line: &Line, width_dots: u32) -> super::raster::Bitmap {
    let px = if line.double { DOUBLE_PX } else { TEXT_PX };
    let mut b = render_text_line(&line.text, px, width_dots, line.align);
    if line.bold {
        b.embolden();
    }
    b
}

/// Encodes a slip into one complete print job: `ESC @`, the slip, and a final partial
/// cut (added if the slip does not end with [`Op::Cut`](super::slip::Op::Cut)).
pub fn encode(slip: &Slip, opts: &EncodeOptions) -> Result<Vec<u8>, EncodeError> {
    let dots = opts.paper.dots_per_line();
    let mut blocks = layout(slip, opts.paper);
    // The final cut is emitted after leaving Chinese mode so every job ends with it.
    if blocks.last() == Some(&Block::Cut) {
        blocks.pop();
    }
    let buf = MemoryDriver::default();
    let mut p = Printer::new(buf.clone(), Protocol::default(), None);
    p.init()?;
    p.line_spacing(LINE_SPACING)?;
    let chinese = opts.text_mode == TextMode::Gb18030;
    if chinese {
        p.custom(&ENTER_CHINESE)?;
    }
    let mut style = Style {
        align: Align::Left,
        bold: false,
        double: false,
    };
    for block in &blocks {
        match block {
            Block::Text(line) => match gb18030_line(&line.text).filter(|_| chinese) {
                Some(bytes) => {
                    set_style(&mut p, &mut style, line.align, line.bold, line.double)?;
                    p.custom(&bytes)?;
                    p.custom(b"\n")?;
                }
                None => {
                    // Full-width image: alignment is drawn in, so justify left.
                    set_style(&mut p, &mut style, Align::Left, false, false)?;
                    p.custom(&line_bitmap(line, dots).to_gs_v0()?)?;
                }
            },
            Block::Qr(payload) => match opts.qr_mode {
                QrMode::Raster => {
                    set_style(&mut p, &mut style, Align::Left, false, false)?;
                    p.custom(&qr_bitmap(payload, dots)?.to_gs_v0()?)?;
                }
                QrMode::Native => {
                    let (modules, _) = qr_matrix(payload)?;
                    let scale = qr_scale(modules, dots)?;
                    set_style(&mut p, &mut style, Align::Center, false, false)?;
                    p.custom(&native_qr(payload, scale as u8))?;
                }
            },
            Block::Feed(0) => {}
            Block::Feed(n) => {
                p.feeds(*n)?;
            }
            Block::Cut => {
                p.custom(&CUT)?;
            }
        }
    }
    set_style(&mut p, &mut style, Align::Left, false, false)?;
    if chinese {
        p.custom(&LEAVE_CHINESE)?;
    }
    p.custom(&CUT)?;
    p.print()?;
    drop(p);
    Ok(buf.0.take())
}
