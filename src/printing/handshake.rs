//! The status handshake shared by drivers that can read the printer back (serial, USB):
//! ask `DLE EOT 1..=4` before the job and refuse to send unless the printer can print,
//! send the job, then ask again, since paper may run out mid-job. An answer after the job
//! also proves the printer took every byte. Silence is [`PrinterState::Unknown`], never
//! ready.
//!
//! [`PrinterState::Unknown`]: super::status::PrinterState::Unknown

use std::io;

use super::driver::{DriverError, PrintJob};
use super::status::StatusReport;

/// A two-way byte channel to a printer, with its own read timeout.
pub trait Link {
    fn send_bytes(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// One byte, or `None` when nothing arrived within the link's timeout.
    fn recv_byte(&mut self) -> io::Result<Option<u8>>;
    /// Throws away bytes the printer sent unasked (a job's raster data can contain
    /// `DLE EOT n`, which the printer answers in real time).
    fn drain_input(&mut self) -> io::Result<()>;
}

/// `DLE EOT n`: transmit real-time status n (1 printer, 2 offline, 3 error, 4 paper).
pub fn request(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// Asks `DLE EOT 1..=4`, after throwing away whatever the printer sent unasked (a late
/// answer to an earlier question would be taken for this one). The first question left
/// unanswered stops the questioning; the rest stay `None`.
pub fn query(link: &mut dyn Link) -> io::Result<StatusReport> {
    link.drain_input()?;
    let mut raw = [None; 4];
    for (n, slot) in (1u8..=4).zip(raw.iter_mut()) {
        link.send_bytes(&request(n))?;
        match link.recv_byte()? {
            Some(b) => *slot = Some(b),
            None => break,
        }
    }
    Ok(StatusReport::from_raw(raw))
}

/// The status through a freshly opened link; a printer that cannot be opened, or does
/// not answer, is unknown.
pub fn status_of<L: Link>(opened: Result<L, DriverError>) -> StatusReport {
    opened
        .ok()
        .and_then(|mut link| query(&mut link).ok())
        .unwrap_or_else(StatusReport::unknown)
}

/// Status, job, status. `Ok` only when every byte went out and the printer still says it
/// can print afterwards.
pub fn send_checked(
    link: &mut dyn Link,
    job: &PrintJob,
    io_err: impl Fn(&str, io::Error) -> DriverError,
) -> Result<(), DriverError> {
    let before = query(link).map_err(|e| io_err("no status from", e))?;
    if !before.is_printable() {
        return Err(DriverError::NotReady(before.state));
    }
    link.send_bytes(&job.bytes)
        .map_err(|e| io_err("job interrupted, sending to", e))?;
    link.drain_input().map_err(|e| io_err("cannot read from", e))?;
    let after = query(link).map_err(|e| io_err("no status after the job from", e))?;
    if !after.is_printable() {
        return Err(DriverError::NotReady(after.state));
    }
    Ok(())
}
