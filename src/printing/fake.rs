//! A fake ESC/POS network printer on 127.0.0.1, for tests, benchmarks and trying the
//! kiosk without hardware.
//!
//! It listens on a port of 127.0.0.1 only, serves each connection on its own thread,
//! splits the incoming stream into `DLE EOT n` requests (answered at once from a script)
//! and job data, and records both per connection. The script can be changed while it
//! runs (paper out now, paper back later). Every loop in it is bounded in time, so a
//! broken driver fails a test instead of hanging it.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Hard limit on anything the fake does; far above what a passing test needs.
const FAKE_LIFETIME: Duration = Duration::from_secs(120);
/// How long [`FakePrinter::conns`] waits for connections to finish being recorded.
const SETTLE: Duration = Duration::from_secs(3);

/// Answers to `DLE EOT 1..=4`, as a real Epson sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answers {
    Bytes([u8; 4]),
    /// Reads the requests but never answers.
    Silent,
}

pub const READY: Answers = Answers::Bytes([0x16, 0x12, 0x12, 0x12]);
pub const NEAR_END: Answers = Answers::Bytes([0x16, 0x12, 0x12, 0x1E]);
pub const PAPER_OUT: Answers = Answers::Bytes([0x1E, 0x32, 0x12, 0x72]);
pub const COVER_OPEN: Answers = Answers::Bytes([0x1E, 0x16, 0x12, 0x12]);
pub const OFFLINE: Answers = Answers::Bytes([0x1E, 0x12, 0x12, 0x12]);
pub const GARBAGE: Answers = Answers::Bytes([0xFF, 0xFF, 0xFF, 0xFF]);

#[derive(Debug, Clone, Copy)]
pub struct Script {
    pub answers: Answers,
    /// After this many job bytes, answer with `then` instead (paper running out mid-job).
    pub switch_after: Option<(usize, Answers)>,
    /// Close the connection once this many job bytes arrived (0: right after accepting).
    pub drop_after: Option<usize>,
}

impl Script {
    pub fn answering(answers: Answers) -> Self {
        Script {
            answers,
            switch_after: None,
            drop_after: None,
        }
    }
}

/// What one connection brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conn {
    /// The `n` of every `DLE EOT n`, in order.
    pub requests: Vec<u8>,
    /// Everything else.
    pub job: Vec<u8>,
    /// Every byte, as received.
    pub raw: Vec<u8>,
    /// The connection thread has finished.
    pub done: bool,
}

#[derive(Default)]
struct Shared {
    conns: Vec<Conn>,
}

pub struct FakePrinter {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    script: Arc<Mutex<Script>>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakePrinter {
    pub fn start(script: Script) -> Self {
        Self::on_port(0, script)
    }

    /// Binds 127.0.0.1:`port` (0: any free port). Never any other address.
    pub fn on_port(port: u16, script: Script) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        let shared = Arc::new(Mutex::new(Shared::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let script = Arc::new(Mutex::new(script));
        let acceptor = {
            let (shared, stop, script) = (shared.clone(), stop.clone(), script.clone());
            thread::spawn(move || accept_loop(listener, script, shared, stop))
        };
        FakePrinter {
            addr,
            shared,
            script,
            stop,
            acceptor: Some(acceptor),
        }
    }

    pub fn addr(&self) -> String {
        self.addr.to_string()
    }

    /// Changes what the printer answers from the next request on.
    pub fn set_script(&self, script: Script) {
        *self.script.lock().unwrap() = script;
    }

    /// The job bytes of every connection that sent some, in order.
    pub fn jobs(&self) -> Vec<Vec<u8>> {
        self.conns()
            .into_iter()
            .map(|c| c.job)
            .filter(|j| !j.is_empty())
            .collect()
    }

    /// The connections so far, once every one of them has been fully read.
    pub fn conns(&self) -> Vec<Conn> {
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
    pub fn shut_down(mut self) {
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

fn accept_loop(listener: TcpListener, script: Arc<Mutex<Script>>, shared: Arc<Mutex<Shared>>, stop: Arc<AtomicBool>) {
    let deadline = Instant::now() + FAKE_LIFETIME;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                let idx = {
                    let mut s = shared.lock().unwrap();
                    s.conns.push(Conn::default());
                    s.conns.len() - 1
                };
                let (shared, stop, script) = (shared.clone(), stop.clone(), script.clone());
                thread::spawn(move || {
                    serve(stream, &script, &shared, idx, &stop, deadline);
                    shared.lock().unwrap().conns[idx].done = true;
                });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(2)),
            Err(_) => thread::sleep(Duration::from_millis(2)),
        }
    }
    // The listener drops here: the port is closed.
}

/// Reads one connection until the driver closes it, the script drops it, or time is up.
fn serve(
    mut stream: TcpStream,
    script: &Mutex<Script>,
    shared: &Mutex<Shared>,
    idx: usize,
    stop: &AtomicBool,
    deadline: Instant,
) {
    let current = || *script.lock().unwrap();
    if current().drop_after == Some(0) {
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
                        let script = current();
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
                if current().drop_after.is_some_and(|limit| conn.job.len() >= limit) {
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
