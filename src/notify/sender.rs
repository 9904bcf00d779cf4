//! Delivering a [`Notice`] to the desk's group chat.
//!
//! The outbox worker only needs "deliver this, tell me if it failed", so it
//! depends on the [`Deliver`] trait; tests give it a fake, and the kiosk gives
//! it a [`WebhookSender`].

use std::fmt;
use std::time::Duration;

use super::format::{body, ChatFormat};
use super::http::{check_url, post_json, SendError};
use super::message::Notice;
use super::sign::{signed, Secret};
use crate::clock::Clock;

/// Something that can hand a notice to the front desk.
pub trait Deliver {
    /// Delivers `notice` once. `Ok` means the chat accepted it; the caller
    /// owns retries (see [`super::backoff`]).
    fn deliver(&self, notice: &Notice) -> Result<(), SendError>;
}

impl<T: Deliver + ?Sized> Deliver for &T {
    fn deliver(&self, notice: &Notice) -> Result<(), SendError> {
        (**self).deliver(notice)
    }
}

impl<T: Deliver + ?Sized> Deliver for Box<T> {
    fn deliver(&self, notice: &Notice) -> Result<(), SendError> {
        (**self).deliver(notice)
    }
}

/// A group-robot webhook (WeCom, DingTalk or Feishu).
///
/// `Debug` shows only the scheme and host: the rest of a webhook URL is the
/// robot's secret key, and whoever holds it can post to the desk's group.
#[derive(Clone)]
pub struct WebhookSender {
    url: String,
    format: ChatFormat,
    timeout: Duration,
    /// A signed robot's secret (empty: unsigned) and the clock its timestamps come from.
    secret: Secret,
    clock: Clock,
}

impl WebhookSender {
    /// A reasonable default: long enough for a slow mobile uplink, short
    /// enough that a stuck request does not hold up the outbox for long.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Checks the URL's shape now, so a bad setting is reported when it is
    /// saved rather than at the first visitor.
    pub fn new(url: impl Into<String>, format: ChatFormat, timeout: Duration) -> Result<Self, SendError> {
        let url = url.into().trim().to_owned();
        check_url(&url)?;
        Ok(WebhookSender {
            url,
            format,
            timeout,
            secret: Secret::default(),
            clock: Clock::default(),
        })
    }

    /// Signs every request (DingTalk, Feishu) with `secret`, timestamped by `clock`.
    pub fn signed_with(mut self, secret: Secret, clock: Clock) -> Self {
        self.secret = secret;
        self.clock = clock;
        self
    }

    pub fn format(&self) -> ChatFormat {
        self.format
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The URL with everything after the host hidden, for logs and screens.
    pub fn redacted_url(&self) -> String {
        let (scheme, rest) = self.url.split_once("://").unwrap_or(("", &self.url));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or(authority);
        format!("{scheme}://{host}/…")
    }

    /// Formats and posts `notice` once.
    pub fn send(&self, notice: &Notice) -> Result<(), SendError> {
        let (url, body) = signed(
            self.format,
            &self.secret,
            &self.url,
            &body(self.format, notice),
            self.clock.now(),
        );
        post_json(&url, &body, self.timeout).map(|_| ())
    }
}

impl Deliver for WebhookSender {
    fn deliver(&self, notice: &Notice) -> Result<(), SendError> {
        self.send(notice)
    }
}

impl fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSender")
            .field("url", &self.redacted_url())
            .field("format", &self.format)
            .field("timeout", &self.timeout)
            .field("secret", &self.secret)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::message::NoticeKind;
    use std::cell::RefCell;

    #[test]
    fn debug_hides_the_key() {
        let s = WebhookSender::new(
            " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY ",
            ChatFormat::Wecom,
            WebhookSender::DEFAULT_TIMEOUT,
        )
        .unwrap();
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("SECRET"), "{dbg}");
        assert!(dbg.contains("qyapi.weixin.qq.com"));
        assert_eq!(s.redacted_url(), "https://qyapi.weixin.qq.com/…");
        assert_eq!(s.format(), ChatFormat::Wecom);
    }

    #[test]
    fn new_rejects_bad_urls() {
        assert!(matches!(
            WebhookSender::new("", ChatFormat::Feishu, Duration::from_secs(1)),
            Err(SendError::BadUrl(_))
        ));
    }

    /// The kind of fake the outbox worker's tests can use.
    struct Fake {
        seen: RefCell<Vec<NoticeKind>>,
    }

    impl Deliver for Fake {
        fn deliver(&self, notice: &Notice) -> Result<(), SendError> {
            self.seen.borrow_mut().push(notice.kind);
            Err(SendError::Status(503))
        }
    }

    #[test]
    fn trait_objects_and_references_deliver() {
        let fake = Fake {
            seen: RefCell::new(Vec::new()),
        };
        let n = Notice::new(NoticeKind::Test, "测试");
        fn via<D: Deliver>(d: D, n: &Notice) -> Result<(), SendError> {
            d.deliver(n)
        }
        assert_eq!(via(&fake, &n), Err(SendError::Status(503)));
        let boxed: Box<dyn Deliver> = Box::new(Fake {
            seen: RefCell::new(Vec::new()),
        });
        assert!(boxed.deliver(&n).is_err());
        assert_eq!(*fake.seen.borrow(), vec![NoticeKind::Test]);
    }
}
