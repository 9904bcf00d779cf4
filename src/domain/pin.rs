//! Staff PINs: how they are chosen, stored and checked, and how guessing is slowed.
//!
//! A PIN is six digits typed on the kiosk's keypad. It is stored only as an Argon2id
//! hash in PHC string form (`$argon2id$v=19$m=7168,t=5,p=1$…`) with one of OWASP's
//! equivalent recommended sets: 7 MiB of memory, five passes, one lane. OWASP lists
//! 19 MiB × 2 passes and 7 MiB × 5 passes as equal protection; the kiosk takes the
//! smaller block because a PIN check runs inside the kiosk's process, whose peak memory
//! has a budget (issue 19): each check held 19 MiB for its duration before. Hashes made
//! with the older set still verify (their parameters are in the PHC string). Six digits are
//! only a million guesses, so the hash alone cannot protect a stolen database; what
//! protects the kiosk is the lockout below and the rule against obvious PINs.
//!
//! Every attempt is counted *before* its PIN is checked (in one write transaction), so
//! that N attempts are N checks however many run at once; a success clears the count.
//! There are two counters, each with its own [`Schedule`]:
//!
//! **One staff account** ([`Schedule::Account`]), for attempts that name the account
//! (the command line's `--by NAME`), counted in consecutive failures:
//!
//! | failures | locked for                     |
//! |----------|--------------------------------|
//! | 0–4      | not locked                     |
//! | 5–9      | 1 minute after the last failure |
//! | 10–14    | 5 minutes                      |
//! | 15 and more | 30 minutes                  |
//!
//! So a patient attacker gets about 5 guesses a minute at first and 1 guess every 30
//! minutes after 15 misses: roughly 50 guesses a day out of a million PINs. A locked
//! account is refused even with its right PIN.
//!
//! **The kiosk's PIN pad** ([`Schedule::Pad`]): the screen asks for a PIN and no name, so
//! its attempts cannot be laid at one account's door. They share one kiosk-wide count,
//! whose pause grows but is capped, so that a passer-by tapping wrong PINs can slow the
//! pad down but never lock every colleague out for long:
//!
//! | failures | pad pauses for                    |
//! |----------|-----------------------------------|
//! | 0–4      | no pause                          |
//! | 5        | 1 minute after the last failure   |
//! | 6, 7, 8  | 2, 3, 4 minutes                   |
//! | 9 and more | 5 minutes (the cap)             |
//!
//! At the cap that is 12 guesses an hour at the pad, for every account at once.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use thiserror::Error;

/// Digits in a PIN.
pub const PIN_LEN: usize = 6;
/// Argon2 memory cost in KiB (OWASP's 7 MiB set).
pub const M_COST_KIB: u32 = 7_168;
/// Argon2 passes (OWASP: 5 with 7 MiB).
pub const T_COST: u32 = 5;
/// Argon2 lanes (OWASP: 1).
pub const P_COST: u32 = 1;

/// A hash of an unknowable PIN with the same parameters, verified by
/// [`dummy_verify`] so that a missing account costs the same time as a wrong PIN.
const DUMMY_PHC: &str =
    "$argon2id$v=19$m=7168,t=5,p=1$bG9iYnkta2lvc2stZHVtbXk$qLG1m9+m5PSYWl9U+CRAZMSdp2OlDDGaDTNbpN7tKpY";

/// The few PINs people choose first that the patterns below do not catch.
const COMMON: [&str; 12] = [
    "112233", "123321", "147258", "147369", "159357", "159753", "258369", "321123", "456123", "520131", "131420",
    "789456",
];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PinError {
    #[error("a PIN is exactly six digits")]
    NotSixDigits,
    #[error("this PIN is too easy to guess; please choose six digits without an obvious pattern")]
    TooEasy,
    #[error("the PIN could not be hashed: {0}")]
    Hash(String),
}

fn argon2() -> Argon2<'static> {
    // The parameters are constants known to be valid; `default()` is the same set.
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a PIN may not be used, or `Ok` when it may.
pub fn check_pin(pin: &str) -> Result<(), PinError> {
    let d = pin.as_bytes();
    if d.len() != PIN_LEN || !d.iter().all(u8::is_ascii_digit) {
        return Err(PinError::NotSixDigits);
    }
    let step = |i: usize| (10 + d[i + 1] - d[i]) % 10;
    let one_step = |s: u8| (0..PIN_LEN - 1).all(|i| step(i) == s);
    // All the same (000000), counting up or down even across 9/0 (123456, 890123, 654321),
    // or a repeated pair or triple (121212, 123123).
    let weak = one_step(0)
        || one_step(1)
        || one_step(9)
        || (0..PIN_LEN).all(|i| d[i] == d[i % 2])
        || (0..PIN_LEN).all(|i| d[i] == d[i % 3])
        || COMMON.contains(&pin);
    if weak {
        return Err(PinError::TooEasy);
    }
    Ok(())
}

