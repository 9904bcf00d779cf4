//! The privacy scan: with records full of real-looking phone and ID numbers in the
//! database, every page the screenshot module knows, the journeys' own screens, every
//! slip kind (its layout and its ESC/POS bytes read back as GB18030) and the
//! command line's listings are searched for a full mobile number or an 18-character
//! ID number. Only the masked forms (`138****5678`) may appear.

mod common;

use chrono::NaiveDate;
use common::*;
use lobby_kiosk::directory;
use lobby_kiosk::domain::visitor::VisitorType;
use lobby_kiosk::i18n::Lang;
use lobby_kiosk::journeys::staff::{self, Role};
use lobby_kiosk::journeys::visitor::{self, Registered};
use lobby_kiosk::journeys::{resident, visitor_slip, worker, worker_slip};
use lobby_kiosk::printing::{test_slip, Op, Slip};
use lobby_kiosk::store::Permit;
use lobby_kiosk::ui::screenshot::{stage_page, PAGES};
use lobby_kiosk::ui::{ResidentAdapter, ResidentStep, StaffAdapter, StaffStep, WorkerAdapter, WorkerStep};
use slint::ComponentHandle;

const RESIDENT_PHONE: &str = "13812345678";
const VISITOR_PHONE: &str = "13912345678";
const COURIER_PHONE: &str = "15011112222";
const DENIED_PHONE: &str = "18666666666";
const WORKER_PHONE: &str = "13700001111";
const WORKER_ID: &str = "110101199003071233";
const WORKER2_ID: &str = "44030119851231518X";
const LEAD_PHONE: &str = "13700003333";
const INVITE_PHONE: &str = "17755556666";
const SECRETS: &[&str] = &[
    RESIDENT_PHONE,
    VISITOR_PHONE,
    COURIER_PHONE,
    DENIED_PHONE,
    WORKER_PHONE,
    WORKER_ID,
    WORKER2_ID,
    LEAD_PHONE,
    INVITE_PHONE,
];

/// Every full mobile number (1[3-9] and 9 more digits, not part of a longer number) and
/// every 18-character ID number (17 digits and a digit or X) in `text`.
fn leaks(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_digit());
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit(i) || (i > 0 && digit(i - 1)) {
            i += 1;
            continue;
        }
        let mut end = i;
        while digit(end) {
            end += 1;
        }
        let run: String = chars[i..end].iter().collect();
        let id_tail = matches!(chars.get(end), Some('X' | 'x'));
        if run.len() == 11 && run.starts_with('1') && ('3'..='9').contains(&run.chars().nth(1).unwrap()) {
            found.push(run.clone());
        }
        if run.len() == 18 || (run.len() == 17 && id_tail) {
            found.push(run.clone());
        }
        // A phone inside a longer run (an ID number) was already reported as the ID.
        i = end;
    }
    found
}

#[test]
fn the_scanner_for_leaks_finds_what_it_must() {
    assert_eq!(leaks("电话 13812345678。"), vec!["13812345678"]);
    assert_eq!(leaks("ID 44030119851231567X ok"), vec!["44030119851231567"]);
    assert_eq!(leaks("110101199003071234"), vec!["110101199003071234"]);
    assert!(leaks("138****5678 4403**********1234 R20261130-0001 V20261130-0002").is_empty());
    assert!(leaks("12812345678 400-820-5678 2026-11-30").is_empty());
}

fn type_keys(k: &TestKiosk, text: &str) {
    for c in text.chars() {
        let key = if c == '-' {
            "分隔符 -".to_string()
        } else {
            c.to_string()
        };
        tap(k, &key);
    }
}

fn assert_clean(place: &str, text: &str) {
    let found = leaks(text);
    assert!(found.is_empty(), "{place} shows {found:?} in full:\n{text}");
    for secret in SECRETS {
        assert!(!text.contains(secret), "{place} shows {secret}:\n{text}");
    }
}

fn assert_screen_clean(k: &TestKiosk, place: &str) {
    assert_clean(place, &screen_text(k).join("\n"));
}

