//! A slip speaks the journey's language: a visitor who chose English gets an English
//! slip, with the compound's Chinese name (the one on the gate) beside its English one;
//! the next visitor, back in Chinese, gets a Chinese slip. Read from the printed bytes.

mod common;

use common::*;
use lobby_kiosk::i18n::Lang;
use lobby_kiosk::journeys::visitor;
use lobby_kiosk::ui::{AppState, VisitorAdapter, VisitorStep};
use slint::ComponentHandle;

const PHONE: &str = "13912345678";

fn type_digits(k: &TestKiosk, digits: &str, separator: &str) {
    for c in digits.chars() {
        if c == '-' {
            tap(k, &format!("{separator} -"));
        } else {
            tap(k, &c.to_string());
        }
    }
}

fn step(k: &TestKiosk) -> VisitorStep {
    k.window.global::<VisitorAdapter>().get_step()
}

/// A walk-in that waits for the host, in the screen's current language.
fn walk_in(k: &TestKiosk, en: bool) {
    let t = |zh: &'static str, en_text: &'static str| if en { en_text } else { zh };
    tap(k, t("访客登记", "Visitor registration"));
    type_digits(k, PHONE, t("分隔符", "Separator"));
    tap(k, t("下一步", "Next"));
    if step(k) == VisitorStep::Returning {
        tap(k, t("到别的房号", "Another unit"));
    }
    type_digits(k, "1-1-101", t("分隔符", "Separator"));
    tap(k, t("下一步", "Next"));
    if step(k) == VisitorStep::Surname {
        if en {
            // In English the picker opens on the Latin keyboard.
            for key in ["S", "M", "I", "T", "H"] {
                tap(k, key);
            }
            tap(k, "Confirm");
        } else {
            tap(k, "姓 王");
        }
    }
    assert_eq!(step(k), VisitorStep::Details);
    tap(k, t("同意并登记", "Agree and register"));
    assert_eq!(step(k), VisitorStep::Waiting);
}

fn approve_last(k: &TestKiosk) -> String {
    let visit = k.app().store().last_visit_by_phone(PHONE).unwrap().unwrap();
    visitor::decide(k.app(), visit.id, true, "desk", k.app().now())
        .unwrap()
        .unwrap();
    settle(k);
    wait_seconds(1);
    assert_eq!(step(k), VisitorStep::Approved);
    let slips = printed_slips(k.dir.path());
    escpos_text(&slips.last().expect("a slip printed").1)
}

#[test]
fn an_english_journey_prints_an_english_slip_and_the_next_one_chinese() {
    let k = kiosk();
    tap(&k, "English");
    walk_in(&k, true);
    let slip = approve_last(&k);
    for part in [
        "Visitor slip",
        "Emerald Lake Garden\n",
        "\n翠湖花园\n",
        "Visiting",
        "Hotline",
        "have a pleasant day",
    ] {
        assert!(slip.contains(part), "{part} missing from the English slip:\n{slip}");
    }
    for part in ["访客凭条", "拜访房号", "客服热线", "祝您生活愉快"] {
        assert!(!slip.contains(part), "{part} on the English slip:\n{slip}");
    }

    // The next person chooses Chinese.
    k.window.global::<AppState>().invoke_go_home();
    tap(&k, "中文");
    assert_eq!(k.app().lang(), Lang::Zh);
    walk_in(&k, false);
    let slip = approve_last(&k);
    for part in ["访客凭条", "翠湖花园", "拜访房号", "客服热线"] {
        assert!(slip.contains(part), "{part} missing from the Chinese slip:\n{slip}");
    }
    assert!(!slip.contains("Visitor slip") && !slip.contains("Emerald"), "{slip}");
}

/// A visitor who registered in English and waits for the host gets an English slip even
/// when the desk approves later from the command line, which speaks the configured
/// Chinese: the slip follows the visitor, not whoever approves.
#[test]
fn a_visit_the_desk_approves_later_prints_in_the_visitors_language() {
    let k = kiosk();
    add_desk_staff(k.app(), k.app().now());
    tap(&k, "English");
    walk_in(&k, true);
    let visit = k.app().store().last_visit_by_phone(PHONE).unwrap().unwrap();
    let before = printed_slips(k.dir.path()).len();

    let (code, out, err) = run_cli_as(k.dir.path(), &["visit", "approve", &visit.visit_no, "--by", "李明"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("已同意来访"), "the command line speaks Chinese: {out}");
    let slips = printed_slips(k.dir.path());
    assert_eq!(slips.len(), before + 1, "one slip for the approval");
    let slip = escpos_text(&slips.last().unwrap().1);
    for part in ["Visitor slip", "Visiting", "have a pleasant day"] {
        assert!(slip.contains(part), "{part} missing from the slip:\n{slip}");
    }
    for part in ["访客凭条", "拜访房号", "祝您生活愉快"] {
        assert!(!slip.contains(part), "{part} on the English visitor's slip:\n{slip}");
    }

    // A visitor who used Chinese, approved by the same command, gets a Chinese slip.
    k.window.global::<AppState>().invoke_go_home();
    tap(&k, "中文");
    walk_in(&k, false);
    let visit = k.app().store().last_visit_by_phone(PHONE).unwrap().unwrap();
    let (code, out, err) = run_cli_as(k.dir.path(), &["visit", "approve", &visit.visit_no, "--by", "李明"]);
    assert_eq!(code, 0, "{out}{err}");
    let slip = escpos_text(&printed_slips(k.dir.path()).last().unwrap().1);
    assert!(slip.contains("访客凭条") && !slip.contains("Visitor slip"), "{slip}");
}
