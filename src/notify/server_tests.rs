//! End-to-end tests against a real HTTP server on 127.0.0.1.
//!
//! Each server is a thread on an ephemeral loopback port that serves at most
//! one connection and gives up by itself after a few seconds, so a failing
//! test can never leave it running or hanging.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;

/// How long a test server waits for its one client before giving up.
const SERVER_LIFETIME: Duration = Duration::from_secs(5);

/// What the server saw.
#[derive(Debug)]
struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

enum Reply {
    /// Write these bytes, then close.
    Raw(String),
    /// Read the request, then say nothing for this long.
    Silent(Duration),
    /// Read the request and answer 200 with the JSON this judge makes of it (a robot
    /// that checks signatures).
    Judge(Box<dyn FnOnce(&Request) -> String + Send>),
}

fn json_reply(status: &str, body: &str) -> Reply {
    Reply::Raw(format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
}

/// Starts a one-shot server; returns its base URL and the request it saw.
fn serve_once(reply: Reply) -> (String, JoinHandle<Option<Request>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    listener.set_nonblocking(true).expect("nonblocking");
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + SERVER_LIFETIME;
        let mut stream = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                Err(_) => return None,
            }
        };
        stream.set_nonblocking(false).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        let request = read_request(&mut stream)?;
        match reply {
            Reply::Raw(bytes) => {
                let _ = stream.write_all(bytes.as_bytes());
                let _ = stream.flush();
            }
            Reply::Silent(hold) => thread::sleep(hold.min(SERVER_LIFETIME)),
            Reply::Judge(judge) => {
                let Reply::Raw(bytes) = json_reply("200 OK", &judge(&request)) else {
                    unreachable!()
                };
                let _ = stream.write_all(bytes.as_bytes());
                let _ = stream.flush();
            }
        }
        Some(request)
    });
    (format!("http://{addr}"), handle)
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 || buf.len() > 1 << 20 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut req = Request { head, body: Vec::new() };
    let len: usize = req.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    req.body = body;
    Some(req)
}

fn visitor_notice() -> Notice {
    Notice::new(NoticeKind::VisitorWaiting, "访客等待确认：3栋1502")
        .line("访客：王先生")
        .line("业主手机 13812345678")
}

const TIMEOUT: Duration = Duration::from_secs(3);

