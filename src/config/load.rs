//! Finding, reading and checking the configuration file, with errors that name the key
//! and the line.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{Config, EMBEDDED_DEFAULT};

/// Where the configuration in force came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// `--config FILE`, or `kiosk-config/kiosk.toml` in the working directory.
    File(PathBuf),
    /// The default compiled into the binary.
    Embedded,
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::File(path) => write!(f, "{}", path.display()),
            ConfigSource::Embedded => f.write_str("<built-in kiosk.toml>"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub source: ConfigSource,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{source_name}, line {line}{}: {message}", key.as_ref().map(|k| format!(", key `{k}`")).unwrap_or_default())]
    Syntax {
        source_name: String,
        line: usize,
        key: Option<String>,
        message: String,
    },
    #[error("{source_name}{}, key `{key}`: {reason}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Invalid {
        source_name: String,
        key: String,
        line: Option<usize>,
        reason: String,
    },
}

impl ConfigError {
    /// The line the error points at, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ConfigError::Read { .. } => None,
            ConfigError::Syntax { line, .. } => Some(*line),
            ConfigError::Invalid { line, .. } => *line,
        }
    }

    /// The dotted key the error is about, when known.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::Read { .. } => None,
            ConfigError::Syntax { key, .. } => key.as_deref(),
            ConfigError::Invalid { key, .. } => Some(key),
        }
    }
}

/// The file used when no `--config` is given: `kiosk-config/kiosk.toml` under the
/// working directory if it exists, else the embedded default.
pub fn default_location() -> Option<PathBuf> {
    let path = PathBuf::from("kiosk-config/kiosk.toml");
    path.is_file().then_some(path)
}

impl LoadedConfig {
    /// Loads `explicit` if given, else the default location, else the embedded default.
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        match explicit.map(Path::to_path_buf).or_else(default_location) {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                Self::from_text(&text, ConfigSource::File(path))
            }
            None => Self::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded),
        }
    }

    /// Parses and validates configuration text.
    pub fn from_text(text: &str, source: ConfigSource) -> Result<Self, ConfigError> {
        let source_name = source.to_string();
        let config: Config = toml::from_str(text).map_err(|err| {
            let (line, key) = match err.span() {
                Some(span) => (line_of(text, span.start), key_at(text, span.start)),
                None => (1, None),
            };
            ConfigError::Syntax {
                source_name: source_name.clone(),
                line,
                key,
                message: short(err.message()),
            }
        })?;
        config.validate().map_err(|invalid| ConfigError::Invalid {
            line: line_of_key(text, invalid.key),
            source_name,
            key: invalid.key.to_string(),
            reason: invalid.reason,
        })?;
        Ok(Self { config, source })
    }
}

/// A parser's message as the technician sees it: escaped, and cut short where it quotes
/// a huge value back.
fn short(message: &str) -> String {
    const MAX: usize = 300;
    let escaped = crate::domain::field::escape_invisible(message);
    if escaped.chars().count() > MAX {
        let head: String = escaped.chars().take(MAX).collect();
        format!("{head}…")
    } else {
        escaped.into_owned()
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The dotted key written on the line holding `offset`, with its `[table]` prefix.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let line_no = line_of(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let line = lines.get(line_no - 1)?.trim();
    let key = line.split('=').next()?.trim();
    if key.is_empty() || key.starts_with('[') || line.starts_with('#') || !line.contains('=') {
        return None;
    }
    let table = lines[..line_no - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_string(),
    })
}

/// 1-based line on which a dotted key such as `kiosk.idle_timeout_secs` is written.
fn line_of_key(text: &str, dotted: &str) -> Option<usize> {
    let (table, key) = match dotted.rsplit_once('.') {
        Some((t, k)) => (Some(t), k),
        None => (None, dotted),
    };
    let mut current: Option<String> = None;
    // A key that is missing (left to its default) is reported at its table's header.
    let mut table_line = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') && line.ends_with(']') {
            current = Some(line.trim_matches(|c| c == '[' || c == ']').trim().to_string());
            if current.as_deref() == table {
                table_line = Some(i + 1);
            }
            continue;
        }
        let Some((k, _)) = line.split_once('=') else { continue };
        if k.trim() == key && current.as_deref() == table {
            return Some(i + 1);
        }
    }
    table_line
}
