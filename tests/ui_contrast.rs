//! Readable standing up (issue 17, point 5): every text on every page and state
//! `screenshot --list` names, in both languages, has a contrast of at least 4.5:1 (WCAG 2.2
//! AA) against what is drawn behind it. Read from the item tree as painted: the text's
//! colour over the window's background and every rectangle painted before it that lies
//! under the text's middle (semi-transparent ones blended, as the renderer does).

mod common;

use common::*;
use i_slint_core::graphics::{Brush, Color};
use i_slint_core::item_tree::{ItemRc, ParentItemTraversalMode};
use i_slint_core::items::{
    BasicBorderRectangle, BorderRectangle, ComplexText, Opacity, Rectangle, SimpleText, WindowItem,
};
use i_slint_core::lengths::{LogicalPoint, LogicalRect};
use i_slint_core::window::WindowInner;
use lobby_kiosk::i18n::Lang;
use lobby_kiosk::ui::screenshot::{stage_page, PAGES};
use slint::ComponentHandle;

/// WCAG 2.2 AA for text.
const MIN_CONTRAST: f64 = 4.5;

/// An opaque colour as linear-light-free sRGB channels 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rgb(f64, f64, f64);

impl Rgb {
    /// `top` (with its alpha) painted over this colour.
    fn under(self, top: Color) -> Rgb {
        let a = f64::from(top.alpha()) / 255.0;
        let mix = |t: u8, b: f64| f64::from(t) / 255.0 * a + b * (1.0 - a);
        Rgb(
            mix(top.red(), self.0),
            mix(top.green(), self.1),
            mix(top.blue(), self.2),
        )
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let lin = |c: f64| {
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }
}

fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn solid(brush: Brush) -> Option<Color> {
    let color = brush.color();
    (color.alpha() > 0).then_some(color)
}

/// What an item paints as its background, if anything.
fn background(item: &ItemRc) -> Option<Color> {
    if let Some(r) = item.downcast::<Rectangle>() {
        return solid(r.as_pin_ref().background());
    }
    if let Some(r) = item.downcast::<BasicBorderRectangle>() {
        return solid(r.as_pin_ref().background());
    }
    if let Some(r) = item.downcast::<BorderRectangle>() {
        return solid(r.as_pin_ref().background());
    }
    None
}

fn text_of(item: &ItemRc) -> Option<(String, Color)> {
    if let Some(t) = item.downcast::<ComplexText>() {
        let t = t.as_pin_ref();
        return Some((t.text().to_string(), t.color().color()));
    }
    if let Some(t) = item.downcast::<SimpleText>() {
        let t = t.as_pin_ref();
        return Some((t.text().to_string(), t.color().color()));
    }
    None
}

fn absolute(item: &ItemRc) -> LogicalRect {
    let g = item.geometry();
    LogicalRect::new(item.map_to_window(g.origin), g.size)
}

/// Not drawn: invisible, or under a fully transparent `opacity`.
fn not_drawn(item: &ItemRc) -> bool {
    if !item.is_visible() {
        return true;
    }
    let mut current = Some(item.clone());
    while let Some(i) = current {
        if i.downcast::<Opacity>()
            .is_some_and(|o| o.as_pin_ref().opacity() <= 0.01)
        {
            return true;
        }
        current = i.parent_item(ParentItemTraversalMode::FindAllParents);
    }
    false
}

/// Every drawn text whose contrast against what is behind it is under [`MIN_CONTRAST`].
fn low_contrast(window: &slint::Window) -> Vec<String> {
    let inner = WindowInner::from_pub(window);
    let root = ItemRc::new_root(inner.component());
    let window_bg = root
        .downcast::<WindowItem>()
        .and_then(|w| solid(w.as_pin_ref().background()))
        .map_or(Rgb(1.0, 1.0, 1.0), |c| Rgb(1.0, 1.0, 1.0).under(c));
    // Backgrounds in paint order (the tree's pre-order is the order the renderer paints).
    let mut painted: Vec<(LogicalRect, Color)> = Vec::new();
    let mut found = Vec::new();
    root.visit_descendants(|item| {
        if not_drawn(item) {
            return std::ops::ControlFlow::<()>::Continue(());
        }
        if let Some(color) = background(item) {
            painted.push((absolute(item), color));
        }
        if let Some((text, color)) = text_of(item) {
            if text.trim().is_empty() || color.alpha() == 0 {
                return std::ops::ControlFlow::Continue(());
            }
            let rect = absolute(item);
            let middle = LogicalPoint::new(rect.center().x, rect.center().y);
            let behind = painted
                .iter()
                .filter(|(r, _)| r.contains(middle))
                .fold(window_bg, |under, (_, c)| under.under(*c));
            let ratio = contrast(behind.under(color), behind);
            if ratio + 1e-9 < MIN_CONTRAST {
                found.push(format!(
                    "«{}» {ratio:.2}:1 (text {color:?} on {:02X}{:02X}{:02X})",
                    text.replace('\n', "⏎"),
                    (behind.0 * 255.0).round() as u8,
                    (behind.1 * 255.0).round() as u8,
                    (behind.2 * 255.0).round() as u8
                ));
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    found
}

fn walk(size: (f32, f32)) {
    let k = kiosk();
    let mut all = Vec::new();
    for (page, _) in PAGES {
        for lang in [Lang::Zh, Lang::En] {
            k.window.window().set_size(slint::LogicalSize::new(size.0, size.1));
            stage_page(&k, page, lang);
            // Let animations (a tab's highlight sliding over) finish, as a person sees it.
            i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(800));
            slint::platform::update_timers_and_animations();
            slint::platform::update_timers_and_animations();
            for defect in low_contrast(k.window.window()) {
                all.push(format!("{page} {}: {defect}", lang.code()));
            }
        }
    }
    assert!(
        all.is_empty(),
        "{} texts under {MIN_CONTRAST}:1 against their background:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn every_text_on_every_page_reads_at_4_5_to_1_landscape() {
    walk((1280.0, 800.0));
}

#[test]
fn every_text_on_every_page_reads_at_4_5_to_1_portrait() {
    walk((1080.0, 1920.0));
}

#[test]
fn the_blend_and_the_measure_are_wcag_s() {
    let white = Rgb(1.0, 1.0, 1.0);
    assert!((contrast(Rgb(0.0, 0.0, 0.0), white) - 21.0).abs() < 1e-9);
    // #767676 on white is the classic 4.54:1, as the kiosk's own rule computes it.
    let grey = white.under(Color::from_rgb_u8(0x76, 0x76, 0x76));
    let rule = lobby_kiosk::domain::contrast::ratio((0x76, 0x76, 0x76), (255, 255, 255));
    assert!((contrast(grey, white) - rule).abs() < 1e-9);
    // Half-transparent black over white is mid grey.
    let half = white.under(Color::from_argb_u8(128, 0, 0, 0));
    assert!((half.0 - 0.498).abs() < 0.01, "{half:?}");
}

/// The walk sees pale text where a person would: with a brand colour too light for the
/// white text on it (one the configuration refuses), the home page's tiles fail.
#[test]
fn the_check_sees_white_text_on_a_pale_brand() {
    let k = kiosk();
    k.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    stage_page(&k, "home", Lang::Zh);
    assert!(low_contrast(k.window.window()).is_empty());
    k.window
        .global::<lobby_kiosk::ui::Palette>()
        .set_brand(slint::Color::from_rgb_u8(0x7F, 0xC8, 0xA9));
    slint::platform::update_timers_and_animations();
    let found = low_contrast(k.window.window());
    assert!(!found.is_empty(), "white on a pale brand colour passed");
}
