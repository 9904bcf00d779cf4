//! `lobby-kiosk check`: is the configuration valid and the database healthy?

use std::path::Path;

use clap::Args;
use serde::Serialize;

use super::{print_json, say, Outcome};
use crate::app::DB_FILE;
use crate::config::LoadedConfig;
use crate::store::trouble::{self, Trouble};
use crate::store::{Health, Store};

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    healthy: bool,
    config: String,
    data_dir: String,
    database: Option<Health>,
    problems: Vec<String>,
}

pub fn run(loaded: LoadedConfig, data_dir: Option<&Path>, args: &CheckArgs) -> Outcome {
    let lang = loaded.config.language;
    let dir = data_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| loaded.config.data_dir.clone());
    let mut problems = Vec::new();
    // A storage that refuses writes is checked read-only, and named (磁盘已满 / 存储为只读).
    let opened = Store::open_or_read_only(&dir.join(DB_FILE)).and_then(|(s, refused)| Ok((s.health()?, refused)));
    let database = match opened {
        Ok((health, refused)) => {
            if let Some(refused) = refused {
                let trouble = trouble::cause(&dir, &refused).unwrap_or(Trouble::Failing);
                problems.push(trouble.reading_only(lang, &dir));
            }
            problems.extend(health.problems());
            Some(health)
        }
        Err(err) => {
            problems.push(match trouble::cause(&dir, &err) {
                Some(trouble) => trouble.cannot_open(lang, &dir),
                None => err.to_string(),
            });
            None
        }
    };
    let report = Report {
        healthy: problems.is_empty(),
        config: loaded.source.to_string(),
        data_dir: dir.display().to_string(),
        database,
        problems,
    };
    if args.json {
        print_json(&report);
    } else {
        println!("{}: {}", say(lang, "配置", "Configuration"), report.config);
        println!("{}: {}", say(lang, "数据目录", "Data folder"), report.data_dir);
        if let Some(db) = &report.database {
            println!(
                "{}: SQLite {}, journal_mode={}, synchronous={}, foreign_keys={}, schema {}/{}, quick_check={}",
                say(lang, "数据库", "Database"),
                db.sqlite_version,
                db.journal_mode,
                db.synchronous,
                db.foreign_keys,
                db.schema_version,
                db.schema_latest,
                db.quick_check
            );
        }
        for problem in &report.problems {
            println!("{}: {problem}", say(lang, "问题", "Problem"));
        }
        println!(
            "{}",
            if report.healthy {
                say(lang, "检查通过。", "All checks passed.")
            } else {
                say(lang, "检查未通过。", "Checks failed.")
            }
        );
    }
    if report.healthy {
        Outcome::Success
    } else {
        Outcome::Negative
    }
}
