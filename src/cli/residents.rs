//! `lobby-kiosk residents import|list`: the private resident directory.

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::{label, print_json, say, Outcome};
use crate::app::App;
use crate::domain::mask::mask_phone;
use crate::journeys::resident_directory::{self, DirectoryError, ImportError};

#[derive(Debug, Subcommand)]
pub enum ResidentsCommand {
    /// Replace the directory with a CSV file (`unit,surname,phone`); a bad row rejects the whole file.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Show the directory (phone numbers masked).
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Row {
    unit: String,
    surname: String,
    phone: String,
}

pub fn run(app: &App, cmd: ResidentsCommand) -> Outcome {
    let lang = app.config.language;
    match cmd {
        ResidentsCommand::Import { file, json } => {
            let text = match std::fs::read(&file) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(_) => {
                        eprintln!(
                            "{}",
                            say(
                                lang,
                                "文件不是 UTF-8 编码，请另存为 UTF-8 CSV 后再导入。",
                                "The file is not UTF-8; save it as UTF-8 CSV and import again."
                            )
                        );
                        return Outcome::Negative;
                    }
                },
                Err(err) => {
                    eprintln!("{} {}: {err}", say(lang, "无法读取", "Cannot read"), file.display());
                    return Outcome::Usage;
                }
            };
            match resident_directory::import_csv(app, &text) {
                Err(ImportError::File(err)) => {
                    report_import_error(lang, &err, json);
                    Outcome::Negative
                }
                Ok(count) => {
                    let summary = crate::journeys::lookup::resident_summary(app).ok();
                    if json {
                        print_json(&serde_json::json!({ "imported": count, "summary": summary }));
                    } else {
                        let units = summary.map_or(0, |s| s.units);
                        outln!(
                            "{}",
                            lang.pick(
                                &format!("已导入 {count} 位住户，共 {units} 户。"),
                                &format!("Imported {count} residents in {units} units.")
                            )
                        );
                    }
                    Outcome::Success
                }
                Err(ImportError::Store(err)) => {
                    eprintln!(
                        "{}{err}",
                        label(
                            lang,
                            "导入失败，原有名录保持不变",
                            "Import failed; the previous directory is unchanged"
                        )
                    );
                    Outcome::Negative
                }
            }
        }
        ResidentsCommand::List { json } => {
            let residents = match crate::journeys::lookup::residents(app) {
                Ok(r) => r,
                Err(err) => {
                    eprintln!("{err}");
                    return Outcome::Negative;
                }
            };
            let rows: Vec<Row> = residents
                .into_iter()
                .map(|r| Row {
                    unit: r.unit_no,
                    surname: r.surname,
                    phone: mask_phone(&r.phone),
                })
                .collect();
            if json {
                print_json(&rows);
            } else {
                outln!(
                    "{:<12} {:<6} {}",
                    say(lang, "房号", "Unit"),
                    say(lang, "姓氏", "Surname"),
                    say(lang, "电话", "Phone")
                );
                for row in &rows {
                    outln!("{:<12} {:<6} {}", row.unit, row.surname, row.phone);
                }
                outln!(
                    "{}",
                    lang.pick(
                        &format!("共 {} 位住户。", rows.len()),
                        &format!("{} residents.", rows.len())
                    )
                );
            }
            Outcome::Success
        }
    }
}

fn report_import_error(lang: crate::i18n::Lang, err: &DirectoryError, json: bool) {
    if json {
        let problems: Vec<_> = match err {
            DirectoryError::Rows(rows) => rows
                .iter()
                .map(|p| serde_json::json!({ "line": p.line, "problem": p.message }))
                .collect(),
            other => vec![serde_json::json!({ "line": 1, "problem": other.message(lang) })],
        };
        print_json(&serde_json::json!({ "imported": 0, "problems": problems }));
    } else {
        eprintln!(
            "{}",
            say(lang, "导入未完成，没有导入任何记录：", "Nothing was imported:")
        );
        eprintln!("{}", err.message(lang));
    }
}
