//! Reads what a page really draws: every visible text's box from the item tree, and the
//! size its text needs from the same text layout the renderer uses (Slint's parley layout
//! with the kiosk's embedded font), and names each defect a person would see.
//!
//! `i-slint-backend-testing`'s `ElementHandle` gives positions, sizes and accessible labels
//! but not fonts, so this reads the items through `i-slint-core` (the same version, already
//! in the build): the text items' properties and the window's renderer.

use std::pin::Pin;

use i_slint_core::accessibility::AccessibleStringProperty;
use i_slint_core::graphics::FontRequest;
use i_slint_core::item_rendering::{HasFont, PlainOrStyledText, RenderString};
use i_slint_core::item_tree::{ItemRc, ParentItemTraversalMode};
use i_slint_core::items::{
    AccessibleRole, Clip, ComplexText, Flickable, Opacity, SimpleText, TextHorizontalAlignment, TextOverflow,
    TextVerticalAlignment, TextWrap,
};
use i_slint_core::lengths::{LogicalLength, LogicalPoint, LogicalRect};
use i_slint_core::window::WindowInner;

/// Smallest text a visitor standing at the kiosk must read (issue 17, point 5).
pub const MIN_FONT_PX: f32 = 24.0;
/// The longest bracketed group (brackets included, less one) kept whole on a line.
const SHORT_GROUP_CHARS: usize = 12;
/// Rounding slack in logical pixels.
const SLACK: f32 = 1.0;

/// One text as drawn.
#[derive(Clone)]
pub struct DrawnText {
    pub text: String,
    /// Where the glyphs are drawn, in window coordinates (the box, narrowed by alignment
    /// and cut to the list that scrolls it).
    pub ink: LogicalRect,
    /// The top-level part of the window it belongs to (a page or an overlay).
    pub layer: Option<ItemRc>,
}

/// A string laid out with the font of an item.
struct Probe {
    text: i_slint_core::SharedString,
    font: FontRequest,
}

impl HasFont for Probe {
    fn font_request(self: Pin<&Self>, _: &ItemRc) -> FontRequest {
        self.font.clone()
    }
}

impl RenderString for Probe {
    fn text(self: Pin<&Self>) -> PlainOrStyledText {
        PlainOrStyledText::Plain(self.text.clone())
    }
}

struct TextItem {
    text: String,
    font: FontRequest,
    wrap: TextWrap,
    overflow: TextOverflow,
    align: (TextHorizontalAlignment, TextVerticalAlignment),
}

fn text_item(item: &ItemRc) -> Option<TextItem> {
    if let Some(t) = item.downcast::<ComplexText>() {
        let t = t.as_pin_ref();
        return Some(TextItem {
            text: t.text().to_string(),
            font: t.font_request(item),
            wrap: t.wrap(),
            overflow: t.overflow(),
            align: (t.horizontal_alignment(), t.vertical_alignment()),
        });
    }
    if let Some(t) = item.downcast::<SimpleText>() {
        let t = t.as_pin_ref();
        return Some(TextItem {
            text: t.text().to_string(),
            font: t.font_request(item),
            wrap: TextWrap::NoWrap,
            overflow: TextOverflow::Clip,
            align: (t.horizontal_alignment(), t.vertical_alignment()),
        });
    }
    None
}

fn absolute(item: &ItemRc) -> LogicalRect {
    let g = item.geometry();
    LogicalRect::new(item.map_to_window(g.origin), g.size)
}

fn hidden_by_opacity(item: &ItemRc) -> bool {
    let mut current = Some(item.clone());
    while let Some(i) = current {
        if let Some(o) = i.downcast::<Opacity>() {
            if o.as_pin_ref().opacity() <= 0.01 {
                return true;
            }
        }
        current = i.parent_item(ParentItemTraversalMode::FindAllParents);
    }
    false
}

/// Hidden by `visible: false` on it or above it (Slint wraps such an element in a clip of
/// no size). What a list scrolls out of its view is hidden by the list, not by this.
fn hidden_by_visible(item: &ItemRc) -> bool {
    std::iter::once(item.clone()).chain(ancestors(item)).any(|i| {
        i.downcast::<Clip>().is_some_and(|c| {
            let c = c.as_pin_ref();
            c.is_visibility_clip() && c.clip()
        })
    })
}

