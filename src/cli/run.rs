//! `lobby-kiosk run` (the kiosk itself) and `lobby-kiosk screenshot`.

use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;

use clap::Args;
use slint::ComponentHandle;

use super::{label, say, Outcome};
use crate::app::App;
use crate::i18n::Lang;
use crate::ui::screenshot::{self, Shot, PAGES};
use crate::ui::Kiosk;

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// A normal window instead of full screen, for development.
    #[arg(long)]
    pub windowed: bool,
    /// Print the time from start to the first frame shown, then exit (for benchmarks).
    #[arg(long)]
    pub exit_after_first_frame: bool,
}

#[derive(Debug, Args)]
pub struct ScreenshotArgs {
    /// List the pages that can be rendered.
    #[arg(long)]
    pub list: bool,
    /// The page to render (see --list); `all` renders every page into --out-dir.
    #[arg(long, required_unless_present = "list")]
    pub page: Option<String>,
    /// zh or en (default: the configured language).
    #[arg(long)]
    pub lang: Option<String>,
    /// Width x height in pixels.
    #[arg(long, default_value = "1280x800")]
    pub size: String,
    /// The PNG file to write.
    #[arg(long, required_unless_present_any = ["list", "out_dir"])]
    pub out: Option<PathBuf>,
    /// With `--page all`: the folder for `<page>-<lang>-<size>.png` files.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

pub fn run(app: Rc<App>, args: &RunArgs, started: Instant) -> Outcome {
    let lang = app.config.language;
    let fullscreen = app.config.kiosk.fullscreen && !args.windowed;
    let kiosk = match Kiosk::new(app) {
        Ok(k) => k,
        Err(err) => {
            eprintln!("{}{err}", label(lang, "无法打开显示屏", "Cannot open the display"));
            return Outcome::Negative;
        }
    };
    if fullscreen {
        kiosk.lock_in();
        crate::ui::cover_monitor(&kiosk.window);
    }
    // Desk notices go out from a thread of their own; kept alive while the kiosk runs.
    let app = kiosk.app().clone();
    let _outbox = crate::notify::outbox::spawn(
        app.data_dir.join(crate::app::DB_FILE),
        &app.config.notify,
        std::time::Duration::from_secs(5),
        app.clock(),
    );

    // The whole-file check starts a second after the event loop, once the first frame is
    // up, so it does not take the CPU from it (see `journeys::health`; a write before then
    // runs the check itself). If it finds damage the window closes and `cli::run_kiosk`
    // recovers as a start would.
    if let Some(check) = crate::journeys::health::integrity_check(&app.data_dir.join(crate::app::DB_FILE)) {
        slint::Timer::single_shot(std::time::Duration::from_secs(1), move || {
            check.start_in_background(|| {
                let _ = slint::invoke_from_event_loop(|| {
                    let _ = slint::quit_event_loop();
                });
            });
        });
    }

    // Tell systemd (Type=notify) the kiosk is up once the event loop has started.
    #[cfg(unix)]
    slint::Timer::single_shot(std::time::Duration::ZERO, || {
        let _ = crate::watchdog::ready();
    });
    if args.exit_after_first_frame {
        let weak = kiosk.window.as_weak();
        let noted = kiosk.window.window().set_rendering_notifier(move |state, _| {
            if matches!(state, slint::RenderingState::AfterRendering) {
                outln!("first frame after {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
                if let Some(w) = weak.upgrade() {
                    let _ = w.hide();
                }
                let _ = slint::quit_event_loop();
            }
        });
        if noted.is_err() {
            // The software renderer has no rendering notifier, and the first timer tick
            // comes before the window is even created: say so rather than pretend.
            // benches/startup.sh times the first frame on screen from outside.
            slint::Timer::single_shot(std::time::Duration::ZERO, move || {
                outln!(
                    "event loop started after {:.1} ms (no frame notifier with this renderer)",
                    started.elapsed().as_secs_f64() * 1000.0
                );
                let _ = slint::quit_event_loop();
            });
        }
    }
    match kiosk.window.run() {
        Ok(()) if kiosk.exit_requested() => Outcome::ClosedByStaff,
        Ok(()) => Outcome::Success,
        Err(err) => {
            eprintln!("{}{err}", label(lang, "显示出错", "Display error"));
            Outcome::Negative
        }
    }
}

pub fn list_pages() -> Outcome {
    for (name, what) in PAGES {
        outln!("{name:<14} {what}");
    }
    Outcome::Success
}

pub fn screenshot(app: Rc<App>, args: &ScreenshotArgs, default_lang: Lang) -> Outcome {
    let lang = match &args.lang {
        None => default_lang,
        Some(code) => match Lang::from_code(code) {
            Some(lang) => lang,
            None => {
                eprintln!(
                    "{}{code}",
                    label(
                        default_lang,
                        "不支持的语言，请用 zh 或 en",
                        "Unsupported language, use zh or en"
                    )
                );
                return Outcome::Usage;
            }
        },
    };
    let (width, height) = match screenshot::parse_size(&args.size) {
        Ok(size) => size,
        Err(err) => {
            eprintln!("{err}");
            return Outcome::Usage;
        }
    };
    let page = args.page.clone().unwrap_or_default();
    let shots: Vec<Shot> = if page == "all" {
        let Some(dir) = &args.out_dir else {
            eprintln!(
                "{}",
                say(default_lang, "--page all 需要 --out-dir", "--page all needs --out-dir")
            );
            return Outcome::Usage;
        };
        PAGES
            .iter()
            .map(|(name, _)| Shot {
                page: name.to_string(),
                lang,
                width,
                height,
                out: dir.join(format!("{name}-{}-{width}x{height}.png", lang.code())),
            })
            .collect()
    } else {
        let Some(out) = args.out.clone().or_else(|| {
            args.out_dir
                .as_ref()
                .map(|d| d.join(format!("{page}-{}.png", lang.code())))
        }) else {
            return Outcome::Usage;
        };
        vec![Shot {
            page,
            lang,
            width,
            height,
            out,
        }]
    };
    match screenshot::take(app, &shots) {
        Ok(()) => {
            for shot in &shots {
                outln!("{}", shot.out.display());
            }
            Outcome::Success
        }
        Err(err @ screenshot::ScreenshotError::UnknownPage(_)) | Err(err @ screenshot::ScreenshotError::BadSize(_)) => {
            eprintln!("{err}");
            Outcome::Usage
        }
        Err(err) => {
            eprintln!("{err}");
            Outcome::Negative
        }
    }
}
