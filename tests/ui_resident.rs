//! Resident services end to end: identify without leaking, every request type, the
//! emergency path, after-hours honesty, status lookup and satisfaction.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use lobby_kiosk::domain::request::{quick_choices, RequestType};
use lobby_kiosk::domain::ticket::TicketStatus;
use lobby_kiosk::i18n::Lang;
use lobby_kiosk::journeys::resident;
use lobby_kiosk::ui::{ResidentAdapter, ResidentStep};
use slint::{ComponentHandle, Model};

const UNIT: &str = "1-1-101";

fn step(k: &TestKiosk) -> ResidentStep {
    k.window.global::<ResidentAdapter>().get_step()
}

fn type_keys(k: &TestKiosk, text: &str) {
    for c in text.chars() {
        if c == '-' {
            tap(k, "分隔符 -");
        } else {
            tap(k, &c.to_string());
        }
    }
}

fn registered_last4(k: &TestKiosk) -> String {
    let phone = k.app().store().unit_phones(UNIT).unwrap().remove(0);
    phone[7..].to_string()
}

/// Monday 30 November 2026, 10:00 in Shanghai: the desk is open.
fn office_time(k: &TestKiosk) {
    let t = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 30, 10, 0, 0)
        .unwrap();
    k.app().set_now(Some(t.with_timezone(&Utc)));
}

fn identify(k: &TestKiosk, unit: &str, last4: &str) {
    type_keys(k, unit);
    tap(k, "下一步");
    type_keys(k, last4);
    tap(k, "确认");
}

fn to_menu(k: &TestKiosk) {
    tap(k, "业主服务");
    let last4 = registered_last4(k);
    identify(k, UNIT, &last4);
    assert_eq!(step(k), ResidentStep::Menu);
}

#[test]
fn every_request_type_becomes_a_ticket_with_a_slip() {
    let k = kiosk();
    office_time(&k);
    for (n, t) in RequestType::ALL.into_iter().filter(|t| !t.is_emergency()).enumerate() {
        to_menu(&k);
        tap(&k, t.label(Lang::Zh));
        assert_eq!(step(&k), ResidentStep::Choices, "{t:?}");
        tap(&k, quick_choices(t)[0].label(Lang::Zh));
        assert_eq!(step(&k), ResidentStep::Details);
        tap(&k, "明天上午");
        tap(&k, "下一步");
        assert_eq!(step(&k), ResidentStep::Callback);
        assert!(
            read(&k, "确认回电号码").contains("****"),
            "the call-back number is confirmed masked"
        );
        tap(&k, "可以，提交");
        assert_eq!(step(&k), ResidentStep::Done, "{t:?}");
        assert_eq!(
            read(&k, "单号"),
            format!("R20261130-{:04}", n + 1),
            "numbered per day, in order"
        );
        tap(&k, "完成");
    }
    let slips = printed_slips(k.dir.path());
    assert_eq!(
        slips.iter().filter(|(name, _)| name.ends_with("-ticket.bin")).count(),
        8
    );
    let ticket = k.app().store().ticket_by_no("R20261130-0001").unwrap().unwrap();
    assert_eq!(ticket.preferred_time, "tomorrow_am");
    assert_eq!(ticket.status.as_str(), "received");
    let notices = k.app().store().notices(20).unwrap();
    assert_eq!(
        notices.iter().filter(|n| n.kind == "request").count(),
        8,
        "the desk hears of every request"
    );
}

