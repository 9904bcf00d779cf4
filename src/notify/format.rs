//! The JSON bodies of the three group-robot webhooks the desk may use, and the
//! privacy scrub every outgoing text passes through.
//!
//! Only the documented minimal shapes are produced, because the robots reject
//! unknown fields or message types with an error code:
//! - WeCom (企业微信群机器人): `{"msgtype":"markdown","markdown":{"content":…}}`;
//!   urgent notices use `{"msgtype":"text","text":{"content":…,"mentioned_list":["@all"]}}`
//!   because only the text type can mention everyone (and so make phones ring).
//! - DingTalk (钉钉自定义机器人): `{"msgtype":"markdown","markdown":{"title":…,"text":…}}`,
//!   plus `"at":{"isAtAll":true}` when urgent.
//! - Feishu/Lark (飞书自定义机器人): `{"msg_type":"text","content":{"text":…}}`, with
//!   `<at user_id="all">所有人</at>` in front when urgent.
//!
//! If the group robot uses the "custom keyword" security setting, the keyword
//! must appear in the title or a line; the title always appears in the body.
//! Signed ("加签") DingTalk and Feishu robots are supported through `notify.secret`
//! (see [`super::sign`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::json;
use thiserror::Error;

use super::message::Notice;

/// Why a configured chat format name was not understood.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    #[error("unknown chat format {0:?} (expected wecom, dingtalk or feishu)")]
    UnknownFormat(String),
}

/// Which group-robot API the desk's webhook belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatFormat {
    #[default]
    Wecom,
    Dingtalk,
    Feishu,
}

impl ChatFormat {
    /// The configuration name (same as serde).
    pub fn as_str(self) -> &'static str {
        match self {
            ChatFormat::Wecom => "wecom",
            ChatFormat::Dingtalk => "dingtalk",
            ChatFormat::Feishu => "feishu",
        }
    }

    /// Guesses the format from a webhook URL's host, so a settings screen can
    /// warn when the chosen format and the pasted URL disagree. `None` for
    /// hosts it does not know (for example a local relay).
    pub fn from_url(url: &str) -> Option<ChatFormat> {
        let rest = url.trim().split_once("://").map_or(url, |(_, r)| r);
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or(host);
        let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
        match host.as_str() {
            "qyapi.weixin.qq.com" => Some(ChatFormat::Wecom),
            "oapi.dingtalk.com" => Some(ChatFormat::Dingtalk),
            "open.feishu.cn" | "open.larksuite.com" => Some(ChatFormat::Feishu),
            _ => None,
        }
    }

    /// Longest text (in bytes) put in one message. WeCom caps text messages at
    /// 2048 bytes and markdown at 4096; the others allow more, but a desk notice
    /// that long is a bug, so everything stays under WeCom's markdown cap.
    fn max_bytes(self, urgent: bool) -> usize {
        match (self, urgent) {
            (ChatFormat::Wecom, true) => 2000,
            _ => 4000,
        }
    }
}

impl fmt::Display for ChatFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChatFormat {
    type Err = FormatError;

    /// Accepts the serde names, case-insensitively, and `lark` for Feishu.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wecom" => Ok(ChatFormat::Wecom),
            "dingtalk" => Ok(ChatFormat::Dingtalk),
            "feishu" | "lark" => Ok(ChatFormat::Feishu),
            _ => Err(FormatError::UnknownFormat(s.chars().take(64).collect())),
        }
    }
}

/// Marks urgent titles in every format; an emoji needs no translation.
const URGENT_MARK: &str = "🚨 ";

/// The JSON request body for `notice` in `format`.
///
/// Text is cleaned (one line per entry, no control characters, no markup a
/// visitor could inject), cut to the robot's size limit, and finally passed
/// through [`scrub`], so no full mobile number leaves the kiosk even if a
/// caller forgot to mask one.
pub fn body(format: ChatFormat, notice: &Notice) -> String {
    let mut title = clean(&notice.title);
    if notice.urgent {
        title.insert_str(0, URGENT_MARK);
    }
    let lines: Vec<String> = notice
        .lines
        .iter()
        .map(|l| clean(l))
        .filter(|l| !l.is_empty())
        .collect();
    let limit = format.max_bytes(notice.urgent);
    let value = match format {
        ChatFormat::Wecom if notice.urgent => {
            let text = finish(&join(&title, &lines, "\n"), limit);
            json!({"msgtype": "text", "text": {"content": text, "mentioned_list": ["@all"]}})
        }
        ChatFormat::Wecom => {
            let text = finish(&join(&format!("### {title}"), &lines, "\n"), limit);
            json!({"msgtype": "markdown", "markdown": {"content": text}})
        }
        ChatFormat::Dingtalk => {
            // DingTalk's markdown needs a blank line for a visible line break.
            let text = finish(&join(&format!("### {title}"), &lines, "\n\n"), limit);
            let markdown = json!({"title": finish(&title, 200), "text": text});
            if notice.urgent {
                json!({"msgtype": "markdown", "markdown": markdown, "at": {"isAtAll": true}})
            } else {
                json!({"msgtype": "markdown", "markdown": markdown})
            }
        }
        ChatFormat::Feishu => {
            let mut text = finish(&join(&title, &lines, "\n"), limit);
            if notice.urgent {
                text.insert_str(0, "<at user_id=\"all\">所有人</at> ");
            }
            json!({"msg_type": "text", "content": {"text": text}})
        }
    };
    // `Value`'s Display is infallible, unlike `to_string` on arbitrary types.
    value.to_string()
}

