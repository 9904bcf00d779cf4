//! The network driver against a fake ESC/POS printer on 127.0.0.1.
//!
//! The fake listens on an ephemeral port of 127.0.0.1 only, serves each connection on its
//! own thread, splits the incoming stream into `DLE EOT n` requests (answered at once
//! from a script) and job data, and records both per connection. Every loop in it is
//! bounded in time, so a broken driver fails a test instead of hanging it.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::*;
use crate::printing::driver::{DriverError, PrintJob, PrinterDriver};
use crate::printing::slip::SlipKind;
use crate::printing::status::PrinterState;

/// Short timeouts: a test never waits on the network for long.
const T: Duration = Duration::from_millis(300);
/// Hard limit on anything the fake does; far above what a passing test needs.
const FAKE_LIFETIME: Duration = Duration::from_secs(10);
/// How long a test waits for the fake to finish recording a connection.
const SETTLE: Duration = Duration::from_secs(3);

/// Answers to `DLE EOT 1..=4`, as a real Epson sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answers {
    Bytes([u8; 4]),
    /// Reads the requests but never answers.
    Silent,
}

const READY: Answers = Answers::Bytes([0x16, 0x12, 0x12, 0x12]);
const NEAR_END: Answers = Answers::Bytes([0x16, 0x12, 0x12, 0x1E]);
const PAPER_OUT: Answers = Answers::Bytes([0x1E, 0x32, 0x12, 0x72]);
const COVER_OPEN: Answers = Answers::Bytes([0x1E, 0x16, 0x12, 0x12]);
const OFFLINE: Answers = Answers::Bytes([0x1E, 0x12, 0x12, 0x12]);
const GARBAGE: Answers = Answers::Bytes([0xFF, 0xFF, 0xFF, 0xFF]);

#[derive(Debug, Clone, Copy)]
struct Script {
    answers: Answers,
    /// After this many job bytes, answer with `then` instead (paper running out mid-job).
    switch_after: Option<(usize, Answers)>,
    /// Close the connection once this many job bytes arrived (0: right after accepting).
    drop_after: Option<usize>,
}

impl Script {
    fn answering(answers: Answers) -> Self {
        Script {
            answers,
            switch_after: None,
            drop_after: None,
        }
    }
}

/// What one connection brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Conn {
    /// The `n` of every `DLE EOT n`, in order.
    requests: Vec<u8>,
    /// Everything else.
    job: Vec<u8>,
    /// Every byte, as received.
    raw: Vec<u8>,
    /// The connection thread has finished.
    done: bool,
}

#[derive(Default)]
struct Shared {
    conns: Vec<Conn>,
}

struct FakePrinter {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakePrinter {
    fn start(script: Script) -> Self {
        Self::on_port(0, script)
    }

    /// Binds 127.0.0.1:`port` (0: any free port). Never any other address.
    fn on_port(port: u16, script: Script) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        let shared = Arc::new(Mutex::new(Shared::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (shared, stop) = (shared.clone(), stop.clone());
            thread::spawn(move || accept_loop(listener, script, shared, stop))
        };
        FakePrinter {
            addr,
            shared,
            stop,
            acceptor: Some(acceptor),
        }
    }

    fn addr(&self) -> String {
        self.addr.to_string()
    }

    fn driver(&self) -> NetworkPrinter {
        NetworkPrinter::with_timeouts(self.addr(), T, T)
    }

