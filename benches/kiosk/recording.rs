//! Recording a visit, a pass and a ticket through the store's own functions (one
//! transaction each, WAL, synchronous=FULL, a real file) against a raw rusqlite insert of
//! the same row(s), interleaved.

use chrono::{Duration, NaiveDate, Utc};
use criterion::Criterion;
use lobby_kiosk::store::NewTicket;

use crate::timing::{long_permit, open_app, paired, report, waiting_visit as visit};

fn ticket() -> NewTicket {
    NewTicket {
        unit_no: "3-2-1201".into(),
        request_type: lobby_kiosk::domain::request::RequestType::Repair,
        choice: "漏水".into(),
        note: String::new(),
        preferred_time: String::new(),
        callback_phone: "13912345678".into(),
        urgent: false,
        due_at: Utc::now(),
    }
}

pub fn run(n: usize, c: &mut Criterion) {
    println!("\n== recording (one transaction each, WAL, synchronous=FULL, file in a temp dir; {n} each, interleaved)");
    let Ok(dir) = tempfile::tempdir() else { return };
    let app = open_app(dir.path(), None);
    let now = Utc::now();

    let (ours, raw) = paired(
        n,
        |i| {
            let _ = app.store().insert_visit(&visit(format!("139{i:08}")), now, "20261127");
        },
        |i| {
            let _ = app
                .store()
                .raw_insert_visit(&format!("X{i}"), &format!("138{i:08}"), now);
        },
    );
    report("visit: Store::insert_visit", ours, raw, 1.3);

    let permit = long_permit();
    let Ok(permit) = app.store().insert_permit(&permit, "BENCH001", now) else {
        return;
    };
    let (pid, wid) = (permit.id, permit.workers[0].id);
    let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let (ours, raw) = paired(
        n,
        |i| {
            let day = base + Duration::days(i as i64);
            let _ = app.store().issue_pass(pid, wid, day, "08:00-12:00", now, now, now);
        },
        |i| {
            let _ = app
                .store()
                .raw_insert_pass(&format!("X{i}"), pid, wid, &format!("raw-{i}"), now);
        },
    );
    report("pass: Store::issue_pass", ours, raw, 1.3);

    let (ours, raw) = paired(
        n,
        |_| {
            let _ = app.store().insert_ticket(&ticket(), now, "20261127");
        },
        |i| {
            let _ = app.store().raw_insert_ticket(&format!("X{i}"), now);
        },
    );
    report("ticket: Store::insert_ticket (+history)", ours, raw, 1.3);

    let mut group = c.benchmark_group("recording");
    let mut i = 10_000_000usize;
    group.bench_function("insert_visit", |b| {
        b.iter(|| {
            i += 1;
            app.store().insert_visit(&visit(format!("139{i:08}")), now, "20261128")
        })
    });
    group.bench_function("raw_insert_visit", |b| {
        b.iter(|| {
            i += 1;
            app.store().raw_insert_visit(&format!("Y{i}"), "13800000000", now)
        })
    });
    group.finish();
}
