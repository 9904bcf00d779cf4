//! The staff dashboard's sections through the screen: every action leaves an audit row,
//! a desk role is politely refused what only a supervisor does, the shift handover is
//! taken over with a colleague's PIN, and the day's summary prints by itself once.

mod common;

use std::rc::Rc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::*;
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::journeys::visitor::{self, InviteRequest};
use lobby_kiosk::store::PermitStatus;
use lobby_kiosk::ui::{Kiosk, StaffAdapter, StaffStep};
use slint::ComponentHandle;

struct Seeded {
    waiting: String,
    courier: String,
    ticket: String,
    pass: String,
    permit: String,
    invite: String,
}

/// A supervisor 李明 (258036) and a desk colleague 王芳 (402718), and one of everything
/// the dashboard acts on, at Monday 10:00 (inside renovation hours).
fn seed(app: &App) -> Seeded {
    let now = monday_at(10, 0);
    app.set_now(Some(now));
    add_desk_staff(app, now);
    let waiting = waiting_guest(app, "13900000001", now);
    let courier = courier_on_site(app, "13900000002", now);
    let permit = file_permit(app, "安居装饰", &["张三明:13700001111"], true, now);
    let pass = issue_pass(app, &permit, "13700001111", now);
    let ticket = repair_ticket(app, now);
    let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
    let invite = visitor::create_invite(
        app,
        &InviteRequest {
            unit: "1-1-101",
            surname: "李",
            phone: "13900000005",
            from: d(30),
            until: d(30),
            by: "李明",
        },
        now,
    )
    .unwrap()
    .unwrap();
    app.store().deny_add("13900000009", "多次滋扰", "李明", now).unwrap();
    Seeded {
        waiting: waiting.visit_no,
        courier: courier.visit_no,
        ticket: ticket.ticket_no,
        pass: pass.pass_no,
        permit: permit.code,
        invite: invite.code,
    }
}

fn audit_actions(app: &App, who: &str) -> Vec<String> {
    app.store()
        .audit_since(monday_at(0, 0))
        .unwrap()
        .into_iter()
        .filter(|e| e.staff == who && e.action != "staff_add")
        .map(|e| e.action)
        .collect()
}

