//! A returning visitor types their phone first and is offered their last visit
//! ("王先生/女士，这次还是到 3-2-702 吗？"), so recognising them saves the unit, the
//! surname and the visitor type.

use super::visitor::check_unit;
use super::JourneyError;
use crate::app::App;
use crate::domain::phone::parse_mobile;
use crate::domain::visitor::VisitorType;

/// What the kiosk offers a phone number it has seen before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastVisit {
    pub surname: String,
    pub masked_phone: String,
    /// The unit visited last time, if it is still in the directory.
    pub unit: Option<String>,
    /// The visitor type last time.
    pub visitor_type: VisitorType,
}

/// The latest visit by this phone, as an offer; `None` for a phone never seen.
pub fn last_visit(app: &App, phone: &str) -> Result<Option<LastVisit>, JourneyError> {
    let Ok(mobile) = parse_mobile(phone) else {
        return Ok(None);
    };
    let Some(visit) = app.store().last_visit_by_phone(mobile.as_str())? else {
        return Ok(None);
    };
    let unit = check_unit(app, &visit.unit_no)?.ok();
    Ok(Some(LastVisit {
        surname: visit.surname,
        masked_phone: mobile.masked(),
        unit,
        visitor_type: visit.visitor_type,
    }))
}
