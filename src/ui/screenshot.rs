//! Renders pages to PNG with Slint's software renderer, no display needed: for the
//! README, for review, and for checking what a page shows.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::ComponentHandle;
use slint::Rgb8Pixel;

use super::{
    AppState, CheckTab, FieldProblem, InputAdapter, InputCheck, KeyboardMode, Kiosk, Page, ScanKind, UiError,
    VisitorAdapter, VisitorStep, WorkerAdapter, WorkerRefusal, WorkerStep,
};
use super::{OnSiteLine, OpenTicket, ResidentAdapter, ResidentStep, StaffAdapter, StaffStep, WaitingVisit};
use crate::app::App;
use crate::i18n::Lang;

/// The pages (and states of pages) that can be rendered, with what each shows.
pub const PAGES: &[(&str, &str)] = &[
    (
        "home",
        "home page: greeting, the three journeys, language toggle, clock, hotline",
    ),
    ("visitor", "visitor registration"),
    ("worker", "renovation worker pass"),
    ("resident", "resident services"),
    ("staff", "staff mode"),
    (
        "idle-warning",
        "the \"are you still there?\" warning before the idle reset",
    ),
    ("scan-unknown", "a scanned code the kiosk cannot use, answered politely"),
    (
        "maintenance",
        "records cannot be saved (full disk, read-only storage): the polite maintenance notice",
    ),
    (
        "visitor-details",
        "visitor: type, party size, company and the privacy notice with consent",
    ),
    (
        "visitor-waiting",
        "visitor: \"please wait, we are contacting the resident\"",
    ),
    (
        "visitor-surname",
        "visitor: the surname step, the 100 most common surnames and the page buttons",
    ),
    (
        "visitor-surname-typed",
        "visitor: a surname typed in pinyin, with the way back to the grid",
    ),
    ("visitor-approved", "visitor: registered, slip printed"),
    ("worker-issued", "worker: pass printed"),
    ("worker-refused", "worker: outside renovation hours, explained politely"),
    (
        "resident-menu",
        "resident services: the request types after identification",
    ),
    (
        "resident-emergency",
        "resident services: an emergency, the on-duty number shown at once",
    ),
    (
        "resident-time",
        "resident services: when the request should be handled, the time chips",
    ),
    (
        "resident-done",
        "resident services: ticket recorded, with the satisfaction tap",
    ),
    (
        "staff-dashboard",
        "staff mode: waiting visitors, who is on site, open tickets",
    ),
    (
        "staff-renovation",
        "staff mode: today's worker passes and the renovation permits",
    ),
    ("staff-lists", "staff mode: the deny list and invites"),
    (
        "staff-handover",
        "staff mode: a shift handover waiting to be taken over",
    ),
    (
        "staff-permit",
        "staff mode: a new renovation filing, on its review page",
    ),
    (
        "input-phone",
        "numeric keypad for a mobile number, with its polite hint",
    ),
    (
        "input-unit",
        "numeric keypad for a room number (building-unit-room) with a format problem",
    ),
    ("input-pin", "numeric keypad in PIN mode: dots only"),
    (
        "input-surnames",
        "surname grid: the most common surnames as one-tap tiles",
    ),
    ("input-pinyin", "pinyin keyboard with candidates for \"zhang\""),
    ("input-latin", "Latin keyboard for English names"),
    ("input-scanner", "the scanner check after a ticket slip was scanned"),
];

