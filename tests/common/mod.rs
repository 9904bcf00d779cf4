//! What the tests share: a kiosk on Slint's testing backend over a throw-away data
//! folder, and the ways a person uses a screen: tap, read; the records they set up again
//! and again, and the real binary ([`fixtures`]).
#![allow(dead_code)]

use std::cell::Cell;
use std::rc::Rc;

use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::ui::{Kiosk, StaffAdapter, StaffStep};
use slint::ComponentHandle;

pub mod fixtures;
pub mod pg;
#[allow(unused_imports)]
pub use fixtures::*;

thread_local! {
    static BACKEND: Cell<bool> = const { Cell::new(false) };
}

/// The testing backend, once per test thread (Slint's platform is per thread).
pub fn init_backend() {
    BACKEND.with(|done| {
        if !done.get() {
            i_slint_backend_testing::init_no_event_loop();
            done.set(true);
        }
    });
}

pub struct TestKiosk {
    pub kiosk: Kiosk,
    pub dir: tempfile::TempDir,
}

impl std::ops::Deref for TestKiosk {
    type Target = Kiosk;
    fn deref(&self) -> &Kiosk {
        &self.kiosk
    }
}

/// A kiosk on the built-in configuration, edited by `edit`, in a fresh data folder.
pub fn kiosk_with(edit: impl FnOnce(String) -> String) -> TestKiosk {
    init_backend();
    let dir = tempfile::tempdir().unwrap();
    let text = edit(EMBEDDED_DEFAULT.to_string());
    let loaded = LoadedConfig::from_text(&text, ConfigSource::Embedded).unwrap();
    let app = Rc::new(App::open(loaded, Some(dir.path())).unwrap());
    let kiosk = Kiosk::new(app).unwrap();
    kiosk.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    kiosk.window.show().unwrap();
    // The window's shape reaches the theme through a change handler, as in the event loop.
    slint::platform::update_timers_and_animations();
    TestKiosk { kiosk, dir }
}

pub fn kiosk() -> TestKiosk {
    kiosk_with(|t| t)
}

/// Every element with this accessible label.
pub fn find_all(kiosk: &Kiosk, label: &str) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(&kiosk.window, label).collect()
}

pub fn find(kiosk: &Kiosk, label: &str) -> ElementHandle {
    let mut found = find_all(kiosk, label);
    assert!(!found.is_empty(), "nothing on screen is labelled {label:?}");
    found.remove(0)
}

pub fn is_shown(kiosk: &Kiosk, label: &str) -> bool {
    !find_all(kiosk, label).is_empty()
}

/// The first element with this label and role, else the first with the label.
fn find_role(kiosk: &Kiosk, label: &str, role: AccessibleRole) -> ElementHandle {
    let mut found = find_all(kiosk, label);
    assert!(!found.is_empty(), "nothing on screen is labelled {label:?}");
    let index = found
        .iter()
        .position(|e| e.accessible_role() == Some(role))
        .unwrap_or(0);
    found.swap_remove(index)
}

/// Taps the button with this label the way a finger does: press and release at its centre.
/// A slip handed to the printing thread by the tap has come out (or not) before this
/// returns, and the screen shows the outcome, as it would a moment later on the kiosk.
pub fn tap(kiosk: &Kiosk, label: &str) {
    find_role(kiosk, label, AccessibleRole::Button).mock_single_click(slint::platform::PointerEventButton::Left);
    settle(kiosk);
}

/// Lets a staff PIN being checked off the UI thread and the printing thread finish what
/// they were given, and the waiting screen see it.
pub fn settle(kiosk: &Kiosk) {
    assert!(
        kiosk.settle_pin_check(std::time::Duration::from_secs(60)),
        "the PIN check did not finish"
    );
    kiosk.settle_printing(std::time::Duration::from_secs(10));
}

/// Lets the housekeeping thread finish what the minute tick asked of it (the daily
/// purge and backup); fails the test if it is not done within a (generous) minute.
pub fn settle_housekeeping(kiosk: &Kiosk) {
    assert!(
        kiosk.settle_housekeeping(std::time::Duration::from_secs(60)),
        "the daily housekeeping did not finish"
    );
}

/// Polls `done` until it holds or `limit` (real time) passes; whether it held.
pub fn wait_until(limit: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The text shown by the element with this label: its accessible value. Plain `Text`
/// elements are labelled by their own text, so an element that carries a value wins.
pub fn read(kiosk: &Kiosk, label: &str) -> String {
    let found = find_all(kiosk, label);
    assert!(!found.is_empty(), "nothing on screen is labelled {label:?}");
    found
        .iter()
        .find_map(|e| e.accessible_value())
        .unwrap_or_default()
        .to_string()
}

/// Lets `seconds` of (mocked) time pass, one second at a time, so timers fire as they would.
pub fn wait_seconds(seconds: u32) {
    for _ in 0..seconds {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(1));
    }
}

