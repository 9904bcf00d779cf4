//! The daily report measures response targets honestly per request type: an emergency
//! counts when someone is on site (开始处理), a repair when dispatched in time and then
//! done in time; cancelled and duplicate tickets are left out; the ticket count matches
//! the rates' denominators; printer faults are those that happened that day; the text
//! report prints readable lines and states the rule.

mod common;

use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use common::*;
use lobby_kiosk::app::App;
use lobby_kiosk::domain::request::RequestType;
use lobby_kiosk::domain::sla::due_at;
use lobby_kiosk::domain::ticket::TicketStatus;
use lobby_kiosk::journeys::desk::{self, CancelReason};
use lobby_kiosk::journeys::{resident, staff};
use lobby_kiosk::store::NewTicket;

fn ticket(app: &App, kind: RequestType, choice: &str, now: DateTime<Utc>) -> String {
    let due = due_at(&app.config.requests, kind, now, app.config.tz());
    app.with_store(|s| {
        s.insert_ticket(
            &NewTicket {
                unit_no: "3-2-1201".into(),
                request_type: kind,
                choice: choice.into(),
                note: String::new(),
                preferred_time: String::new(),
                callback_phone: "13811112222".into(),
                urgent: kind.is_emergency(),
                due_at: due,
            },
            now,
            "20261130",
        )
    })
    .unwrap()
    .ticket_no
}

fn step(app: &App, number: &str, to: TicketStatus, at: DateTime<Utc>) {
    resident::update(app, number, to, "王芳", "", at).unwrap().unwrap();
}

/// Monday 30 November 2026: six tickets and a paper-out that was reprinted.
fn seed(app: &App) {
    let t = |h, m| monday_at(h, m);
    app.set_now(Some(t(10, 0)));
    add_desk_staff(app, t(10, 0));
    // An emergency passed on at 10:05, nobody on site by 10:15: late, 派单 is not 到场.
    let e1 = ticket(app, RequestType::EmergencyRepair, "water_leak", t(10, 0));
    step(app, &e1, TicketStatus::Dispatched, t(10, 5));
    // An emergency with someone on site at 10:12: on time.
    let e2 = ticket(app, RequestType::EmergencyRepair, "water_leak", t(10, 0));
    step(app, &e2, TicketStatus::Dispatched, t(10, 3));
    step(app, &e2, TicketStatus::InProgress, t(10, 12));
    // A repair dispatched and done the same day: on time.
    let r1 = ticket(app, RequestType::Repair, "plumbing", t(10, 0));
    step(app, &r1, TicketStatus::Dispatched, t(11, 0));
    step(app, &r1, TicketStatus::InProgress, t(14, 0));
    step(app, &r1, TicketStatus::Done, t(16, 0));
    // A duplicate, cancelled at once: left out (it used to count as answered in time).
    let r2 = ticket(app, RequestType::Repair, "plumbing", t(10, 1));
    assert!(
        desk::cancel_ticket(app, "王芳", &r2, CancelReason::Duplicate, t(10, 10))
            .unwrap()
            .is_ok()
    );
    // A repair not dispatched yet, due tomorrow: pending, not judged.
    ticket(app, RequestType::Repair, "plumbing", t(10, 2));
    // A complaint acted on at 10:30: on time.
    let c1 = ticket(app, RequestType::Complaint, "noise", t(10, 0));
    step(app, &c1, TicketStatus::Dispatched, t(10, 30));

    // A slip that ran out of paper at 10:20 and printed on the retry at 10:30: the fault
    // happened that day. A slip from Sunday that failed on Sunday is not Monday's fault.
    app.with_store(|s| {
        let job = s
            .add_print_job(
                lobby_kiosk::domain::print_job::SlipKind::Ticket,
                (lobby_kiosk::journeys::RecordKind::Ticket, 1),
                b"\x1b@",
                "h",
                None,
                t(10, 19),
            )
            .unwrap();
        assert!(s.claim_print_job(job, "test", t(10, 20)).unwrap());
        s.finish_print_job(job, Some("paper out"), t(10, 20)).unwrap();
        assert!(s.claim_print_job(job, "test", t(10, 30)).unwrap());
        s.finish_print_job(job, None, t(10, 30)).unwrap();
        let sunday = t(10, 0) - Duration::days(1);
        let old = s
            .add_print_job(
                lobby_kiosk::domain::print_job::SlipKind::Ticket,
                (lobby_kiosk::journeys::RecordKind::Ticket, 2),
                b"\x1b@",
                "h",
                None,
                sunday,
            )
            .unwrap();
        assert!(s.claim_print_job(old, "test", sunday).unwrap());
        s.finish_print_job(old, Some("paper out"), sunday).unwrap();
    });
}

