//! The running kiosk's shared parts: configuration, data folder, database and printer.
//! Built once at start-up by the binary, the UI tests and the command line alike, so all
//! of them run the same code.

use std::cell::{RefCell, RefMut};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::config::PrinterDriverKind;
use crate::config::{Config, ConfigSource, LoadedConfig};
use crate::directory;
use crate::domain::unit::UnitFormat;
use crate::keys::{KeyFileError, Keys, KeysInUse};
use crate::printing::{
    self, FallbackPrinter, NetworkPrinter, PrinterDriver, SerialPrinter, Slip, UsbPrinter, VirtualPrinter,
};
use crate::spool::{self, PrinterView, RetryPolicy, SpoolError, Spooler};
use crate::store::trouble::{self, Trouble};
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
    #[error(transparent)]
    Spool(#[from] SpoolError),
    #[error(transparent)]
    Recovery(#[from] crate::recovery::RecoveryError),
    #[error(transparent)]
    Clock(#[from] crate::clock::ClockError),
}

impl AppError {
    /// What is wrong with the storage, when that is why the app could not open:
    /// a full disk or a read-only one (see [`crate::store::trouble`]).
    pub fn storage_trouble(&self, data_dir: &Path) -> Option<Trouble> {
        match self {
            AppError::Store(e) | AppError::Recovery(crate::recovery::RecoveryError::Store(e)) => {
                trouble::cause(data_dir, e)
            }
            AppError::DataDir { source, .. } => Some(trouble::of_io(source)),
            _ => None,
        }
    }

    /// The database is damaged and no good backup could take its place.
    pub fn is_unrecoverable_damage(&self) -> bool {
        matches!(
            self,
            AppError::Recovery(
                crate::recovery::RecoveryError::NoGoodBackup { .. }
                    | crate::recovery::RecoveryError::MissingInUsedFolder { .. }
            )
        )
    }

    /// The keys are missing although the database shows they were used: the kiosk
    /// stops (exit 3) rather than sign with a new key.
    pub fn is_lost_key(&self) -> bool {
        matches!(self, AppError::Keys(KeyFileError::Missing { .. }))
    }

    /// A key file others can read: refused until made private.
    pub fn is_exposed_key(&self) -> bool {
        matches!(self, AppError::Keys(KeyFileError::Exposed { .. }))
    }
}

/// What became of a slip handed to the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printing {
    /// It went through (the command line prints in-line and knows at once).
    Printed,
    /// It did not; the job stays owed and the desk has been told.
    Failed,
    /// The spooler has it (the kiosk): the outcome for this job id comes later.
    Pending(i64),
}

impl Printing {
    /// Whether the slip is known to have come out.
    pub fn printed(self) -> bool {
        self == Printing::Printed
    }
}

/// Who holds the printer: the calling thread (command line) or the spooler (kiosk).
enum Seat {
    Direct(Box<dyn PrinterDriver>),
    Spooled(Spooler),
    /// Only while the printer moves to the spooler.
    Moving,
}

/// The configured printer (and its fallback); connections are opened per job, so a
/// printer that was power-cycled works again without a restart.
fn make_printer(config: &crate::config::Printer, data_dir: &Path) -> Box<dyn PrinterDriver> {
    let timeout = std::time::Duration::from_millis(config.timeout_ms.into());
    let network = |addr: &str| Box::new(NetworkPrinter::with_timeouts(addr, timeout, timeout));
    let primary: Box<dyn PrinterDriver> = match config.driver {
        PrinterDriverKind::Virtual => Box::new(VirtualPrinter::new(data_dir.join("printer"))),
        PrinterDriverKind::Network => network(&config.address),
        PrinterDriverKind::Usb => Box::new(UsbPrinter::new(config.usb_vendor_id, config.usb_product_id, timeout)),
        PrinterDriverKind::Serial => Box::new(SerialPrinter::new(&config.serial_device, config.serial_baud)),
    };
    if config.fallback_address.is_empty() {
        primary
    } else {
        Box::new(FallbackPrinter::new(primary, network(&config.fallback_address)))
    }
}

/// The database opened for reading only after the storage refused a writable open,
/// checked as the start checks it (a later writable reopen keeps the file's guard), with
/// the cause named from the data folder.
fn open_for_reading(
    data_dir: &Path,
    refused: StoreError,
    check: crate::recovery::Check,
) -> Result<(Store, Trouble), AppError> {
    let trouble = trouble::cause(data_dir, &refused).unwrap_or(Trouble::Failing);
    let store = Store::open_read_only(&data_dir.join(DB_FILE)).map_err(|_| refused)?;
    if check == crate::recovery::Check::Now {
        store.ensure_intact()?;
    }
    Ok((store, trouble))
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
    printer: RefCell<Seat>,
    /// The real clock, or a fixed "now" for tests, screenshots and demos.
    clock: Clock,
    /// A PIN lockout the database could not record (the storage refusing writes), kept
    /// here until it runs out so wrong PINs stay slow while nothing can be saved.
    unrecorded_pin_lock: std::cell::Cell<Option<DateTime<Utc>>>,
    /// The language of whoever the kiosk serves now (see [`App::lang`]).
    lang: std::cell::Cell<crate::i18n::Lang>,
    /// Set while the database is open for reading only because the storage refused a
    /// writable open (see [`App::storage_trouble`]).
    storage_trouble: std::cell::Cell<Option<Trouble>>,
    /// Jobs registered inside an open unit of work ([`App::atomic`]), sent once it commits.
    deferred_jobs: RefCell<Vec<(i64, printing::PrintJob)>>,
    /// How in-line sends of deferred jobs ended, until [`App::resolve`] collects them.
    dispatched: RefCell<std::collections::HashMap<i64, Printing>>,
}

impl App {
    /// The language of whoever the kiosk serves now: the screen's while the window runs
    /// (a visitor who chose English gets an English slip), the configured one for the
    /// command line. Slips and every other text Rust makes for a person read it.
    pub fn lang(&self) -> crate::i18n::Lang {
        self.lang.get()
    }

    /// Follows the screen's language (`ui::shell` calls it on every switch).
    pub fn set_lang(&self, lang: crate::i18n::Lang) {
        self.lang.set(lang);
    }

    /// Opens the data folder (created if missing), the database (created and migrated on
    /// first run, checked every time) and the configured printer.
    pub fn open(loaded: LoadedConfig, data_dir_override: Option<&Path>) -> Result<App, AppError> {
        Self::open_with(loaded, data_dir_override, crate::recovery::Check::Now)
    }

    /// [`App::open`], with the whole-file integrity check run when `check` says: the kiosk
    /// and the commands open at once, and their first write waits for the check.
    pub fn open_with(
        loaded: LoadedConfig,
        data_dir_override: Option<&Path>,
        check: crate::recovery::Check,
    ) -> Result<App, AppError> {
        let LoadedConfig { config, source } = loaded;
        let data_dir = data_dir_override
            .map(Path::to_path_buf)
            .unwrap_or_else(|| config.data_dir.clone());
        let db = data_dir.join(DB_FILE);
        // Private whatever the umask: the files hold full phone numbers and PIN hashes.
        crate::data_folder::secure(&data_dir, &db).map_err(|source| AppError::DataDir {
            path: data_dir.clone(),
            source,
        })?;
        if !crate::store::sqlite_version_ok() {
            return Err(AppError::Store(StoreError::Damaged(format!(
                "SQLite {} is older than 3.51.3 (WAL-reset bug); refusing to run",
                rusqlite::version()
            ))));
        }
        let clock = Clock::from_env()?;
        // A folder with backups, keys or slips in it has been used: a missing or empty
        // database there is damage (the newest good backup is restored), not a first run.
        let used = crate::data_folder::used_evidence(&data_dir);
        let (store, recovered, trouble) = match crate::recovery::open_or_recover(
            &db,
            &data_dir.join(crate::data_folder::BACKUP_DIR),
            clock.now(),
            used.as_deref(),
            check,
        ) {
            Ok((store, recovered)) => (store, recovered, None),
            Err(crate::recovery::RecoveryError::Store(refused)) if refused.is_unavailable() => {
                let (store, trouble) = open_for_reading(&data_dir, refused, check)?;
                (store, None, Some(trouble))
            }
            Err(err) => return Err(err.into()),
        };
        let in_use = KeysInUse {
            tokens: store.issued_tokens()?,
            id_hashes: store.holds_id_fingerprints()?,
        };
        // Checked by Config::validate, so this cannot fail for a loaded configuration.
        let unit_format = UnitFormat::parse(&config.compound.unit_format)
            .unwrap_or_else(|_| UnitFormat::parse("B-U-R").expect("the built-in unit format parses"));
        let keys = Keys::load_or_create(&data_dir, in_use)?;
        let printer = make_printer(&config.printer, &data_dir);
        let config_language = config.language;
        let app = App {
            config,
            config_source: source,
            data_dir,
            unit_format,
            keys,

            store: RefCell::new(store),
            printer: RefCell::new(Seat::Direct(printer)),
            clock,
            unrecorded_pin_lock: std::cell::Cell::new(None),
            lang: std::cell::Cell::new(config_language),
            storage_trouble: std::cell::Cell::new(trouble),
            deferred_jobs: RefCell::new(Vec::new()),
            dispatched: RefCell::new(std::collections::HashMap::new()),
        };
        if trouble.is_none() {
            // With a `[fleet]` table every record is queued for the central database
            // (triggers); without one there are none and the kiosk stands alone.
            let fleet = app
                .config
                .fleet
                .as_ref()
                .map(|f| (f.kiosk_id.as_str(), f.record_prefix.as_str()));
            app.store.borrow_mut().fleet_setup(fleet)?;
            app.seed_on_first_run(app.now())?;
            // Slips a killed process was sending when it stopped are owed again.
            // Best effort: a full disk must not stop the reads that still work.
            let _ = spool::owner::release_abandoned(&app.store.borrow(), app.now());
        }
        if let Some(recovered) = recovered {
            app.record_recovery(&recovered, app.now())?;
        }
        Ok(app)
    }

    /// After a restore from backup at start-up: remembered in `kiosk_meta`, written to
    /// the audit, and the desk told (urgently: records since the backup are missing).
    fn record_recovery(&self, r: &crate::recovery::Recovered, now: DateTime<Utc>) -> Result<(), AppError> {
        let name = |p: &Path| {
            p.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        };
        let damaged = r.damaged.as_deref().map_or_else(|| "-".to_string(), name);
        let detail = format!(
            "damaged: {} ({}); restored: {}; refused: {}",
            damaged,
            r.why,
            name(&r.backup),
            r.refused.iter().map(|p| name(p)).collect::<Vec<_>>().join(", ")
        );
        eprintln!(
            "lobby-kiosk: {}: {detail}",
            self.config.language.pick(
                "数据库已损坏或缺失，已自动从备份恢复；该备份之后的登记需人工核对补录",
                "the database was damaged or missing and has been restored from a backup; records made after that backup need to be checked and re-entered"
            )
        );
        {
            let store = self.store.borrow();
            store.set_meta("recovered_at", &crate::store::ts(now))?;
            store.set_meta("recovered_from", &name(&r.backup))?;
            store.set_meta(
                "recovered_damaged_file",
                &r.damaged
                    .as_deref()
                    .map_or_else(String::new, |p| p.display().to_string()),
            )?;
            store.audit("kiosk", "restore_after_damage", &name(&r.backup), &detail, now)?;
        }
        let kept = match &r.damaged {
            Some(path) => format!("损坏文件已保留 Damaged file kept: {}", path.display()),
            None => format!("原数据库文件缺失 The database file was missing ({})", r.why),
        };
        let notice = crate::notify::Notice::new(
            crate::notify::NoticeKind::SystemFault,
            "大堂终端数据库损坏或缺失，已自动从备份恢复 The kiosk's database was damaged or missing and has been restored from a backup",
        )
        .line(format!("备份 Backup: {}", name(&r.backup)))
        .line(kept)
        .line("该备份之后的登记需人工核对补录。Records made after that backup need to be checked and re-entered.")
        .urgent(true);
        crate::notify::outbox::tell_desk_in(&self.store(), &notice, now)?;
        Ok(())
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

    /// Why the database is open for reading only (a full disk, a read-only mount), or
    /// `None` when records can be saved.
    pub fn storage_trouble(&self) -> Option<Trouble> {
        self.storage_trouble.get()
    }

    /// While the database is open for reading only, tries a writable open again (the
    /// space freed, the card remounted) and uses it if it works. `true` when it did.
    pub fn reopen_writable(&self) -> bool {
        if !self.store.borrow().is_read_only() {
            return false;
        }
        match Store::open(&self.data_dir.join(DB_FILE)) {
            Ok(store) => {
                *self.store.borrow_mut() = store;
                self.storage_trouble.set(None);
                true
            }
            Err(_) => false,
        }
    }

    /// The time the journeys act at: the real clock unless fixed by [`App::set_now`].
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The clock itself, for threads that act at the kiosk's time (spooler, housekeeping).
    pub fn clock(&self) -> Clock {
        self.clock.clone()
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

    /// Runs `f` as one unit of work: everything it writes (a record, its audit row, its
    /// print job, its notice for the desk) commits together or not at all, whatever
    /// stops it (an error, a full disk, a kill). Slips registered inside are sent only
    /// once the unit has committed (see [`App::resolve`] for how they ended). A unit
    /// inside another is part of the outer one.
    pub fn atomic<T, E: From<StoreError>>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let outermost = self.store.borrow().begin_unit()?;
        let deferred_before = self.deferred_jobs.borrow().len();
        let result = f();
        let ended = self.store.borrow().end_unit(outermost, result.is_ok());
        let kept = result.is_ok() && ended.is_ok();
        if !kept {
            self.deferred_jobs.borrow_mut().truncate(deferred_before);
        }
        if outermost && kept {
            let jobs = std::mem::take(&mut *self.deferred_jobs.borrow_mut());
            for (job_id, job) in jobs {
                let printing = self.dispatch_job(job_id, job).unwrap_or(Printing::Failed);
                if printing != Printing::Pending(job_id) {
                    self.dispatched.borrow_mut().insert(job_id, printing);
                }
            }
        }
        let value = result?;
        ended?;
        Ok(value)
    }

    /// Whether a unit of work is open (slips registered now are sent when it commits).
    pub fn in_unit(&self) -> bool {
        self.store.borrow().in_unit()
    }

    /// Sends registered job `job_id` now, or once the open unit of work commits: then
    /// the answer is `Pending(job_id)` until [`App::resolve`] learns how it ended.
    pub fn send_or_defer(&self, job_id: i64, job: printing::PrintJob) -> Result<Printing, AppError> {
        if self.in_unit() {
            self.deferred_jobs.borrow_mut().push((job_id, job));
            return Ok(Printing::Pending(job_id));
        }
        self.dispatch_job(job_id, job)
    }

    /// How a slip sent after its unit of work committed ended, where that is known now
    /// (printed in-line by the command line); the spooler's jobs stay `Pending`.
    pub fn resolve(&self, printing: Printing) -> Printing {
        match printing {
            Printing::Pending(id) => self.dispatched.borrow_mut().remove(&id).unwrap_or(printing),
            other => other,
        }
    }

    /// A PIN lockout kept in memory because the database refused to record it.
    pub fn unrecorded_pin_lock(&self) -> Option<DateTime<Utc>> {
        self.unrecorded_pin_lock.get()
    }

    pub fn set_unrecorded_pin_lock(&self, until: DateTime<Utc>) {
        self.unrecorded_pin_lock.set(Some(until));
    }

    /// Lays out, encodes and sends one slip that is in no print register (a test slip,
    /// or the evacuation roster while the storage refuses writes), and waits for the
    /// printer's answer, whoever holds the printer. Nothing retries it later.
    pub fn print(&self, slip: &Slip) -> Result<(), AppError> {
        let job = self.make_job(slip)?;
        match &mut *self.printer.borrow_mut() {
            Seat::Direct(driver) => driver.send(&job)?,
            Seat::Spooled(spooler) => {
                // Two attempts (the printer and its fallback), each bounded by the timeout.
                let limit = std::time::Duration::from_millis(4 * u64::from(self.config.printer.timeout_ms) + 2000);
                spooler
                    .send_unregistered(job, limit)
                    .map_err(|why| AppError::Printer(printing::DriverError::Unavailable(why)))?
            }
            Seat::Moving => {
                return Err(AppError::Printer(printing::DriverError::Unavailable(
                    "the printer is being handed to the printing thread".into(),
                )))
            }
        }
        Ok(())
    }

    /// Encodes a slip for the configured printer, with a PNG preview only for the virtual
    /// printer, which files it (rendering one parses the font: wasted on a real printer).
    pub fn make_job(&self, slip: &Slip) -> Result<printing::PrintJob, printing::EncodeError> {
        let preview = self.config.printer.driver == PrinterDriverKind::Virtual;
        printing::make_job_for(slip, &self.encode_options(), preview)
    }

    /// Hands the printer to a spooler thread, so printing never blocks the UI. The kiosk
    /// does this at start; the command line keeps printing in-line.
    pub fn start_spooler(&self) -> Result<(), AppError> {
        let mut seat = self.printer.borrow_mut();
        if let Seat::Direct(_) = &*seat {
            let Seat::Direct(driver) = std::mem::replace(&mut *seat, Seat::Moving) else {
                unreachable!("checked above");
            };
            let p = &self.config.printer;
            let policy = RetryPolicy {
                every: std::time::Duration::from_secs(p.retry_seconds.into()),
                within: chrono::Duration::minutes(p.retry_within_minutes.into()),
            };
            let started = Spooler::start(driver, &self.data_dir.join(DB_FILE), self.clock.clone(), policy);
            *seat = Seat::Spooled(started?);
        }
        Ok(())
    }

    /// Sends registered job `job_id`: in-line (its outcome known now) or by the spooler.
    pub fn dispatch_job(&self, job_id: i64, job: printing::PrintJob) -> Result<Printing, AppError> {
        let mut seat = self.printer.borrow_mut();
        match &mut *seat {
            Seat::Direct(driver) => {
                let clock = self.clock.clone();
                let outcome =
                    self.with_store(|store| spool::job::run(store, driver.as_mut(), job_id, &job, || clock.now()))?;
                Ok(if outcome.printed {
                    Printing::Printed
                } else {
                    Printing::Failed
                })
            }
            Seat::Spooled(spooler) => {
                spooler.submit(job_id, job);
                Ok(Printing::Pending(job_id))
            }
            Seat::Moving => Ok(Printing::Failed),
        }
    }

    /// Spooled jobs not yet answered.
    pub fn printing_in_flight(&self) -> usize {
        match &*self.printer.borrow() {
            Seat::Spooled(spooler) => spooler.in_flight(),
            _ => 0,
        }
    }

    /// Asks the spooler to send owed slips now (staff's button); in-line printing has
    /// nothing owed in the background, so this retries them here, with the spooler's loop.
    pub fn retry_printing(&self) -> Result<(), AppError> {
        match &mut *self.printer.borrow_mut() {
            Seat::Spooled(spooler) => spooler.retry_now(),
            Seat::Direct(driver) => {
                let clock = self.clock.clone();
                let within = RetryPolicy::from_config(&self.config.printer).within;
                self.with_store(|store| {
                    spool::job::retry_owed(store, driver.as_mut(), within, || clock.now(), |_, _| {})
                })?;
            }
            Seat::Moving => {}
        }
        Ok(())
    }

    /// Blocks until spooled jobs are answered or `limit` passes (tests, shutdown).
    pub fn wait_for_printing(&self, limit: std::time::Duration) {
        let started = std::time::Instant::now();
        while self.printing_in_flight() > 0 && started.elapsed() < limit {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    pub fn encode_options(&self) -> printing::EncodeOptions {
        let p = &self.config.printer;
        printing::EncodeOptions {
            paper: p.paper,
            text_mode: p.text_mode,
            qr_mode: p.qr_mode,
        }
    }

    /// What the printer reports: asked now for in-line printing, the spooler's last
    /// reading in the kiosk (never blocks the UI). `None` where the driver cannot tell.
    pub fn printer_status(&self) -> Option<printing::StatusReport> {
        match &*self.printer.borrow() {
            Seat::Direct(driver) => driver.live_status(),
            Seat::Spooled(spooler) => spooler.view().status,
            Seat::Moving => None,
        }
    }

    /// Each configured printer (the primary, then the fallback if any) with what it
    /// says: asked now for in-line printing; the kiosk's spooler only knows the one it
    /// last used.
    pub fn printer_statuses(&self) -> Vec<(String, Option<printing::StatusReport>)> {
        match &*self.printer.borrow() {
            Seat::Direct(driver) => driver.live_statuses(),
            Seat::Spooled(spooler) => {
                let view = spooler.view();
                vec![(view.name, view.status)]
            }
            Seat::Moving => Vec::new(),
        }
    }

    /// The spooler's view of the printer for the staff screen (in-line: asked now).
    pub fn printer_view(&self) -> PrinterView {
        match &*self.printer.borrow() {
            Seat::Direct(driver) => PrinterView {
                name: driver.name().to_string(),
                status: driver.live_status(),
                checked_at: Some(self.now()),
                ..PrinterView::default()
            },
            Seat::Spooled(spooler) => spooler.view(),
            Seat::Moving => PrinterView::default(),
        }
    }

    pub fn printer_name(&self) -> String {
        match &*self.printer.borrow() {
            Seat::Direct(driver) => driver.name().to_string(),
            Seat::Spooled(spooler) => spooler.view().name,
            Seat::Moving => String::new(),
        }
    }
}
