//! Signed group robots (加签): DingTalk and Feishu check an HMAC-SHA256 over the
//! request's timestamp and the robot's secret, and refuse a timestamp more than an hour
//! from their own clock. WeCom robots have no signing (their key is in the URL).
//!
//! - DingTalk: `string_to_sign = timestamp_ms + "\n" + secret`, HMAC keyed with the
//!   secret, Base64, then URL-encoded into `&timestamp=…&sign=…` on the webhook URL.
//! - Feishu: `timestamp_s + "\n" + secret` is the HMAC *key* over an empty message,
//!   Base64, sent as `"timestamp"` (a string) and `"sign"` in the JSON body.
//!
//! The secret is a [`Secret`]: its `Debug` never shows it, so it cannot reach a log.

use std::fmt;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::format::ChatFormat;

type HmacSha256 = Hmac<Sha256>;

/// A robot's signing secret (SEC…); shown as `Secret(***)` wherever it is printed.
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(from = "String")]
pub struct Secret(String);

impl From<String> for Secret {
    fn from(text: String) -> Secret {
        Secret::new(text)
    }
}

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into().trim().to_owned())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether it looks like a robot secret: printable ASCII without spaces, at most
    /// 200 characters (checked at load, so a pasted line break is caught then).
    pub fn is_well_formed(&self) -> bool {
        self.0.len() <= 200 && self.0.bytes().all(|b| b.is_ascii_graphic())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Secret(none)"
        } else {
            "Secret(***)"
        })
    }
}

fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(message);
    data_encoding::BASE64.encode(&mac.finalize().into_bytes())
}

/// DingTalk's signature for a timestamp in milliseconds.
pub fn dingtalk_sign(secret: &Secret, timestamp_ms: i64) -> String {
    let string_to_sign = format!("{timestamp_ms}\n{}", secret.0);
    hmac_base64(secret.0.as_bytes(), string_to_sign.as_bytes())
}

/// Feishu's signature for a timestamp in seconds.
pub fn feishu_sign(secret: &Secret, timestamp_s: i64) -> String {
    let key = format!("{timestamp_s}\n{}", secret.0);
    hmac_base64(key.as_bytes(), b"")
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The URL and body to post for `format` at `now`: unchanged without a secret, or for
/// WeCom (which has no signing; the configuration refuses a secret for it).
pub fn signed(format: ChatFormat, secret: &Secret, url: &str, body: &str, now: DateTime<Utc>) -> (String, String) {
    if secret.is_empty() {
        return (url.to_owned(), body.to_owned());
    }
    match format {
        ChatFormat::Wecom => (url.to_owned(), body.to_owned()),
        ChatFormat::Dingtalk => {
            let ms = now.timestamp_millis();
            let sep = if url.contains('?') { '&' } else { '?' };
            let sign = url_encode(&dingtalk_sign(secret, ms));
            (format!("{url}{sep}timestamp={ms}&sign={sign}"), body.to_owned())
        }
        ChatFormat::Feishu => {
            let s = now.timestamp();
            let mut value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                object.insert("timestamp".into(), s.to_string().into());
                object.insert("sign".into(), feishu_sign(secret, s).into());
            }
            (url.to_owned(), value.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python's hmac/hashlib/base64:
    //   base64(hmac(b"SECtest", b"1700000000000\nSECtest", sha256))
    //   base64(hmac(b"1700000000\nSECtest", b"", sha256))
    #[test]
    fn signatures_match_the_robots_published_algorithms() {
        let secret = Secret::new("SECtest");
        assert_eq!(dingtalk_sign(&secret, 1_700_000_000_000), DINGTALK_VECTOR);
        assert_eq!(feishu_sign(&secret, 1_700_000_000), FEISHU_VECTOR);
    }

    const DINGTALK_VECTOR: &str = "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g=";
    const FEISHU_VECTOR: &str = "G7XpBpG8NgG02fJOAhX6FRAObIljmFoxVReo8I62pEk=";

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let secret = Secret::new("SEC0123456789abcdef");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Secret::default()), "Secret(none)");
    }

    #[test]
    fn dingtalk_signs_the_url_and_feishu_the_body() {
        let secret = Secret::new("SECtest");
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let (url, body) = signed(
            ChatFormat::Dingtalk,
            &secret,
            "http://127.0.0.1/robot/send?access_token=T",
            "{}",
            now,
        );
        assert!(url.starts_with("http://127.0.0.1/robot/send?access_token=T&timestamp=1700000000000&sign="));
        let sign = url.rsplit("sign=").next().unwrap();
        assert_eq!(sign, url_encode(DINGTALK_VECTOR), "the Base64 is URL-encoded");
        assert!(sign.ends_with("%3D"), "{sign}");
        assert_eq!(body, "{}");
        let (url, body) = signed(
            ChatFormat::Feishu,
            &secret,
            "http://127.0.0.1/hook/x",
            r#"{"msg_type":"text"}"#,
            now,
        );
        assert_eq!(url, "http://127.0.0.1/hook/x");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["timestamp"], "1700000000");
        assert_eq!(v["sign"], FEISHU_VECTOR);
        assert_eq!(v["msg_type"], "text");
        let unsigned = signed(ChatFormat::Feishu, &Secret::default(), "http://h/x", "{}", now);
        assert_eq!(unsigned, ("http://h/x".to_owned(), "{}".to_owned()));
    }
}
