//! The visitor slip: what the visitor carries while on site, with a signed QR code the
//! kiosk reads again when they leave.

use crate::app::App;
use crate::domain::mask::mask_phone;
use crate::printing::{Op, Slip, SlipKind};
use crate::store::Visit;

pub fn visitor_slip(app: &App, visit: &Visit, token: &str) -> Slip {
    // The visitor's own language, also when the desk approves later in another one.
    let lang = visit.lang.unwrap_or(app.lang());
    let tz = app.config.tz();
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| crate::domain::day::local_minute(t, tz)).unwrap_or_default()
    };
    let field = |zh: &str, en: &str, value: String| Op::Field {
        label: lang.pick(zh, en).to_string(),
        value,
    };
    let kind = visit.visitor_type.label(lang).to_string();
    let mut ops = vec![
        Op::Title(app.config.compound_title(lang)),
        Op::Heading(lang.pick("访客凭条", "Visitor slip").to_string()),
        Op::Divider,
        field("访问编号", "Visit no.", visit.visit_no.clone()),
        field("拜访房号", "Visiting", visit.unit_no.clone()),
        field(
            "访客",
            "Visitor",
            format!("{} {}", visit.surname, mask_phone(&visit.phone)),
        ),
        field("类型", "Type", kind),
        field("人数", "Party", visit.party_size.to_string()),
    ];
    if !visit.company.is_empty() {
        ops.push(field("单位", "Company", visit.company.clone()));
    }
    ops.extend([
        field("进入时间", "Time in", time(visit.decided_at.or(Some(visit.created_at)))),
        field("有效期至", "Valid until", time(visit.valid_until)),
        Op::Divider,
        Op::Qr(token.to_string()),
        Op::Centered(
            lang.pick(
                "离开时请在大堂终端扫码登记",
                "Scan this code at the lobby kiosk when you leave",
            )
            .to_string(),
        ),
        Op::Divider,
        Op::Centered(format!(
            "{} {}",
            lang.pick("客服热线", "Hotline"),
            app.config.compound.hotline
        )),
        Op::Centered(
            lang.pick("感谢您的配合，祝您生活愉快！", "Thank you, and have a pleasant day!")
                .to_string(),
        ),
        Op::Feed(1),
        Op::Cut,
    ]);
    Slip {
        kind: SlipKind::Visitor,
        ops,
    }
}
