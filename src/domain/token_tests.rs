//! Tests for slip tokens, kept apart from the code they check.

use super::*;
use chrono::{Duration, TimeZone};
use proptest::prelude::*;
use qrcode::{EcLevel, QrCode, Version};

fn key(id: u8, seed: u8) -> SigningKey {
    SigningKey::from_bytes(id, &[seed; 32]).unwrap()
}

fn ring_of(keys: &[&SigningKey]) -> KeyRing {
    let mut ring = KeyRing::new();
    for k in keys {
        ring.insert(k.key_id(), k.verifying_key());
    }
    ring
}

fn t(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, h, m, 0).unwrap()
}

fn payload() -> TokenPayload {
    TokenPayload {
        kind: TokenKind::Pass,
        id: 4242,
        unit: "3-2-1201".into(),
        valid_from: t(8, 0),
        valid_until: t(12, 0),
        key_id: 7,
    }
}

fn never(_: TokenKind, _: u64) -> bool {
    false
}

fn worst_case(key_id: u8) -> TokenPayload {
    TokenPayload {
        kind: TokenKind::Ticket,
        id: u64::MAX,
        unit: "9999-99-99-99999".into(),
        valid_from: from_minutes(u32::MAX - 1).unwrap(),
        valid_until: from_minutes(u32::MAX).unwrap(),
        key_id,
    }
}

#[test]
fn sign_and_verify() {
    let k = key(7, 1);
    let token = sign(&k, &payload()).unwrap();
    assert!(token.starts_with("LK1:"));
    assert!(base45::is_qr_alphanumeric(&token), "{token}");
    let got = verify(&token, &ring_of(&[&k]), t(9, 0), never).unwrap();
    assert_eq!(got, payload());
}

#[test]
fn validity_boundaries() {
    let k = key(7, 1);
    let ring = ring_of(&[&k]);
    let token = sign(&k, &payload()).unwrap();
    let at = |now| verify(&token, &ring, now, never);
    assert_eq!(
        at(t(8, 0) - Duration::seconds(1)),
        Err(VerifyError::NotYetValid { valid_from: t(8, 0) })
    );
    assert!(at(t(8, 0)).is_ok());
    assert!(at(t(12, 0) - Duration::seconds(1)).is_ok());
    assert_eq!(at(t(12, 0)), Err(VerifyError::Expired { valid_until: t(12, 0) }));
}

#[test]
fn revocation_is_checked_last() {
    let k = key(7, 1);
    let ring = ring_of(&[&k]);
    let token = sign(&k, &payload()).unwrap();
    let revoked = |kind, id| kind == TokenKind::Pass && id == 4242;
    assert_eq!(verify(&token, &ring, t(9, 0), revoked), Err(VerifyError::Revoked));
    // Same id, other kind: a different record, not revoked.
    let other = |kind, id| kind == TokenKind::Visit && id == 4242;
    assert!(verify(&token, &ring, t(9, 0), other).is_ok());
    // An expired token is reported as expired even if revoked too.
    assert!(matches!(
        verify(&token, &ring, t(13, 0), revoked),
        Err(VerifyError::Expired { .. })
    ));
}

