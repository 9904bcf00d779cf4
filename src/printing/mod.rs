//! Printing: slip layout → ESC/POS bytes → a printer driver.
//!
//! Data flows one way and every step but the last is pure:
//!
//! 1. [`slip`]: flows describe a slip as [`Op`]s; [`layout`] wraps it for a paper width.
//! 2. [`escpos_enc`]: [`encode`] turns the layout into the exact bytes of one job
//!    (GB18030 text with a raster fallback, raster or native QR, a partial cut).
//! 3. [`preview`]: [`render_png`] draws the same layout as a PNG.
//! 4. [`driver`]: a [`PrinterDriver`] delivers the [`PrintJob`]; the default
//!    [`VirtualPrinter`] writes the bytes and the preview to a folder, the
//!    [`NetworkPrinter`] sends them over TCP after checking the printer's
//!    [`status`] (`DLE EOT`).
//!
//! [`raster`] holds the 1-bit drawing shared by the encoder and the preview.

pub mod driver;
pub mod escpos_enc;
pub mod fake;
pub mod fallback;
pub mod handshake;
pub mod network;
pub mod outline;
pub mod preview;
pub mod raster;
pub mod serial;
pub mod slip;
pub mod status;
pub mod usb;
pub mod virtual_printer;

#[cfg(test)]
mod tests;

pub use driver::{DriverError, PrintJob, PrinterDriver};
pub use escpos_enc::{encode, EncodeError, EncodeOptions, QrMode, TextMode};
pub use fallback::FallbackPrinter;

pub use network::NetworkPrinter;
pub use preview::{render_png, PreviewError};
pub use raster::{render_text_line, Bitmap, RasterError};
pub use serial::SerialPrinter;
pub use slip::{layout, test_slip, wrap, Align, Block, Line, Op, Paper, Slip, SlipKind};
pub use status::{PrinterState, StatusReport};
pub use usb::UsbPrinter;
pub use virtual_printer::VirtualPrinter;

/// Encodes a slip and renders its preview in one go: what a flow hands to a driver.
pub fn make_job(slip: &Slip, opts: &EncodeOptions) -> Result<PrintJob, EncodeError> {
    make_job_for(slip, opts, true)
}

/// [`make_job`], with the preview only when `preview` (the driver keeps one).
pub fn make_job_for(slip: &Slip, opts: &EncodeOptions, preview: bool) -> Result<PrintJob, EncodeError> {
    let bytes = encode(slip, opts)?;
    // A preview is a convenience; a slip that encodes must still print without one.
    let preview_png = if preview {
        render_png(slip, opts.paper).ok()
    } else {
        None
    };
    Ok(PrintJob {
        kind: slip.kind,
        bytes,
        preview_png,
    })
}