#[test]
fn delivered_request_is_a_json_post() {
    let (base, server) = serve_once(json_reply("200 OK", r#"{"errcode":0,"errmsg":"ok"}"#));
    let url = format!("{base}/cgi-bin/webhook/send?key=k");
    let sender = WebhookSender::new(&url, ChatFormat::Wecom, TIMEOUT).unwrap();
    let notice = visitor_notice();
    assert_eq!(sender.send(&notice), Ok(()));

    let req = server.join().unwrap().expect("server saw a request");
    assert_eq!(req.request_line(), "POST /cgi-bin/webhook/send?key=k HTTP/1.1");
    assert_eq!(req.header("content-type"), Some("application/json; charset=utf-8"));
    assert_eq!(req.body, body(ChatFormat::Wecom, &notice).into_bytes());
    let text = String::from_utf8(req.body).unwrap();
    assert!(!contains_full_phone(&text), "{text}");
    assert!(text.contains("138****5678"));
}

#[test]
fn post_json_returns_the_status() {
    let (base, server) = serve_once(json_reply("202 Accepted", ""));
    assert_eq!(post_json(&base, "{}", TIMEOUT), Ok(202));
    assert_eq!(server.join().unwrap().unwrap().body, b"{}");
}

#[test]
fn server_down_is_connect() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let err = post_json(&format!("http://127.0.0.1:{port}/hook"), "{}", TIMEOUT).unwrap_err();
    assert!(matches!(err, SendError::Connect(_)), "{err:?}");
    assert!(err.is_retryable());
}

#[test]
fn server_error_is_status() {
    let (base, server) = serve_once(json_reply("500 Internal Server Error", "{}"));
    assert_eq!(post_json(&base, "{}", TIMEOUT), Err(SendError::Status(500)));
    server.join().unwrap();
}

#[test]
fn redirect_is_not_followed() {
    let (base, server) = serve_once(Reply::Raw(
        "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n".into(),
    ));
    assert_eq!(post_json(&base, "{}", TIMEOUT), Err(SendError::Status(302)));
    server.join().unwrap();
}

#[test]
fn wecom_errcode_is_rejected() {
    let (base, server) = serve_once(json_reply(
        "200 OK",
        r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#,
    ));
    let err = post_json(&base, "{}", TIMEOUT).unwrap_err();
    assert_eq!(err, SendError::Rejected("errcode 93000: invalid webhook url".into()));
    server.join().unwrap();
}

#[test]
fn feishu_code_is_rejected() {
    let (base, server) = serve_once(json_reply(
        "200 OK",
        r#"{"code":19024,"data":{},"msg":"Key Words Not Found"}"#,
    ));
    let sender = WebhookSender::new(base, ChatFormat::Feishu, TIMEOUT).unwrap();
    let err = sender.deliver(&visitor_notice()).unwrap_err();
    assert!(matches!(&err, SendError::Rejected(r) if r.contains("19024")), "{err:?}");
    server.join().unwrap();
}

#[test]
fn plain_text_2xx_without_length_is_delivered() {
    let (base, server) = serve_once(Reply::Raw("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nok".into()));
    assert_eq!(post_json(&base, "{}", TIMEOUT), Ok(200));
    server.join().unwrap();
}

#[test]
fn garbage_answer_is_an_error_not_a_panic() {
    let (base, server) = serve_once(Reply::Raw("hello there\r\n\r\n".into()));
    let err = post_json(&base, "{}", TIMEOUT).unwrap_err();
    assert!(
        matches!(err, SendError::Transport(_) | SendError::Connect(_)),
        "{err:?}"
    );
    server.join().unwrap();
}

#[test]
fn silent_server_times_out_in_time() {
    let (base, server) = serve_once(Reply::Silent(Duration::from_millis(1500)));
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let result = post_json(&base, "{}", timeout);
    let elapsed = started.elapsed();
    assert_eq!(result, Err(SendError::Timeout));
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(server.join().unwrap().is_some());
}

#[test]
fn every_format_arrives_as_json_with_the_right_keys() {
    for (format, urgent) in [ChatFormat::Wecom, ChatFormat::Dingtalk, ChatFormat::Feishu]
        .into_iter()
        .flat_map(|f| [(f, false), (f, true)])
    {
        let (base, server) = serve_once(json_reply("200 OK", r#"{"errcode":0}"#));
        let sender: Box<dyn Deliver> = Box::new(WebhookSender::new(base, format, TIMEOUT).unwrap());
        let notice = visitor_notice().urgent(urgent);
        assert_eq!(sender.deliver(&notice), Ok(()));
        let req = server.join().unwrap().unwrap();
        let v: Value = serde_json::from_slice(&req.body).unwrap();
        let text = match format {
            ChatFormat::Wecom if urgent => {
                assert_eq!(v["msgtype"], "text");
                &v["text"]["content"]
            }
            ChatFormat::Wecom => {
                assert_eq!(v["msgtype"], "markdown");
                &v["markdown"]["content"]
            }
            ChatFormat::Dingtalk => {
                assert_eq!(v["msgtype"], "markdown");
                assert!(v["markdown"]["title"].is_string());
                assert_eq!(v["at"]["isAtAll"].as_bool(), urgent.then_some(true));
                &v["markdown"]["text"]
            }
            ChatFormat::Feishu => {
                assert_eq!(v["msg_type"], "text");
                &v["content"]["text"]
            }
        };
        let text = text.as_str().unwrap();
        assert!(text.contains("访客等待确认：3栋1502"), "{format}: {text}");
        assert!(
            text.contains("138****5678") && !contains_full_phone(text),
            "{format}: {text}"
        );
    }
}

/// A signed robot as DingTalk and Feishu run one: it recomputes the signature from the
/// secret it knows and refuses a timestamp more than an hour from its own clock.
mod signed_robots {
    use super::*;
    use crate::clock::Clock;
    use crate::notify::sign::Secret;
    use chrono::{DateTime, Utc};
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    const ROBOT_SECRET: &str = "SEC5f3c0ffee0123456789abcdef";

    fn b64_hmac(key: &str, message: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(message.as_bytes());
        data_encoding::BASE64.encode(&mac.finalize().into_bytes())
    }

    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 3 <= bytes.len() {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    /// DingTalk: `timestamp` (ms) and `sign` in the query string.
    fn dingtalk_judge(robot_now: DateTime<Utc>) -> Reply {
        Reply::Judge(Box::new(move |req: &Request| {
            let target = req.request_line().split(' ').nth(1).unwrap_or("").to_owned();
            let query = target.split_once('?').map_or("", |(_, q)| q);
            let param = |name: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .map(percent_decode)
            };
            let (Some(ts), Some(sign)) = (param("timestamp"), param("sign")) else {
                return r#"{"errcode":310000,"errmsg":"sign not match"}"#.into();
            };
            let ms: i64 = ts.parse().unwrap_or(0);
            let fresh = (ms - robot_now.timestamp_millis()).abs() <= 3_600_000;
            let expected = b64_hmac(ROBOT_SECRET, &format!("{ts}\n{ROBOT_SECRET}"));
            if fresh && sign == expected && query.starts_with("access_token=T") {
                r#"{"errcode":0,"errmsg":"ok"}"#.into()
            } else {
                r#"{"errcode":310000,"errmsg":"sign not match"}"#.into()
            }
        }))
    }

    /// Feishu: `timestamp` (s, a string) and `sign` in the body.
    fn feishu_judge(robot_now: DateTime<Utc>) -> Reply {
        Reply::Judge(Box::new(move |req: &Request| {
            let v: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let ts = v["timestamp"].as_str().unwrap_or("").to_owned();
            let s: i64 = ts.parse().unwrap_or(0);
            let fresh = (s - robot_now.timestamp()).abs() <= 3600;
            let expected = b64_hmac(&format!("{ts}\n{ROBOT_SECRET}"), "");
            if fresh && v["sign"].as_str() == Some(expected.as_str()) && v["msg_type"] == "text" {
                r#"{"code":0,"msg":"success"}"#.into()
            } else {
                r#"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"#.into()
            }
        }))
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn sender(base: &str, format: ChatFormat, secret: &str, kiosk_now: DateTime<Utc>) -> WebhookSender {
        let clock = Clock::default();
        clock.set(Some(kiosk_now));
        let url = match format {
            ChatFormat::Dingtalk => format!("{base}/robot/send?access_token=T"),
            _ => format!("{base}/open-apis/bot/v2/hook/x"),
        };
        WebhookSender::new(url, format, TIMEOUT)
            .unwrap()
            .signed_with(Secret::new(secret), clock)
    }

    #[test]
    fn a_signed_robot_accepts_the_kiosks_signature_and_refuses_a_wrong_secret_or_a_stale_clock() {
        let now = at("2026-12-05T04:32:00Z");
        for (format, judge) in [
            (ChatFormat::Dingtalk, dingtalk_judge as fn(DateTime<Utc>) -> Reply),
            (ChatFormat::Feishu, feishu_judge),
        ] {
            let (base, server) = serve_once(judge(now));
            assert_eq!(
                sender(&base, format, ROBOT_SECRET, now).deliver(&visitor_notice()),
                Ok(()),
                "{format}"
            );
            server.join().unwrap().unwrap();

            let (base, server) = serve_once(judge(now));
            let err = sender(&base, format, "SECwrong", now)
                .deliver(&visitor_notice())
                .unwrap_err();
            assert!(matches!(err, SendError::Rejected(_)), "{format}: {err:?}");
            server.join().unwrap();

            let (base, server) = serve_once(judge(now));
            let two_hours_slow = now - chrono::Duration::hours(2);
            let err = sender(&base, format, ROBOT_SECRET, two_hours_slow)
                .deliver(&visitor_notice())
                .unwrap_err();
            assert!(matches!(err, SendError::Rejected(_)), "{format}: {err:?}");
            server.join().unwrap();
        }
    }

    #[test]
    fn the_secret_is_never_in_the_request_or_the_senders_debug_text() {
        let now = at("2026-12-05T04:32:00Z");
        for format in [ChatFormat::Dingtalk, ChatFormat::Feishu] {
            let (base, server) = serve_once(json_reply("200 OK", r#"{"errcode":0}"#));
            let s = sender(&base, format, ROBOT_SECRET, now);
            assert!(!format!("{s:?}").contains(ROBOT_SECRET));
            s.deliver(&visitor_notice()).unwrap();
            let req = server.join().unwrap().unwrap();
            assert!(!req.head.contains(ROBOT_SECRET) && !String::from_utf8_lossy(&req.body).contains(ROBOT_SECRET));
        }
    }
}
