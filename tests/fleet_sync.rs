//! Kiosks of one compound meeting in a real PostgreSQL server (started by the test):
//! what one kiosk records reaches the others, revocations win, nothing is lost or
//! duplicated when the server goes away, a push is killed, clocks disagree or a kiosk is
//! restored from an old backup.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::pg::PgServer;
use common::*;
use lobby_kiosk::app::App;
use lobby_kiosk::config::{ConfigSource, LoadedConfig, EMBEDDED_DEFAULT};
use lobby_kiosk::fleet::central as central_schema;
use lobby_kiosk::fleet::sync::{self, Round};
use lobby_kiosk::journeys::visitor::{self, InviteOutcome, InviteRequest};
use lobby_kiosk::journeys::worker;

const COMPOUND: &str = "c1";

/// Each kiosk's own (URL, record prefix) from `fleet add-kiosk`, by (admin URL, kiosk id).
type AddedKiosks = HashMap<(String, String), (String, String)>;
static KIOSKS: Mutex<Option<AddedKiosks>> = Mutex::new(None);

/// The `[fleet]` settings kiosk `kiosk` got from `add-kiosk` on the server at `admin_url`:
/// it logs in as its own role, under row-level security, never as the superuser.
fn fleet_toml(admin_url: &str, kiosk: &str, prefix: &str) -> String {
    let (url, given) = KIOSKS
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|m| m.get(&(admin_url.to_string(), kiosk.to_string())).cloned())
        .expect("the kiosk was added to the server");
    assert_eq!(given, prefix, "add-kiosk hands out the prefixes in order");
    settings_toml(&url, kiosk, prefix)
}

/// A configuration with a `[fleet]` table at `url`.
fn settings_toml(url: &str, kiosk: &str, prefix: &str) -> String {
    format!(
        "{EMBEDDED_DEFAULT}\n[fleet]\nurl = \"{url}\"\ncompound_id = \"{COMPOUND}\"\nkiosk_id = \"{kiosk}\"\nrecord_prefix = \"{prefix}\"\n"
    )
}

/// Kiosk `kiosk` of the compound over `dir`.
fn kiosk(dir: &Path, url: &str, kiosk: &str, prefix: &str) -> Rc<App> {
    let loaded = LoadedConfig::from_text(&fleet_toml(url, kiosk, prefix), ConfigSource::Embedded).unwrap();
    Rc::new(App::open(loaded, Some(dir)).unwrap())
}

fn try_sync(app: &App) -> Result<Round, sync::SyncError> {
    let settings = app.config.fleet.clone().unwrap();
    let keys = sync::key_changes(&settings, &app.keys);
    sync::round(&settings, &mut app.store(), &keys, app.now())
}

fn sync_now(app: &App) -> Round {
    try_sync(app).expect("the round succeeds")
}

/// A server migrated by `fleet migrate` with kiosks a, b, c added by `fleet add-kiosk`;
/// returns the superuser's URL (each kiosk's own URL is found by [`fleet_toml`]).
fn server(name: &str) -> (PgServer, String) {
    let server = PgServer::start();
    let url = server.create_database(name);
    let mut admin = central(&url);
    central_schema::migrate::migrate(&mut admin).expect("fleet migrate");
    for kiosk in ["a", "b", "c"] {
        let settings = central_schema::kiosks::add_kiosk(&mut admin, &url, COMPOUND, kiosk).expect("fleet add-kiosk");
        KIOSKS
            .lock()
            .unwrap()
            .get_or_insert_with(HashMap::new)
            .insert((url.clone(), kiosk.to_string()), (settings.url, settings.record_prefix));
    }
    (server, url)
}

