use super::*;

fn parse(text: &str) -> Result<LoadedConfig, ConfigError> {
    LoadedConfig::from_text(text, ConfigSource::File("kiosk.toml".into()))
}

#[test]
fn embedded_default_is_valid_and_chinese_first() {
    let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
    assert_eq!(loaded.config.language, Lang::Zh);
    assert_eq!(loaded.config.tz(), chrono_tz::Asia::Shanghai);
    assert_eq!(loaded.config.kiosk.idle_timeout_secs, 120);
    assert_eq!(loaded.config.printer.driver, PrinterDriverKind::Virtual);
    assert!(loaded.config.compound.seed_sample_residents);
}

#[test]
fn the_shipped_file_is_the_embedded_default() {
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/kiosk-config/kiosk.toml")).unwrap();
    assert_eq!(on_disk, EMBEDDED_DEFAULT);
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let text = EMBEDDED_DEFAULT.replace("[kiosk]\n", "[kiosk]\nidle_timout_secs = 5\n");
    let err = parse(&text).unwrap_err();
    let expected_line = text.lines().position(|l| l.starts_with("idle_timout_secs")).unwrap() + 1;
    assert_eq!(err.line(), Some(expected_line));
    assert_eq!(err.key(), Some("kiosk.idle_timout_secs"));
    assert!(err.to_string().contains("unknown field"), "{err}");
}

#[test]
fn wrong_type_is_named_with_its_line() {
    let text = EMBEDDED_DEFAULT.replace("idle_timeout_secs = 120", "idle_timeout_secs = \"two minutes\"");
    let err = parse(&text).unwrap_err();
    let expected_line = text.lines().position(|l| l.starts_with("idle_timeout_secs")).unwrap() + 1;
    assert_eq!(err.line(), Some(expected_line));
    assert_eq!(err.key(), Some("kiosk.idle_timeout_secs"));
}

#[test]
fn impossible_values_are_refused_with_key_and_line() {
    let text = EMBEDDED_DEFAULT.replace("idle_warning_secs = 10", "idle_warning_secs = 500");
    let err = parse(&text).unwrap_err();
    assert_eq!(err.key(), Some("kiosk.idle_warning_secs"));
    let expected_line = text.lines().position(|l| l.starts_with("idle_warning_secs")).unwrap() + 1;
    assert_eq!(err.line(), Some(expected_line));

    let text = EMBEDDED_DEFAULT.replace("time_zone = \"Asia/Shanghai\"", "time_zone = \"Mars/Olympus\"");
    assert_eq!(parse(&text).unwrap_err().key(), Some("time_zone"));

    let text = EMBEDDED_DEFAULT.replace("#1F6B52", "green");
    assert_eq!(parse(&text).unwrap_err().key(), Some("branding.primary_color"));

    // A pale brand colour would leave the white text on its buttons unreadable.
    let text = EMBEDDED_DEFAULT.replace("#1F6B52", "#7FC8A9");
    let err = parse(&text).unwrap_err();
    assert_eq!(err.key(), Some("branding.primary_color"));
    assert!(err.to_string().contains("4.5:1"), "{err}");
    let text = EMBEDDED_DEFAULT.replace("#1F6B52", "#0B3D91");
    assert!(parse(&text).is_ok(), "a dark brand colour is fine");

    let text = EMBEDDED_DEFAULT.replace("unit_format = \"B-U-R\"", "unit_format = \"X-Y\"");
    assert_eq!(parse(&text).unwrap_err().key(), Some("compound.unit_format"));
}

#[test]
fn broken_toml_reports_a_line_not_a_panic() {
    let err = parse("language = \"zh-CN\"\n[compound\nname = 1").unwrap_err();
    assert_eq!(err.line(), Some(2));
}

#[test]
fn hex_colours() {
    assert_eq!(parse_hex_color("#1F6B52"), Some((0x1f, 0x6b, 0x52)));
    assert_eq!(parse_hex_color("1F6B52"), None);
    assert_eq!(parse_hex_color("#1F6B5"), None);
    assert_eq!(parse_hex_color("#ÿÿÿ"), None);
}

#[test]
fn impossible_renovation_hours_are_named_with_key_and_line() {
    let text = EMBEDDED_DEFAULT.replace(
        "weekday = [\"08:00-12:00\", \"14:00-18:00\"]",
        "weekday = [\"12:00-08:00\"]",
    );
    let err = parse(&text).unwrap_err();
    let expected_line = text.lines().position(|l| l.starts_with("weekday = [\"12:00")).unwrap() + 1;
    assert_eq!(err.key(), Some("renovation.weekday"));
    assert_eq!(err.line(), Some(expected_line));
    assert!(err.to_string().contains("ends before it starts"), "{err}");
    let overlapping = EMBEDDED_DEFAULT.replace("\"14:00-18:00\"]", "\"11:00-18:00\"]");
    assert_eq!(parse(&overlapping).unwrap_err().key(), Some("renovation.weekday"));
}

