//! What the command line says for the stable codes its JSON carries (`outside_hours`,
//! `not_on_roster`, `expired` …): the human output never shows a code, only these
//! sentences, in the configured language and under the tone rules (explain, say what
//! happens next, thank).

use crate::i18n::Lang;
use crate::journeys::lookup::PermitStatus;
use crate::journeys::worker::PassRefused;

/// Why no pass was issued, for a refusal other than the hours (whose sentence, with the
/// day's hours and when work resumes, comes from `worker::refusal_message`).
pub fn pass_refused(why: &PassRefused, lang: Lang) -> String {
    let text = match why {
        PassRefused::UnknownPermit => lang.pick(
            "没有找到这个装修备案，请核对备案编号后再试；如有疑问，请到物业服务中心咨询。",
            "No renovation permit has this code. Please check the code and try again, or ask at the property office.",
        ),
        PassRefused::PermitNotActive(PermitStatus::Suspended) => lang.pick(
            "这个装修备案目前已暂停，暂不办理通行证。请联系物业服务中心了解恢复施工的安排，谢谢配合。",
            "This renovation permit is suspended for now, so no pass can be issued. The property office can tell you when work may resume. Thank you.",
        ),
        PassRefused::PermitNotActive(_) => lang.pick(
            "这个装修备案已结束或已撤销，不再办理通行证。如需继续施工，请到物业服务中心办理备案，谢谢配合。",
            "This renovation permit has ended or was withdrawn, so no pass can be issued. To continue the work, please file it again at the property office. Thank you.",
        ),
        PassRefused::OutsideDates { start, end } => {
            return match lang {
                Lang::Zh => format!(
                    "这个装修备案的施工日期为 {start} 至 {end}，今天不在其中，暂不办理通行证。如需调整日期，请到物业服务中心办理，谢谢配合。"
                ),
                Lang::En => format!(
                    "This renovation permit runs from {start} to {end}, and today is outside those dates, so no pass can be issued. The property office can change the dates. Thank you."
                ),
            }
        }
        PassRefused::OutsideHours(_) => lang.pick(
            "现在不是装修施工时间，暂不办理通行证。谢谢您的理解与配合！",
            "It is outside renovation hours, so no pass can be issued now. Thank you for your understanding!",
        ),
        PassRefused::NotOnRoster => lang.pick(
            "这位施工人员不在该备案的人员名单上，已通知前台核实，请稍等；核实后即可办理。",
            "This worker is not on the permit's roster. The front desk has been told and will check; the pass can be issued once they have. Thank you for waiting.",
        ),
        PassRefused::DepositUnpaid => lang.pick(
            "这个装修备案的装修保证金尚未缴纳，暂不办理通行证。请到物业服务中心缴纳后再来领取，谢谢配合。",
            "The renovation deposit for this permit has not been paid yet, so no pass can be issued. Once it is paid at the property office, the pass can be collected. Thank you.",
        ),
        PassRefused::PassRevoked => lang.pick(
            "这位施工人员今天的通行证已被前台收回，请到前台了解情况，谢谢配合。",
            "The front desk withdrew this worker's pass for today. Please speak to the front desk. Thank you.",
        ),
    };
    text.to_string()
}

/// Why a scanned pass is not valid, for each `PassCheck::reason` code.
pub fn pass_check(reason: &str, lang: Lang) -> &'static str {
    match reason {
        "expired" => lang.pick(
            "这张通行证已过期，请到大堂终端领取今天的通行证。",
            "This pass has expired. A new one for today can be collected at the lobby kiosk.",
        ),
        "not_yet_valid" => lang.pick(
            "这张通行证还未到有效时间，请在通行证上的有效时间内使用。",
            "This pass is not valid yet. Please use it within the times printed on it.",
        ),
        "revoked" => lang.pick(
            "这张通行证已被收回，请到前台了解情况。",
            "This pass has been withdrawn. Please speak to the front desk.",
        ),
        "not_a_pass" => lang.pick(
            "这个二维码不是施工通行证，请出示临时出入证上的二维码。",
            "This code is not a worker pass. Please show the code on the temporary pass.",
        ),
        _ => lang.pick(
            "无法识别这张通行证（可能不是本小区签发的），请到前台核实。",
            "This pass could not be recognised (it may not have been issued here). Please check it with the front desk.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_code_and_both_languages() {
        let all = [
            PassRefused::UnknownPermit,
            PassRefused::PermitNotActive(PermitStatus::Suspended),
            PassRefused::PermitNotActive(PermitStatus::Revoked),
            PassRefused::NotOnRoster,
            PassRefused::DepositUnpaid,
            PassRefused::PassRevoked,
        ];
        for why in &all {
            let (zh, en) = (pass_refused(why, Lang::Zh), pass_refused(why, Lang::En));
            assert!(!zh.contains('_') && !en.contains('_'), "{zh} / {en}");
            assert!(zh.ends_with('。') || zh.ends_with('！'), "{zh}");
            assert!(en.is_ascii(), "{en}");
        }
        for code in ["expired", "not_yet_valid", "revoked", "not_a_pass", "bad_signature"] {
            assert!(!pass_check(code, Lang::En).contains('_'));
            assert!(pass_check(code, Lang::Zh).contains('请'));
        }
    }
}
