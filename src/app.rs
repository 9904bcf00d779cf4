//! The running kiosk's shared parts: configuration, data folder, database and printer.
//! Built once at start-up by the binary, the UI tests and the command line alike, so all
//! of them run the same code.

use std::cell::{RefCell, RefMut};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::PrinterDriverKind;
use crate::config::{Config, ConfigSource, LoadedConfig};
use crate::directory;
use crate::domain::unit::UnitFormat;
use crate::keys::Keys;
use crate::printing::{self, FallbackPrinter, NetworkPrinter, PrinterDriver, Slip, VirtualPrinter};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the bundled resident directory is invalid: {0}")]
    Sample(#[from] directory::DirectoryError),
    #[error("the slip could not be prepared: {0}")]
    Encode(#[from] printing::EncodeError),
    #[error("the printer did not take the job: {0}")]
    Printer(#[from] printing::DriverError),
    #[error(transparent)]
    Keys(#[from] crate::keys::KeyFileError),
}

/// The configured printer (and its fallback); connections are opened per job, so a
/// printer that was power-cycled works again without a restart.
fn make_printer(config: &crate::config::Printer, data_dir: &Path) -> Box<dyn PrinterDriver> {
    let primary: Box<dyn PrinterDriver> = match config.driver {
        PrinterDriverKind::Virtual => Box::new(VirtualPrinter::new(data_dir.join("printer"))),
        PrinterDriverKind::Network => Box::new(NetworkPrinter::new(config.address.clone())),
    };
    if config.fallback_address.is_empty() {
        primary
    } else {
        Box::new(FallbackPrinter::new(
            primary,
            Box::new(NetworkPrinter::new(config.fallback_address.clone())),
        ))
    }
}

/// The database file inside the data folder.
pub const DB_FILE: &str = "kiosk.sqlite3";

pub struct App {
    pub config: Config,
    pub config_source: ConfigSource,
    pub data_dir: PathBuf,
    pub unit_format: UnitFormat,
    pub keys: Keys,
    store: RefCell<Store>,
    printer: RefCell<Box<dyn PrinterDriver>>,
    /// A fixed "now" for tests, screenshots and demos; `None` is the real clock.
    clock: std::cell::Cell<Option<DateTime<Utc>>>,
}

impl App {
    /// Opens the data folder (created if missing), the database (created and migrated on
    /// first run, checked every time) and the configured printer.
    pub fn open(loaded: LoadedConfig, data_dir_override: Option<&Path>) -> Result<App, AppError> {
        let app = Self::open_unchecked(loaded, data_dir_override)?;
        app.store().ensure_intact()?;
        Ok(app)
    }

    /// [`App::open`] without the database's `quick_check`, for the kiosk itself, which
    /// runs the check beside its first frame ([`crate::store::Store::check_file`]).
    pub fn open_unchecked(loaded: LoadedConfig, data_dir_override: Option<&Path>) -> Result<App, AppError> {
        let LoadedConfig { config, source } = loaded;
        let data_dir = data_dir_override
            .map(Path::to_path_buf)
            .unwrap_or_else(|| config.data_dir.clone());
        std::fs::create_dir_all(&data_dir).map_err(|source| AppError::DataDir {
            path: data_dir.clone(),
            source,
        })?;
        if !crate::store::sqlite_version_ok() {
            return Err(AppError::Store(StoreError::Damaged(format!(
                "SQLite {} is older than 3.51.3 (WAL-reset bug); refusing to run",
                rusqlite::version()
            ))));
        }
        let store = Store::open(&data_dir.join(DB_FILE))?;
        // Checked by Config::validate, so this cannot fail for a loaded configuration.
        let unit_format = UnitFormat::parse(&config.compound.unit_format)
            .unwrap_or_else(|_| UnitFormat::parse("B-U-R").expect("the built-in unit format parses"));
        let keys = Keys::load_or_create(&data_dir)?;
        let printer = make_printer(&config.printer, &data_dir);
        let app = App {
            config,
            config_source: source,
            data_dir,
            unit_format,
            keys,

            store: RefCell::new(store),
            printer: RefCell::new(printer),
            clock: std::cell::Cell::new(None),
        };
        app.seed_on_first_run(Utc::now())?;
        Ok(app)
    }

    /// On the very first run with `seed_sample_residents`, loads the fictional directory
    /// so the demo works out of the box. Never again after that, even if emptied.
    fn seed_on_first_run(&self, now: DateTime<Utc>) -> Result<(), AppError> {
        let mut store = self.store.borrow_mut();
        if store.meta("first_run_at")?.is_some() {
            return Ok(());
        }
        if self.config.compound.seed_sample_residents && store.resident_summary()?.residents == 0 {
            let residents = directory::parse_csv(directory::SAMPLE_CSV, &self.unit_format)?;
            store.replace_residents(&residents, now)?;
        }
        store.set_meta("first_run_at", &crate::store::ts(now))?;
        Ok(())
    }

    /// The time the journeys act at: the real clock unless fixed by [`App::set_now`].
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.get().unwrap_or_else(Utc::now)
    }

    /// Fixes "now" (tests, screenshots); `None` returns to the real clock.
    pub fn set_now(&self, now: Option<DateTime<Utc>>) {
        self.clock.set(now);
    }

    /// The database, borrowed for one statement. Do not hold it across a call that may
    /// itself need the store (a `match` on `app.store().x()` keeps it borrowed for the
    /// whole match): use [`App::with_store`] there.
    pub fn store(&self) -> RefMut<'_, Store> {
        self.store.borrow_mut()
    }

    /// Runs `f` with the database and releases it before returning, so the result can
    /// be matched on while other calls use the store.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.store.borrow_mut())
    }

    /// Lays out, encodes and sends one slip.
    pub fn print(&self, slip: &Slip) -> Result<(), AppError> {
        let job = self.make_job(slip)?;
        let mut printer = self.printer.borrow_mut();
        printer.send(&job)?;
        Ok(())
    }

    /// Encodes a slip for the configured printer (with a preview only if it keeps one).
    pub fn make_job(&self, slip: &Slip) -> Result<printing::PrintJob, printing::EncodeError> {
        let preview = self.printer.borrow().wants_preview();
        printing::make_job_for(slip, &self.encode_options(), preview)
    }

    /// Hands an encoded job to the printer.
    pub fn send_job(&self, job: &printing::PrintJob) -> Result<(), printing::DriverError> {
        self.printer.borrow_mut().send(job)
    }

    pub fn encode_options(&self) -> printing::EncodeOptions {
        let p = &self.config.printer;
        printing::EncodeOptions {
            paper: p.paper,
            text_mode: p.text_mode,
            qr_mode: p.qr_mode,
        }
    }

    /// What the printer reports right now; `None` for drivers that cannot read back.
    pub fn printer_status(&self) -> Option<printing::StatusReport> {
        self.printer.borrow().live_status()
    }

    pub fn printer_name(&self) -> String {
        self.printer.borrow().name().to_string()
    }
}