fn join(head: &str, lines: &[String], sep: &str) -> String {
    let mut out = head.to_owned();
    for line in lines {
        out.push_str(sep);
        out.push_str(line);
    }
    out
}

/// Truncates to `limit` bytes on a character boundary, then scrubs.
fn finish(text: &str, limit: usize) -> String {
    scrub(&truncate(text, limit))
}

fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let ellipsis = '…';
    let mut end = limit.saturating_sub(ellipsis.len_utf8());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = text[..end].to_owned();
    out.push(ellipsis);
    out
}

/// Makes one display line out of caller text: line breaks and tabs become
/// spaces, other control characters go, and the characters that start markup
/// in these chats (`<` for WeCom `<font>` and Feishu `<at>`, `[` `]` for links)
/// become their full-width twins, because titles and lines can contain what a
/// stranger typed at the kiosk.
fn clean(text: &str) -> String {
    let mapped: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            '<' => Some('＜'),
            '>' => Some('＞'),
            '[' => Some('［'),
            ']' => Some('］'),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    mapped.trim().to_owned()
}

/// Masks every mainland mobile number (`1[3-9]` then 9 digits) as `138****5678`.
///
/// This is the last line of defence behind the callers' own masking: the
/// manual never gives residents' numbers out, and a group chat has many
/// readers. It errs on the side of masking: digits may be ASCII or full-width
/// and may be split by single spaces or hyphens (`138 1234 5678`), a number
/// inside a longer digit run is masked too, and overlapping candidates are all
/// masked, so no 11-digit window survives (see [`contains_full_phone`]).
pub fn scrub(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let hide = phone_middles(&chars);
    if hide.is_empty() {
        return text.to_owned();
    }
    for i in hide {
        if let Some(c) = chars.get_mut(i) {
            *c = '*';
        }
    }
    chars.into_iter().collect()
}

/// Whether `text` still contains something [`scrub`] would mask.
pub fn contains_full_phone(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    !phone_middles(&chars).is_empty()
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// A character that may sit between two digits of one number.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\u{3000}' | '\u{a0}')
}

/// Char indices of the middle four digits of every mobile-number window.
fn phone_middles(chars: &[char]) -> Vec<usize> {
    let mut hide = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if digit(c).is_none() {
            continue;
        }
        let joined = match run.last() {
            Some(&last) => i == last + 1 || (i == last + 2 && is_separator(chars[last + 1])),
            None => true,
        };
        if !joined {
            scan_run(chars, &run, &mut hide);
            run.clear();
        }
        run.push(i);
    }
    scan_run(chars, &run, &mut hide);
    hide.sort_unstable();
    hide.dedup();
    hide
}