    /// The connections so far, once every one of them has been fully read.
    fn conns(&self) -> Vec<Conn> {
        let deadline = Instant::now() + SETTLE;
        loop {
            let conns = self.shared.lock().unwrap().conns.clone();
            if conns.iter().all(|c| c.done) || Instant::now() > deadline {
                return conns;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Closes the listener (the port refuses connections again) and waits for it.
    fn shut_down(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.acceptor.take() {
            h.join().unwrap();
        }
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

fn accept_loop(listener: TcpListener, script: Script, shared: Arc<Mutex<Shared>>, stop: Arc<AtomicBool>) {
    let deadline = Instant::now() + FAKE_LIFETIME;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                let idx = {
                    let mut s = shared.lock().unwrap();
                    s.conns.push(Conn::default());
                    s.conns.len() - 1
                };
                let (shared, stop) = (shared.clone(), stop.clone());
                thread::spawn(move || {
                    serve(stream, script, &shared, idx, &stop, deadline);
                    shared.lock().unwrap().conns[idx].done = true;
                });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(2)),
            Err(e) => panic!("fake printer accept: {e}"),
        }
    }
    // The listener drops here: the port is closed.
}

/// Reads one connection until the driver closes it, the script drops it, or time is up.
fn serve(
    mut stream: TcpStream,
    script: Script,
    shared: &Mutex<Shared>,
    idx: usize,
    stop: &AtomicBool,
    deadline: Instant,
) {
    if script.drop_after == Some(0) {
        return;
    }
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    // Bytes of a possible `DLE EOT n` seen so far.
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline && !stop.load(Ordering::SeqCst) {
        let len = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(len) => len,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(_) => break,
        };
        // Answers go out after the chunk is recorded, in order, as a printer would.
        let mut replies = Vec::new();
        let mut drop_now = false;
        {
            let mut s = shared.lock().unwrap();
            let conn = &mut s.conns[idx];
            conn.raw.extend_from_slice(&buf[..len]);
            for &b in &buf[..len] {
                pending.push(b);
                match pending.as_slice() {
                    [0x10] | [0x10, 0x04] => continue,
                    &[0x10, 0x04, n @ 1..=4] => {
                        conn.requests.push(n);
                        pending.clear();
                        let answers = match script.switch_after {
                            Some((after, then)) if conn.job.len() >= after => then,
                            _ => script.answers,
                        };
                        if let Answers::Bytes(a) = answers {
                            replies.push(a[usize::from(n) - 1]);
                        }
                        continue;
                    }
                    _ => {
                        // Not a request after all: job data. A new DLE may start one.
                        let keep = usize::from(b == 0x10);
                        conn.job.extend_from_slice(&pending[..pending.len() - keep]);
                        pending.drain(..pending.len() - keep);
                    }
                }
                if script.drop_after.is_some_and(|limit| conn.job.len() >= limit) {
                    drop_now = true;
                    break;
                }
            }
        }
        if drop_now {
            // Dropping with unread data makes the kernel reset the connection.
            return;
        }
        if !replies.is_empty() && stream.write_all(&replies).is_err() {
            return;
        }
    }
    let mut s = shared.lock().unwrap();
    s.conns[idx].job.extend_from_slice(&pending);
}

fn job(bytes: Vec<u8>) -> PrintJob {
    PrintJob {
        kind: SlipKind::Test,
        bytes,
        preview_png: None,
    }
}

/// A job shaped like ours (`ESC @`, text, partial cut) without any 0x10 byte.
fn small_job() -> PrintJob {
    let mut b = vec![0x1B, b'@'];
    b.extend_from_slice(b"Visitor pass\nUnit 3-1502\n");
    b.extend_from_slice(&[0x1D, b'V', 66, 0]);
    job(b)
}

/// A large job without any 0x10 byte (so nothing in it looks like a request).
fn big_job(len: usize) -> PrintJob {
    job((0..len).map(|i| b'A' + (i % 26) as u8).collect())
}

const ALL: [u8; 4] = [1, 2, 3, 4];

fn all_twice() -> Vec<u8> {
    [ALL, ALL].concat()
}

fn assert_not_ready(res: Result<(), DriverError>, want: PrinterState) {
    match res {
        Err(DriverError::NotReady(s)) => assert_eq!(s, want),
        other => panic!("expected NotReady({want}), got {other:?}"),
    }
}

fn assert_network(res: Result<(), DriverError>) {
    match res {
        Err(DriverError::Network(msg)) => assert!(!msg.is_empty()),
        other => panic!("expected a network error, got {other:?}"),
    }
}

#[test]
fn ready_printer_gets_the_job_exactly_once() {
    let fake = FakePrinter::start(Script::answering(READY));
    let mut p = fake.driver();
    let j = small_job();
    p.send(&j).unwrap();
    let conns = fake.conns();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].job, j.bytes);
    assert_eq!(conns[0].requests, all_twice(), "status before and after the job");
    // The exact wire: status request, job, status request.
    let mut wire = Vec::new();
    for n in ALL {
        wire.extend_from_slice(&[0x10, 0x04, n]);
    }
    wire.extend_from_slice(&j.bytes);
    for n in ALL {
        wire.extend_from_slice(&[0x10, 0x04, n]);
    }
    assert_eq!(conns[0].raw, wire);
}

