//! Resident self-service requests (报修、家政、投诉建议……): what kinds there are and
//! the quick choices the kiosk offers for each, so that most residents tap once and
//! only type when none fits.
//!
//! Every request is recorded and passed on; emergency repairs are never deferred to
//! office hours (see [`crate::domain::sla`]). The texts follow the desk's manners:
//! polite, never a flat refusal, and for emergencies a word of safety advice first.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// What a resident is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    Repair,
    EmergencyRepair,
    Housekeeping,
    Complaint,
    Suggestion,
    Internet,
    Subscription,
    DepositRefund,
    Other,
}

impl RequestType {
    /// Every type, in the order the kiosk shows them.
    pub const ALL: [RequestType; 9] = [
        RequestType::Repair,
        RequestType::EmergencyRepair,
        RequestType::Housekeeping,
        RequestType::Complaint,
        RequestType::Suggestion,
        RequestType::Internet,
        RequestType::Subscription,
        RequestType::DepositRefund,
        RequestType::Other,
    ];

    /// The stored name; the same as the serde name and the `[requests.targets]` key.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestType::Repair => "repair",
            RequestType::EmergencyRepair => "emergency_repair",
            RequestType::Housekeeping => "housekeeping",
            RequestType::Complaint => "complaint",
            RequestType::Suggestion => "suggestion",
            RequestType::Internet => "internet",
            RequestType::Subscription => "subscription",
            RequestType::DepositRefund => "deposit_refund",
            RequestType::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<RequestType> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// Emergencies are handled at once, at any hour, and show the on-duty phone.
    pub fn is_emergency(self) -> bool {
        self == RequestType::EmergencyRepair
    }

    /// The name shown on the kiosk's buttons, on slips and to staff.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            RequestType::Repair => ("报修", "Repair"),
            RequestType::EmergencyRepair => ("紧急维修", "Emergency repair"),
            RequestType::Housekeeping => ("家政服务", "Housekeeping"),
            RequestType::Complaint => ("投诉", "Complaint"),
            RequestType::Suggestion => ("意见建议", "Suggestion"),
            RequestType::Internet => ("网络开通", "Internet"),
            RequestType::Subscription => ("报刊订阅", "Newspapers and magazines"),
            RequestType::DepositRefund => ("装修保证金退还", "Renovation deposit refund"),
            RequestType::Other => ("其他事项", "Something else"),
        };
        lang.pick(zh, en)
    }

    /// The polite question shown above the quick choices.
    pub fn prompt(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            RequestType::Repair => ("您好,请问需要维修的是哪一方面?", "Hello, what needs repairing?"),
            RequestType::EmergencyRepair => (
                "您好,请问发生了什么紧急情况?我们会立即安排处理。",
                "Hello, what is the emergency? We will deal with it straight away.",
            ),
            RequestType::Housekeeping => (
                "您好,请问您需要哪一项家政服务?",
                "Hello, which housekeeping service would you like?",
            ),
            RequestType::Complaint => (
                "感谢您告诉我们,请问是哪方面的问题?",
                "Thank you for telling us. What is it about?",
            ),
            RequestType::Suggestion => (
                "感谢您的宝贵建议,请问是关于哪方面的?",
                "Thank you for your suggestion. What is it about?",
            ),
            RequestType::Internet => (
                "您好,请问您需要办理哪项网络服务?",
                "Hello, which internet service do you need?",
            ),
            RequestType::Subscription => (
                "您好,请问您想办理哪项报刊订阅业务?",
                "Hello, what would you like to do about newspapers and magazines?",
            ),
            RequestType::DepositRefund => (
                "您好,请问您需要办理哪项装修保证金业务?",
                "Hello, how can we help with your renovation deposit?",
            ),
            RequestType::Other => ("您好,请问有什么可以帮您?", "Hello, how can we help you?"),
        };
        lang.pick(zh, en)
    }
}

/// One tap-to-choose answer for a request type. `key` is stored with the request;
/// the texts are what the resident sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuickChoice {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl QuickChoice {
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