#[test]
fn each_request_type_is_judged_by_its_own_rule_and_cancelled_tickets_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    seed(&app);
    let evening = monday_at(18, 0);
    let report = staff::daily_report(&app, evening.with_timezone(&app.config.tz()).date_naive(), evening).unwrap();
    assert_eq!(report.tickets, 6);
    let r = report.responses;
    assert_eq!((r.on_time, r.late, r.pending, r.left_out), (3, 1, 1, 1));
    assert_eq!(
        r.total(),
        report.tickets as u64,
        "the ticket count matches the rate's parts"
    );
    assert_eq!(report.responses_on_time, Some(0.75));
    let rep = report.repairs;
    assert_eq!((rep.on_time, rep.late, rep.pending, rep.left_out), (2, 1, 1, 1));
    assert_eq!(report.repairs_judged, 3);
    assert!((report.repairs_on_time.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        report.print_failures, 1,
        "the paper-out happened, even though it was reprinted"
    );
    assert!(
        report.rule.contains("开始处理") && report.rule.contains("重复提交"),
        "{}",
        report.rule
    );
}

fn report_text(dir: &std::path::Path, config: Option<&std::path::Path>, format: &str) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"));
    cmd.arg("--data-dir").arg(dir);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let out = cmd
        .env("LOBBY_KIOSK_CLOCK", "2026-11-30T18:00:00+08:00")
        .args(["report", "daily", "--date", "2026-11-30", "--format", format])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn the_text_report_prints_readable_lines_and_states_the_rule_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    seed(&app);
    drop(app);

    let zh = report_text(dir.path(), None, "text");
    assert!(!zh.contains("[(") && !zh.contains("\", "), "no Rust tuples: {zh}");
    for line in [
        "业主服务单：6 单（计入及时率 4，未到期 1，已取消/重复 1）",
        "  紧急维修 2",
        "服务及时率：75.0%（按时 3 / 计入 4 单）",
        "维修及时率：66.7%（按时 2 / 计入 3 单） / 目标 100%",
        "及时率口径：紧急维修以有人到场（开始处理）为准",
        "打印故障（当天发生）：1",
    ] {
        assert!(zh.contains(line), "{line:?} missing in:\n{zh}");
    }

    let english = dir.path().join("kiosk-en.toml");
    std::fs::write(
        &english,
        lobby_kiosk::config::EMBEDDED_DEFAULT.replacen(r#"language = "zh-CN""#, r#"language = "en""#, 1),
    )
    .unwrap();
    let en = report_text(dir.path(), Some(&english), "text");
    for line in [
        "Tickets: 6 (judged 4, not yet due 1, cancelled/duplicate 1)",
        "Repairs on time: 66.7% (2 of 3 on time) / target 100%",
        "an emergency repair when someone is on site",
        "Print faults (that day): 1",
    ] {
        assert!(en.contains(line), "{line:?} missing in:\n{en}");
    }
    let json: serde_json::Value = serde_json::from_str(&report_text(dir.path(), None, "json")).unwrap();
    assert_eq!(json["responses"]["left_out"], 1);
    assert_eq!(json["tickets"], 6);
}

#[test]
fn the_dashboard_flags_an_emergency_passed_on_but_nobody_on_site() {
    use lobby_kiosk::ui::StaffAdapter;
    use slint::{ComponentHandle, Model};
    let k = kiosk();
    let t = |h, m| monday_at(h, m);
    k.app().set_now(Some(t(10, 0)));
    add_desk_staff(k.app(), t(10, 0));
    let e1 = ticket(k.app(), RequestType::EmergencyRepair, "water_leak", t(10, 0));
    step(k.app(), &e1, TicketStatus::Dispatched, t(10, 5));
    let e2 = ticket(k.app(), RequestType::EmergencyRepair, "water_leak", t(10, 0));
    step(k.app(), &e2, TicketStatus::Dispatched, t(10, 2));
    step(k.app(), &e2, TicketStatus::InProgress, t(10, 10));
    k.app().set_now(Some(t(10, 20)));
    staff_log_in(&k, "258036");
    let overdue = |number: &str| {
        k.window
            .global::<StaffAdapter>()
            .get_tickets()
            .iter()
            .find(|l| l.number == number)
            .unwrap()
            .overdue
    };
    assert!(overdue(&e1), "派单 at 10:05 is not someone on site by 10:15");
    assert!(!overdue(&e2), "on site at 10:10");
}
