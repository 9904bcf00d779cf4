//! Fuzzing with proptest, many cases each, of everything that reads untrusted text: the
//! pass-token decoder, the scanner-input router, the configuration loader and the
//! resident CSV importer. None may panic or hang on any input. The nasty inputs that
//! found (or could find) trouble are kept under `tests/fuzz_corpus/` and replayed here
//! on every run; proptest's own regression files sit beside this file.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::directory;
use lobby_kiosk::domain::base45;
use lobby_kiosk::domain::token::{self, KeyRing, SigningKey, TokenKind, TokenPayload};
use lobby_kiosk::domain::unit::UnitFormat;
use lobby_kiosk::input::scan::{classify, ScanBuffer, Scanned};
use proptest::prelude::*;

fn key() -> SigningKey {
    SigningKey::from_bytes(1, &[7u8; 32]).unwrap()
}

fn ring() -> KeyRing {
    let mut ring = KeyRing::new();
    ring.insert(1, key().verifying_key());
    ring
}

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 4, 0, 0).unwrap()
}

fn valid_token() -> String {
    token::sign(
        &key(),
        &TokenPayload {
            kind: TokenKind::Pass,
            id: 4242,
            unit: "2-1-302".into(),
            valid_from: noon() - chrono::Duration::hours(2),
            valid_until: noon() + chrono::Duration::hours(2),
            key_id: 1,
        },
    )
    .unwrap()
}

/// Everything the kiosk does with a scanned or typed token: peek, verify, classify.
fn exercise_token(text: &str) {
    let _ = token::peek_kind(text);
    let _ = token::verify(text, &ring(), noon(), |_, _| false);
    let _ = classify(text);
    if let Some(body) = text.strip_prefix(token::PREFIX) {
        let _ = base45::decode(body);
    }
}

/// The scanner path: key events at the given gaps, every completed scan classified.
fn exercise_scan(text: &str, gaps_ms: &[u64]) {
    let mut buffer = ScanBuffer::new();
    let mut at = Duration::ZERO;
    for (i, c) in text.chars().enumerate() {
        at += Duration::from_millis(gaps_ms.get(i % gaps_ms.len().max(1)).copied().unwrap_or(5));
        if let Some(scan) = buffer.key(&c.to_string(), at) {
            assert!(scan.len() <= lobby_kiosk::input::scan::MAX_SCAN_LEN);
            let _ = classify(&scan);
        }
    }
    // A whole burst in one event, as some scanners deliver it.
    let mut whole = ScanBuffer::new();
    if let Some(scan) = whole.key(text, at + Duration::from_secs(1)) {
        let _ = classify(&scan);
    }
}

fn exercise_config(text: &str) {
    if let Ok(loaded) = LoadedConfig::from_text(text, ConfigSource::Embedded) {
        // What start-up does with a loaded configuration must not panic either.
        let _ = loaded.config.tz();
        let _ = UnitFormat::parse(&loaded.config.compound.unit_format);
    } else if let Err(err) = LoadedConfig::from_text(text, ConfigSource::Embedded) {
        let _ = err.to_string();
        if let Some(line) = err.line() {
            assert!(
                line >= 1 && line <= text.lines().count().max(1) + 1,
                "line {line} for {text:?}"
            );
        }
    }
}

fn exercise_csv(text: &str) {
    for pattern in ["B-U-R", "B-U-F-R", "R"] {
        let format = UnitFormat::parse(pattern).unwrap();
        match directory::parse_csv(text, &format) {
            Ok(rows) => assert!(!rows.is_empty()),
            Err(err) => {
                let _ = err.to_string();
            }
        }
    }
}

/// The configuration with one edit: a range cut out, text put in, or a value replaced.
fn mutate(base: &str, at: usize, cut: usize, insert: &str) -> String {
    let chars: Vec<char> = base.chars().collect();
    let at = at % (chars.len() + 1);
    let end = (at + cut).min(chars.len());
    let mut out: String = chars[..at].iter().collect();
    out.push_str(insert);
    out.extend(&chars[end..]);
    out
}

fn replay(kind: &str, run: impl Fn(&str)) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_corpus")
        .join(kind);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        // Invalid UTF-8 reaches the kiosk only as lossy text.
        let text = String::from_utf8_lossy(&bytes);
        run(&text);
        count += 1;
    }
    count
}

#[test]
fn the_corpus_replays_without_a_panic() {
    assert!(replay("token", exercise_token) >= 5);
    assert!(replay("scan", |t| exercise_scan(t, &[3, 5, 200])) >= 3);
    assert!(replay("config", exercise_config) >= 5);
    assert!(replay("csv", exercise_csv) >= 5);
}

#[test]
fn generated_nasty_inputs_do_not_panic_or_hang() {
    // Too big for files: very long, very deep, very wide.
    exercise_token(&format!("LK1:{}", "Z".repeat(1_000_000)));
    exercise_token(&format!("LK1:{}", "GGW".repeat(100_000)));
    exercise_scan(&"1".repeat(100_000), &[1]);
    exercise_config(&format!("language = {}", "[".repeat(100_000)));
    exercise_config(&format!("a = {}1{}", "[".repeat(5_000), "]".repeat(5_000)));
    exercise_config(&format!("{}\n", "[a.".repeat(50_000)));
    exercise_config(&"x".repeat(1_000_000));
    exercise_csv(&format!(
        "unit,surname,phone\n{}",
        "1-1-101,王,13812345678\n".repeat(20_000)
    ));
    exercise_csv(&format!("unit,surname,phone\n{}", ",".repeat(1_000_000)));
    exercise_csv(&format!("unit,surname,phone\n\"{}", "a".repeat(1_000_000)));
}