#[test]
fn later_sections_are_checked_too() {
    let cases = [
        ("valid_hours = 0", "valid_hours = 100", "visitor.valid_hours"),
        (
            "approval_wait_secs = 300",
            "approval_wait_secs = 5",
            "visitor.approval_wait_secs",
        ),
        ("url = \"\"", "url = \"ftp://desk\"", "notify.url"),
        (
            "visit_retention_days = 180",
            "visit_retention_days = 0",
            "privacy.visit_retention_days",
        ),
        ("driver = \"virtual\"", "driver = \"network\"", "printer.address"),
        (
            "pass_retention_days = 365",
            "pass_retention_days = 0",
            "privacy.pass_retention_days",
        ),
        (
            "ticket_retention_days = 730",
            "ticket_retention_days = 4000",
            "privacy.ticket_retention_days",
        ),
        ("time = \"03:00\"", "time = \"3am\"", "backup.time"),
        ("time = \"03:00\"", "time = \"24:00\"", "backup.time"),
        ("keep = 7", "keep = 0", "backup.keep"),
    ];
    for (from, to, key) in cases {
        let text = EMBEDDED_DEFAULT.replace(from, to);
        assert_ne!(text, EMBEDDED_DEFAULT, "{from}");
        let err = parse(&text).unwrap_err();
        assert_eq!(err.key(), Some(key), "{err}");
        assert!(err.line().is_some(), "{err}");
    }
}

#[test]
fn the_daily_report_time_is_a_clock_time_or_empty() {
    let on = EMBEDDED_DEFAULT.replace("daily_report_time = \"\"", "daily_report_time = \"21:00\"");
    assert_ne!(on, EMBEDDED_DEFAULT);
    let at = parse(&on).unwrap().config.staff.daily_report_at();
    assert_eq!(at, chrono::NaiveTime::from_hms_opt(21, 0, 0));
    assert_eq!(parse(EMBEDDED_DEFAULT).unwrap().config.staff.daily_report_at(), None);
    for bad in ["25:00", "9pm", "21:00:00"] {
        let text = EMBEDDED_DEFAULT.replace("daily_report_time = \"\"", &format!("daily_report_time = \"{bad}\""));
        let err = parse(&text).unwrap_err();
        assert_eq!(err.key(), Some("staff.daily_report_time"), "{err}");
        let line = text.lines().position(|l| l.starts_with("daily_report_time")).unwrap() + 1;
        assert_eq!(err.line(), Some(line), "{err}");
    }
}

#[test]
fn a_robot_secret_is_for_signed_robots_only_and_never_shows_in_debug_output() {
    let wecom = EMBEDDED_DEFAULT.replace("secret = \"\"", "secret = \"SECabc123\"");
    assert_eq!(parse(&wecom).unwrap_err().key(), Some("notify.secret"));
    let dingtalk = wecom.replace("format = \"wecom\"", "format = \"dingtalk\"");
    let config = parse(&dingtalk).unwrap();
    assert!(
        !format!("{config:?}").contains("SECabc123"),
        "the secret stays out of any log"
    );
    let pasted_with_a_break = dingtalk.replace("SECabc123", "SECabc\\n123");
    assert_eq!(parse(&pasted_with_a_break).unwrap_err().key(), Some("notify.secret"));
}

#[test]
fn hostile_compound_texts_are_refused_naming_the_key_without_echoing_them() {
    let long = "翠".repeat(50_000);
    for (from, to, key) in [
        ("name = \"翠湖花园\"", format!("name = \"{long}\""), "compound.name"),
        (
            "name = \"翠湖花园\"",
            "name = \"翠湖\\u001b[2J花园\"".to_string(),
            "compound.name",
        ),
        (
            "name = \"翠湖花园\"",
            "name = \"翠湖\\u202e花园\"".to_string(),
            "compound.name",
        ),
        (
            "name = \"翠湖花园\"",
            "name = \"翠湖\\u200b花园\"".to_string(),
            "compound.name",
        ),
        (
            "hotline = \"400-820-5678\"",
            "hotline = \"400\\u0007820\"".to_string(),
            "compound.hotline",
        ),
    ] {
        let text = EMBEDDED_DEFAULT.replacen(from, &to, 1);
        assert_ne!(text, EMBEDDED_DEFAULT, "{from} is in the default file");
        let err = parse(&text).unwrap_err();
        assert_eq!(err.key(), Some(key), "{err}");
        let shown = err.to_string();
        assert!(shown.len() < 400, "the error echoes the value: {} bytes", shown.len());
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
    }
}

#[test]
fn a_missing_logo_is_refused_at_load() {
    let text = EMBEDDED_DEFAULT.replace("logo = \"\"", "logo = \"/nonexistent/logo.png\"");
    let err = parse(&text).unwrap_err();
    assert_eq!(err.key(), Some("branding.logo"));
    assert!(err.to_string().contains("is not there"), "{err}");
    let expected_line = text.lines().position(|l| l.starts_with("logo =")).unwrap() + 1;
    assert_eq!(err.line(), Some(expected_line));

    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, b"\x89PNG").unwrap();
    let text = EMBEDDED_DEFAULT.replace("logo = \"\"", &format!("logo = {:?}", logo.display().to_string()));
    assert!(parse(&text).is_ok());
    let text = EMBEDDED_DEFAULT.replace("logo = \"\"", "logo = \"/etc/passwd\"");
    assert_eq!(parse(&text).unwrap_err().key(), Some("branding.logo"));
}
