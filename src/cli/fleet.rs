//! `lobby-kiosk fleet …`: the central PostgreSQL's schema and the kiosks' roles, run by
//! the company's technician with the database's admin URL. The admin URL and the
//! passwords made here are never printed, except the new kiosk's own settings.

use clap::Subcommand;

use super::{out, print_json, say, Outcome};
use crate::fleet::central::{kiosks, migrate, CentralError};
use crate::i18n::Lang;

#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// Create or upgrade the central schema (safe to run again).
    Migrate {
        /// postgres://ADMIN:PASSWORD@HOST:PORT/DATABASE?sslmode=… (a superuser, or an
        /// owner with CREATEROLE and BYPASSRLS).
        #[arg(long, value_name = "URL")]
        admin_url: String,
        #[arg(long)]
        json: bool,
    },
    /// Register a kiosk: its own role and password; prints its [fleet] settings.
    AddKiosk {
        #[arg(long, value_name = "URL")]
        admin_url: String,
        /// The compound's id (letters, digits, '-', '_').
        #[arg(long, value_name = "C")]
        compound: String,
        /// The kiosk's id within the compound (letters, digits, '-', '_').
        #[arg(long, value_name = "K")]
        kiosk: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: FleetCommand, lang: Lang) -> Outcome {
    match cmd {
        FleetCommand::Migrate { admin_url, json } => {
            let result = crate::fleet::connect::connect(&admin_url)
                .map_err(CentralError::from)
                .and_then(|mut client| migrate::migrate(&mut client));
            match result {
                Ok(done) => {
                    if json {
                        print_json(&done);
                    } else if done.from == done.to {
                        outln!(
                            "{}",
                            lang.pick(
                                &format!("中心数据库结构已是最新（版本 {}），无需改动。", done.to),
                                &format!("The central schema is up to date (version {}); nothing to do.", done.to)
                            )
                        );
                    } else {
                        outln!(
                            "{}",
                            lang.pick(
                                &format!("中心数据库结构已从版本 {} 升级到 {}。", done.from, done.to),
                                &format!("The central schema went from version {} to {}.", done.from, done.to)
                            )
                        );
                    }
                    Outcome::Success
                }
                Err(err) => failed(lang, &err),
            }
        }
        FleetCommand::AddKiosk {
            admin_url,
            compound,
            kiosk,
            json,
        } => {
            for (what, id) in [("compound", &compound), ("kiosk", &kiosk)] {
                if let Err(err) = kiosks::check_id(what, id) {
                    return failed(lang, &err);
                }
            }
            if let Err(err) = kiosks::split_url(&admin_url) {
                return failed(lang, &err);
            }
            let result = crate::fleet::connect::connect(&admin_url)
                .map_err(CentralError::from)
                .and_then(|mut client| kiosks::add_kiosk(&mut client, &admin_url, &compound, &kiosk));
            match result {
                Ok(settings) => {
                    if json {
                        print_json(&settings);
                    } else {
                        outln!(
                            "# {}",
                            lang.pick(
                                "请将以下设置粘贴到该终端的配置文件中（其中含密码，请妥善保管，只显示这一次）：",
                                "Paste these settings into the kiosk's configuration (they hold its password; keep them safe, they are shown only once):"
                            )
                        );
                        out::raw(&settings.toml());
                    }
                    Outcome::Success
                }
                Err(err) => failed(lang, &err),
            }
        }
    }
}

/// Says what went wrong, politely, and which exit that is.
fn failed(lang: Lang, err: &CentralError) -> Outcome {
    let (text, outcome) = match err {
        CentralError::BadId(_) | CentralError::BadUrl => (
            say(
                lang,
                "参数有误，请核对后再试：",
                "Please check the command and try again: ",
            ),
            Outcome::Usage,
        ),
        CentralError::KioskExists { .. } => (
            say(lang, "该终端已登记，无需再次添加：", "Nothing was changed: "),
            Outcome::Negative,
        ),
        CentralError::NewerSchema { .. } => (say(lang, "未做任何改动：", "Nothing was changed: "), Outcome::Negative),
        CentralError::NotMigrated => (
            say(lang, "请先建立中心数据库结构：", "Nothing was changed: "),
            Outcome::Negative,
        ),
        CentralError::Connect(_) | CentralError::Refused(_) => (
            say(
                lang,
                "抱歉，中心数据库未能完成操作，未做任何改动：",
                "Sorry, the central database did not do it, and nothing was changed: ",
            ),
            Outcome::Negative,
        ),
    };
    eprintln!("{text}{err}");
    outcome
}
