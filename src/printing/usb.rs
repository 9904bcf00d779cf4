//! A receipt printer on USB, found by vendor and product id (`lsusb` shows both), through
//! escpos's native USB driver (nusb: no libusb, no udev library). The kernel's `usblp`
//! driver is detached for the job; the kiosk user needs access to the device node (see
//! the udev rule in deploy/README.md).
//!
//! The device is opened per job, so a printer that was switched off and on works again
//! without a restart; status is asked before and after each job (`DLE EOT`).

use std::io;

use escpos::driver::{Driver, NativeUsbDriver};

use super::driver::{DriverError, PrintJob, PrinterDriver};
use super::handshake::{self, Link};
use super::status::StatusReport;

pub struct UsbPrinter {
    vendor_id: u16,
    product_id: u16,
    name: String,
}

impl UsbPrinter {
    /// Does no I/O.
    pub fn new(vendor_id: u16, product_id: u16) -> Self {
        UsbPrinter {
            vendor_id,
            product_id,
            name: format!("usb {vendor_id:04x}:{product_id:04x}"),
        }
    }

    fn open(&self) -> Result<UsbLink, DriverError> {
        NativeUsbDriver::open(self.vendor_id, self.product_id)
            .map(|driver| UsbLink { driver })
            .map_err(|e| DriverError::Unavailable(format!("{}: {e}", self.name)))
    }
}

struct UsbLink {
    driver: NativeUsbDriver,
}

fn io_error(e: escpos::errors::PrinterError) -> io::Error {
    io::Error::other(e.to_string())
}

impl Link for UsbLink {
    fn send_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.driver.write(bytes).map_err(io_error)
    }

    fn recv_byte(&mut self) -> io::Result<Option<u8>> {
        let mut b = [0u8; 1];
        match self.driver.read(&mut b) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(b[0])),
            // The driver reports its read timeout as an error: that is silence.
            Err(e) if e.to_string().to_lowercase().contains("timed out") => Ok(None),
            Err(e) => Err(io_error(e)),
        }
    }

    fn drain_input(&mut self) -> io::Result<()> {
        Ok(())
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

    #[test]
    fn a_printer_that_is_not_plugged_in_is_unavailable_and_unknown_never_ready() {
        // No USB device has vendor 0xffff: the bus may be empty or absent (a container).
        let mut printer = UsbPrinter::new(0xffff, 0xfffe);
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
