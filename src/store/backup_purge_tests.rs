use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::*;
use crate::domain::ticket::TicketStatus;
use crate::store::{NewInvite, NewPermit, NewVisit, NewWorker, VisitStatus};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn now() -> DateTime<Utc> {
    at("2026-06-01T12:00:00Z")
}

fn new_visit(status: VisitStatus, company: &str, phone: &str) -> NewVisit {
    NewVisit {
        unit_no: "3-2-1201".into(),
        surname: "王".into(),
        phone: phone.into(),
        visitor_type: crate::domain::visitor::VisitorType::Courier,
        party_size: 1,
        company: company.into(),
        invite_id: None,
        status,
        hold_reason: None,
        valid_until: None,
        decided_by: None,
        lang: None,
    }
}

fn add_visit(store: &mut Store, status: VisitStatus, created: DateTime<Utc>) -> i64 {
    let day = created.format("%Y%m%d").to_string();
    store
        .insert_visit(&new_visit(status, "", "13912345678"), created, &day)
        .unwrap()
        .id
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn ids(store: &Store, table: &str) -> Vec<i64> {
    let mut stmt = store
        .conn()
        .prepare(&format!("SELECT id FROM {table} ORDER BY id"))
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn file_store(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("kiosk.sqlite3");
    let store = Store::open(&path).unwrap();
    (path, store)
}

#[test]
fn the_bundled_sqlite_is_new_enough() {
    assert!(sqlite_version_ok(), "SQLite {}", rusqlite::version());
}

#[test]
fn a_backup_is_a_valid_database_with_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = file_store(dir.path());
    for i in 0..25 {
        add_visit(&mut store, VisitStatus::SignedOut, now() + Duration::minutes(i));
    }
    store.set_meta("marker", "before-backup").unwrap();
    let dest = dir.path().join("backups").join(backup_file_name(now()));
    let info = store.backup_to(&dest, now()).unwrap();
    assert_eq!(info.path, dest);
    assert_eq!(info.visits, 25);
    assert!(info.bytes > 0);

    let names: Vec<String> = fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["kiosk-20260601-120000.sqlite3".to_string()],
        "no temporary file left"
    );

    let copy = Store::open(&dest).unwrap();
    copy.ensure_intact().unwrap();
    assert_eq!(ids(&copy, "visits"), ids(&store, "visits"));
    assert_eq!(copy.meta("marker").unwrap().as_deref(), Some("before-backup"));
    assert_eq!(
        copy.visit(1).unwrap().unwrap().visit_no,
        store.visit(1).unwrap().unwrap().visit_no
    );
}

#[test]
fn a_backup_is_taken_while_another_connection_is_writing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = file_store(dir.path());
    add_visit(&mut store, VisitStatus::SignedOut, now());
    let mut kiosk = Store::open(&path).unwrap();
    let tx = kiosk.conn_mut().transaction().unwrap();
    tx.execute("INSERT INTO kiosk_meta(key, value) VALUES ('uncommitted', 'x')", [])
        .unwrap();
    let dest = dir.path().join("b.sqlite3");
    let info = store.backup_to(&dest, now()).unwrap();
    tx.commit().unwrap();
    assert_eq!(info.visits, 1);
    let copy = Store::open(&dest).unwrap();
    assert_eq!(
        copy.meta("uncommitted").unwrap(),
        None,
        "the copy is one committed snapshot"
    );
}

#[test]
fn rotation_keeps_the_newest_and_leaves_other_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let start = now();
    for i in 0..20 {
        fs::write(dir.path().join(backup_file_name(start + Duration::days(i))), b"x").unwrap();
    }
    fs::write(dir.path().join("notes.txt"), b"keep me").unwrap();
    fs::write(dir.path().join("kiosk-2026.sqlite3"), b"not ours").unwrap();
    let abandoned = format!(".{}.tmp", backup_file_name(start - Duration::days(1)));
    fs::write(dir.path().join(&abandoned), b"half").unwrap();

    let removed = rotate_backups(dir.path(), 14).unwrap();
    assert_eq!(removed.len(), 7, "{removed:?}");
    let mut left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left.len(), 16);
    assert!(left.contains(&backup_file_name(start + Duration::days(19))));
    assert!(left.contains(&backup_file_name(start + Duration::days(6))));
    assert!(!left.contains(&backup_file_name(start + Duration::days(5))));
    assert!(left.contains(&"notes.txt".to_string()) && left.contains(&"kiosk-2026.sqlite3".to_string()));
    assert!(!left.contains(&abandoned));

    assert_eq!(
        rotate_backups(dir.path(), 0).unwrap().len(),
        13,
        "the newest always stays"
    );
    assert!(dir.path().join(backup_file_name(start + Duration::days(19))).exists());
    assert!(rotate_backups(&dir.path().join("absent"), 3).unwrap().is_empty());
}

