//! The on-screen input parts, used the way a person would: tap keys, read the field.
//! They are reached through the technician's input check (staff page), which hosts each
//! part exactly as the journeys use it.

mod common;

use common::*;
use lobby_kiosk::ui::{AppState, Page};
use slint::ComponentHandle;

fn tap_keys(k: &TestKiosk, keys: &str) {
    for c in keys.chars() {
        tap(k, &c.to_string());
    }
}

#[test]
fn a_phone_number_typed_on_the_keypad_is_read_back_and_checked() {
    let k = kiosk();
    open_input_check(&k);
    tap_keys(&k, "1381234567");
    tap(&k, "确定");
    assert!(read(&k, "输入提示").contains("11 位"), "{}", read(&k, "输入提示"));
    tap_keys(&k, "8");
    assert_eq!(read(&k, "手机号码"), "13812345678");
    tap_keys(&k, "9"); // a twelfth digit is not taken
    assert_eq!(read(&k, "手机号码"), "13812345678");
    tap(&k, "确定");
    assert_eq!(read(&k, "检查结果"), "手机号码格式正确");
    tap(&k, "删除");
    assert_eq!(read(&k, "手机号码"), "1381234567");
    tap(&k, "清空");
    assert_eq!(read(&k, "手机号码"), "");
    tap_keys(&k, "23812345678");
    tap(&k, "确定");
    assert!(read(&k, "输入提示").contains("以 1 开头"));
}

#[test]
fn a_pin_shows_dots_never_digits() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "密码");
    tap_keys(&k, "2580");
    assert_eq!(read(&k, "密码"), "已输入 4 位");
    assert!(!read(&k, "密码").contains("2580"));
    tap(&k, "确定");
    assert_eq!(read(&k, "输入提示"), "请输入 6 位密码。");
    tap_keys(&k, "46");
    tap(&k, "确定");
    assert_eq!(read(&k, "检查结果"), "已输入 6 位密码");
}

#[test]
fn a_unit_number_follows_the_compound_format() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "房号");
    tap_keys(&k, "3");
    tap(&k, "分隔符 -");
    tap_keys(&k, "2");
    tap(&k, "确定");
    // The example is a unit of the bundled directory, so typing it reaches a real home
    // (3-2-1201 is not in it).
    assert_eq!(read(&k, "输入提示"), "请按“楼栋-单元-房号”输入房号，例如 1-1-101。");
    assert!(k.app().store().unit_exists("1-1-101").unwrap());
    assert!(!k.app().store().unit_exists("3-2-1201").unwrap());
    tap(&k, "分隔符 -");
    tap_keys(&k, "1201");
    tap(&k, "确定");
    assert_eq!(read(&k, "检查结果"), "房号格式正确：3-2-1201");
}

#[test]
fn one_tap_on_a_surname_tile() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "姓氏");
    let first: Vec<_> = ["王", "李", "张", "刘", "陈"]
        .iter()
        .map(|s| is_shown(&k, &format!("姓 {s}")))
        .collect();
    assert!(first.iter().all(|x| *x), "the most common surnames come first");
    tap(&k, "姓 王");
    assert_eq!(read(&k, "检查结果"), "已选择姓氏：王");
    // Compound surnames are a few pages on.
    for _ in 0..5 {
        if is_shown(&k, "姓 欧阳") {
            break;
        }
        tap(&k, "更多姓氏");
    }
    tap(&k, "姓 欧阳");
    assert_eq!(read(&k, "检查结果"), "已选择姓氏：欧阳");
}

#[test]
fn a_surname_outside_the_grid_is_typed_in_pinyin() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "姓氏");
    tap(&k, "其他姓氏（拼音输入）");
    tap_keys(&k, "yu");
    tap(&k, "候选 于");
    tap(&k, "确定");
    assert_eq!(read(&k, "检查结果"), "已选择姓氏：于");
}

#[test]
fn typing_wang_offers_wang_first_and_commits_it() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "文字");
    tap_keys(&k, "wang");
    assert_eq!(read(&k, "拼音"), "wang");
    let candidates = find_all(&k, "候选 王");
    assert_eq!(candidates.len(), 1, "王 is offered");
    tap(&k, "候选 王");
    assert_eq!(read(&k, "公司名称或留言"), "王");
    assert_eq!(read(&k, "拼音"), "");
    // Two syllables: commit one at a time.
    tap_keys(&k, "zhangsan");
    tap(&k, "候选 张");
    assert_eq!(read(&k, "拼音"), "san");
    tap(&k, "候选 三");
    assert_eq!(read(&k, "公司名称或留言"), "王张三");
    tap(&k, "删除");
    assert_eq!(
        read(&k, "公司名称或留言"),
        "王张",
        "with nothing composing, delete removes a character"
    );
    tap(&k, "完成");
    assert_eq!(read(&k, "检查结果"), "已输入：王张");
}

#[test]
fn candidates_page_forward_and_back() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "文字");
    tap_keys(&k, "yi");
    assert!(is_shown(&k, "候选 一"));
    tap(&k, "下一页候选字");
    assert!(!is_shown(&k, "候选 一"), "the next page shows other characters");
    tap(&k, "上一页候选字");
    assert!(is_shown(&k, "候选 一"));
}

#[test]
fn english_names_on_the_latin_keyboard() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "English");
    tap(&k, "Text");
    tap(&k, "Switch to Latin letters");
    for key in ["S", "M", "I", "T", "H"] {
        tap(&k, key);
    }
    assert_eq!(read(&k, "Company name or message"), "Smith");
    tap(&k, "Done");
    assert_eq!(read(&k, "Check result"), "Entered: Smith");
}

#[test]
fn a_scanned_ticket_on_the_home_page_opens_resident_services() {
    let k = kiosk();
    scan_with_gap(&k, "R20261127-0007", 8);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Resident);
}

#[test]
fn a_scanned_invite_code_opens_visitor_registration() {
    let k = kiosk();
    scan_with_gap(&k, "493027", 8);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Visitor);
}

#[test]
fn slow_typing_is_not_taken_for_a_scan() {
    let k = kiosk();
    scan_with_gap(&k, "493027", 250);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home);
}

#[test]
fn an_unknown_code_gets_a_polite_answer_and_goes_away_on_a_touch() {
    let k = kiosk();
    scan_with_gap(&k, "https://example.invalid/x", 5);
    assert_eq!(k.window.global::<AppState>().get_page(), Page::Home);
    assert!(is_shown(&k, "无法识别的二维码"));
    tap(&k, "好的");
    assert!(!is_shown(&k, "无法识别的二维码"));
}

#[test]
fn the_scanner_check_shows_what_was_read() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "扫码");
    scan_with_gap(&k, "R20261127-0042", 6);
    assert_eq!(
        k.window.global::<AppState>().get_page(),
        Page::InputCheck,
        "a scan never pulls a page away"
    );
    assert_eq!(read(&k, "请在扫码口扫描任意凭条上的二维码"), "已识别：R20261127-0042");
}

#[test]
fn going_home_clears_what_was_being_typed() {
    let k = kiosk();
    open_input_check(&k);
    tap(&k, "文字");
    tap_keys(&k, "zh");
    tap(&k, "回到首页");
    open_input_check(&k);
    tap(&k, "文字");

    assert_eq!(read(&k, "拼音"), "", "no composition survives a return home");
}
