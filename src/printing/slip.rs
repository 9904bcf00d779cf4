//! Slip layout as plain data.
//!
//! A flow builds a [`Slip`] (a list of [`Op`]s) and never thinks about printer bytes.
//! [`layout`] then turns it into physical lines for one paper width. Both the ESC/POS
//! encoder and the PNG preview consume that single layout, so what staff see in the
//! preview wraps exactly like the paper does.
//!
//! Widths are counted in font-A columns: a receipt printer's font A is 12 dots wide and
//! its CJK glyphs are 24 dots, so a Chinese character takes two columns. Laying text out
//! on that grid is what lets the printer's own fonts and our raster fallback agree.

use serde::{Deserialize, Serialize};

/// Receipt roll width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Paper {
    /// 58 mm roll: 384 printable dots.
    #[serde(rename = "58mm")]
    Mm58,
    /// 80 mm roll: 576 printable dots. The common lobby printer.
    #[default]
    #[serde(rename = "80mm")]
    Mm80,
}

impl Paper {
    /// Printable dots per line at 203 dpi.
    pub fn dots_per_line(self) -> u32 {
        match self {
            Paper::Mm58 => 384,
            Paper::Mm80 => 576,
        }
    }

    /// Font-A columns per line (12-dot cells); a CJK glyph takes two.
    pub fn chars_per_line(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80 => 48,
        }
    }
}

/// What a slip is for (its stored code, its words): `domain::print_job` owns it.
pub use crate::domain::print_job::SlipKind;

/// One layout instruction. Text is plain Unicode; encoding is the encoder's business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// Double width and height, bold, centred.
    Title(String),
    /// Bold, left aligned.
    Heading(String),
    /// Wrapped body text.
    Text(String),
    /// Label on the left, value on the right; wrapped below the label if it doesn't fit.
    Field { label: String, value: String },
    /// Wrapped, centred text.
    Centered(String),
    /// A full-width rule.
    Divider,
    /// A QR code of this payload, centred.
    Qr(String),
    /// Feed this many empty lines.
    Feed(u8),
    /// Feed past the cutter and cut.
    Cut,
}

/// A complete slip, ready to be encoded or previewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slip {
    pub kind: SlipKind,
    pub ops: Vec<Op>,
}

/// Horizontal placement of a physical line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// One physical text line after wrapping; always fits the paper at its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Double width and height (titles).
    pub double: bool,
    pub bold: bool,
    pub align: Align,
}

/// A slip laid out for one paper width: what both the encoder and the preview draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Text(Line),
    Qr(String),
    Feed(u8),
    Cut,
}

/// Lays a slip out for `paper`. Pure and total: any input gives some layout.
pub fn layout(slip: &Slip, paper: Paper) -> Vec<Block> {
    let cols = paper.chars_per_line();
    let mut out = Vec::new();
    for op in &slip.ops {
        let (lines, double, bold, align) = match op {
            Op::Title(t) => (wrap(t, cols / 2), true, true, Align::Center),
            Op::Heading(t) => (wrap(t, cols), false, true, Align::Left),
            Op::Text(t) => (wrap(t, cols), false, false, Align::Left),
            Op::Centered(t) => (wrap(t, cols), false, false, Align::Center),
            Op::Field { label, value } => (layout_field(label, value, cols), false, false, Align::Left),
            Op::Divider => (vec!["-".repeat(cols)], false, false, Align::Left),
            Op::Qr(p) => {
                out.push(Block::Qr(p.clone()));
                continue;
            }
            Op::Feed(n) => {
                out.push(Block::Feed(*n));
                continue;
            }
            Op::Cut => {
                out.push(Block::Cut);
                continue;
            }
        };
        out.extend(lines.into_iter().map(|text| {
            Block::Text(Line {
                text,
                double,
                bold,
                align,
            })
        }));
    }
    out
}