#[test]
fn an_emergency_shows_the_on_duty_number_at_once_and_alerts_the_desk() {
    let k = kiosk();
    // 3 a.m.: emergencies never wait for office hours.
    let night = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 30, 3, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    k.app().set_now(Some(night));
    to_menu(&k);
    tap(&k, RequestType::EmergencyRepair.label(Lang::Zh));
    assert_eq!(step(&k), ResidentStep::Emergency);
    assert_eq!(
        read(&k, "值班电话"),
        "139-0000-0110",
        "the on-duty number is shown before anything else"
    );
    tap(&k, quick_choices(RequestType::EmergencyRepair)[0].label(Lang::Zh));
    assert_eq!(step(&k), ResidentStep::Done);
    let adapter = k.window.global::<ResidentAdapter>();
    assert!(adapter.get_urgent());
    assert!(!adapter.get_after_hours(), "emergencies are never deferred");
    let ticket = k.app().store().ticket_by_no(&read(&k, "单号")).unwrap().unwrap();
    assert!(ticket.urgent);
    assert_eq!(
        (ticket.due_at - night).num_minutes(),
        15,
        "on site within the configured 15 minutes"
    );
    let notice = &k.app().store().notices(1).unwrap()[0];
    assert_eq!(notice.kind, "emergency_request");
    assert!(notice.notice.contains("\"urgent\":true"));
}

#[test]
fn the_chosen_time_is_highlighted_and_the_receipt_prints_it_with_the_note() {
    let k = kiosk();
    office_time(&k);
    to_menu(&k);
    tap(&k, RequestType::Repair.label(Lang::Zh));
    tap(&k, quick_choices(RequestType::Repair)[2].label(Lang::Zh));
    let checked = |label: &str| find(&k, label).accessible_checked();
    assert_eq!(checked("尽快"), Some(true), "the default is shown as chosen");
    tap(&k, "明天上午");
    assert_eq!(checked("明天上午"), Some(true), "the chosen chip is highlighted");
    assert_eq!(checked("尽快"), Some(false));
    tap(&k, "补充说明（可选）");
    type_latin(&k, "DOOR STICKS");
    tap(&k, "完成");
    assert_eq!(step(&k), ResidentStep::Details);
    assert_eq!(checked("明天上午"), Some(true), "still chosen after the note");
    tap(&k, "下一步");
    tap(&k, "可以，提交");
    assert_eq!(step(&k), ResidentStep::Done);
    let slip = printed_slips(k.dir.path())
        .into_iter()
        .find(|(name, _)| name.ends_with("-ticket.bin"))
        .expect("the receipt printed");
    let has = |text: &str| {
        let gb = encoding_rs::GB18030.encode(text).0;
        slip.1.windows(gb.len()).any(|w| w == &gb[..])
    };
    assert!(
        has("希望处理时间") && has("明天上午"),
        "the preferred time is on the receipt"
    );
    assert!(has("补充说明") && has("Door Sticks"), "the note is on the receipt");
}

#[test]
fn for_gas_or_fire_the_first_words_are_to_leave_and_call_119() {
    let k = kiosk();
    office_time(&k);
    to_menu(&k);
    tap(&k, RequestType::EmergencyRepair.label(Lang::Zh));
    assert!(
        !read(&k, "值班电话").is_empty() && !shows_text(&k, "值班人员已收到通知"),
        "nobody has been told before anything is chosen"
    );
    assert!(is_shown(&k, "着火或冒烟"), "fire or smoke, said plainly");
    assert!(!is_shown(&k, "烟火"));
    tap(&k, "闻到燃气味");
    assert_eq!(step(&k), ResidentStep::Done);
    assert!(
        read(&k, "安全提示").starts_with("请立即离开室内，到室外安全处拨打 119。"),
        "{}",
        read(&k, "安全提示")
    );
    tap(&k, "完成");
    to_menu(&k);
    tap(&k, RequestType::EmergencyRepair.label(Lang::Zh));
    tap(&k, "着火或冒烟");
    assert!(read(&k, "安全提示").starts_with("请立即离开，到安全处拨打 119。"));
    // In English too.
    tap(&k, "English");
    assert!(
        read(&k, "Safety first").starts_with("Please leave at once and call 119"),
        "{}",
        read(&k, "Safety first")
    );
}

