//! The back-office command line's desk commands go through `journeys::desk`, the staff
//! dashboard's own code path: the same role rules (only a supervisor revokes permits and
//! manages the deny list), the same state rules (a finished permit stays finished; only
//! a suspended one resumes) and the same audit action names, through the real binary.

mod common;

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use common::*;
use lobby_kiosk::store::PermitStatus;

/// (staff, action, record, detail) of every audit row.
fn audit(dir: &Path) -> Vec<(String, String, String, String)> {
    open_app(dir)
        .store()
        .audit_since(DateTime::<Utc>::MIN_UTC)
        .unwrap()
        .into_iter()
        .map(|e| (e.staff, e.action, e.record, e.detail))
        .collect()
}

fn row(staff: &str, action: &str, record: &str, detail: &str) -> (String, String, String, String) {
    (staff.into(), action.into(), record.into(), detail.into())
}

fn permit_status(dir: &Path, code: &str) -> PermitStatus {
    open_app(dir).store().permit_by_code(code).unwrap().unwrap().status
}

/// The supervisor 李明 and the desk colleague 王芳, and a permit (ending 30 November 2026)
/// filed now; returns its code. The app is closed again before the binary runs.
fn staff_and_permit(dir: &Path) -> String {
    let app = open_app(dir);
    let now = Utc::now();
    add_desk_staff(&app, now);
    file_permit(&app, "安居装饰", &["张三明:13700001111"], true, now).code
}

/// The binary run as the staff member `--by` names, with their PIN on standard input.
fn cli(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run_cli_as(dir, args)
}