#[test]
fn every_dashboard_action_leaves_an_audit_row() {
    let k = kiosk();
    let s = seed(k.app());
    staff_log_in(&k, "258036");

    // 今日待办: approve, sign out, move a ticket on twice.
    tap(&k, &format!("同意 {}", s.waiting));
    tap(&k, &format!("登记离场 {}", s.courier));
    assert!(read(&k, "操作结果").contains("已登记离场"), "{}", read(&k, "操作结果"));
    tap(&k, &format!("派单 {}", s.ticket));
    tap(&k, &format!("开始处理 {}", s.ticket));
    assert!(read(&k, "操作结果").contains("处理中"), "{}", read(&k, "操作结果"));
    assert!(
        is_shown(&k, &format!("处理完成 {}", s.ticket)),
        "the next step is offered"
    );

    // 装修施工: revoke the pass; suspend, resume, extend and revoke the permit.
    tap(&k, "装修施工");
    tap(&k, &format!("撤销通行证 {}", s.pass));
    assert!(shows_text(&k, "已撤销"));
    tap(&k, &format!("暂停备案 {}", s.permit));
    tap(&k, &format!("恢复备案 {}", s.permit));
    tap(&k, &format!("延期 7 天 {}", s.permit));
    let permit = k.app().store().permit_by_code(&s.permit).unwrap().unwrap();
    assert_eq!(permit.end_date, NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    tap(&k, &format!("撤销备案 {}", s.permit));
    let permit = k.app().store().permit_by_code(&s.permit).unwrap().unwrap();
    assert_eq!(permit.status, PermitStatus::Revoked);

    // 访客名单: revoke the invite, remove and add deny-list numbers.
    tap(&k, "访客名单");
    tap(&k, &format!("作废邀请 {}", s.invite));
    tap(&k, "移出限制名单 139****0009");
    assert!(is_shown(&k, "限制名单（0）"));
    tap(&k, "添加限制号码");
    type_keys(&k, "13900000008");
    tap(&k, "确定");
    type_latin(&k, "NOISE");
    tap(&k, "完成");
    assert!(is_shown(&k, "限制名单（1）"));
    assert!(shows_text(&k, "139****0008"));
    assert!(!shows_text(&k, "13900000008"), "the whole number is never shown");

    // 交接班: close the shift with notes.
    tap(&k, "交接班");
    tap(&k, "交班");
    type_latin(&k, "KEYS");
    tap(&k, "提交交班");
    assert!(is_shown(&k, "接班确认"));

    // Print the roster, then close the program (confirmed).
    tap(&k, "打印在场名单");
    tap(&k, "关闭程序");
    assert!(!k.exit_requested(), "closing asks first");
    tap(&k, "确认关闭");
    assert!(k.exit_requested());
    tap(&k, "退出登录");
    assert_eq!(k.window.global::<StaffAdapter>().get_step(), StaffStep::Pin);
    assert_eq!(
        k.window.global::<lobby_kiosk::ui::AppState>().get_page(),
        lobby_kiosk::ui::Page::Home,
        "退出 lands on the home page, ready for the next visitor"
    );

    assert_eq!(
        audit_actions(k.app(), "李明"),
        [
            "invite_create",
            "login",
            "visit_approve",
            "sign_out",
            "ticket_update",
            "ticket_update",
            "pass_revoke",
            "permit_suspended",
            "permit_active",
            "permit_extend",
            "permit_revoked",
            "invite_revoke",
            "deny_remove",
            "deny_add",
            "shift_close",
            "roster_print",
            "app_exit",
            "logout",
        ]
    );
    let audit = k.app().store().audit_since(monday_at(0, 0)).unwrap();
    assert!(
        audit
            .iter()
            .all(|e| !e.record.contains("13900000008") && !e.record.contains("13900000009")),
        "the audit masks phones"
    );
}

#[test]
fn a_lost_pass_is_printed_again_from_the_renovation_section_as_the_same_pass() {
    let k = kiosk();
    let s = seed(k.app());
    staff_log_in(&k, "402718");
    tap(&k, "装修施工");
    let passes = |k: &TestKiosk| -> Vec<Vec<u8>> {
        printed_slips(k.dir.path())
            .into_iter()
            .filter(|(name, _)| name.contains("pass"))
            .map(|(_, bytes)| bytes)
            .collect()
    };
    assert_eq!(passes(&k).len(), 1, "the pass printed when it was issued");
    tap(&k, &format!("补打通行证 {}", s.pass));
    let message = read(&k, "操作结果");
    assert!(message.contains(&s.pass) && message.contains("已重打"), "{message}");
    let printed = passes(&k);
    assert_eq!(printed.len(), 2);
    assert_eq!(printed[0], printed[1], "byte for byte the same pass, same QR");
    assert!(k
        .app()
        .store()
        .audit_since(monday_at(0, 0))
        .unwrap()
        .iter()
        .any(|e| e.staff == "王芳" && e.action == "reprint"));

    // A revoked pass is never printed again, and the button goes with it.
    tap(&k, &format!("撤销通行证 {}", s.pass));
    assert!(!is_shown(&k, &format!("补打通行证 {}", s.pass)));
    let refused = lobby_kiosk::journeys::reprint::reprint_pass(k.app(), &s.pass, "王芳", monday_at(10, 5)).unwrap();
    assert!(refused.is_err());
    assert_eq!(passes(&k).len(), 2);
}

#[test]
fn a_desk_role_is_politely_refused_what_only_a_supervisor_does() {
    let k = kiosk();
    let s = seed(k.app());
    staff_log_in(&k, "402718");
    assert!(!is_shown(&k, "关闭程序"), "only a supervisor sees the program exit");

    tap(&k, "装修施工");
    tap(&k, &format!("撤销备案 {}", s.permit));
    let said = read(&k, "操作结果");
    assert!(said.contains("需由主管办理") && said.contains("谢谢"), "{said}");
    let permit = k.app().store().permit_by_code(&s.permit).unwrap().unwrap();
    assert_eq!(permit.status, PermitStatus::Active, "the permit stays active");
    // Suspending is the desk's to do.
    tap(&k, &format!("暂停备案 {}", s.permit));
    assert!(read(&k, "操作结果").contains("备案已暂停"));

    tap(&k, "访客名单");
    tap(&k, "添加限制号码");
    assert!(read(&k, "操作结果").contains("需由主管办理"));
    assert!(is_shown(&k, "限制名单（1）"), "still on the dashboard, nothing typed");
    tap(&k, "移出限制名单 139****0009");
    assert!(is_shown(&k, "限制名单（1）"));
    assert_eq!(audit_actions(k.app(), "王芳"), ["login", "permit_suspended"]);
}

#[test]
fn the_handover_lists_what_is_open_and_a_colleague_takes_it_over_with_their_pin() {
    let k = kiosk();
    let s = seed(k.app());
    staff_log_in(&k, "402718");
    tap(&k, "交接班");
    assert!(
        is_shown(&k, "当前未办结事项（4）"),
        "ticket, waiting guest, courier and worker on site, and no print fault: {:?}",
        screen_text(&k)
    );
    for number in [&s.ticket, &s.waiting, &s.courier, &s.pass] {
        assert!(shows_text(&k, number), "{number} is listed");
    }

    tap(&k, "交班");
    type_latin(&k, "GATE B");
    tap(&k, "提交交班");
    assert!(is_shown(&k, "待接班确认：王芳 于 11-30 10:00 交班"));
    assert!(read(&k, "交班留言").contains("Gate B"), "{}", read(&k, "交班留言"));

    // The one handing over cannot take it over; a colleague's PIN does.
    tap(&k, "接班确认");
    type_keys(&k, "402718");
    tap(&k, "确认接班");
    assert!(read(&k, "输入提示").contains("另一位同事"), "{}", read(&k, "输入提示"));
    type_keys(&k, "258036");
    tap(&k, "确认接班");
    assert!(
        read(&k, "当班人员").contains("李明"),
        "the dashboard continues as the one who took over"
    );
    assert!(read(&k, "操作结果").contains("已接班"));
    assert!(read(&k, "上次交接").contains("王芳"));
    assert!(is_shown(&k, "交班"), "nothing waits to be taken over now");
    assert_eq!(audit_actions(k.app(), "王芳"), ["login", "shift_close"]);
    // The invite made for the setup is audited too (issue 15).
    assert_eq!(audit_actions(k.app(), "李明"), ["invite_create", "shift_ack"]);
}

fn report_slips(dir: &std::path::Path) -> usize {
    printed_slips(dir)
        .iter()
        .filter(|(n, _)| n.ends_with("-report.bin"))
        .count()
}

#[test]
fn the_daily_summary_prints_by_itself_once_a_day_at_the_configured_time() {
    let at_nine = |t: String| t.replace("daily_report_time = \"\"", "daily_report_time = \"21:00\"");
    let k = kiosk_with(at_nine);
    let at = |h, m| {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(2026, 11, 30, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    // The check runs once a minute, so each step lets a minute pass.
    k.app().set_now(Some(at(20, 59)));
    wait_seconds(60);
    settle(&k);
    assert_eq!(report_slips(k.dir.path()), 0, "not before its time");
    k.app().set_now(Some(at(21, 0)));
    wait_seconds(60);
    settle(&k);
    assert_eq!(report_slips(k.dir.path()), 1);
    k.app().set_now(Some(at(22, 30)));
    wait_seconds(60);
    settle(&k);
    assert_eq!(report_slips(k.dir.path()), 1, "once a day");

    // A restart the same evening does not print it again; the next evening it prints.
    let TestKiosk { kiosk, dir } = k;
    drop(kiosk);
    let loaded = LoadedConfig::from_text(&at_nine(EMBEDDED_DEFAULT.to_string()), ConfigSource::Embedded).unwrap();
    let app = Rc::new(App::open(loaded, Some(dir.path())).unwrap());
    app.set_now(Some(at(23, 0)));
    let again = Kiosk::new(app.clone()).unwrap();
    again.window.show().unwrap();
    wait_seconds(60);
    again.settle_printing(std::time::Duration::from_secs(10));
    assert_eq!(report_slips(dir.path()), 1, "a restart does not print twice");
    app.set_now(Some(at(21, 0) + Duration::days(1)));
    wait_seconds(60);
    again.settle_printing(std::time::Duration::from_secs(10));
    assert_eq!(report_slips(dir.path()), 2);
    let audit = app.store().audit_since(at(0, 0)).unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "report_auto_print").count(), 2);
}
