//! `lobby-kiosk printer test`: a test slip through the whole print path.

use chrono::Utc;
use clap::Subcommand;

use super::{print_json, say, Outcome};
use crate::app::App;
use crate::printing::test_slip;

#[derive(Debug, Subcommand)]
pub enum PrinterCommand {
    /// Print a test slip: compound, hotline, Chinese text and a QR code.
    Test,
    /// Ask the printer how it is (DLE EOT): exit 0 when it can print, 1 when not.
    Status {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(app: &App, cmd: PrinterCommand) -> Outcome {
    let lang = app.config.language;
    match cmd {
        PrinterCommand::Test => {
            let now = Utc::now()
                .with_timezone(&app.config.tz())
                .format("%Y-%m-%d %H:%M")
                .to_string();
            let slip = test_slip(&app.config.compound.name, &app.config.compound.hotline, &now);
            match app.print(&slip) {
                Ok(()) => {
                    println!(
                        "{} ({})",
                        say(lang, "测试凭条已发送到打印机", "Test slip sent to the printer"),
                        app.printer_name()
                    );
                    Outcome::Success
                }
                Err(err) => {
                    eprintln!(
                        "{}: {err}",
                        say(lang, "测试凭条未能打印", "The test slip did not print")
                    );
                    Outcome::Negative
                }
            }
        }
        PrinterCommand::Status { json } => {
            let driver = app.printer_name();
            let (state, printable) = match app.printer_status() {
                Some(report) => (report.state.as_str().to_string(), report.is_printable()),
                // The virtual printer cannot be asked; it always takes jobs.
                None => ("ready".to_string(), true),
            };
            if json {
                print_json(&serde_json::json!({ "driver": driver, "state": state, "printable": printable }));
            } else {
                println!("{} ({driver}): {state}", say(lang, "打印机状态", "Printer status"));
            }
            if printable {
                Outcome::Success
            } else {
                Outcome::Negative
            }
        }
    }
}
