//! Visitor registration end to end, driven as a visitor would: tap, type, read the
//! screen; the desk's decisions come through the same code the CLI uses.

mod common;

use std::cell::Cell;

use chrono::{Duration, Utc};
use common::*;
use lobby_kiosk::domain::token::{self, TokenKind};
use lobby_kiosk::journeys::visitor;
use lobby_kiosk::store::VisitStatus;
use lobby_kiosk::ui::{AppState, Page, VisitorAdapter, VisitorStep};
use slint::ComponentHandle;

const PHONE: &str = "13912345678";

thread_local! {
    static TAPS: Cell<u32> = const { Cell::new(0) };
}

/// Taps a button and counts it (digits are counted apart, as the budget says).
fn tap_counted(k: &TestKiosk, label: &str) {
    TAPS.with(|t| t.set(t.get() + 1));
    tap(k, label);
}

fn type_digits(k: &TestKiosk, digits: &str) {
    for c in digits.chars() {
        if c == '-' {
            tap(k, "分隔符 -");
        } else {
            tap(k, &c.to_string());
        }
    }
}

fn step(k: &TestKiosk) -> VisitorStep {
    k.window.global::<VisitorAdapter>().get_step()
}

/// A walk-in up to the consent button: unit, phone, surname from the grid.
fn walk_in_to_details(k: &TestKiosk, unit: &str, phone: &str) {
    tap_counted(k, "访客登记");
    type_digits(k, unit);
    tap_counted(k, "下一步");
    type_digits(k, phone);
    tap_counted(k, "下一步");
    if step(k) == VisitorStep::Returning {
        tap_counted(k, "是我本人");
    } else {
        tap_counted(k, "姓 王");
    }
    assert_eq!(step(k), VisitorStep::Details);
}

fn last_visit(k: &TestKiosk) -> lobby_kiosk::store::Visit {
    k.app()
        .store()
        .last_visit_by_phone(PHONE)
        .unwrap()
        .expect("the visit was recorded")
}