/// A database with a committed change still in its WAL, as after a power cut.
fn crashed_copy(store_dir: &Path, image_dir: &Path) -> PathBuf {
    let (path, store) = file_store(store_dir);
    store.set_meta("which", "current").unwrap();
    fs::create_dir_all(image_dir).unwrap();
    let db = image_dir.join("kiosk.sqlite3");
    fs::copy(&path, &db).unwrap();
    fs::copy(with_suffix(&path, "-wal"), with_suffix(&db, "-wal")).unwrap();
    fs::copy(with_suffix(&path, "-shm"), with_suffix(&db, "-shm")).unwrap();
    drop(store);
    db
}

#[test]
fn restore_replaces_the_file_and_keeps_the_old_one_with_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let backup = {
        let (_, mut store) = file_store(&dir.path().join("old"));
        add_visit(&mut store, VisitStatus::SignedOut, now());
        store.set_meta("which", "backup").unwrap();
        let dest = dir.path().join(backup_file_name(now()));
        store.backup_to(&dest, now()).unwrap();
        dest
    };
    let db = crashed_copy(&dir.path().join("live"), &dir.path().join("site"));
    assert!(with_suffix(&db, "-wal").exists());

    let before = restore_from(&backup, &db, now())
        .unwrap()
        .expect("the old file is kept");
    for side in ["-wal", "-shm", ".restore-tmp"] {
        assert!(!with_suffix(&db, side).exists(), "{side} left behind");
    }
    let restored = Store::open(&db).unwrap();
    restored.ensure_intact().unwrap();
    assert_eq!(restored.meta("which").unwrap().as_deref(), Some("backup"));
    assert_eq!(count(&restored, "visits"), 1);

    assert_eq!(
        before,
        with_suffix(&db, ".before-restore-20260601-120000"),
        "named by the kiosk's clock"
    );
    let kept = Store::open(&before).unwrap();
    assert_eq!(
        kept.meta("which").unwrap().as_deref(),
        Some("current"),
        "the replaced database keeps its last commit"
    );
    drop(kept);

    // A second restore at the same moment keeps both earlier files.
    let first_bytes = fs::read(&before).unwrap();
    let second = restore_from(&backup, &db, now()).unwrap().unwrap();
    assert_ne!(second, before);
    assert_eq!(fs::read(&before).unwrap(), first_bytes, "the first copy is untouched");
    assert!(second.exists());
}

#[test]
fn a_restore_killed_half_way_leaves_nothing_the_next_one_trips_on() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = file_store(&dir.path().join("site"));
    let backup = dir.path().join(backup_file_name(now()));
    store.backup_to(&backup, now()).unwrap();
    drop(store);
    let staged = with_suffix(&db, ".restore-tmp");
    fs::write(&staged, b"half a copy").unwrap();
    fs::write(with_suffix(&staged, "-wal"), b"x").unwrap();
    restore_from(&backup, &db, now()).unwrap();
    assert!(!staged.exists() && !with_suffix(&staged, "-wal").exists());
}

#[test]
fn a_corrupted_backup_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = file_store(&dir.path().join("site"));
    store.set_meta("which", "current").unwrap();
    for i in 0..2000 {
        store.set_meta(&format!("k{i}"), &"x".repeat(200)).unwrap();
    }
    let backup = dir.path().join(backup_file_name(now()));
    store.backup_to(&backup, now()).unwrap();
    drop(store);
    // Scribble over the middle, as a failing SD card would.
    let mut bytes = fs::read(&backup).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 8192].fill(0x5A);
    fs::write(&backup, bytes).unwrap();

    assert!(matches!(restore_from(&backup, &db, now()), Err(StoreError::Damaged(_))));
    let garbage = dir.path().join("garbage.sqlite3");
    fs::write(&garbage, vec![0x42; 8192]).unwrap();
    assert!(matches!(
        restore_from(&garbage, &db, now()),
        Err(StoreError::Damaged(_))
    ));
    let empty = dir.path().join("empty.sqlite3");
    Connection::open(&empty)
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    assert!(matches!(restore_from(&empty, &db, now()), Err(StoreError::Damaged(_))));
    assert!(matches!(
        restore_from(&dir.path().join("absent.sqlite3"), &db, now()),
        Err(StoreError::File { .. })
    ));

    assert!(crate::data_folder::aside_copies(&db).is_empty());
    assert!(!with_suffix(&db, ".restore-tmp").exists());
    let same = Store::open(&db).unwrap();
    assert_eq!(same.meta("which").unwrap().as_deref(), Some("current"));
}