const fn qc(key: &'static str, zh: &'static str, en: &'static str) -> QuickChoice {
    QuickChoice { key, zh, en }
}

/// The key every non-emergency list ends with, for "none of these": the resident then
/// describes the matter in their own words.
pub const OTHER_KEY: &str = "other";

const REPAIR: &[QuickChoice] = &[
    qc("plumbing", "水管/漏水", "Plumbing or leaks"),
    qc("electrical", "电路/插座", "Wiring or sockets"),
    qc("door_lock", "门窗/门锁", "Doors, windows or locks"),
    qc("lift", "电梯", "Lift"),
    qc("public_area", "公共区域", "Public areas"),
    qc("appliance", "家电", "Household appliances"),
    qc(OTHER_KEY, "其他维修", "Other repairs"),
];

const EMERGENCY: &[QuickChoice] = &[
    qc("water_leak", "漏水/爆管", "Water leak or burst pipe"),
    qc("power_out", "停电", "No power"),
    qc("gas_smell", "闻到燃气味", "Smell of gas"),
    qc("lift_trapped", "电梯困人", "Someone trapped in a lift"),
    qc("fire_smoke", "着火或冒烟", "Fire or smoke"),
];

const HOUSEKEEPING: &[QuickChoice] = &[
    qc("cleaning", "日常保洁", "Cleaning"),
    qc("deep_cleaning", "深度保洁", "Deep cleaning"),
    qc("window_cleaning", "玻璃擦洗", "Window cleaning"),
    qc("appliance_cleaning", "家电清洗", "Appliance cleaning"),
    qc("laundry", "衣物洗护", "Laundry"),
    qc("babysitting", "育儿看护", "Babysitting"),
    qc("elder_care", "老人陪护", "Care for the elderly"),
    qc(OTHER_KEY, "其他家政服务", "Other housekeeping"),
];

const COMPLAINT: &[QuickChoice] = &[
    qc("noise", "噪音扰民", "Noise"),
    qc("hygiene", "环境卫生", "Cleanliness and hygiene"),
    qc("parking", "停车秩序", "Parking"),
    qc("staff_service", "员工服务", "Staff service"),
    qc("neighbours", "邻里问题", "Neighbours"),
    qc("renovation", "装修施工", "Renovation work"),
    qc("pets", "宠物管理", "Pets"),
    qc("facilities", "设施设备", "Facilities"),
    qc(OTHER_KEY, "其他问题", "Something else"),
];

const SUGGESTION: &[QuickChoice] = &[
    qc("facilities", "公共设施", "Shared facilities"),
    qc("greenery", "绿化环境", "Gardens and greenery"),
    qc("safety", "安全管理", "Safety and security"),
    qc("service", "服务改进", "Our service"),
    qc("activities", "社区活动", "Community activities"),
    qc(OTHER_KEY, "其他建议", "Other suggestions"),
];

const INTERNET: &[QuickChoice] = &[
    qc("new_line", "宽带开通", "New broadband line"),
    qc("fault", "网络故障", "Connection problem"),
    qc("cable_tv", "有线电视", "Cable TV"),
    qc(OTHER_KEY, "其他网络事项", "Something else"),
];

const SUBSCRIPTION: &[QuickChoice] = &[
    qc("newspaper", "报纸订阅", "Newspaper subscription"),
    qc("magazine", "杂志订阅", "Magazine subscription"),
    qc("renew", "续订", "Renew a subscription"),
    qc("cancel", "退订", "Cancel a subscription"),
    qc("delivery", "投递问题", "Delivery problem"),
    qc(OTHER_KEY, "其他订阅事项", "Something else"),
];

const DEPOSIT_REFUND: &[QuickChoice] = &[
    qc("refund", "申请退还保证金", "Ask for the deposit back"),
    qc("inspection", "预约装修验收", "Book the completion inspection"),
    qc("progress", "查询办理进度", "Check how it is going"),
    qc(OTHER_KEY, "其他保证金事项", "Something else"),
];

