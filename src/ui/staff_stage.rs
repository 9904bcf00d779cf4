//! Sample data for screenshots of the staff dashboard's sections (fictional records).

use slint::{ComponentHandle, SharedString};

use super::staff_models::model;

use super::{
    DenyLine, InviteLine, Kiosk, PassLine, PermitFormAdapter, PermitLine, PermitState, PermitStep, StaffAdapter,
    StaffTab,
};
use crate::i18n::Lang;

/// Fills the renovation, lists and handover sections and opens the one `page` names.
pub fn stage_sections(kiosk: &Kiosk, lang: Lang, page: &str) {
    let st = kiosk.window.global::<StaffAdapter>();
    st.set_supervisor(true);
    st.set_message(
        lang.pick("R20261127-0006 → 处理中", "R20261127-0006 → In progress")
            .into(),
    );
    st.set_passes(model(vec![
        PassLine {
            number: "W20261127-0001".into(),
            unit: "2-1-302".into(),
            worker: "张*明".into(),
            until: "12:00".into(),
            revoked: false,
            left: false,
        },
        PassLine {
            number: "W20261127-0002".into(),
            unit: "2-1-302".into(),
            worker: "李*".into(),
            until: "12:00".into(),
            revoked: false,
            left: true,
        },
    ]));
    st.set_permits(model(vec![
        PermitLine {
            code: "482913".into(),
            unit: "2-1-302".into(),
            contractor: lang.pick("安居装饰", "Anju Decoration").into(),
            dates: "11-20–12-20".into(),
            state: PermitState::Active,
        },
        PermitLine {
            code: "517206".into(),
            unit: "5-1-801".into(),
            contractor: lang.pick("美家工程", "Meijia Works").into(),
            dates: "11-01–11-30".into(),
            state: PermitState::Suspended,
        },
    ]));
    st.set_deny_list(model(vec![DenyLine {
        id: 1,
        phone: "139****0009".into(),
        reason: lang.pick("多次滋扰住户", "Repeatedly disturbed residents").into(),
        added: "2026-11-02".into(),
    }]));
    st.set_invites(model(vec![InviteLine {
        code: "305817".into(),
        unit: "1-1-101".into(),
        visitor: "李*".into(),
        dates: "11-27".into(),
    }]));
    let items: Vec<SharedString> = [
        lang.pick(
            "服务单 R20261127-0007 3-2-1201 · 维修 · 已派单 · 时限 11-28 10:30",
            "Ticket R20261127-0007 3-2-1201 · Repair · Passed on · due 11-28 10:30",
        ),
        lang.pick(
            "在场施工人员 W20261127-0001 2-1-302 张*明",
            "Worker on site W20261127-0001 2-1-302 张*明",
        ),
        lang.pick(
            "打印故障 #12 访客凭条 11-27 15:02 paper out",
            "Print fault #12 visitor slip 11-27 15:02 paper out",
        ),
    ]
    .into_iter()
    .map(SharedString::from)
    .collect();
    st.set_open_items(model(items.clone()));
    if page == "staff-handover" {
        st.set_handover_pending(true);
        st.set_handover_by("王芳".into());
        st.set_handover_at("11-27 17:30".into());
        st.set_handover_notes(
            lang.pick(
                "3号楼电梯已报修，维保明早9点到；快递柜钥匙已交保安。",
                "Lift in building 3 reported; maintenance comes at 9 tomorrow. Parcel locker key is with security.",
            )
            .into(),
        );
        st.set_handover_items(model(items));
    }
    stage_permit_form(kiosk, lang, page == "staff-permit");
    st.set_tab(match page {
        "staff-renovation" | "staff-permit" => StaffTab::Renovation,
        "staff-lists" => StaffTab::Lists,
        "staff-handover" => StaffTab::Handover,
        _ => StaffTab::Today,
    });
}

/// A renovation filing on its review page (or the form closed).
fn stage_permit_form(kiosk: &Kiosk, lang: Lang, open: bool) {
    let f = kiosk.window.global::<PermitFormAdapter>();
    if !open {
        f.set_step(PermitStep::None);
        return;
    }
    f.set_unit("2-1-302".into());
    f.set_owner("赵".into());
    f.set_contractor(lang.pick("安居装饰工程有限公司", "Anju Decoration Co.").into());
    f.set_lead("137****3333".into());
    f.set_start_text(lang.pick("11月30日（周一）", "Mon 30 Nov").into());
    f.set_end_text(lang.pick("12月29日（周二）", "Tue 29 Dec").into());
    f.set_days(30);
    f.set_can_start_earlier(true);
    f.set_deposit_paid(true);
    let workers: Vec<SharedString> = vec!["张三明 137****1111".into(), "李四 137****2222".into()];
    f.set_workers(model(workers));
    f.set_problem(SharedString::new());
    f.set_step(PermitStep::Review);
}
