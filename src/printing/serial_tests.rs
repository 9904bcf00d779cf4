//! The serial driver against a fake printer on the master side of a pseudo-terminal: the
//! driver opens the slave device node exactly as it would open `/dev/ttyUSB0`.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};

use super::*;
use crate::printing::slip::SlipKind;
use crate::printing::status::PrinterState;

const READY: [u8; 4] = [0x16, 0x12, 0x12, 0x12];
const PAPER_OUT: [u8; 4] = [0x1E, 0x32, 0x12, 0x72];

/// The printer's side of the line: answers `DLE EOT n` from `answers` (or not at all)
/// and records everything else as job bytes.
struct FakeSerial {
    path: String,
    answers: Arc<Mutex<Option<[u8; 4]>>>,
    job: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeSerial {
    fn start(answers: Option<[u8; 4]>) -> FakeSerial {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let path = ptsname(&master, Vec::new()).unwrap().into_string().unwrap();
        rustix::fs::fcntl_setfl(&master, rustix::fs::OFlags::NONBLOCK).unwrap();
        let mut master = File::from(master);
        let answers = Arc::new(Mutex::new(answers));
        let job = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (answers, job, stop) = (answers.clone(), job.clone(), stop.clone());
            thread::spawn(move || {
                let started = Instant::now();
                let mut pending: Vec<u8> = Vec::new();
                let mut buf = [0u8; 4096];
                while !stop.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(20) {
                    match master.read(&mut buf) {
                        Ok(n) if n > 0 => pending.extend_from_slice(&buf[..n]),
                        Ok(_) => {}
                        Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(2)),
                        // EIO: no slave open at the moment.
                        Err(_) => thread::sleep(Duration::from_millis(2)),
                    }
                    let mut i = 0;
                    while i < pending.len() {
                        if pending[i..].starts_with(&[0x10, 0x04]) && i + 2 < pending.len() {
                            let n = pending[i + 2];
                            if let Some(a) = *answers.lock().unwrap() {
                                if (1..=4).contains(&n) {
                                    let _ = master.write_all(&[a[n as usize - 1]]);
                                }
                            }
                            i += 3;
                        } else if pending[i..].starts_with(&[0x10]) && i + 3 > pending.len() {
                            break; // maybe the start of a request: wait for the rest
                        } else {
                            job.lock().unwrap().push(pending[i]);
                            i += 1;
                        }
                    }
                    pending.drain(..i);
                }
            })
        };
        FakeSerial {
            path,
            answers,
            job,
            stop,
            thread: Some(thread),
        }
    }

    fn job(&self) -> Vec<u8> {
        self.job.lock().unwrap().clone()
    }
}

impl Drop for FakeSerial {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn job() -> PrintJob {
    PrintJob {
        kind: SlipKind::Test,
        bytes: b"\x1b@hello serial\n\x1dV\x42\x00".to_vec(),
        preview_png: None,
    }
}

#[test]
fn a_ready_printer_gets_the_whole_job_between_two_status_checks() {
    let fake = FakeSerial::start(Some(READY));
    let mut printer = SerialPrinter::new(&fake.path, 9600);
    printer.send(&job()).unwrap();
    assert_eq!(fake.job(), job().bytes);
    assert_eq!(printer.live_status().unwrap().state, PrinterState::Ready);
}

#[test]
fn paper_out_before_the_job_sends_nothing() {
    let fake = FakeSerial::start(Some(PAPER_OUT));
    let mut printer = SerialPrinter::new(&fake.path, 19200);
    let err = printer.send(&job()).unwrap_err();
    assert!(matches!(err, DriverError::NotReady(PrinterState::PaperOut)), "{err}");
    assert!(fake.job().is_empty(), "no job byte may go to a printer without paper");
}

#[test]
fn a_silent_printer_is_unknown_not_ready_and_gets_nothing() {
    let fake = FakeSerial::start(None);
    let mut printer = SerialPrinter::new(&fake.path, 9600);
    let err = printer.send(&job()).unwrap_err();
    assert!(matches!(err, DriverError::NotReady(PrinterState::Unknown)), "{err}");
    assert_eq!(printer.live_status().unwrap().state, PrinterState::Unknown);
    assert!(fake.job().is_empty());
}

#[test]
fn the_printer_coming_back_works_on_the_next_job_without_a_restart() {
    let fake = FakeSerial::start(Some(PAPER_OUT));
    let mut printer = SerialPrinter::new(&fake.path, 9600);
    assert!(printer.send(&job()).is_err());
    *fake.answers.lock().unwrap() = Some(READY);
    printer.send(&job()).unwrap();
    assert_eq!(fake.job(), job().bytes);
}

#[test]
fn a_missing_device_is_unavailable_and_its_status_unknown() {
    let mut printer = SerialPrinter::new("/dev/no-such-printer", 9600);
    let err = printer.send(&job()).unwrap_err();
    assert!(matches!(err, DriverError::Unavailable(_)), "{err}");
    assert!(err.to_string().contains("/dev/no-such-printer"), "{err}");
    assert_eq!(printer.live_status().unwrap().state, PrinterState::Unknown);
}
