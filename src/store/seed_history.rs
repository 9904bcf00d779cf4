//! Years of made-up history for the benchmarks: visits, invites, permits and passes,
//! tickets with their history, print jobs and ratings, with the shapes a busy compound
//! has (morning and evening peaks, more visitors at weekends, couriers coming back every
//! day, most people signed out, a few on site now). Deterministic for a given scale.
//!
//! Every name, phone and unit is invented. Nothing here runs in the kiosk itself.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{ts, Store, StoreError};

/// How much history to make; [`HistoryScale::FIVE_YEARS`] is the performance issue's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryScale {
    pub days: i64,
    pub visits: u64,
    pub passes: u64,
    pub tickets: u64,
}

impl HistoryScale {
    pub const FIVE_YEARS: HistoryScale = HistoryScale {
        days: 5 * 365 + 1,
        visits: 2_000_000,
        passes: 100_000,
        tickets: 50_000,
    };

    /// The five-year scale times `factor` (the days stay: a smaller compound, not a
    /// shorter history).
    pub fn scaled(factor: f64) -> HistoryScale {
        let f = |n: u64| ((n as f64 * factor).round() as u64).max(10);
        let five = Self::FIVE_YEARS;
        HistoryScale {
            days: five.days,
            visits: f(five.visits),
            passes: f(five.passes),
            tickets: f(five.tickets),
        }
    }
}

/// Keys of records the seeded history is known to hold, for lookups.
#[derive(Debug, Clone)]
pub struct SeededKeys {
    /// The phone of the busiest courier (thousands of visits).
    pub frequent_phone: String,
    /// A guest's phone seen a few times.
    pub rare_phone: String,
    pub ticket_no: String,
    pub ticket_last4: String,
    pub open_invite_code: String,
}

const HOUR_WEIGHTS: [u32; 24] = [
    1, 0, 0, 0, 0, 1, 2, 5, 9, 10, 10, 12, 12, 9, 8, 8, 9, 11, 14, 13, 10, 7, 4, 2,
];
const COURIERS: u64 = 3_000;
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
];
/// Request types as the kiosk stores them (`RequestType::as_str`), with a choice each.
const REQUEST_TYPES: &[(&str, &str)] = &[
    ("repair", "水龙头漏水"),
    ("repair", "灯不亮"),
    ("emergency_repair", "水管爆裂"),
    ("housekeeping", "楼道清洁"),
    ("complaint", "噪音"),
    ("other", "车位"),
    ("other", "物业费"),
];

fn unit(rng: &mut StdRng) -> String {
    format!(
        "{}-{}-{}{:02}",
        rng.gen_range(1..=20),
        rng.gen_range(1..=3),
        rng.gen_range(1..=30),
        rng.gen_range(1..=4)
    )
}

fn hour(rng: &mut StdRng) -> u32 {
    let total: u32 = HOUR_WEIGHTS.iter().sum();
    let mut pick = rng.gen_range(0..total);
    for (h, w) in HOUR_WEIGHTS.iter().enumerate() {
        if pick < *w {
            return h as u32;
        }
        pick -= w;
    }
    12
}