fn central(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

fn count(url: &str, sql: &str) -> i64 {
    central(url).query_one(sql, &[]).unwrap().get(0)
}

fn invite_on(app: &App, now: DateTime<Utc>) -> String {
    let today = now.with_timezone(&app.config.tz()).date_naive();
    visitor::create_invite(
        app,
        &InviteRequest {
            unit: "1-1-101",
            surname: "李",
            phone: "13900000005",
            from: today,
            until: today,
            by: "李明",
        },
        now,
    )
    .unwrap()
    .unwrap()
    .code
}

#[test]
fn an_invite_made_on_a_checks_in_on_b_and_a_pass_revoked_on_a_is_refused_on_b() {
    let (_server, url) = server("invite_and_pass");
    let (da, db, dc) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let a = kiosk(da.path(), &url, "a", "A");
    let b = kiosk(db.path(), &url, "b", "B");
    let c = kiosk(dc.path(), &url, "c", "C");
    // The kiosks' clocks disagree by ±10 minutes: the server's order decides, not theirs.
    let now = monday_at(10, 0);
    a.set_now(Some(now - chrono::Duration::minutes(10)));
    b.set_now(Some(now + chrono::Duration::minutes(10)));
    c.set_now(Some(now));
    add_desk_staff(&a, a.now());

    let code = invite_on(&a, a.now());
    let permit = file_permit(&a, "安居装饰", &["张三明:13700001111"], true, a.now());
    let pass = issue_pass(&a, &permit, "13700001111", a.now());
    let token = worker::pass_token(&a, &pass, &permit).unwrap();
    assert!(pass.pass_no.starts_with("A-W"), "{}", pass.pass_no);

    // Before any sync, B knows neither the invite nor A's key.
    assert!(matches!(
        visitor::check_in_invite(&b, &code, b.now()).unwrap(),
        InviteOutcome::Unknown
    ));
    assert_eq!(
        worker::verify_pass(&b, &token, b.now()).unwrap().reason.as_deref(),
        Some("unknown_key")
    );

    sync_now(&a);
    sync_now(&b);
    sync_now(&c);
    // The staff accounts came down with the rest.
    assert_eq!(b.store().staff().unwrap().len(), 2);
    let check = worker::verify_pass(&b, &token, b.now()).unwrap();
    assert!(check.valid, "{check:?}");
    assert_eq!(check.pass_no.as_deref(), Some(pass.pass_no.as_str()));
    let InviteOutcome::CheckedIn { visit, .. } = visitor::check_in_invite(&b, &code, b.now()).unwrap() else {
        panic!("the invite made on A checks in on B")
    };
    assert!(visit.visit_no.starts_with("B-V"), "{}", visit.visit_no);

    // A revokes the pass; once both have synced, B refuses it, and so does C.
    assert!(a.store().revoke_pass(&pass.pass_no, a.now()).unwrap());
    sync_now(&a);
    sync_now(&b);
    sync_now(&c);
    for gate in [&b, &c] {
        let check = worker::verify_pass(gate, &token, gate.now()).unwrap();
        assert!(!check.valid);
        assert_eq!(check.reason.as_deref(), Some("revoked"));
    }
    // B's use of A's invite went up as B's event and reached A: the invite is used there.
    sync_now(&a);
    assert!(
        a.store().open_invite(&code).unwrap().is_none(),
        "A sees the invite used at B"
    );
    assert_eq!(count(&url, "SELECT count(*) FROM fleet.conflicts"), 0);
}

#[test]
fn an_invite_used_at_two_gates_while_apart_admits_both_and_is_flagged() {
    let (_server, url) = server("double_use");
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = kiosk(da.path(), &url, "a", "A");
    let b = kiosk(db.path(), &url, "b", "B");
    let now = monday_at(10, 0);
    a.set_now(Some(now));
    b.set_now(Some(now + chrono::Duration::minutes(1)));
    let code = invite_on(&a, now);
    sync_now(&a);
    sync_now(&b);
    // Both gates offline from here: each admits the visitor.
    assert!(matches!(
        visitor::check_in_invite(&a, &code, a.now()).unwrap(),
        InviteOutcome::CheckedIn { .. }
    ));
    assert!(matches!(
        visitor::check_in_invite(&b, &code, b.now()).unwrap(),
        InviteOutcome::CheckedIn { .. }
    ));
    sync_now(&a);
    sync_now(&b);
    sync_now(&a);
    for gate in [&a, &b] {
        let status = gate.store().fleet_status().unwrap();
        assert!(
            status.flags.iter().any(|f| f.kind == "invite_used_twice"),
            "{:?}",
            status.flags
        );
    }
    // The desk reads it in words, with both times on the compound's clock.
    let config = da.path().join("kiosk.toml");
    std::fs::write(&config, fleet_toml(&url, "a", "A")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(da.path())
        .env("LOBBY_KIOSK_CLOCK", "2026-11-30T10:05:00+08:00")
        .args(["sync", "status"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("同一张预约码在两个入口都已使用（本机 2026-11-30 10:00，另一入口 2026-11-30 10:01）"),
        "{text}"
    );
    assert!(
        !text.contains("invite_used_twice") && !text.contains("T02:0"),
        "no code, no UTC: {text}"
    );
}

#[test]
fn visits_recorded_while_the_server_is_down_arrive_exactly_once() {
    let (server, url) = server("server_down");
    let da = tempfile::tempdir().unwrap();
    let a = kiosk(da.path(), &url, "a", "A");
    a.set_now(Some(monday_at(9, 0)));
    courier_on_site(&a, "13900000001", a.now());
    sync_now(&a);
    server.stop(true);
    for i in 0..20 {
        courier_on_site(&a, &format!("139000001{i:02}"), a.now());
    }
    let err = try_sync(&a).unwrap_err().to_string();
    assert!(err.contains("cannot be reached"), "{err}");
    assert!(
        !err.contains(common::pg::ADMIN_PASSWORD),
        "the password never shows: {err}"
    );
    let status = a.store().fleet_status().unwrap();
    assert!(status.queued >= 20, "{status:?}");
    assert!(status.last_error.is_some());
    server.start_again();
    let round = sync_now(&a);
    assert!(round.pushed >= 20);
    assert_eq!(round.queued, 0);
    assert_eq!(
        count(&url, "SELECT count(*) FROM fleet.changes WHERE tbl = 'visits'"),
        21,
        "every visit once"
    );
    assert_eq!(sync_now(&a).pushed, 0, "nothing is sent twice");
    assert_eq!(count(&url, "SELECT count(*) FROM fleet.conflicts"), 0);
}

#[test]
fn a_kiosk_restored_from_an_old_backup_neither_resends_nor_loses_and_takes_new_ids() {
    let (_server, url) = server("restored");
    let da = tempfile::tempdir().unwrap();
    let backup = da.path().join("old.sqlite3");
    {
        let a = kiosk(da.path(), &url, "a", "A");
        a.set_now(Some(monday_at(9, 0)));
        courier_on_site(&a, "13900000001", a.now());
        courier_on_site(&a, "13900000002", a.now());
        sync_now(&a);
        a.store().backup_to(&backup, a.now()).unwrap();
        courier_on_site(&a, "13900000003", a.now());
        sync_now(&a);
    }
    lobby_kiosk::store::restore_from(&backup, &da.path().join(lobby_kiosk::app::DB_FILE), monday_at(9, 30)).unwrap();
    let a = kiosk(da.path(), &url, "a", "A");
    a.set_now(Some(monday_at(9, 40)));
    assert_eq!(a.store().fleet_incarnation().unwrap(), 2);
    // Local visit 3 again, for another visitor: a new global id, not the lost record's.
    courier_on_site(&a, "13900000004", a.now());
    let round = sync_now(&a);
    assert_eq!(round.conflicts, 0);
    assert_eq!(
        count(&url, "SELECT count(*) FROM fleet.changes WHERE tbl = 'visits'"),
        4
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM fleet.changes WHERE tbl = 'visits' AND gid LIKE 'a.2.%'"
        ),
        1
    );
    assert_eq!(count(&url, "SELECT count(*) FROM fleet.conflicts"), 0);
}

#[test]
fn a_sync_killed_in_the_middle_of_a_push_loses_and_duplicates_nothing() {
    let (_server, url) = server("killed");
    let da = tempfile::tempdir().unwrap();
    let config = da.path().join("kiosk.toml");
    let data = da.path().join("data");
    std::fs::write(&config, fleet_toml(&url, "a", "A")).unwrap();
    let visits = {
        let loaded = LoadedConfig::from_text(&fleet_toml(&url, "a", "A"), ConfigSource::Embedded).unwrap();
        let a = App::open(loaded, Some(&data)).unwrap();
        a.set_now(Some(monday_at(9, 0)));
        for i in 0..600 {
            courier_on_site(&a, &format!("1390000{i:04}"), a.now());
        }
        let queued = a.store().fleet_status().unwrap().queued;
        queued
    };
    assert!(visits > 1000, "visits with their audit and notices: {visits}");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(&data)
            .arg("sync")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    for i in 0..8u64 {
        let mut child = run();
        std::thread::sleep(Duration::from_millis(60 + 40 * i));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    let out = run().wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        count(&url, "SELECT count(*) FROM fleet.changes WHERE tbl = 'visits'"),
        600
    );
    assert_eq!(
        count(&url, "SELECT count(DISTINCT gid) FROM fleet.changes"),
        count(&url, "SELECT count(*) FROM fleet.changes")
    );
    assert_eq!(count(&url, "SELECT count(*) FROM fleet.conflicts"), 0);
    let status = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data)
        .args(["sync", "status", "--json"])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["queued"], 0);
    assert_eq!(status["behind"], false);
    assert!(!status.to_string().contains(common::pg::ADMIN_PASSWORD));
}

