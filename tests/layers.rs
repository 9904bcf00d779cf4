//! The one-way layers `src/lib.rs` promises, checked from the source's own paths:
//! screens (`src/ui`) and commands (`src/cli`) reach records only through the journeys,
//! and no two modules import each other, however far round (`crate::…` and `super::…`
//! paths, `use` groups one level deep; unit tests left out).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What reaches the store: its module by name, or the app's connection.
const STORE: &[&str] = &["crate::store", "lobby_kiosk::store", ".store()", "with_store("];

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

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code of a file without comments and without its `#[cfg(test)] mod tests`.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn screens_and_commands_reach_records_only_through_the_journeys() {
    let src = src();
    let mut found = Vec::new();
    for layer in ["ui", "cli"] {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        for file in files {
            let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            let code = code_of(&std::fs::read_to_string(&file).unwrap());
            found.extend(code.lines().enumerate().filter_map(|(n, line)| {
                STORE
                    .iter()
                    .find(|s| line.contains(*s))
                    .map(|s| format!("src/{rel}:{}: {s}", n + 1))
            }));
        }
    }
    assert!(
        found.is_empty(),
        "screens and commands go through src/journeys (journeys::lookup for reads):\n{}",
        found.join("\n")
    );
}

/// Module path of a file under `src/` (`ui/shell.rs` → `ui::shell`, `ui/mod.rs` → `ui`).
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.last_mut() {
        *last = last.trim_end_matches(".rs").to_string();
    }
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts.join("::")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The module paths a file's code names: `crate::a::b::C`, `super::x`, and each item of
/// a `use crate::a::{b, c::d}` group, resolved to the longest known module.
fn edges(module: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let resolve = |segs: &[String]| -> Option<String> {
        (1..=segs.len())
            .rev()
            .map(|k| segs[..k].join("::"))
            .find(|m| known.contains(m))
    };
    // `super` of `a::b` (a/b.rs) is `a`; of `a` (a/mod.rs) it is the crate root.
    let mut parent: Vec<String> = module.split("::").filter(|s| !s.is_empty()).map(String::from).collect();
    parent.pop();
    let mut out = BTreeSet::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts = |word: &str| {
            let w: Vec<char> = word.chars().collect();
            chars[i..].starts_with(&w) && (i == 0 || !is_ident(chars[i - 1]))
        };
        let (base, skip) = if starts("crate::") {
            (Vec::new(), 7)
        } else if starts("super::") {
            (parent.clone(), 7)
        } else {
            i += 1;
            continue;
        };
        i += skip;
        let mut segs = base;
        let mut seg = String::new();
        let mut group = None;
        if chars.get(i) == Some(&'{') {
            let end = chars[i..].iter().position(|&c| c == '}').map_or(chars.len(), |p| i + p);
            group = Some(chars[i + 1..end].iter().collect::<String>());
            i = end;
        }
        while group.is_none() && i < chars.len() {
            let c = chars[i];
            if is_ident(c) {
                seg.push(c);
                i += 1;
            } else if c == ':' && chars.get(i + 1) == Some(&':') {
                segs.push(std::mem::take(&mut seg));
                i += 2;
                if chars.get(i) == Some(&'{') {
                    let end = chars[i..].iter().position(|&c| c == '}').map_or(chars.len(), |p| i + p);
                    group = Some(chars[i + 1..end].iter().collect::<String>());
                    i = end;
                    break;
                }
            } else {
                break;
            }
        }
        if !seg.is_empty() {
            segs.push(seg);
        }
        let tails: Vec<Vec<String>> = match group {
            Some(g) => g
                .split(',')
                .map(|t| {
                    t.trim()
                        .split("::")
                        .filter(|s| !s.is_empty() && *s != "self")
                        .map(String::from)
                        .collect()
                })
                .collect(),
            None => vec![Vec::new()],
        };
        for tail in tails {
            let full: Vec<String> = segs.iter().cloned().chain(tail).collect();
            if let Some(target) = resolve(&full) {
                // A module naming its own descendants declares them; that is not a way up.
                if target != module && !target.starts_with(&format!("{module}::")) {
                    out.insert(target);
                }
            }
        }
    }
    out
}

/// Every circle of imports among `files` (module path, code), each as
/// its modules in order; empty when the imports only go one way.
fn circles(files: &[(String, String)]) -> Vec<Vec<String>> {
    let known: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(m, code)| (m.clone(), edges(m, code, &known)))
        .collect();
    // Depth-first search; a back edge closes a circle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(at) = path.iter().position(|p| p == node) {
            found.push(path[at..].to_vec());
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

#[test]
fn no_two_modules_import_each_other() {
    let src = src();
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let files: Vec<(String, String)> = paths
        .iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !(name.ends_with("_tests.rs") || name == "tests.rs")
        })
        .map(|p| {
            let rel = p.strip_prefix(&src).unwrap();
            (module_of(rel), code_of(&std::fs::read_to_string(p).unwrap()))
        })
        .collect();
    let found = circles(&files);
    assert!(
        found.is_empty(),
        "import circles (move the shared item down into a module both can use):\n{}",
        found.iter().map(|c| c.join(" → ")).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_circle_finder_sees_a_circle_through_super_and_through_a_use_group() {
    let file = |m: &str, code: &str| (m.to_string(), code.to_string());
    let files = [
        file("app", "use crate::journeys::{tell, JourneyError};"),
        file("journeys", "pub use crate::housekeeping::BACKUP;"),
        file("housekeeping", "fn f() { crate::app::App::new(); }"),
        file("ui::a", "use super::b::Mode;"),
        file("ui::b", "use super::{a::Draft, Other};"),
        file("ui::c", "use super::a::Draft;"),
        file("ui", ""),
    ];
    let mut found: Vec<BTreeSet<String>> = circles(&files).into_iter().map(|c| c.into_iter().collect()).collect();
    found.sort();
    let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        found,
        [set(&["app", "housekeeping", "journeys"]), set(&["ui::a", "ui::b"])]
    );
}
