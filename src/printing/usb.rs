//! A receipt printer on USB, found by vendor and product id (`lsusb` shows both), through
//! nusb (no libusb, no udev library). The kernel's `usblp` driver is detached for the
//! job; the kiosk user needs access to the device node (see the udev rule in
//! deploy/README.md).
//!
//! The device is opened per job, so a printer that was switched off and on works again
//! without a restart; status is asked before and after each job (`DLE EOT`), each answer
//! awaited for `printer.timeout_ms`. The two bulk endpoints are kept for the whole job:
//! one reader buffers what the printer sends, so a packet carrying two bytes loses
//! neither, and what arrived unasked is drained before each status question (a late
//! answer to an earlier question would otherwise be taken for the next one).

use std::io::{self, Read, Write};
use std::time::Duration;

use nusb::io::{EndpointRead, EndpointWrite};
use nusb::transfer::{Bulk, Direction};
use nusb::MaybeFuture;

use super::driver::{DriverError, PrintJob, PrinterDriver};
use super::handshake::{self, Link};
use super::status::StatusReport;

/// A job's bytes may take this long to be taken (the printer prints as it receives),
/// whatever the status timeout.
const MIN_WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the drain waits for more unasked bytes before calling the line quiet.
const DRAIN_WAIT: Duration = Duration::from_millis(30);
/// The drain gives up after this many bytes (a printer that never stops talking).
const DRAIN_LIMIT: usize = 4096;

pub struct UsbPrinter {
    vendor_id: u16,
    product_id: u16,
    /// How long each status answer is awaited (`printer.timeout_ms`).
    timeout: Duration,
    name: String,
}

impl UsbPrinter {
    /// Does no I/O.
    pub fn new(vendor_id: u16, product_id: u16, timeout: Duration) -> Self {
        UsbPrinter {
            vendor_id,
            product_id,
            timeout,
            name: format!("usb {vendor_id:04x}:{product_id:04x}"),
        }
    }

    fn open(&self) -> Result<UsbLink<Endpoints>, DriverError> {
        Endpoints::open(self.vendor_id, self.product_id, self.timeout)
            .map(|port| UsbLink::new(port, self.timeout))
            .map_err(|e| DriverError::Unavailable(format!("{}: {e}", self.name)))
    }
}

/// What the link needs of the printer's two bulk endpoints (a script in the tests).
trait Port {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Bytes the printer sent, from a buffer kept across calls; an error of kind
    /// `TimedOut` when nothing came within the read timeout.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    fn set_read_timeout(&mut self, timeout: Duration);
}

/// The claimed interface's bulk endpoints, through nusb's buffered reader and writer.
struct Endpoints {
    reader: EndpointRead<Bulk>,
    writer: EndpointWrite<Bulk>,
}

impl Endpoints {
    fn open(vendor_id: u16, product_id: u16, timeout: Duration) -> io::Result<Endpoints> {
        let info = nusb::list_devices()
            .wait()?
            .find(|d| d.vendor_id() == vendor_id && d.product_id() == product_id)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "USB device not found"))?;
        let device = info.open().wait()?;
        let config = device.active_configuration().map_err(io::Error::other)?;
        let (mut out, mut inp) = (None, None);
        if let Some(alt) = config.interface_alt_settings().next() {
            for ep in alt.endpoints() {
                if ep.transfer_type() == nusb::descriptors::TransferType::Bulk {
                    match ep.direction() {
                        Direction::Out => out = out.or(Some(ep.address())),
                        Direction::In => inp = inp.or(Some(ep.address())),
                    }
                }
            }
        }
        let (Some(out), Some(inp)) = (out, inp) else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "the USB device has no bulk endpoints in and out",
            ));
        };
        let number = info
            .interfaces()
            .map(|i| i.interface_number())
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "the USB device has no interface"))?;
        let interface = device.detach_and_claim_interface(number).wait()?;
        let writer_ep = interface.endpoint::<Bulk, nusb::transfer::Out>(out)?;
        let reader_ep = interface.endpoint::<Bulk, nusb::transfer::In>(inp)?;
        let packet = reader_ep.max_packet_size();
        let writer_packet = writer_ep.max_packet_size();
        Ok(Endpoints {
            reader: reader_ep.reader(packet).with_read_timeout(timeout),
            writer: writer_ep
                .writer(writer_packet)
                .with_write_timeout(timeout.max(MIN_WRITE_TIMEOUT)),
        })
    }
}

