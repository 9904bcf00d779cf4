//! Shift handover and CSV export: in-process and through the real binary.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use lobby_kiosk::app::App;
use lobby_kiosk::journeys::export::{self, ExportKind};
use lobby_kiosk::journeys::reprint;
use lobby_kiosk::journeys::shift::{self, ShiftRefused, Taker};
use lobby_kiosk::store::HandoverKind;

/// A waiting guest, an on-site worker, an open repair ticket and a failed print job.
fn seed(app: &App, now: DateTime<Utc>) -> (String, String, String) {
    add_desk_staff(app, now);
    let visit = waiting_guest(app, "13900000001", now);
    let permit = file_permit(app, "安居装饰", &["张三明:13700001111"], true, now);
    let pass = issue_pass(app, &permit, "13700001111", now);
    let ticket = repair_ticket(app, now);
    let job = app
        .store()
        .add_print_job(
            lobby_kiosk::domain::print_job::SlipKind::Visitor,
            (lobby_kiosk::journeys::RecordKind::Visit, 1),
            b"slip",
            "x",
            None,
            now,
        )
        .unwrap();
    assert!(app.store().claim_print_job(job, "test", now).unwrap());
    app.store().finish_print_job(job, Some("paper out"), now).unwrap();
    (visit.visit_no, pass.pass_no, ticket.ticket_no)
}

#[test]
fn a_handover_lists_what_is_open_and_only_a_colleague_takes_it_over_with_their_pin() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let now = monday_at(10, 0);
    let (visit_no, pass_no, ticket_no) = seed(&app, now);

    let h = shift::close_shift(&app, "李明", "3号楼电梯已报修，请跟进", now)
        .unwrap()
        .unwrap();
    let listed = |kind| -> Vec<String> {
        h.items
            .iter()
            .filter(|i| i.kind() == kind)
            .map(|i| i.number.clone())
            .collect()
    };
    assert_eq!(listed(HandoverKind::Ticket), [ticket_no]);
    assert_eq!(listed(HandoverKind::Waiting), [visit_no]);
    assert_eq!(listed(HandoverKind::OnSite), [pass_no]);
    assert_eq!(listed(HandoverKind::PrintFault).len(), 1);
    assert_eq!(h.notes, "3号楼电梯已报修，请跟进");
    let text: Vec<String> = h
        .items
        .iter()
        .map(|i| shift::item_text(i, lobby_kiosk::i18n::Lang::Zh, app.config.tz()))
        .collect();
    assert!(text.iter().any(|t| t.contains("张*明")), "{text:?}");
    assert!(
        !text
            .iter()
            .any(|t| t.contains("13700001111") || t.contains("13900000001")),
        "no phone numbers in a handover: {text:?}"
    );

    assert!(matches!(
        shift::acknowledge(&app, h.id, Taker::Pin("258036"), now).unwrap(),
        Err(ShiftRefused::SamePerson)
    ));
    assert!(matches!(
        shift::acknowledge(&app, h.id, Taker::Pin("999888"), now).unwrap(),
        Err(ShiftRefused::WrongPin { failures: 1 })
    ));
    let taken = shift::acknowledge(&app, h.id, Taker::Pin("402718"), now)
        .unwrap()
        .unwrap();
    assert_eq!(taken.name, "王芳");
    assert_eq!(taken.handover.acked_by.as_deref(), Some("王芳"));
    assert!(matches!(
        shift::acknowledge(&app, h.id, Taker::Pin("402718"), now).unwrap(),
        Err(ShiftRefused::NothingToAcknowledge)
    ));
    let audit = app.store().audit_since(now - Duration::hours(1)).unwrap();
    let rows: Vec<(&str, &str)> = audit
        .iter()
        .filter(|e| e.action.starts_with("shift_"))
        .map(|e| (e.staff.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(rows, [("李明", "shift_close"), ("王芳", "shift_ack")]);
}

#[test]
fn a_print_fault_reprinted_since_is_no_longer_handed_over() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let now = monday_at(10, 0);
    seed(&app, now);
    let faults = |at| -> Vec<String> {
        shift::open_items(&app, at)
            .unwrap()
            .into_iter()
            .filter(|i| i.kind() == HandoverKind::PrintFault)
            .map(|i| i.number)
            .collect()
    };
    let failed = app
        .store()
        .last_print_job_for(lobby_kiosk::journeys::RecordKind::Visit, 1)
        .unwrap()
        .unwrap();
    assert_eq!(faults(now), [failed.to_string()]);

    let printing = reprint::reprint_job(&app, failed, "李明", now + Duration::minutes(5))
        .unwrap()
        .unwrap();
    assert!(printing.printed());
    assert_eq!(
        faults(now + Duration::minutes(6)),
        Vec::<String>::new(),
        "a fault staff reprinted is not left to the next shift"
    );
    let h = shift::close_shift(&app, "李明", "", now + Duration::minutes(6))
        .unwrap()
        .unwrap();
    assert!(
        h.items.iter().all(|i| i.kind() != HandoverKind::PrintFault),
        "{:?}",
        h.items
    );
}

