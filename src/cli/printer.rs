//! `lobby-kiosk printer test`: a test slip through the whole print path.

use chrono::Utc;
use clap::Subcommand;

use super::{say, Outcome};
use crate::app::App;
use crate::printing::test_slip;

#[derive(Debug, Subcommand)]
pub enum PrinterCommand {
    /// Print a test slip: compound, hotline, Chinese text and a QR code.
    Test,
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
    }
}