/// Everything the purge looks at, each kind once just past its cutoff and once just
/// inside it. Returns the ids that must go and stay, per table.
struct Fixture {
    gone_visits: Vec<i64>,
    kept_visits: Vec<i64>,
    gone_pass: i64,
    kept_pass: i64,
    gone_notice: i64,
    kept_notices: Vec<i64>,
    gone_job: i64,
    kept_job: i64,
    gone_invite: i64,
    kept_invites: Vec<i64>,
}

fn fixture(store: &mut Store) -> Fixture {
    let old = now() - Duration::days(180) - Duration::minutes(1);
    let young = now() - Duration::days(180) + Duration::minutes(1);
    let gone_visits = vec![
        add_visit(store, VisitStatus::SignedOut, old),
        add_visit(store, VisitStatus::Denied, old),
        add_visit(store, VisitStatus::Waiting, old),
    ];
    let on_site = add_visit(store, VisitStatus::Approved, old);
    let kept_visits = vec![on_site, add_visit(store, VisitStatus::SignedOut, young)];

    let permit = store
        .insert_permit(
            &NewPermit {
                unit_no: "3-2-1201".into(),
                owner_surname: "赵".into(),
                contractor: "装修队".into(),
                lead_phone: "13700000000".into(),
                start_date: NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
                end_date: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
                deposit_paid: true,
                workers: vec![NewWorker {
                    name: "张三".into(),
                    phone: "13700000001".into(),
                    id_hash: None,
                    id_last4: None,
                }],
            },
            "12345678",
            old,
        )
        .unwrap();
    let worker = permit.workers[0].id;
    // 180 days before 2026-06-01 is 2025-12-03: that day stays, the day before goes.
    let pass = |store: &mut Store, day: NaiveDate| {
        let t = day.and_hms_opt(2, 0, 0).unwrap().and_utc();
        store
            .issue_pass(permit.id, worker, day, "08:00-12:00", t, t, t)
            .unwrap()
            .0
            .id
    };
    let gone_pass = pass(store, NaiveDate::from_ymd_opt(2025, 12, 2).unwrap());
    let kept_pass = pass(store, NaiveDate::from_ymd_opt(2025, 12, 3).unwrap());

    let notice = |store: &mut Store, days: i64, delivered: bool| {
        let t = now() - Duration::days(days);
        let id = store.enqueue_notice("visitor_waiting", "{}", t).unwrap();
        if delivered {
            store.notice_delivered(id, t).unwrap();
        }
        id
    };
    let gone_notice = notice(store, 31, true);
    let kept_notices = vec![notice(store, 29, true), notice(store, 400, false)];

    let gone_job = store
        .add_print_job(
            crate::domain::print_job::SlipKind::Visitor,
            (crate::domain::record_kind::RecordKind::Visit, 1),
            b"slip",
            "h",
            None,
            now() - Duration::days(91),
        )
        .unwrap();
    let kept_job = store
        .add_print_job(
            crate::domain::print_job::SlipKind::Visitor,
            (crate::domain::record_kind::RecordKind::Visit, 2),
            b"slip",
            "h",
            None,
            now() - Duration::days(89),
        )
        .unwrap();

    let invite = |store: &mut Store, code: &str, last_day: NaiveDate| {
        let new = NewInvite {
            unit_no: "3-2-1201".into(),
            surname: "李".into(),
            phone: "13912345679".into(),
            valid_from: last_day,
            valid_until: last_day,
            created_by: "desk".into(),
        };
        store.insert_invite(&new, code, old).unwrap().id
    };
    // 30 days before 2026-06-01 is 2026-05-02.
    let gone_invite = invite(store, "111111", NaiveDate::from_ymd_opt(2026, 5, 1).unwrap());
    let kept_recent = invite(store, "222222", NaiveDate::from_ymd_opt(2026, 5, 2).unwrap());
    let kept_used = invite(store, "333333", NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let mut by_invite = new_visit(VisitStatus::SignedOut, "", "13912345679");
    by_invite.invite_id = Some(kept_used);
    let visit_by_invite = store.insert_visit(&by_invite, young, "20251203").unwrap().id;
    let mut kept_visits = kept_visits;
    kept_visits.push(visit_by_invite);

    Fixture {
        gone_visits,
        kept_visits,
        gone_pass,
        kept_pass,
        gone_notice,
        kept_notices,
        gone_job,
        kept_job,
        gone_invite,
        kept_invites: vec![kept_recent, kept_used],
    }
}

#[test]
fn purge_deletes_exactly_what_is_old_and_a_dry_run_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = file_store(dir.path());
    let f = fixture(&mut store);
    let tables = ["visits", "passes", "outbox", "print_jobs", "invites"];
    let before: Vec<i64> = tables.iter().map(|t| count(&store, t)).collect();
    let retention = Retention::new(180, 180, 730);

    let dry = store.purge(&retention, now(), true).unwrap();
    assert!(dry.dry_run);
    let after_dry: Vec<i64> = tables.iter().map(|t| count(&store, t)).collect();
    assert_eq!(before, after_dry, "a dry run deletes nothing");

    let real = store.purge(&retention, now(), false).unwrap();
    assert_eq!(
        (real.visits, real.passes, real.notices, real.print_jobs, real.invites),
        (3, 1, 1, 1, 1)
    );
    assert_eq!(real.visits_kept_on_site, 1);
    assert!(real.vacuumed && !dry.vacuumed);
    let counted = PurgeReport {
        dry_run: true,
        vacuumed: false,
        ..real.clone()
    };
    assert_eq!(counted, dry, "the dry run counted the same");

    let mut kept_visits = f.kept_visits.clone();
    kept_visits.sort();
    assert_eq!(ids(&store, "visits"), kept_visits);
    assert!(f.gone_visits.iter().all(|id| store.visit(*id).unwrap().is_none()));
    assert_eq!(ids(&store, "passes"), vec![f.kept_pass]);
    assert!(store.pass(f.gone_pass).unwrap().is_none());
    let mut kept_notices = f.kept_notices.clone();
    kept_notices.sort();
    assert_eq!(ids(&store, "outbox"), kept_notices);
    assert!(!ids(&store, "outbox").contains(&f.gone_notice));
    assert_eq!(ids(&store, "print_jobs"), vec![f.kept_job]);
    assert_ne!(f.gone_job, f.kept_job);
    assert_eq!(ids(&store, "invites"), f.kept_invites);
    assert!(!ids(&store, "invites").contains(&f.gone_invite));

    let again = store.purge(&retention, now(), false).unwrap();
    assert_eq!(again.total(), 0, "a second purge finds nothing more");
    store.ensure_intact().unwrap();
}