#[test]
fn handovers_are_closed_read_and_taken_over_from_the_desk_pc() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(
        run_cli(
            d,
            &["staff", "add", "李明", "--role", "supervisor", "--pin", "258036"],
            ""
        )
        .0,
        0
    );
    assert_eq!(
        run_cli(
            d,
            &["staff", "add", "王芳", "--pin", "402718", "--by", "李明"],
            "258036\n"
        )
        .0,
        0
    );
    let (code, _, err) = run_cli(d, &["shift", "close", "--by", "无名"], "");
    assert_eq!(code, 1, "an unknown name cannot close a shift");
    assert!(err.contains("没有这位工作人员"), "{err}");
    let (code, out, _) = run_cli(
        d,
        &["shift", "close", "--by", "李明", "--notes", "钥匙已交保安"],
        "258036\n",
    );
    assert_eq!(code, 0);
    assert!(out.contains("钥匙已交保安") && out.contains("尚未接班确认"), "{out}");

    let (code, _, err) = run_cli(d, &["shift", "ack", "1", "--by", "王芳"], "258036\n");
    assert_eq!(code, 1, "李明's PIN does not take over as 王芳");
    assert!(err.contains("密码与姓名不符"), "{err}");
    assert_eq!(run_cli(d, &["shift", "ack", "1", "--by", "王芳"], "402718\n").0, 0);

    let (code, out, _) = run_cli(d, &["shift", "show", "1", "--json"], "");
    assert_eq!(code, 0);
    let h: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(h["closed_by"], "李明");
    assert_eq!(h["acked_by"], "王芳");
    assert_eq!(h["notes"], "钥匙已交保安");
    let (_, out, _) = run_cli(d, &["shift", "list"], "");
    assert!(out.contains("李明") && out.contains("王芳"), "{out}");
    assert_eq!(run_cli(d, &["shift", "show", "9"], "").0, 1);
}

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn exports_hold_the_range_with_phones_masked() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let now = monday_at(10, 0);
    let (visit_no, pass_no, ticket_no) = seed(&app, now);
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let export = |kind, from, to| {
        let mut out = Vec::new();
        let n = export::export(&app, kind, from, to, &mut out).unwrap();
        (n, out)
    };

    let (n, out) = export(ExportKind::Visits, day, day);
    assert_eq!(n, 1);
    let rows = read_csv(&out);
    assert_eq!(rows[0][0], visit_no);
    assert_eq!(rows[0][1], "2026-11-30 10:00", "local time");
    assert_eq!(rows[0][4], "139****0001");
    assert!(!String::from_utf8_lossy(&out).contains("13900000001"));

    let (_, out) = export(ExportKind::Passes, day, day);
    let rows = read_csv(&out);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], pass_no);
    assert_eq!(rows[0][5], "张*明");
    assert_eq!(rows[0][6], "137****1111");

    let (_, out) = export(ExportKind::Tickets, day, day);
    let rows = read_csv(&out);
    assert_eq!(rows[0][0], ticket_no);
    assert_eq!(rows[0][10], "138****2222");

    let next = day.succ_opt().unwrap();
    assert_eq!(export(ExportKind::Visits, next, next).0, 0, "another day holds nothing");
    assert!(export::export(&app, ExportKind::Visits, next, day, Vec::new()).is_err());

    // Through the binary, to a file that is then read back; an existing file is kept.
    drop(app);
    let file = dir.path().join("visits.csv");
    let args = [
        "export",
        "visits",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--out",
    ];
    let (code, _, err) = run_cli(dir.path(), &[&args[..], &[file.to_str().unwrap()]].concat(), "");
    assert_eq!(code, 0, "{err}");
    let rows = read_csv(&std::fs::read(&file).unwrap());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][4], "139****0001");
    assert_eq!(
        run_cli(dir.path(), &[&args[..], &[file.to_str().unwrap()]].concat(), "").0,
        1,
        "never overwrites"
    );
    assert_eq!(
        run_cli(
            dir.path(),
            &["export", "visits", "--from", "2026-12-01", "--to", "2026-11-01"],
            ""
        )
        .0,
        2
    );
}

#[test]
fn the_daily_summary_prints_on_demand_from_the_desk_pc() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run_cli(dir.path(), &["report", "daily", "--print"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("每日梳理汇总"), "{out}");
    let slips: Vec<_> = std::fs::read_dir(dir.path().join("printer"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with("-report.bin"))
        .collect();
    assert_eq!(slips.len(), 1);
}