/// Every slip the virtual printer filed, oldest first, as (file name, bytes).
pub fn printed_slips(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("printer"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "bin"));
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// The text an ESC/POS job prints, read back as GB18030; raster images (GS v 0) are
/// skipped so their pixels cannot pass for digits, and control bytes end a line.
pub fn escpos_text(bytes: &[u8]) -> String {
    let mut text = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if i + 8 <= bytes.len() && bytes[i] == 0x1D && bytes[i + 1] == 0x76 && bytes[i + 2] == 0x30 {
            let wb = bytes[i + 4] as usize + 256 * bytes[i + 5] as usize;
            let h = bytes[i + 6] as usize + 256 * bytes[i + 7] as usize;
            i += 8 + wb * h;
            text.push(b'\n');
            continue;
        }
        text.push(if bytes[i] < 0x20 { b'\n' } else { bytes[i] });
        i += 1;
    }
    encoding_rs::GB18030.decode(&text).0.into_owned()
}

/// Reassembles the raster images (GS v 0) of an ESC/POS job into one picture and reads
/// the QR code in it with an independent decoder (rqrr), as a guard's phone would.
pub fn qr_in_escpos(bytes: &[u8]) -> Option<String> {
    let mut rows: Vec<Vec<bool>> = Vec::new();
    let mut width = 0usize;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        if bytes[i] == 0x1D && bytes[i + 1] == 0x76 && bytes[i + 2] == 0x30 {
            let wb = bytes[i + 4] as usize + 256 * bytes[i + 5] as usize;
            let h = bytes[i + 6] as usize + 256 * bytes[i + 7] as usize;
            let data = bytes.get(i + 8..i + 8 + wb * h)?;
            width = width.max(wb * 8);
            for y in 0..h {
                let row = (0..wb * 8)
                    .map(|x| data[y * wb + x / 8] & (0x80 >> (x % 8)) != 0)
                    .collect();
                rows.push(row);
            }
            i += 8 + wb * h;
        } else {
            i += 1;
        }
    }
    if rows.is_empty() {
        return None;
    }
    let height = rows.len();
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(width + 16, height + 16, |x, y| {
        let (x, y) = (x as isize - 8, y as isize - 8);
        let dark = x >= 0
            && y >= 0
            && rows
                .get(y as usize)
                .and_then(|r| r.get(x as usize))
                .copied()
                .unwrap_or(false);
        if dark {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    grids.iter().find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// Every accessible label and value on screen, for privacy scans.
pub fn screen_text(kiosk: &Kiosk) -> Vec<String> {
    use i_slint_backend_testing::ElementRoot;
    let mut out = Vec::new();
    for e in kiosk.window.root_element().query_descendants().find_all() {
        if let Some(v) = e.accessible_value() {
            out.push(v.to_string());
        }
        if let Some(l) = e.accessible_label() {
            out.push(l.to_string());
        }
    }
    out
}

/// Sends text as a USB barcode scanner does: one key event per character, `gap_ms`
/// apart, then Enter.
pub fn scan_with_gap(kiosk: &Kiosk, text: &str, gap_ms: u64) {
    use slint::platform::WindowEvent;
    for c in text.chars().chain(std::iter::once('\n')) {
        let key: slint::SharedString = c.to_string().into();
        kiosk
            .window
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text: key.clone() });
        kiosk
            .window
            .window()
            .dispatch_event(WindowEvent::KeyReleased { text: key });
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(gap_ms));
    }
}

/// A scanner burst at a typical scanner's speed.
pub fn scan(kiosk: &Kiosk, text: &str) {
    scan_with_gap(kiosk, text, 5);
    settle(kiosk);
}

/// Types on the on-screen keypad or keyboard, one key per character (`-` is the unit
/// number's separator key, a space the keyboard's space bar).
pub fn type_keys(kiosk: &Kiosk, text: &str) {
    for c in text.chars() {
        let key = match c {
            '-' => "分隔符 -".to_string(),
            ' ' => "空格".to_string(),
            c => c.to_string(),
        };
        tap(kiosk, &key);
    }
}

/// Latin letters on the on-screen keyboard, switching from pinyin first.
pub fn type_latin(kiosk: &Kiosk, text: &str) {
    tap(kiosk, "切换到英文字母");
    type_keys(kiosk, text);
}

/// Opens staff mode with this PIN, the way the desk does, and checks the dashboard is up.
pub fn staff_log_in(kiosk: &Kiosk, pin: &str) {
    find(kiosk, "工作人员入口").invoke_accessible_default_action();
    type_keys(kiosk, pin);
    tap(kiosk, "进入");
    assert_eq!(kiosk.window.global::<StaffAdapter>().get_step(), StaffStep::Dashboard);
}

/// Opens the touch-input check the way a technician does: staff mode with a desk PIN
/// (the account made first when the kiosk has none), then 触摸输入检查.
pub fn open_input_check(k: &TestKiosk) {
    use lobby_kiosk::journeys::staff::{self, Role};
    use lobby_kiosk::ui::{AppState, Page};
    if k.app().store().staff().unwrap().is_empty() {
        staff::add_staff(k.app(), "bootstrap", "技术员", Role::Desk, "583016", k.app().now())
            .unwrap()
            .unwrap();
    }
    staff_log_in(k, "583016");
    tap(k, "触摸输入检查");
    assert_eq!(k.window.global::<AppState>().get_page(), Page::InputCheck);
}

/// Whether any label or value on screen contains `part`.
pub fn shows_text(kiosk: &Kiosk, part: &str) -> bool {
    screen_text(kiosk).iter().any(|t| t.contains(part))
}
