//! The waiting screen's side of a visit: a visitor who would rather not wait steps
//! away (取消登记), and the desk is told so nobody keeps calling the host for them.

use chrono::{DateTime, Utc};

use super::JourneyError;
use crate::app::App;
use crate::notify::NoticeKind;

/// Cancels a visit still waiting for a decision; the desk's notice goes in the same
/// transaction. False if the host or the desk decided first (the screen shows that).
pub fn cancel_waiting(app: &App, visit_id: i64, now: DateTime<Utc>) -> Result<bool, JourneyError> {
    let Some(visit) = app.store().visit(visit_id)? else {
        return Ok(false);
    };
    let notice = super::visitor::desk_notice_titled(
        app,
        NoticeKind::VisitorWaiting,
        "访客已取消登记，无需再联系住户 Visitor cancelled; no need to contact the host",
        &visit,
    );
    let json = serde_json::to_string(&notice).unwrap_or_default();
    Ok(app
        .store()
        .cancel_waiting_visit(visit_id, (NoticeKind::VisitorWaiting.as_str(), &json), now)?)
}