impl Port for Endpoints {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)?;
        self.writer.flush()
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }

    fn set_read_timeout(&mut self, timeout: Duration) {
        self.reader.set_read_timeout(timeout);
    }
}

/// Whether a read error is the printer saying nothing within the timeout: nusb reports
/// it as `TimedOut` ("timeout waiting for read"); older drivers' text said "timed out".
fn is_silence(err: &io::Error) -> bool {
    if matches!(err.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) {
        return true;
    }
    let text = err.to_string().to_lowercase();
    text.contains("timed out") || text.contains("timeout")
}

struct UsbLink<P: Port> {
    port: P,
    timeout: Duration,
}

impl<P: Port> UsbLink<P> {
    fn new(port: P, timeout: Duration) -> Self {
        UsbLink { port, timeout }
    }
}

impl<P: Port> Link for UsbLink<P> {
    fn send_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.port.write_all(bytes)
    }

    fn recv_byte(&mut self) -> io::Result<Option<u8>> {
        let mut b = [0u8; 1];
        loop {
            match self.port.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(b[0])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if is_silence(&e) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads and throws away what the printer sent unasked until it is quiet for
    /// [`DRAIN_WAIT`], then waits the configured timeout for answers again.
    fn drain_input(&mut self) -> io::Result<()> {
        self.port.set_read_timeout(DRAIN_WAIT.min(self.timeout));
        let mut thrown = 0;
        let mut buf = [0u8; 64];
        let outcome = loop {
            if thrown >= DRAIN_LIMIT {
                break Ok(());
            }
            match self.port.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => thrown += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_silence(&e) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.port.set_read_timeout(self.timeout);
        outcome
    }
}

impl PrinterDriver for UsbPrinter {
    fn name(&self) -> &str {
        &self.name
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), DriverError> {
        let mut link = self.open()?;
        let name = self.name.clone();
        handshake::send_checked(&mut link, job, move |what, e| {
            DriverError::Unavailable(format!("{what} {name}: {e}"))
        })
    }

    fn reads_status(&self) -> bool {
        true
    }

    fn live_status(&self) -> Option<StatusReport> {
        Some(handshake::status_of(self.open()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printing::slip::SlipKind;
    use crate::printing::status::PrinterState;
    use std::collections::VecDeque;

    /// What the scripted printer does when read: bytes (one USB packet) or nusb's
    /// silence.
    enum Event {
        Packet(Vec<u8>),
        Silence,
    }

    /// A printer on a script: each read takes from the current packet or the next event;
    /// an empty script is silence. Records writes and read timeouts.
    #[derive(Default)]
    struct Script {
        events: VecDeque<Event>,
        buffered: VecDeque<u8>,
        written: Vec<u8>,
        timeouts: Vec<Duration>,
        /// Answer each `DLE EOT n` with this byte, after the script's events.
        answer: Option<u8>,
    }

    fn nusb_silence() -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, "timeout waiting for read")
    }

    impl Port for Script {
        fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
            self.written.extend_from_slice(bytes);
            if let (Some(a), [0x10, 0x04, _]) = (self.answer, bytes) {
                self.events.push_back(Event::Packet(vec![a]));
            }
            Ok(())
        }

        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.buffered.is_empty() {
                match self.events.pop_front() {
                    Some(Event::Packet(p)) => self.buffered.extend(p),
                    Some(Event::Silence) | None => return Err(nusb_silence()),
                }
            }
            let n = buf.len().min(self.buffered.len());
            for slot in buf.iter_mut().take(n) {
                *slot = self.buffered.pop_front().unwrap_or_default();
            }
            Ok(n)
        }

        fn set_read_timeout(&mut self, timeout: Duration) {
            self.timeouts.push(timeout);
        }
    }

    const TIMEOUT: Duration = Duration::from_millis(700);

    #[test]
    fn nusb_timeout_text_and_kind_are_silence_other_errors_are_not() {
        assert!(is_silence(&nusb_silence()));
        assert!(is_silence(&io::Error::other("timeout waiting for read")));
        assert!(is_silence(&io::Error::other("Operation timed out")));
        assert!(!is_silence(&io::Error::other("device disconnected")));
        assert!(!is_silence(&io::Error::from(io::ErrorKind::BrokenPipe)));
    }

    #[test]
    fn a_silent_printer_is_unknown_not_an_error() {
        let mut link = UsbLink::new(Script::default(), TIMEOUT);
        assert_eq!(link.recv_byte().unwrap(), None);
        let report = handshake::query(&mut link).unwrap();
        assert_eq!(report.state, PrinterState::Unknown);
        assert!(!report.is_printable());
    }

    #[test]
    fn a_late_answer_waiting_before_a_status_question_is_drained_not_taken_for_the_answer() {
        // A paper-out answer to an earlier question arrived late, in one packet with
        // another stray byte; the printer now answers "ready" to each question.
        let script = Script {
            events: VecDeque::from([Event::Packet(vec![0x72, 0x1E]), Event::Silence]),
            answer: Some(0x12),
            ..Script::default()
        };
        let mut link = UsbLink::new(script, TIMEOUT);
        let report = handshake::query(&mut link).unwrap();
        assert_eq!(report.raw, [Some(0x12); 4], "{report:?}");
        assert_eq!(
            link.port.written,
            [1u8, 2, 3, 4]
                .iter()
                .flat_map(|n| handshake::request(*n))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn two_bytes_in_one_packet_are_both_read() {
        let script = Script {
            events: VecDeque::from([Event::Packet(vec![0x16, 0x12])]),
            ..Script::default()
        };
        let mut link = UsbLink::new(script, TIMEOUT);
        assert_eq!(link.recv_byte().unwrap(), Some(0x16));
        assert_eq!(link.recv_byte().unwrap(), Some(0x12));
        assert_eq!(link.recv_byte().unwrap(), None);
    }

    #[test]
    fn the_drain_waits_briefly_then_answers_are_awaited_for_the_configured_timeout() {
        let mut link = UsbLink::new(Script::default(), TIMEOUT);
        link.drain_input().unwrap();
        assert_eq!(link.port.timeouts, vec![DRAIN_WAIT, TIMEOUT]);
        // A timeout shorter than the drain's wait bounds the drain too.
        let mut quick = UsbLink::new(Script::default(), Duration::from_millis(10));
        quick.drain_input().unwrap();
        assert_eq!(quick.port.timeouts[0], Duration::from_millis(10));
    }

    #[test]
    fn a_chattering_printer_does_not_hold_the_drain_forever() {
        let script = Script {
            events: (0..1000).map(|_| Event::Packet(vec![0x12; 64])).collect(),
            ..Script::default()
        };
        let mut link = UsbLink::new(script, TIMEOUT);
        link.drain_input().unwrap();
        assert!(link.port.events.len() > 900, "it stopped after {DRAIN_LIMIT} bytes");
    }

    #[test]
    fn the_configured_timeout_reaches_the_driver() {
        let printer = UsbPrinter::new(0x0416, 0x5011, Duration::from_millis(1500));
        assert_eq!(printer.timeout, Duration::from_millis(1500));
        assert_eq!(printer.name(), "usb 0416:5011");
    }

    #[test]
    fn a_printer_that_is_not_plugged_in_is_unavailable_and_unknown_never_ready() {
        // No USB device has vendor 0xffff: the bus may be empty or absent (a container).
        let mut printer = UsbPrinter::new(0xffff, 0xfffe, Duration::from_millis(300));
        let job = PrintJob {
            kind: SlipKind::Test,
            bytes: vec![0x1b, 0x40],
            preview_png: None,
        };
        let err = printer.send(&job).unwrap_err();
        assert!(matches!(err, DriverError::Unavailable(_)), "{err}");
        assert!(err.to_string().contains("usb ffff:fffe"), "{err}");
        assert_eq!(printer.live_status(), Some(StatusReport::unknown()));
    }
}
