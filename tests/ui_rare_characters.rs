//! Every character the pinyin input offers can be drawn: rare name characters (䶮 of
//! Extension A, 𠀀 of Extension B, 堃 喆 犇) are offered, typed into a field, and the window's
//! fonts hold a real glyph for each, with the Extension font first in the fallback the
//! window's text uses when WenQuanYi Micro Hei has no glyph.

mod common;

use common::*;
use slint::ComponentHandle;

fn open_text_check(k: &TestKiosk) {
    open_input_check(k);
    tap(k, "文字");
}

/// Types `pinyin`, pages forward until `c` is offered and taps it.
fn pick(k: &TestKiosk, pinyin: &str, c: char) {
    for letter in pinyin.chars() {
        tap(k, &letter.to_string());
    }
    let label = format!("候选 {c}");
    for _ in 0..400 {
        if is_shown(k, &label) {
            tap(k, &label);
            return;
        }
        tap(k, "下一页候选字");
    }
    panic!("{c} is not offered for {pinyin}");
}

#[test]
fn rare_name_characters_are_offered_typed_and_drawable() {
    let k = kiosk();
    open_text_check(&k);
    for (pinyin, c) in [("yan", '䶮'), ("he", '𠀀'), ("kun", '堃'), ("zhe", '喆'), ("ben", '犇')] {
        pick(&k, pinyin, c);
        assert!(
            lobby_kiosk::fonts::outline_box(c).is_some(),
            "{c} has no glyph in the window's fonts"
        );
    }
    assert_eq!(read(&k, "公司名称或留言"), "䶮𠀀堃喆犇");
}

#[test]
fn the_extension_font_is_the_windows_fallback() {
    use slint::private_unstable_api::re_exports::WindowInner;
    let k = kiosk();
    let inner = WindowInner::from_pub(k.window.window());
    let mut fonts = inner.context().font_context().borrow_mut();
    let collection = &mut fonts.collection;
    let main = collection.family_id(lobby_kiosk::fonts::MAIN_FAMILY);
    let ext = collection.family_id(lobby_kiosk::fonts::EXT_FAMILY);
    assert!(main.is_some() && ext.is_some(), "both bundled fonts are registered");
    for generic in [fontique::GenericFamily::SansSerif, fontique::GenericFamily::SystemUi] {
        assert_eq!(collection.generic_families(generic).next(), ext, "{generic:?}");
    }
}