#[test]
fn wrong_or_unknown_key() {
    let k = key(7, 1);
    let token = sign(&k, &payload()).unwrap();
    let impostor = key(7, 2);
    assert_eq!(
        verify(&token, &ring_of(&[&impostor]), t(9, 0), never),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(
        verify(&token, &ring_of(&[&key(8, 1)]), t(9, 0), never),
        Err(VerifyError::UnknownKey { key_id: 7 })
    );
    assert_eq!(
        verify(&token, &KeyRing::new(), t(9, 0), never),
        Err(VerifyError::UnknownKey { key_id: 7 })
    );
}

#[test]
fn signature_is_checked_before_fields() {
    let k = key(7, 1);
    let ring = ring_of(&[&k]);
    // A signed but structurally invalid payload is only reported as such
    // after its signature has been accepted.
    let mut msg = encode_payload(&payload()).unwrap();
    msg.push(0);
    assert_eq!(
        verify(&sign_bytes(&k, msg.clone()), &ring, t(9, 0), never),
        Err(VerifyError::Malformed)
    );
    // The same bytes with a forged signature never get as far as the fields.
    let mut forged = msg;
    forged.extend_from_slice(&[0u8; 64]);
    let text = format!("{PREFIX}{}", base45::encode(&forged));
    assert_eq!(verify(&text, &ring, t(9, 0), never), Err(VerifyError::BadSignature));
    // The top bit turns a pass (kind 1) into kind 5, which no slip uses: malformed.
    let mut msg = encode_payload(&payload()).unwrap();
    msg[1] |= 0x80;
    assert_eq!(
        verify(&sign_bytes(&k, msg), &ring, t(9, 0), never),
        Err(VerifyError::Malformed)
    );
}

#[test]
fn non_minimal_varint_is_malformed() {
    let k = key(7, 1);
    let ring = ring_of(&[&k]);
    let mut p = payload();
    p.id = 5;
    let msg = encode_payload(&p).unwrap();
    let id_at = 2 + p.unit.len();
    assert_eq!(msg[id_at], 5);
    let mut padded = msg.clone();
    padded.splice(id_at..=id_at, [0x85, 0x00]);
    assert_eq!(
        verify(&sign_bytes(&k, padded), &ring, t(9, 0), never),
        Err(VerifyError::Malformed)
    );
    assert_eq!(decode_payload(&msg), Some(p));
}

#[test]
fn every_bit_flip_is_rejected() {
    let k = key(7, 1);
    let ring = ring_of(&[&k, &key(6, 3), &key(5, 4)]);
    let token = sign(&k, &payload()).unwrap();
    let bytes = base45::decode(&token[PREFIX.len()..]).unwrap();
    for i in 0..bytes.len() * 8 {
        let mut b = bytes.clone();
        b[i / 8] ^= 1 << (i % 8);
        let text = format!("{PREFIX}{}", base45::encode(&b));
        let r = verify(&text, &ring, t(9, 0), never);
        assert!(
            matches!(r, Err(VerifyError::BadSignature | VerifyError::UnknownKey { .. })),
            "bit {i}: {r:?}"
        );
    }
}

#[test]
fn every_character_change_is_rejected() {
    const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let k = key(7, 1);
    let ring = ring_of(&[&k]);
    let token = sign(&k, &payload()).unwrap();
    assert!(verify(&token, &ring, t(9, 0), never).is_ok());
    for (i, c) in token.char_indices() {
        let pos = ALPHABET.find(c).unwrap();
        for step in [1, 22] {
            let sub = ALPHABET.as_bytes()[(pos + step) % 45] as char;
            let mut changed = token.clone();
            changed.replace_range(i..i + 1, &sub.to_string());
            assert!(verify(&changed, &ring, t(9, 0), never).is_err(), "{i}: {changed}");
        }
    }
    assert!(verify(&token.to_lowercase(), &ring, t(9, 0), never).is_err());
    assert!(verify(&token[..token.len() - 1], &ring, t(9, 0), never).is_err());
    assert!(verify(&format!("{token}0"), &ring, t(9, 0), never).is_err());
}

#[test]
fn worst_case_fits_qr_version_6_m() {
    for seed in 0..16 {
        let k = key(255, seed);
        let token = sign(&k, &worst_case(255)).unwrap();
        assert_eq!(token.len(), PREFIX.len() + MAX_TOKEN_BYTES / 2 * 3);
        let code = QrCode::with_error_correction_level(&token, EcLevel::M).unwrap();
        match code.version() {
            Version::Normal(v) => assert!(v <= 6, "version {v} for {token}"),
            Version::Micro(_) => unreachable!(),
        }
        let far = from_minutes(u32::MAX - 1).unwrap();
        assert_eq!(verify(&token, &ring_of(&[&k]), far, never).unwrap(), worst_case(255));
    }
}

#[test]
fn sign_rejects_bad_payloads() {
    let k = key(7, 1);
    let mut p = payload();
    p.unit = "12345678901234567".into();
    assert_eq!(sign(&k, &p), Err(SignError::UnitTooLong { len: 17 }));
    let mut p = payload();
    p.key_id = 8;
    assert_eq!(sign(&k, &p), Err(SignError::KeyIdMismatch { payload: 8, key: 7 }));
    let mut p = payload();
    p.valid_until = p.valid_from + Duration::seconds(59);
    assert_eq!(sign(&k, &p), Err(SignError::EmptyValidity));
    let mut p = payload();
    p.valid_from = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 0).unwrap();
    assert_eq!(sign(&k, &p), Err(SignError::TimeOutOfRange));
}

#[test]
fn times_are_cut_to_the_minute() {
    let k = key(7, 1);
    let mut p = payload();
    p.valid_from = t(8, 0) + Duration::seconds(30);
    p.valid_until = t(12, 0) + Duration::milliseconds(59_999);
    let got = verify(&sign(&k, &p).unwrap(), &ring_of(&[&k]), t(9, 0), never).unwrap();
    assert_eq!((got.valid_from, got.valid_until), (t(8, 0), t(12, 0)));
}

#[test]
fn key_bytes_round_trip_and_debug_hides_secret() {
    let k = SigningKey::generate(3);
    let restored = SigningKey::from_bytes(3, &k.to_bytes()).unwrap();
    assert_eq!(restored.verifying_key(), k.verifying_key());
    assert_ne!(SigningKey::generate(3).to_bytes(), k.to_bytes());
    assert_eq!(
        SigningKey::from_bytes(1, &[0; 31]).unwrap_err(),
        KeyError::BadSecretLength { len: 31 }
    );
    let shown = format!("{k:?}");
    assert_eq!(shown, "SigningKey { key_id: 3, .. }");
}

