//! A printer with a stand-in: when the first cannot print (offline, paper out, cover
//! open, no answer), the job goes to the second, so a visitor still gets a slip.

use super::driver::{DriverError, PrintJob, PrinterDriver};
use super::status::StatusReport;

pub struct FallbackPrinter {
    primary: Box<dyn PrinterDriver>,
    fallback: Box<dyn PrinterDriver>,
}

impl FallbackPrinter {
    pub fn new(primary: Box<dyn PrinterDriver>, fallback: Box<dyn PrinterDriver>) -> Self {
        Self { primary, fallback }
    }
}

impl PrinterDriver for FallbackPrinter {
    fn name(&self) -> &str {
        self.primary.name()
    }

    /// Tries the primary, then the fallback; the primary's error is returned if both fail.
    fn send(&mut self, job: &PrintJob) -> Result<(), DriverError> {
        match self.primary.send(job) {
            Ok(()) => Ok(()),
            Err(primary) => self.fallback.send(job).map_err(|_| primary),
        }
    }

    fn live_status(&self) -> Option<StatusReport> {
        self.primary.live_status()
    }

    fn reads_status(&self) -> bool {
        self.primary.reads_status()
    }

    fn live_statuses(&self) -> Vec<(String, Option<StatusReport>)> {
        let mut all = self.primary.live_statuses();
        all.extend(self.fallback.live_statuses());
        all
    }
}