/// Text of a slip's layout, as the flow built it.
fn slip_text(slip: &Slip) -> String {
    let mut out = String::new();
    for op in &slip.ops {
        match op {
            Op::Title(t) | Op::Heading(t) | Op::Text(t) | Op::Centered(t) => out.push_str(t),
            Op::Field { label, value } => {
                out.push_str(label);
                out.push(' ');
                out.push_str(value);
            }
            Op::Qr(payload) => out.push_str(payload),
            Op::Divider | Op::Feed(_) | Op::Cut => {}
        }
        out.push('\n');
    }
    out
}

struct Seeded {
    permit: Permit,
    courier_visit: lobby_kiosk::store::Visit,
}

/// Records that hold every secret: residents, visitors (one waiting, one let in), a
/// denied phone, an invite, a permit whose workers carry ID numbers, a pass, tickets.
fn seed(k: &TestKiosk) -> Seeded {
    let app = k.app();
    let now = monday_at(10, 0);
    app.set_now(Some(now));
    let csv = format!("unit,surname,phone\n1-1-101,王,{RESIDENT_PHONE}\n2-1-302,赵,13598765432\n");
    let residents = directory::parse_csv(&csv, &app.unit_format).unwrap();
    app.store().replace_residents(&residents, now).unwrap();
    staff::add_staff(app, "bootstrap", "李明", Role::Supervisor, "258036", now)
        .unwrap()
        .unwrap();
    app.store().deny_add(DENIED_PHONE, "多次滋扰", "李明", now).unwrap();
    waiting_guest(app, VISITOR_PHONE, now);
    let courier_visit = courier_on_site(app, COURIER_PHONE, now);
    let Registered::Held(_) = visitor::register(app, &walk_in(DENIED_PHONE, VisitorType::Guest), now).unwrap() else {
        panic!("the deny list holds")
    };
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    visitor::create_invite(
        app,
        &visitor::InviteRequest {
            unit: "1-1-101",
            surname: "李",
            phone: INVITE_PHONE,
            from: day,
            until: day,
            by: "李明",
        },
        now,
    )
    .unwrap()
    .unwrap();
    // The fixture's lead phone is LEAD_PHONE.
    let permit = file_permit(
        app,
        "安居装饰工程有限公司",
        &[
            &format!("张三明:{WORKER_PHONE}:{WORKER_ID}"),
            &format!("李四:13700002222:{WORKER2_ID}"),
        ],
        true,
        now,
    );
    worker::print_permit(app, &permit, now).unwrap();
    issue_pass(app, &permit, WORKER_PHONE, now);
    Seeded { permit, courier_visit }
}

