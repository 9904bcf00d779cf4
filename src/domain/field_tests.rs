use super::*;
use proptest::prelude::*;

#[test]
fn names_are_folded_normalised_and_trimmed() {
    assert_eq!(clean(&WORKER_NAME, "  张三  ").unwrap(), "张三");
    assert_eq!(clean(&WORKER_NAME, "阿依古丽・买买提").unwrap(), "阿依古丽·买买提");
    assert_eq!(clean(&STAFF_NAME, "前台\u{3000}２").unwrap(), "前台 2");
    assert_eq!(clean(&STAFF_NAME, "王１"), clean(&STAFF_NAME, "王1"));
    // e + combining acute is the same name as the precomposed é.
    assert_eq!(clean(&WORKER_NAME, "Rene\u{301}").unwrap(), "René");
    assert_eq!(clean(&WORKER_NAME, "Mary  Ann").unwrap(), "Mary Ann");
}

#[test]
fn look_alike_tricks_are_refused() {
    assert_eq!(clean(&STAFF_NAME, "王\u{200B}"), Err(FieldError::Invisible(0x200B)));
    assert_eq!(clean(&STAFF_NAME, "\u{FEFF}王"), Err(FieldError::Invisible(0xFEFF)));
    assert_eq!(clean(&WORKER_NAME, "张\u{202E}三"), Err(FieldError::Invisible(0x202E)));
    assert_eq!(clean(&WORKER_NAME, "W\u{430}ng"), Err(FieldError::NotAllowed(0x430)));
    assert_eq!(clean(&WORKER_NAME, "张三@"), Err(FieldError::NotAllowed('@' as u32)));
    assert_eq!(clean(&WORKER_NAME, "张三😀"), Err(FieldError::NotAllowed(0x1F600)));
    // Worker names hold no digits, full-width or not; staff names may hold ASCII ones.
    assert_eq!(clean(&WORKER_NAME, "张三１"), Err(FieldError::NotAllowed('1' as u32)));
    assert_eq!(clean(&WORKER_NAME, "---"), Err(FieldError::NoLetter));
    assert_eq!(clean(&STAFF_NAME, "\u{3164}"), Err(FieldError::Invisible(0x3164)));
}

#[test]
fn control_bytes_and_length() {
    assert_eq!(clean(&TICKET_NOTE, "ok\u{1b}[2J"), Err(FieldError::Control(0x1b)));
    assert_eq!(clean(&TICKET_NOTE, "a\u{85}b").unwrap(), "a b");
    assert_eq!(clean(&TICKET_NOTE, "").unwrap(), "");
    assert_eq!(clean(&DENY_REASON, "   "), Err(FieldError::Empty));
    assert_eq!(
        clean(&TICKET_NOTE, &"x".repeat(61)),
        Err(FieldError::TooLong { max: 60, got: 61 })
    );
    assert!(matches!(
        clean(&TICKET_NOTE, &"x".repeat(100_000)),
        Err(FieldError::TooLong { max: 60, .. })
    ));
    assert_eq!(clean(&HANDOVER_NOTES, "第一行\n第二行").unwrap(), "第一行 第二行");
    assert_eq!(clean(&COMPOUND_NAME, "翠湖花园（二期）").unwrap(), "翠湖花园（二期）");
    assert_eq!(clean(&CONTRACTOR, "安居装饰 & Co.").unwrap(), "安居装饰 & Co.");
    assert_eq!(clean(&HOTLINE, "400-820-5678 转 2").unwrap(), "400-820-5678 转 2");
    assert_eq!(clean(&HOTLINE, "call us"), Err(FieldError::NotAllowed('c' as u32)));
    assert_eq!(clean(&TICKET_NOTE, "\u{E000}"), Err(FieldError::NotAllowed(0xE000)));
}

#[test]
fn surnames() {
    for ok in ["王", "欧阳", "Smith", "O'Brien", "van der Berg"] {
        assert_eq!(clean(&SURNAME, ok).unwrap(), ok);
    }
    assert_eq!(clean(&SURNAME, "ＳＭＩＴＨ").unwrap(), "SMITH");
    for bad in ["", "王王王王王", "R2-D2", "王\u{200B}", "Wаng", "王s"] {
        assert!(clean(&SURNAME, bad).is_err(), "{bad:?}");
    }
}