#[test]
fn big_job_arrives_intact() {
    let fake = FakePrinter::start(Script::answering(READY));
    let j = big_job(256 << 10);
    // The answer after a big job queues behind what the printer has not read yet, as on
    // a real printer still printing: give it time (see NetworkPrinter::DEFAULT_IO_TIMEOUT).
    let mut p = NetworkPrinter::with_timeouts(fake.addr(), T, Duration::from_secs(2));
    p.send(&j).unwrap();
    let conns = fake.conns();
    assert_eq!(conns.len(), 1);
    assert!(conns[0].job == j.bytes, "job bytes differ");
}

#[test]
fn real_slip_bytes_arrive_intact() {
    use crate::printing::{encode, EncodeOptions, Op, Slip};
    // GB18030 text and a raster QR: binary data, but no font needed (fast in debug).
    let slip = Slip {
        kind: SlipKind::Visitor,
        ops: vec![
            Op::Title("访客通行证".into()),
            Op::Field {
                label: "房号 Unit".into(),
                value: "3-1502".into(),
            },
            Op::Qr("https://example.invalid/v/8F3K2Q".into()),
            Op::Cut,
        ],
    };
    let bytes = encode(&slip, &EncodeOptions::default()).unwrap();
    let has_request = bytes
        .windows(3)
        .any(|w| w[0] == 0x10 && w[1] == 0x04 && (1..=4).contains(&w[2]));
    assert!(
        !has_request,
        "this slip happens to contain DLE EOT n; pick another payload"
    );
    let j = job(bytes);
    let fake = FakePrinter::start(Script::answering(READY));
    fake.driver().send(&j).unwrap();
    assert_eq!(fake.conns()[0].job, j.bytes);
}

#[test]
fn near_end_still_prints() {
    let fake = FakePrinter::start(Script::answering(NEAR_END));
    let j = small_job();
    fake.driver().send(&j).unwrap();
    assert_eq!(fake.conns()[0].job, j.bytes);
    assert_eq!(fake.driver().status().state, PrinterState::PaperNearEnd);
}

#[test]
fn paper_out_before_the_job_sends_nothing() {
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    assert_not_ready(fake.driver().send(&small_job()), PrinterState::PaperOut);
    let conns = fake.conns();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].requests, ALL);
    assert!(conns[0].job.is_empty(), "job bytes sent to a printer without paper");
}

#[test]
fn cover_open_sends_nothing() {
    let fake = FakePrinter::start(Script::answering(COVER_OPEN));
    assert_not_ready(fake.driver().send(&small_job()), PrinterState::CoverOpen);
    assert!(fake.conns()[0].job.is_empty());
}

#[test]
fn offline_sends_nothing() {
    let fake = FakePrinter::start(Script::answering(OFFLINE));
    assert_not_ready(fake.driver().send(&small_job()), PrinterState::Offline);
    assert!(fake.conns()[0].job.is_empty());
}

#[test]
fn silence_is_unknown_and_sends_nothing() {
    let fake = FakePrinter::start(Script::answering(Answers::Silent));
    let started = Instant::now();
    assert_not_ready(fake.driver().send(&small_job()), PrinterState::Unknown);
    // One unanswered request ends the questioning: one timeout, not four.
    assert!(started.elapsed() < T * 3, "took {:?}", started.elapsed());
    let conns = fake.conns();
    assert_eq!(conns[0].requests, [1], "stopped asking after the first silence");
    assert!(conns[0].job.is_empty(), "job sent to a silent printer");

    let report = fake.driver().status();
    assert_eq!(report.state, PrinterState::Unknown);
    assert_eq!(report.raw, [None; 4]);
    assert!(!report.is_printable());
}

#[test]
fn garbage_answers_are_unknown_and_send_nothing() {
    let fake = FakePrinter::start(Script::answering(GARBAGE));
    assert_not_ready(fake.driver().send(&small_job()), PrinterState::Unknown);
    assert!(fake.conns()[0].job.is_empty());
    assert_eq!(fake.driver().status().raw, [Some(0xFF); 4]);
}

#[test]
fn paper_running_out_mid_job_is_an_error() {
    let j = small_job();
    let fake = FakePrinter::start(Script {
        answers: READY,
        switch_after: Some((j.bytes.len() / 2, PAPER_OUT)),
        drop_after: None,
    });
    assert_not_ready(fake.driver().send(&j), PrinterState::PaperOut);
    let conns = fake.conns();
    assert_eq!(conns[0].job, j.bytes, "the job went out whole");
    assert_eq!(conns[0].requests, all_twice());
}

