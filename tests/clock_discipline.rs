//! Every decision and every stored time goes through the kiosk's clock (`src/clock.rs`),
//! so the suite passes on any date and a rehearsal at another moment sees one time.
//! This scan keeps a wall-clock read from coming back anywhere else in `src/`, unit tests
//! included. `Instant` (durations, time-outs) is fine and is not looked for.

use std::path::{Path, PathBuf};

/// What reads the wall clock: chrono's `now`/`today` on `Utc` or `Local`, the standard
/// library's `SystemTime::now` and `UNIX_EPOCH` arithmetic.
const WALL_CLOCK: &[&str] = &[
    "Utc::now",
    "Local::now",
    "Local::today",
    "Utc::today",
    "SystemTime::now",
    "UNIX_EPOCH.elapsed",
    "offset::Local",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn wall_clock_reads(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let mut found = Vec::new();
    for file in files {
        if file.ends_with("src/clock.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(what) = WALL_CLOCK.iter().find(|w| code.contains(*w)) {
                found.push(format!("{}:{}: {what}", file.display(), n + 1));
            }
        }
    }
    found
}

#[test]
fn nothing_in_src_reads_the_wall_clock_but_the_kiosk_clock() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = wall_clock_reads(&src);
    assert!(
        found.is_empty(),
        "read the time through the kiosk's clock (app.now(), Clock::now) instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_finds_a_wall_clock_read_where_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("journeys")).unwrap();
    std::fs::write(src.join("clock.rs"), "fn wall() { chrono::Utc::now(); }").unwrap();
    std::fs::write(
        src.join("journeys/a.rs"),
        "// Utc::now() in a comment is fine\nfn f() {}",
    )
    .unwrap();
    std::fs::write(
        src.join("journeys/b.rs"),
        "fn g() {\n    let t = std::time::SystemTime::now();\n}",
    )
    .unwrap();
    let found = wall_clock_reads(&src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("b.rs:2: SystemTime::now"), "{found:?}");
}
