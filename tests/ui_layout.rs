//! Every page and state `screenshot --list` names, in both languages, at the four panel
//! sizes a lobby kiosk has (7"/10" 1024×600, 1280×800, 1920×1080 and the 1080×1920 portrait
//! stand), read as drawn: no text clipped, overflowing its box or the window, no two texts
//! over each other, no character alone on a last line, nothing under 24 px, no half-width
//! punctuation in Chinese, and every button wholly inside the window and, in a list, inside
//! the list's sides. New pages are checked as soon as they are in `PAGES`.

#[path = "ui_layout/check.rs"]
mod check;
mod common;

use common::*;
use lobby_kiosk::i18n::Lang;
use lobby_kiosk::ui::screenshot::{stage_page, PAGES};
use slint::ComponentHandle;

const SIZES: [(f32, f32); 4] = [(1024.0, 600.0), (1280.0, 800.0), (1920.0, 1080.0), (1080.0, 1920.0)];

fn defects_at(k: &TestKiosk, page: &str, lang: Lang, (w, h): (f32, f32)) -> Vec<String> {
    k.window.window().set_size(slint::LogicalSize::new(w, h));
    stage_page(k, page, lang);
    // Change handlers (the window's shape into the theme) run like an event loop would.
    slint::platform::update_timers_and_animations();
    slint::platform::update_timers_and_animations();
    let (texts, defects) = check::inspect(k.window.window(), lang == Lang::Zh);
    assert!(!texts.is_empty(), "{page} shows no text at all");
    defects
}

fn walk(sizes: &[(f32, f32)]) {
    let k = kiosk();
    let mut all = Vec::new();
    for (page, _) in PAGES {
        for lang in [Lang::Zh, Lang::En] {
            for &size in sizes {
                for defect in defects_at(&k, page, lang, size) {
                    all.push(format!("{page} {} {}x{}: {defect}", lang.code(), size.0, size.1));
                }
            }
        }
    }
    // Known defects still open (issue 17) are listed, so that any new one fails at once
    // and a fixed one must leave the list: the list only shrinks.
    let known: Vec<&str> = KNOWN_DEFECTS
        .lines()
        .filter(|line| sizes.iter().any(|(w, h)| line.contains(&format!(" {w}x{h}: "))))
        .collect();
    let new: Vec<&String> = all.iter().filter(|d| !known.contains(&d.as_str())).collect();
    let fixed: Vec<&&str> = known.iter().filter(|k| !all.iter().any(|d| d == *k)).collect();
    assert!(
        new.is_empty(),
        "{} new layout defects:\n{}",
        new.len(),
        new.iter().map(|d| d.as_str()).collect::<Vec<_>>().join("\n")
    );
    assert!(
        fixed.is_empty(),
        "fixed, so remove from tests/ui_layout/known-defects.txt:\n{}",
        fixed.iter().map(|d| **d).collect::<Vec<_>>().join("\n")
    );
}

/// Defects found and not yet fixed, one per line as `walk` words them.
const KNOWN_DEFECTS: &str = include_str!("ui_layout/known-defects.txt");

#[test]
fn every_page_fits_at_1024x600() {
    walk(&SIZES[..1]);
}

#[test]
fn every_page_fits_at_1280x800() {
    walk(&SIZES[1..2]);
}

#[test]
fn every_page_fits_at_1920x1080() {
    walk(&SIZES[2..3]);
}

#[test]
fn every_page_fits_in_portrait_1080x1920() {
    walk(&SIZES[3..]);
}

/// The checker itself sees what it must: a text squeezed into a box too small for it.
#[test]
fn the_checker_sees_a_squeezed_page() {
    let k = kiosk();
    let defects = defects_at(&k, "home", Lang::Zh, (600.0, 480.0));
    assert!(!defects.is_empty(), "a 600×480 home page cannot hold everything");
}

/// The filing's review page fits in the states the walk does not stage: the deposit not
/// yet paid (its longer line with the reason) and a refusal shown above the actions.
#[test]
fn the_filing_review_fits_with_the_deposit_unpaid_and_a_problem() {
    use lobby_kiosk::ui::PermitFormAdapter;
    let k = kiosk();
    let mut all = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        for &(w, h) in &SIZES {
            k.window.window().set_size(slint::LogicalSize::new(w, h));
            stage_page(&k, "staff-permit", lang);
            let form = k.window.global::<PermitFormAdapter>();
            form.set_deposit_paid(false);
            form.set_problem(
                lang.pick(
                    "手机号码是以 1 开头的 11 位数字，请再核对一下。",
                    "That ID number is not valid; please check its 18 characters (the last may be X).",
                )
                .into(),
            );
            slint::platform::update_timers_and_animations();
            slint::platform::update_timers_and_animations();
            let (_, defects) = check::inspect(k.window.window(), lang == Lang::Zh);
            all.extend(defects.into_iter().map(|d| format!("{} {w}x{h}: {d}", lang.code())));
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}

/// A ticket being cancelled shows its four reasons (two by two); they fit the ticket list at
/// every size too, a state the walk does not stage.
#[test]
fn a_tickets_cancel_reasons_fit_the_list() {
    use lobby_kiosk::ui::StaffAdapter;
    let k = kiosk();
    let mut all = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        for &(w, h) in &SIZES {
            k.window.window().set_size(slint::LogicalSize::new(w, h));
            stage_page(&k, "staff-dashboard", lang);
            let staff = k.window.global::<StaffAdapter>();
            let tickets = slint::Model::iter(&staff.get_tickets()).collect::<Vec<_>>();
            let first = tickets.first().expect("the staged dashboard has an open ticket");
            // As "取消" does (the staged page is drawn, not driven through its buttons).
            staff.set_cancelling(first.number.clone());
            slint::platform::update_timers_and_animations();
            slint::platform::update_timers_and_animations();
            let (texts, defects) = check::inspect(k.window.window(), lang == Lang::Zh);
            // On the 1024×600 panel the list shows one row; the reasons are scrolled to.
            if h > 600.0 {
                for reason in [
                    lang.pick("已当面处理", "Settled at the desk"),
                    lang.pick("不取消", "Keep it"),
                ] {
                    assert!(
                        texts.iter().any(|t| t.text == reason),
                        "{} {w}x{h}: «{reason}» is not drawn",
                        lang.code()
                    );
                }
            }
            all.extend(defects.into_iter().map(|d| format!("{} {w}x{h}: {d}", lang.code())));
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}
