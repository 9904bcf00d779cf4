//! The network driver against the fake ESC/POS printer on 127.0.0.1 ([`crate::printing::fake`]).

use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use super::*;
use crate::printing::driver::{DriverError, PrintJob, PrinterDriver};
use crate::printing::fake::*;
use crate::printing::slip::SlipKind;
use crate::printing::status::PrinterState;

/// Short timeouts: a test never waits on the network for long.
const T: Duration = Duration::from_millis(300);

fn driver(fake: &FakePrinter) -> NetworkPrinter {
    NetworkPrinter::with_timeouts(fake.addr(), T, T)
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
    let mut p = driver(&fake);
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
    driver(&fake).send(&j).unwrap();
    assert_eq!(fake.conns()[0].job, j.bytes);
}

#[test]
fn near_end_still_prints() {
    let fake = FakePrinter::start(Script::answering(NEAR_END));
    let j = small_job();
    driver(&fake).send(&j).unwrap();
    assert_eq!(fake.conns()[0].job, j.bytes);
    assert_eq!(driver(&fake).status().state, PrinterState::PaperNearEnd);
}

#[test]
fn paper_out_before_the_job_sends_nothing() {
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    assert_not_ready(driver(&fake).send(&small_job()), PrinterState::PaperOut);
    let conns = fake.conns();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].requests, ALL);
    assert!(conns[0].job.is_empty(), "job bytes sent to a printer without paper");
}

#[test]
fn cover_open_sends_nothing() {
    let fake = FakePrinter::start(Script::answering(COVER_OPEN));
    assert_not_ready(driver(&fake).send(&small_job()), PrinterState::CoverOpen);
    assert!(fake.conns()[0].job.is_empty());
}

#[test]
fn offline_sends_nothing() {
    let fake = FakePrinter::start(Script::answering(OFFLINE));
    assert_not_ready(driver(&fake).send(&small_job()), PrinterState::Offline);
    assert!(fake.conns()[0].job.is_empty());
}

#[test]
fn silence_is_unknown_and_sends_nothing() {
    let fake = FakePrinter::start(Script::answering(Answers::Silent));
    let started = Instant::now();
    assert_not_ready(driver(&fake).send(&small_job()), PrinterState::Unknown);
    // One unanswered request ends the questioning: one timeout, not four.
    assert!(started.elapsed() < T * 3, "took {:?}", started.elapsed());
    let conns = fake.conns();
    assert_eq!(conns[0].requests, [1], "stopped asking after the first silence");
    assert!(conns[0].job.is_empty(), "job sent to a silent printer");

    let report = driver(&fake).status();
    assert_eq!(report.state, PrinterState::Unknown);
    assert_eq!(report.raw, [None; 4]);
    assert!(!report.is_printable());
}

#[test]
fn garbage_answers_are_unknown_and_send_nothing() {
    let fake = FakePrinter::start(Script::answering(GARBAGE));
    assert_not_ready(driver(&fake).send(&small_job()), PrinterState::Unknown);
    assert!(fake.conns()[0].job.is_empty());
    assert_eq!(driver(&fake).status().raw, [Some(0xFF); 4]);
}

#[test]
fn paper_running_out_mid_job_is_an_error() {
    let j = small_job();
    let fake = FakePrinter::start(Script {
        answers: READY,
        switch_after: Some((j.bytes.len() / 2, PAPER_OUT)),
        drop_after: None,
    });
    assert_not_ready(driver(&fake).send(&j), PrinterState::PaperOut);
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
    assert_not_ready(driver(&fake).send(&j), PrinterState::Unknown);
}

#[test]
fn connection_dropped_mid_job_is_an_error() {
    for len in [200, 4 << 20] {
        let fake = FakePrinter::start(Script {
            answers: READY,
            switch_after: None,
            drop_after: Some(100),
        });
        assert_network(driver(&fake).send(&big_job(len)));
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
    assert_network(driver(&fake).send(&small_job()));
    assert!(matches!(driver(&fake).try_status(), Err(DriverError::Network(_))));
}

#[test]
fn each_job_uses_a_new_connection() {
    let fake = FakePrinter::start(Script::answering(READY));
    let mut p = driver(&fake);
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
    let p = driver(&fake);
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