const OTHER: &[QuickChoice] = &[
    qc("enquiry", "咨询", "A question"),
    qc("message", "留言转达", "Pass on a message"),
    qc("lost_found", "失物招领", "Lost and found"),
    qc("fees", "物业费用", "Property fees"),
    qc(OTHER_KEY, "其他事项", "Something else"),
];

/// The quick choices for a request type, in display order.
pub fn quick_choices(t: RequestType) -> &'static [QuickChoice] {
    match t {
        RequestType::Repair => REPAIR,
        RequestType::EmergencyRepair => EMERGENCY,
        RequestType::Housekeeping => HOUSEKEEPING,
        RequestType::Complaint => COMPLAINT,
        RequestType::Suggestion => SUGGESTION,
        RequestType::Internet => INTERNET,
        RequestType::Subscription => SUBSCRIPTION,
        RequestType::DepositRefund => DEPOSIT_REFUND,
        RequestType::Other => OTHER,
    }
}

/// Finds a stored choice key again (for instance to show a saved request).
pub fn find_choice(t: RequestType, key: &str) -> Option<&'static QuickChoice> {
    quick_choices(t).iter().find(|c| c.key == key)
}

/// The preferred time a resident chose ("asap", "today", "tomorrow_am", "tomorrow_pm",
/// "this_week"), as the receipt prints it; an unknown key is printed as it is.
pub fn preferred_time_label(key: &str, lang: Lang) -> String {
    let (zh, en) = match key {
        "asap" => ("尽快", "As soon as possible"),
        "today" => ("今天", "Today"),
        "tomorrow_am" => ("明天上午", "Tomorrow morning"),
        "tomorrow_pm" => ("明天下午", "Tomorrow afternoon"),
        "this_week" => ("本周内", "This week"),
        other => return other.to_string(),
    };
    lang.pick(zh, en).to_string()
}

