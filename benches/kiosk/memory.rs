//! Memory over many journeys in one process: visitors (auto-approved and waiting, then
//! approved), workers' passes, residents' requests and look-ups, the roster and the
//! daily report, printing to a fake network printer. Resident set size sampled from
//! /proc/self/statm every 1,000 journeys.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use lobby_kiosk::domain::request::RequestType;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::permit::{self, PermitForm};
use lobby_kiosk::journeys::{resident, staff, visitor, worker};

use crate::printing::fake_printer;
use crate::timing::{open_app, rss_mib};

pub fn run(journeys: usize) {
    println!("\n== memory over {journeys} journeys (journeys layer, fake network printer)");
    let (Some(addr), Ok(dir)) = (fake_printer(), tempfile::tempdir()) else {
        return;
    };
    let app = open_app(dir.path(), Some(&addr));
    // A weekday inside renovation hours, moving on a minute per journey.
    let start = Utc
        .with_ymd_and_hms(2026, 11, 25, 1, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let unit = app
        .store()
        .residents()
        .ok()
        .and_then(|r| r.first().map(|r| r.unit_no.clone()))
        .unwrap_or_default();
    let phones = app.store().unit_phones(&unit).unwrap_or_default();
    let last4 = phones
        .first()
        .map(|p| p[p.len().saturating_sub(4)..].to_string())
        .unwrap_or_default();
    let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(2027, 10, 31).unwrap_or_default();
    let workers = (0..20)
        .filter_map(|w| permit::parse_worker(&app, &format!("张三明:1360000{w:04}")).ok())
        .collect();
    let permit = permit::add_permit(
        &app,
        PermitForm {
            unit: unit.to_string(),
            owner_surname: "赵".into(),
            contractor: "示例装饰".into(),
            lead_phone: "13700000000".into(),
            start: day,
            end: to,
            deposit_paid: true,
            workers,
        },
        start,
    );
    let Ok(Ok(permit)) = permit else {
        println!("the permit was not filed: {permit:?}");
        return;
    };
    let mut samples = vec![(0usize, rss_mib())];
    let mut ticket_no = String::new();
    for i in 0..journeys {
        let now = start + Duration::minutes((i % 420) as i64) + Duration::days((i / 420) as i64 * 7);
        app.set_now(Some(now));
        match i % 6 {
            0 | 1 => {
                let walk_in = visitor::WalkIn {
                    unit: unit.clone(),
                    surname: "王".into(),
                    phone: format!("139{:08}", i % 5_000),
                    visitor_type: if i % 6 == 0 {
                        VisitorType::Courier
                    } else {
                        VisitorType::Guest
                    },
                    party_size: 1,
                    company: String::new(),
                };
                let _ = visitor::returning_visitor(&app, &walk_in.phone);
                if let Ok(visitor::Registered::Waiting(v)) = visitor::register(&app, &walk_in, now) {
                    let _ = visitor::decide(&app, v.id, true, "李明", now);
                }
            }
            2 => {
                let who = worker::WhoAsks::WorkerId(permit.workers[i % permit.workers.len()].id);
                let _ = worker::issue_pass(&app, &permit, &who, now);
            }
            3 => {
                let who = resident::Identified {
                    unit: unit.clone(),
                    phone: phones.first().cloned().unwrap_or_default(),
                };
                let request = resident::Request {
                    request_type: RequestType::Repair,
                    choice: "水龙头漏水".into(),
                    note: String::new(),
                    preferred_time: String::new(),
                    callback_phone: who.phone.clone(),
                };
                if let Ok(Ok(done)) = resident::submit(&app, &who, &request, now) {
                    ticket_no = done.ticket.ticket_no;
                }
            }
            4 => {
                let _ = resident::lookup(&app, &ticket_no, Some(&last4), now);
                let _ = staff::roster(&app, now);
            }
            _ => {
                let _ = staff::daily_report(&app, now.date_naive(), now);
            }
        }
        if (i + 1) % 1_000 == 0 {
            samples.push((i + 1, rss_mib()));
        }
    }
    for (i, rss) in &samples {
        println!("after {i:>6} journeys: RSS {rss:.1} MiB");
    }
    let after_first = samples.get(1).map_or(0.0, |s| s.1);
    let last = samples.last().map_or(0.0, |s| s.1);
    println!(
        "growth from 1,000 to {journeys} journeys: {:+.1} MiB",
        last - after_first
    );
}