#[derive(Debug, thiserror::Error)]
pub enum ScreenshotError {
    #[error("unknown page `{0}`; `screenshot --list` names the pages")]
    UnknownPage(String),
    #[error("size must look like 1920x1080, found `{0}`")]
    BadSize(String),
    #[error("the renderer could not start: {0}")]
    Platform(String),
    #[error(transparent)]
    Ui(#[from] UiError),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}

/// One picture to take.
#[derive(Debug, Clone)]
pub struct Shot {
    pub page: String,
    pub lang: Lang,
    pub width: u32,
    pub height: u32,
    pub out: PathBuf,
}

pub fn parse_size(text: &str) -> Result<(u32, u32), ScreenshotError> {
    let bad = || ScreenshotError::BadSize(text.to_string());
    let (w, h) = text.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let (w, h) = (
        w.trim().parse::<u32>().map_err(|_| bad())?,
        h.trim().parse::<u32>().map_err(|_| bad())?,
    );
    if !(320..=7680).contains(&w) || !(240..=4320).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

struct ShotPlatform {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for ShotPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
}

/// The kiosk on an off-screen software window (sets the Slint platform: once per process).
fn offscreen_kiosk(app: Rc<App>) -> Result<(Rc<MinimalSoftwareWindow>, Kiosk), ScreenshotError> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(ShotPlatform { window: window.clone() }))
        .map_err(|e| ScreenshotError::Platform(e.to_string()))?;
    let kiosk = Kiosk::new(app)?;
    kiosk
        .window
        .show()
        .map_err(|e| ScreenshotError::Platform(e.to_string()))?;
    Ok((window, kiosk))
}

/// Takes every shot in one process (the Slint platform can be set only once).
pub fn take(app: Rc<App>, shots: &[Shot]) -> Result<(), ScreenshotError> {
    for shot in shots {
        if !PAGES.iter().any(|(name, _)| *name == shot.page) {
            return Err(ScreenshotError::UnknownPage(shot.page.clone()));
        }
    }
    render_staged(
        app,
        shots,
        |_, _| {},
        |shot, pixels| write_png(&shot.out, shot.width, shot.height, &pixels),
    )
}

/// Draws each shot as [`take`] does, after `adjust` has changed the staged page (a test's
/// own text on it), and hands each frame's pixels (row by row, `width` a row) to `each`.
/// Sets the Slint platform, so it runs once per process.
pub fn render_staged(
    app: Rc<App>,
    shots: &[Shot],
    adjust: impl Fn(&Kiosk, &Shot),
    mut each: impl FnMut(&Shot, Vec<Rgb8Pixel>) -> Result<(), ScreenshotError>,
) -> Result<(), ScreenshotError> {
    let (window, kiosk) = offscreen_kiosk(app)?;
    for shot in shots {
        stage(&kiosk, shot);
        adjust(&kiosk, shot);
        window.set_size(slint::PhysicalSize::new(shot.width, shot.height));
        each(shot, render_frame(&window, shot.width, shot.height))?;
    }
    Ok(())
}

/// Puts a kiosk on any platform (the testing backend too) in the state a page name of
/// [`PAGES`] names, so what a screenshot shows can also be read and checked in tests.
pub fn stage_page(kiosk: &Kiosk, page: &str, lang: Lang) {
    let shot = Shot {
        page: page.to_string(),
        lang,
        width: 1280,
        height: 800,
        out: PathBuf::new(),
    };
    stage(kiosk, &shot);
}

/// Timings of one page for the repaint benchmark.
#[derive(Debug, Clone)]
pub struct RepaintTiming {
    pub page: String,
    /// Switching to the page (from the previous one) and drawing its first frame.
    pub transition: std::time::Duration,
    /// Each of `frames` full repaints (the whole window redrawn into a fresh buffer).
    pub frames: Vec<std::time::Duration>,
}

/// Renders every page of [`PAGES`] that `wanted` accepts `frames` times at
/// `width`×`height` with the software renderer, as full repaints, for the performance
/// benchmarks. Sets the Slint platform, so it runs once per process, like [`take`].
pub fn repaint_timings(
    app: Rc<App>,
    lang: Lang,
    width: u32,
    height: u32,
    frames: usize,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<RepaintTiming>, ScreenshotError> {
    use std::time::Instant;
    let (window, kiosk) = offscreen_kiosk(app)?;
    window.set_size(slint::PhysicalSize::new(width, height));
    let mut buffer = vec![Rgb8Pixel::default(); (width * height) as usize];
    let draw = |buffer: &mut [Rgb8Pixel]| {
        slint::platform::update_timers_and_animations();
        window.request_redraw();
        window.draw_if_needed(|renderer| {
            renderer.render(buffer, width as usize);
        });
    };
    draw(&mut buffer);
    let mut out = Vec::new();
    for (page, _) in PAGES.iter().filter(|(page, _)| wanted(page)) {
        let shot = Shot {
            page: page.to_string(),
            lang,
            width,
            height,
            out: PathBuf::new(),
        };
        let started = Instant::now();
        stage(&kiosk, &shot);
        draw(&mut buffer);
        let transition = started.elapsed();
        let times = (0..frames)
            .map(|_| {
                let t = Instant::now();
                draw(&mut buffer);
                t.elapsed()
            })
            .collect();
        out.push(RepaintTiming {
            page: page.to_string(),
            transition,
            frames: times,
        });
    }
    Ok(out)
}

/// Puts the kiosk in the state the shot names.
fn stage(kiosk: &Kiosk, shot: &Shot) {
    kiosk.reset_journeys();
    kiosk.set_language(shot.lang);

    let state = kiosk.window.global::<AppState>();
    state.set_idle_warning(false);
    state.set_maintenance(shot.page == "maintenance");
    let input = kiosk.window.global::<InputAdapter>();
    input.set_scan_not_recognised(false);
    input.set_surname_typing_first(shot.page == "visitor-surname-typed");
    let check = kiosk.window.global::<InputCheck>();
    check.set_result("".into());
    let page = match shot.page.as_str() {
        "visitor" | "idle-warning" => Page::Visitor,
        name if name.starts_with("visitor-") => Page::Visitor,
        "worker" => Page::Worker,
        name if name.starts_with("worker-") => Page::Worker,
        name if name.starts_with("resident-") => Page::Resident,
        name if name.starts_with("staff-") => Page::Staff,
        "resident" => Page::Resident,
        "staff" => Page::Staff,
        name if name.starts_with("input-") => Page::InputCheck,
        _ => Page::Home,
    };
    state.set_page(page);
    match shot.page.as_str() {
        "idle-warning" => {
            state.set_idle_seconds_left(8);
            state.set_idle_warning(true);
        }
        "scan-unknown" => input.set_scan_not_recognised(true),
        "visitor-surname" | "visitor-surname-typed" => {
            let v = kiosk.window.global::<VisitorAdapter>();
            v.set_unit("3-2-1201".into());
            v.set_step(VisitorStep::Surname);
            if shot.page == "visitor-surname-typed" {
                input.invoke_pinyin_clear();
                for c in "zhang".chars() {
                    input.invoke_pinyin_letter(c.to_string().into());
                }
            }
        }
        "visitor-details" | "visitor-waiting" | "visitor-approved" => {
            let v = kiosk.window.global::<VisitorAdapter>();
            v.set_unit("3-2-1201".into());
            v.set_surname("王".into());
            v.set_visit_no("V20261127-0003".into());
            v.set_waited_secs(95);
            v.set_step(match shot.page.as_str() {
                "visitor-details" => VisitorStep::Details,
                "visitor-waiting" => VisitorStep::Waiting,
                _ => VisitorStep::Approved,
            });
        }
        "resident-menu" | "resident-emergency" | "resident-time" | "resident-done" => stage_resident(kiosk, shot),
        "staff-dashboard" | "staff-renovation" | "staff-lists" | "staff-handover" | "staff-permit" => {
            stage_staff(kiosk, shot)
        }
        "worker-issued" | "worker-refused" => {
            let w = kiosk.window.global::<WorkerAdapter>();
            w.set_unit("2-1-302".into());
            w.set_worker_name("张*明".into());
            w.set_pass_no("W20261127-0001".into());
            w.set_valid_until("12:00".into());
            w.set_hours_text(
                shot.lang
                    .pick("08:00–12:00、14:00–18:00", "08:00–12:00, 14:00–18:00")
                    .into(),
            );

            w.set_next_start("14:00".into());
            w.set_refusal(WorkerRefusal::OutsideHours);
            w.set_step(if shot.page == "worker-issued" {
                WorkerStep::Issued
            } else {
                WorkerStep::Refused
            });
        }
        "input-phone" => {
            check.set_tab(CheckTab::Phone);
            check.set_phone("1391234".into());
        }
        "input-unit" => {
            check.set_tab(CheckTab::Unit);
            check.set_unit("3-2".into());
            check.set_unit_problem(FieldProblem::UnitFormat);
        }
        "input-pin" => {
            check.set_tab(CheckTab::Pin);
            check.set_pin("1234".into());
        }
        "input-surnames" => check.set_tab(CheckTab::Surname),
        "input-pinyin" | "input-latin" => {
            check.set_tab(CheckTab::Text);
            input.invoke_pinyin_clear();
            let latin = shot.page == "input-latin";
            check.set_keyboard(if latin {
                KeyboardMode::Latin
            } else {
                KeyboardMode::Pinyin
            });
            if !latin {
                for c in "zhang".chars() {
                    input.invoke_pinyin_letter(c.to_string().into());
                }
            }
        }
        "input-scanner" => {
            check.set_tab(CheckTab::Scanner);
            input.set_last_scan_kind(ScanKind::TicketNumber);
            input.set_last_scan_text("R20261127-0007".into());
        }
        _ => {}
    }
}

fn stage_resident(kiosk: &Kiosk, shot: &Shot) {
    let r = kiosk.window.global::<ResidentAdapter>();
    r.set_unit("3-2-1201".into());
    match shot.page.as_str() {
        "resident-menu" => r.set_step(ResidentStep::Menu),
        "resident-emergency" => r.invoke_type_chosen("emergency_repair".into()),
        "resident-time" => {
            r.set_type_label(shot.lang.pick("报修", "Repair").into());
            r.set_choice_label(shot.lang.pick("水管漏水", "Leaking pipe").into());
            r.set_preferred_time("tomorrow_am".into());
            r.set_step(ResidentStep::Details);
        }
        _ => {
            r.set_ticket_no("R20261127-0007".into());
            r.set_due_text("11-28 10:30".into());
            r.set_step(ResidentStep::Done);
        }
    }
}

fn stage_staff(kiosk: &Kiosk, shot: &Shot) {
    let model = |v| slint::ModelRc::new(slint::VecModel::from(v));
    let st = kiosk.window.global::<StaffAdapter>();
    st.set_staff_name("李明".into());
    st.set_waiting(slint::ModelRc::new(slint::VecModel::from(vec![WaitingVisit {
        id: 1,
        number: "V20261127-0003".into(),
        unit: "3-2-1201".into(),
        visitor: "王*".into(),
        kind: shot.lang.pick("亲友来访", "Guest").into(),
        held: false,
        reason: "".into(),
        since: "10:05".into(),
    }])));
    st.set_on_site(model(vec![OnSiteLine {
        kind: shot.lang.pick("施工", "Worker").into(),
        number: "W20261127-0001".into(),
        unit: "2-1-302".into(),
        name: "张*明".into(),
        since: "08:00".into(),
    }]));
    st.set_on_site_people(1);
    st.set_tickets(slint::ModelRc::new(slint::VecModel::from(vec![OpenTicket {
        number: "R20261127-0007".into(),
        unit: "3-2-1201".into(),
        kind: shot.lang.pick("维修", "Repair").into(),
        status: shot.lang.pick("已受理", "Received").into(),
        due: "10:30".into(),
        overdue: false,
        urgent: false,
        next: super::TicketStep::Dispatch,
    }])));
    st.set_outbox_text(
        shot.lang
            .pick(
                "通知：待发送 0，已送达 12，重试中 0",
                "Notices: 0 pending, 12 delivered, 0 retrying",
            )
            .into(),
    );
    super::staff_stage::stage_sections(kiosk, shot.lang, &shot.page);
    st.set_step(StaffStep::Dashboard);
}

/// Renders one full frame into an RGB buffer.
pub fn render_frame(window: &MinimalSoftwareWindow, width: u32, height: u32) -> Vec<Rgb8Pixel> {
    slint::platform::update_timers_and_animations();
    let mut buffer = vec![Rgb8Pixel::default(); (width * height) as usize];
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.render(&mut buffer, width as usize);
    });
    buffer
}

fn write_png(path: &Path, width: u32, height: u32, pixels: &[Rgb8Pixel]) -> Result<(), ScreenshotError> {
    let write_err = |source| ScreenshotError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write_err)?;
    }
    let file = std::fs::File::create(path).map_err(write_err)?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    let bytes: Vec<u8> = pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    writer.write_image_data(&bytes)?;
    writer.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1920x1080").unwrap(), (1920, 1080));
        assert_eq!(parse_size("1280X800").unwrap(), (1280, 800));
        assert!(parse_size("1920").is_err());
        assert!(parse_size("0x0").is_err());
        assert!(parse_size("axb").is_err());
    }
}
