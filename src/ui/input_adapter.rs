//! The Rust side of the on-screen input parts (`InputAdapter` in `ui/adapters/input.slint`):
//! field rules from `domain`, the surname grid's pages, the pinyin engine, and the
//! barcode scanner's routing.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{AppState, AppWindow, FieldKind, FieldProblem, InputAdapter, Page, ScanKind};
use crate::app::App;
use crate::domain::mask::mask_phone;
use crate::domain::phone::{parse_mobile, PhoneError};
use crate::domain::token::TokenKind;
use crate::domain::unit::{PartKind, UnitError};
use crate::i18n::Lang;
use crate::input::pinyin::PinyinEngine;
use crate::input::scan::{classify, ScanBuffer, Scanned};
use crate::input::surnames;

/// Candidates shown at once in the pinyin bar.
pub const CANDIDATES_PER_PAGE: usize = 8;
/// Surname tiles per page of the grid: the 100 most common on the first page.
pub const SURNAMES_PER_PAGE: usize = 100;

/// State behind the input parts: one pinyin composition and one scanner at a time.
pub struct InputState {
    pinyin: RefCell<PinyinEngine>,
    candidate_page: Cell<usize>,
    surname_page: Cell<usize>,
    scanner: RefCell<ScanBuffer>,
    surnames: Vec<&'static str>,
    /// The journeys' turn at a scan before the default routing; true when handled.
    scan_handler: RefCell<Option<ScanHandler>>,
}

/// A journey's handler for scans (invite codes, slips); returns true when it acted.
pub type ScanHandler = Box<dyn Fn(&AppWindow, &Scanned) -> bool>;

impl InputState {
    /// Installs every `InputAdapter` callback on the window.
    pub fn install(window: &AppWindow, app: &Rc<App>) -> Rc<InputState> {
        let state = Rc::new(InputState {
            pinyin: RefCell::new(PinyinEngine::new()),
            candidate_page: Cell::new(0),
            surname_page: Cell::new(0),
            scanner: RefCell::new(ScanBuffer::new()),
            surnames: surnames::COMMON.iter().chain(surnames::COMPOUND).copied().collect(),
            scan_handler: RefCell::new(None),
        });
        let adapter = window.global::<InputAdapter>();
        // The example is a unit of this compound's directory, so typing it works.
        let example = crate::journeys::lookup::example_unit(app)
            .ok()
            .flatten()
            .and_then(|u| app.unit_format.parse_unit(&u).ok().map(|u| u.to_string()))
            .unwrap_or_else(|| app.unit_format.example());
        adapter.set_unit_example(example.into());
        {
            let app = app.clone();
            adapter.on_validate(move |kind, value| validate(&app, kind, &value));
        }
        adapter.on_display(|kind, value| display(kind, &value).into());
        adapter.on_drop_last(|value| drop_last(&value).into());
        adapter.on_latin_append(|value, key, max| latin_append(&value, &key, max.max(0) as usize).into());
        let weak = window.as_weak();
        let s = state.clone();
        adapter.on_surname_page_step(move |step| {
            if let Some(w) = weak.upgrade() {
                s.step_surnames(&w, step);
            }
        });
        let weak = window.as_weak();
        let s = state.clone();
        adapter.on_pinyin_letter(move |letter| {
            if let (Some(w), Some(c)) = (weak.upgrade(), letter.chars().next()) {
                s.pinyin.borrow_mut().push(c);
                s.candidate_page.set(0);
                s.refresh_pinyin(&w);
            }
        });
        let weak = window.as_weak();
        let s = state.clone();
        adapter.on_pinyin_backspace(move || {
            let removed = s.pinyin.borrow_mut().backspace();
            if let Some(w) = weak.upgrade() {
                s.candidate_page.set(0);
                s.refresh_pinyin(&w);
            }
            removed
        });
        let weak = window.as_weak();
        let s = state.clone();
        adapter.on_pinyin_clear(move || {
            if let Some(w) = weak.upgrade() {
                s.clear_pinyin(&w);
            }
        });
        let weak = window.as_weak();
        let s = state.clone();
        adapter.on_pinyin_pick(move |index| {
            let global = s.candidate_page.get() * CANDIDATES_PER_PAGE + index.max(0) as usize;
            let text = s.pinyin.borrow_mut().commit(global).unwrap_or_default();
            if let Some(w) = weak.upgrade() {
                s.candidate_page.set(0);
                s.refresh_pinyin(&w);
            }
            text.into()
        });
        let weak = window.as_weak();
        let s = state.clone();
        adapter.on_pinyin_page_step(move |step| {
            if let Some(w) = weak.upgrade() {
                let pages = s.pinyin.borrow().page_count(CANDIDATES_PER_PAGE).max(1);
                let page = (s.candidate_page.get() as i64 + step as i64).clamp(0, pages as i64 - 1);
                s.candidate_page.set(page as usize);
                s.refresh_pinyin(&w);
            }
        });
        let weak = window.as_weak();
        let s = state.clone();
        adapter.on_scanner_key(move |text, at| {
            let at = Duration::from_millis(at.max(0) as u64);
            let scanned = s.scanner.borrow_mut().key(&text, at);
            if let (Some(w), Some(scan)) = (weak.upgrade(), scanned) {
                let scanned = classify(&scan);
                record_scan(&w, &scanned);
                // The technician's check only shows what was read; elsewhere a journey acts.
                let checking = w.global::<AppState>().get_page() == Page::InputCheck;
                let handled = !checking && s.scan_handler.borrow().as_ref().is_some_and(|h| h(&w, &scanned));
                if !handled {
                    route_scan(&w, &scanned);
                }
            }
        });
        state.show_surnames(window);
        state.refresh_pinyin(window);
        state
    }