#[test]
fn a_valid_token_still_verifies() {
    // The fuzz targets must exercise the real thing, not a path that refuses everything.
    let t = valid_token();
    assert_eq!(classify(&t), Scanned::Token(TokenKind::Pass, t.clone()));
    assert!(token::verify(&t, &ring(), noon(), |_, _| false).is_ok());
    assert!(LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn token_decoder_any_text(s in any::<String>()) {
        exercise_token(&s);
        exercise_token(&format!("LK1:{s}"));
    }

    #[test]
    fn token_decoder_base45_alphabet(s in "LK1:[0-9A-Z $%*+./:-]{0,200}") {
        exercise_token(&s);
        prop_assert!(token::verify(&s, &ring(), noon(), |_, _| false).is_err());
    }

    #[test]
    fn token_decoder_mutated_tokens(at in any::<usize>(), cut in 0usize..4, insert in "[0-9A-Z $%*+./:-]{0,3}") {
        let t = valid_token();
        let mutated = mutate(&t, at, cut, &insert);
        exercise_token(&mutated);
        if mutated != t {
            prop_assert!(token::verify(&mutated, &ring(), noon(), |_, _| false).is_err(), "{mutated}");
        }
    }

    #[test]
    fn scanner_router(text in ".{0,700}", gaps in proptest::collection::vec(0u64..300, 0..20)) {
        exercise_scan(&text, &gaps);
    }

    #[test]
    fn scanner_router_ascii_bursts(text in "[ -~\r\n]{0,600}") {
        exercise_scan(&text, &[2]);
    }

}

proptest! {
    // Each case parses with three room formats.
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn csv_importer_any_text(text in ".{0,400}") {
        exercise_csv(&text);
        exercise_csv(&format!("unit,surname,phone\n{text}"));
    }

    #[test]
    fn csv_importer_rowlike(rows in proptest::collection::vec("[0-9A-Za-z\\-王李张 ,\"\r\n]{0,40}", 0..20)) {
        exercise_csv(&format!("unit,surname,phone\n{}", rows.join("\n")));
    }
}

proptest! {
    // A configuration parse is costlier than a token; still thousands of cases.
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    #[test]
    fn config_loader_any_text(text in any::<String>()) {
        exercise_config(&text);
    }

    #[test]
    fn config_loader_tomlish(text in "([a-z_]{1,12} = (\"[^\"\n]{0,10}\"|-?[0-9]{1,12}|true|\\[[0-9, \"]{0,12}\\])\n|\\[[a-z.]{1,12}\\]\n){0,12}") {
        exercise_config(&text);
    }

    #[test]
    fn config_loader_mutated_default(at in any::<usize>(), cut in 0usize..40, insert in "(.{0,12}|[\\[\\]=\"#\n]{0,6}|-?[0-9]{1,20})") {
        exercise_config(&mutate(EMBEDDED_DEFAULT, at, cut, &insert));
    }
}

/// What no field may keep: control, invisible or direction-changing characters.
fn is_hidden(c: char) -> bool {
    c.is_control() || lobby_kiosk::domain::field::is_invisible(c) || lobby_kiosk::domain::field::is_bidi_control(c)
}

/// Hostile text: control bytes, zero-width and direction characters, full-width digits,
/// look-alike letters, emoji, and plain text around them.
const HOSTILE: &str = "([\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2066}-\u{2069}\u{FEFF}\u{3164}\u{FF10}-\u{FF19}\u{430}\u{1F600}王张三aZ@ ·]|.){0,40}";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Every entry that keeps a person's name or free text, fed hostile text: nothing
    /// panics, and whatever is accepted holds no hidden character and fits its rule.
    #[test]
    fn the_entries_keep_nothing_hidden(text in HOSTILE) {
        use lobby_kiosk::domain::visitor::{clean_company, clean_surname};
        use lobby_kiosk::journeys::permit::{check_contractor, check_owner, check_worker_name};
        let kept: Vec<(usize, Option<String>)> = vec![
            (30, clean_surname(&text)),
            (30, clean_company(&text)),
            (30, check_owner(&text).ok()),
            (40, check_contractor(&text).ok()),
            (20, check_worker_name(&text).ok()),
            (20, lobby_kiosk::domain::field::clean(&lobby_kiosk::domain::field::STAFF_NAME, &text).ok()),
        ];
        for (max, value) in kept {
            if let Some(value) = value {
                prop_assert!(!value.chars().any(is_hidden), "{value:?} from {text:?}");
                prop_assert!(value.chars().count() <= max);
                prop_assert!(!value.chars().any(|c| matches!(c, '０'..='９')));
            }
        }
        let id = lobby_kiosk::domain::field::parse_id_number(&text);
        if let Ok(id) = id {
            prop_assert_eq!(id.len(), 18);
        }
        let shown = lobby_kiosk::domain::field::preview(&text);
        prop_assert!(!shown.chars().any(is_hidden));
    }
}
