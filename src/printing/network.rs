//! A receipt printer on the network: raw ESC/POS over TCP (usually port 9100).
//!
//! Every job and every status question opens a **new** connection and closes it when
//! done, so a printer that was power-cycled, re-plugged or got a new DHCP lease (same
//! address) simply works again on the next job, without restarting the kiosk.
//!
//! One job goes like this:
//!
//! 1. connect (`connect_timeout`);
//! 2. ask `DLE EOT 1..=4` and read one byte per request (`io_timeout` each); unless the
//!    answers say the printer can print, stop with [`DriverError::NotReady`] **before
//!    any job byte is sent** (silence gives
//!    [`PrinterState::Unknown`](super::status::PrinterState::Unknown), never ready);
//! 3. write the whole job (`io_timeout` per write call);
//! 4. ask the status again: paper may have run out mid-job. Because TCP keeps order, an
//!    answer here also proves the printer received every job byte;
//! 5. shut the connection down.
//!
//! The job counts as printed (`Ok(())`) only if every byte was written and the status
//! after the job is printable. Network trouble (refused, timed out, reset, closed by the
//! printer) is [`DriverError::Network`].
//!
//! Caveat: printers execute `DLE EOT` in real time wherever it appears, including inside
//! raster data. A job that happens to contain `10 04 01..04` may make the printer send
//! an unasked byte; we discard bytes already waiting before step 4, but one arriving
//! later could be taken as the first status answer.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::driver::{DriverError, PrintJob, PrinterDriver};
use super::status::{request, StatusReport};

/// A printer reached over TCP at `host:port`. See the module doc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPrinter {
    addr: String,
    connect_timeout: Duration,
    io_timeout: Duration,
}

impl NetworkPrinter {
    /// Generous enough for a busy Wi-Fi, short enough not to freeze a visitor's journey.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
    /// Per read/write call; a printer busy printing a big raster drains its buffer slowly.
    pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_secs(5);

    /// A printer at `addr` (`host:port`, e.g. `192.168.1.50:9100`) with the default
    /// timeouts. Does no I/O.
    pub fn new(addr: impl Into<String>) -> Self {
        Self::with_timeouts(addr, Self::DEFAULT_CONNECT_TIMEOUT, Self::DEFAULT_IO_TIMEOUT)
    }

    /// Like [`new`](Self::new) with explicit timeouts. Zero durations are raised to 1 ms
    /// (the socket API treats zero as "no timeout").
    pub fn with_timeouts(addr: impl Into<String>, connect_timeout: Duration, io_timeout: Duration) -> Self {
        let min = Duration::from_millis(1);
        NetworkPrinter {
            addr: addr.into(),
            connect_timeout: connect_timeout.max(min),
            io_timeout: io_timeout.max(min),
        }
    }

    pub fn addr(&self) -> &str {
        &self.addr
    }

    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    pub fn io_timeout(&self) -> Duration {
        self.io_timeout
    }

    /// The printer's status on a fresh connection; `PrinterState::Unknown` with no raw
    /// answers if it cannot be reached. For `lobby-kiosk printer status`.
    pub fn status(&self) -> StatusReport {
        self.try_status().unwrap_or_else(|_| StatusReport::unknown())
    }

    /// Like [`status`](Self::status) but says why the printer could not be reached.
    pub fn try_status(&self) -> Result<StatusReport, DriverError> {
        let mut stream = self.connect()?;
        let report = self.query(&mut stream);
        close(&stream);
        report
    }