/// Safety advice shown at once, before anything else, for the emergencies where what
/// the resident does in the next minute matters. `None` for everything else.
pub fn safety_note(t: RequestType, key: &str, lang: Lang) -> Option<&'static str> {
    if !t.is_emergency() {
        return None;
    }
    let (zh, en) = match key {
        // Gas and fire: the first words are to leave and call 119, whatever follows.
        "gas_smell" => (
            "请立即离开室内，到室外安全处拨打 119。离开时请勿开关电灯和电器，切勿使用明火，\
             也不要在室内打电话；如方便，请顺手打开门窗。",
            "Please leave the flat at once and call 119 from outside. On the way out, do not \
             switch lights or appliances on or off, use no flame and make no calls indoors; \
             open the doors and windows if you can.",
        ),
        "fire_smoke" => (
            "请立即离开，到安全处拨打 119。请沿安全通道撤离，切勿乘坐电梯。",
            "Please leave at once and call 119 from a safe place. Use the stairs, never the lift.",
        ),
        "lift_trapped" => (
            "请保持冷静,按下轿厢内的警铃或对讲按钮,切勿强行扒门。",
            "Please stay calm and press the alarm or intercom button in the lift; do not force the doors.",
        ),
        "water_leak" => (
            "如方便,请先关闭户内总水阀,并把贵重物品移到高处。",
            "If you can, please close the flat's main water valve and lift valuables off the floor.",
        ),
        "power_out" => (
            "请先查看户内配电箱是否跳闸;如整栋楼停电,我们会立即核实。",
            "Please check whether a switch in your flat's fuse box has tripped; \
             if the whole building is out, we will check at once.",
        ),
        _ => return None,
    };
    Some(lang.pick(zh, en))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn types_round_trip() {
        for t in RequestType::ALL {
            assert_eq!(RequestType::parse(t.as_str()), Some(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<RequestType>(&json).unwrap(), t);
        }
        assert_eq!(RequestType::parse("Repair"), None);
        assert_eq!(RequestType::parse(""), None);
    }

    #[test]
    fn only_emergency_repair_is_an_emergency() {
        let emergencies: Vec<_> = RequestType::ALL.into_iter().filter(|t| t.is_emergency()).collect();
        assert_eq!(emergencies, vec![RequestType::EmergencyRepair]);
    }

    #[test]
    fn every_type_has_choices_with_unique_keys_and_both_languages() {
        for t in RequestType::ALL {
            let choices = quick_choices(t);
            assert!(!choices.is_empty(), "{t:?}");
            let keys: HashSet<_> = choices.iter().map(|c| c.key).collect();
            assert_eq!(keys.len(), choices.len(), "duplicate key in {t:?}");
            for c in choices {
                assert!(c.key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{}", c.key);
                assert!(!c.zh.is_empty() && !c.en.is_empty(), "{}", c.key);
                assert!(!c.zh.is_ascii(), "{} should be Chinese", c.key);
                assert_eq!(find_choice(t, c.key), Some(c));
            }
            assert!(!t.label(Lang::Zh).is_ascii() && t.label(Lang::En).is_ascii());
            assert!(!t.prompt(Lang::Zh).is_empty() && !t.prompt(Lang::En).is_empty());
        }
    }

    #[test]
    fn non_emergency_lists_end_with_other_and_emergencies_do_not_offer_other() {
        for t in RequestType::ALL {
            let last = quick_choices(t).last().unwrap();
            if t.is_emergency() {
                assert!(find_choice(t, OTHER_KEY).is_none());
            } else {
                assert_eq!(last.key, OTHER_KEY, "{t:?}");
            }
        }
    }

    #[test]
    fn the_brief_choices_are_there() {
        let keys = |t| quick_choices(t).iter().map(|c| c.key).collect::<Vec<_>>();
        assert_eq!(
            keys(RequestType::EmergencyRepair),
            ["water_leak", "power_out", "gas_smell", "lift_trapped", "fire_smoke"]
        );
        assert_eq!(find_choice(RequestType::Repair, "plumbing").unwrap().zh, "水管/漏水");
        assert_eq!(find_choice(RequestType::Repair, "electrical").unwrap().zh, "电路/插座");
        assert_eq!(
            find_choice(RequestType::EmergencyRepair, "lift_trapped").unwrap().zh,
            "电梯困人"
        );
        assert!(find_choice(RequestType::Repair, "water_leak").is_none());
        assert_eq!(
            find_choice(RequestType::Repair, "lift").unwrap().label(Lang::En),
            "Lift"
        );
    }

    #[test]
    fn preferred_times_read_as_words() {
        assert_eq!(preferred_time_label("tomorrow_am", Lang::Zh), "明天上午");
        assert_eq!(preferred_time_label("this_week", Lang::En), "This week");
        assert_eq!(preferred_time_label("", Lang::Zh), "");
    }

    #[test]
    fn safety_notes_only_for_emergencies() {
        for c in quick_choices(RequestType::EmergencyRepair) {
            let zh = safety_note(RequestType::EmergencyRepair, c.key, Lang::Zh).unwrap();
            assert!(zh.contains('请'), "{zh}");
            assert!(safety_note(RequestType::EmergencyRepair, c.key, Lang::En).is_some());
        }
        for key in ["gas_smell", "fire_smoke"] {
            let zh = safety_note(RequestType::EmergencyRepair, key, Lang::Zh).unwrap();
            let en = safety_note(RequestType::EmergencyRepair, key, Lang::En).unwrap();
            let first = |t: &str, stop: char| t.split(stop).next().unwrap_or("").to_string();
            assert!(
                first(zh, '。').starts_with("请立即离开") && first(zh, '。').contains("119"),
                "gas and fire: the first words are to leave and call 119: {zh}"
            );
            assert!(en.starts_with("Please leave") && first(en, '.').contains("119"), "{en}");
        }
        assert_eq!(safety_note(RequestType::Repair, "gas_smell", Lang::Zh), None);
        assert_eq!(safety_note(RequestType::EmergencyRepair, "other", Lang::Zh), None);
    }

    #[test]
    fn chinese_prompts_are_polite() {
        for t in RequestType::ALL {
            let p = t.prompt(Lang::Zh);
            assert!(p.contains("您") || p.contains("请"), "{p}");
        }
    }
}
