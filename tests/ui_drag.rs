//! Lists that can grow scroll by dragging a finger (issue 17, point 2): a row below the
//! panel's edge comes into view after a drag upwards, as on the lobby's touch panel.

mod common;

use common::*;
use lobby_kiosk::i18n::Lang;
use lobby_kiosk::ui::screenshot::stage_page;
use lobby_kiosk::ui::{DenyLine, OpenTicket, StaffAdapter, TicketStep};
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
    for _ in 0..10 {
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
