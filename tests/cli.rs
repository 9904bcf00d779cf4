//! The back-office command line through the real binary: exit codes, JSON, and the
//! polite refusals (0 success, 1 a negative answer, 2 a usage or configuration error).

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run_with_stdin(dir, args, "")
}

/// The binary with `stdin` piped to it (a staff member's PIN for `--by`).
fn run_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn check_is_healthy_on_a_fresh_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--json"]);
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["healthy"], true);
    assert_eq!(report["database"]["journal_mode"], "wal");
}

#[test]
fn a_bad_configuration_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        "language = \"zh-CN\"\ntime_zone = \"Asia/Shanghai\"\nsurprise = 1\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let (code, _, err) = run(&data, &["--config", config.to_str().unwrap(), "check"]);
    assert_eq!(code, 2);
    assert!(err.contains("line 3") && err.contains("surprise"), "{err}");
    assert!(!data.exists(), "nothing is written for a bad configuration");
}

#[test]
fn residents_import_is_all_or_nothing_and_list_is_masked() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "unit,surname,phone\n1-1-101,王,13812345678\n2-1-302,李,13912345678\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["residents", "import", good.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "unit,surname,phone\n3-1-101,赵,13712345678\n3-1,钱,137\n").unwrap();
    let (code, _, err) = run(dir.path(), &["residents", "import", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    // In the configured language (Chinese by default), every problem by its line.
    assert!(
        err.contains("没有导入任何记录") && err.contains("第 3 行") && err.contains("房号“3-1”"),
        "{err}"
    );
    assert!(!err.contains("line 3") && !err.contains("does not match"), "{err}");
    let (code, out, _) = run(dir.path(), &["residents", "list", "--json"]);
    assert_eq!(code, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), 2, "the bad file imported nothing");
    assert_eq!(rows[0]["phone"], "138****5678");
    assert!(!out.contains("13812345678"));
}

#[test]
fn printer_test_files_bytes_and_a_preview() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["printer", "test"]).0, 0);
    let files: Vec<String> = std::fs::read_dir(dir.path().join("printer"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        files.contains(&"000001-test.bin".to_string()) && files.contains(&"000001-test.png".to_string()),
        "{files:?}"
    );
}

#[test]
fn pass_verify_says_why_a_token_is_not_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(dir.path(), &["pass", "verify", "LK1:NOTATOKEN", "--json"]);
    assert_eq!(code, 1);
    let check: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(check["valid"], false);
    assert_eq!(check["reason"], "malformed");
    assert_eq!(run(dir.path(), &["pass", "verify"]).0, 2, "a usage error");
}

#[test]
fn printer_status_is_unknown_not_ok_when_a_network_printer_does_not_answer() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody listens on: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = lobby_kiosk::config::EMBEDDED_DEFAULT.replace(
        "driver = \"virtual\"",
        &format!("driver = \"network\"\naddress = \"127.0.0.1:{port}\""),
    );
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, config).unwrap();
    let (code, out, err) = run(
        dir.path(),
        &["--config", path.to_str().unwrap(), "printer", "status", "--json"],
    );
    assert_eq!(code, 1, "{out}{err}");
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["driver"], "network");
    assert_eq!(status["state"], "unknown");
    assert_eq!(status["printable"], false);
    let (_, out, _) = run(dir.path(), &["printer", "status", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["state"],
        "ready",
        "the virtual printer"
    );
}

#[test]
fn the_print_queue_shows_an_owed_slip_then_retry_and_reprint_send_the_same_bytes() {
    use lobby_kiosk::app::App;
    use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
    use lobby_kiosk::domain::visitor::VisitorType;
    use lobby_kiosk::journeys::visitor::{self, Registered, WalkIn};
    use lobby_kiosk::printing::fake::{FakePrinter, Script, PAPER_OUT, READY};

    let dir = tempfile::tempdir().unwrap();
    let fake = FakePrinter::start(Script::answering(PAPER_OUT));
    let config = EMBEDDED_DEFAULT
        .replace(
            "driver = \"virtual\"",
            &format!("driver = \"network\"\naddress = \"{}\"", fake.addr()),
        )
        .replace("timeout_ms = 1500", "timeout_ms = 500");
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, &config).unwrap();
    {
        let app = App::open(
            LoadedConfig::from_text(&config, ConfigSource::Embedded).unwrap(),
            Some(dir.path()),
        )
        .unwrap();
        lobby_kiosk::journeys::staff::add_staff(
            &app,
            "bootstrap",
            "王芳",
            lobby_kiosk::journeys::staff::Role::Desk,
            "402718",
            chrono::Utc::now(),
        )
        .unwrap()
        .unwrap();
        let walk_in = WalkIn {
            unit: "1-1-101".into(),
            surname: "王".into(),
            phone: "13912345678".into(),
            visitor_type: VisitorType::Courier,
            party_size: 1,
            company: String::new(),
        };
        let Registered::Approved { printed, .. } = visitor::register(&app, &walk_in, chrono::Utc::now()).unwrap()
        else {
            panic!("a courier is let in at once");
        };
        assert!(!printed.printed(), "no paper: the slip is owed");
    }
    let cfg = path.to_str().unwrap();
    let (code, out, err) = run(dir.path(), &["--config", cfg, "printer", "queue", "--failed", "--json"]);
    assert_eq!(code, 0, "{err}");
    let queue: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(queue["summary"]["failed"], 1);
    let job = &queue["jobs"][0];
    assert_eq!(job["record_kind"], "visit");
    assert_eq!(job["state"], "failed");
    assert!(!out.contains("13912345678"), "the queue shows no personal data");
    let job_id = job["id"].as_i64().unwrap().to_string();

    fake.set_script(Script::answering(READY));
    let (code, out, err) = run(dir.path(), &["--config", cfg, "printer", "retry"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(fake.jobs().len(), 1, "the owed slip printed once");
    let (code, _, err) = run(dir.path(), &["--config", cfg, "printer", "retry"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(fake.jobs().len(), 1, "nothing is owed any more");

    let (code, out, err) = run_with_stdin(
        dir.path(),
        &["--config", cfg, "printer", "reprint", &job_id, "--by", "王芳"],
        "402718\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    let jobs = fake.jobs();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0], jobs[1], "a reprint is the same slip");
    let (code, _, err) = run_with_stdin(
        dir.path(),
        &["--config", cfg, "printer", "reprint", "9999", "--by", "王芳"],
        "402718\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("没有这个打印任务"), "{err}");
}
