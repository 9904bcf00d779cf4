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

/// Taps a button and counts it: every touch counts, digits included, as a person
/// counts them (docs/PERFORMANCE.md keeps the totals).
fn tap_counted(k: &TestKiosk, label: &str) {
    TAPS.with(|t| t.set(t.get() + 1));
    tap(k, label);
}

fn touches() -> u32 {
    TAPS.with(|t| t.get())
}

fn type_digits(k: &TestKiosk, digits: &str) {
    for c in digits.chars() {
        if c == '-' {
            tap_counted(k, "分隔符 -");
        } else {
            tap_counted(k, &c.to_string());
        }
    }
}

fn step(k: &TestKiosk) -> VisitorStep {
    k.window.global::<VisitorAdapter>().get_step()
}

/// A walk-in up to the consent button: phone first, then the unit and the surname from
/// the grid (a returning visitor names another unit and keeps their surname).
fn walk_in_to_details(k: &TestKiosk, unit: &str, phone: &str) {
    walk_in_with_surname(k, unit, phone, "王");
}

fn walk_in_with_surname(k: &TestKiosk, unit: &str, phone: &str, surname: &str) {
    tap_counted(k, "访客登记");
    assert_eq!(step(k), VisitorStep::Phone, "the phone comes first");
    type_digits(k, phone);
    tap_counted(k, "下一步");
    if step(k) == VisitorStep::Returning {
        tap_counted(k, "到别的房号");
    }
    assert_eq!(step(k), VisitorStep::Unit);
    type_digits(k, unit);
    tap_counted(k, "下一步");
    if step(k) == VisitorStep::Surname {
        tap_counted(k, &format!("姓 {surname}"));
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
    // 1 entry + 11 phone digits + 下一步 + 7 for 1-1-101 + 下一步 + 姓 王 + 同意并登记.
    assert_eq!(touches(), 23, "a first-time walk-in, every touch counted");
    assert_eq!(step(&k), VisitorStep::Waiting);
    assert_eq!(
        read(&k, "请稍等，我马上联系"),
        "正在为您联系 1-1-101 的住户，请在此稍候，谢谢您的耐心等待！"
    );
    let visit = last_visit(&k);
    // The waiting screen says what is happening, not a blank card.
    assert_eq!(
        read(&k, "访问编号"),
        visit.visit_no,
        "the visit number is shown while waiting"
    );
    assert_eq!(read(&k, "已等待"), "已等待 0 分 0 秒");
    assert!(
        read(&k, "接下来").contains("如果 5 分钟内住户没有回复，请到前台"),
        "{}",
        read(&k, "接下来")
    );
    assert!(is_shown(&k, "取消登记"), "a way to step away");
    wait_seconds(65);
    assert_eq!(read(&k, "已等待"), "已等待 1 分 5 秒", "the wait is counted as it goes");
    assert_eq!(visit.status, VisitStatus::Waiting);
    assert!(
        printed_slips(k.dir.path()).is_empty(),
        "nothing prints before the host agrees"
    );
    let notices = k.app().store().notices(10).unwrap();
    assert_eq!(notices[0].kind, "visitor_waiting", "the desk is told");
    assert!(!notices[0].notice.contains(PHONE), "the desk's message is masked");

    // The desk approves (CLI now, staff mode later); the waiting screen notices at once.
    visitor::decide(k.app(), visit.id, true, "desk", Utc::now())
        .unwrap()
        .unwrap();
    settle(&k);
    wait_seconds(1);
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
    type_digits(&k, PHONE);
    tap(&k, "下一步");
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
    assert_eq!(step(&k), VisitorStep::Surname);
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
fn a_returning_visitor_types_the_phone_and_is_offered_the_last_visit_within_15_touches() {
    let k = kiosk();
    walk_in_to_details(&k, "3-2-702", PHONE);
    tap(&k, "同意并登记");
    visitor::decide(k.app(), last_visit(&k).id, true, "desk", Utc::now()).unwrap();
    k.window.global::<AppState>().invoke_go_home();

    TAPS.with(|t| t.set(0));
    tap_counted(&k, "访客登记");
    type_digits(&k, PHONE);
    tap_counted(&k, "下一步");
    assert_eq!(step(&k), VisitorStep::Returning);
    assert_eq!(
        read(&k, "欢迎您再次光临！"),
        "王先生/女士，这次还是到 3-2-702 吗？",
        "their own surname, politely, and their last visit"
    );
    assert!(!shows_text(&k, "王*"), "never 王* for the visitor's own surname");
    tap_counted(&k, "是的");
    assert_eq!(step(&k), VisitorStep::Details);
    assert!(shows_text(&k, "王先生/女士，您好！请选择来访类型"));
    tap_counted(&k, "同意并登记");
    assert!(touches() <= 15, "a returning visitor took {} touches", touches());
    assert_eq!(touches(), 15);
    assert_eq!(step(&k), VisitorStep::Waiting);
    let visit = last_visit(&k);
    assert_eq!((visit.unit_no.as_str(), visit.surname.as_str()), ("3-2-702", "王"));

    // Another unit this time: the surname is kept, the unit asked.
    k.window.global::<AppState>().invoke_go_home();
    tap(&k, "访客登记");
    type_digits(&k, PHONE);
    tap(&k, "下一步");
    tap(&k, "到别的房号");
    type_digits(&k, "1-1-102");
    tap(&k, "下一步");
    assert_eq!(step(&k), VisitorStep::Details, "no surname asked again");
    assert_eq!(k.window.global::<VisitorAdapter>().get_surname(), "王");

    // Someone else with this phone: starts afresh and picks their own surname.
    k.window.global::<AppState>().invoke_go_home();
    tap(&k, "访客登记");
    type_digits(&k, PHONE);
    tap(&k, "下一步");
    tap(&k, "不是我本人");
    type_digits(&k, "1-1-102");
    tap(&k, "下一步");
    assert_eq!(step(&k), VisitorStep::Surname);
}

#[test]
fn in_english_the_returning_visitor_reads_their_last_visit() {
    let k = kiosk();
    walk_in_to_details(&k, "3-2-702", PHONE);
    tap(&k, "同意并登记");
    k.window.global::<AppState>().invoke_go_home();
    tap(&k, "English");
    tap(&k, "Visitor registration");
    type_digits(&k, PHONE);
    tap(&k, "Next");
    assert_eq!(read(&k, "Welcome back!"), "Mr/Ms 王, are you visiting 3-2-702 again?");
    tap(&k, "Yes");
    assert_eq!(step(&k), VisitorStep::Details);
}

#[test]
fn a_surname_near_the_end_of_the_top_100_is_one_tap_on_the_first_page() {
    let k = kiosk();
    TAPS.with(|t| t.set(0));
    // 常 is 100th of the most common surnames; 孟 71st.
    walk_in_with_surname(&k, "1-1-101", PHONE, "常");
    tap_counted(&k, "同意并登记");
    assert_eq!(touches(), 23, "常 costs what 王 costs");
    assert_eq!(last_visit(&k).surname, "常");
}

/// The tile of a surname: on the first page, at least 48 px both ways, and (where the
/// page as a whole fits the window) inside the window.
fn tile_ok(k: &TestKiosk, name: &str, width: f32, height: f32, must_fit: bool) {
    let tiles = find_all(k, &format!("姓 {name}"));
    assert_eq!(tiles.len(), 1, "{name} is on the first page");
    let size = tiles[0].size();
    let at = tiles[0].absolute_position();
    assert!(
        size.width >= 48.0 && size.height >= 48.0,
        "{name} at {width}x{height}: {size:?}"
    );
    assert!(
        !must_fit
            || at.x >= 0.0 && at.y >= 0.0 && at.x + size.width <= width + 0.5 && at.y + size.height <= height + 0.5,
        "{name} inside the {width}x{height} window: {at:?} {size:?}"
    );
}

#[test]
fn the_100_most_common_surnames_are_one_tap_away_at_every_screen_size() {
    use lobby_kiosk::input::surnames::COMMON;
    assert_eq!(COMMON.len(), 100);
    for (width, height) in [(1280.0, 800.0), (1024.0, 600.0), (1920.0, 1080.0), (1080.0, 1920.0)] {
        let k = kiosk();
        k.window.window().set_size(slint::LogicalSize::new(width, height));
        // The window's shape reaches the theme through a change handler, as in the
        // event loop: let it run before the first tap.
        slint::platform::update_timers_and_animations();
        tap(&k, "访客登记");
        type_digits(&k, PHONE);
        tap(&k, "下一步");
        type_digits(&k, "1-1-101");
        tap(&k, "下一步");
        assert_eq!(step(&k), VisitorStep::Surname);
        // Every tile and the page's buttons are inside the window, with no scrolling,
        // at every size (1024×600 included).
        for name in COMMON {
            tile_ok(&k, name, width, height, true);
        }
        for button in ["更多姓氏", "其他姓氏（拼音输入）"] {
            let found = find(&k, button);
            let (at, size) = (found.absolute_position(), found.size());
            assert!(
                at.y >= 0.0 && at.y + size.height <= height + 0.5 && at.x + size.width <= width + 0.5,
                "{button} inside the {width}x{height} window: {at:?} {size:?}"
            );
        }
    }
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
fn an_invite_code_from_the_home_page_checks_in_within_seven_touches() {
    let k = kiosk();
    let code = invite(&k);
    TAPS.with(|t| t.set(0));
    tap_counted(&k, "我有预约码");
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Visitor);
    assert_eq!(step(&k), VisitorStep::Invite);
    type_digits(&k, &code); // the sixth digit submits the code
    assert_eq!(touches(), 7, "one entry and six digits");
    assert_eq!(step(&k), VisitorStep::Approved);
    assert_eq!(printed_slips(k.dir.path()).len(), 1);
    let notices = k.app().store().notices(10).unwrap();
    assert!(
        notices.iter().any(|n| n.notice.contains("预约访客已到达")),
        "the host is told"
    );
    // A used code cannot check in twice.
    let arrival = notices.iter().find(|n| n.notice.contains("预约访客已到达")).unwrap();
    assert!(
        arrival.notice.contains("已按预约放行") && !arrival.notice.contains("访客等待确认"),
        "the desk is told the visitor is already let in: {}",
        arrival.notice
    );
    tap(&k, "完成");
    tap(&k, "访客登记");
    tap(&k, "我有预约码");
    type_digits(&k, &code);
    assert!(read(&k, "提示").starts_with("这个预约码未能核对成功"));
    assert_eq!(read(&k, "预约码"), "", "cleared, so the next six digits submit again");
}

#[test]
fn an_invite_qr_scanned_on_the_home_page_checks_in_with_no_taps() {
    let k = kiosk();
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
    // Signed like every other slip: not the bare code.
    assert_ne!(created.qr_text, created.code);
    let payload = token::verify(&created.qr_text, &k.app().keys.ring(), Utc::now(), |_, _| false)
        .expect("the invite QR verifies");
    assert_eq!(payload.kind, TokenKind::Invite);
    assert_eq!(payload.unit, "3-2-1001");
    // A forged one (the signature broken) checks nothing in.
    let mut forged = created.qr_text.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    scan(&k, &forged);
    assert_ne!(step(&k), VisitorStep::Approved);
    k.window.global::<AppState>().invoke_go_home();
    scan(&k, &created.qr_text);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Visitor);
    assert_eq!(step(&k), VisitorStep::Approved);
}

#[test]
fn a_waiting_visitor_can_step_away_and_the_desk_is_told() {
    let k = kiosk();
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap(&k, "同意并登记");
    assert_eq!(step(&k), VisitorStep::Waiting);
    tap(&k, "取消登记");
    assert_eq!(step(&k), VisitorStep::Cancelled);
    assert!(read(&k, "已为您取消登记").contains("不会再为您联系住户"));
    let visit = last_visit(&k);
    assert_eq!(visit.status, VisitStatus::Cancelled);
    let notices = k.app().store().notices(10).unwrap();
    assert!(notices[0].notice.contains("访客已取消登记"), "{}", notices[0].notice);
    assert!(!notices[0].notice.contains(PHONE));
    // The desk can no longer let a cancelled visit in.
    assert!(visitor::decide(k.app(), visit.id, true, "desk", Utc::now())
        .unwrap()
        .is_none());
    assert!(printed_slips(k.dir.path()).is_empty());
    tap(&k, "完成");
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home);
}