#[test]
fn after_hours_requests_are_accepted_with_the_next_working_day_promise() {
    let k = kiosk();
    let evening = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 30, 21, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    k.app().set_now(Some(evening));
    to_menu(&k);
    tap(&k, RequestType::Repair.label(Lang::Zh));
    tap(&k, quick_choices(RequestType::Repair)[0].label(Lang::Zh));
    tap(&k, "下一步");
    tap(&k, "可以，提交");
    assert!(k.window.global::<ResidentAdapter>().get_after_hours());
    let text = read(&k, "已为您登记，谢谢！");
    assert!(text.contains("下一个工作日"), "{text}");
    let ticket = k.app().store().ticket_by_no(&read(&k, "单号")).unwrap().unwrap();
    let opening = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 12, 1, 8, 30, 0)
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        ticket.due_at,
        opening + chrono::Duration::minutes(1440),
        "the clock starts when the desk opens"
    );
}

#[test]
fn failed_identification_says_the_same_thing_and_stops_after_three() {
    let k = kiosk();
    tap(&k, "业主服务");
    identify(&k, "9-9-909", "1234"); // no such unit
    let unknown_unit = read(&k, "提示").replace("9-9-909", "");
    assert_eq!(
        step(&k),
        ResidentStep::IdentifyDigits,
        "the room is kept, only the digits are asked again"
    );
    tap(&k, "返回");
    assert_eq!(read(&k, "您的房号"), "9-9-909", "the room is still there to correct");
    tap(&k, "清空");
    identify(&k, UNIT, "0000"); // wrong digits
    let wrong_digits = read(&k, "提示").replace(UNIT, "");
    assert_eq!(unknown_unit, wrong_digits, "no way to tell which part was wrong");
    assert_eq!(step(&k), ResidentStep::IdentifyDigits);
    assert!(wrong_digits.contains("请按“返回”修改"), "{wrong_digits}");
    assert_eq!(read(&k, "登记手机号的后四位"), "", "the wrong digits are cleared");
    type_keys(&k, "0001");
    tap(&k, "确认");
    assert_eq!(step(&k), ResidentStep::Stopped);
    let notice = &k.app().store().notices(1).unwrap()[0];
    assert_eq!(notice.kind, "identify_failed", "the desk is told");
}

#[test]
fn status_lookup_shows_the_timeline_and_a_done_ticket_asks_for_satisfaction() {
    let k = kiosk();
    office_time(&k);
    to_menu(&k);
    tap(&k, RequestType::Repair.label(Lang::Zh));
    tap(&k, quick_choices(RequestType::Repair)[1].label(Lang::Zh));
    tap(&k, "下一步");
    tap(&k, "可以，提交");
    let number = read(&k, "单号");
    tap(&k, "完成");
    let now = k.app().now();
    resident::update(
        k.app(),
        &number,
        TicketStatus::Dispatched,
        "desk-li",
        "已派维修师傅",
        now,
    )
    .unwrap()
    .unwrap();
    resident::update(k.app(), &number, TicketStatus::InProgress, "repair-wang", "", now)
        .unwrap()
        .unwrap();
    resident::update(k.app(), &number, TicketStatus::Done, "repair-wang", "已更换水龙头", now)
        .unwrap()
        .unwrap();
    assert!(
        resident::update(k.app(), &number, TicketStatus::Received, "desk", "", now)
            .unwrap()
            .is_err(),
        "no going back"
    );

    tap(&k, "业主服务");
    tap(&k, "查询办理进度");
    type_keys(&k, &number.replace(['R', '-'], ""));
    tap(&k, "下一步");
    type_keys(&k, &registered_last4(&k));
    tap(&k, "查询");
    assert_eq!(step(&k), ResidentStep::Status);
    assert!(read(&k, "办理进度").starts_with(&number));
    assert_eq!(
        k.window.global::<ResidentAdapter>().get_timeline().row_count(),
        4,
        "every change, stamped"
    );
    assert!(is_shown(&k, "已更换水龙头"));
    tap(&k, "满意");
    assert!(is_shown(&k, "评价结果"));
    let day = chrono::Duration::days(1);
    let ratings = k.app().store().satisfaction_between(now - day, now + day).unwrap();
    assert!(
        ratings
            .iter()
            .any(|(j, r, n)| j.as_str() == "ticket" && r.as_str() == "satisfied" && *n == 1),
        "{ratings:?}"
    );
    // The status ends like every journey: one 完成 and the resident is home again.
    tap(&k, "完成");
    assert_eq!(
        k.window.global::<lobby_kiosk::ui::AppState>().get_page(),
        lobby_kiosk::ui::Page::Home
    );
    assert_eq!(step(&k), ResidentStep::IdentifyUnit, "nothing of the lookup is left");
}

