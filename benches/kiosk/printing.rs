//! A slip's bytes (GB18030 text + raster QR) and tap-to-bytes: from the journey call a
//! tap makes to the last byte taken by a fake network printer on 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Instant;

use chrono::Utc;
use criterion::Criterion;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::visitor::{self, Registered, WalkIn};
use lobby_kiosk::journeys::visitor_slip::visitor_slip;
use lobby_kiosk::printing;

use crate::timing::{ms, open_app, paired};

/// A printer that answers every `DLE EOT n` as a ready Epson does and swallows the rest.
/// Returns its address.
pub fn fake_printer() -> Option<String> {
    let listener = TcpListener::bind("127.0.0.1:0").ok()?;
    let addr = listener.local_addr().ok()?.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.set_nodelay(true);
            let mut buf = [0u8; 65536];
            let mut tail: Vec<u8> = Vec::new();
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                let mut answers = Vec::new();
                let mut i = 0;
                while i + 2 < tail.len() {
                    if tail[i] == 0x10 && tail[i + 1] == 0x04 && (1..=4).contains(&tail[i + 2]) {
                        answers.push(if tail[i + 2] == 1 { 0x16 } else { 0x12 });
                        i += 3;
                    } else {
                        i += 1;
                    }
                }
                tail.drain(..i);
                if !answers.is_empty() && stream.write_all(&answers).is_err() {
                    break;
                }
            }
        }
    });
    Some(addr)
}

pub fn run(n: usize, c: &mut Criterion) {
    println!("\n== printing");
    let Some(addr) = fake_printer() else { return };
    let Ok(dir) = tempfile::tempdir() else { return };
    let app = open_app(dir.path(), Some(&addr));
    let unit = app
        .store()
        .residents()
        .ok()
        .and_then(|r| r.first().map(|r| r.unit_no.clone()))
        .unwrap_or_default();
    let walk_in = |i: usize| WalkIn {
        unit: unit.clone(),
        surname: "王".into(),
        phone: format!("139{:08}", i),
        visitor_type: VisitorType::Courier,
        party_size: 1,
        company: String::new(),
    };
    // The first tap after start-up (fonts and tables not yet warm).
    let started = Instant::now();
    let first = visitor::register(&app, &walk_in(0), Utc::now());
    let first_tap = started.elapsed();
    let Ok(Registered::Approved { visit, printed }) = first else {
        println!("the courier was not let in: {first:?}");
        return;
    };
    println!(
        "first tap after start-up, courier registered and slip printed={printed:?}: {}",
        ms(first_tap)
    );
    let Ok(token) = visitor::visit_token(&app, &visit) else {
        return;
    };
    let slip = visitor_slip(&app, &visit, &token);
    let opts = app.encode_options();

    let (bytes, preview) = paired(
        n,
        |_| drop(printing::encode(&slip, &opts)),
        |_| drop(printing::render_png(&slip, opts.paper)),
    );
    println!(
        "slip bytes (GB18030 text + raster QR): p50 {} p99 {} (budget 2 ms)",
        ms(bytes.p50),
        ms(bytes.p99)
    );
    println!(
        "slip preview PNG (virtual printer only): p50 {} p99 {}",
        ms(preview.p50),
        ms(preview.p99)
    );
    let len = printing::encode(&slip, &opts).map_or(0, |b| b.len());
    println!("slip size: {len} bytes");

    let (tap, _) = paired(
        n,
        |i| drop(visitor::register(&app, &walk_in(i + 1), Utc::now())),
        |_| {},
    );
    println!(
        "tap-to-bytes, courier registered + slip at the fake network printer: p50 {} p99 {} (budget 50 ms)",
        ms(tap.p50),
        ms(tap.p99)
    );

    let mut group = c.benchmark_group("printing");
    group.bench_function("slip_bytes", |b| b.iter(|| printing::encode(&slip, &opts)));
    let mut i = 1_000_000usize;
    group.bench_function("tap_to_bytes", |b| {
        b.iter(|| {
            i += 1;
            visitor::register(&app, &walk_in(i), Utc::now())
        })
    });
    group.finish();
}