#[test]
fn silence_after_the_job_is_not_printed() {
    let j = small_job();
    let fake = FakePrinter::start(Script {
        answers: READY,
        switch_after: Some((1, Answers::Silent)),
        drop_after: None,
    });
    assert_not_ready(fake.driver().send(&j), PrinterState::Unknown);
}

#[test]
fn connection_dropped_mid_job_is_an_error() {
    for len in [200, 4 << 20] {
        let fake = FakePrinter::start(Script {
            answers: READY,
            switch_after: None,
            drop_after: Some(100),
        });
        assert_network(fake.driver().send(&big_job(len)));
        let conns = fake.conns();
        assert_eq!(conns[0].job.len(), 100, "len {len}");
    }
}

#[test]
fn connection_dropped_before_status_is_an_error() {
    let fake = FakePrinter::start(Script {
        answers: READY,
        switch_after: None,
        drop_after: Some(0),
    });
    assert_network(fake.driver().send(&small_job()));
    assert!(matches!(fake.driver().try_status(), Err(DriverError::Network(_))));
}

#[test]
fn each_job_uses_a_new_connection() {
    let fake = FakePrinter::start(Script::answering(READY));
    let mut p = fake.driver();
    let (a, b) = (small_job(), big_job(1000));
    p.send(&a).unwrap();
    p.send(&b).unwrap();
    let conns = fake.conns();
    assert_eq!(conns.len(), 2);
    assert_eq!(conns[0].job, a.bytes);
    assert_eq!(conns[1].job, b.bytes);
}

/// A port on 127.0.0.1 that was free a moment ago and now refuses connections.
fn closed_port() -> u16 {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn power_cycle_needs_no_new_driver() {
    let port = closed_port();
    let mut p = NetworkPrinter::with_timeouts(format!("127.0.0.1:{port}"), T, T);
    let j = small_job();

    // Printer still booting: nothing listens yet.
    assert_network(p.send(&j));
    assert_eq!(p.status(), StatusReport::unknown());

    // It comes up on the same address: the same driver prints.
    let fake = FakePrinter::on_port(port, Script::answering(READY));
    p.send(&j).unwrap();
    assert_eq!(fake.conns()[0].job, j.bytes);

    // Switched off again, then back on.
    fake.shut_down();
    assert_network(p.send(&j));
    let fake = FakePrinter::on_port(port, Script::answering(READY));
    p.send(&j).unwrap();
    let conns = fake.conns();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].job, j.bytes);
}

#[test]
fn status_reports_raw_answers() {
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let p = fake.driver();
    let r = p.status();
    assert_eq!(r.state, PrinterState::PaperOut);
    assert_eq!(r.raw, [Some(0x1E), Some(0x32), Some(0x12), Some(0x72)]);
    // Through the trait, as the app holds it.
    let boxed: Box<dyn PrinterDriver> = Box::new(p);
    assert_eq!(boxed.live_status(), Some(r));
    assert_eq!(boxed.name(), "network");
    let conns = fake.conns();
    assert_eq!(conns.len(), 2, "one connection per status");
    assert!(conns.iter().all(|c| c.job.is_empty() && c.requests == ALL));
}

#[test]
fn unreachable_status_says_why() {
    let p = NetworkPrinter::with_timeouts(format!("127.0.0.1:{}", closed_port()), T, T);
    let err = p.try_status().unwrap_err();
    assert!(matches!(err, DriverError::Network(_)), "{err}");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
}

#[test]
fn errors_read_well() {
    assert_eq!(
        DriverError::NotReady(PrinterState::PaperOut).to_string(),
        "printer not ready: paper_out"
    );
    let p = NetworkPrinter::with_timeouts("127.0.0.1:9100", Duration::ZERO, Duration::ZERO);
    assert!(p.connect_timeout() > Duration::ZERO && p.io_timeout() > Duration::ZERO);
    assert_eq!(p.addr(), "127.0.0.1:9100");
    assert_eq!(
        NetworkPrinter::new("x:1").io_timeout(),
        NetworkPrinter::DEFAULT_IO_TIMEOUT
    );
}

#[test]
fn virtual_printer_has_no_live_status() {
    let tmp = tempfile::tempdir().unwrap();
    let p = crate::printing::VirtualPrinter::new(tmp.path().into());
    assert_eq!(p.live_status(), None);
}