    fn net_err(&self, what: &str, e: &io::Error) -> DriverError {
        let cause = match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                format!("timed out after {} ms", self.io_timeout.as_millis())
            }
            _ => e.to_string(),
        };
        DriverError::Network(format!("{what} {}: {cause}", self.addr))
    }

    fn connect(&self) -> Result<TcpStream, DriverError> {
        let addrs = self
            .addr
            .to_socket_addrs()
            .map_err(|e| DriverError::Network(format!("cannot resolve {}: {e}", self.addr)))?;
        let mut last = None;
        for sa in addrs {
            match TcpStream::connect_timeout(&sa, self.connect_timeout) {
                Ok(stream) => {
                    let setup = stream
                        .set_read_timeout(Some(self.io_timeout))
                        .and_then(|()| stream.set_write_timeout(Some(self.io_timeout)))
                        .and_then(|()| stream.set_nodelay(true));
                    return match setup {
                        Ok(()) => Ok(stream),
                        Err(e) => Err(self.net_err("cannot set up connection to", &e)),
                    };
                }
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                DriverError::Network(format!(
                    "cannot connect to {}: timed out after {} ms",
                    self.addr,
                    self.connect_timeout.as_millis()
                ))
            }
            Some(e) => DriverError::Network(format!("cannot connect to {}: {e}", self.addr)),
            None => DriverError::Network(format!("cannot resolve {}: no address", self.addr)),
        })
    }

    /// Asks `DLE EOT 1..=4` on `stream`. A request left unanswered within the io timeout
    /// stops the questioning (a late answer would be taken for the next one) and leaves
    /// that and the later answers `None`. A closed or reset connection is an error.
    fn query(&self, stream: &mut TcpStream) -> Result<StatusReport, DriverError> {
        let mut raw = [None; 4];
        for (n, slot) in (1u8..=4).zip(raw.iter_mut()) {
            stream
                .write_all(&request(n))
                .map_err(|e| self.net_err("cannot ask status of", &e))?;
            match read_byte(stream) {
                Ok(Some(b)) => *slot = Some(b),
                Ok(None) => return Err(DriverError::Network(format!("connection closed by {}", self.addr))),
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => break,
                Err(e) => return Err(self.net_err("no status from", &e)),
            }
        }
        Ok(StatusReport::from_raw(raw))
    }

    /// Throws away bytes the printer sent unasked (see the module caveat).
    fn discard_pending(&self, stream: &mut TcpStream) -> Result<(), DriverError> {
        stream
            .set_nonblocking(true)
            .map_err(|e| self.net_err("cannot read from", &e))?;
        let mut buf = [0u8; 64];
        // Bounded: a printer that never stops talking is not going to answer sensibly.
        let mut budget = 64;
        let res = loop {
            match stream.read(&mut buf) {
                Ok(0) => break Err(DriverError::Network(format!("connection closed by {}", self.addr))),
                Ok(_) if budget == 0 => break Ok(()),
                Ok(_) => budget -= 1,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(self.net_err("connection lost to", &e)),
            }
        };
        stream
            .set_nonblocking(false)
            .map_err(|e| self.net_err("cannot read from", &e))?;
        res
    }

    fn send_on(&self, stream: &mut TcpStream, job: &PrintJob) -> Result<(), DriverError> {
        let before = self.query(stream)?;
        if !before.is_printable() {
            return Err(DriverError::NotReady(before.state));
        }
        stream
            .write_all(&job.bytes)
            .and_then(|()| stream.flush())
            .map_err(|e| self.net_err("job interrupted, sending to", &e))?;
        self.discard_pending(stream)?;
        let after = self.query(stream)?;
        if !after.is_printable() {
            return Err(DriverError::NotReady(after.state));
        }
        Ok(())
    }
}

/// One byte: `Ok(None)` at end of stream; timeouts come back as errors.
fn read_byte(stream: &mut TcpStream) -> io::Result<Option<u8>> {
    let mut b = [0u8; 1];
    loop {
        match stream.read(&mut b) {
            Ok(0) => return Ok(None),
            Ok(_) => return Ok(Some(b[0])),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Best effort: by the time we close, the outcome is already decided (an answered
/// status after the job proves the printer has every byte).
fn close(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Both);
}

impl PrinterDriver for NetworkPrinter {
    fn name(&self) -> &str {
        "network"
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), DriverError> {
        let mut stream = self.connect()?;
        let res = self.send_on(&mut stream, job);
        close(&stream);
        res
    }

    fn reads_status(&self) -> bool {
        true
    }

    fn live_status(&self) -> Option<StatusReport> {
        Some(self.status())
    }
}

#[cfg(test)]
#[path = "network_tests.rs"]
mod tests;
