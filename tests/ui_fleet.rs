//! 同步延迟 on the staff dashboard, read off the screen as the desk sees it: hidden on a
//! standalone kiosk however long it runs, shown (with how long since the last successful
//! sync and what waits to go up) when a fleet kiosk cannot reach its central database,
//! and gone again once it has caught up.

mod common;

use std::rc::Rc;

use chrono::{DateTime, Duration, Utc};
use common::pg::PgServer;
use common::*;
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::fleet::central;
use lobby_kiosk::journeys::fleet_sync;
use lobby_kiosk::journeys::visitor;
use lobby_kiosk::ui::Kiosk;
use slint::ComponentHandle;

const LINE: &str = "同步状态";

/// A kiosk on `config`, its clock standing at `now` from the start (the sync thread's
/// first round included).
fn kiosk_at(config: &str, now: DateTime<Utc>) -> TestKiosk {
    init_backend();
    let dir = tempfile::tempdir().unwrap();
    let loaded = LoadedConfig::from_text(config, ConfigSource::Embedded).unwrap();
    let app = Rc::new(App::open(loaded, Some(dir.path())).unwrap());
    app.set_now(Some(now));
    add_desk_staff(&app, now);
    let kiosk = Kiosk::new(app).unwrap();
    kiosk.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    kiosk.window.show().unwrap();
    slint::platform::update_timers_and_animations();
    TestKiosk { kiosk, dir }
}

fn with_fleet(url: &str) -> String {
    format!(
        "{EMBEDDED_DEFAULT}\n[fleet]\nurl = \"{url}\"\ncompound_id = \"c1\"\nkiosk_id = \"a\"\nrecord_prefix = \"A\"\n"
    )
}

/// A port on 127.0.0.1 that nothing listens on.
fn dead_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn queued(k: &TestKiosk) -> i64 {
    fleet_sync::status(k.app()).unwrap().queued
}

#[test]
fn a_standalone_kiosk_never_shows_a_sync_line() {
    let now = monday_at(9, 0);
    let k = kiosk_at(EMBEDDED_DEFAULT, now);
    visitor::register(k.app(), &walk_in("13900000001", VisitorType::Guest), now).unwrap();
    k.app().set_now(Some(now + Duration::days(3)));
    staff_log_in(&k, "258036");
    assert!(!is_shown(&k, LINE), "no [fleet] table: nothing to be behind");
    assert!(!shows_text(&k, "同步延迟"));
}

#[test]
fn a_fleet_kiosk_that_never_reached_its_server_says_so_politely_in_both_languages() {
    let now = monday_at(9, 0);
    let url = format!(
        "postgres://kiosk_c1_a:pw@127.0.0.1:{}/fleet?sslmode=disable",
        dead_port()
    );
    let k = kiosk_at(&with_fleet(&url), now);
    visitor::register(k.app(), &walk_in("13900000001", VisitorType::Guest), now).unwrap();
    k.app().set_now(Some(now + Duration::minutes(5)));
    staff_log_in(&k, "258036");
    let line = read(&k, LINE);
    assert!(line.starts_with("同步延迟："), "{line}");
    assert!(line.contains("尚未与中心数据库同步成功"), "{line}");
    let waiting = queued(&k);
    assert!(waiting >= 2, "the visit and the login at least: {waiting}");
    assert!(line.contains(&format!("{waiting} 条记录待上传")), "{line}");
    assert!(line.contains("请联系技术人员"), "a next step: {line}");

    tap(&k, "English");
    tap(&k, "Refresh");
    let line = read(&k, "Sync status");
    assert!(
        line.starts_with("Sync delayed: this kiosk has not yet synced"),
        "{line}"
    );
    assert!(
        line.contains(&format!("records waiting to be sent: {}", queued(&k))),
        "{line}"
    );
    assert!(line.contains("please contact the technician"), "{line}");
}

#[test]
fn the_dashboard_shows_the_lag_while_the_server_is_away_and_clears_once_caught_up() {
    let server = PgServer::start();
    let admin = server.create_database("ui_lag");
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    central::migrate::migrate(&mut client).unwrap();
    let added = central::kiosks::add_kiosk(&mut client, &admin, "c1", "a").unwrap();
    drop(client);

    let t0 = monday_at(9, 0);
    let k = kiosk_at(&with_fleet(&added.url), t0);
    let settings = k.app().config.fleet.clone().unwrap();
    fleet_sync::round_now(k.app(), &settings).expect("the server answers");
    staff_log_in(&k, "258036");
    assert!(!is_shown(&k, LINE), "caught up: no line");

    // The server goes away; the kiosk keeps recording, and 25 minutes pass.
    server.stop(false);
    visitor::register(k.app(), &walk_in("13900000002", VisitorType::Guest), t0).unwrap();
    k.app().set_now(Some(t0 + Duration::minutes(25)));
    assert!(fleet_sync::round_now(k.app(), &settings).is_err());
    tap(&k, "刷新");
    let line = read(&k, LINE);
    assert!(line.starts_with("同步延迟：距上次成功同步已有 25 分钟"), "{line}");
    assert!(line.contains(&format!("{} 条记录待上传", queued(&k))), "{line}");
    assert!(queued(&k) > 0);

    // The server is back: one round catches up and the line goes.
    server.start_again();
    let round = fleet_sync::round_now(k.app(), &settings).expect("the server is back");
    assert!(round.pushed > 0);
    assert_eq!(round.queued, 0);
    tap(&k, "刷新");
    assert!(!is_shown(&k, LINE), "caught up again: {:?}", find_all(&k, LINE).len());
}

#[test]
fn the_dashboard_says_when_the_purge_deleted_changes_that_never_went_up() {
    let now = monday_at(9, 0);
    let url = format!(
        "postgres://kiosk_c1_a:pw@127.0.0.1:{}/fleet?sslmode=disable",
        dead_port()
    );
    // A visit made half a year ago that never reached the server.
    let long_ago = now - Duration::days(200);
    let k = kiosk_at(&with_fleet(&url), long_ago);
    visitor::register(k.app(), &walk_in("13900000031", VisitorType::Guest), long_ago).unwrap();
    k.app().set_now(Some(now));
    staff_log_in(&k, "258036");
    assert!(!is_shown(&k, "同步提示"), "nothing purged yet");

    let report = lobby_kiosk::journeys::purge::purge(k.app(), false).unwrap();
    assert!(report.fleet_unsent >= 1, "{report:?}");
    tap(&k, "刷新");
    let line = read(&k, "同步提示");
    assert!(
        line.starts_with(&format!(
            "同步提示：{} 条变更尚未上传时，其记录已到保留期",
            report.fleet_unsent
        )),
        "{line}"
    );
    let day = now.with_timezone(&k.app().config.tz()).format("%Y-%m-%d").to_string();
    assert!(line.contains(&format!("（最近一次：{day}）")), "{line}");
    tap(&k, "English");
    tap(&k, "Refresh");
    let line = read(&k, "Sync note");
    assert!(
        line.starts_with(&format!(
            "Sync note: changes deleted with their records, unsent, when the records' retention ended: {} ",
            report.fleet_unsent
        )),
        "{line}"
    );
    assert!(line.contains("will not reach the central database"), "{line}");

    // A week later the note has said its piece.
    k.app().set_now(Some(now + Duration::days(8)));
    tap(&k, "Refresh");
    assert!(!is_shown(&k, "Sync note"));
}
