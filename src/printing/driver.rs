//! The seam between printing and the outside world.
//!
//! Flows hand a finished [`PrintJob`] to whichever [`PrinterDriver`] the configuration
//! chose (virtual, network, USB, serial). Drivers only move bytes; they never lay out
//! or encode, so every driver prints exactly the same slip.

use std::path::PathBuf;

use super::slip::SlipKind;
use super::status::{PrinterState, StatusReport};

/// One encoded slip, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    pub kind: SlipKind,
    /// Complete ESC/POS bytes, from `ESC @` to the cut.
    pub bytes: Vec<u8>,
    /// PNG preview, kept by drivers that can store it (the virtual printer).
    pub preview_png: Option<Vec<u8>>,
}

/// Why a job did not reach the printer. Values, never panics: the kiosk must keep
/// serving people and tell staff when the printer needs attention.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("printer unavailable: {0}")]
    Unavailable(String),
    /// The printer answered its status, and it cannot print (or did not answer at all:
    /// [`PrinterState::Unknown`]). Before a job this means nothing was sent; after a job
    /// it means the slip may be incomplete.
    #[error("printer not ready: {0}")]
    NotReady(PrinterState),
    /// The network path failed: connection refused, timed out, or reset mid-job.
    #[error("printer network error: {0}")]
    Network(String),
}

/// A destination for print jobs. `Send` so a driver can live on a printing thread.
pub trait PrinterDriver: Send {
    /// Short name for logs and the staff screen.
    fn name(&self) -> &str;
    /// Delivers one whole job, or reports why not.
    fn send(&mut self, job: &PrintJob) -> Result<(), DriverError>;
    /// Asks the printer how it is, for the staff screen and `printer status`. `None`
    /// when the driver cannot tell (the default: files, plain device nodes).
    fn live_status(&self) -> Option<StatusReport> {
        None
    }
    /// Whether [`live_status`](Self::live_status) can say anything (without asking now).
    fn reads_status(&self) -> bool {
        false
    }
    /// Every printer behind this driver with what it says now, the primary first (a
    /// [`FallbackPrinter`](super::FallbackPrinter) has two), for `printer status`.
    fn live_statuses(&self) -> Vec<(String, Option<StatusReport>)> {
        vec![(self.name().to_string(), self.live_status())]
    }
}
