//! The worker's pass slip (临时出入证) and the contractor's permit slip.

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::App;
use crate::domain::hours::windows_for;
use crate::domain::mask::mask_name;
use crate::printing::{Op, Slip, SlipKind};
use crate::store::{Pass, Permit, Worker};

fn local(app: &App, t: DateTime<Utc>) -> String {
    crate::domain::day::local_minute(t, app.config.tz())
}

pub fn pass_slip(app: &App, pass: &Pass, permit: &Permit, worker: &Worker, token: &str) -> Slip {
    let lang = app.lang();
    let field = |zh: &str, en: &str, value: String| Op::Field {
        label: lang.pick(zh, en).to_string(),
        value,
    };
    let hours = hours_text(app, pass.day, lang);
    Slip {
        kind: SlipKind::Pass,
        ops: vec![
            Op::Title(lang.pick("临时出入证", "Temporary pass").to_string()),
            Op::Centered(app.config.compound_title(lang)),
            Op::Divider,
            field("通行证号", "Pass no.", pass.pass_no.clone()),
            field("施工房号", "Unit", permit.unit_no.clone()),
            field("施工单位", "Contractor", permit.contractor.clone()),
            field("施工人员", "Worker", mask_name(&worker.name)),
            field("有效时间", "Valid from", local(app, pass.valid_from)),
            field("有效至", "Valid until", local(app, pass.valid_until)),
            Op::Divider,
            Op::Text(format!("{}{hours}", lang.pick("今日装修时间：", "Renovation hours today: "))),
            Op::Text(
                lang.pick(
                    "请在装修时间内施工，进出请主动出示本证。为了邻居的休息，非施工时间请勿施工，谢谢配合！",
                    "Please work only within renovation hours and show this pass at the gate. Thank you for letting the neighbours rest!",
                )
                .to_string(),
            ),
            Op::Qr(token.to_string()),
            Op::Centered(format!("{} {}", lang.pick("客服热线", "Hotline"), app.config.compound.hotline)),
            Op::Centered(lang.pick("祝您工作顺利！", "Have a good day at work!").to_string()),
            Op::Feed(1),
            Op::Cut,
        ],
    }
}

pub fn permit_slip(app: &App, permit: &Permit, token: &str) -> Slip {
    let lang = app.lang();
    let field = |zh: &str, en: &str, value: String| Op::Field {
        label: lang.pick(zh, en).to_string(),
        value,
    };
    let mut ops = vec![
        Op::Title(lang.pick("装修备案凭条", "Renovation permit").to_string()),
        Op::Centered(app.config.compound_title(lang)),
        Op::Divider,
        field("备案编号", "Permit code", permit.code.clone()),
        field("房号", "Unit", permit.unit_no.clone()),
        field("业主", "Owner", mask_name(&permit.owner_surname)),
        field("施工单位", "Contractor", permit.contractor.clone()),
        field("施工日期", "Dates", format!("{} ~ {}", permit.start_date, permit.end_date)),
        field("施工人员", "Workers", permit.workers.len().to_string()),
        Op::Divider,
        Op::Text(
            lang.pick(
                "施工人员在大堂终端选择“装修临时通行证”，扫描下方二维码或输入备案编号，即可领取当日通行证。",
                "Workers collect each day's pass at the lobby kiosk: choose \"Renovation worker pass\", then scan this code or type the permit code.",
            )
            .to_string(),
        ),
        Op::Qr(token.to_string()),
    ];
    ops.extend([
        Op::Centered(format!(
            "{} {}",
            lang.pick("客服热线", "Hotline"),
            app.config.compound.hotline
        )),
        Op::Feed(1),
        Op::Cut,
    ]);
    Slip {
        kind: SlipKind::Permit,
        ops,
    }
}

/// The renovation hours of a day as shown to a worker: "08:00–12:00、14:00–18:00".
pub fn hours_text(app: &App, day: NaiveDate, lang: crate::i18n::Lang) -> String {
    let windows = windows_for(&app.config.renovation, day);
    if windows.is_empty() {
        return lang.pick("今日不施工", "no work today").to_string();
    }
    crate::domain::hours_text::windows_text(windows, lang)
}