#[test]
fn sync_says_why_when_the_server_cannot_be_reached_and_exits_1() {
    let da = tempfile::tempdir().unwrap();
    let config = da.path().join("kiosk.toml");
    std::fs::write(
        &config,
        settings_toml("postgres://k:hush-hush@127.0.0.1:1/fleet", "a", "A"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(da.path().join("data"))
        .arg("sync")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("同步未完成") && err.contains("cannot be reached"), "{err}");
    assert!(!err.contains("hush-hush"), "{err}");
}

/// The kiosk time the central database holds for one change, in seconds since 1970.
fn kiosk_time_of(url: &str, gid: &str) -> i64 {
    central(url)
        .query_one(
            "SELECT extract(epoch FROM kiosk_time)::bigint FROM fleet.changes WHERE gid = $1",
            &[&gid],
        )
        .unwrap()
        .get(0)
}

#[test]
fn records_made_offline_keep_their_kiosk_time_and_sent_changes_are_purged_without_losing_later_ones() {
    let (_server, url) = server("purge_and_time");
    let da = tempfile::tempdir().unwrap();
    let a = kiosk(da.path(), &url, "a", "A");
    let t0 = monday_at(10, 0);
    a.set_now(Some(t0));
    add_desk_staff(&a, t0);
    // Let in on Monday while the network is down; pushed a week later.
    let visit = courier_on_site(&a, "13900000007", t0);
    let gid = format!("a.1.visits.{}", visit.id);
    let week = t0 + chrono::Duration::days(7);
    a.set_now(Some(week));
    sync_now(&a);
    assert_eq!(
        kiosk_time_of(&url, &gid),
        t0.timestamp(),
        "the kiosk's time of the record, not of the push"
    );

    // Eight days after the push, the daily purge takes the acknowledged changes (their
    // bodies copy the visitors' data); one recorded since and not yet sent stays.
    let later = week + chrono::Duration::days(8);
    a.set_now(Some(later));
    courier_on_site(&a, "13900000008", later);
    let before = a.store().fleet_status().unwrap();
    assert!(before.sent > 1 && before.queued > 0, "{before:?}");
    let report = a
        .store()
        .purge(&lobby_kiosk::store::Retention::new(180, 180, 730), later, false)
        .unwrap();
    let after = a.store().fleet_status().unwrap();
    assert_eq!(after.queued, before.queued, "nothing unsent is purged");
    assert!(after.sent <= 1, "{after:?}");
    assert_eq!(report.fleet_sent as i64, before.sent - after.sent);

    // The Monday visitor signs out now: the change outranks what was pushed before the
    // purge, reaches the centre, and carries the time of the sign-out.
    let out_at = later + chrono::Duration::minutes(5);
    a.set_now(Some(out_at));
    assert!(a
        .store()
        .sign_out_visit(visit.id, lobby_kiosk::store::SignOutKind::Staff, out_at)
        .unwrap());
    sync_now(&a);
    let signed_out: Option<String> = central(&url)
        .query_one(
            "SELECT body ->> 'signed_out_at' FROM fleet.changes WHERE gid = $1",
            &[&gid],
        )
        .unwrap()
        .get(0);
    assert!(signed_out.is_some(), "the sign-out reached the centre");
    assert_eq!(kiosk_time_of(&url, &gid), out_at.timestamp());
    assert_eq!(count(&url, "SELECT count(*) FROM fleet.conflicts"), 0);
}

/// The rule for a change still unsent when its record's retention is over: the purge
/// deletes it with the record, in the same transaction, and it never reaches the central
/// database; the central copy of what was sent before stays as it was sent.
#[test]
fn an_unsent_change_whose_record_is_purged_goes_with_it_and_is_never_sent() {
    let (server, url) = server("purge_unsent");
    let da = tempfile::tempdir().unwrap();
    let a = kiosk(da.path(), &url, "a", "A");
    let t0 = monday_at(10, 0);
    a.set_now(Some(t0));
    add_desk_staff(&a, t0);
    // Sent: the first visitor, let in.
    let sent = courier_on_site(&a, "13900000011", t0);
    sync_now(&a);
    let sent_gid = format!("a.1.visits.{}", sent.id);

    // The server goes away for half a year. Meanwhile the first visitor signs out and a
    // second one comes: both changes wait in the queue.
    server.stop(false);
    let t1 = t0 + chrono::Duration::hours(1);
    a.set_now(Some(t1));
    assert!(a
        .store()
        .sign_out_visit(sent.id, lobby_kiosk::store::SignOutKind::Staff, t1)
        .unwrap());
    let unsent = courier_on_site(&a, "13900000012", t1);
    let unsent_gid = format!("a.1.visits.{}", unsent.id);
    assert!(try_sync(&a).is_err(), "the server is away");
    // 181 days on, a visitor of today: their change waits too, and must go up.
    let later = t0 + chrono::Duration::days(181);
    a.set_now(Some(later));
    let recent = courier_on_site(&a, "13900000013", later);
    let recent_gid = format!("a.1.visits.{}", recent.id);
    let before = a.store().fleet_status().unwrap();

    // The purge deletes both old visits and, with them, their changes never sent.
    let retention = lobby_kiosk::store::Retention::new(180, 180, 730);
    let dry = a.store().purge(&retention, later, true).unwrap();
    let report = a.store().purge(&retention, later, false).unwrap();
    assert_eq!(report.visits, 2, "{report:?}");
    assert!(
        report.fleet_unsent >= 2,
        "the sign-out and the second visit: {report:?}"
    );
    assert_eq!(dry.fleet_unsent, report.fleet_unsent, "the dry run counts the same");
    let after = a.store().fleet_status().unwrap();
    assert_eq!(after.queued, before.queued - report.fleet_unsent as i64);
    assert_eq!(
        after.purged_unsent, report.fleet_unsent as i64,
        "remembered for sync status"
    );
    assert_eq!(
        after.purged_unsent_at.as_deref(),
        Some(lobby_kiosk::store::ts(later).as_str())
    );
    assert_eq!(before.purged_unsent, 0);

    // The server is back: what is left goes up, the purged changes never do.
    server.start_again();
    let round = sync_now(&a);
    assert_eq!(round.queued, 0);
    let has = |gid: &str| count(&url, &format!("SELECT count(*) FROM fleet.changes WHERE gid = '{gid}'"));
    assert_eq!(
        has(&unsent_gid),
        0,
        "a visit never sent before its retention ended is never sent"
    );
    assert_eq!(has(&recent_gid), 1, "today's visit goes up");
    let signed_out: Option<String> = central(&url)
        .query_one(
            "SELECT body ->> 'signed_out_at' FROM fleet.changes WHERE gid = $1",
            &[&sent_gid],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        signed_out, None,
        "the central copy stays as it was sent; the late sign-out is not sent"
    );
    assert_eq!(count(&url, "SELECT count(*) FROM fleet.conflicts"), 0);
    // A second purge finds nothing more and the tally stays.
    let again = a.store().purge(&retention, later, false).unwrap();
    assert_eq!(again.fleet_unsent, 0);
    assert_eq!(
        a.store().fleet_status().unwrap().purged_unsent,
        report.fleet_unsent as i64
    );
}

#[test]
fn passes_verify_across_kiosks_whose_signing_keys_share_an_id() {
    let (_server, url) = server("key_collision");
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = kiosk(da.path(), &url, "a", "A");
    let id = a.keys.signing.key_id();
    // Key ids are random (2–255) per kiosk: give B its own key under A's key's id.
    {
        let b = kiosk(db.path(), &url, "b", "B");
        let own = b.keys.signing.key_id();
        drop(b);
        let keys = db.path().join("keys");
        std::fs::rename(
            keys.join(format!("signing-{own}.key")),
            keys.join(format!("signing-{id}.key")),
        )
        .unwrap();
    }
    let b = kiosk(db.path(), &url, "b", "B");
    assert_eq!(b.keys.signing.key_id(), id);
    assert_ne!(
        b.keys.signing.verifying_key(),
        a.keys.signing.verifying_key(),
        "the same id, another key"
    );
    let now = monday_at(10, 0);
    a.set_now(Some(now));
    b.set_now(Some(now));
    add_desk_staff(&a, now);
    let permit_a = file_permit(&a, "安居装饰", &["张三明:13700001111"], true, now);
    let pass_a = issue_pass(&a, &permit_a, "13700001111", now);
    let token_a = worker::pass_token(&a, &pass_a, &permit_a).unwrap();
    sync_now(&a);
    sync_now(&b);
    let permit_b = file_permit(&b, "宏达装修", &["李四海:13700002222"], true, now);
    let pass_b = issue_pass(&b, &permit_b, "13700002222", now);
    let token_b = worker::pass_token(&b, &pass_b, &permit_b).unwrap();
    sync_now(&b);
    sync_now(&a);

    // Each gate reads the other's pass as that kiosk's, not as a forged one of its own.
    let at_b = worker::verify_pass(&b, &token_a, now).unwrap();
    assert!(at_b.valid, "{at_b:?}");
    assert_eq!(at_b.pass_no.as_deref(), Some(pass_a.pass_no.as_str()));
    let at_a = worker::verify_pass(&a, &token_b, now).unwrap();
    assert!(at_a.valid, "{at_a:?}");
    assert_eq!(at_a.pass_no.as_deref(), Some(pass_b.pass_no.as_str()));
    // Their own passes still verify at home.
    assert!(worker::verify_pass(&a, &token_a, now).unwrap().valid);
    assert!(worker::verify_pass(&b, &token_b, now).unwrap().valid);

    // A revocation on A reaches B for A's pass, and only for it.
    assert!(a.store().revoke_pass(&pass_a.pass_no, now).unwrap());
    sync_now(&a);
    sync_now(&b);
    let at_b = worker::verify_pass(&b, &token_a, now).unwrap();
    assert_eq!(at_b.reason.as_deref(), Some("revoked"));
    assert!(worker::verify_pass(&b, &token_b, now).unwrap().valid);
    // A token whose signature matches no kiosk's key is still refused.
    let mut forged = token_a.clone();
    forged.pop();
    forged.push(if token_a.ends_with('0') { '1' } else { '0' });
    assert!(!worker::verify_pass(&b, &forged, now).unwrap().valid);
}

#[test]
fn a_ticket_made_at_one_gate_is_followed_at_another_and_moves_made_apart_merge_in_time_order() {
    use lobby_kiosk::domain::ticket::TicketStatus;
    use lobby_kiosk::journeys::resident;
    let (_server, url) = server("tickets_down");
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = kiosk(da.path(), &url, "a", "A");
    let b = kiosk(db.path(), &url, "b", "B");
    let t0 = monday_at(10, 0);
    a.set_now(Some(t0));
    b.set_now(Some(t0));
    add_desk_staff(&a, t0);
    let ticket = repair_ticket(&a, t0);
    assert!(ticket.ticket_no.starts_with("A-"), "{}", ticket.ticket_no);
    sync_now(&a);
    sync_now(&b);

    // The ticket and its history reached B: B's desk dispatches it, and A sees that.
    let at_b = b
        .store()
        .ticket_by_no(&ticket.ticket_no)
        .unwrap()
        .expect("the ticket came down to B");
    assert_eq!(b.store().ticket_history(at_b.id).unwrap().len(), 1);
    let moved = resident::update(&b, &ticket.ticket_no, TicketStatus::Dispatched, "王芳", "", b.now()).unwrap();
    assert!(moved.is_ok(), "{moved:?}");
    sync_now(&b);
    sync_now(&a);
    let at_a = a.store().ticket(ticket.id).unwrap().unwrap();
    assert_eq!(at_a.status, TicketStatus::Dispatched);
    let history = a.store().ticket_history(ticket.id).unwrap();
    assert_eq!(history.last().map(|h| h.staff.as_str()), Some("王芳"));

    // Apart: B starts the work at 10:04; A, its clock ahead, marks it done at 10:06.
    b.set_now(Some(t0 + chrono::Duration::minutes(4)));
    a.set_now(Some(t0 + chrono::Duration::minutes(6)));
    resident::update(&b, &ticket.ticket_no, TicketStatus::InProgress, "王芳", "", b.now())
        .unwrap()
        .unwrap();
    resident::update(&a, &ticket.ticket_no, TicketStatus::InProgress, "李明", "", a.now())
        .unwrap()
        .unwrap();
    a.set_now(Some(t0 + chrono::Duration::minutes(7)));
    resident::update(&a, &ticket.ticket_no, TicketStatus::Done, "李明", "", a.now())
        .unwrap()
        .unwrap();
    for _ in 0..2 {
        sync_now(&a);
        sync_now(&b);
    }
    // Both hold the whole history, in the same time order, and agree on the status.
    let at_b = b.store().ticket_by_no(&ticket.ticket_no).unwrap().unwrap();
    let steps = |app: &App, id: i64| -> Vec<(TicketStatus, String)> {
        app.store()
            .ticket_history(id)
            .unwrap()
            .into_iter()
            .map(|h| (h.status, h.staff))
            .collect()
    };
    assert_eq!(steps(&a, ticket.id), steps(&b, at_b.id));
    assert_eq!(steps(&a, ticket.id).len(), 5, "{:?}", steps(&a, ticket.id));
    assert_eq!(a.store().ticket(ticket.id).unwrap().unwrap().status, TicketStatus::Done);
    assert_eq!(at_b.status, TicketStatus::Done);
}

#[test]
fn a_residents_re_import_reaches_the_other_kiosks_deletions_included() {
    use lobby_kiosk::store::Resident;
    let (_server, url) = server("residents_again");
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = kiosk(da.path(), &url, "a", "A");
    let b = kiosk(db.path(), &url, "b", "B");
    // After the sample directory each kiosk loaded when it first opened (by its clock).
    let t0 = a.now() + chrono::Duration::minutes(1);
    a.set_now(Some(t0));
    b.set_now(Some(t0));
    let row = |unit: &str, surname: &str, phone: &str| Resident {
        unit_no: unit.into(),
        surname: surname.into(),
        phone: phone.into(),
    };
    let ours = |app: &App| -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = app
            .store()
            .residents()
            .unwrap()
            .into_iter()
            .filter(|r| r.unit_no.starts_with("9-9-"))
            .map(|r| (r.unit_no, r.phone))
            .collect();
        rows.sort();
        rows
    };
    a.store()
        .replace_residents(
            &[
                row("9-9-901", "赵", "13600000001"),
                row("9-9-902", "钱", "13600000002"),
                row("9-9-903", "孙", "13600000003"),
            ],
            t0,
        )
        .unwrap();
    sync_now(&a);
    sync_now(&b);
    assert_eq!(ours(&b).len(), 3);

    // The office re-imports at A a day later: 9-9-903 moved out, 9-9-902 has a new phone.
    let t1 = t0 + chrono::Duration::days(1);
    a.set_now(Some(t1));
    b.set_now(Some(t1));
    a.store()
        .replace_residents(
            &[row("9-9-901", "赵", "13600000001"), row("9-9-902", "钱", "13600000022")],
            t1,
        )
        .unwrap();
    sync_now(&a);
    sync_now(&b);
    let want = vec![
        ("9-9-901".to_string(), "13600000001".to_string()),
        ("9-9-902".to_string(), "13600000022".to_string()),
    ];
    assert_eq!(ours(&a), want);
    assert_eq!(ours(&b), want, "the re-import, deletion included, reached B");
    assert!(!b.store().unit_exists("9-9-903").unwrap());
    // A third kiosk joining now ends with the same directory from the whole history.
    let dc = tempfile::tempdir().unwrap();
    let c = kiosk(dc.path(), &url, "c", "C");
    c.set_now(Some(t1));
    sync_now(&c);
    assert_eq!(ours(&c), want);
}