#[test]
fn a_visit_still_on_site_is_never_purged() {
    let mut store = Store::open_in_memory().unwrap();
    let on_site = add_visit(&mut store, VisitStatus::Approved, now() - Duration::days(400));
    let gone = add_visit(&mut store, VisitStatus::SignedOut, now() - Duration::days(400));
    let report = store.purge(&Retention::new(0, 0, 0), now(), false).unwrap();
    assert_eq!((report.visits, report.visits_kept_on_site), (1, 1));
    assert!(store.visit(on_site).unwrap().is_some());
    assert!(store.visit(gone).unwrap().is_none());
    // Signed out, it goes at the next purge.
    assert!(store
        .sign_out_visit(on_site, crate::store::SignOutKind::Auto, now())
        .unwrap());
    assert_eq!(store.purge(&Retention::new(0, 0, 0), now(), false).unwrap().visits, 1);
}

#[test]
fn purged_rows_do_not_survive_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = file_store(dir.path());
    let marker = "PURGE-MARKER-7f3a";
    let old = now() - Duration::days(200);
    for _ in 0..50 {
        store
            .insert_visit(
                &new_visit(VisitStatus::SignedOut, marker, "13987654321"),
                old,
                "20251113",
            )
            .unwrap();
    }
    add_visit(&mut store, VisitStatus::SignedOut, now());
    store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let contains = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        contains(&fs::read(&path).unwrap(), marker.as_bytes()),
        "the search works"
    );

    let report = store.purge(&Retention::new(180, 180, 730), now(), false).unwrap();
    assert_eq!(report.visits, 50);
    assert!(report.vacuumed);
    store.ensure_intact().unwrap();
    assert_eq!(count(&store, "visits"), 1);
    drop(store);
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend(fs::read(with_suffix(&path, "-wal")).unwrap_or_default());
    assert!(
        !contains(&bytes, marker.as_bytes()),
        "a purged company name is still in the file"
    );
    assert!(
        !contains(&bytes, b"13987654321"),
        "a purged phone (indexed) is still in the file"
    );
}

