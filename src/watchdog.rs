//! Telling systemd the kiosk is up and still alive (`sd_notify`), without libsystemd.
//!
//! With `Type=notify` systemd waits for `READY=1` before it counts the kiosk as started,
//! and with `WatchdogSec=` it restarts the kiosk when `WATCHDOG=1` stops arriving. The
//! pings are sent from the UI's own timer, so a stuck event loop (not just a dead
//! process) brings a restart. The protocol is one datagram per message to the unix
//! socket named in `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace).
//! Outside systemd the variable is unset and every call does nothing.

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum WatchdogError {
    #[error("cannot send to the service manager at {socket}: {source}")]
    Send { socket: String, source: std::io::Error },
    #[error("the service manager's socket {0} is not a usable address")]
    Address(String),
}

/// The start-up is complete: the first frame is on screen.
pub fn ready() -> Result<bool, WatchdogError> {
    notify("READY=1")
}

/// Still alive; send at least every [`interval`] / 2.
pub fn ping() -> Result<bool, WatchdogError> {
    notify("WATCHDOG=1")
}

/// Shutting down on purpose (systemd then does not wait for the watchdog).
pub fn stopping() -> Result<bool, WatchdogError> {
    notify("STOPPING=1")
}

/// Sends one state message if run under systemd. `Ok(false)` when not (nothing to do).
pub fn notify(state: &str) -> Result<bool, WatchdogError> {
    match std::env::var("NOTIFY_SOCKET") {
        Ok(socket) if !socket.is_empty() => send_to(&socket, state).map(|()| true),
        _ => Ok(false),
    }
}

/// How often systemd expects a ping, if the watchdog is on for this process.
///
/// `WATCHDOG_PID` names the service's main process. Under the cage compositor that is
/// cage, the kiosk's parent, so the parent counts as well (with `NotifyAccess=all`).
pub fn interval() -> Option<Duration> {
    let usec = std::env::var("WATCHDOG_USEC").ok()?;
    let pid = std::env::var("WATCHDOG_PID").ok();
    interval_from(
        &usec,
        pid.as_deref(),
        std::process::id(),
        std::os::unix::process::parent_id(),
    )
}

fn interval_from(usec: &str, watchdog_pid: Option<&str>, me: u32, parent: u32) -> Option<Duration> {
    let usec: u64 = usec.trim().parse().ok().filter(|u| *u > 0)?;
    match watchdog_pid.map(|p| p.trim().parse::<u32>()) {
        None => {}
        Some(Ok(pid)) if pid == me || pid == parent => {}
        Some(_) => return None,
    }
    Some(Duration::from_micros(usec))
}

/// Sends `state` to the socket at `socket` (`/run/...` or `@abstract`).
pub fn send_to(socket: &str, state: &str) -> Result<(), WatchdogError> {
    let send_err = |source| WatchdogError::Send {
        socket: socket.to_string(),
        source,
    };
    let sock = UnixDatagram::unbound().map_err(send_err)?;
    if let Some(name) = socket.strip_prefix('@') {
        send_abstract(&sock, name, state.as_bytes()).map_err(|e| match e {
            None => WatchdogError::Address(socket.to_string()),
            Some(source) => send_err(source),
        })?;
    } else if socket.starts_with('/') {
        sock.send_to(state.as_bytes(), socket).map_err(send_err)?;
    } else {
        return Err(WatchdogError::Address(socket.to_string()));
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn send_abstract(sock: &UnixDatagram, name: &str, bytes: &[u8]) -> Result<(), Option<std::io::Error>> {
    use std::os::linux::net::SocketAddrExt;
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).map_err(|_| None)?;
    sock.send_to_addr(bytes, &addr).map(|_| ()).map_err(Some)
}

#[cfg(not(target_os = "linux"))]
fn send_abstract(_sock: &UnixDatagram, _name: &str, _bytes: &[u8]) -> Result<(), Option<std::io::Error>> {
    Err(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receive(listener: &UnixDatagram) -> String {
        let mut buf = [0u8; 256];
        let n = listener.recv(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }

    #[test]
    fn messages_arrive_at_a_path_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let listener = UnixDatagram::bind(&path).unwrap();
        listener.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let socket = path.to_str().unwrap();
        send_to(socket, "READY=1").unwrap();
        send_to(socket, "WATCHDOG=1").unwrap();
        assert_eq!(receive(&listener), "READY=1");
        assert_eq!(receive(&listener), "WATCHDOG=1");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn messages_arrive_at_an_abstract_socket() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("lobby-kiosk-test-{}", std::process::id());
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let listener = UnixDatagram::bind_addr(&addr).unwrap();
        listener.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        send_to(&format!("@{name}"), "WATCHDOG=1").unwrap();
        assert_eq!(receive(&listener), "WATCHDOG=1");
    }

    #[test]
    fn a_missing_or_odd_socket_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let absent = dir.path().join("nobody.sock");
        assert!(matches!(
            send_to(absent.to_str().unwrap(), "WATCHDOG=1"),
            Err(WatchdogError::Send { .. })
        ));
        assert!(matches!(
            send_to("relative.sock", "READY=1"),
            Err(WatchdogError::Address(_))
        ));
    }

    #[test]
    fn the_interval_is_for_this_process_or_its_compositor() {
        let secs = |s: u64| Some(Duration::from_secs(s));
        assert_eq!(interval_from("30000000", None, 10, 1), secs(30));
        assert_eq!(interval_from("30000000", Some("10"), 10, 1), secs(30));
        assert_eq!(
            interval_from("30000000", Some("7"), 10, 7),
            secs(30),
            "cage is the main process"
        );
        assert_eq!(
            interval_from("30000000", Some("99"), 10, 7),
            None,
            "meant for another process"
        );
        assert_eq!(interval_from("0", None, 10, 1), None);
        assert_eq!(interval_from("soon", None, 10, 1), None);
    }
}
