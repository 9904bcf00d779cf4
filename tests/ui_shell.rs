//! The kiosk's frame, driven as a person would: tap an entry, switch language, walk away.

mod common;

use std::rc::Rc;

use common::*;
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::journeys::health;
use lobby_kiosk::recovery::Check;
use lobby_kiosk::ui::{AppState, Kiosk, Page};
use slint::ComponentHandle;

fn page(k: &TestKiosk) -> Page {
    k.window.global::<AppState>().get_page()
}

#[test]
fn home_greets_in_chinese_with_the_compound_and_hotline() {
    let k = kiosk();
    assert_eq!(page(&k), Page::Home);
    assert_eq!(read(&k, "问候语"), "您好，欢迎光临");
    assert!(read(&k, "客服热线").contains("400-820-5678"));
    for entry in ["访客登记", "装修临时通行证", "业主服务"] {
        assert!(is_shown(&k, entry), "{entry} should be on the home page");
    }
    assert_eq!(k.window.global::<AppState>().get_compound_name(), "翠湖花园");
}

#[test]
fn tapping_an_entry_opens_its_page_and_home_returns() {
    let k = kiosk();
    tap(&k, "装修临时通行证");
    assert_eq!(page(&k), Page::Worker);
    assert_eq!(read(&k, "页面标题"), "装修临时通行证");
    tap(&k, "回到首页");
    assert_eq!(page(&k), Page::Home);
    tap(&k, "业主服务");
    assert_eq!(page(&k), Page::Resident);
    tap(&k, "返回");
    assert_eq!(page(&k), Page::Home);
}

#[test]
fn switching_language_translates_the_screen_and_keeps_the_page() {
    let k = kiosk();
    tap(&k, "访客登记");
    assert_eq!(page(&k), Page::Visitor);
    tap(&k, "中文"); // already Chinese: nothing changes
    assert_eq!(read(&k, "页面标题"), "访客登记");
    tap(&k, "English");
    assert_eq!(page(&k), Page::Visitor, "switching language keeps the current page");
    assert_eq!(read(&k, "Page title"), "Visitor registration");
    assert_eq!(k.window.global::<AppState>().get_compound_name(), "Emerald Lake Garden");
    tap(&k, "Home");
    assert_eq!(read(&k, "Greeting"), "Hello, welcome");
    tap(&k, "中文");
    assert_eq!(read(&k, "问候语"), "您好，欢迎光临");
}

#[test]
fn an_unattended_page_warns_then_returns_home_in_the_default_language() {
    let k = kiosk();
    tap(&k, "English");
    tap(&k, "Visitor registration");
    wait_seconds(109);
    assert!(
        !is_shown(&k, "Are you still there?"),
        "no warning before the last 10 seconds"
    );
    wait_seconds(1);
    assert!(is_shown(&k, "Are you still there?"));
    assert!(read(&k, "Countdown").contains("10"), "{}", read(&k, "Countdown"));
    wait_seconds(10);
    assert_eq!(page(&k), Page::Home);
    assert!(!is_shown(&k, "您还在吗？"));
    assert_eq!(
        read(&k, "问候语"),
        "您好，欢迎光临",
        "the next person is greeted in the default language"
    );
}

#[test]
fn still_here_keeps_the_page() {
    let k = kiosk();
    tap(&k, "访客登记");
    wait_seconds(115);
    assert!(is_shown(&k, "您还在吗？"));
    tap(&k, "我还在，继续办理");
    assert!(!is_shown(&k, "您还在吗？"));
    wait_seconds(100);
    assert_eq!(
        page(&k),
        Page::Visitor,
        "the countdown restarted from the full idle time"
    );
    assert!(!is_shown(&k, "您还在吗？"));
}

#[test]
fn idle_time_comes_from_the_configuration() {
    let k = kiosk_with(|t| {
        t.replace("idle_timeout_secs = 120", "idle_timeout_secs = 30")
            .replace("idle_warning_secs = 10", "idle_warning_secs = 5")
    });
    tap(&k, "业主服务");
    wait_seconds(25);
    assert!(is_shown(&k, "您还在吗？"));
    wait_seconds(5);
    assert_eq!(page(&k), Page::Home);
}

#[test]
fn the_staff_entry_is_discreet_but_reachable() {
    let k = kiosk();
    find(&k, "工作人员入口").invoke_accessible_default_action();
    assert_eq!(page(&k), Page::Staff);
}

#[test]
fn the_idle_warning_counts_down_in_good_english_and_chinese() {
    let k = kiosk();
    tap(&k, "English");
    tap(&k, "Visitor registration");
    wait_seconds(118);
    let two = read(&k, "Countdown");
    assert!(two.ends_with("in 2 seconds."), "{two}");
    wait_seconds(1);
    let one = read(&k, "Countdown");
    assert!(one.ends_with("in 1 second."), "{one}");
    assert!(!one.contains("seconds"), "{one}");
    wait_seconds(1);
    assert_eq!(page(&k), Page::Home);

    tap(&k, "访客登记");
    wait_seconds(119);
    assert_eq!(
        read(&k, "倒计时"),
        "为保护您的信息，1 秒后将返回首页并清除已填写的内容。"
    );
}

#[test]
fn the_minutes_upkeep_waits_for_the_whole_file_check_instead_of_running_it_on_the_screen() {
    init_backend();
    let dir = tempfile::tempdir().unwrap();
    let monday = monday_at(10, 2);
    {
        let app = open_app(dir.path());
        app.set_now(Some(monday));
        waiting_guest(&app, "13900000001", monday);
    }
    // Opened as `run` opens it: the whole-file check registered, to start once the window
    // is up; two days on, the sweep has a visit to expire (a write).
    let loaded = LoadedConfig::from_text(EMBEDDED_DEFAULT, ConfigSource::Embedded).unwrap();
    let app = Rc::new(App::open_with(loaded, Some(dir.path()), Check::Background).unwrap());
    app.set_now(Some(monday + chrono::Duration::days(2)));
    let kiosk = Kiosk::new(app.clone()).unwrap();
    kiosk.window.show().unwrap();
    let db = dir.path().join(lobby_kiosk::app::DB_FILE);

    wait_seconds(3);
    assert_eq!(
        health::integrity_verdict(&db),
        None,
        "the screen's thread did not run the whole-file check"
    );
    assert_eq!(app.store().visits_waiting().unwrap().len(), 1, "the sweep waited");

    // The check runs where `run` runs it, on a thread of its own; the next tick sweeps.
    health::integrity_check(&db).unwrap().start_in_background(|| {});
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while health::integrity_verdict(&db).is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(health::integrity_verdict(&db), Some(Ok(())));
    wait_seconds(1);
    assert!(
        app.store().visits_waiting().unwrap().is_empty(),
        "the undecided visit from two days ago expired once the check had passed"
    );
}