#[test]
fn in_english_the_waiting_screen_says_what_happens_next() {
    let k = kiosk();
    walk_in_to_details(&k, "1-1-101", PHONE);
    tap(&k, "同意并登记");
    assert_eq!(step(&k), VisitorStep::Waiting);
    tap(&k, "English");
    assert_eq!(read(&k, "Visit number"), last_visit(&k).visit_no);
    assert_eq!(read(&k, "Waited"), "Waited 0 min 0 s");
    assert!(
        read(&k, "What happens next").contains("within 5 minutes"),
        "{}",
        read(&k, "What happens next")
    );
    visitor::decide(k.app(), last_visit(&k).id, false, "desk", Utc::now()).unwrap();
    wait_seconds(1);
    assert_eq!(
        step(&k),
        VisitorStep::Denied,
        "the desk's decision shows within a second"
    );
    tap(&k, "Done");
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
    assert_eq!(step(&k), VisitorStep::Phone);
    assert_eq!(read(&k, "您的手机号码"), "", "nothing typed survives the idle reset");
}

#[test]
fn each_type_tile_records_its_own_visitor_type_and_a_returning_visitor_finds_theirs_marked() {
    use lobby_kiosk::domain::visitor::VisitorType;
    use lobby_kiosk::i18n::Lang;
    let k = kiosk();
    for t in VisitorType::ALL {
        walk_in_to_details(&k, "1-1-101", PHONE);
        let tile = t.label(Lang::Zh);
        tap(&k, tile);
        assert!(find(&k, tile).accessible_checked().unwrap_or(false), "{tile} is marked");
        tap(&k, "同意并登记");
        assert_eq!(last_visit(&k).visitor_type, t, "the tile {tile}");
        k.window.global::<AppState>().invoke_go_home();
    }

    // Back again: last time's type is already marked, and kept when not changed.
    tap(&k, "访客登记");
    type_digits(&k, PHONE);
    tap(&k, "下一步");
    tap(&k, "是的");
    assert_eq!(step(&k), VisitorStep::Details);
    let last = VisitorType::ALL[VisitorType::ALL.len() - 1];
    assert!(find(&k, last.label(Lang::Zh)).accessible_checked().unwrap_or(false));
    assert!(!find(&k, VisitorType::Guest.label(Lang::Zh))
        .accessible_checked()
        .unwrap_or(true));
    tap(&k, "同意并登记");
    assert_eq!(last_visit(&k).visitor_type, last);
}
