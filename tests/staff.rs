//! Staff accounts, the PIN lockout across restarts, roles, the audit trail, the roster
//! and the daily report: in-process and through the real binary.

use std::path::Path;
use std::process::Command;
use std::rc::Rc;

use chrono::{Duration, TimeZone, Utc};
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::journeys::staff::{self, Login, Role};
use lobby_kiosk::journeys::visitor::{self, Registered, WalkIn};

fn open(dir: &Path) -> Rc<App> {
    let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
    Rc::new(App::open(loaded, Some(dir)).unwrap())
}

fn kiosk(dir: &Path, args: &[&str]) -> (i32, String) {
    kiosk_as(dir, args, "")
}

/// The binary with a staff member's PIN piped to it, for `--by`.
fn kiosk_as(dir: &Path, args: &[&str], pin: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{pin}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn the_pin_lockout_survives_a_restart_and_grows() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    {
        let app = open(dir.path());
        staff::add_staff(&app, "bootstrap", "李明", Role::Supervisor, "258036", now)
            .unwrap()
            .unwrap();
        assert!(matches!(staff::login(&app, "258036", now).unwrap(), Login::Ok { .. }));
        for n in 1..=4 {
            assert_eq!(staff::login(&app, "111222", now).unwrap(), Login::Wrong { failures: n });
        }
        let Login::Locked { until } = staff::login(&app, "111222", now).unwrap() else {
            panic!("the fifth wrong PIN locks")
        };
        assert_eq!(until, now + Duration::minutes(1));
    }
    // Restart: a new process would open the same database.
    let app = open(dir.path());
    assert!(
        matches!(
            staff::login(&app, "258036", now + Duration::seconds(30)).unwrap(),
            Login::Locked { .. }
        ),
        "still locked"
    );
    assert!(matches!(
        staff::login(&app, "258036", now + Duration::seconds(61)).unwrap(),
        Login::Ok { .. }
    ));
}

#[test]
fn a_desk_role_cannot_revoke_a_permit_and_every_action_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(
        kiosk(
            d,
            &["staff", "add", "王主管", "--role", "supervisor", "--pin", "380519"]
        )
        .0,
        0
    );
    assert_eq!(
        kiosk_as(
            d,
            &[
                "staff",
                "add",
                "小张",
                "--role",
                "desk",
                "--pin",
                "402718",
                "--by",
                "王主管"
            ],
            "380519"
        )
        .0,
        0
    );
    assert_eq!(
        kiosk_as(
            d,
            &["staff", "add", "小赵", "--pin", "502716", "--by", "小张"],
            "402718"
        )
        .0,
        1,
        "a desk role cannot add staff"
    );
    let (code, out) = kiosk_as(
        d,
        &[
            "permit",
            "add",
            "--unit",
            "1-1-101",
            "--owner",
            "赵",
            "--contractor",
            "安居装饰",
            "--lead-phone",
            "13700003333",
            "--from",
            "2026-11-01",
            "--to",
            "2026-12-31",
            "--deposit-paid",
            "--worker",
            "张三明:13700001111",
            "--by",
            "小张",
            "--json",
        ],
        "402718",
    );
    assert_eq!(code, 0, "{out}");
    let permit: serde_json::Value = serde_json::from_str(&out).unwrap();
    let permit_code = permit["permit"]["code"].as_str().unwrap().to_string();
    assert_eq!(
        kiosk_as(d, &["permit", "revoke", &permit_code, "--by", "小张"], "402718").0,
        1,
        "desk cannot revoke"
    );
    assert_eq!(
        kiosk_as(
            d,
            &["deny", "add", "13912345678", "--reason", "滋扰", "--by", "小张"],
            "402718"
        )
        .0,
        1
    );
    assert_eq!(
        kiosk_as(d, &["permit", "revoke", &permit_code, "--by", "王主管"], "380519").0,
        0
    );
    assert_eq!(
        kiosk_as(
            d,
            &["deny", "add", "13912345678", "--reason", "滋扰", "--by", "王主管"],
            "380519"
        )
        .0,
        0
    );
    let (_, audit) = kiosk(d, &["audit", "--json"]);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&audit).unwrap();
    let actions: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["staff"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for expected in [
        ("bootstrap", "staff_add"),
        ("王主管", "staff_add"),
        ("王主管", "permit_revoked"),
        ("王主管", "deny_add"),
    ] {
        assert!(
            actions.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} missing from {actions:?}"
        );
    }
    assert!(!audit.contains("13912345678"), "the audit masks phones too");
}

