//! Lists that can grow scroll by dragging a finger (issue 17, point 2): a row below the
//! panel's edge comes into view after a drag upwards, as on the lobby's touch panel.
//! Every list that grows with the records is tried: the dashboard's sections (waiting
//! visitors, who is on site, open tickets, today's passes, permits, the deny list, invites,
//! the handover's open items, the slips the printer still owes), the workers of a filing
//! and the worker's roster on the public pass page.

mod common;

use common::*;
use lobby_kiosk::i18n::Lang;
use lobby_kiosk::ui::screenshot::stage_page;
use lobby_kiosk::ui::{
    DenyLine, InviteLine, OnSiteLine, OpenTicket, OwedSlip, PassLine, PermitFormAdapter, PermitLine, PermitState,
    RosterEntry, StaffAdapter, StaffTab, TicketStep, WaitingVisit, WorkerAdapter, WorkerStep,
};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, ModelRc, VecModel};

/// A finger pressed at `from`, moved in small steps to `to`, then lifted.
fn drag(k: &TestKiosk, from: (f32, f32), to: (f32, f32)) {
    let window = k.window.window();
    let at = |t: f32| LogicalPosition::new(from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t);
    window.dispatch_event(WindowEvent::PointerPressed {
        position: at(0.0),
        button: PointerEventButton::Left,
    });
    for step in 1..=20 {
        window.dispatch_event(WindowEvent::PointerMoved {
            position: at(step as f32 / 20.0),
        });
        slint::platform::update_timers_and_animations();
    }
    window.dispatch_event(WindowEvent::PointerReleased {
        position: at(1.0),
        button: PointerEventButton::Left,
    });
    slint::platform::update_timers_and_animations();
}

/// Whether the element labelled `label` is shown wholly inside the panel labelled `panel`
/// (what a list clips away is not found on screen at all).
fn inside(k: &TestKiosk, label: &str, panel: &str) -> bool {
    let Some(row) = find_all(k, label).into_iter().next() else {
        return false;
    };
    let panel = find(k, panel);
    let (r, rs, p, ps) = (
        row.absolute_position(),
        row.size(),
        panel.absolute_position(),
        panel.size(),
    );
    r.y >= p.y && r.y + rs.height <= p.y + ps.height
}

/// Presses at the middle of the panel and drags upwards until `label` is in view.
fn drag_into_view(k: &TestKiosk, label: &str, panel: &str) -> bool {
    for _ in 0..20 {
        if inside(k, label, panel) {
            return true;
        }
        let p = find(k, panel);
        let (at, size) = (p.absolute_position(), p.size());
        let x = at.x + size.width * 0.3;
        drag(k, (x, at.y + size.height * 0.8), (x, at.y + size.height * 0.3));
    }
    inside(k, label, panel)
}

#[test]
fn the_dashboards_open_tickets_scroll_by_dragging() {
    let k = kiosk();
    k.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    stage_page(&k, "staff-dashboard", Lang::Zh);
    let tickets: Vec<OpenTicket> = (1..=12)
        .map(|n| OpenTicket {
            number: format!("R20261127-{n:04}").into(),
            unit: "3-2-1201".into(),
            kind: "维修".into(),
            status: "已受理".into(),
            due: "10:30".into(),
            overdue: false,
            urgent: false,
            next: TicketStep::Dispatch,
        })
        .collect();
    k.window
        .global::<StaffAdapter>()
        .set_tickets(ModelRc::new(VecModel::from(tickets)));
    slint::platform::update_timers_and_animations();
    let panel = "未办结的业主服务单（12）";
    let last = "派单 R20261127-0012";
    assert!(
        !inside(&k, last, panel),
        "the twelfth ticket starts below the panel's edge"
    );
    assert!(
        drag_into_view(&k, last, panel),
        "dragging brings the twelfth ticket into view"
    );
    assert!(!inside(&k, "派单 R20261127-0001", panel), "the first one scrolled away");
}