    pub fn set_scan_handler(&self, handler: ScanHandler) {
        *self.scan_handler.borrow_mut() = Some(handler);
    }

    /// Forgets anything being composed and returns the grid to its first page.
    pub fn reset(&self, window: &AppWindow) {
        self.clear_pinyin(window);
        self.surname_page.set(0);
        self.show_surnames(window);
        *self.scanner.borrow_mut() = ScanBuffer::new();
        let adapter = window.global::<InputAdapter>();
        adapter.set_last_scan_kind(ScanKind::None);
        adapter.set_last_scan_text(SharedString::new());
        adapter.set_scan_not_recognised(false);
    }

    /// The words of the unit pattern shown in hints ("楼栋-单元-房号").
    pub fn apply_language(&self, window: &AppWindow, app: &App, lang: Lang) {
        let words: Vec<&str> = app
            .unit_format
            .parts()
            .iter()
            .map(|part| match part {
                PartKind::Building => lang.pick("楼栋", "building"),
                PartKind::Unit => lang.pick("单元", "unit"),
                PartKind::Floor => lang.pick("楼层", "floor"),
                PartKind::Room => lang.pick("房号", "room"),
            })
            .collect();
        window.global::<InputAdapter>().set_unit_pattern(words.join("-").into());
    }

    fn clear_pinyin(&self, window: &AppWindow) {
        self.pinyin.borrow_mut().clear();
        self.candidate_page.set(0);
        self.refresh_pinyin(window);
    }

    fn refresh_pinyin(&self, window: &AppWindow) {
        let engine = self.pinyin.borrow();
        let page = engine.candidates_page(self.candidate_page.get(), CANDIDATES_PER_PAGE);
        let adapter = window.global::<InputAdapter>();
        adapter.set_composition(engine.composition().into());
        let items: Vec<SharedString> = page.items.iter().map(|s| s.as_str().into()).collect();
        adapter.set_candidates(ModelRc::new(VecModel::from(items)));
        adapter.set_candidates_has_prev(page.has_prev);
        adapter.set_candidates_has_next(page.has_next);
    }

    fn page_count(&self) -> usize {
        self.surnames.len().div_ceil(SURNAMES_PER_PAGE)
    }

    fn step_surnames(&self, window: &AppWindow, step: i32) {
        let page = (self.surname_page.get() as i64 + step as i64).clamp(0, self.page_count() as i64 - 1);
        self.surname_page.set(page as usize);
        self.show_surnames(window);
    }

    fn show_surnames(&self, window: &AppWindow) {
        let start = self.surname_page.get() * SURNAMES_PER_PAGE;
        let items: Vec<SharedString> = self
            .surnames
            .iter()
            .skip(start)
            .take(SURNAMES_PER_PAGE)
            .map(|s| (*s).into())
            .collect();
        let adapter = window.global::<InputAdapter>();
        adapter.set_surname_page(ModelRc::new(VecModel::from(items)));
        adapter.set_surname_page_index(self.surname_page.get() as i32);
        adapter.set_surname_page_count(self.page_count() as i32);
    }
}

/// What a scan was, for the screen: its kind, and the text only where it is not secret.
fn scan_kind(scanned: &Scanned) -> (ScanKind, String, Page) {
    match scanned {
        Scanned::Token(TokenKind::Pass, _) => (ScanKind::Pass, String::new(), Page::Worker),
        Scanned::Token(TokenKind::Permit, _) => (ScanKind::Permit, String::new(), Page::Worker),
        Scanned::Token(TokenKind::Visit, _) => (ScanKind::Visit, String::new(), Page::Visitor),
        Scanned::Token(TokenKind::Ticket, _) => (ScanKind::Ticket, String::new(), Page::Resident),
        Scanned::TicketNumber(n) => (ScanKind::TicketNumber, n.clone(), Page::Resident),
        Scanned::InviteCode(_) | Scanned::Token(TokenKind::Invite, _) => {
            (ScanKind::InviteCode, String::new(), Page::Visitor)
        }
        Scanned::Unknown => (ScanKind::Unknown, String::new(), Page::Home),
    }
}