#[test]
fn no_page_and_no_slip_shows_a_full_phone_or_id_number() {
    let k = kiosk_with(|t| {
        t.replace("pass_retention_days = 365", "pass_retention_days = 200")
            .replace("ticket_retention_days = 730", "ticket_retention_days = 500")
            .replace("audit_retention_days = 1095", "audit_retention_days = 1200")
    });
    let seeded = seed(&k);
    let app = k.app();
    let now = monday_at(10, 0);

    // Every page and state the screenshot module knows, in both languages.
    for lang in [Lang::Zh, Lang::En] {
        for (page, _) in PAGES {
            stage_page(&k, page, lang);
            assert_screen_clean(&k, &format!("screenshot page {page} ({lang:?})"));
        }
    }
    k.reset_journeys();
    k.set_language(Lang::Zh);
    k.show_page(lobby_kiosk::ui::Page::Home);

    // A returning visitor is offered their last visit, never the full number.
    tap(&k, "访客登记");
    for c in VISITOR_PHONE.chars() {
        tap(&k, &c.to_string());
    }
    // While typing, the person sees their own digits: proof that the scan reads the screen.
    assert!(
        leaks(&screen_text(&k).join("\n")).contains(&VISITOR_PHONE.to_string()),
        "the keypad field shows what is typed"
    );
    tap(&k, "下一步");
    assert!(
        screen_text(&k).join("\n").contains("先生/女士"),
        "their own surname, politely"
    );
    assert_screen_clean(&k, "the returning-visitor question");
    tap(&k, "到别的房号");
    type_keys(&k, "1-1-101");
    tap(&k, "下一步");
    assert_screen_clean(&k, "visitor details");
    k.show_page(lobby_kiosk::ui::Page::Home);
    k.reset_journeys();

    // The worker's roster and the pass shown on screen.
    tap(&k, "装修临时通行证");
    for c in seeded.permit.code.chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "下一步");
    assert_eq!(k.window.global::<WorkerAdapter>().get_step(), WorkerStep::Roster);
    assert_screen_clean(&k, "the permit's roster");
    assert!(
        read(&k, "个人信息说明").contains("保存 200 天"),
        "the notice states privacy.pass_retention_days: {}",
        read(&k, "个人信息说明")
    );
    assert!(
        read(&k, "个人信息说明").contains("操作记录中提及本次通行的内容保存 1200 天"),
        "the notice states how long the audit and handovers keep what concerns the worker: {}",
        read(&k, "个人信息说明")
    );
    tap(&k, "施工人员 张*明");
    assert_eq!(k.window.global::<WorkerAdapter>().get_step(), WorkerStep::Confirm);
    assert_screen_clean(&k, "the worker's confirmation of their mobile");
    type_keys(&k, &WORKER_PHONE[7..]);
    tap(&k, "确认");
    assert_eq!(k.window.global::<WorkerAdapter>().get_step(), WorkerStep::Issued);
    assert_screen_clean(&k, "the issued pass");
    k.show_page(lobby_kiosk::ui::Page::Home);
    k.reset_journeys();

    // A resident's request, through the call-back confirmation to the ticket.
    tap(&k, "业主服务");
    type_keys(&k, "1-1-101");
    tap(&k, "下一步");
    for c in RESIDENT_PHONE[7..].chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "确认");
    assert_eq!(k.window.global::<ResidentAdapter>().get_step(), ResidentStep::Menu);
    assert_screen_clean(&k, "the resident's menu");
    use lobby_kiosk::domain::request::{quick_choices, RequestType};
    tap(&k, RequestType::Repair.label(Lang::Zh));
    let choice = quick_choices(RequestType::Repair)[0].label(Lang::Zh);
    tap(&k, choice);
    tap(&k, "明天上午");
    tap(&k, "下一步");
    assert_eq!(k.window.global::<ResidentAdapter>().get_step(), ResidentStep::Callback);
    assert!(
        screen_text(&k).join("\n").contains("138****5678"),
        "the call-back number is masked"
    );
    assert_screen_clean(&k, "the call-back confirmation");
    assert!(
        read(&k, "个人信息说明").contains("保存 500 天"),
        "the notice states privacy.ticket_retention_days: {}",
        read(&k, "个人信息说明")
    );
    tap(&k, "可以，提交");
    assert_eq!(k.window.global::<ResidentAdapter>().get_step(), ResidentStep::Done);
    assert_screen_clean(&k, "the ticket receipt on screen");
    k.show_page(lobby_kiosk::ui::Page::Home);
    k.reset_journeys();

    // Staff mode: waiting visitors (one held by the deny list), who is on site, tickets.
    find(&k, "工作人员入口").invoke_accessible_default_action();
    for c in "258036".chars() {
        tap(&k, &c.to_string());
    }
    tap(&k, "进入");
    assert_eq!(k.window.global::<StaffAdapter>().get_step(), StaffStep::Dashboard);
    assert_screen_clean(&k, "the staff dashboard");
    k.show_page(lobby_kiosk::ui::Page::Home);
    k.reset_journeys();

    // Every slip kind: the layout the flow built and the bytes the printer got.
    let ticket = app.store().tickets(true).unwrap().remove(0);
    let permit = seeded.permit.clone();
    let pass = app.store().passes_on_site(now).unwrap().remove(0);
    let worker = permit.workers.iter().find(|w| w.id == pass.worker_id).unwrap().clone();
    let visit_token = visitor::visit_token(app, &seeded.courier_visit).unwrap();
    let pass_token = worker::pass_token(app, &pass, &permit).unwrap();
    let roster = staff::roster(app, now).unwrap();
    assert!(roster.len() >= 2, "visitor and worker on site: {roster:?}");
    let slips = [
        visitor_slip::visitor_slip(app, &seeded.courier_visit, &visit_token),
        worker_slip::pass_slip(app, &pass, &permit, &worker, &pass_token),
        worker_slip::permit_slip(app, &permit, "LK1:TEST"),
        resident::ticket_slip(app, &ticket).unwrap(),
        staff::roster_slip(app, &roster, now),
        test_slip(
            &app.config.compound.name,
            &app.config.compound.hotline,
            "2026-11-30 10:00",
        ),
    ];
    for slip in &slips {
        let text = slip_text(slip);
        assert_clean(&format!("the {:?} slip", slip.kind), &text);
        let bytes = lobby_kiosk::printing::encode(slip, &app.encode_options()).unwrap();
        assert_clean(&format!("the {:?} slip's bytes", slip.kind), &escpos_text(&bytes));
    }
    let report = staff::daily_report(app, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), now).unwrap();
    assert_clean("the daily report", &serde_json::to_string(&report).unwrap());
    staff::print_roster(app, now).unwrap();
    settle(&k);
    let printed = printed_slips(k.dir.path());
    let kinds: Vec<&str> = printed.iter().map(|(n, _)| n.as_str()).collect();
    for kind in ["-visitor.bin", "-pass.bin", "-permit.bin", "-ticket.bin", "-roster.bin"] {
        assert!(kinds.iter().any(|n| n.ends_with(kind)), "{kind} printed: {kinds:?}");
    }
    let mut masked_seen = false;
    for (name, bytes) in &printed {
        let text = escpos_text(bytes);
        masked_seen |= text.contains("150****2222");
        assert_clean(&format!("printed job {name}"), &text);
    }
    assert!(masked_seen, "the courier's slip carries the masked phone");
}