/// Counts per day summing to `total`, busier at weekends, with day-to-day noise.
fn per_day(rng: &mut StdRng, first: NaiveDate, days: i64, total: u64) -> Vec<u64> {
    use chrono::Datelike;
    let weights: Vec<f64> = (0..days)
        .map(|d| {
            let weekend = (first + Duration::days(d)).weekday().number_from_monday() >= 6;
            (if weekend { 1.3 } else { 1.0 }) * rng.gen_range(0.8..1.2)
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    // Rounded up or down at random in proportion, so small scales still add up.
    weights
        .iter()
        .map(|w| {
            let exact = w / sum * total as f64;
            exact.floor() as u64 + u64::from(rng.gen_bool(exact.fract()))
        })
        .collect()
}

struct Ctx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    offset: Duration,
    counters: HashMap<(String, &'static str), i64>,
}

impl Ctx<'_> {
    fn next(&mut self, day: &str, kind: &'static str) -> i64 {
        let n = self.counters.entry((day.to_string(), kind)).or_insert(0);
        *n += 1;
        *n
    }

    /// The instant of local `date` at `h:m:s`.
    fn at(&self, date: NaiveDate, h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.from_utc_datetime(&date.and_hms_opt(h, m, s).unwrap_or_default()) - self.offset
    }
}

impl Store {
    /// Fills the database with `scale` of history ending at `now`, in the compound's
    /// fixed `utc_offset_hours` (China: 8). One transaction; meant for an empty database.
    pub fn seed_history(
        &mut self,
        scale: HistoryScale,
        now: DateTime<Utc>,
        utc_offset_hours: i64,
    ) -> Result<SeededKeys, StoreError> {
        let mut rng = StdRng::seed_from_u64(20_261_127);
        let offset = Duration::hours(utc_offset_hours);
        let today = (now + offset).date_naive();
        let first = today - Duration::days(scale.days - 1);
        let tx = self.conn_mut().transaction()?;
        let mut ctx = Ctx {
            tx: &tx,
            offset,
            counters: HashMap::new(),
        };
        let keys = seed_visits(&mut ctx, &mut rng, scale, first, now)?;
        seed_passes(&mut ctx, &mut rng, scale, first, now)?;
        let (ticket_no, ticket_last4) = seed_tickets(&mut ctx, &mut rng, scale, first, now)?;
        {
            let mut counter = tx.prepare("INSERT OR REPLACE INTO day_counters(day, kind, last) VALUES (?1, ?2, ?3)")?;
            for ((day, kind), last) in &ctx.counters {
                counter.execute((day, kind, last))?;
            }
        }
        tx.commit()?;
        self.conn().execute_batch("ANALYZE")?;
        Ok(SeededKeys {
            ticket_no,
            ticket_last4,
            ..keys
        })
    }
}

fn seed_visits(
    ctx: &mut Ctx<'_>,
    rng: &mut StdRng,
    scale: HistoryScale,
    first: NaiveDate,
    now: DateTime<Utc>,
) -> Result<SeededKeys, StoreError> {
    let tx = ctx.tx;
    let mut visit = tx.prepare(
        "INSERT INTO visits(visit_no, unit_no, surname, phone, visitor_type, party_size, company, invite_id, status,
             hold_reason, created_at, consent_at, decided_at, decided_by, valid_until, signed_out_at, sign_out_kind,
             printed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let mut invite = tx.prepare(
        "INSERT INTO invites(code, unit_no, surname, phone, valid_from, valid_until, created_at, created_by, used_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, 'resident', ?7)",
    )?;
    let mut job = tx.prepare(
        "INSERT INTO print_jobs(slip_kind, record_kind, record_id, bytes_hash, state, created_at, updated_at, error)
         VALUES (?1, ?2, ?3, 'seed', ?4, ?5, ?5, ?6)",
    )?;
    let mut rating = tx.prepare("INSERT INTO satisfaction(journey, record_id, rating, at) VALUES (?1, ?2, ?3, ?4)")?;
    let counts = per_day(
        rng,
        first,
        (now + ctx.offset).date_naive().signed_duration_since(first).num_days() + 1,
        scale.visits,
    );
    for (d, count) in counts.iter().enumerate() {
        let date = first + Duration::days(d as i64);
        let day = date.format("%Y%m%d").to_string();
        let end_of_day = ctx.at(date, 23, 59, 59);
        let mut times: Vec<DateTime<Utc>> = (0..*count)
            .map(|_| ctx.at(date, hour(rng), rng.gen_range(0..60), rng.gen_range(0..60)))
            .filter(|t| *t <= now)
            .collect();
        times.sort();
        for created in times {
            let courier = rng.gen_bool(0.45);
            let (kind, phone) = if courier {
                // A few couriers bring most parcels: squaring skews towards the first.
                let i = (rng.gen::<f64>().powi(2) * COURIERS as f64) as u64;
                ("courier", format!("1380000{i:04}"))
            } else {
                let kind = ["guest", "guest", "guest", "food_delivery", "service", "other"][rng.gen_range(0..6)];
                (kind, format!("139{:08}", rng.gen_range(0..500_000u64)))
            };
            let seq = ctx.next(&day, "visit");
            let unit_no = unit(rng);
            let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
            let roll: f64 = rng.gen();
            let held = roll < 0.003;
            let (status, decided) = if held || roll < 0.03 {
                ("denied", Some(created + Duration::minutes(rng.gen_range(1..10))))
            } else if roll < 0.045 {
                ("cancelled", None)
            } else if courier {
                ("approved", Some(created))
            } else {
                ("approved", Some(created + Duration::minutes(rng.gen_range(1..6))))
            };
            let recent = now - created < Duration::minutes(10);
            let (status, decided) = if recent && !courier && roll > 0.5 {
                ("waiting", None)
            } else {
                (status, decided)
            };
            let valid_until = (status == "approved").then_some(end_of_day);
            let leave = created + Duration::minutes(rng.gen_range(5..240));
            let (status, signed_out, how) = match (status, end_of_day > now && leave > now) {
                ("approved", false) if leave < end_of_day => (
                    "signed_out",
                    Some(leave),
                    Some(if rng.gen_bool(0.85) { "scan" } else { "staff" }),
                ),
                ("approved", false) => ("signed_out", Some(end_of_day), Some("auto")),
                (s, _) => (s, None, None),
            };
            let invite_id = if kind == "guest" && rng.gen_bool(0.1) {
                let code = format!("{:06}", rng.gen_range(0..1_000_000));
                let from = date.format("%Y-%m-%d").to_string();
                invite.execute((
                    code,
                    &unit_no,
                    surname,
                    &phone,
                    from,
                    ts(created - Duration::days(1)),
                    ts(created),
                ))?;
                Some(tx.last_insert_rowid())
            } else {
                None
            };
            visit.execute(rusqlite::params![
                format!("V{day}-{seq:04}"),
                unit_no,
                surname,
                phone,
                kind,
                if rng.gen_bool(0.9) { 1 } else { rng.gen_range(2..5) },
                invite_id,
                status,
                held.then_some("seed: on the deny list"),
                ts(created),
                decided.map(ts),
                decided.map(|_| if courier { "auto" } else { "host" }),
                valid_until.map(ts),
                signed_out.map(ts),
                how,
                decided.filter(|_| valid_until.is_some()).map(ts),
            ])?;
            let id = tx.last_insert_rowid();
            if let (Some(at), Some(_)) = (decided, valid_until) {
                let failed = rng.gen_bool(0.005);
                job.execute((
                    "visitor",
                    "visit",
                    id,
                    if failed { "failed" } else { "done" },
                    ts(at),
                    failed.then_some("paper out"),
                ))?;
            }
            if rng.gen_bool(0.3) {
                rating.execute(("visitor", id, satisfaction(rng), ts(created + Duration::minutes(2))))?;
            }
        }
    }
    // Invites booked for the coming days, still open.
    let mut open_code = String::new();
    for i in 0..300u64 {
        let code = format!("{:06}", 100_000 + i * 2_999);
        let date = (now + ctx.offset).date_naive() + Duration::days((i % 14) as i64);
        let text = date.format("%Y-%m-%d").to_string();
        let phone = format!("137{:08}", i);
        invite.execute((&code, unit(rng), "李", &phone, &text, ts(now), None::<String>))?;
        open_code = code;
    }
    Ok(SeededKeys {
        frequent_phone: "13800000000".to_string(),
        rare_phone: format!("139{:08}", 123_456),
        ticket_no: String::new(),
        ticket_last4: String::new(),
        open_invite_code: open_code,
    })
}

fn satisfaction(rng: &mut StdRng) -> &'static str {
    match rng.gen_range(0..100) {
        0..=89 => "satisfied",
        90..=96 => "basic",
        _ => "unsatisfied",
    }
}

fn seed_passes(
    ctx: &mut Ctx<'_>,
    rng: &mut StdRng,
    scale: HistoryScale,
    first: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let tx = ctx.tx;
    let mut permit = tx.prepare(
        "INSERT INTO permits(code, unit_no, owner_surname, contractor, lead_phone, start_date, end_date, deposit_paid,
             status, created_at, updated_at)
         VALUES (?1, ?2, '赵', '示例装饰', ?3, ?4, ?5, 1, ?6, ?7, ?7)",
    )?;
    let mut worker = tx.prepare("INSERT INTO permit_workers(permit_id, name, phone) VALUES (?1, ?2, ?3)")?;
    let mut pass = tx.prepare(
        "INSERT INTO passes(pass_no, permit_id, worker_id, day, valid_from, valid_until, issued_at, left_at, printed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
    )?;
    let today = (now + ctx.offset).date_naive();
    // About 180 passes per permit (60 days, 4 workers, three days in four on site).
    let permits = (scale.passes / 180).max(2);
    let step = (scale.days as f64 / permits as f64).max(0.05);
    let mut issued = 0u64;
    let mut k = 0u64;
    while issued < scale.passes {
        // The last permits started recently, so some workers are on site now.
        let start =
            (first + Duration::days((k as f64 * step) as i64)).min(today - Duration::days(rng.gen_range(0..20)));
        let end = start + Duration::days(rng.gen_range(30..90));
        let status = if end < today { "finished" } else { "active" };
        let code = format!("P{}{:04}", start.format("%Y%m"), k % 10_000);
        let code = format!("{code}-{k}");
        permit.execute((
            &code,
            unit(rng),
            format!("137{:08}", 50_000_000 + k),
            start.format("%Y-%m-%d").to_string(),
            end.format("%Y-%m-%d").to_string(),
            status,
            ts(ctx.at(start, 9, 0, 0)),
        ))?;
        let permit_id = tx.last_insert_rowid();
        let mut workers = Vec::new();
        for w in 0..rng.gen_range(2..7) {
            let name = format!(
                "{}{}",
                SURNAMES[rng.gen_range(0..SURNAMES.len())],
                ["建国", "志强", "三明", "海"][w % 4]
            );
            worker.execute((permit_id, name, format!("136{:08}", k * 10 + w as u64)))?;
            workers.push(tx.last_insert_rowid());
        }
        let mut date = start;
        while date <= end.min(today) && issued < scale.passes {
            let day = date.format("%Y%m%d").to_string();
            for &w in &workers {
                if !rng.gen_bool(0.75) {
                    continue;
                }
                let from = ctx.at(date, 8, 0, 0) + Duration::minutes(rng.gen_range(0..30));
                let until = ctx.at(date, if rng.gen_bool(0.5) { 12 } else { 18 }, 0, 0);
                if from > now {
                    continue;
                }
                let left = from + Duration::minutes(rng.gen_range(60..600));
                let left = (left < now && rng.gen_bool(0.8)).then_some(left);
                let seq = ctx.next(&day, "pass");
                pass.execute((
                    format!("W{day}-{seq:04}"),
                    permit_id,
                    w,
                    date.format("%Y-%m-%d").to_string(),
                    ts(from),
                    ts(until),
                    ts(from),
                    left.map(ts),
                ))?;
                issued += 1;
            }
            date += Duration::days(1);
        }
        k += 1;
    }
    Ok(())
}