#[test]
fn id_numbers_follow_gb_11643() {
    assert_eq!(id_check_char("11010519491231002"), Some('X'));
    assert_eq!(id_check_char("44030119900101123"), Some('4'));
    assert_eq!(parse_id_number("11010519491231002x").unwrap(), "11010519491231002X");
    assert_eq!(parse_id_number(" 440301 19900101 1234 ").unwrap(), "440301199001011234");
    assert_eq!(
        parse_id_number("４４０３０１１９９００１０１１２３４").unwrap(),
        "440301199001011234"
    );
    assert_eq!(parse_id_number("440301199001011235"), Err(FieldError::IdCheckDigit));
    assert_eq!(parse_id_number("44030119900101123A"), Err(FieldError::IdFormat));
    assert_eq!(parse_id_number("4403011990010112"), Err(FieldError::IdFormat));
    assert_eq!(parse_id_number(&"1".repeat(100_000)), Err(FieldError::IdFormat));
    assert_eq!(parse_id_number("440301199002301234"), Err(FieldError::IdBirthDate));
}

#[test]
fn escapes_and_previews_never_pass_control_codes() {
    assert_eq!(escape_invisible("plain 王"), "plain 王");
    assert_eq!(escape_invisible("a\u{1b}[31mb"), "a\\x1b[31mb");
    assert_eq!(escape_invisible("x\u{202E}y\u{200B}"), "x\\u{202e}y\\u{200b}");
    assert_eq!(escape_invisible("a\\x1b"), "a\\\\x1b");
    let long = preview(&"长".repeat(100_000));
    assert!(long.chars().count() < 40, "{long}");
    assert!(long.ends_with("…(+99976)"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever comes in, what comes out is within the rule, has no control, invisible
    /// or direction character, is NFC, and cleaning it again changes nothing.
    #[test]
    fn cleaned_values_keep_their_rule(text in "\\PC{0,40}|[\\x00-\\x20\u{200B}\u{202E}\u{FF10}-\u{FF19}王a ]{0,30}|.{0,80}") {
        for rule in [SURNAME, WORKER_NAME, STAFF_NAME, TICKET_NOTE, DENY_REASON, HANDOVER_NOTES, COMPOUND_NAME, HOTLINE] {
            if let Ok(out) = clean(&rule, &text) {
                prop_assert!(out.chars().count() <= rule.max_chars);
                prop_assert!(!rule.required || !out.is_empty());
                prop_assert!(!out.chars().any(|c| c.is_control() || is_invisible(c) || is_bidi_control(c)));
                prop_assert!(!out.chars().any(|c| matches!(c, '０'..='９')));
                prop_assert_eq!(out.nfc().collect::<String>(), out.clone());
                prop_assert_eq!(clean(&rule, &out), Ok(out.clone()));
                prop_assert_eq!(out.trim(), out.as_str());
            }
        }
    }

    #[test]
    fn escaped_text_has_no_control_characters(text in ".{0,60}|[\\x00-\\x1f\\x7f-\\x9f\u{202E}\u{200B}\\\\a]{0,30}") {
        let out = escape_invisible(&text);
        prop_assert!(!out.chars().any(|c| c.is_control() || is_invisible(c) || is_bidi_control(c)));
        let p = preview(&text);
        prop_assert!(p.chars().count() <= 24 * 12 + 12);
    }

    #[test]
    fn id_check_digit_catches_every_single_digit_change(body in "[1-6][0-9]{5}19[5-9][0-9]0[1-9]1[0-9][0-9]{3}", pos in 0usize..17, delta in 1u8..10) {
        let id = format!("{body}{}", id_check_char(&body).unwrap());
        prop_assert_eq!(parse_id_number(&id), Ok(id.clone()));
        let mut bytes = id.clone().into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(parse_id_number(&changed).is_err());
    }
}
