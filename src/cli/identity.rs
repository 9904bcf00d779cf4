//! Who acts on the command line. Every audited command names an active staff account
//! with `--by NAME` and proves it with that account's 6-digit PIN, read from standard
//! input (one line; typed at a prompt without echo when standard input is a terminal).
//! The attempt is counted on the account before the PIN is checked, under the account's
//! lockout (`journeys::staff::prove`). The first account of a fresh kiosk (`staff add
//! --by bootstrap` while no account exists) is the one exception. The PIN is never
//! printed; a refusal writes nothing but the attempt's count.

use std::io::BufRead;

use chrono::{DateTime, Utc};

use super::{say, Outcome};
use crate::app::App;
use crate::domain::pin::{FREE_FAILURES, PIN_LEN};
use crate::journeys::staff::{self, Proof, Role};

/// The name that creates the first account of a fresh kiosk, with no PIN.
pub const BOOTSTRAP: &str = "bootstrap";

/// An account whose PIN was just proven (or the bootstrap of a fresh kiosk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

/// Proves `by` with the PIN on standard input. `Err` carries the exit after the refusal
/// has been said, politely and in the configured language.
pub fn prove(app: &App, by: &str) -> Result<Actor, Outcome> {
    prove_with(app, by, false, || read_pin(app, by))
}

/// As [`prove`], for `staff add`: `--by bootstrap` is accepted without a PIN while the
/// kiosk has no account at all.
pub fn prove_or_bootstrap(app: &App, by: &str) -> Result<Actor, Outcome> {
    prove_with(app, by, true, || read_pin(app, by))
}

fn prove_with(app: &App, by: &str, bootstrap: bool, pin: impl FnOnce() -> Option<String>) -> Result<Actor, Outcome> {
    let lang = app.config.language;
    let now = app.now();
    if by.trim().is_empty() {
        eprintln!(
            "{}",
            say(
                lang,
                "请用 --by 写明办理人的姓名，并在标准输入提供其 6 位密码，谢谢。",
                "Please name who acts with --by NAME and give their 6-digit PIN on standard input. Thank you."
            )
        );
        return Err(Outcome::Usage);
    }
    if bootstrap && by == BOOTSTRAP {
        match crate::journeys::lookup::staff(app) {
            Ok(list) if list.is_empty() => {
                return Ok(Actor {
                    name: BOOTSTRAP.into(),
                    role: Role::Supervisor,
                })
            }
            Ok(_) => {}
            Err(e) => return Err(failed(app, &e)),
        }
    }
    match crate::journeys::lookup::staff_by_name(app, by) {
        Ok(Some(account)) if account.active => {}
        Ok(_) => return Err(no_account(app)),
        Err(e) => return Err(failed(app, &e)),
    }
    let Some(pin) = pin() else {
        eprintln!(
            "{}",
            say(
                lang,
                "请在标准输入提供办理人的 6 位密码（例如 echo 密码 | lobby-kiosk … --by 姓名），未执行任何操作。",
                "Please give the 6-digit PIN of the person acting on standard input (e.g. echo PIN | lobby-kiosk … --by NAME); nothing was done."
            )
        );
        return Err(Outcome::Negative);
    };
    if pin.len() != PIN_LEN || !pin.bytes().all(|b| b.is_ascii_digit()) {
        // Cannot be anyone's PIN: said at once, not counted as a guess.
        eprintln!(
            "{}",
            say(
                lang,
                "密码应为 6 位数字，请核对后再试，未执行任何操作。",
                "A PIN is six digits; please check it and try again. Nothing was done."
            )
        );
        return Err(Outcome::Negative);
    }
    match staff::prove(app, by, &pin, now) {
        Ok(Proof::Proven { name, role }) => Ok(Actor { name, role }),
        Ok(Proof::NoAccount) => Err(no_account(app)),
        Ok(Proof::Wrong { failures, locked_until }) => {
            let left = FREE_FAILURES.saturating_sub(failures);
            let then = match locked_until {
                Some(until) => locked_text(app, until),
                None if left > 0 => lang
                    .pick(
                        &format!("再错 {left} 次，该账号将暂停使用一段时间。"),
                        &format!("After {left} more wrong PINs the account pauses for a while."),
                    )
                    .to_string(),
                None => String::new(),
            };
            eprintln!(
                "{} {then}",
                say(
                    lang,
                    "密码与姓名不符，未执行任何操作。",
                    "The PIN does not match that name; nothing was done."
                )
            );
            Err(Outcome::Negative)
        }
        Ok(Proof::Locked { until }) => {
            eprintln!("{}", locked_text(app, until));
            Err(Outcome::Negative)
        }
        Err(e) => Err(failed(app, &e)),
    }
}

