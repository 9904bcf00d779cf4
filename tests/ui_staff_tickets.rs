//! Residents' tickets on the staff dashboard (今日待办): every step to the end, with the
//! follow-up call, and cancelling with a reason kept on the ticket's history.

mod common;

use common::*;

#[test]
fn a_ticket_stays_on_the_dashboard_until_the_resident_has_heard_back() {
    let k = kiosk();
    let app = k.app();
    staff_on_duty(app);
    let ticket = repair_ticket(app, monday_at(10, 0));
    let number = ticket.ticket_no.clone();
    staff_log_in(&k, "402718");
    for step in ["派单", "开始处理", "处理完成", "回访", "办结"] {
        tap(&k, &format!("{step} {number}"));
    }
    assert_eq!(
        app.store().ticket(ticket.id).unwrap().unwrap().status.as_str(),
        "closed"
    );
    assert!(
        !is_shown(&k, &format!("取消服务单 {number}")),
        "closed: off the open list"
    );
    let steps: Vec<String> = app
        .store()
        .ticket_history(ticket.id)
        .unwrap()
        .into_iter()
        .map(|h| h.status.as_str().to_string())
        .collect();
    assert_eq!(
        steps,
        [
            "received",
            "dispatched",
            "in_progress",
            "done",
            "return_visit",
            "closed"
        ]
    );
}

#[test]
fn a_ticket_is_cancelled_with_a_reason_that_stays_on_its_history() {
    let k = kiosk();
    let app = k.app();
    staff_on_duty(app);
    let now = monday_at(10, 0);
    let ticket = repair_ticket(app, now);
    let number = ticket.ticket_no.clone();
    staff_log_in(&k, "402718");

    // The reasons show only after "取消", and "不取消" puts them away untouched.
    assert!(!is_shown(&k, &format!("重复提交，取消 {number}")));
    tap(&k, &format!("取消服务单 {number}"));
    assert!(is_shown(&k, &format!("业主撤回，取消 {number}")));
    tap(&k, &format!("不取消 {number}"));
    assert!(!is_shown(&k, &format!("重复提交，取消 {number}")));
    assert_eq!(
        app.store().ticket(ticket.id).unwrap().unwrap().status.as_str(),
        "received"
    );

    tap(&k, &format!("取消服务单 {number}"));
    tap(&k, &format!("重复提交，取消 {number}"));
    assert!(
        read(&k, "操作结果").contains("服务单已取消"),
        "{}",
        read(&k, "操作结果")
    );
    assert_eq!(
        app.store().ticket(ticket.id).unwrap().unwrap().status.as_str(),
        "cancelled"
    );
    assert!(!is_shown(&k, &format!("取消服务单 {number}")), "off the open list");
    let history = app.store().ticket_history(ticket.id).unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.status.as_str(), last.staff.as_str(), last.note.as_str()),
        ("cancelled", "王芳", "重复提交")
    );
    let audit = app.store().audit_since(monday_at(0, 0)).unwrap();
    assert!(audit
        .iter()
        .any(|e| e.staff == "王芳" && e.action == "ticket_update" && e.record == number && e.detail == "cancelled"));
}
