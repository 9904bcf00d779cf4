//! The records the tests set up again and again (in-process, without a screen), and the
//! real binary run over a data folder.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::rc::Rc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::permit::{self, PermitForm};
use lobby_kiosk::journeys::staff::{self, Role};
use lobby_kiosk::journeys::visitor::{self, Registered, WalkIn};
use lobby_kiosk::journeys::worker::{self, PassOutcome, WhoAsks};
use lobby_kiosk::store::{NewTicket, Pass, Permit, Ticket, Visit};

/// The app on the built-in configuration over `dir`, without a screen.
pub fn open_app(dir: &Path) -> Rc<App> {
    let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
    Rc::new(App::open(loaded, Some(dir)).unwrap())
}

/// Monday 30 November 2026 at `h:m` in Shanghai.
pub fn monday_at(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 30, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The desk's two accounts: the supervisor 李明 (PIN 258036) and the desk colleague 王芳
/// (PIN 402718).
pub fn add_desk_staff(app: &App, now: DateTime<Utc>) {
    staff::add_staff(app, "bootstrap", "李明", Role::Supervisor, "258036", now)
        .unwrap()
        .unwrap();
    staff::add_staff(app, "李明", "王芳", Role::Desk, "402718", now)
        .unwrap()
        .unwrap();
}

/// A visitor surnamed 王 calling on 1-1-101, alone.
pub fn walk_in(phone: &str, visitor_type: VisitorType) -> WalkIn {
    WalkIn {
        unit: "1-1-101".into(),
        surname: "王".into(),
        phone: phone.into(),
        visitor_type,
        party_size: 1,
        company: String::new(),
    }
}

/// A guest registered at the kiosk, waiting for the host.
pub fn waiting_guest(app: &App, phone: &str, now: DateTime<Utc>) -> Visit {
    let Registered::Waiting(visit) = visitor::register(app, &walk_in(phone, VisitorType::Guest), now).unwrap() else {
        panic!("a guest waits for the host")
    };
    visit
}

/// A courier registered at the kiosk: let in at once, on site.
pub fn courier_on_site(app: &App, phone: &str, now: DateTime<Utc>) -> Visit {
    let Registered::Approved { visit, .. } =
        visitor::register(app, &walk_in(phone, VisitorType::Courier), now).unwrap()
    else {
        panic!("a courier is let in")
    };
    visit
}

/// The renovation of 2-1-302 (owner 赵, lead 13700003333), 20 to 30 November 2026, filed
/// with `contractor` and these workers (`name:phone[:id-number]`).
pub fn file_permit(app: &App, contractor: &str, workers: &[&str], deposit_paid: bool, now: DateTime<Utc>) -> Permit {
    let workers = workers.iter().map(|w| permit::parse_worker(app, w).unwrap()).collect();
    let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
    permit::add_permit(
        app,
        PermitForm {
            unit: "2-1-302".into(),
            owner_surname: "赵".into(),
            contractor: contractor.into(),
            lead_phone: "13700003333".into(),
            start: d(20),
            end: d(30),
            deposit_paid,
            workers,
        },
        now,
    )
    .unwrap()
    .unwrap()
}

/// Today's pass for the worker with this phone (inside renovation hours).
pub fn issue_pass(app: &App, permit: &Permit, phone: &str, now: DateTime<Utc>) -> Pass {
    let PassOutcome::Issued(issued) = worker::issue_pass(app, permit, &WhoAsks::Phone(phone.into()), now).unwrap()
    else {
        panic!("inside renovation hours the pass is issued")
    };
    issued.pass
}

/// The desk at work: the kiosk's clock at Monday 10:00 (inside renovation hours) and the
/// two staff accounts of [`add_desk_staff`].
pub fn staff_on_duty(app: &App) {
    let now = monday_at(10, 0);
    app.set_now(Some(now));
    add_desk_staff(app, now);
}

/// An open repair ticket (water) for 3-2-1201, due in 24 hours, numbered for 30 November.
pub fn repair_ticket(app: &App, now: DateTime<Utc>) -> Ticket {
    app.with_store(|s| {
        s.insert_ticket(
            &NewTicket {
                unit_no: "3-2-1201".into(),
                request_type: lobby_kiosk::domain::request::RequestType::Repair,
                choice: "water".into(),
                note: String::new(),
                preferred_time: String::new(),
                callback_phone: "13811112222".into(),
                urgent: false,
                due_at: now + Duration::hours(24),
            },
            now,
            "20261130",
        )
    })
    .unwrap()
}

/// The PIN of one of [`add_desk_staff`]'s accounts (李明 258036, 王芳 402718), as the
/// line a staff member pipes to a command run `--by` them; any other name gets an empty
/// line.
pub fn pin_line(name: &str) -> &'static str {
    match name {
        "李明" => "258036\n",
        "王芳" => "402718\n",
        _ => "\n",
    }
}

/// Runs the real binary as the staff member named after `--by` in `args`, piping their
/// PIN ([`pin_line`]).
pub fn run_cli_as(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let by = args.iter().position(|a| *a == "--by").and_then(|i| args.get(i + 1));
    run_cli(dir, args, by.map_or("", |name| pin_line(name)))
}

/// Runs the real binary over the data folder `dir` with `stdin` as its input: exit code,
/// standard output, standard error.
pub fn run_cli(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}