/// Columns a character occupies in font A: 2 for East Asian wide/fullwidth, 0 for
/// combining marks and zero-width characters, 1 otherwise.
pub fn char_width(c: char) -> usize {
    let u = c as u32;
    match u {
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// Display width of a string in font-A columns.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Closing punctuation must not start a line (Chinese typesetting rule), so it is kept
/// with the token before it.
fn no_break_before(c: char) -> bool {
    "，。、；：？！）》」』】〉”’,.;:!?)]}%".contains(c)
}

/// Opening punctuation must not end a line, so it is kept with the token after it.
fn no_break_after(c: char) -> bool {
    "（《「『【〈“‘([{".contains(c)
}

/// Splits a paragraph into break units: runs of spaces, Latin words, single wide chars,
/// with punctuation glued to its neighbour.
fn tokens(para: &str) -> Vec<String> {
    let mut toks: Vec<String> = Vec::new();
    let mut glue_next = false;
    for c in para.chars() {
        let kind = if c == ' ' {
            0
        } else if char_width(c) == 2 {
            2
        } else {
            1
        };
        let prev_kind = toks.last().and_then(|t| t.chars().last()).map(|p| {
            if p == ' ' {
                0
            } else if char_width(p) == 2 {
                2
            } else {
                1
            }
        });
        let join = match prev_kind {
            None => false,
            Some(pk) => glue_next && kind != 0 || (no_break_before(c) && pk != 0) || (kind == pk && kind != 2),
        };
        match toks.last_mut() {
            Some(last) if join => last.push(c),
            _ => toks.push(c.to_string()),
        }
        glue_next = no_break_after(c);
    }
    toks
}

/// Word-wraps `text` to `cols` display columns. Latin words break at spaces, CJK text
/// between any two characters (keeping punctuation rules), over-long words are split.
/// Newlines force breaks; control characters become spaces so user input can never
/// smuggle printer commands onto the paper. Always returns at least one line.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(2);
    let clean = printable(text);
    let mut lines = Vec::new();
    for para in clean.split('\n') {
        let mut cur = String::new();
        let mut w = 0;
        let first = lines.len();
        for tok in tokens(para) {
            let tw = display_width(&tok);
            let is_space = tok.starts_with(' ');
            if w + tw <= cols {
                // Keep a deliberate indent, but never start a wrapped line with spaces.
                if !(is_space && w == 0 && lines.len() > first) {
                    cur.push_str(&tok);
                    w += tw;
                }
                continue;
            }
            // Does not fit on the current line.
            if is_space {
                lines.push(cur.trim_end().to_string());
                cur.clear();
                w = 0;
                continue;
            }
            // An indent alone on a line would print as an empty line: drop it instead.
            if !cur.trim().is_empty() {
                lines.push(cur.trim_end().to_string());
            }
            cur.clear();
            w = 0;
            if tw <= cols {
                cur.push_str(&tok);
                w = tw;
            } else {
                for c in tok.chars() {
                    let cw = char_width(c);
                    if w + cw > cols && w > 0 {
                        lines.push(std::mem::take(&mut cur));
                        w = 0;
                    }
                    cur.push(c);
                    w += cw;
                }
            }
        }
        lines.push(cur.trim_end().to_string());
    }
    lines
}

/// Text as it may reach the paper: control characters (ESC, GS … which the printer would
/// obey as commands) become spaces, and invisible and direction characters (U+200B,
/// U+202E …), which a printer's font cannot show and which would reorder the line, are
/// dropped. Line breaks stay, for [`wrap`] to honour.
pub fn printable(text: &str) -> String {
    use crate::domain::field::{is_bidi_control, is_invisible};
    text.chars()
        .filter(|&c| !(is_invisible(c) || is_bidi_control(c)))
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// Lays out a label/value pair: on one line with the value flush right when it fits,
/// otherwise the label, then the value wrapped and indented by two columns.
pub fn layout_field(label: &str, value: &str, cols: usize) -> Vec<String> {
    let (label, value) = (printable(label), printable(value));
    let (label, value) = (label.trim(), value.trim());
    let (lw, vw) = (display_width(label), display_width(value));
    let one_line = !label.contains(['\n', '\r']) && !value.contains(['\n', '\r']);
    if one_line && lw + vw < cols && label.chars().chain(value.chars()).all(|c| !c.is_control()) {
        let pad = cols - lw - vw;
        return vec![format!("{label}{}{value}", " ".repeat(pad))];
    }
    let mut out = wrap(label, cols);
    out.extend(
        wrap(value, cols.saturating_sub(2))
            .into_iter()
            .map(|l| format!("  {l}")),
    );
    out
}

/// The printer self-test slip: shows the compound, that Chinese prints, the hotline and
/// that QR codes scan. Printed by staff after changing paper or printer.
pub fn test_slip(compound: &str, hotline: &str, now_text: &str) -> Slip {
    Slip {
        kind: SlipKind::Test,
        ops: vec![
            Op::Title(compound.to_string()),
            Op::Centered("打印测试 Printer test".to_string()),
            Op::Divider,
            Op::Text("您好，祝您生活愉快".to_string()),
            Op::Text("Hello, we wish you a pleasant day.".to_string()),
            Op::Field {
                label: "时间 Time".to_string(),
                value: now_text.to_string(),
            },
            Op::Field {
                label: "服务热线 Hotline".to_string(),
                value: hotline.to_string(),
            },
            Op::Divider,
            Op::Qr(format!("lobby-kiosk printer test {now_text}")),
            Op::Centered("请扫码测试 Scan to test".to_string()),
            Op::Feed(1),
            Op::Cut,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_geometry_and_serde() {
        assert_eq!((Paper::Mm58.dots_per_line(), Paper::Mm58.chars_per_line()), (384, 32));
        assert_eq!((Paper::Mm80.dots_per_line(), Paper::Mm80.chars_per_line()), (576, 48));
        assert_eq!(serde_json::to_string(&Paper::Mm58).unwrap(), "\"58mm\"");
        assert_eq!(serde_json::from_str::<Paper>("\"80mm\"").unwrap(), Paper::Mm80);
        assert_eq!(serde_json::to_string(&SlipKind::Visitor).unwrap(), "\"visitor\"");
        assert_eq!(SlipKind::Report.as_str(), "report");
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("您好 ok"), 7);
        assert_eq!(display_width("３号楼，A座"), 11);
        assert_eq!(display_width("𠀀e\u{301}"), 3);
    }

    #[test]
    fn wraps_latin_at_spaces() {
        assert_eq!(
            wrap("the quick brown fox jumps", 10),
            vec!["the quick", "brown fox", "jumps"]
        );
    }

    #[test]
    fn wraps_cjk_anywhere_but_keeps_punctuation() {
        let lines = wrap("您好，请稍等。谢谢您的耐心等待", 8);
        assert_eq!(lines, vec!["您好，请", "稍等。谢", "谢您的耐", "心等待"]);
        // "，" would start line two at width 6; it stays with "好" instead.
        let lines = wrap("一二三好，请", 8);
        assert_eq!(lines, vec!["一二三", "好，请"]);
    }

    #[test]
    fn wraps_mixed_text() {
        let lines = wrap("请到3号楼A座前台领取Temporary pass临时出入证", 16);
        assert_eq!(lines, vec!["请到3号楼A座前台", "领取Temporary", "pass临时出入证"]);
        for l in &lines {
            assert!(display_width(l) <= 16);
        }
    }

    #[test]
    fn splits_overlong_words_and_honours_newlines() {
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\n\nb", 4), vec!["a", "", "b"]);
        assert_eq!(wrap("", 4), vec![""]);
        assert_eq!(wrap("  indented text", 9), vec!["indented", "text"]);
        assert_eq!(wrap("  ab cd ef", 8), vec!["  ab cd", "ef"]);
    }

    #[test]
    fn control_characters_never_reach_the_paper() {
        let lines = wrap("ab\u{1b}@\u{1d}V\tc", 32);
        assert_eq!(lines, vec!["ab @ V c"]);
        // Invisible and direction characters are dropped, from fields too.
        assert_eq!(wrap("王\u{202E}芳\u{200B}\u{FEFF}", 32), vec!["王芳"]);
        assert_eq!(
            layout_field("姓名\u{1b}", "王\u{202E}芳", 32),
            vec![format!("姓名{}王芳", " ".repeat(24))]
        );
    }

    #[test]
    fn wrapped_lines_always_fit() {
        let samples = [
            "您好，祝您生活愉快！Have a nice day.",
            "（业主）张先生：3栋2单元1201室，电话已隐藏……",
            "supercalifragilisticexpialidocious和中文混排testing",
            "𠀀𠀁𠀂 emoji😀😀 mixed",
        ];
        for cols in 2..40 {
            for s in samples {
                for l in wrap(s, cols) {
                    assert!(display_width(&l) <= cols, "{l:?} > {cols}");
                }
            }
        }
    }

    #[test]
    fn fields_fit_or_wrap() {
        assert_eq!(layout_field("房号 Room", "3-1201", 20), vec!["房号 Room     3-1201"]);
        let long = layout_field("事由 Purpose", "为业主安装宽带并检查线路是否完好", 20);
        assert_eq!(long[0], "事由 Purpose");
        assert!(long[1..].iter().all(|l| l.starts_with("  ") && display_width(l) <= 20));
    }

    #[test]
    fn layout_titles_use_half_the_columns() {
        let slip = Slip {
            kind: SlipKind::Visitor,
            ops: vec![Op::Title("阳光花园小区访客登记单".into()), Op::Divider],
        };
        let blocks = layout(&slip, Paper::Mm58);
        let Block::Text(first) = &blocks[0] else { panic!() };
        assert!(first.double && first.align == Align::Center);
        assert_eq!(first.text, "阳光花园小区访客");
        assert_eq!(
            blocks[2],
            Block::Text(Line {
                text: "-".repeat(32),
                double: false,
                bold: false,
                align: Align::Left
            })
        );
    }

    #[test]
    fn test_slip_has_the_essentials() {
        let s = test_slip("阳光花园", "400-123-4567", "2025-01-02 09:30");
        assert_eq!(s.kind, SlipKind::Test);
        assert_eq!(s.ops[0], Op::Title("阳光花园".into()));
        assert!(s.ops.contains(&Op::Centered("打印测试 Printer test".into())));
        assert!(s.ops.contains(&Op::Text("您好，祝您生活愉快".into())));
        assert!(s
            .ops
            .iter()
            .any(|o| matches!(o, Op::Field { value, .. } if value == "400-123-4567")));
        assert!(s.ops.iter().any(|o| matches!(o, Op::Qr(_))));
        assert_eq!(s.ops.last(), Some(&Op::Cut));
    }
}