#[test]
fn the_deny_list_scrolls_by_dragging() {
    let k = kiosk();
    k.window.window().set_size(slint::LogicalSize::new(1024.0, 600.0));
    stage_page(&k, "staff-lists", Lang::Zh);
    let lines: Vec<DenyLine> = (1..=15)
        .map(|n| DenyLine {
            id: n,
            phone: format!("139****{n:04}").into(),
            reason: "多次骚扰".into(),
            added: "11-20".into(),
        })
        .collect();
    k.window
        .global::<StaffAdapter>()
        .set_deny_list(ModelRc::new(VecModel::from(lines)));
    slint::platform::update_timers_and_animations();
    let heading = "限制名单（15）";
    let last = "移出限制名单 139****0015";
    assert!(
        !inside(&k, last, heading),
        "the fifteenth number starts below the panel's edge"
    );
    assert!(
        drag_into_view(&k, last, heading),
        "dragging brings the fifteenth number into view"
    );
}

/// The list's last row starts below the panel's edge, a drag brings it into view, and the
/// first row has then scrolled away: the whole proof, for one list.
fn scrolls_by_dragging(k: &TestKiosk, panel: &str, first: &str, last: &str) {
    slint::platform::update_timers_and_animations();
    assert!(inside(k, first, panel), "{first:?} is in view at first in {panel:?}");
    assert!(!inside(k, last, panel), "{last:?} starts below the edge of {panel:?}");
    assert!(
        drag_into_view(k, last, panel),
        "dragging brings {last:?} into view in {panel:?}"
    );
    assert!(!inside(k, first, panel), "{first:?} scrolled away in {panel:?}");
}

fn model<T: Clone + 'static>(rows: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(rows))
}

fn dashboard(size: (f32, f32), page: &str, lang: Lang) -> TestKiosk {
    let k = kiosk();
    k.window.window().set_size(slint::LogicalSize::new(size.0, size.1));
    stage_page(&k, page, lang);
    k
}

#[test]
fn waiting_visitors_and_people_on_site_scroll_by_dragging() {
    let k = dashboard((1280.0, 800.0), "staff-dashboard", Lang::Zh);
    let st = k.window.global::<StaffAdapter>();
    st.set_waiting(model(
        (1..=12)
            .map(|n| WaitingVisit {
                id: n,
                number: format!("V20261127-{n:04}").into(),
                unit: "3-2-1201".into(),
                visitor: "王*".into(),
                kind: "亲友来访".into(),
                held: false,
                reason: "".into(),
                since: "10:05".into(),
            })
            .collect(),
    ));
    st.set_on_site(model(
        (1..=20)
            .map(|n| OnSiteLine {
                kind: "访客".into(),
                number: format!("V20261127-{n:04}").into(),
                unit: "3-2-1201".into(),
                name: "王*".into(),
                since: "10:05".into(),
            })
            .collect(),
    ));
    st.set_on_site_people(20);
    scrolls_by_dragging(&k, "等待确认的访客（12）", "同意 V20261127-0001", "同意 V20261127-0012");
    scrolls_by_dragging(
        &k,
        "在场人员（20 人）",
        "登记离场 V20261127-0001",
        "登记离场 V20261127-0020",
    );
}

#[test]
fn todays_passes_and_the_permits_scroll_by_dragging() {
    let k = dashboard((1024.0, 600.0), "staff-renovation", Lang::Zh);
    let st = k.window.global::<StaffAdapter>();
    st.set_passes(model(
        (1..=15)
            .map(|n| PassLine {
                number: format!("W20261127-{n:04}").into(),
                unit: "2-1-302".into(),
                worker: "张*明".into(),
                until: "12:00".into(),
                revoked: false,
                left: false,
            })
            .collect(),
    ));
    st.set_permits(model(
        (1..=10)
            .map(|n| PermitLine {
                code: format!("4829{n:02}").into(),
                unit: "2-1-302".into(),
                contractor: "安居装饰".into(),
                dates: "11-20–12-20".into(),
                state: PermitState::Active,
            })
            .collect(),
    ));
    scrolls_by_dragging(
        &k,
        "今日施工通行证（15）",
        "撤销通行证 W20261127-0001",
        "撤销通行证 W20261127-0015",
    );
    scrolls_by_dragging(&k, "装修备案（10）", "新建装修备案", "撤销备案 482910");
}