fn record_scan(window: &AppWindow, scanned: &Scanned) {
    let (kind, shown, _) = scan_kind(scanned);
    let adapter = window.global::<InputAdapter>();
    adapter.set_last_scan_kind(kind);
    adapter.set_last_scan_text(shown.into());
    window.global::<AppState>().invoke_activity();
}

/// The default for a scan no journey took: on the home page, open the journey it
/// belongs to (which verifies it); an unknown code gets a polite answer.
fn route_scan(window: &AppWindow, scanned: &Scanned) {
    let (kind, _, target) = scan_kind(scanned);
    let state = window.global::<AppState>();
    match state.get_page() {
        Page::Home if kind == ScanKind::Unknown => window.global::<InputAdapter>().set_scan_not_recognised(true),
        Page::Home => state.invoke_navigate(target),
        _ => {}
    }
}

/// Judges a keypad field with the domain rules.
pub fn validate(app: &App, kind: FieldKind, value: &str) -> FieldProblem {
    if value.trim().is_empty() {
        return FieldProblem::Empty;
    }
    let six_digits = value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit());
    match kind {
        FieldKind::Phone => match parse_mobile(value) {
            Ok(_) => FieldProblem::None,
            Err(PhoneError::NotMobile) => FieldProblem::PhonePrefix,
            Err(PhoneError::Empty) => FieldProblem::Empty,
            Err(_) => FieldProblem::PhoneLength,
        },
        FieldKind::Unit => match app.unit_format.parse_unit(value) {
            Ok(_) => FieldProblem::None,
            Err(UnitError::Empty) => FieldProblem::Empty,
            Err(_) => FieldProblem::UnitFormat,
        },
        FieldKind::Code if !six_digits => FieldProblem::CodeLength,
        FieldKind::Pin if !six_digits => FieldProblem::PinLength,
        _ => FieldProblem::None,
    }
}

/// How a field's value is shown: phones grouped 3-4-4 for reading back, PINs as dots.
pub fn display(kind: FieldKind, value: &str) -> String {
    match kind {
        FieldKind::Pin => "●".repeat(value.chars().count()),
        FieldKind::Phone => {
            let digits: Vec<char> = value.chars().collect();
            let mut out = String::new();
            for (i, c) in digits.iter().enumerate() {
                if i == 3 || i == 7 {
                    out.push(' ');
                }
                out.push(*c);
            }
            out
        }
        _ => value.to_string(),
    }
}

/// A phone number as it may appear anywhere on screen.
pub fn masked_phone(value: &str) -> String {
    mask_phone(value)
}

pub fn drop_last(value: &str) -> String {
    let mut s = value.to_string();
    s.pop();
    s
}

/// Appends a key of the Latin keyboard in name case: a capital after a space, hyphen or
/// apostrophe and at the start, small letters elsewhere ("Smith", "O'Neil", "Van Dijk").
pub fn latin_append(value: &str, key: &str, max: usize) -> String {
    if value.chars().count() + key.chars().count() > max {
        return value.to_string();
    }
    let word_start = value.chars().last().is_none_or(|c| matches!(c, ' ' | '-' | '\''));
    if key == " " && (value.is_empty() || value.ends_with(' ')) {
        return value.to_string();
    }
    let key = if word_start {
        key.to_uppercase()
    } else {
        key.to_lowercase()
    };
    format!("{value}{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_read_back_in_groups_and_pins_as_dots() {
        assert_eq!(display(FieldKind::Phone, "13812345678"), "138 1234 5678");
        assert_eq!(display(FieldKind::Phone, "1381"), "138 1");
        assert_eq!(display(FieldKind::Pin, "123456"), "●●●●●●");
        assert_eq!(display(FieldKind::Unit, "3-2-1201"), "3-2-1201");
    }

    #[test]
    fn latin_names_are_typed_in_name_case() {
        let mut name = String::new();
        for key in ["S", "M", "I", "T", "H", " ", " ", "J", "-", "O"] {
            name = latin_append(&name, key, 20);
        }
        assert_eq!(name, "Smith J-O");
        assert_eq!(latin_append("Abc", "D", 3), "Abc", "never longer than the field allows");
        assert_eq!(latin_append("", " ", 10), "", "no leading space");
    }

    #[test]
    fn drop_last_handles_chinese() {
        assert_eq!(drop_last("欧阳"), "欧");
        assert_eq!(drop_last(""), "");
    }
}