/// Exactly six ASCII digits and not an obvious pattern.
pub fn is_valid_pin(pin: &str) -> bool {
    check_pin(pin).is_ok()
}

/// Hashes a new PIN for storage; refuses PINs that [`is_valid_pin`] rejects, so a
/// weak PIN can never be set.
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    check_pin(pin)?;
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PinError::Hash(e.to_string()))
}

/// Whether `pin` matches a stored PHC string. The comparison is constant-time
/// (argon2's); the cost is the stored hash's. A malformed hash never matches.
pub fn verify_pin(pin: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => argon2().verify_password(pin.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one real [`verify_pin`], for when the staff account does not
/// exist, so that the time taken does not tell which step failed.
pub fn dummy_verify() {
    // The result is always false and deliberately ignored.
    let _ = verify_pin("000000", DUMMY_PHC);
}

/// Whether a stored hash uses other parameters than today's (after a change of
/// policy); rehash at the next successful login.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let current = (M_COST_KIB, T_COST, P_COST);
    hash.algorithm != Algorithm::Argon2id.ident()
        || hash.version != Some(Version::V0x13.into())
        || Params::try_from(&hash).map_or(true, |p| (p.m_cost(), p.t_cost(), p.p_cost()) != current)
}

/// Failures allowed before a counter pauses (on either schedule).
pub const FREE_FAILURES: u32 = 5;

/// The longest the kiosk's PIN pad pauses, however many wrong PINs were tapped.
pub const PAD_PAUSE_CAP_MINUTES: i64 = 5;

/// Which counter an attempt is counted against, and so how it slows guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// One named staff account (the command line): 1, 5, then 30 minutes.
    Account,
    /// The kiosk's PIN pad (no name typed): one more minute per failure, at most
    /// [`PAD_PAUSE_CAP_MINUTES`].
    Pad,
}

impl Schedule {
    /// How long this counter refuses attempts after this many consecutive failures.
    pub fn pause_after(self, failures: u32) -> Option<Duration> {
        match self {
            Schedule::Account => lockout_after(failures),
            Schedule::Pad => pad_pause_after(failures),
        }
    }

    /// Until when the counter refuses attempts, from its last failure.
    pub fn paused_until(self, failures: u32, last_failure: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.pause_after(failures).map(|d| last_failure + d)
    }
}

/// What to do with one attempt, decided from the counter as it stands before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Refused without checking the PIN.
    Paused { until: DateTime<Utc> },
    /// Count the attempt (store `failures`, with now as the last failure), then check.
    Check { failures: u32 },
}

/// Whether an attempt at `now` may be checked, given the counter's `failures` and last
/// failure; when it may, the count to store before checking.
pub fn gate(schedule: Schedule, failures: u32, last_failure: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Gate {
    match last_failure.and_then(|at| schedule.paused_until(failures, at)) {
        Some(until) if now < until => Gate::Paused { until },
        _ => Gate::Check {
            failures: failures.saturating_add(1),
        },
    }
}

/// How long the kiosk's PIN pad pauses after this many consecutive failures (see the
/// second table at the top of this module).
pub fn pad_pause_after(failures: u32) -> Option<Duration> {
    let over = failures.checked_sub(FREE_FAILURES - 1).filter(|n| *n > 0)?;
    Some(Duration::minutes(i64::from(over).min(PAD_PAUSE_CAP_MINUTES)))
}

/// How long an account stays locked after this many consecutive failures (see the
/// table at the top of this module).
pub fn lockout_after(failures: u32) -> Option<Duration> {
    match failures {
        0..=4 => None,
        5..=9 => Some(Duration::minutes(1)),
        10..=14 => Some(Duration::minutes(5)),
        _ => Some(Duration::minutes(30)),
    }
}

/// Until when an account is locked, counted from its last failure; `None` when the
/// failures so far do not lock it.
pub fn locked_until(failures: u32, last_failure: DateTime<Utc>) -> Option<DateTime<Utc>> {
    lockout_after(failures).map(|d| last_failure + d)
}

/// Whether a PIN attempt must be refused at `now` without checking the PIN.
pub fn is_locked(failures: u32, last_failure: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    locked_until(failures, last_failure).is_some_and(|until| now < until)
}

#[cfg(test)]
#[path = "pin_tests.rs"]
mod tests;