/// The command line's listings, which staff read on a desk PC, mask too.
#[test]
fn the_command_line_listings_mask_too() {
    let k = kiosk();
    seed(&k);
    let data = k.dir.path().to_str().unwrap().to_string();
    let listings: &[&[&str]] = &[
        &["residents", "list"],
        &["residents", "list", "--json"],
        &["visit", "list"],
        &["visit", "list", "--on-site", "--json"],
        &["invite", "list", "--json"],
        &["permit", "list", "--json"],
        &["request", "list", "--json"],
        &["roster", "--json"],
        &["roster"],
        &["report", "daily", "--date", "2026-11-30", "--format", "text"],
        &["report", "daily", "--date", "2026-11-30", "--format", "json"],
        &["audit", "--since", "2026-01-01T00:00:00Z", "--json"],
    ];
    for args in listings {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_lobby-kiosk"))
            .args(["--data-dir", &data])
            .args(*args)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}: {text}");
        assert_clean(&format!("lobby-kiosk {}", args.join(" ")), &text);
    }
}

#[test]
fn a_handover_keeps_visitors_names_masked_as_it_outlives_the_visits() {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path());
    let now = monday_at(10, 0);
    add_desk_staff(&app, now);
    let smith = lobby_kiosk::journeys::visitor::WalkIn {
        surname: "Smith".into(),
        ..walk_in("13900000003", VisitorType::Courier)
    };
    let Registered::Approved { .. } = visitor::register(&app, &smith, now).unwrap() else {
        panic!("a courier is let in at once")
    };
    let h = lobby_kiosk::journeys::shift::close_shift(&app, "李明", "", now)
        .unwrap()
        .unwrap();
    let text: Vec<String> = h
        .items
        .iter()
        .map(|i| lobby_kiosk::journeys::shift::item_text(i, Lang::En, app.config.tz()))
        .collect();
    assert!(text.iter().any(|t| t.contains("S****")), "{text:?}");
    assert!(!text.iter().any(|t| t.contains("Smith")), "{text:?}");
}