#[test]
fn a_rating_the_disk_refuses_still_thanks_the_resident_who_keeps_their_ticket_number() {
    let k = kiosk();
    office_time(&k);
    to_menu(&k);
    let t = RequestType::ALL.into_iter().find(|t| !t.is_emergency()).unwrap();
    tap(&k, t.label(Lang::Zh));
    tap(&k, quick_choices(t)[0].label(Lang::Zh));
    tap(&k, "明天上午");
    tap(&k, "下一步");
    tap(&k, "可以，提交");
    assert_eq!(step(&k), ResidentStep::Done);
    let number = read(&k, "单号");
    k.app().store().simulate_read_only(true).unwrap();
    tap(&k, "满意");
    assert!(is_shown(&k, "评价结果"), "thanked as if it had been saved");
    assert!(!k.in_maintenance(), "no notice over the resident's outcome");
    assert_eq!(read(&k, "单号"), number, "the ticket number stays on screen");
    let day = chrono::Duration::days(1);
    let now = k.app().now();
    assert!(k
        .app()
        .store()
        .satisfaction_between(now - day, now + day)
        .unwrap()
        .is_empty());
    // The storage watch's next probe finds the disk refusing, as it would anyway.
    wait_seconds(60);
    assert!(k.in_maintenance());
    k.app().store().simulate_read_only(false).unwrap();
}

#[test]
fn a_scanned_receipt_opens_its_status_without_typing() {
    let k = kiosk();
    office_time(&k);
    to_menu(&k);
    tap(&k, RequestType::Internet.label(Lang::Zh));
    tap(&k, quick_choices(RequestType::Internet)[0].label(Lang::Zh));
    tap(&k, "下一步");
    tap(&k, "可以，提交");
    tap(&k, "完成");
    let slip = printed_slips(k.dir.path())
        .into_iter()
        .find(|(n, _)| n.ends_with("-ticket.bin"))
        .unwrap();
    let token = qr_in_escpos(&slip.1).expect("the receipt carries a readable QR");
    scan(&k, &token);
    assert_eq!(step(&k), ResidentStep::Status);
}