fn scan_run(chars: &[char], run: &[usize], hide: &mut Vec<usize>) {
    let digits: Vec<u32> = run.iter().filter_map(|&i| digit(chars[i])).collect();
    for (w, window) in digits.windows(11).enumerate() {
        if window[0] == 1 && (3..=9).contains(&window[1]) {
            hide.extend_from_slice(&run[w + 3..w + 7]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::message::NoticeKind;
    use serde_json::Value;

    const ALL_FORMATS: [ChatFormat; 3] = [ChatFormat::Wecom, ChatFormat::Dingtalk, ChatFormat::Feishu];

    fn parse(body: &str) -> Value {
        serde_json::from_str(body).expect("body is JSON")
    }

    fn sample(urgent: bool) -> Notice {
        Notice::new(NoticeKind::VisitorWaiting, "访客等待确认：3栋1502")
            .line("访客：王先生（顺丰快递）")
            .line("业主电话：138****5678")
            .urgent(urgent)
    }

    #[test]
    fn wecom_shapes() {
        let v = parse(&body(ChatFormat::Wecom, &sample(false)));
        assert_eq!(v["msgtype"], "markdown");
        let content = v["markdown"]["content"].as_str().unwrap();
        assert!(content.starts_with("### 访客等待确认：3栋1502\n访客"));
        assert_eq!(v.as_object().unwrap().len(), 2);

        let v = parse(&body(ChatFormat::Wecom, &sample(true)));
        assert_eq!(v["msgtype"], "text");
        assert!(v["text"]["content"].as_str().unwrap().starts_with(URGENT_MARK));
        assert_eq!(v["text"]["mentioned_list"], json!(["@all"]));
    }

    #[test]
    fn dingtalk_shapes() {
        let v = parse(&body(ChatFormat::Dingtalk, &sample(false)));
        assert_eq!(v["msgtype"], "markdown");
        assert_eq!(v["markdown"]["title"], "访客等待确认：3栋1502");
        assert!(v["markdown"]["text"].as_str().unwrap().contains("\n\n业主电话"));
        assert!(v.get("at").is_none());

        let v = parse(&body(ChatFormat::Dingtalk, &sample(true)));
        assert_eq!(v["at"]["isAtAll"], true);
        assert!(v["markdown"]["title"].as_str().unwrap().starts_with(URGENT_MARK));
    }

    #[test]
    fn feishu_shapes() {
        let v = parse(&body(ChatFormat::Feishu, &sample(false)));
        assert_eq!(v["msg_type"], "text");
        assert_eq!(
            v["content"]["text"],
            "访客等待确认：3栋1502\n访客：王先生（顺丰快递）\n业主电话：138****5678"
        );
        let v = parse(&body(ChatFormat::Feishu, &sample(true)));
        assert!(v["content"]["text"]
            .as_str()
            .unwrap()
            .starts_with("<at user_id=\"all\">所有人</at> 🚨 "));
    }

    #[test]
    fn no_full_phone_in_any_body() {
        for kind in NoticeKind::ALL {
            for urgent in [false, true] {
                let n = Notice::new(kind, format!("{} 13812345678", kind.as_str()))
                    .line("电话 139 1234 5678")
                    .line("手机：１５０１２３４５６７８")
                    .line("+8618612345678 / 177-1234-5678")
                    .line("line\n138\t00001111")
                    .urgent(urgent);
                for format in ALL_FORMATS {
                    let b = body(format, &n);
                    assert!(!contains_full_phone(&b), "{kind} {format}: {b}");
                    parse(&b);
                }
            }
        }
    }

    #[test]
    fn markup_from_visitors_is_neutralised() {
        let n = Notice::new(NoticeKind::Request, "<at user_id=\"all\">x</at>").line("[点我](http://x)\u{7}");
        for format in ALL_FORMATS {
            let b = body(format, &n);
            assert!(!b.contains("<at"), "{b}");
            assert!(!b.contains("[点我]"), "{b}");
            assert!(!b.contains("\\u0007"), "{b}");
        }
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let n = Notice::new(NoticeKind::Request, "标题").line("长".repeat(3000));
        for format in ALL_FORMATS {
            for urgent in [false, true] {
                let v = parse(&body(format, &n.clone().urgent(urgent)));
                let text = [&v["markdown"]["content"], &v["text"]["content"], &v["markdown"]["text"]]
                    .into_iter()
                    .chain([&v["content"]["text"]])
                    .find_map(|t| t.as_str())
                    .unwrap()
                    .to_owned();
                assert!(text.len() <= 4096, "{format}: {}", text.len());
                assert!(text.ends_with('…'));
            }
        }
    }

    #[test]
    fn scrub_examples() {
        assert_eq!(scrub("13812345678"), "138****5678");
        assert_eq!(scrub("电话13812345678。"), "电话138****5678。");
        assert_eq!(scrub("138-1234-5678"), "138-****-5678");
        assert_eq!(scrub("138 1234 5678"), "138 **** 5678");
        assert_eq!(scrub("+86 13812345678"), "+86 138****5678");
        assert_eq!(scrub("１３８１２３４５６７８"), "１３８****５６７８");
        // Not mobiles: wrong prefix, too short, separators too wide.
        for keep in [
            "12812345678",
            "1381234567",
            "138  1234  5678",
            "3栋1502室",
            "2024-10-12 13:45",
            "",
        ] {
            assert_eq!(scrub(keep), keep);
        }
    }

    #[test]
    fn format_names() {
        for f in ALL_FORMATS {
            assert_eq!(f.as_str().parse::<ChatFormat>(), Ok(f));
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{f}\""));
        }
        assert_eq!("Lark".parse::<ChatFormat>(), Ok(ChatFormat::Feishu));
        assert!("slack".parse::<ChatFormat>().is_err());
        assert_eq!(
            ChatFormat::from_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
            Some(ChatFormat::Wecom)
        );
        assert_eq!(
            ChatFormat::from_url("https://oapi.dingtalk.com/robot/send?access_token=t"),
            Some(ChatFormat::Dingtalk)
        );
        assert_eq!(
            ChatFormat::from_url("https://open.feishu.cn/open-apis/bot/v2/hook/abc"),
            Some(ChatFormat::Feishu)
        );
        assert_eq!(ChatFormat::from_url("http://127.0.0.1:8080/hook"), None);
        assert_eq!(ChatFormat::from_url(""), None);
    }

    proptest::proptest! {
        #[test]
        fn scrub_leaves_no_full_phone(s in "[0-9１３８ \\-a-z中]{0,40}") {
            let out = scrub(&s);
            proptest::prop_assert!(!contains_full_phone(&out));
            proptest::prop_assert_eq!(out.chars().count(), s.chars().count());
        }

        #[test]
        fn body_never_panics_and_is_json(title in "\\PC{0,30}", line in "\\PC{0,60}", urgent: bool) {
            let n = Notice::new(NoticeKind::Test, title).line(line).urgent(urgent);
            for format in ALL_FORMATS {
                let b = body(format, &n);
                proptest::prop_assert!(serde_json::from_str::<Value>(&b).is_ok());
                proptest::prop_assert!(!contains_full_phone(&b));
            }
        }
    }
}