#[test]
fn huge_retention_periods_do_not_panic() {
    let mut store = Store::open_in_memory().unwrap();
    add_visit(&mut store, VisitStatus::SignedOut, now());
    let report = store
        .purge(&Retention::new(u32::MAX, u32::MAX, u32::MAX), now(), true)
        .unwrap();
    assert_eq!(report.total(), 0);
}

fn add_ticket(store: &mut Store, received: DateTime<Utc>, status: Option<TicketStatus>, phone: &str) -> i64 {
    let ticket = store
        .insert_ticket(
            &crate::store::NewTicket {
                unit_no: "3-2-1201".into(),
                request_type: crate::domain::request::RequestType::Repair,
                choice: "water".into(),
                note: String::new(),
                preferred_time: String::new(),
                callback_phone: phone.into(),
                urgent: false,
                due_at: received + Duration::days(1),
            },
            received,
            &received.format("%Y%m%d").to_string(),
        )
        .unwrap();
    if let Some(status) = status {
        store
            .set_ticket_status(ticket.id, status, "desk", "", status == TicketStatus::Closed, received)
            .unwrap();
    }
    store
        .record_satisfaction(
            crate::domain::ticket::RatedJourney::Ticket,
            Some(ticket.id),
            crate::domain::ticket::Satisfaction::Satisfied,
            received,
        )
        .unwrap();
    ticket.id
}

fn add_ended_permit(store: &mut Store, code: &str, end: NaiveDate) -> i64 {
    store
        .insert_permit(
            &NewPermit {
                unit_no: "3-2-1201".into(),
                owner_surname: "赵".into(),
                contractor: "装修队".into(),
                lead_phone: "13700000000".into(),
                start_date: end - Duration::days(30),
                end_date: end,
                deposit_paid: true,
                workers: vec![NewWorker {
                    name: "张三".into(),
                    phone: "13700000009".into(),
                    id_hash: None,
                    id_last4: None,
                }],
            },
            code,
            at("2024-01-01T00:00:00Z"),
        )
        .unwrap()
        .id
}

#[test]
fn finished_tickets_and_ended_permits_go_by_their_own_retention() {
    let mut store = Store::open_in_memory().unwrap();
    let old = now() - Duration::days(800);
    let gone = add_ticket(&mut store, old, Some(TicketStatus::Closed), "13811110000");
    let still_open = add_ticket(&mut store, old, None, "13811110001");
    let recent = add_ticket(
        &mut store,
        now() - Duration::days(100),
        Some(TicketStatus::Closed),
        "13811110002",
    );
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let ended = add_ended_permit(&mut store, "11111111", d(2025, 1, 31));
    let running = add_ended_permit(&mut store, "22222222", d(2026, 5, 31));

    let retention = Retention::new(180, 365, 730);
    let dry = store.purge(&retention, now(), true).unwrap();
    assert_eq!((dry.tickets, dry.tickets_kept_open, dry.permits), (1, 1, 1));
    assert_eq!(count(&store, "tickets"), 3, "a dry run deletes nothing");

    let report = store.purge(&retention, now(), false).unwrap();
    assert_eq!((report.tickets, report.tickets_kept_open, report.permits), (1, 1, 1));
    assert_eq!(report.ratings, 2, "the ratings of both old tickets go with them");
    assert!(store.ticket(gone).unwrap().is_none());
    assert!(
        store.ticket_history(gone).unwrap().is_empty(),
        "history goes with the ticket"
    );
    assert!(
        store.ticket(still_open).unwrap().is_some(),
        "an open ticket is never purged"
    );
    assert!(store.ticket(recent).unwrap().is_some());
    assert!(store.permit(ended).unwrap().is_none());
    assert!(store.permit(running).unwrap().is_some());
    assert_eq!(count(&store, "permit_workers"), 1, "the ended permit's roster is gone");
    assert_eq!(
        count(&store, "ticket_history"),
        3,
        "the kept tickets keep their history"
    );
    store.ensure_intact().unwrap();
}