#[test]
fn a_walk_in_waits_for_the_host_then_gets_a_slip_whose_qr_verifies() {
    let k = kiosk();
    TAPS.with(|t| t.set(0));
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap_counted(&k, "同意并登记");
    let taps = TAPS.with(|t| t.get());
    assert!(
        taps <= 6,
        "a walk-in with the surname in the grid takes {taps} taps plus the digits"
    );
    assert_eq!(step(&k), VisitorStep::Waiting);
    assert_eq!(
        read(&k, "请稍等，我马上联系"),
        "正在为您联系 1-1-101 的住户，请在此稍候，谢谢您的耐心等待！"
    );
    let visit = last_visit(&k);
    assert_eq!(visit.status, VisitStatus::Waiting);
    assert!(
        printed_slips(k.dir.path()).is_empty(),
        "nothing prints before the host agrees"
    );
    let notices = k.app().store().notices(10).unwrap();
    assert_eq!(notices[0].kind, "visitor_waiting", "the desk is told");
    assert!(!notices[0].notice.contains(PHONE), "the desk's message is masked");

    // The desk approves (CLI now, staff mode later); the waiting screen notices.
    visitor::decide(k.app(), visit.id, true, "desk", Utc::now())
        .unwrap()
        .unwrap();
    settle(&k);
    wait_seconds(2);
    assert_eq!(step(&k), VisitorStep::Approved);
    assert_eq!(read(&k, "访问编号"), visit.visit_no);

    let slips = printed_slips(k.dir.path());
    assert_eq!(slips.len(), 1);
    assert!(slips[0].0.ends_with("-visitor.bin"));
    let bytes = &slips[0].1;
    assert!(!contains(bytes, PHONE.as_bytes()), "no full phone number on the slip");
    let masked = encoding_rs::GB18030.encode("139****5678").0;
    assert!(contains(bytes, &masked), "the masked phone is printed");
    let qr = qr_in_escpos(bytes).expect("the slip carries a readable QR code");
    let payload = token::verify(&qr, &k.app().keys.ring(), Utc::now(), |_, _| false).expect("the QR token verifies");
    assert_eq!(payload.kind, TokenKind::Visit);
    assert_eq!(payload.id, visit.id as u64);
    assert_eq!(payload.unit, "1-1-101");
    for text in screen_text(&k) {
        assert!(!text.contains(PHONE), "full phone on screen: {text}");
    }
    tap(&k, "完成");
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn an_unknown_unit_gets_the_manuals_answer_and_a_retry() {
    let k = kiosk();
    tap(&k, "访客登记");
    type_digits(&k, "9-9-909");
    tap(&k, "下一步");
    assert_eq!(step(&k), VisitorStep::Unit);
    assert_eq!(
        read(&k, "提示"),
        "抱歉，没有找到这个房号。请您再核对一下小区和房号，然后重新输入。"
    );
    tap(&k, "清空");
    type_digits(&k, "2-1-302");
    tap(&k, "下一步");
    assert_eq!(step(&k), VisitorStep::Phone);
}

#[test]
fn a_courier_is_let_in_at_once() {
    let k = kiosk();
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap(&k, "快递");
    tap(&k, "同意并登记");
    assert_eq!(step(&k), VisitorStep::Approved);
    assert_eq!(last_visit(&k).status, VisitStatus::Approved);
    assert_eq!(printed_slips(k.dir.path()).len(), 1);
}

#[test]
fn a_denied_visit_is_told_politely_with_no_slip() {
    let k = kiosk();
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap(&k, "同意并登记");
    visitor::decide(k.app(), last_visit(&k).id, false, "desk", Utc::now()).unwrap();
    wait_seconds(2);
    assert_eq!(step(&k), VisitorStep::Denied);
    assert!(is_shown(&k, "住户现在不方便接待来访"));
    assert!(printed_slips(k.dir.path()).is_empty());
}

#[test]
fn the_deny_list_holds_a_visitor_without_saying_why() {
    let k = kiosk();
    k.app()
        .store()
        .deny_add(PHONE, "曾多次滋扰住户", "supervisor", Utc::now())
        .unwrap();
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap(&k, "快递"); // even an auto-approved type is held
    tap(&k, "同意并登记");
    assert_eq!(step(&k), VisitorStep::Waiting, "the same waiting screen as any visitor");
    for text in screen_text(&k) {
        assert!(!text.contains("滋扰"), "the reason is never shown: {text}");
    }
    let visit = last_visit(&k);
    assert_eq!(visit.status, VisitStatus::Held);
    assert!(printed_slips(k.dir.path()).is_empty());
    let notices = k.app().store().notices(10).unwrap();
    assert_eq!(notices[0].kind, "visitor_held", "staff are alerted");
    // Nobody answers: after the configured wait the visitor is sent to the desk.
    wait_seconds(k.app().config.visitor.approval_wait_secs + 2);
    assert_eq!(step(&k), VisitorStep::Desk);
}

#[test]
fn a_returning_visitor_is_recognised_and_prefilled() {
    let k = kiosk();
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap(&k, "快递");
    tap(&k, "同意并登记");
    tap(&k, "完成");
    tap(&k, "访客登记");
    type_digits(&k, "1-1-102");
    tap(&k, "下一步");
    type_digits(&k, PHONE);
    tap(&k, "下一步");
    assert_eq!(step(&k), VisitorStep::Returning);
    assert_eq!(read(&k, "欢迎您再次光临！"), "请问您是 王* 139****5678 吗？");
    tap(&k, "是我本人");
    assert_eq!(step(&k), VisitorStep::Details);
    assert_eq!(k.window.global::<VisitorAdapter>().get_surname(), "王");
}

fn invite(k: &TestKiosk) -> String {
    let today = Utc::now().with_timezone(&k.app().config.tz()).date_naive();
    let request = visitor::InviteRequest {
        unit: "3-2-1001",
        surname: "李",
        phone: PHONE,
        from: today,
        until: today,
        by: "desk",
    };
    let created = visitor::create_invite(k.app(), &request, Utc::now()).unwrap().unwrap();
    created.code
}

#[test]
fn an_invite_code_checks_in_within_three_taps() {
    let k = kiosk();
    let code = invite(&k);
    TAPS.with(|t| t.set(0));
    tap_counted(&k, "访客登记");
    tap_counted(&k, "我有预约码");
    type_digits(&k, &code);
    tap_counted(&k, "登记");
    assert_eq!(TAPS.with(|t| t.get()), 3);
    assert_eq!(step(&k), VisitorStep::Approved);
    assert_eq!(printed_slips(k.dir.path()).len(), 1);
    let notices = k.app().store().notices(10).unwrap();
    assert!(
        notices.iter().any(|n| n.notice.contains("预约访客已到达")),
        "the host is told"
    );
    // A used code cannot check in twice.
    tap(&k, "完成");
    tap(&k, "访客登记");
    tap(&k, "我有预约码");
    type_digits(&k, &code);
    tap(&k, "登记");
    assert!(read(&k, "提示").starts_with("这个预约码未能核对成功"));
}

#[test]
fn an_invite_qr_scanned_on_the_home_page_checks_in_with_no_taps() {
    let k = kiosk();
    let code = invite(&k);
    scan(&k, &code);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Visitor);
    assert_eq!(step(&k), VisitorStep::Approved);
}

#[test]
fn scanning_the_slip_when_leaving_signs_out() {
    let k = kiosk();
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap(&k, "快递");
    tap(&k, "同意并登记");
    tap(&k, "完成");
    let slips = printed_slips(k.dir.path());
    let token = qr_in_escpos(&slips[0].1).unwrap();
    scan(&k, &token);
    assert_eq!(step(&k), VisitorStep::SignedOut);
    assert_eq!(last_visit(&k).status, VisitStatus::SignedOut);
    assert!(k.app().store().visits_on_site(Utc::now()).unwrap().is_empty());
    tap(&k, "完成");
    scan(&k, &token);
    assert_eq!(step(&k), VisitorStep::NotOnSite, "a second scan is answered kindly");
}

#[test]
fn expired_visits_are_signed_out_automatically() {
    let k = kiosk();
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap(&k, "快递");
    tap(&k, "同意并登记");
    let later = Utc::now() + Duration::days(1);
    assert_eq!(k.app().store().sign_out_expired_visits(later).unwrap(), 1);
    let visit = last_visit(&k);
    assert_eq!(visit.status, VisitStatus::SignedOut);
    assert_eq!(visit.sign_out_kind.as_deref(), Some("auto"), "flagged for the desk");
}

#[test]
fn going_back_and_idle_reset_forget_the_visitor() {
    let k = kiosk();
    walk_in_to_details(&k, "1-1-101", PHONE);
    wait_seconds(120);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home);
    tap(&k, "访客登记");
    assert_eq!(step(&k), VisitorStep::Unit);
    assert_eq!(read(&k, "您要拜访的房号"), "", "nothing typed survives the idle reset");
}
