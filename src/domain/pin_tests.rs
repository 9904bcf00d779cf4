//! Tests for staff PINs. Hashing costs tens of milliseconds each, so only a few
//! tests hash; the rules around them are tested without argon2.

use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

#[test]
fn six_digits_and_nothing_else() {
    for ok in ["204816", "739512", "580274", "013579"] {
        assert!(is_valid_pin(ok), "{ok}");
    }
    for bad in [
        "", "20481", "2048167", "20481a", " 204816", "204816 ", "２04816", "20-481",
    ] {
        assert_eq!(check_pin(bad), Err(PinError::NotSixDigits), "{bad:?}");
    }
}

#[test]
fn obvious_pins_are_refused() {
    for weak in [
        "000000", "111111", "999999", "123456", "234567", "456789", "012345", "890123", "654321", "987654", "210987",
        "121212", "101010", "123123", "520520", "112233", "520131", "147258",
    ] {
        assert_eq!(check_pin(weak), Err(PinError::TooEasy), "{weak}");
        assert!(!is_valid_pin(weak));
    }
}

#[test]
fn almost_all_pins_remain() {
    let valid = (0..1_000_000u32).filter(|n| is_valid_pin(&format!("{n:06}"))).count();
    // 10 all-same, 20 up/down runs, 90 + 990 repeated pairs/triples, a dozen common.
    assert!((998_800..999_000).contains(&valid), "{valid}");
}

#[test]
fn weak_pins_are_refused_before_hashing() {
    assert_eq!(hash_pin("123456"), Err(PinError::TooEasy));
    assert_eq!(hash_pin("12345"), Err(PinError::NotSixDigits));
}

#[test]
fn hashes_verify_the_right_pin_only() {
    let phc = hash_pin("204816").unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{phc}");
    assert!(!needs_rehash(&phc));
    assert!(verify_pin("204816", &phc));
    assert!(!verify_pin("204817", &phc));
    assert!(!verify_pin("", &phc));
    // A fresh salt every time.
    assert_ne!(hash_pin("204816").unwrap(), phc);
}

#[test]
fn malformed_hashes_never_match() {
    for phc in ["", "204816", "$argon2id$v=19$m=19456,t=2,p=1$", "$md5$abc$def"] {
        assert!(!verify_pin("204816", phc), "{phc:?}");
        assert!(needs_rehash(phc), "{phc:?}");
    }
}

#[test]
fn the_dummy_costs_what_a_real_check_costs() {
    // Same algorithm and parameters as hash_pin, so the same work.
    assert!(PasswordHash::new(DUMMY_PHC).is_ok());
    assert!(!needs_rehash(DUMMY_PHC));
    dummy_verify();
}

#[test]
fn a_pin_set_with_the_older_19_mib_parameters_still_opens_the_account() {
    // What kiosks stored before the 7 MiB set (OWASP's m=19456, t=2), for PIN 204816.
    let before = "$argon2id$v=19$m=19456,t=2,p=1$bG9iYnkta2lvc2stYmVmb3Jl$odMWdkIq+ZeDlufIdj6VHUaxABIB46eox0n6uVtImi4";
    assert!(verify_pin("204816", before));
    assert!(!verify_pin("204817", before));
    assert!(needs_rehash(before));
}

#[test]
fn older_parameters_ask_for_a_rehash() {
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(64, 1, 1, None).unwrap(),
    );
    let salt = SaltString::encode_b64(b"a fixed test salt").unwrap();
    let phc = weak.hash_password(b"204816", &salt).unwrap().to_string();
    assert!(needs_rehash(&phc));
    // Still verifies: the stored hash's own parameters are used.
    assert!(verify_pin("204816", &phc));
    let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::new(64, 1, 1, None).unwrap());
    let phc = argon2i.hash_password(b"204816", &salt).unwrap().to_string();
    assert!(needs_rehash(&phc));
}

#[test]
fn lockout_steps_up_at_five_ten_and_fifteen() {
    let table = [
        (0, None),
        (4, None),
        (5, Some(1)),
        (9, Some(1)),
        (10, Some(5)),
        (14, Some(5)),
        (15, Some(30)),
        (100, Some(30)),
        (u32::MAX, Some(30)),
    ];
    for (failures, minutes) in table {
        assert_eq!(lockout_after(failures), minutes.map(Duration::minutes), "{failures}");
    }
}