fn seed_tickets(
    ctx: &mut Ctx<'_>,
    rng: &mut StdRng,
    scale: HistoryScale,
    first: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(String, String), StoreError> {
    let tx = ctx.tx;
    let mut ticket = tx.prepare(
        "INSERT INTO tickets(ticket_no, unit_no, request_type, choice, callback_phone, urgent, status, received_at,
             due_at, responded_at, closed_at, printed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?8)",
    )?;
    let mut history =
        tx.prepare("INSERT INTO ticket_history(ticket_id, at, status, staff, note) VALUES (?1, ?2, ?3, ?4, '')")?;
    let mut rating =
        tx.prepare("INSERT INTO satisfaction(journey, record_id, rating, at) VALUES ('ticket', ?1, ?2, ?3)")?;
    let days = (now + ctx.offset).date_naive().signed_duration_since(first).num_days() + 1;
    let counts = per_day(rng, first, days, scale.tickets);
    let mut last = (String::new(), String::new());
    for (d, count) in counts.iter().enumerate() {
        let date = first + Duration::days(d as i64);
        let day = date.format("%Y%m%d").to_string();
        let mut times: Vec<DateTime<Utc>> = (0..*count)
            .map(|_| {
                ctx.at(
                    date,
                    8 + rng.gen_range(0..12),
                    rng.gen_range(0..60),
                    rng.gen_range(0..60),
                )
            })
            .filter(|t| *t <= now)
            .collect();
        times.sort();
        for received in times {
            let (kind, choice) = REQUEST_TYPES[rng.gen_range(0..REQUEST_TYPES.len())];
            let urgent = kind == "emergency_repair";
            let due = received
                + if urgent {
                    Duration::minutes(15)
                } else {
                    Duration::hours(24)
                };
            let responded = received + Duration::minutes(rng.gen_range(5..if urgent { 20 } else { 1_800 }));
            let closed = responded + Duration::hours(rng.gen_range(1..72));
            let responded = (responded <= now).then_some(responded);
            let closed = closed.le(&now).then_some(closed);
            let status = match (responded, closed) {
                (_, Some(_)) => "closed",
                (Some(_), None) => "dispatched",
                _ => "received",
            };
            let seq = ctx.next(&day, "ticket");
            let number = format!("R{day}-{seq:04}");
            let phone = format!("135{:08}", rng.gen_range(0..20_000_000u64));
            ticket.execute(rusqlite::params![
                number,
                unit(rng),
                kind,
                choice,
                phone,
                urgent,
                status,
                ts(received),
                ts(due),
                responded.map(ts),
                closed.map(ts),
            ])?;
            let id = tx.last_insert_rowid();
            history.execute((id, ts(received), "received", "kiosk"))?;
            if let Some(at) = responded {
                history.execute((id, ts(at), "dispatched", "李明"))?;
            }
            if let Some(at) = closed {
                history.execute((id, ts(at), "closed", "李明"))?;
                if rng.gen_bool(0.4) {
                    rating.execute((id, satisfaction(rng), ts(at)))?;
                }
            }
            if received.hour() > 0 {
                last = (number, phone[phone.len() - 4..].to_string());
            }
        }
    }
    Ok(last)
}