#[test]
fn the_audit_and_handovers_go_only_by_the_purge_after_their_retention() {
    use crate::store::{HandoverDetail, HandoverItem, OnSiteKind};
    let mut store = Store::open_in_memory().unwrap();
    let old = now() - Duration::days(1100);
    let recent = now() - Duration::days(10);
    store.audit("王主管", "visit_approve", "V-old", "", old).unwrap();
    store.audit("王主管", "visit_approve", "V-new", "", recent).unwrap();
    let item = HandoverItem {
        number: "V-old".into(),
        unit: "3-2-1201".into(),
        detail: HandoverDetail::OnSite {
            who: OnSiteKind::Visitor,
            name: "王*".into(),
        },
        at: Some(old),
    };
    let gone = store
        .insert_handover("王主管", "", std::slice::from_ref(&item), old)
        .unwrap();
    let kept = store.insert_handover("王主管", "", &[item], recent).unwrap();

    // Append-only for everyone but the purge.
    for sql in [
        "DELETE FROM audit",
        "DELETE FROM handover_items",
        "DELETE FROM handovers",
    ] {
        assert!(store.conn().execute(sql, []).is_err(), "{sql} is refused");
    }
    assert_eq!(count(&store, "audit"), 2);

    let retention = Retention::new(180, 365, 730).with_records(1095, 1095);
    let dry = store.purge(&retention, now(), true).unwrap();
    assert_eq!((dry.audit, dry.handovers), (1, 1));
    assert_eq!(count(&store, "audit"), 2, "a dry run deletes nothing");
    let report = store.purge(&retention, now(), false).unwrap();
    assert_eq!((report.audit, report.handovers), (1, 1));
    let audit: Vec<String> = store
        .audit_since(old - Duration::days(1))
        .unwrap()
        .into_iter()
        .map(|a| a.record)
        .collect();
    assert_eq!(audit, vec!["V-new".to_string()]);
    assert!(store.handover(gone.id).unwrap().is_none());
    assert_eq!(store.handover(kept.id).unwrap().unwrap().items.len(), 1);
    assert_eq!(count(&store, "purge_gate"), 0, "the gate closes again");
    assert!(
        store.conn().execute("DELETE FROM audit", []).is_err(),
        "and stays closed"
    );
}

#[test]
fn a_visit_let_in_whose_slip_ran_out_long_ago_is_purged() {
    let mut store = Store::open_in_memory().unwrap();
    let created = now() - Duration::days(400);
    let mut visit = new_visit(VisitStatus::Approved, "", "13912345678");
    visit.valid_until = Some(created + Duration::hours(8));
    let id = store.insert_visit(&visit, created, "20250427").unwrap().id;
    let report = store.purge(&Retention::new(180, 180, 730), now(), false).unwrap();
    assert_eq!(report.visits, 1);
    assert_eq!(report.visits_kept_on_site, 0);
    assert!(store.visit(id).unwrap().is_none());
}

#[test]
fn a_record_after_the_purge_emptied_its_table_goes_up_under_a_global_id_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = file_store(dir.path());
    store.fleet_setup(Some(("a", "A"))).unwrap();
    let gid_of = |store: &Store, id: i64| -> String {
        store
            .conn()
            .query_row(
                "SELECT gid FROM fleet_gids WHERE tbl = 'visits' AND local_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    let first = add_visit(&mut store, VisitStatus::SignedOut, now() - Duration::days(300));
    let top = add_visit(&mut store, VisitStatus::SignedOut, now() - Duration::days(200));
    let old_gid = gid_of(&store, top);
    // Only the older visit is past a 250-day retention: the top id stays, nothing moves.
    assert_eq!(
        store
            .purge(&Retention::new(250, 180, 730), now(), false)
            .unwrap()
            .visits,
        1
    );
    assert!(ids(&store, "visits").contains(&top));
    assert!(!ids(&store, "visits").contains(&first));
    let queue_gids = |store: &Store| -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare("SELECT gid FROM fleet_queue WHERE tbl = 'visits'")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert!(
        gid_of(&store, top).starts_with("a.1."),
        "no id came free: the same incarnation"
    );
    // Now the newest visit goes too, and SQLite hands its id to the next visitor.
    assert_eq!(
        store
            .purge(&Retention::new(180, 180, 730), now(), false)
            .unwrap()
            .visits,
        1
    );
    let next = add_visit(&mut store, VisitStatus::SignedOut, now());
    assert!(next <= top, "SQLite hands out an id used before: {next}");
    let next_gid = gid_of(&store, next);
    assert_ne!(
        next_gid, old_gid,
        "the new visitor must not overwrite the purged one's central copy"
    );
    assert!(next_gid.starts_with("a.2."), "a new incarnation: {next_gid}");
    assert!(queue_gids(&store).contains(&next_gid), "queued under its own id");
}