#[test]
fn public_key_export_round_trip() {
    let ring = ring_of(&[&key(1, 1), &key(200, 2)]);
    let text = ring.export_public();
    assert_eq!(text.lines().count(), 2);
    assert!(text.starts_with("1 "));
    let with_notes = format!("# guard keys\n\n{}", text.to_uppercase());
    assert_eq!(KeyRing::parse_public(&with_notes).unwrap(), ring);
    assert_eq!(KeyRing::parse_public(&text).unwrap().len(), 2);
}

#[test]
fn public_key_parse_errors() {
    let hex = data_encoding::HEXLOWER.encode(key(1, 1).verifying_key().as_bytes());
    let err = |s: &str| KeyRing::parse_public(s).unwrap_err();
    assert_eq!(err("1"), KeyError::BadLine { line: 1 });
    assert_eq!(err(&format!("1 {hex} extra")), KeyError::BadLine { line: 1 });
    assert_eq!(err(&format!("\n256 {hex}")), KeyError::BadKeyId { line: 2 });
    assert_eq!(err("1 abcd"), KeyError::BadKey { line: 1 });
    assert_eq!(err(&format!("1 {}", &hex[..63])), KeyError::BadKey { line: 1 });
    assert_eq!(
        err(&format!("1 {hex}\n1 {hex}")),
        KeyError::DuplicateKeyId { line: 2, key_id: 1 }
    );
    assert!(KeyRing::parse_public("").unwrap().is_empty());
}

fn any_payload() -> impl Strategy<Value = TokenPayload> {
    let kind = prop_oneof![
        Just(TokenKind::Visit),
        Just(TokenKind::Pass),
        Just(TokenKind::Permit),
        Just(TokenKind::Ticket),
        Just(TokenKind::Invite)
    ];
    let unit = prop_oneof![
        "[0-9]{1,3}-[0-9]{1,2}-[0-9]{3,4}",
        "\\PC{0,5}".prop_filter("fits", |s: &String| s.len() <= MAX_UNIT_BYTES),
    ];
    (kind, any::<u64>(), unit, 0..u32::MAX - 1, 1..=1_000_000u32, any::<u8>()).prop_map(
        |(kind, id, unit, from, len, key_id)| TokenPayload {
            kind,
            id,
            unit,
            valid_from: from_minutes(from).unwrap(),
            valid_until: from_minutes(from.saturating_add(len)).unwrap(),
            key_id,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trip(p in any_payload(), seed in any::<u8>()) {
        let k = SigningKey::from_bytes(p.key_id, &[seed; 32]).unwrap();
        let token = sign(&k, &p).unwrap();
        prop_assert!(base45::is_qr_alphanumeric(&token));
        prop_assert!(token.len() <= PREFIX.len() + MAX_TOKEN_BYTES / 2 * 3);
        let got = verify(&token, &ring_of(&[&k]), p.valid_from, never).unwrap();
        prop_assert_eq!(got, p);
    }
}

proptest! {
    #[test]
    fn garbage_never_panics(s in any::<String>()) {
        let ring = ring_of(&[&key(0, 1)]);
        prop_assert!(verify(&s, &ring, t(9, 0), never).is_err());
    }

    #[test]
    fn base45_garbage_never_verifies(s in "LK1:[0-9A-Z $%*+./:-]{0,160}") {
        let ring = ring_of(&[&key(0, 1), &key(48, 1)]);
        prop_assert!(verify(&s, &ring, t(9, 0), never).is_err());
    }

    #[test]
    fn decode_payload_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
        if let Some(p) = decode_payload(&bytes) {
            // Whatever decodes must re-encode to the same bytes.
            prop_assert_eq!(encode_payload(&p).ok(), Some(bytes));
        }
    }
}

proptest! {
    // Fuzzing the decoder behind the signature: a correctly signed message of any bytes
    // (as if the key had signed garbage) must be refused or decoded, never panic.
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn signed_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..48), minute in 0u32..40_000_000) {
        let k = key(0, 1);
        let ring = ring_of(&[&k]);
        let now = DateTime::from_timestamp(i64::from(minute) * 60, 0).unwrap();
        let mut msg = bytes;
        if let Some(first) = msg.first_mut() {
            *first = 0;
        }
        let _ = verify(&sign_bytes(&k, msg), &ring, now, never);
    }

    #[test]
    fn decode_payload_fuzz(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Some(p) = decode_payload(&bytes) {
            prop_assert_eq!(encode_payload(&p).ok(), Some(bytes));
        }
    }
}
