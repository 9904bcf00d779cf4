//! A receipt printer on a serial line (RS-232, or a USB-serial adapter): raw ESC/POS on a
//! device node such as `/dev/ttyUSB0`, at a fixed baud rate, 8N1, no flow control.
//!
//! The device is opened per job and closed after it, so a printer that was unplugged
//! and plugged back in works again without restarting the kiosk. Reads use the line's
//! own timeout (`VTIME`), so a silent printer is "unknown" within a second, never "ready".
//! No udev library is needed: only the device node and `termios`.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use rustix::fs::{Mode, OFlags};
use rustix::termios::{self, OptionalActions, QueueSelector, SpecialCodeIndex};

use super::driver::{DriverError, PrintJob, PrinterDriver};
use super::handshake::{self, Link};
use super::status::StatusReport;

/// The rates a receipt printer's DIP switches offer.
pub const BAUD_RATES: [u32; 7] = [2400, 4800, 9600, 19200, 38400, 57600, 115200];

/// Tenths of a second a status byte may take (`VTIME`).
const READ_TIMEOUT_DECISECONDS: u8 = 8;

pub struct SerialPrinter {
    device: PathBuf,
    baud: u32,
    name: String,
}

impl SerialPrinter {
    /// Does no I/O.
    pub fn new(device: impl Into<PathBuf>, baud: u32) -> Self {
        let device = device.into();
        let name = format!("serial {}", device.display());
        SerialPrinter { device, baud, name }
    }

    fn open(&self) -> Result<SerialLink, DriverError> {
        let unavailable =
            |e: io::Error| DriverError::Unavailable(format!("cannot open {}: {e}", self.device.display()));
        let fd = rustix::fs::open(
            &self.device,
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| unavailable(e.into()))?;
        let mut tio = termios::tcgetattr(&fd).map_err(|e| unavailable(e.into()))?;
        tio.make_raw();
        tio.set_speed(self.baud).map_err(|e| unavailable(e.into()))?;
        tio.special_codes[SpecialCodeIndex::VMIN] = 0;
        tio.special_codes[SpecialCodeIndex::VTIME] = READ_TIMEOUT_DECISECONDS;
        termios::tcsetattr(&fd, OptionalActions::Now, &tio).map_err(|e| unavailable(e.into()))?;
        // Whatever the printer said before we asked is not an answer to us.
        let _ = termios::tcflush(&fd, QueueSelector::IFlush);
        Ok(SerialLink { file: File::from(fd) })
    }

    fn io_err(&self) -> impl Fn(&str, io::Error) -> DriverError + '_ {
        move |what, e| DriverError::Unavailable(format!("{what} {}: {e}", self.device.display()))
    }
}

struct SerialLink {
    file: File,
}

impl Link for SerialLink {
    fn send_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        // Waits until the bytes have left the UART, so the status asked next is about them.
        termios::tcdrain(&self.file).map_err(io::Error::from)
    }

    fn recv_byte(&mut self) -> io::Result<Option<u8>> {
        let mut b = [0u8; 1];
        loop {
            // With VMIN 0 and VTIME set, 0 bytes means the timeout passed.
            match self.file.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(b[0])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn drain_input(&mut self) -> io::Result<()> {
        termios::tcflush(&self.file, QueueSelector::IFlush).map_err(io::Error::from)
    }
}

impl PrinterDriver for SerialPrinter {
    fn name(&self) -> &str {
        &self.name
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), DriverError> {
        let mut link = self.open()?;
        handshake::send_checked(&mut link, job, self.io_err())
    }

    fn reads_status(&self) -> bool {
        true
    }

    fn live_status(&self) -> Option<StatusReport> {
        Some(handshake::status_of(self.open()))
    }
}

#[cfg(test)]
#[path = "serial_tests.rs"]
mod tests;