#[test]
fn the_roster_and_the_daily_report_match_a_hand_counted_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    // Monday 30 November 2026, 10:00 in Shanghai.
    let now = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 30, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let walk_in = |phone: &str, t: VisitorType, party| WalkIn {
        unit: "1-1-101".into(),
        surname: "王".into(),
        phone: phone.into(),
        visitor_type: t,
        party_size: party,
        company: String::new(),
    };
    // Two couriers let in (one with a party of 3), one guest waiting, one held by the deny list.
    let Registered::Approved { visit: a, .. } =
        visitor::register(&app, &walk_in("13900000001", VisitorType::Courier, 1), now).unwrap()
    else {
        panic!()
    };
    let Registered::Approved { visit: b, .. } =
        visitor::register(&app, &walk_in("13900000002", VisitorType::Courier, 3), now).unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        visitor::register(&app, &walk_in("13900000003", VisitorType::Guest, 1), now).unwrap(),
        Registered::Waiting(_)
    ));
    app.store().deny_add("13900000004", "test", "sup", now).unwrap();
    assert!(matches!(
        visitor::register(&app, &walk_in("13900000004", VisitorType::Guest, 1), now).unwrap(),
        Registered::Held(_)
    ));
    // One of the let-in visitors leaves.
    app.store()
        .sign_out_visit(a.id, lobby_kiosk::store::SignOutKind::Staff, now)
        .unwrap();
    // Ratings: 2 satisfied, 1 basic, 1 dissatisfied at the visitor journey.
    for r in ["satisfied", "satisfied", "basic", "unsatisfied"] {
        let r = lobby_kiosk::domain::ticket::Satisfaction::parse(r).unwrap();
        let journey = lobby_kiosk::domain::ticket::RatedJourney::Visitor;
        lobby_kiosk::journeys::resident::rate(&app, journey, None, r, now).unwrap();
    }

    let roster = staff::roster(&app, now + Duration::minutes(5)).unwrap();
    assert_eq!(roster.len(), 1, "only the visitor still on site: {roster:?}");
    assert_eq!(roster[0].number, b.visit_no);
    assert_eq!(roster[0].party, 3);
    assert_eq!(roster[0].phone, "139****0002");

    let report = staff::daily_report(&app, now.with_timezone(&app.config.tz()).date_naive(), now).unwrap();
    assert_eq!(report.visits, 4);
    assert_eq!(report.visits_held, 1);
    assert_eq!(report.passes, 0);
    assert_eq!(report.tickets, 0);
    assert_eq!(report.ratings, 4);
    assert_eq!(
        report.satisfaction_overall,
        Some(0.75),
        "satisfied and basic count as satisfied: 3 of 4"
    );
    assert_eq!(report.satisfaction_reception, Some(0.75));
    assert!(
        staff::print_roster(&app, now).unwrap().printed(),
        "the roster prints with no network"
    );
}

/// On the command line the account is named, so its own count locks it: 1, 5, then 30
/// minutes, its right PIN refused meanwhile, and other accounts untouched.
#[test]
fn a_named_account_locks_for_longer_and_longer_and_refuses_its_right_pin_meanwhile() {
    use lobby_kiosk::journeys::staff::Proof;
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let mut now = Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap();
    staff::add_staff(&app, "bootstrap", "李明", Role::Supervisor, "258036", now)
        .unwrap()
        .unwrap();
    staff::add_staff(&app, "李明", "王芳", Role::Desk, "402718", now)
        .unwrap()
        .unwrap();
    let mut locks = Vec::new();
    for n in 1..=15 {
        match staff::prove(&app, "李明", "111222", now).unwrap() {
            Proof::Wrong {
                failures,
                locked_until: None,
            } => assert_eq!(failures, n),
            Proof::Wrong {
                failures,
                locked_until: Some(until),
            } => {
                assert_eq!(failures, n);
                locks.push((until - now).num_minutes());
                assert!(
                    matches!(staff::prove(&app, "李明", "258036", until - Duration::seconds(1)).unwrap(), Proof::Locked { until: u } if u == until),
                    "the right PIN waits too"
                );
                assert!(matches!(
                    staff::prove(&app, "王芳", "402718", now).unwrap(),
                    Proof::Proven { .. }
                ));
                now = until;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(locks, [1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 30]);
    assert_eq!(
        staff::prove(&app, "李明", "258036", now).unwrap(),
        Proof::Proven {
            name: "李明".into(),
            role: Role::Supervisor
        }
    );
    assert_eq!(staff::prove(&app, "无名", "258036", now).unwrap(), Proof::NoAccount);
}
