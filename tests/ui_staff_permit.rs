//! Filing a renovation (新建装修备案) from the staff dashboard, tapped and typed the way
//! the desk would: each field is checked as it is entered, the filing is audited under
//! the staff member's name, its slip prints, and a worker on the roster can then collect
//! a pass.

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use lobby_kiosk::journeys::worker::{self, PassOutcome, WhoAsks};
use lobby_kiosk::ui::{Kiosk, PermitFormAdapter, PermitStep, StaffAdapter};
use slint::ComponentHandle;

fn step(k: &Kiosk) -> PermitStep {
    k.window.global::<PermitFormAdapter>().get_step()
}

#[test]
fn the_desk_files_a_renovation_field_by_field_and_its_workers_can_collect_passes() {
    let k = kiosk();
    let app = k.app();
    staff_on_duty(app);
    staff_log_in(&k, "402718");
    tap(&k, "装修施工");
    tap(&k, "新建装修备案");

    // The unit: one not in the directory is politely refused, then the right one.
    type_keys(&k, "9-9-999");
    tap(&k, "下一步");
    assert!(
        read(&k, "备案提示").contains("没有找到这个房号"),
        "{}",
        read(&k, "备案提示")
    );
    assert_eq!(step(&k), PermitStep::Unit);
    tap(&k, "清空");
    type_keys(&k, "2-1-302");
    tap(&k, "下一步");

    // The owner's surname on the pinyin keyboard; a whole name is not a surname.
    assert_eq!(step(&k), PermitStep::Owner);
    type_keys(&k, "zhao");
    tap(&k, "候选 赵");
    tap(&k, "下一步");
    assert_eq!(step(&k), PermitStep::Contractor);
    type_latin(&k, "ANJU DECOR");
    tap(&k, "下一步");
    type_keys(&k, "13700003333");
    tap(&k, "下一步");

    // The review: what was typed, the lead's phone masked, a 30-day period from today.
    assert_eq!(step(&k), PermitStep::Review);
    assert!(shows_text(&k, "房号：2-1-302"));
    assert!(shows_text(&k, "业主：赵"));
    assert!(shows_text(&k, "施工单位：Anju Decor"), "{:?}", screen_text(&k));
    assert!(shows_text(&k, "施工负责人：137****3333"));
    assert!(!shows_text(&k, "13700003333"), "the whole number is never shown back");
    assert!(shows_text(&k, "开工日期：\n11月30日（今天）"), "{:?}", screen_text(&k));
    assert!(shows_text(&k, "工期：30 天\n至 12月29日（周二）"));
    assert!(shows_text(&k, "装修保证金：未交\n（交纳后施工人员才能领取通行证）"));

    // Filing with nobody on the roster says what is missing and keeps everything.
    tap(&k, "提交备案并打印");
    assert!(read(&k, "备案提示").contains("请至少添加一名施工人员"));
    assert_eq!(step(&k), PermitStep::Review);

    // Two workers; the same mobile twice is caught.
    tap(&k, "添加施工人员");
    type_latin(&k, "ZHANG SAN");
    tap(&k, "下一步");
    type_keys(&k, "13700001111");
    tap(&k, "添加");
    assert!(shows_text(&k, "Zhang San 137****1111"));
    tap(&k, "添加施工人员");
    type_latin(&k, "LI SI");
    tap(&k, "下一步");
    type_keys(&k, "13700001111");
    tap(&k, "添加");
    assert!(read(&k, "备案提示").contains("已在施工人员名单中"));
    assert_eq!(step(&k), PermitStep::WorkerPhone);
    for _ in 0..4 {
        tap(&k, "删除");
    }
    type_keys(&k, "2222");
    tap(&k, "添加");
    assert!(shows_text(&k, "施工人员（2）"));

    // Start tomorrow, a week longer, deposit paid; a wrong field is changed in place.
    tap(&k, "开工日期推后一天");
    tap(&k, "工期加 7 天");
    assert!(shows_text(&k, "工期：37 天\n至 2027年1月6日（周三）"));
    tap(&k, "保证金已交");
    assert!(shows_text(&k, "装修保证金：已交"), "{:?}", screen_text(&k));
    tap(&k, "修改施工单位");
    assert_eq!(step(&k), PermitStep::Contractor);
    type_latin(&k, " CO");
    tap(&k, "下一步");
    assert_eq!(step(&k), PermitStep::Review, "a changed field goes back to the review");
    assert!(shows_text(&k, "施工单位：Anju Decor Co"));

    tap(&k, "提交备案并打印");
    assert_eq!(step(&k), PermitStep::None);
    let message = read(&k, "操作结果");
    assert!(
        message.contains("已建立") && message.contains("凭条已打印"),
        "{message}"
    );

    let permits = app.store().permits().unwrap();
    assert_eq!(permits.len(), 1);
    let p = &permits[0];
    assert!(message.contains(&p.code), "{message}");
    assert_eq!(
        (p.unit_no.as_str(), p.owner_surname.as_str(), p.contractor.as_str()),
        ("2-1-302", "赵", "Anju Decor Co")
    );
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!((p.start_date, p.end_date), (day(2026, 12, 1), day(2027, 1, 6)));
    assert!(p.deposit_paid);
    assert_eq!(p.workers.len(), 2);
    assert!(shows_text(&k, &p.code), "the new permit is on the renovation list");

    // Audited under the desk member's name; the slip for the contractor printed.
    let audit = app.store().audit_since(monday_at(0, 0)).unwrap();
    assert!(audit
        .iter()
        .any(|e| e.staff == "王芳" && e.action == "permit_create" && e.record == p.code));
    assert!(
        printed_slips(k.dir.path())
            .iter()
            .any(|(name, _)| name.contains("permit")),
        "{:?}",
        printed_slips(k.dir.path()).iter().map(|(n, _)| n).collect::<Vec<_>>()
    );

    // Tomorrow at 10:00 a worker on the roster collects a pass.
    let tomorrow = monday_at(10, 0) + Duration::days(1);
    let outcome = worker::issue_pass(app, p, &WhoAsks::Phone("13700002222".into()), tomorrow).unwrap();
    assert!(matches!(outcome, PassOutcome::Issued(_)), "{outcome:?}");
}

#[test]
fn back_steps_through_the_form_and_logging_out_forgets_it() {
    let k = kiosk();
    staff_on_duty(k.app());
    staff_log_in(&k, "402718");
    tap(&k, "装修施工");
    tap(&k, "新建装修备案");
    type_keys(&k, "2-1-302");
    tap(&k, "下一步");
    assert_eq!(step(&k), PermitStep::Owner);
    tap(&k, "返回");
    assert_eq!(step(&k), PermitStep::Unit);
    assert_eq!(read(&k, "装修房号"), "2-1-302", "what was typed is still there");
    tap(&k, "返回");
    assert_eq!(step(&k), PermitStep::None);
    assert!(is_shown(&k, "新建装修备案"), "back on the dashboard");

    // Half-typed, then the staff member logs out: nothing of it is kept.
    tap(&k, "新建装修备案");
    assert_eq!(read(&k, "装修房号"), "", "a new filing starts empty");
    type_keys(&k, "2-1-302");
    tap(&k, "下一步");
    k.window.global::<StaffAdapter>().invoke_logout();
    assert_eq!(step(&k), PermitStep::None);
    staff_log_in(&k, "402718");
    assert!(is_shown(&k, "今日待办"), "the dashboard, not the old form");
    assert_eq!(k.window.global::<PermitFormAdapter>().get_unit(), "");
    assert!(k.app().store().permits().unwrap().is_empty(), "nothing was filed");
}