#[test]
fn ticket_numbers_stay_unique_and_sequential_with_two_writers() {
    use lobby_kiosk::store::{NewTicket, Store};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.sqlite3");
    drop(Store::open(&path).unwrap());
    let writer = |path: std::path::PathBuf| {
        std::thread::spawn(move || {
            let mut store = Store::open(&path).unwrap();
            let new = NewTicket {
                unit_no: "1-1-101".into(),
                request_type: lobby_kiosk::domain::request::RequestType::Repair,
                choice: "plumbing".into(),
                note: String::new(),
                preferred_time: "asap".into(),
                callback_phone: "13800000000".into(),
                urgent: false,
                due_at: monday_at(10, 0),
            };
            (0..40)
                .map(|_| {
                    store
                        .insert_ticket(&new, monday_at(10, 0), "20261130")
                        .unwrap()
                        .ticket_no
                })
                .collect::<Vec<_>>()
        })
    };
    let (a, b) = (writer(path.clone()), writer(path.clone()));
    let mut numbers: Vec<String> = a.join().unwrap().into_iter().chain(b.join().unwrap()).collect();
    numbers.sort();
    let expected: Vec<String> = (1..=80).map(|n| format!("R20261130-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

/// Files a repair at this Shanghai time (December 2026) on the kiosk, in `lang`.
fn file_repair_at(k: &TestKiosk, h: u32, m: u32, day: u32, lang: Lang) {
    let now = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 12, day, h, m, 0)
        .unwrap()
        .with_timezone(&Utc);
    k.app().set_now(Some(now));
    let say = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    if lang == Lang::En {
        tap(k, "English");
    }
    tap(k, &say("业主服务", "Resident services"));
    let last4 = registered_last4(k);
    for c in UNIT.chars() {
        match c {
            '-' => tap(k, &say("分隔符 -", "Separator -")),
            c => tap(k, &c.to_string()),
        }
    }
    tap(k, &say("下一步", "Next"));
    for c in last4.chars() {
        tap(k, &c.to_string());
    }
    tap(k, &say("确认", "Confirm"));
    assert_eq!(step(k), ResidentStep::Menu);
    tap(k, RequestType::Repair.label(lang));
    tap(k, quick_choices(RequestType::Repair)[0].label(lang));
    tap(k, &say("下一步", "Next"));
    tap(k, &say("可以，提交", "Yes, submit"));
}

#[test]
fn inside_the_lunch_break_the_promise_is_todays_reopening_not_the_next_working_day() {
    // Saturday 5 December 2026 at 12:32: office days include Saturday, the desk reopens
    // at 13:30.
    let k = kiosk();
    file_repair_at(&k, 12, 32, 5, Lang::Zh);
    let adapter = k.window.global::<ResidentAdapter>();
    assert!(adapter.get_after_hours());
    assert!(adapter.get_reopens_today());
    let text = read(&k, "已为您登记，谢谢！");
    assert!(text.contains("今天 13:30 以后"), "{text}");
    assert!(!text.contains("下一个工作日"), "{text}");
    assert!(text.contains("12-06 13:30"), "24 hours after the reopening: {text}");

    let k = kiosk();
    file_repair_at(&k, 12, 32, 5, Lang::En);
    let text = read(&k, "Your request is recorded. Thank you!");
    assert!(text.contains("after 13:30 today"), "{text}");
    assert!(!text.contains("next working day"), "{text}");
}

#[test]
fn at_each_boundary_of_the_day_the_promise_is_honest() {
    // 13:30 sharp: open, no after-hours promise.
    let k = kiosk();
    file_repair_at(&k, 13, 30, 5, Lang::Zh);
    assert!(!k.window.global::<ResidentAdapter>().get_after_hours());
    // 08:29 before the first hours: today 08:30.
    let k = kiosk();
    file_repair_at(&k, 8, 29, 5, Lang::Zh);
    assert!(read(&k, "已为您登记，谢谢！").contains("今天 08:30 以后"));
    // 12:00, the break's first minute: today 13:30.
    let k = kiosk();
    file_repair_at(&k, 12, 0, 5, Lang::Zh);
    assert!(read(&k, "已为您登记，谢谢！").contains("今天 13:30 以后"));
    // 17:30, the end of the day's last hours: the next working day, in both languages.
    let k = kiosk();
    file_repair_at(&k, 17, 30, 5, Lang::Zh);
    let text = read(&k, "已为您登记，谢谢！");
    assert!(text.contains("下一个工作日"), "{text}");
    assert!(!k.window.global::<ResidentAdapter>().get_reopens_today());
    let k = kiosk();
    file_repair_at(&k, 17, 30, 5, Lang::En);
    assert!(read(&k, "Your request is recorded. Thank you!").contains("next working day"));
}
