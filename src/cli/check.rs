//! `lobby-kiosk check`: is the configuration valid and the database healthy?

use std::path::Path;

use clap::Args;
use serde::Serialize;

use super::{label, print_json, say, Outcome};
use crate::app::DB_FILE;
use crate::config::LoadedConfig;
use crate::data_folder::{self, AsideCopy, Exposed};
use crate::journeys::health::{self, Health};

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    healthy: bool,
    /// The database is damaged (or missing from a used folder): exit 3.
    damaged: bool,
    config: String,
    data_dir: String,
    database: Option<Health>,
    problems: Vec<String>,
    /// Data files and folders others can read, each with the command that fixes it.
    exposed: Vec<Exposed>,
    /// Damaged databases moved aside and databases replaced by `restore`, kept until
    /// `privacy.copy_retention_days` has passed.
    kept_copies: Vec<AsideCopy>,
    /// The central database, when a `[fleet]` table is set: reached, and the role's rights.
    #[serde(skip_serializing_if = "Option::is_none")]
    fleet: Option<FleetLine>,
}

#[derive(Serialize)]
struct FleetLine {
    /// The URL without its password, and the TLS mode.
    server: String,
    ok: bool,
}

pub fn run(loaded: LoadedConfig, data_dir: Option<&Path>, args: &CheckArgs) -> Outcome {
    let lang = loaded.config.language;
    let dir = data_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| loaded.config.data_dir.clone());
    let db = dir.join(DB_FILE);
    let mut problems = Vec::new();
    let damaged;
    // A used folder with no database: never create an empty one here (the kiosk's next
    // start restores the newest backup instead).
    let missing = data_folder::used_evidence(&dir).and_then(|evidence| {
        data_folder::blank_database(&db).map(|why| format!("{why} although the data folder has been used ({evidence})"))
    });
    let database = match missing {
        Some(why) => {
            damaged = true;
            problems.push(format!(
                "{why}; {}",
                say(
                    lang,
                    "终端下次启动时会自动恢复最新的完好备份，或用 `lobby-kiosk restore FILE` 恢复",
                    "the kiosk restores the newest good backup at its next start, or run `lobby-kiosk restore FILE`"
                )
            ));
            None
        }
        // A storage that refuses writes is checked read-only, and named (磁盘已满 / 存储为只读).
        None => match health::of_database(&dir, &db) {
            Ok((health, read_only)) => {
                if let Some(trouble) = read_only {
                    problems.push(trouble.reading_only(lang, &dir));
                }
                damaged = health.quick_check != "ok";
                problems.extend(health.problems());
                Some(health)
            }
            Err(err) => {
                damaged = err.damaged;
                problems.push(match err.trouble {
                    Some(trouble) => trouble.cannot_open(lang, &dir),
                    None => err.to_string(),
                });
                None
            }
        },
    };
    let exposed = data_folder::exposed_files(&dir);
    for file in &exposed {
        problems.push(format!(
            "{} {} (mode {}){}{}",
            say(lang, "其他用户可以读取", "others can read"),
            file.path.display(),
            file.mode,
            label(lang, "；请执行", "; fix it with"),
            file.fix
        ));
    }
    let fleet = loaded.config.fleet.as_ref().map(|settings| {
        let found = crate::fleet::check::check(settings);
        if let Err(why) = &found {
            problems.push(format!("{}{why}", label(lang, "中心数据库", "central database")));
        }
        FleetLine {
            server: settings.describe(),
            ok: found.is_ok(),
        }
    });
    let report = Report {
        fleet,
        healthy: problems.is_empty(),
        damaged,
        config: loaded.source.to_string(),
        data_dir: dir.display().to_string(),
        database,
        problems,
        exposed,
        kept_copies: data_folder::aside_copies(&db),
    };
    if args.json {
        print_json(&report);
    } else {
        outln!("{}{}", label(lang, "配置", "Configuration"), report.config);
        outln!("{}{}", label(lang, "数据目录", "Data folder"), report.data_dir);
        if let Some(db) = &report.database {
            outln!(
                "{}SQLite {}, journal_mode={}, synchronous={}, foreign_keys={}, schema {}/{}, quick_check={}",
                label(lang, "数据库", "Database"),
                db.sqlite_version,
                db.journal_mode,
                db.synchronous,
                db.foreign_keys,
                db.schema_version,
                db.schema_latest,
                db.quick_check
            );
        }
        if let Some(fleet) = &report.fleet {
            outln!(
                "{}{} ({})",
                label(lang, "中心数据库", "Central database"),
                fleet.server,
                if fleet.ok {
                    say(lang, "可连接，权限齐全", "reached, rights in place")
                } else {
                    say(lang, "有问题", "see below")
                }
            );
        }
        for copy in &report.kept_copies {
            outln!(
                "{}{} ({} KB, {})",
                label(lang, "保留的数据库副本", "Kept database copy"),
                copy.path.display(),
                copy.bytes.div_ceil(1024),
                match copy.kind {
                    "damaged" => say(lang, "启动时发现损坏而移开", "moved aside as damaged at start-up"),
                    _ => say(lang, "恢复备份前的原数据库", "the database a restore replaced"),
                }
            );
        }
        for problem in &report.problems {
            outln!("{}{problem}", label(lang, "问题", "Problem"));
        }
        outln!(
            "{}",
            if report.healthy {
                say(lang, "检查通过。", "All checks passed.")
            } else {
                say(lang, "检查未通过。", "Checks failed.")
            }
        );
    }
    if report.damaged {
        Outcome::Damaged
    } else if report.healthy {
        Outcome::Success
    } else {
        Outcome::Negative
    }
}
