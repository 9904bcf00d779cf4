//! Every string the screen shows goes through `@tr`, and the English catalogue covers
//! every one of them: a missing or empty English entry fails here, naming the string.

use std::collections::BTreeMap;
use std::path::Path;

/// The string literals inside `@tr("...")` in one `.slint` source.
fn tr_strings(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("@tr(") {
        rest = &rest[at + 4..];
        let Some(open) = rest.find('"') else { break };
        let mut text = String::new();
        let mut chars = rest[open + 1..].char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        text.push(match escaped {
                            'n' => '\n',
                            other => other,
                        });
                    }
                }
                '"' => {
                    end = Some(open + 1 + i);
                    break;
                }
                other => text.push(other),
            }
        }
        out.push(text);
        rest = &rest[end.unwrap_or(rest.len() - 1) + 1..];
    }
    out
}

/// msgid → msgstr from a gettext catalogue (single-line and continued strings).
fn po_entries(po: &str) -> BTreeMap<String, String> {
    fn unquote(s: &str) -> String {
        let inner = s.trim().trim_start_matches('"').trim_end_matches('"');
        inner.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\")
    }
    let mut entries = BTreeMap::new();
    let (mut id, mut text, mut field) = (String::new(), String::new(), 0);
    for line in po.lines().chain(std::iter::once("")) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("msgid ") {
            if field == 2 {
                entries.insert(std::mem::take(&mut id), std::mem::take(&mut text));
            }
            id = unquote(rest);
            field = 1;
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            text = unquote(rest);
            field = 2;
        } else if let Some(rest) = line.strip_prefix("msgstr[") {
            // Plural forms: every form must be filled; the entry keeps the last one,
            // empty if any is.
            let form = unquote(rest.split_once(']').map_or("", |(_, t)| t));
            text = if field == 2 && (text.is_empty() || form.is_empty()) {
                String::new()
            } else {
                form
            };
            field = 2;
        } else if line.starts_with('"') {
            match field {
                1 => id.push_str(&unquote(line)),
                2 => text.push_str(&unquote(line)),
                _ => {}
            }
        } else if line.is_empty() && field == 2 {
            entries.insert(std::mem::take(&mut id), std::mem::take(&mut text));
            field = 0;
        }
    }
    entries.remove("");
    entries
}

fn slint_sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            slint_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "slint") {
            out.push(path);
        }
    }
}

#[test]
fn every_screen_string_has_an_english_translation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let po = std::fs::read_to_string(root.join("translations/en/LC_MESSAGES/lobby-kiosk.po")).unwrap();
    let catalogue = po_entries(&po);
    let mut files = Vec::new();
    slint_sources(&root.join("ui"), &mut files);
    files.sort();
    let mut missing = Vec::new();
    let mut total = 0;
    for file in &files {
        for text in tr_strings(&std::fs::read_to_string(file).unwrap()) {
            total += 1;
            match catalogue.get(&text) {
                Some(en) if !en.trim().is_empty() => {
                    let placeholders = |s: &str| s.matches("{}").count() + s.matches("{0}").count();
                    assert_eq!(
                        placeholders(&text),
                        placeholders(en),
                        "placeholders differ for {text:?}"
                    );
                }
                _ => missing.push(format!("{}: {text:?}", file.strip_prefix(root).unwrap().display())),
            }
        }
    }
    assert!(total > 20, "expected the UI's strings, found {total}");
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "missing English translations:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_visible_string_bypasses_tr() {
    // `text: "..."` with a literal (not @tr, not a property) would show untranslated text.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    slint_sources(&root.join("ui"), &mut files);
    let mut offenders = Vec::new();
    for file in &files {
        for (n, line) in std::fs::read_to_string(file).unwrap().lines().enumerate() {
            let t = line.trim();
            for key in [
                "text:",
                "title:",
                "heading:",
                "body:",
                "subtitle:",
                "label:",
                "accessible-label:",
            ] {
                if let Some(value) = t.strip_prefix(key) {
                    let value = value.trim();
                    // Digits and symbols ("0", "←") need no translation; words do.
                    if value.starts_with('"') && value.chars().any(char::is_alphabetic) {
                        offenders.push(format!("{}:{}: {t}", file.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "untranslated literals:\n{}", offenders.join("\n"));
}

#[test]
fn the_extractor_reads_escapes_and_arguments() {
    assert_eq!(
        tr_strings(r#"text: @tr("a \"b\" {}", x); t: @tr("c");"#),
        vec!["a \"b\" {}", "c"]
    );
    let po = "msgid \"\"\nmsgstr \"h\"\n\nmsgid \"您好\"\nmsgstr \"Hello\"\n\nmsgid \"x\"\nmsgstr \"\"\n\"y\"\n";
    let entries = po_entries(po);
    assert_eq!(entries["您好"], "Hello");
    assert_eq!(entries["x"], "y");
}
