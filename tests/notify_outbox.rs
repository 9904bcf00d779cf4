//! Desk notices survive a network outage: queued while the group chat's webhook is
//! down, delivered exactly once when it is back. A real HTTP server on 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lobby_kiosk::notify::outbox::deliver_due;
use lobby_kiosk::notify::{ChatFormat, Notice, NoticeKind, WebhookSender};
use lobby_kiosk::store::Store;

/// A robot endpoint answering `{"errcode":0}` to every POST, counting them, for a while.
fn serve(listener: TcpListener, hits: Arc<AtomicUsize>, bodies: Arc<std::sync::Mutex<Vec<String>>>) {
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    // Read headers and the body (Content-Length).
                    loop {
                        let n = stream.read(&mut buf).unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        request.extend_from_slice(&buf[..n]);
                        let text = String::from_utf8_lossy(&request);
                        if let Some(end) = text.find("\r\n\r\n") {
                            let length = text[..end]
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if request.len() >= end + 4 + length {
                                bodies.lock().unwrap().push(text[end + 4..].to_string());
                                break;
                            }
                        }
                    }
                    hits.fetch_add(1, Ordering::SeqCst);
                    let body = "{\"errcode\":0,\"errmsg\":\"ok\"}";
                    let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
}

#[test]
fn a_notice_waits_out_an_outage_and_is_delivered_exactly_once() {
    let store = Store::open_in_memory().unwrap();
    // Find a free port, then leave it closed: the webhook is "down".
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/cgi-bin/webhook/send?key=test");
    let sender = WebhookSender::new(url, ChatFormat::Wecom, Duration::from_secs(2)).unwrap();
    let notice = Notice::new(NoticeKind::VisitorWaiting, "访客等待确认").line("访客 王 13912345678");
    let t0 = Utc::now();
    store
        .enqueue_notice(notice.kind.as_str(), &serde_json::to_string(&notice).unwrap(), t0)
        .unwrap();

    let round = deliver_due(&store, &sender, t0).unwrap();
    assert_eq!((round.delivered, round.failed), (0, 1));
    let item = &store.notices(1).unwrap()[0];
    assert!(item.delivered_at.is_none() && item.attempts == 1, "kept, not lost");
    assert!(item.next_attempt_at > t0, "retried later, with back-off");
    assert_eq!(
        deliver_due(&store, &sender, t0).unwrap(),
        Default::default(),
        "not retried before its time"
    );

    // The webhook comes back.
    let hits = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
    serve(
        TcpListener::bind(("127.0.0.1", port)).unwrap(),
        hits.clone(),
        bodies.clone(),
    );
    let later = item.next_attempt_at + chrono::Duration::seconds(1);
    let round = deliver_due(&store, &sender, later).unwrap();
    assert_eq!((round.delivered, round.failed), (1, 0));
    let round = deliver_due(&store, &sender, later + chrono::Duration::hours(1)).unwrap();
    assert_eq!(
        (round.delivered, round.failed),
        (0, 0),
        "delivered notices are never sent again"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1, "exactly one delivery");
    let body = bodies.lock().unwrap()[0].clone();
    assert!(body.contains("访客等待确认"));
    assert!(
        !body.contains("13912345678"),
        "the chat never gets a full phone number: {body}"
    );
    assert_eq!(store.outbox_summary().unwrap().pending, 0);
}
