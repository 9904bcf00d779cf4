//! A waiting visit nobody decides by the end of its day expires: it can no longer be
//! approved (the desk's screen and the command line say why), it leaves the waiting
//! list, and lists show the date of anything not from today.

mod common;

use std::process::Command;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use lobby_kiosk::journeys::desk::{self, DeskRefused};
use lobby_kiosk::journeys::visitor;
use lobby_kiosk::store::VisitStatus;
use lobby_kiosk::ui::StaffAdapter;
use slint::{ComponentHandle, Model};

fn visit_slips(dir: &std::path::Path) -> usize {
    printed_slips(dir)
        .iter()
        .filter(|(n, _)| n.ends_with("-visitor.bin"))
        .count()
}

#[test]
fn a_visit_still_waiting_after_its_day_cannot_be_approved() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let monday = monday_at(10, 2);
    app.set_now(Some(monday));
    add_desk_staff(&app, monday);
    let late = waiting_guest(&app, "13900000001", monday);
    let on_time = waiting_guest(&app, "13900000002", monday);

    // Late on its own day it can still be approved (a slip valid to the end of the day,
    // 23:59, needs a moment left to be valid in).
    let late_evening = monday_at(23, 58);
    assert!(desk::decide_visit(&app, "王芳", on_time.id, true, late_evening)
        .unwrap()
        .is_ok());

    // Two days later it has expired: refused with the day it came, nothing printed.
    let wednesday = monday_at(9, 0) + Duration::days(2);
    let before = visit_slips(dir.path());
    let refused = desk::decide_visit(&app, "王芳", late.id, true, wednesday).unwrap();
    assert_eq!(
        refused.err(),
        Some(DeskRefused::Expired(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()))
    );
    assert_eq!(
        app.store().visit(late.id).unwrap().unwrap().status,
        VisitStatus::Expired
    );
    assert!(visitor::decide(&app, late.id, true, "王芳", wednesday)
        .unwrap()
        .is_none());
    app.wait_for_printing(std::time::Duration::from_secs(10));
    assert_eq!(visit_slips(dir.path()), before, "no slip for an expired visit");
    assert!(app.store().visits_waiting().unwrap().is_empty());
    assert!(
        app.store().visits_on_site(wednesday).unwrap().is_empty(),
        "nobody put on site"
    );
}

#[test]
fn a_visit_approved_in_the_days_last_minute_gets_a_slip_with_time_to_walk_in() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let monday = monday_at(23, 40);
    app.set_now(Some(monday));
    add_desk_staff(&app, monday);
    let guest = waiting_guest(&app, "13900000003", monday);
    // 23:59:30: "valid to the end of the day" (23:59) has already passed.
    let last_minute = monday_at(23, 59) + Duration::seconds(30);
    app.set_now(Some(last_minute));
    let before = visit_slips(dir.path());
    assert!(desk::decide_visit(&app, "王芳", guest.id, true, last_minute)
        .unwrap()
        .is_ok());
    let visit = app.store().visit(guest.id).unwrap().unwrap();
    assert_eq!(visit.status, VisitStatus::Approved);
    assert_eq!(visit.valid_until, Some(last_minute + Duration::minutes(30)));
    app.wait_for_printing(std::time::Duration::from_secs(10));
    assert_eq!(visit_slips(dir.path()), before + 1, "the slip is printed");
}

#[test]
fn the_minute_tick_expires_yesterdays_waiting_and_held_visits_but_not_todays() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let monday = monday_at(16, 0);
    app.set_now(Some(monday));
    app.store().deny_add("13900000009", "多次滋扰", "李明", monday).unwrap();
    waiting_guest(&app, "13900000001", monday);
    visitor::register(
        &app,
        &walk_in("13900000009", lobby_kiosk::domain::visitor::VisitorType::Guest),
        monday,
    )
    .unwrap();
    let tuesday = monday_at(0, 30) + Duration::days(1);
    let today = waiting_guest(&app, "13900000003", tuesday);
    assert_eq!(visitor::expire_stale(&app, tuesday).unwrap(), 2);
    let waiting = app.store().visits_waiting().unwrap();
    assert_eq!(waiting.iter().map(|v| v.id).collect::<Vec<_>>(), vec![today.id]);
}

