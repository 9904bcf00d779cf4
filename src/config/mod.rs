//! The kiosk's configuration: `kiosk-config/kiosk.toml`, also compiled in as the default.
//!
//! Every key is checked before the kiosk writes anything: unknown keys and wrong types
//! are refused by serde (`deny_unknown_fields`), and the values serde cannot judge
//! (colours, time zones, ranges) by [`Config::validate`]. Errors carry the key and the
//! line so a technician can fix the file without guessing.

mod load;

pub use load::{ConfigError, ConfigSource, LoadedConfig};

use serde::Deserialize;
use std::path::PathBuf;

use crate::domain::hours::RenovationHours;
use crate::domain::sla::RequestPolicy;

use crate::domain::visitor::{VisitValidity, VisitorType};

use crate::i18n::Lang;
use crate::notify::ChatFormat;
use crate::printing::{Paper, QrMode, TextMode};

/// The configuration compiled into the binary: the same file as `kiosk-config/kiosk.toml`.
pub const EMBEDDED_DEFAULT: &str = include_str!("../../kiosk-config/kiosk.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub language: Lang,
    pub time_zone: String,
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    pub compound: Compound,
    #[serde(default)]
    pub branding: Branding,
    #[serde(default)]
    pub kiosk: Kiosk,
    #[serde(default)]
    pub printer: Printer,
    #[serde(default)]
    pub visitor: VisitorPolicy,
    #[serde(default)]
    pub notify: Notify,
    #[serde(default)]
    pub privacy: Privacy,
    #[serde(default)]
    pub backup: Backup,
    #[serde(default)]
    pub staff: StaffPolicy,
    #[serde(default = "default_renovation")]
    pub renovation: RenovationHours,
    #[serde(default = "default_requests")]
    pub requests: RequestPolicy,
    /// Many kiosks meeting in a central PostgreSQL; absent: this kiosk stands alone.
    #[serde(default)]
    pub fleet: Option<crate::fleet::settings::FleetSettings>,
}

/// A desk open 08:30–17:30 every day, with the company's usual response targets.
fn default_requests() -> RequestPolicy {
    toml::from_str("office_hours = [\"08:30-17:30\"]\non_duty_phone = \"400-820-5678\"")
        .expect("the built-in request policy parses")
}