#[test]
fn a_desk_role_is_refused_a_permit_revoke_and_the_permit_stays_active() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = staff_and_permit(d);

    let (exit, _, err) = cli(d, &["permit", "revoke", &code, "--by", "王芳"]);
    assert_eq!(exit, 1, "a refusal is a negative answer");
    assert!(
        err.contains("只有主管可以撤销装修备案") && err.contains("谢谢"),
        "{err}"
    );
    assert_eq!(permit_status(d, &code), PermitStatus::Active, "the permit stays active");

    // The English wording when the kiosk speaks English.
    let en = d.join("en.toml");
    std::fs::write(
        &en,
        lobby_kiosk::config::EMBEDDED_DEFAULT.replace("language = \"zh-CN\"", "language = \"en\""),
    )
    .unwrap();
    let (exit, _, err) = cli(
        d,
        &[
            "--config",
            en.to_str().unwrap(),
            "permit",
            "revoke",
            &code,
            "--by",
            "王芳",
        ],
    );
    assert_eq!(exit, 1);
    assert!(err.contains("Only a supervisor may revoke a permit"), "{err}");
    assert_eq!(permit_status(d, &code), PermitStatus::Active);
    assert!(
        !audit(d).iter().any(|(_, action, _, _)| action == "permit_revoked"),
        "nothing is recorded for a refusal"
    );

    let (exit, out, err) = cli(d, &["permit", "revoke", &code, "--by", "李明"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert_eq!(permit_status(d, &code), PermitStatus::Revoked);
    assert!(
        audit(d).contains(&row("李明", "permit_revoked", &code, "")),
        "the dashboard's action name"
    );
}

#[test]
fn deny_list_changes_are_a_supervisors_and_audited_as_on_the_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    staff_and_permit(d);

    let (exit, _, err) = cli(d, &["deny", "add", "13900000009", "--reason", "滋扰", "--by", "王芳"]);
    assert_eq!(exit, 1);
    assert!(err.contains("只有主管可以管理限制名单"), "{err}");
    assert!(open_app(d).store().deny_list().unwrap().is_empty());

    let (exit, _, err) = cli(d, &["deny", "add", "1390000", "--reason", "滋扰", "--by", "李明"]);
    assert_eq!(exit, 2, "a malformed number is a usage error: {err}");
    assert!(err.contains("11 位"), "{err}");

    let (exit, out, err) = cli(d, &["deny", "add", "13900000009", "--reason", "滋扰", "--by", "李明"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert!(out.contains("139****0009") && !out.contains("13900000009"), "{out}");
    assert!(audit(d).contains(&row("李明", "deny_add", "139****0009", "滋扰")));

    let (exit, _, err) = cli(d, &["deny", "remove", "13900000009", "--by", "王芳"]);
    assert_eq!(exit, 1);
    assert!(err.contains("只有主管"), "{err}");
    assert_eq!(open_app(d).store().deny_list().unwrap().len(), 1);
    let (exit, out, err) = cli(d, &["deny", "remove", "139-0000-0009", "--by", "李明"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert!(!out.contains("13900000009"), "{out}");
    assert!(open_app(d).store().deny_list().unwrap().is_empty());
    assert!(audit(d).contains(&row("李明", "deny_remove", "139****0009", "")));
    let (exit, _, err) = cli(d, &["deny", "remove", "13900000009", "--by", "李明"]);
    assert_eq!(exit, 1);
    assert!(
        err.contains("不在限制名单中") && err.contains("139****0009") && !err.contains("13900000009"),
        "{err}"
    );
}

#[test]
fn permit_extend_to_a_later_date_is_audited_and_a_date_not_after_the_end_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = staff_and_permit(d);

    let (exit, out, err) = cli(d, &["permit", "extend", &code, "--to", "2026-12-10", "--by", "王芳"]);
    assert_eq!(exit, 0, "{out}{err}");
    let end = open_app(d).store().permit_by_code(&code).unwrap().unwrap().end_date;
    assert_eq!(end, NaiveDate::from_ymd_opt(2026, 12, 10).unwrap());
    assert!(audit(d).contains(&row("王芳", "permit_extend", &code, "2026-12-10")));

    for (to, why) in [
        ("2026-12-10", "not after the end"),
        ("2026-12-01", "earlier"),
        ("2027-06-01", "too far"),
    ] {
        let (exit, _, err) = cli(d, &["permit", "extend", &code, "--to", to, "--by", "王芳"]);
        assert_eq!(exit, 1, "{why}");
        assert!(err.contains("最多延后 90 天"), "{why}: {err}");
    }
    assert_eq!(
        cli(d, &["permit", "extend", &code, "--to", "next week", "--by", "王芳"]).0,
        2
    );
    let (exit, _, err) = cli(d, &["permit", "extend", "000000", "--to", "2026-12-20", "--by", "王芳"]);
    assert_eq!(exit, 1);
    assert!(err.contains("没有找到这份装修备案"), "{err}");
    assert_eq!(
        audit(d).iter().filter(|(_, a, _, _)| a == "permit_extend").count(),
        1,
        "only the extension that happened"
    );
}

#[test]
fn only_a_suspended_permit_resumes_and_a_finished_one_stays_finished() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = staff_and_permit(d);

    assert_eq!(
        cli(d, &["permit", "resume", &code, "--by", "王芳"]).0,
        1,
        "already active"
    );
    assert_eq!(cli(d, &["permit", "suspend", &code, "--by", "王芳"]).0, 0);
    assert_eq!(permit_status(d, &code), PermitStatus::Suspended);
    assert_eq!(cli(d, &["permit", "resume", &code, "--by", "王芳"]).0, 0);
    assert_eq!(permit_status(d, &code), PermitStatus::Active);
    assert_eq!(cli(d, &["permit", "finish", &code, "--by", "王芳"]).0, 0);

    let (exit, _, err) = cli(d, &["permit", "resume", &code, "--by", "王芳"]);
    assert_eq!(exit, 1);
    assert!(err.contains("已完工") && err.contains("无法恢复"), "{err}");
    let (exit, _, err) = cli(d, &["permit", "revoke", &code, "--by", "李明"]);
    assert_eq!(exit, 1, "a finished permit cannot be revoked: {err}");
    assert_eq!(permit_status(d, &code), PermitStatus::Finished);

    let actions: Vec<_> = audit(d)
        .into_iter()
        .filter(|(_, _, record, _)| *record == code)
        .map(|(staff, action, _, _)| (staff, action))
        .collect();
    assert_eq!(
        actions,
        [
            ("王芳".to_string(), "permit_suspended".to_string()),
            ("王芳".into(), "permit_active".into()),
            ("王芳".into(), "permit_finished".into()),
        ],
        "the dashboard's action names, nothing for the refusals"
    );
}

#[test]
fn invite_revoke_visit_sign_out_and_visit_decisions_leave_audit_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (invite, courier, guest, other) = {
        let app = open_app(d);
        let now = Utc::now();
        add_desk_staff(&app, now);
        let today = now.with_timezone(&app.config.tz()).date_naive();
        let invite = lobby_kiosk::journeys::visitor::create_invite(
            &app,
            &lobby_kiosk::journeys::visitor::InviteRequest {
                unit: "1-1-101",
                surname: "李",
                phone: "13900000005",
                from: today,
                until: today,
                by: "李明",
            },
            now,
        )
        .unwrap()
        .unwrap();
        (
            invite.code,
            courier_on_site(&app, "13900000002", now).visit_no,
            waiting_guest(&app, "13900000001", now).visit_no,
            waiting_guest(&app, "13900000003", now).visit_no,
        )
    };

    let (exit, out, err) = cli(d, &["invite", "revoke", &invite, "--by", "王芳"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert!(audit(d).contains(&row("王芳", "invite_revoke", &invite, "")));
    let (exit, _, err) = cli(d, &["invite", "revoke", &invite, "--by", "王芳"]);
    assert_eq!(exit, 1, "already cancelled");
    assert!(err.contains("没有找到有效的预约码"), "{err}");

    let (exit, out, err) = cli(d, &["visit", "sign-out", &courier, "--by", "王芳"]);
    assert_eq!(exit, 0, "{out}{err}");
    assert!(audit(d).contains(&row("王芳", "sign_out", &courier, "")));
    let (exit, _, err) = cli(d, &["visit", "sign-out", &courier, "--by", "王芳"]);
    assert_eq!(exit, 1);
    assert!(err.contains("不在场"), "{err}");

    let (exit, out, err) = cli(d, &["visit", "approve", &guest, "--by", "王芳", "--json"]);
    assert_eq!(exit, 0, "{out}{err}");
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["printed"], true);
    assert_eq!(cli(d, &["visit", "deny", &other, "--by", "李明"]).0, 0);
    let (exit, _, err) = cli(d, &["visit", "deny", &guest, "--by", "李明"]);
    assert_eq!(exit, 1);
    assert!(err.contains("已处理过"), "{err}");
    let rows = audit(d);
    assert!(rows.contains(&row("王芳", "visit_approve", &guest, "")));
    assert!(rows.contains(&row("李明", "visit_deny", &other, "")));
    assert_eq!(rows.iter().filter(|(_, a, _, _)| a.starts_with("visit_")).count(), 2);
}