#[test]
fn invites_scroll_by_dragging() {
    let k = dashboard((1280.0, 800.0), "staff-lists", Lang::En);
    k.window.global::<StaffAdapter>().set_invites(model(
        (1..=15)
            .map(|n| InviteLine {
                code: format!("3058{n:02}").into(),
                unit: "1-1-101".into(),
                visitor: "Li*".into(),
                dates: "11-27".into(),
            })
            .collect(),
    ));
    scrolls_by_dragging(&k, "Invites (15)", "Revoke invite 305801", "Revoke invite 305815");
}

#[test]
fn the_handovers_open_items_scroll_by_dragging() {
    let k = dashboard((1080.0, 1920.0), "staff-dashboard", Lang::Zh);
    let st = k.window.global::<StaffAdapter>();
    let items: Vec<slint::SharedString> = (1..=40)
        .map(|n| format!("服务单 R20261127-{n:04} 3-2-1201 · 维修 · 已派单").into())
        .collect();
    st.set_open_items(model(items));
    st.set_tab(StaffTab::Handover);
    scrolls_by_dragging(
        &k,
        "当前未办结事项（40）",
        "服务单 R20261127-0001 3-2-1201 · 维修 · 已派单",
        "服务单 R20261127-0040 3-2-1201 · 维修 · 已派单",
    );
}

#[test]
fn the_slips_still_owed_scroll_by_dragging() {
    let k = dashboard((1024.0, 600.0), "staff-dashboard", Lang::Zh);
    let st = k.window.global::<StaffAdapter>();
    st.set_printer_text("打印机缺纸，请装纸。".into());
    st.set_printer_fault(true);
    st.set_owed(model(
        (1..=12)
            .map(|n| OwedSlip {
                id: n,
                text: format!("#{n} 访客凭条 11-27 15:02 缺纸").into(),
                can_reprint: true,
            })
            .collect(),
    ));
    st.set_tab(StaffTab::Printing);
    scrolls_by_dragging(&k, "未打出的凭条（12）", "重打 1", "重打 12");
}

#[test]
fn the_workers_of_a_filing_scroll_by_dragging() {
    let k = dashboard((1280.0, 800.0), "staff-permit", Lang::Zh);
    let workers: Vec<slint::SharedString> = (1..=12).map(|n| format!("施工{n:02} 137****{n:04}").into()).collect();
    k.window.global::<PermitFormAdapter>().set_workers(model(workers));
    scrolls_by_dragging(
        &k,
        "施工人员（12）",
        "移除施工人员 施工01 137****0001",
        "移除施工人员 施工12 137****0012",
    );
}

#[test]
fn a_long_roster_on_the_pass_page_scrolls_by_dragging() {
    let k = kiosk();
    k.window.window().set_size(slint::LogicalSize::new(1024.0, 600.0));
    stage_page(&k, "worker", Lang::Zh);
    let w = k.window.global::<WorkerAdapter>();
    w.set_unit("2-1-302".into());
    w.set_contractor("安居装饰".into());
    w.set_roster(model(
        (1..=24)
            .map(|n| RosterEntry {
                id: n,
                name: format!("工{n:02}").into(),
            })
            .collect(),
    ));
    w.set_step(WorkerStep::Roster);
    scrolls_by_dragging(&k, "施工人员名单", "施工人员 工01", "施工人员 工24");
}
