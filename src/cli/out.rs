//! Standard output for every command: one writer that makes each line safe for a
//! terminal and stops quietly when the reader has gone.
//!
//! Records hold text that came from outside (a name, a note, a CSV row). Printed raw, an
//! ESC byte or a right-to-left override in one of them would recolour, clear or reorder
//! the terminal of whoever lists them. Every line goes through [`line`], which writes
//! control, invisible and direction characters as visible `\uXXXX` escapes (the same form
//! JSON uses, so `--json` output stays valid JSON) and keeps only line breaks and tabs.
//! `lobby-kiosk residents list | head -1` closes the pipe early: the command then ends at
//! once with the conventional exit status 141, without a panic message.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io::{self, Write};

use crate::domain::field::{is_bidi_control, is_invisible};

/// The exit status of a command whose reader closed the pipe (128 + SIGPIPE), as a
/// program ended by the signal reports it.
pub const CLOSED_PIPE_EXIT: i32 = 141;

/// Prints one line (formatted like `println!`) through [`line`].
macro_rules! outln {
    () => {
        $crate::cli::out::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::line(format_args!($($arg)*))
    };
}

/// Writes one line to standard output, escaped for the terminal. A closed pipe ends the
/// program quietly; any other write error is said once on standard error.
pub fn line(args: fmt::Arguments<'_>) {
    let text = match args.as_str() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(args.to_string()),
    };
    let safe = for_terminal(&text);
    let mut out = io::stdout().lock();
    let written = out
        .write_all(safe.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(err) = written {
        finish_on_write_error(&err);
    }
}

/// Writes text as it is (no newline), escaped for the terminal: for output that is not
/// made of lines, such as an exported key ring.
pub fn raw(text: &str) {
    let safe = for_terminal(text);
    let mut out = io::stdout().lock();
    if let Err(err) = out.write_all(safe.as_bytes()).and_then(|()| out.flush()) {
        finish_on_write_error(&err);
    }
}

/// A closed pipe ends the program with [`CLOSED_PIPE_EXIT`]; other errors are reported.
pub fn finish_on_write_error(err: &io::Error) {
    if err.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(CLOSED_PIPE_EXIT);
    }
    eprintln!("lobby-kiosk: cannot write the output: {err}");
}

/// Text safe to show on a terminal: line breaks and tabs kept; every other control
/// character (C0, DEL, C1 such as the CSI introducer U+009B), invisible character and
/// direction control written as `\uXXXX` (astral ones as a surrogate pair, as in JSON).
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_invisible(c) || is_bidi_control(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for an error message: escaped for the terminal, each line cut to `max` characters
/// (a usage error quotes the refused value, which may be 100 KB).
pub fn short_lines(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    for line in for_terminal(text).split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if body.chars().count() > max {
            out.extend(body.chars().take(max));
            out.push('…');
        } else {
            out.push_str(body);
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_error_lines_are_cut() {
        let text = format!(
            "error: invalid value '{}' for '--from'\n\nUsage: x\n",
            "9".repeat(100_000)
        );
        let short = short_lines(&text, 50);
        assert!(short.len() < 200, "{short}");
        assert!(short.ends_with("\n\nUsage: x\n"), "{short}");
        assert_eq!(short_lines("a\u{1b}b", 50), "a\\u001bb");
    }

    #[test]
    fn control_and_direction_characters_become_visible() {
        assert_eq!(for_terminal("王 3-2-1201\t在场"), "王 3-2-1201\t在场");
        assert_eq!(for_terminal("a\u{1b}[2Jb"), "a\\u001b[2Jb");
        assert_eq!(
            for_terminal("x\u{9b}31m\u{202E}y\u{200B}"),
            "x\\u009b31m\\u202ey\\u200b"
        );
        assert_eq!(for_terminal("\u{E0041}"), "\\udb40\\udc41");
        assert_eq!(for_terminal("one\ntwo\r"), "one\ntwo\\u000d");
    }

    #[test]
    fn escaped_json_is_still_json_with_the_same_text() {
        let value = serde_json::json!({ "note": "a\u{7f}\u{9b}\u{202E}b\u{E0041}" });
        let text = serde_json::to_string(&value).unwrap();
        let safe = for_terminal(&text);
        assert!(!safe.chars().any(|c| c.is_control() || is_bidi_control(c)));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }
}
