//! One HTTP POST of a JSON body to a group-robot webhook.
//!
//! The webhooks are `https://` in practice, so a TLS client is needed anyway;
//! `ureq` (blocking, rustls, no OpenSSL) carries both `http://` and `https://`
//! so there is a single code path, and the tests against a plain-HTTP server
//! on 127.0.0.1 exercise exactly the code the kiosk runs.
//!
//! The robots answer HTTP 200 even when they refuse a message (bad key,
//! missing keyword, rate limit), with the reason in the JSON body, so a 2xx is
//! only "delivered" when the body does not carry a non-zero error code.
//!
//! Webhook URLs embed the robot's secret key, so nothing here ever puts the
//! URL into an error or a log line.

use std::io;
use std::time::Duration;

use thiserror::Error;

/// Why a notice did not reach the chat. The outbox keeps the text for the
/// staff screen and retries later (see [`super::backoff`]), except when
/// [`SendError::is_retryable`] says retrying cannot help.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// The URL is not an `http://` or `https://` URL with a host. The reason
    /// never quotes the URL, which contains the robot's key.
    #[error("the webhook address is not usable: {0}")]
    BadUrl(String),
    /// No connection could be made: DNS, refused, unreachable, TLS handshake.
    #[error("could not connect to the webhook: {0}")]
    Connect(String),
    /// Some stage did not finish within the timeout.
    #[error("the webhook did not answer in time")]
    Timeout,
    /// Connected, but the exchange broke part-way or the answer was not HTTP.
    #[error("the webhook exchange failed: {0}")]
    Transport(String),
    /// The server answered with a non-2xx status.
    #[error("the webhook answered HTTP {0}")]
    Status(u16),
    /// The robot answered 2xx but refused the message (`errcode`/`code` != 0).
    #[error("the chat robot refused the message: {0}")]
    Rejected(String),
}

impl SendError {
    /// Whether trying again later can succeed without someone changing the
    /// configuration. Everything but a malformed URL is worth retrying: a
    /// rejected message may be a rate limit, and a 404 may be a robot that is
    /// being re-created.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, SendError::BadUrl(_))
    }
}

/// Largest response body read, so a misbehaving server cannot exhaust memory.
const MAX_RESPONSE_BYTES: u64 = 64 * 1024;

/// Longest robot error message kept in [`SendError::Rejected`].
const MAX_REASON_CHARS: usize = 200;

/// POSTs `body` as `application/json; charset=utf-8` to `url`.
///
/// `timeout` bounds the whole call (connect, send, receive) as well as the
/// connect step on its own. Returns the 2xx status code when the message was
/// delivered. Redirects are not followed (a webhook that redirects is
/// misconfigured; the 3xx is reported as [`SendError::Status`]), and proxy
/// environment variables are ignored so the secret-bearing URL only ever goes
/// to the configured host.
pub fn post_json(url: &str, body: &str, timeout: Duration) -> Result<u16, SendError> {
    check_url(url)?;
    let timeout = timeout.max(Duration::from_millis(1));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(timeout))
        .user_agent(concat!("lobby-kiosk/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .post(url)
        .content_type("application/json; charset=utf-8")
        .send(body)
        .map_err(classify)?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(SendError::Status(status));
    }
    let text = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .lossy_utf8(true)
        .read_to_string()
        .map_err(classify)?;
    match robot_refusal(&text) {
        Some(reason) => Err(SendError::Rejected(reason)),
        None => Ok(status),
    }
}

