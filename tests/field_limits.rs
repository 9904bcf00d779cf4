//! Every text field on the kiosk is length-limited: each on-screen keypad field and
//! keyboard entry in the pages states its own `max-length`, within what the store and the
//! domain rules accept, so no one can type (or lean on a key) past what a record holds.

use std::path::Path;

/// The longest any on-screen field may be: a ticket's note, the longest text a record keeps.
const LONGEST: usize = 200;

/// (file, line, the field's `max-length`) for each `TextEntry` / `KeypadField` use.
fn fields() -> Vec<(String, usize, Option<usize>)> {
    let mut found = Vec::new();
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/pages");
    let mut files: Vec<_> = std::fs::read_dir(&pages).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "slint"))
    {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.contains("TextEntry {") || line.contains("KeypadField {")) || line.trim_start().starts_with("//")
            {
                continue;
            }
            // The element's own block: up to the closing brace at its indentation.
            let indent = line.len() - line.trim_start().len();
            let mut limit = None;
            for next in &lines[i + 1..] {
                let trimmed = next.trim_start();
                let depth = next.len() - trimmed.len();
                if trimmed.starts_with('}') && depth <= indent {
                    break;
                }
                if let Some(rest) = trimmed.strip_prefix("max-length:") {
                    limit = rest.trim().trim_end_matches(';').parse().ok();
                }
            }
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            found.push((name, i + 1, limit));
        }
    }
    found
}

#[test]
fn every_on_screen_field_states_a_sensible_length_limit() {
    let fields = fields();
    assert!(fields.len() >= 15, "the pages' fields were found: {fields:?}");
    for (file, line, limit) in fields {
        let limit = limit.unwrap_or_else(|| panic!("{file}:{line}: a text field without its own max-length"));
        assert!(
            (1..=LONGEST).contains(&limit),
            "{file}:{line}: max-length {limit} is outside 1..={LONGEST}"
        );
    }
}

#[test]
fn the_field_components_enforce_their_limit() {
    let components = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/components");
    for (file, guard) in [
        ("keypad-field.slint", "character-count < root.max-length"),
        ("text-entry.slint", "character-count <= root.max-length"),
    ] {
        let text = std::fs::read_to_string(components.join(file)).unwrap();
        assert!(
            text.contains(guard),
            "{file} no longer checks its max-length before adding a key"
        );
    }
}
