//! Wires the window to the app: branding, language, clock, idle reset and navigation.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use chrono::{DateTime, Datelike, Utc};
use slint::{ComponentHandle, Timer, TimerMode};

use super::idle::{IdleAction, IdleClock};
use super::input_adapter::InputState;
use super::print_watch::{self, PrintWatch};
use super::resident_adapter::ResidentJourney;
use super::staff_adapter::StaffMode;
use super::visitor_adapter::VisitorJourney;
use super::worker_adapter::WorkerJourney;
use super::{AppState, AppWindow, InputAdapter, Page, Palette};
use crate::app::App;
use crate::config::parse_hex_color;
use crate::daily_care::Housekeeper;
use crate::domain::token::TokenKind;
use crate::i18n::Lang;
use crate::input::scan::Scanned;

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error("the window could not be created: {0}")]
    Platform(#[from] slint::PlatformError),
    #[error(transparent)]
    App(#[from] crate::app::AppError),
    #[error("the housekeeping thread could not be started: {0}")]
    Housekeeping(std::io::Error),
}

/// The kiosk's window and the timers that keep it alive.
pub struct Kiosk {
    pub window: AppWindow,
    app: Rc<App>,
    idle: Rc<RefCell<IdleClock>>,
    parts: Rc<Parts>,
    _tick: Timer,
    _print_tick: Timer,
    /// The daily purge and backup, on their own thread; stopped when the kiosk is dropped.
    housekeeping: Rc<Housekeeper>,
    /// The fleet's sync thread (own SQLite connection), when a `[fleet]` table is set.
    _sync: Option<crate::fleet::sync::SyncThread>,
}

/// Hands the bundled fonts ([`crate::fonts`]) to the window's renderer, as Slint's
/// generated code does for a font `import`ed in a `.slint` file, but with the bytes slip
/// printing already embeds: one copy in the binary instead of two. Slint 1.18 has no
/// public call for a font in memory, so this goes through its `private_unstable_api` (the
/// version is pinned in Cargo.toml). Registered before the window is shown, so the first
/// layout already uses them.
///
/// `default-font-family` names one family and Slint falls back to the generic sans-serif
/// and system-ui families, which on a kiosk with no fonts installed hold nothing. So the
/// Extension font is put first in both: a character WenQuanYi Micro Hei lacks (䶮, 𠀀)
/// is drawn with it instead of as a box.
fn register_fonts(window: &AppWindow) {
    use slint::private_unstable_api::re_exports::WindowInner;
    let inner = WindowInner::from_pub(window.window());
    let adapter = inner.window_adapter();
    for bytes in [crate::fonts::MAIN_FONT, crate::fonts::EXT_FONT] {
        if let Err(err) = adapter.renderer().register_font_from_memory(bytes) {
            eprintln!("lobby-kiosk: a bundled font could not be registered: {err}");
            return;
        }
    }
    let mut fonts = inner.context().font_context().borrow_mut();
    let collection = &mut fonts.collection;
    let Some(ext) = collection.family_id(crate::fonts::EXT_FAMILY) else {
        eprintln!("lobby-kiosk: the CJK Extension font is not in the window's font collection");
        return;
    };
    for generic in [fontique::GenericFamily::SansSerif, fontique::GenericFamily::SystemUi] {
        let mut chain = vec![ext];
        chain.extend(collection.generic_families(generic).filter(|&id| id != ext));
        collection.set_generic_families(generic, chain.into_iter());
    }
}

impl Kiosk {
    /// Creates the window on the current Slint platform (winit on a device, the software
    /// renderer for screenshots, the testing backend in tests).
    pub fn new(app: Rc<App>) -> Result<Kiosk, UiError> {
        let window = AppWindow::new()?;
        register_fonts(&window);
        let kiosk_cfg = &app.config.kiosk;
        let idle = Rc::new(RefCell::new(IdleClock::new(
            kiosk_cfg.idle_timeout_secs,
            kiosk_cfg.idle_warning_secs,
        )));
        // Printing happens on the spooler's thread from here on; screens wait for slips
        // through the print watch.
        app.start_spooler()?;
        // So is the daily purge and backup: the minute tick only wakes that thread.
        let housekeeping = Rc::new(
            Housekeeper::start(
                &app.data_dir.join(crate::app::DB_FILE),
                app.config.clone(),
                app.data_dir.clone(),
                app.clock(),
            )
            .map_err(UiError::Housekeeping)?,
        );
        let sync = match &app.config.fleet {
            Some(fleet) => Some(
                crate::fleet::sync::SyncThread::start(
                    fleet.clone(),
                    app.data_dir.join(crate::app::DB_FILE),
                    crate::fleet::sync::key_changes(fleet, &app.keys),
                    app.clock(),
                    crate::fleet::sync::EVERY,
                )
                .map_err(UiError::Housekeeping)?,
            ),
            None => None,
        };
        let watch = PrintWatch::new(&window, &app);
        let input = InputState::install(&window, &app);
        let visitor = VisitorJourney::install(&window, &app, &watch);
        let worker = WorkerJourney::install(&window, &app, &watch);
        let resident = ResidentJourney::install(&window, &app, &watch);
        let staff = StaffMode::install(&window, &app, &watch);
        {
            let resident = resident.clone();
            let visitor = visitor.clone();
            let worker = worker.clone();
            input.set_scan_handler(Box::new(move |w, scanned| match scanned {
                Scanned::InviteCode(code) => {
                    visitor.scanned_invite(w, code);
                    true
                }
                Scanned::Token(TokenKind::Invite, token) => {
                    visitor.scanned_invite(w, token);
                    true
                }
                Scanned::Token(TokenKind::Visit, token) => {
                    visitor.scanned_slip(w, token);
                    true
                }
                Scanned::Token(TokenKind::Pass, token) => {
                    worker.scanned_pass(w, token);
                    true
                }
                Scanned::Token(TokenKind::Permit, token) => {
                    worker.scanned_permit(w, token);
                    true
                }
                Scanned::Token(TokenKind::Ticket, token) => {
                    resident.scanned_ticket(w, token, true);
                    true
                }
                Scanned::TicketNumber(number) => {
                    resident.scanned_ticket(w, number, false);
                    true
                }
                _ => false,
            }));
        }
        let parts = Rc::new(Parts {
            watch,
            input,
            visitor,
            worker,
            resident,
            staff,
        });
        apply_branding(&window, &app);
        apply_language(&window, &app, &parts, app.config.language);

        let state = window.global::<AppState>();
        {
            let idle = idle.clone();
            let weak = window.as_weak();
            state.on_activity(move || {
                idle.borrow_mut().touch();
                if let Some(w) = weak.upgrade() {
                    w.global::<AppState>().set_idle_warning(false);
                    w.global::<InputAdapter>().set_scan_not_recognised(false);
                }
            });
        }
        {
            let weak = window.as_weak();
            let app = app.clone();
            let parts = parts.clone();
            state.on_set_language(move |code| {
                if let (Some(w), Some(lang)) = (weak.upgrade(), Lang::from_code(&code)) {
                    apply_language(&w, &app, &parts, lang);
                }
            });
        }
        {
            let weak = window.as_weak();
            state.on_staff_entry(move || {
                if let Some(w) = weak.upgrade() {
                    w.global::<AppState>().invoke_navigate(Page::Staff);
                }
            });
        }
        {
            let weak = window.as_weak();
            let parts = parts.clone();
            state.on_went_home(move || {
                if let Some(w) = weak.upgrade() {
                    parts.reset(&w);
                }
            });
        }

        let tick = Timer::default();
        {
            let weak = window.as_weak();
            let app = app.clone();
            let idle = idle.clone();
            let parts = parts.clone();
            let housekeeping = housekeeping.clone();
            let mut ticks: u32 = 0;
            let mut upkeep_due = false;
            let db = app.data_dir.join(crate::app::DB_FILE);
            let mut storage = super::storage_notice::Watch::default();
            tick.start(TimerMode::Repeated, Duration::from_secs(1), move || {
                ticks = ticks.wrapping_add(1);
                #[cfg(unix)]
                if ticks.is_multiple_of(10) {
                    // A frozen UI stops these pings and systemd restarts the kiosk.
                    let _ = crate::watchdog::ping();
                }
                upkeep_due |= ticks % 60 == 1;
                // The minute's upkeep writes, and a first write waits for the whole-file
                // check: run here while the check is still to come, it ran the check on
                // this thread and froze the screen a second after every start (seconds on a
                // five-year database). So it waits for the check's verdict (for five
                // minutes at most: a check that never started would otherwise stop it).
                if upkeep_due && (ticks > 300 || !crate::journeys::health::integrity_pending(&db)) {
                    upkeep_due = false;
                    // Visitors whose slips expired are signed out and flagged for the desk;
                    // waiting visits nobody decided by the end of their day expire.
                    let _ = crate::journeys::visitor::sweep_expired(&app, app.now());
                    // The day's purge and backup, once per local day at `backup.time`, on
                    // the housekeeping thread (a VACUUM must not freeze the screen).
                    housekeeping.kick();
                    // The day's summary prints by itself at the configured time, once a
                    // day (up to a minute late).
                    let _ = crate::journeys::daily::print_if_due(&app, app.now());
                }
                if let Some(w) = weak.upgrade() {
                    update_clock(&w, &app, app.now());
                    storage.tick(&w, &app);

                    on_idle_tick(&w, &app, &parts, &idle);
                }
            });
        }
        let print_tick = Timer::default();
        {
            let watch = parts.watch.clone();
            print_tick.start(TimerMode::Repeated, print_watch::TICK, move || watch.tick());
        }
        Ok(Kiosk {
            window,
            app,
            idle,
            parts,
            _tick: tick,
            _print_tick: print_tick,
            housekeeping,
            _sync: sync,
        })
    }

    /// The daily housekeeping thread (tests: its hold and its progress).
    pub fn housekeeping(&self) -> &Housekeeper {
        &self.housekeeping
    }

    /// Waits (in real time, up to `limit`) for the daily housekeeping to finish what the
    /// minute tick asked of it; whether it did. For tests and tools.
    pub fn settle_housekeeping(&self, limit: Duration) -> bool {
        self.housekeeping.wait_idle(limit)
    }

    /// Waits (in real time, up to `limit`) for the printing thread to finish what it was
    /// given, then lets waiting screens see the outcome, as the next watch tick would.
    /// For tests and tools that drive the kiosk without an event loop.
    pub fn settle_printing(&self, limit: Duration) {
        self.app.wait_for_printing(limit);
        self.parts.watch.check();
    }

    /// Waits (in real time, up to `limit`) for a staff PIN being checked off the UI
    /// thread and shows its answer, as the next tick would; whether nothing is left
    /// pending. For tests and tools that drive the kiosk without an event loop.
    pub fn settle_pin_check(&self, limit: Duration) -> bool {
        self.parts.staff.settle_pin_check(limit)
    }

    pub fn app(&self) -> &Rc<App> {
        &self.app
    }

    /// Seconds until the idle reset, for tests and diagnostics.
    pub fn idle_seconds_left(&self) -> u32 {
        self.idle.borrow().seconds_left()
    }

    pub fn set_language(&self, lang: Lang) {
        apply_language(&self.window, &self.app, &self.parts, lang);
    }

    /// Forgets every journey's state, as going home does.
    pub fn reset_journeys(&self) {
        self.parts.reset(&self.window);
    }

    /// Kiosk mode: no window frame, and the window refuses to close (Alt+F4, the
    /// compositor's close): a visitor has no way out. Staff quit from staff mode.
    pub fn lock_in(&self) {
        self.window.global::<AppState>().set_frameless(true);
        self.window
            .window()
            .on_close_requested(|| slint::CloseRequestResponse::KeepWindowShown);
    }

    /// Whether the maintenance notice covers the screen (records cannot be saved).
    pub fn in_maintenance(&self) -> bool {
        self.window.global::<AppState>().get_maintenance()
    }

    /// Whether a supervisor closed the program from staff mode.
    pub fn exit_requested(&self) -> bool {
        self.parts.staff.exit_requested()
    }

    pub fn show_page(&self, page: Page) {
        self.window.global::<AppState>().invoke_navigate(page);
    }
}

fn on_idle_tick(window: &AppWindow, app: &App, parts: &Parts, idle: &RefCell<IdleClock>) {
    let state = window.global::<AppState>();
    let on_home = state.get_page() == Page::Home;
    let action = idle.borrow_mut().tick(on_home);
    match action {
        IdleAction::Wait => state.set_idle_warning(false),
        IdleAction::Warn(left) => {
            state.set_idle_seconds_left(left as i32);
            state.set_idle_warning(true);
        }
        IdleAction::Reset => {
            state.set_idle_warning(false);
            state.set_page(Page::Home);
            parts.reset(window);
            if state.get_language() != app.config.language.code() {
                apply_language(window, app, parts, app.config.language);
            }
        }
    }
}

/// Everything on screen that holds what a person typed.
struct Parts {
    watch: Rc<PrintWatch>,
    input: Rc<InputState>,
    visitor: Rc<VisitorJourney>,
    worker: Rc<WorkerJourney>,
    resident: Rc<ResidentJourney>,
    staff: Rc<StaffMode>,
}

impl Parts {
    /// Forgets everything a person typed. Each journey adds its own reset here.
    fn reset(&self, window: &AppWindow) {
        self.watch.forget();
        self.input.reset(window);
        self.visitor.reset(window);
        self.worker.reset(window);
        self.resident.reset(window);
        self.staff.reset(window);
    }
}

fn apply_branding(window: &AppWindow, app: &App) {
    if let Some((r, g, b)) = parse_hex_color(&app.config.branding.primary_color) {
        window.global::<Palette>().set_brand(slint::Color::from_rgb_u8(r, g, b));
    }
    let state = window.global::<AppState>();
    state.set_hotline(app.config.compound.hotline.clone().into());
    let logo = &app.config.branding.logo;
    if !logo.is_empty() {
        match slint::Image::load_from_path(std::path::Path::new(logo)) {
            Ok(image) => {
                state.set_logo(image);
                state.set_has_logo(true);
            }
            Err(_) => eprintln!("lobby-kiosk: logo {logo} could not be loaded; showing the compound's initial"),
        }
    }
}

fn apply_language(window: &AppWindow, app: &App, parts: &Parts, lang: Lang) {
    // Fails only when no translations are bundled, which the build guarantees against.
    let _ = slint::select_bundled_translation(lang.bundle_name());
    app.set_lang(lang);
    let state = window.global::<AppState>();
    state.set_language(lang.code().into());
    let name = app.config.compound_name(lang);
    state.set_compound_name(name.into());
    state.set_logo_initial(name.chars().next().map(String::from).unwrap_or_default().into());
    state.set_company_name(
        lang.pick(&app.config.compound.company, &app.config.compound.company_en)
            .into(),
    );
    parts.input.apply_language(window, app, lang);
    parts.resident.apply_language(window, lang);
    update_clock(window, app, app.now());
}

fn update_clock(window: &AppWindow, app: &App, now: DateTime<Utc>) {
    let local = now.with_timezone(&app.config.tz());
    let state = window.global::<AppState>();
    let lang = Lang::from_code(&state.get_language()).unwrap_or_default();
    state.set_clock(local.format("%H:%M").to_string().into());
    state.set_date_text(date_text(local.date_naive(), lang).into());
}

/// "2026年11月27日 星期五" or "Fri 27 Nov 2026".
pub fn date_text(date: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            let day = DAYS[date.weekday().num_days_from_monday() as usize];
            format!("{}年{}月{}日 星期{}", date.year(), date.month(), date.day(), day)
        }
        Lang::En => date.format("%a %-d %b %Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally_in_both_languages() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(date_text(d, Lang::Zh), "2026年11月27日 星期五");
        assert_eq!(date_text(d, Lang::En), "Fri 27 Nov 2026");
    }
}