#[test]
fn locked_until_counts_from_the_last_failure() {
    let last = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
    assert_eq!(locked_until(4, last), None);
    assert_eq!(locked_until(5, last), Some(last + Duration::minutes(1)));
    assert_eq!(locked_until(12, last), Some(last + Duration::minutes(5)));
    assert_eq!(locked_until(15, last), Some(last + Duration::minutes(30)));
    assert!(!is_locked(4, last, last));
    assert!(is_locked(5, last, last + Duration::seconds(59)));
    assert!(!is_locked(5, last, last + Duration::minutes(1)));
    assert!(is_locked(15, last, last + Duration::minutes(29)));
}

#[test]
fn the_pad_pauses_one_more_minute_per_failure_up_to_five() {
    let table = [
        (0, None),
        (4, None),
        (5, Some(1)),
        (6, Some(2)),
        (8, Some(4)),
        (9, Some(5)),
        (15, Some(5)),
        (u32::MAX, Some(5)),
    ];
    for (failures, minutes) in table {
        assert_eq!(pad_pause_after(failures), minutes.map(Duration::minutes), "{failures}");
        assert_eq!(Schedule::Pad.pause_after(failures), minutes.map(Duration::minutes));
    }
    assert_eq!(Schedule::Account.pause_after(15), Some(Duration::minutes(30)));
}

#[test]
fn the_gate_counts_an_attempt_before_it_is_checked() {
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
    // A fresh counter: checked, and counted as the first failure until it succeeds.
    assert_eq!(gate(Schedule::Account, 0, None, at), Gate::Check { failures: 1 });
    assert_eq!(gate(Schedule::Account, 4, Some(at), at), Gate::Check { failures: 5 });
    // Five counted: nothing more is checked for a minute, whoever asks.
    let paused = Gate::Paused {
        until: at + Duration::minutes(1),
    };
    assert_eq!(gate(Schedule::Account, 5, Some(at), at), paused);
    assert_eq!(gate(Schedule::Pad, 5, Some(at), at + Duration::seconds(59)), paused);
    assert_eq!(
        gate(Schedule::Account, 5, Some(at), at + Duration::minutes(1)),
        Gate::Check { failures: 6 }
    );
    // Fifteen: the account waits half an hour, the pad never more than five minutes.
    assert_eq!(
        gate(Schedule::Account, 15, Some(at), at + Duration::minutes(29)),
        Gate::Paused {
            until: at + Duration::minutes(30)
        }
    );
    assert_eq!(
        gate(Schedule::Pad, 15, Some(at), at + Duration::minutes(5)),
        Gate::Check { failures: 16 }
    );
    assert_eq!(
        gate(Schedule::Pad, u32::MAX, Some(at), at + Duration::minutes(5)),
        Gate::Check { failures: u32::MAX }
    );
}

proptest! {
    /// However many attempts arrive at the same moment, at most the free failures are
    /// checked: each one is gated on the count the one before stored.
    #[test]
    fn attempts_at_one_moment_are_checked_at_most_five_times(n in 0u32..200, pad in any::<bool>()) {
        let schedule = if pad { Schedule::Pad } else { Schedule::Account };
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        let (mut failures, mut last, mut checked) = (0, None, 0);
        for _ in 0..n {
            if let Gate::Check { failures: f } = gate(schedule, failures, last, at) {
                failures = f;
                last = Some(at);
                checked += 1;
            }
        }
        prop_assert_eq!(checked, n.min(FREE_FAILURES));
    }

    #[test]
    fn the_pad_pause_grows_and_never_passes_the_cap(n in 0u32..1000) {
        let d = |n| pad_pause_after(n).unwrap_or_else(Duration::zero);
        prop_assert!(d(n + 1) >= d(n));
        prop_assert!(d(n) <= Duration::minutes(PAD_PAUSE_CAP_MINUTES));
    }


    #[test]
    fn lockout_never_shrinks_as_failures_grow(n in 0u32..1000) {
        let d = |n| lockout_after(n).unwrap_or_else(Duration::zero);
        prop_assert!(d(n + 1) >= d(n));
    }

    #[test]
    fn valid_pins_are_six_ascii_digits(pin in "\\PC{0,8}") {
        if is_valid_pin(&pin) {
            prop_assert!(pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
