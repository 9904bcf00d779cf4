//! Reading the resident directory from CSV (`unit,surname,phone`), all or nothing.
//!
//! The property office exports this from its owner records. One bad row rejects the
//! whole file with every problem listed by line number, so a half-imported directory
//! never turns real visitors away.

use std::fmt;

use crate::domain::field::{self, preview};
use crate::domain::phone::parse_mobile;
use crate::domain::unit::UnitFormat;
use crate::i18n::Lang;
use crate::store::Resident;

/// The fictional directory the default configuration loads on first run.
pub const SAMPLE_CSV: &str = include_str!("../kiosk-config/residents.sample.csv");

/// More rows than any compound has: a guard against a wrong file, not a real limit.
const MAX_ROWS: usize = 200_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: u64,
    pub message: String,
}

impl DirectoryError {
    /// What the person importing reads, in `lang`; the row problems are already written
    /// in the language [`parse_csv_in`] was given.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (DirectoryError::Header(found), Lang::Zh) => {
                format!("文件第一行应为表头 unit,surname,phone，现在是“{found}”。请改正后再导入。")
            }
            (DirectoryError::Empty, Lang::Zh) => "文件中没有住户记录，请检查后再导入。".to_string(),
            (DirectoryError::TooLarge, Lang::Zh) => format!("文件超过 {MAX_ROWS} 行，请确认选择了正确的文件。"),
            (DirectoryError::Rows(rows), Lang::Zh) => format!(
                "有 {} 行需要改正：\n{}",
                rows.len(),
                rows.iter()
                    .map(|p| format!("  第 {} 行：{}", p.line, p.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            (other, Lang::En) => other.to_string(),
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("the first line must be the header `unit,surname,phone`, found `{0}`")]
    Header(String),
    #[error("the file has no residents")]
    Empty,
    #[error("the file has more than {MAX_ROWS} rows")]
    TooLarge,
    #[error("{} row(s) rejected, nothing imported:\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowProblem>),
}

/// Parses and checks every row; returns residents only if every row is good.
pub fn parse_csv(text: &str, format: &UnitFormat) -> Result<Vec<Resident>, DirectoryError> {
    parse_csv_in(text, format, Lang::En)
}

/// [`parse_csv`] with each row's problem written in `lang`, for the person importing.
pub fn parse_csv_in(text: &str, format: &UnitFormat, lang: Lang) -> Result<Vec<Resident>, DirectoryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
        Err(e) => return Err(DirectoryError::Header(preview(&e.to_string()))),
    };
    if header != ["unit", "surname", "phone"] {
        return Err(DirectoryError::Header(preview(&header.join(","))));
    }
    let mut residents = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        if residents.len() + problems.len() >= MAX_ROWS {
            return Err(DirectoryError::TooLarge);
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(RowProblem {
                    line,
                    message: match lang {
                        Lang::Zh => "这一行无法读取（引号或分隔符有误）".to_string(),
                        Lang::En => format!("unreadable row ({e})"),
                    },
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != 3 {
            problems.push(RowProblem {
                line,
                message: match lang {
                    Lang::Zh => format!("应有 3 项（房号、姓氏、手机号码），现在有 {} 项", record.len()),
                    Lang::En => format!("expected 3 fields, found {}", record.len()),
                },
            });
            continue;
        }
        match check_row(&record[0], &record[1], &record[2], format, lang) {
            Ok(resident) => residents.push(resident),
            Err(message) => problems.push(RowProblem { line, message }),
        }
    }
    if !problems.is_empty() {
        return Err(DirectoryError::Rows(problems));
    }
    if residents.is_empty() {
        return Err(DirectoryError::Empty);
    }
    Ok(residents)
}

fn check_row(unit: &str, surname: &str, phone: &str, format: &UnitFormat, lang: Lang) -> Result<Resident, String> {
    let unit_no = format.parse_unit(unit).map_err(|e| match lang {
        Lang::Zh => format!("房号“{}”不符合本小区的格式（例如 {}）", preview(unit), format.example()),
        Lang::En => format!(
            "unit `{}` does not match the format {} ({e})",
            preview(unit),
            format.example()
        ),
    })?;
    // The same surname rule as every screen and command: no invisible or look-alike
    // characters, folded and normalised as it is kept.
    let surname = field::clean(&field::SURNAME, surname).map_err(|e| match lang {
        Lang::Zh => format!(
            "姓氏“{}”应为 1 至 4 个汉字或拉丁字母的姓（{}）",
            preview(surname),
            e.message(lang)
        ),
        Lang::En => format!(
            "surname `{}` should be 1-4 Chinese characters or a Latin name ({e})",
            preview(surname)
        ),
    })?;
    let phone = parse_mobile(phone).map_err(|e| match lang {
        Lang::Zh => format!("手机号码“{}”应为 11 位、以 1 开头的大陆手机号码", preview(phone)),
        Lang::En => format!("phone: {e}"),
    })?;
    Ok(Resident {
        unit_no: unit_no.to_string(),
        surname,
        phone: phone.as_str().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format() -> UnitFormat {
        UnitFormat::parse("B-U-R").unwrap()
    }

    #[test]
    fn the_sample_directory_is_valid_and_sizeable() {
        let residents = parse_csv(SAMPLE_CSV, &format()).unwrap();
        let units: std::collections::BTreeSet<_> = residents.iter().map(|r| r.unit_no.clone()).collect();
        assert!(units.len() >= 150, "about 200 units, found {}", units.len());
        assert!(
            units
                .iter()
                .map(|u| u.split('-').next().unwrap())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                >= 3
        );
    }

    #[test]
    fn rows_are_normalised() {
        let residents = parse_csv("unit,surname,phone\n03-2-1201, 王 ,138 1234 5678\n", &format()).unwrap();
        assert_eq!(
            residents,
            vec![Resident {
                unit_no: "3-2-1201".into(),
                surname: "王".into(),
                phone: "13812345678".into()
            }]
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_returned() {
        let text = "unit,surname,phone\n3-2-1201,王,13812345678\n3-2,李,13812345679\n3-2-1203,张,12345\n3-2-1204,,13812345670\n";
        let DirectoryError::Rows(problems) = parse_csv(text, &format()).unwrap_err() else {
            panic!("expected row errors")
        };
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
    }

    #[test]
    fn look_alike_and_hostile_surnames_are_refused_without_echoing_them() {
        let long = "王".repeat(100_000);
        let text = format!(
            "unit,surname,phone\n3-2-1201,王\u{200B},13812345678\n3-2-1202,\u{202E}李,13812345679\n3-2-1203,{long},13812345670\n3-2-1204,\u{1b}[2J,13812345671\n"
        );
        let err = parse_csv(&text, &format()).unwrap_err();
        let DirectoryError::Rows(problems) = &err else {
            panic!("expected row errors")
        };
        assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), vec![2, 3, 4, 5]);
        let shown = err.to_string();
        assert!(
            shown.len() < 2_000,
            "the message echoes the input: {} bytes",
            shown.len()
        );
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{202E}'), "{shown}");
        // Full-width Latin folds to the same name the desk types.
        let residents = parse_csv("unit,surname,phone\n3-2-1201,ＷＡＮＧ,13812345678\n", &format()).unwrap();
        assert_eq!(residents[0].surname, "WANG");
    }

    #[test]
    fn wrong_header_or_empty_file_is_refused() {
        assert!(matches!(
            parse_csv("room,name,tel\n1-1-101,王,13812345678\n", &format()),
            Err(DirectoryError::Header(_))
        ));
        assert!(matches!(
            parse_csv("unit,surname,phone\n", &format()),
            Err(DirectoryError::Empty)
        ));
        assert!(matches!(parse_csv("", &format()), Err(DirectoryError::Header(_))));
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "\u{feff}unit,surname,phone\n\"unterminated,王,1\n",
            "unit,surname,phone\n,,,,,\n",
            "\0\0\0",
            "unit,surname,phone\n1-1-101,王王王王王,13812345678\n",
        ] {
            let _ = parse_csv(text, &format());
        }
    }
}