fn locked_text(app: &App, until: DateTime<Utc>) -> String {
    let at = until.with_timezone(&app.config.tz()).format("%H:%M:%S");
    app.config
        .language
        .pick(
            &format!("该账号尝试次数过多，暂停使用至 {at}，请届时再试或联系主管，未执行任何操作。"),
            &format!(
                "Too many wrong PINs for this account: it is paused until {at}. Please try again then, or ask a supervisor. Nothing was done."
            ),
        )
        .to_string()
}

fn no_account(app: &App) -> Outcome {
    // The name is not repeated: it may hold anything, terminal escapes included.
    eprintln!(
        "{}",
        say(
            app.config.language,
            "没有这位工作人员的有效账号，请核对 --by 后的姓名（lobby-kiosk staff list 可查看），未执行任何操作。",
            "There is no active staff account by that name; please check the name after --by (lobby-kiosk staff list shows them). Nothing was done."
        )
    );
    Outcome::Negative
}

fn failed(app: &App, err: &dyn std::fmt::Display) -> Outcome {
    eprintln!(
        "{} ({err})",
        say(
            app.config.language,
            "抱歉，现在无法核对密码，未执行任何操作，请稍后再试；如仍不行请联系技术人员。",
            "Sorry, the PIN cannot be checked now and nothing was done; please try again, or call a technician if it persists."
        )
    );
    Outcome::Negative
}

/// One line from standard input, without its line end; `None` when there is none. At a
/// terminal the person is asked for it on standard error and the typing is not echoed.
fn read_pin(app: &App, by: &str) -> Option<String> {
    let stdin = std::io::stdin();
    let mut line = String::new();
    #[cfg(unix)]
    let _quiet = if rustix::termios::isatty(&stdin) {
        eprint!(
            "{}",
            app.config
                .language
                .pick(&format!("请输入 {by} 的 6 位密码："), &format!("6-digit PIN of {by}: "))
        );
        Quiet::new(&stdin)
    } else {
        None
    };
    #[cfg(not(unix))]
    let _ = (app, by);
    let read = stdin.lock().read_line(&mut line);
    #[cfg(unix)]
    if _quiet.is_some() {
        eprintln!();
    }
    match read {
        Ok(n) if n > 0 => Some(line.trim().to_string()).filter(|p| !p.is_empty()),
        _ => None,
    }
}

/// The terminal's echo turned off while the PIN is typed, and back on when dropped.
#[cfg(unix)]
struct Quiet {
    saved: rustix::termios::Termios,
}

#[cfg(unix)]
impl Quiet {
    fn new(stdin: &std::io::Stdin) -> Option<Quiet> {
        use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
        let saved = tcgetattr(stdin).ok()?;
        let mut quiet = saved.clone();
        quiet.local_modes.remove(LocalModes::ECHO);
        tcsetattr(stdin, OptionalActions::Now, &quiet).ok()?;
        Some(Quiet { saved })
    }
}

#[cfg(unix)]
impl Drop for Quiet {
    fn drop(&mut self) {
        let restored = rustix::termios::tcsetattr(std::io::stdin(), rustix::termios::OptionalActions::Now, &self.saved);
        if restored.is_err() {
            eprintln!("(stty echo)");
        }
    }
}