/// Checks the parts of the URL that would otherwise fail in confusing ways.
/// Deliberately small: `ureq` does the full parse, this catches empty or
/// pasted-wrong settings with a clear reason.
pub fn check_url(url: &str) -> Result<(), SendError> {
    if url.is_empty() {
        return Err(SendError::BadUrl("no webhook address is configured".into()));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SendError::BadUrl(
            "the address contains spaces or control characters".into(),
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(SendError::BadUrl("the address does not start with https://".into()));
    };
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return Err(SendError::BadUrl(
            "only http:// and https:// addresses are supported".into(),
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if host.is_empty() || host.starts_with(':') {
        return Err(SendError::BadUrl("the address has no host".into()));
    }
    Ok(())
}

/// The robot's reason for refusing, if the 2xx body says it refused.
///
/// WeCom and DingTalk answer `{"errcode":0,"errmsg":"ok"}`; Feishu answers
/// `{"code":0,"msg":"success"}` (older hooks `{"StatusCode":0,...}`). Any of
/// these fields with a non-zero value is a refusal. A body that is not JSON,
/// or has none of these fields (a local relay, say), counts as delivered.
fn robot_refusal(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
    let obj = value.as_object()?;
    for (code_key, msg_key) in [("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")] {
        let Some(code) = obj.get(code_key) else { continue };
        let failed = match code {
            serde_json::Value::Number(n) => n.as_i64() != Some(0),
            serde_json::Value::String(s) => s.trim() != "0",
            serde_json::Value::Null => false,
            _ => true,
        };
        if failed {
            let msg = obj.get(msg_key).and_then(|m| m.as_str()).unwrap_or("");
            let reason = format!("{code_key} {code}: {msg}");
            return Some(
                reason
                    .trim_end_matches([' ', ':'])
                    .chars()
                    .take(MAX_REASON_CHARS)
                    .collect(),
            );
        }
    }
    None
}

/// Maps a `ureq` error to what the outbox needs to know, without the URL.
fn classify(err: ureq::Error) -> SendError {
    match err {
        ureq::Error::Timeout(_) => SendError::Timeout,
        ureq::Error::StatusCode(code) => SendError::Status(code),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => SendError::BadUrl("the address could not be parsed".into()),
        ureq::Error::HostNotFound => SendError::Connect("host name not found".into()),
        ureq::Error::ConnectionFailed => SendError::Connect("connection failed".into()),
        ureq::Error::Tls(msg) => SendError::Connect(format!("TLS: {msg}")),
        ureq::Error::Rustls(e) => SendError::Connect(format!("TLS: {e}")),
        ureq::Error::Io(e) => classify_io(&e),
        other => SendError::Transport(other.to_string()),
    }
}

fn classify_io(e: &io::Error) -> SendError {
    use io::ErrorKind as K;
    match e.kind() {
        K::TimedOut | K::WouldBlock => SendError::Timeout,
        K::ConnectionRefused | K::AddrNotAvailable | K::NetworkUnreachable | K::HostUnreachable => {
            SendError::Connect(e.kind().to_string())
        }
        _ => SendError::Transport(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_codes() {
        assert_eq!(robot_refusal(r#"{"errcode":0,"errmsg":"ok"}"#), None);
        assert_eq!(robot_refusal(r#"{"code":0,"data":{},"msg":"success"}"#), None);
        assert_eq!(robot_refusal(r#"{"StatusCode":0,"StatusMessage":"success"}"#), None);
        assert_eq!(robot_refusal("ok"), None);
        assert_eq!(robot_refusal(""), None);
        assert_eq!(robot_refusal("[1,2]"), None);
        assert_eq!(
            robot_refusal(r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#),
            Some("errcode 93000: invalid webhook url".into())
        );
        assert_eq!(
            robot_refusal(r#"{"code":19024,"msg":"Key Words Not Found"}"#),
            Some("code 19024: Key Words Not Found".into())
        );
        assert_eq!(
            robot_refusal(r#"{"errcode":"310000"}"#),
            Some("errcode \"310000\"".into())
        );
        let long = format!(r#"{{"errcode":1,"errmsg":"{}"}}"#, "x".repeat(1000));
        assert_eq!(robot_refusal(&long).unwrap().chars().count(), MAX_REASON_CHARS);
    }

    #[test]
    fn bad_urls_never_echo_the_key() {
        for url in [
            "",
            "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET",
            "ftp://host/SECRET",
            "https:///SECRET",
            "https://:443/SECRET",
            "https://host/ SECRET",
        ] {
            match post_json(url, "{}", Duration::from_millis(100)) {
                Err(e @ SendError::BadUrl(_)) => {
                    assert!(!e.to_string().contains("SECRET"), "{e}");
                    assert!(!e.is_retryable());
                }
                other => panic!("{url:?}: {other:?}"),
            }
        }
        assert_eq!(check_url("https://oapi.dingtalk.com/robot/send?access_token=t"), Ok(()));
        assert_eq!(check_url("HTTP://127.0.0.1:9/x"), Ok(()));
    }

    #[test]
    fn io_kinds() {
        let e = |k| classify_io(&io::Error::from(k));
        assert_eq!(e(io::ErrorKind::TimedOut), SendError::Timeout);
        assert!(matches!(e(io::ErrorKind::ConnectionRefused), SendError::Connect(_)));
        assert!(matches!(e(io::ErrorKind::ConnectionReset), SendError::Transport(_)));
    }
}