/// What a person sees of the lists (Flickables) an item is in: their boxes, cut by each
/// other, in window coordinates; `None` if the item is in no list.
fn list_view(chain: &[ItemRc]) -> Option<LogicalRect> {
    let mut lists = chain
        .iter()
        .filter(|a| a.downcast::<Flickable>().is_some())
        .map(absolute);
    let first = lists.next()?;
    Some(lists.fold(first, |view, outer| view.intersection(&outer).unwrap_or_default()))
}

/// The item's ancestors, nearest first.
fn ancestors(item: &ItemRc) -> Vec<ItemRc> {
    let mut out = Vec::new();
    let mut current = item.parent_item(ParentItemTraversalMode::FindAllParents);
    while let Some(i) = current {
        current = i.parent_item(ParentItemTraversalMode::FindAllParents);
        out.push(i);
    }
    out
}

fn contains(outer: &LogicalRect, inner: &LogicalRect) -> bool {
    inner.min_x() >= outer.min_x() - SLACK
        && inner.min_y() >= outer.min_y() - SLACK
        && inner.max_x() <= outer.max_x() + SLACK
        && inner.max_y() <= outer.max_y() + SLACK
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0x20000..=0x3FFFF | 0xF900..=0xFAFF | 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

/// The bracketed groups of a text, as char ranges from the opening to the closing bracket
/// (nested groups inside an outer one are part of it).
fn bracket_groups(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (i, c) in text.chars().enumerate() {
        match c {
            '（' | '(' => open.push(i),
            '）' | ')' => {
                if let Some(start) = open.pop() {
                    if open.is_empty() {
                        out.push((start, i));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn is_closing_punct(c: char) -> bool {
    "。，、；：？！）》」』”’….,;:?!)\"' ".contains(c)
}

/// Every visible text of the window, and every defect found in it, as sentences.
pub fn inspect(window: &slint::Window, zh: bool) -> (Vec<DrawnText>, Vec<String>) {
    let inner = WindowInner::from_pub(window);
    let adapter = inner.window_adapter();
    let renderer = adapter.renderer();
    let size = window.size().to_logical(window.scale_factor());
    let window_rect = LogicalRect::new(
        Default::default(),
        i_slint_core::lengths::LogicalSize::new(size.width, size.height),
    );
    let root = ItemRc::new_root(inner.component());

    let mut texts = Vec::new();
    let mut defects = Vec::new();
    root.visit_descendants(|item| {
        let Some(t) = text_item(item) else {
            return std::ops::ControlFlow::<()>::Continue(());
        };
        if t.text.trim().is_empty() || !item.is_visible() || hidden_by_opacity(item) {
            return std::ops::ControlFlow::Continue(());
        }
        let rect = absolute(item);
        let chain = ancestors(item);
        let layer = chain.iter().rev().nth(2).cloned();
        let quote = t.text.replace('\n', "⏎");
        let debug = format!("{item:?}");
        let whose = debug
            .split_once(", ")
            .map_or("", |(_, rest)| rest)
            .trim_end_matches('}')
            .to_string();
        let mut say = |what: String| defects.push(format!("{what}: «{quote}» [{whose}]"));

        let measure = |text: &str, width: Option<f32>| {
            let probe = Probe {
                text: text.into(),
                font: t.font.clone(),
            };
            let probe = Pin::new(&probe);
            renderer.text_size(probe, item, width.map(LogicalLength::new), t.wrap)
        };
        let wraps = t.wrap != TextWrap::NoWrap;
        let need = measure(&t.text, wraps.then_some(rect.width()));
        if let Some(px) = t.font.pixel_size.map(|p| p.get()) {
            if px + 0.01 < MIN_FONT_PX {
                say(format!("{px} px text, smaller than {MIN_FONT_PX} px"));
            }
        }
        // (Wrapped text only overflows sideways through a word broken inside, below:
        // the layout's width counts a line's trailing space.)
        if !wraps && need.width > rect.width() + SLACK {
            let how = if t.overflow == TextOverflow::Elide {
                "cut short (…)"
            } else {
                "overflows its box"
            };
            say(format!(
                "{how}: needs {:.0} px wide, has {:.0}",
                need.width,
                rect.width()
            ));
        }
        if need.height > rect.height() + SLACK {
            say(format!(
                "clipped: needs {:.0} px high, has {:.0}",
                need.height,
                rect.height()
            ));
        }
        if wraps {
            // A word wider than the box is broken inside (Dispatc / h).
            let longest = t
                .text
                .split_whitespace()
                .filter(|w| !w.chars().any(is_cjk))
                .map(|w| measure(w, None).width)
                .fold(0.0f32, f32::max);
            if longest > rect.width() + SLACK {
                say(format!(
                    "a word is broken: {:.0} px wide in {:.0} px",
                    longest,
                    rect.width()
                ));
            }
            // A character alone on the last line: without it (and its closing
            // punctuation) the text needs one line less.
            // (In Latin text a line breaks between words: only a one-letter last word can
            // be alone; a word broken inside is the defect above.)
            let body = t.text.trim_end_matches(is_closing_punct);
            let mut chars = body.chars();
            let last = chars.next_back();
            let last_word = body.split_whitespace().next_back().unwrap_or("");
            let single = last.is_some_and(is_cjk) || last_word.chars().count() == 1;
            if single && !chars.as_str().trim().is_empty() {
                // Without its trailing space: a space ending a line hangs past the edge, but
                // the layout counts it and would wrap «第 1 页，共 2 » as often as the whole.
                let shorter = measure(chars.as_str().trim_end(), Some(rect.width()));
                let line = measure("国", None).height;
                if need.height > line * 1.5 && shorter.height + line * 0.5 < need.height {
                    say("a character alone on the last line".to_string());
                }
            }
        }
        if wraps && need.height > measure("国", None).height * 1.5 {
            // A line broken inside brackets that would fit on one line ("其他姓氏（拼 /
            // 音输入）"): the text up to the opening bracket and up to the closing one end
            // on different lines.
            let line = measure("国", None).height;
            let lines = |upto: usize| {
                let prefix: String = t.text.chars().take(upto + 1).collect();
                (measure(&prefix, Some(rect.width())).height / line).round()
            };
            for (open, close) in bracket_groups(&t.text) {
                let group: String = t.text.chars().skip(open).take(close + 1 - open).collect();
                // Only a short group, a word or two: a long aside in running text may wrap.
                let short = close - open <= SHORT_GROUP_CHARS;
                if short && measure(&group, None).width <= rect.width() && lines(open) != lines(close) {
                    say(format!("a line breaks inside «{group}»"));
                    break;
                }
            }
        }
        if zh && t.text.chars().any(is_cjk) {
            let chars: Vec<char> = t.text.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                let beside_cjk = chars.get(i.wrapping_sub(1)).is_some_and(|p| is_cjk(*p))
                    || chars.get(i + 1).is_some_and(|n| is_cjk(*n));
                if matches!(c, ',' | '?' | '!' | ';') || (matches!(c, ':' | '(' | ')') && beside_cjk) {
                    say(format!("half-width `{c}` in Chinese copy"));
                    break;
                }
            }
        }

        // Where the glyphs really are: the box narrowed to what the text needs.
        let w = need.width.min(rect.width());
        let h = need.height.min(rect.height());
        let x = match t.align.0 {
            TextHorizontalAlignment::Center => rect.min_x() + (rect.width() - w) / 2.0,
            TextHorizontalAlignment::Right => rect.max_x() - w,
            _ => rect.min_x(),
        };
        let y = match t.align.1 {
            TextVerticalAlignment::Center => rect.min_y() + (rect.height() - h) / 2.0,
            TextVerticalAlignment::Bottom => rect.max_y() - h,
            _ => rect.min_y(),
        };
        let ink = LogicalRect::new(LogicalPoint::new(x, y), i_slint_core::lengths::LogicalSize::new(w, h));

        // What of it is drawn: a list (Flickable) clips what is scrolled out of its view.
        let view = list_view(&chain);
        let shown = match view {
            Some(view) => view.intersection(&ink),
            None => Some(ink),
        };
        // What a person sees of it in place: in a list, the part scrolled into the list's
        // view (a row scrolled out of it is not on the screen, a row half in is seen down
        // to the list's edge); the list does not scroll sideways, so a line keeps its
        // whole width.
        let seen = match view {
            None => Some(ink),
            Some(view) => {
                let (top, bottom) = (ink.min_y().max(view.min_y()), ink.max_y().min(view.max_y()));
                (bottom > top).then(|| {
                    LogicalRect::new(
                        LogicalPoint::new(ink.min_x(), top),
                        i_slint_core::lengths::LogicalSize::new(ink.width(), bottom - top),
                    )
                })
            }
        };
        if let Some(seen) = seen {
            let sideways_out = |r: &LogicalRect| seen.min_x() < r.min_x() - SLACK || seen.max_x() > r.max_x() + SLACK;
            if !contains(&window_rect, &seen) {
                say(format!(
                    "outside the window: {:.0},{:.0} {:.0}×{:.0}",
                    seen.min_x(),
                    seen.min_y(),
                    seen.width(),
                    seen.height()
                ));
            } else if let Some(view) = view.filter(sideways_out) {
                say(format!(
                    "cut by the side of its list ({:.0},{:.0} {:.0}×{:.0})",
                    view.min_x(),
                    view.min_y(),
                    view.width(),
                    view.height()
                ));
            } else if let Some(parent) = chain
                .iter()
                .take_while(|a| a.downcast::<Flickable>().is_none())
                .map(absolute)
                .find(|r| r.width() > 0.0 && r.height() > 0.0 && !contains(r, &ink))
            {
                // (Inside a list, up to the list: a row and its texts scroll together.)
                say(format!(
                    "sticks out of its container ({:.0},{:.0} {:.0}×{:.0})",
                    parent.min_x(),
                    parent.min_y(),
                    parent.width(),
                    parent.height()
                ));
            }
        }
        if let Some(ink) = shown {
            texts.push(DrawnText {
                text: t.text.clone(),
                ink,
                layer,
            });
        }
        std::ops::ControlFlow::Continue(())
    });

    for (i, a) in texts.iter().enumerate() {
        for b in &texts[i + 1..] {
            if a.layer != b.layer {
                continue;
            }
            let overlap = a.ink.intersection(&b.ink);
            if overlap.is_some_and(|o| o.width() > SLACK && o.height() > SLACK) {
                defects.push(format!("«{}» and «{}» overlap", a.text, b.text));
            }
        }
    }
    defects.extend(unreachable_buttons(&root, &window_rect));
    (texts, defects)
}

/// Every button shown can be pressed where it is: wholly inside the window (so a form
/// that outgrows its screen, its "file" button pushed off the bottom, is caught), and one
/// in a list wholly inside the list sideways (a list scrolls only up and down); of a row
/// that is scrolled out of a list's view, only what the list shows must be on screen.
fn unreachable_buttons(root: &ItemRc, window_rect: &LogicalRect) -> Vec<String> {
    let mut out = Vec::new();
    root.visit_descendants(|item| {
        if item.accessible_role() != AccessibleRole::Button || hidden_by_visible(item) || hidden_by_opacity(item) {
            return std::ops::ControlFlow::<()>::Continue(());
        }
        let rect = absolute(item);
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return std::ops::ControlFlow::Continue(());
        }
        let label = item
            .accessible_string_property(AccessibleStringProperty::Label)
            .unwrap_or_default()
            .replace('\n', "⏎");
        let place = |r: &LogicalRect| format!("{:.0},{:.0} {:.0}×{:.0}", r.min_x(), r.min_y(), r.width(), r.height());
        let view = list_view(&ancestors(item));
        // The part of it a person sees: a list shows only the rows scrolled into its view.
        let seen = match view {
            None => Some(rect),
            Some(view) => {
                let (top, bottom) = (rect.min_y().max(view.min_y()), rect.max_y().min(view.max_y()));
                (bottom > top).then(|| {
                    LogicalRect::new(
                        LogicalPoint::new(rect.min_x(), top),
                        i_slint_core::lengths::LogicalSize::new(rect.width(), bottom - top),
                    )
                })
            }
        };
        let sideways_out = |r: &LogicalRect| rect.min_x() < r.min_x() - SLACK || rect.max_x() > r.max_x() + SLACK;
        if seen.is_some_and(|seen| !contains(window_rect, &seen)) || sideways_out(window_rect) {
            out.push(format!(
                "button «{label}» is not wholly inside the window: {}",
                place(&rect)
            ));
        } else if let Some(view) = view.filter(sideways_out) {
            out.push(format!(
                "button «{label}» sticks out of the side of its list: {}, the list {}",
                place(&rect),
                place(&view)
            ));
        }
        std::ops::ControlFlow::Continue(())
    });
    out
}