/// Weekdays 08:00–12:00 and 14:00–18:00, weekends 09:00–12:00, as most compounds set.
fn default_renovation() -> RenovationHours {
    toml::from_str(
        "weekday = [\"08:00-12:00\", \"14:00-18:00\"]\nweekend = [\"09:00-12:00\"]\npass_valid_until = \"end_of_window\"",
    )
    .expect("the built-in renovation hours parse")
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitorPolicy {
    /// Hours an approved visitor slip stays valid; 0 = until the end of the day.
    pub valid_hours: u32,
    /// Visitor types let in without waiting for the host (e.g. couriers to the desk).
    pub auto_approve: Vec<VisitorType>,
    /// How long the kiosk keeps a visitor's waiting screen before asking them to see the desk.
    pub approval_wait_secs: u32,
}

impl Default for VisitorPolicy {
    fn default() -> Self {
        Self {
            valid_hours: 0,
            auto_approve: vec![VisitorType::Courier],
            approval_wait_secs: 300,
        }
    }
}

impl VisitorPolicy {
    pub fn validity(&self) -> VisitValidity {
        match self.valid_hours {
            0 => VisitValidity::EndOfDay,
            h => VisitValidity::Hours(h),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// The desk group's robot webhook; empty keeps notices in the outbox for staff mode only.
    pub url: String,
    pub format: ChatFormat,
    /// The robot's signing secret (加签) for DingTalk or Feishu; empty when the robot
    /// is secured by keyword or IP instead. Never printed: its `Debug` is masked.
    #[serde(default)]
    pub secret: crate::notify::sign::Secret,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// Days a visit is kept before the daily purge removes it.
    pub visit_retention_days: u32,
    /// Days a worker's pass is kept; permits that ended this long ago go with their rosters.
    #[serde(default = "default_pass_retention")]
    pub pass_retention_days: u32,
    /// Days a finished resident request (ticket, history, rating) is kept.
    #[serde(default = "default_ticket_retention")]
    pub ticket_retention_days: u32,
    /// Days a row of the staff audit is kept (the purge is the only thing that deletes
    /// audit rows).
    #[serde(default = "default_record_retention")]
    pub audit_retention_days: u32,
    /// Days a shift handover (with what it listed as open) is kept.
    #[serde(default = "default_record_retention")]
    pub handover_retention_days: u32,
    /// Days a damaged database moved aside at start-up, or one replaced by `restore`,
    /// is kept beside the database (they hold full phone numbers).
    #[serde(default = "default_copy_retention")]
    pub copy_retention_days: u32,
}

/// The audit and handovers: three years.
pub const DEFAULT_RECORD_RETENTION_DAYS: u32 = 1095;

fn default_record_retention() -> u32 {
    DEFAULT_RECORD_RETENTION_DAYS
}

fn default_copy_retention() -> u32 {
    30
}

fn default_pass_retention() -> u32 {
    365
}

fn default_ticket_retention() -> u32 {
    730
}

impl Default for Privacy {
    fn default() -> Self {
        Self {
            visit_retention_days: 180,
            pass_retention_days: default_pass_retention(),
            ticket_retention_days: default_ticket_retention(),
            audit_retention_days: default_record_retention(),
            handover_retention_days: default_record_retention(),
            copy_retention_days: default_copy_retention(),
        }
    }
}

/// The kiosk's own daily purge and backup, run at `time` (local) or at the first
/// minute after it that the kiosk is running.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// "HH:MM" local time; the day's purge runs first, then the backup.
    #[serde(default = "default_backup_time")]
    pub time: String,
    /// Daily backups kept in `<data-dir>/backups`; older ones are deleted.
    #[serde(default = "default_backup_keep")]
    pub keep: u32,
}

fn default_backup_time() -> String {
    "03:00".to_string()
}

/// Daily backups kept when `backup.keep` is not set.
pub const DEFAULT_BACKUP_KEEP: u32 = 7;

fn default_backup_keep() -> u32 {
    DEFAULT_BACKUP_KEEP
}

impl Default for Backup {
    fn default() -> Self {
        Self {
            time: default_backup_time(),
            keep: default_backup_keep(),
        }
    }
}

impl Backup {
    /// The configured time of day; checked by [`Config::validate`].
    pub fn time_of_day(&self) -> Option<chrono::NaiveTime> {
        let (h, m) = self.time.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        chrono::NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
    }
}

/// What staff mode does by itself.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StaffPolicy {
    /// Local time ("HH:MM") at which the day's summary prints by itself, once a day;
    /// empty: only when asked for.
    #[serde(default)]
    pub daily_report_time: String,
}

impl StaffPolicy {
    /// The configured time, if any; checked by [`Config::validate`].
    pub fn daily_report_at(&self) -> Option<chrono::NaiveTime> {
        let text = self.daily_report_time.trim();
        if text.is_empty() {
            return None;
        }
        chrono::NaiveTime::parse_from_str(text, "%H:%M").ok()
    }
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("kiosk-data")
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compound {
    pub name: String,
    pub name_en: String,
    pub company: String,
    pub company_en: String,
    pub hotline: String,
    pub unit_format: String,
    #[serde(default)]
    pub seed_sample_residents: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    pub primary_color: String,
    #[serde(default)]
    pub logo: String,
}

impl Default for Branding {
    fn default() -> Self {
        Self {
            primary_color: "#1F6B52".into(),
            logo: String::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kiosk {
    pub idle_timeout_secs: u32,
    pub idle_warning_secs: u32,
    pub fullscreen: bool,
}

impl Default for Kiosk {
    fn default() -> Self {
        Self {
            idle_timeout_secs: 120,
            idle_warning_secs: 10,
            fullscreen: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrinterDriverKind {
    Virtual,
    /// Raw TCP (usually port 9100), with DLE EOT status before and after each job.
    Network,
    /// A USB printer found by vendor and product id (bulk endpoints, no kernel driver).
    Usb,
    /// A serial (RS-232 or USB-serial) printer on a device node, at a baud rate.
    Serial,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Printer {
    pub driver: PrinterDriverKind,
    /// `host:port` of a network printer.
    #[serde(default)]
    pub address: String,
    /// `host:port` of a second network printer used when the first cannot print.
    #[serde(default)]
    pub fallback_address: String,
    pub paper: Paper,
    pub text_mode: TextMode,
    pub qr_mode: QrMode,
    /// USB vendor id (e.g. 0x04b8 for Epson), for `driver = "usb"`.
    #[serde(default)]
    pub usb_vendor_id: u16,
    /// USB product id, for `driver = "usb"`.
    #[serde(default)]
    pub usb_product_id: u16,
    /// Device node of a serial printer, e.g. "/dev/ttyUSB0".
    #[serde(default)]
    pub serial_device: String,
    #[serde(default = "default_baud")]
    pub serial_baud: u32,
    /// How often, while slips are owed, the kiosk asks the printer whether it can print
    /// again and sends them.
    #[serde(default = "default_retry_seconds")]
    pub retry_seconds: u32,
    /// How long a network printer may take to accept the connection and to answer each
    /// status question; silence beyond it is "unknown", never "ready".
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
    /// Slips older than this are left to staff to reprint rather than printed by
    /// themselves when the printer comes back.
    #[serde(default = "default_retry_within_minutes")]
    pub retry_within_minutes: u32,
}

fn default_baud() -> u32 {
    9600
}

fn default_retry_seconds() -> u32 {
    15
}

fn default_timeout_ms() -> u32 {
    1500
}

fn default_retry_within_minutes() -> u32 {
    60
}

impl Default for Printer {
    fn default() -> Self {
        Self {
            driver: PrinterDriverKind::Virtual,
            address: String::new(),
            fallback_address: String::new(),
            paper: Paper::Mm80,
            text_mode: TextMode::Gb18030,
            qr_mode: QrMode::Raster,
            usb_vendor_id: 0,
            usb_product_id: 0,
            serial_device: String::new(),
            serial_baud: default_baud(),
            retry_seconds: default_retry_seconds(),
            timeout_ms: default_timeout_ms(),
            retry_within_minutes: default_retry_within_minutes(),
        }
    }
}

/// A value that parsed but cannot work, with the dotted key it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub key: &'static str,
    pub reason: String,
}

impl Config {
    /// The time zone records are shown in; checked by [`Config::validate`].
    pub fn tz(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// The compound's name in the given language.
    pub fn compound_name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.compound.name,
            Lang::En => &self.compound.name_en,
        }
    }

    /// The compound's name as a slip's heading: in English the Chinese name goes with the
    /// English one (it is the name on the gate and on the property office's papers), on
    /// a line of its own so that wrapping never splits it.
    pub fn compound_title(&self, lang: Lang) -> String {
        let (zh, en) = (self.compound.name.trim(), self.compound.name_en.trim());
        match lang {
            Lang::En if !en.is_empty() && en != zh => format!("{en}\n{zh}"),
            _ => zh.to_string(),
        }
    }

    /// Checks what serde cannot: ranges, formats and values that depend on each other.
    pub fn validate(&self) -> Result<(), Invalid> {
        let bad = |key, reason: &str| {
            Err(Invalid {
                key,
                reason: reason.to_string(),
            })
        };
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return bad("time_zone", "not an IANA time zone such as \"Asia/Shanghai\"");
        }
        if self.compound.name.trim().is_empty() {
            return bad("compound.name", "must not be empty");
        }
        if self.compound.hotline.trim().is_empty() {
            return bad("compound.hotline", "must not be empty: it is printed on every slip");
        }
        // The texts shown in the header and printed on every slip pass the same field
        // rules as anything typed at the kiosk.
        use crate::domain::field::{self, Rule};
        let texts: [(&'static str, &str, Rule, &str); 6] = [
            (
                "compound.name",
                &self.compound.name,
                field::COMPOUND_NAME,
                "the compound's name",
            ),
            (
                "compound.name_en",
                &self.compound.name_en,
                field::COMPOUND_NAME,
                "the compound's name",
            ),
            (
                "compound.company",
                &self.compound.company,
                field::COMPANY_NAME,
                "the company's name",
            ),
            (
                "compound.company_en",
                &self.compound.company_en,
                field::COMPANY_NAME,
                "the company's name",
            ),
            (
                "compound.hotline",
                &self.compound.hotline,
                field::HOTLINE,
                "a phone number (digits, spaces, + - ( ) /)",
            ),
            (
                "requests.on_duty_phone",
                self.requests.on_duty_phone(),
                field::HOTLINE,
                "a phone number (digits, spaces, + - ( ) /)",
            ),
        ];
        for (key, value, rule, what) in texts {
            if let Err(why) = field::clean(&rule, value) {
                return Err(Invalid {
                    key,
                    reason: format!("must be {what} of at most {} characters: {why}", rule.max_chars),
                });
            }
        }
        if let Some(reason) = logo_problem(&self.branding.logo) {
            return Err(Invalid {
                key: "branding.logo",
                reason,
            });
        }
        if crate::domain::unit::UnitFormat::parse(&self.compound.unit_format).is_err() {
            return bad(
                "compound.unit_format",
                "must be parts B, U, F or R joined by '-', e.g. \"B-U-R\"",
            );
        }
        let Some(brand) = parse_hex_color(&self.branding.primary_color) else {
            return bad("branding.primary_color", "must be a colour like \"#1F6B52\"");
        };
        // White text sits on the brand colour, and the brand colour is text on the page.
        let contrast = crate::domain::contrast::brand_contrast(brand);
        if contrast < crate::domain::contrast::MIN_TEXT_CONTRAST {
            return Err(Invalid {
                key: "branding.primary_color",
                reason: format!(
                    "is too light to read: {contrast:.1}:1 against white text and the page, 4.5:1 needed; choose a darker colour (the default is \"#1F6B52\")"
                ),
            });
        }
        if !(30..=3600).contains(&self.kiosk.idle_timeout_secs) {
            return bad("kiosk.idle_timeout_secs", "must be between 30 and 3600 seconds");
        }
        if self.kiosk.idle_warning_secs == 0 || self.kiosk.idle_warning_secs >= self.kiosk.idle_timeout_secs {
            return bad(
                "kiosk.idle_warning_secs",
                "must be at least 1 and less than idle_timeout_secs",
            );
        }
        let is_host_port = |a: &str| {
            a.rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
        };
        if self.printer.driver == PrinterDriverKind::Network && !is_host_port(&self.printer.address) {
            return bad(
                "printer.address",
                "a network printer needs \"host:port\", e.g. \"192.168.1.50:9100\"",
            );
        }
        if !self.printer.fallback_address.is_empty() && !is_host_port(&self.printer.fallback_address) {
            return bad("printer.fallback_address", "must be \"host:port\" or empty");
        }
        if self.printer.driver == PrinterDriverKind::Usb && self.printer.usb_vendor_id == 0 {
            return bad(
                "printer.usb_vendor_id",
                "a USB printer needs its vendor id, e.g. 0x04b8 (see `lsusb`)",
            );
        }
        if self.printer.driver == PrinterDriverKind::Usb && self.printer.usb_product_id == 0 {
            return bad(
                "printer.usb_product_id",
                "a USB printer needs its product id, e.g. 0x0202 (see `lsusb`)",
            );
        }
        if self.printer.driver == PrinterDriverKind::Serial && !self.printer.serial_device.starts_with('/') {
            return bad(
                "printer.serial_device",
                "a serial printer needs its device path, e.g. \"/dev/ttyUSB0\"",
            );
        }
        if !crate::printing::serial::BAUD_RATES.contains(&self.printer.serial_baud) {
            return bad(
                "printer.serial_baud",
                "must be one of 2400, 4800, 9600, 19200, 38400, 57600, 115200",
            );
        }
        if !(100..=10_000).contains(&self.printer.timeout_ms) {
            return bad("printer.timeout_ms", "must be between 100 and 10000 milliseconds");
        }
        if !(2..=600).contains(&self.printer.retry_seconds) {
            return bad("printer.retry_seconds", "must be between 2 and 600 seconds");
        }
        if !(1..=1440).contains(&self.printer.retry_within_minutes) {
            return bad("printer.retry_within_minutes", "must be between 1 and 1440 minutes");
        }
        if self.visitor.valid_hours > 72 {
            return bad("visitor.valid_hours", "must be 0 (end of day) or at most 72 hours");
        }
        if !(30..=3600).contains(&self.visitor.approval_wait_secs) {
            return bad("visitor.approval_wait_secs", "must be between 30 and 3600 seconds");
        }
        if !self.notify.url.is_empty() && crate::notify::http::check_url(&self.notify.url).is_err() {
            return bad("notify.url", "must be an http:// or https:// address");
        }
        if !self.notify.secret.is_empty() {
            if self.notify.format == ChatFormat::Wecom {
                return bad(
                    "notify.secret",
                    "WeCom robots are not signed: leave it empty (the key is in the URL)",
                );
            }
            if !self.notify.secret.is_well_formed() {
                return bad(
                    "notify.secret",
                    "must be the robot's secret as shown (no spaces, at most 200 characters)",
                );
            }
        }
        if !(1..=3650).contains(&self.privacy.visit_retention_days) {
            return bad("privacy.visit_retention_days", "must be between 1 and 3650 days");
        }
        if !(1..=3650).contains(&self.privacy.pass_retention_days) {
            return bad("privacy.pass_retention_days", "must be between 1 and 3650 days");
        }
        if !(1..=3650).contains(&self.privacy.ticket_retention_days) {
            return bad("privacy.ticket_retention_days", "must be between 1 and 3650 days");
        }
        if !(1..=3650).contains(&self.privacy.audit_retention_days) {
            return bad("privacy.audit_retention_days", "must be between 1 and 3650 days");
        }
        if !(1..=3650).contains(&self.privacy.handover_retention_days) {
            return bad("privacy.handover_retention_days", "must be between 1 and 3650 days");
        }
        if !(1..=3650).contains(&self.privacy.copy_retention_days) {
            return bad("privacy.copy_retention_days", "must be between 1 and 3650 days");
        }
        if self.backup.time_of_day().is_none() {
            return bad("backup.time", "must be a time of day \"HH:MM\", e.g. \"03:00\"");
        }
        if !(1..=60).contains(&self.backup.keep) {
            return bad("backup.keep", "must be between 1 and 60 backups");
        }
        if !self.staff.daily_report_time.trim().is_empty() && self.staff.daily_report_at().is_none() {
            return bad(
                "staff.daily_report_time",
                "must be a time like \"21:00\" (24-hour, HH:MM) or empty",
            );
        }
        if let Some(fleet) = &self.fleet {
            fleet.validate().map_err(|bad| Invalid {
                key: bad.key,
                reason: bad.reason,
            })?;
        }
        Ok(())
    }
}

/// Why the configured logo cannot be shown, if it cannot: an empty path is the compound's
/// initial, anything else must be a PNG, JPEG or SVG file that is there to read.
fn logo_problem(logo: &str) -> Option<String> {
    if logo.is_empty() {
        return None;
    }
    let shown = crate::domain::field::preview(logo);
    let path = std::path::Path::new(logo);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "svg") {
        return Some(format!(
            "\"{shown}\" must be a .png, .jpg or .svg image, or empty for the compound's initial"
        ));
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => match std::fs::File::open(path) {
            Ok(_) => None,
            Err(e) => Some(format!("\"{shown}\" cannot be read ({e}); fix the path or leave it empty")),
        },
        Ok(_) => Some(format!("\"{shown}\" is not a file; give the image's path or leave it empty")),
        Err(_) => Some(format!(
            "\"{shown}\" is not there (a relative path is from the folder the kiosk starts in); fix the path or leave it empty"
        )),
    }
}

/// `#RRGGBB` → (r, g, b).
pub fn parse_hex_color(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

#[cfg(test)]
mod tests;
