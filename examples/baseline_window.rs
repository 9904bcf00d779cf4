//! The start-up baseline of the performance budgets: a bare Slint window with the same
//! Slint features and the same embedded CJK font as the kiosk, 1280×800, three buttons,
//! nothing else. `benches/startup.sh` starts it and the kiosk side by side.
//!
//! `cargo run --release --example baseline_window -- --exit-after-first-frame` prints the
//! time from `main` to the first frame presented, exactly as `lobby-kiosk run
//! --exit-after-first-frame` does, then exits.

use std::time::Instant;

slint::slint! {
    import "../ui/fonts/WenQuanYiMicroHei.ttf";
    import { Button, VerticalBox } from "std-widgets.slint";

    export component Baseline inherits Window {
        title: "baseline";
        preferred-width: 1280px;
        preferred-height: 800px;
        default-font-family: "WenQuanYi Micro Hei";
        default-font-size: 28px;
        VerticalBox {
            alignment: center;
            Text { text: "您好，欢迎光临 Welcome"; horizontal-alignment: center; }
            Button { text: "访客登记 Visitors"; }
            Button { text: "装修临时通行证 Worker pass"; }
            Button { text: "业主服务 Residents"; }
        }
    }
}

fn main() -> Result<(), slint::PlatformError> {
    let started = Instant::now();
    let exit_after_first_frame = std::env::args().any(|a| a == "--exit-after-first-frame");
    let window = Baseline::new()?;
    if exit_after_first_frame {
        let weak = window.as_weak();
        let noted = window.window().set_rendering_notifier(move |state, _| {
            if matches!(state, slint::RenderingState::AfterRendering) {
                println!("first frame after {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
                if let Some(w) = weak.upgrade() {
                    let _ = w.hide();
                }
                let _ = slint::quit_event_loop();
            }
        });
        if noted.is_err() {
            // The software renderer has no rendering notifier (as in the kiosk).
            slint::Timer::single_shot(std::time::Duration::ZERO, move || {
                println!("first frame after {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
                let _ = slint::quit_event_loop();
            });
        }
    }
    window.run()
}