/// `visit approve` through the real binary at `clock`, as 王芳.
fn approve_cli(dir: &std::path::Path, id: i64, clock: &str, config: Option<&std::path::Path>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"));
    cmd.arg("--data-dir").arg(dir);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    cmd.env("LOBBY_KIOSK_CLOCK", clock)
        .args(["visit", "approve", &id.to_string(), "--by", "王芳"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pin_line("王芳").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn the_command_line_refuses_an_expired_visit_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let monday = monday_at(10, 2);
    app.set_now(Some(monday));
    add_desk_staff(&app, monday);
    let visit = waiting_guest(&app, "13900000001", monday);
    let other = waiting_guest(&app, "13900000002", monday);
    drop(app);

    let (code, out, err) = approve_cli(dir.path(), visit.id, "2026-12-02T09:00:00+08:00", None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("11-30 登记") && err.contains("已过期") && err.contains("不能再同意"),
        "{err}"
    );
    assert!(!out.contains("已同意"), "{out}");

    let english = dir.path().join("kiosk-en.toml");
    std::fs::write(
        &english,
        lobby_kiosk::config::EMBEDDED_DEFAULT.replacen(r#"language = "zh-CN""#, r#"language = "en""#, 1),
    )
    .unwrap();
    let (code, _, err) = approve_cli(dir.path(), other.id, "2026-12-02T09:00:00+08:00", Some(&english));
    assert_eq!(code, 1);
    assert!(err.contains("registered on 11-30") && err.contains("expired"), "{err}");
}

fn tuesday_just_after_midnight() -> DateTime<Utc> {
    monday_at(23, 50) + Duration::minutes(15)
}

#[test]
fn the_dashboard_says_politely_why_an_expired_visit_cannot_be_approved() {
    for english in [false, true] {
        let k = kiosk();
        let monday = monday_at(23, 50);
        k.app().set_now(Some(monday));
        add_desk_staff(k.app(), monday);
        let visit = waiting_guest(k.app(), "13900000001", monday);
        if english {
            tap(&k, "English");
            find(&k, "Staff entry").invoke_accessible_default_action();
            type_keys(&k, "258036");
            tap(&k, "Enter");
        } else {
            staff_log_in(&k, "258036");
        }
        // The list was read before midnight; the desk taps 同意 after it.
        k.app().set_now(Some(tuesday_just_after_midnight()));
        let (approve, result) = if english {
            (format!("Approve {}", visit.visit_no), "Result")
        } else {
            (format!("同意 {}", visit.visit_no), "操作结果")
        };
        tap(&k, &approve);
        let said = read(&k, result);
        if english {
            assert!(
                said.contains("registered on 11-30") && said.contains("can no longer be approved"),
                "{said}"
            );
        } else {
            assert!(said.contains("11-30 登记") && said.contains("不能再同意"), "{said}");
        }
        assert_eq!(
            k.app().store().visit(visit.id).unwrap().unwrap().status,
            VisitStatus::Expired
        );
        assert!(!is_shown(&k, &approve), "the expired visit leaves the list");
        assert_eq!(k.window.global::<StaffAdapter>().get_waiting().row_count(), 0);
    }
}

#[test]
fn dashboard_lists_show_the_date_of_anything_not_from_today() {
    let k = kiosk();
    let now = monday_at(10, 0);
    k.app().set_now(Some(now));
    add_desk_staff(k.app(), now);
    waiting_guest(k.app(), "13900000001", now);
    let ticket = repair_ticket(k.app(), now); // due Tuesday 10:00
    staff_log_in(&k, "258036");
    let adapter = k.window.global::<StaffAdapter>();
    let since: Vec<String> = adapter.get_waiting().iter().map(|v| v.since.to_string()).collect();
    assert_eq!(since, vec!["10:00".to_string()], "today's times carry no date");
    let due = adapter
        .get_tickets()
        .iter()
        .find(|t| t.number == ticket.ticket_no.as_str())
        .unwrap()
        .due;
    assert_eq!(due, "12-01 10:00", "a due time tomorrow shows its date");
}
