//! Shift handovers (值班与交接班): the outgoing staff member's record of what was still
//! open, with their notes, and the incoming staff member's acknowledgement. Items are
//! written with the handover in one transaction and never change afterwards.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::{parse_ts, ts, OnSiteKind, Store, StoreError, UnknownCode};
use crate::domain::print_job::SlipKind;
use crate::domain::request::RequestType;
use crate::domain::ticket::TicketStatus;

/// What kind of open item a handover lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverKind {
    /// A resident ticket not yet closed.
    Ticket,
    /// A visitor still waiting for the host's or the desk's decision.
    Waiting,
    /// Someone on site: a visitor with a valid slip or a worker with a pass out.
    OnSite,
    /// A print job that failed during the shift (a printer fault).
    PrintFault,
}

impl HandoverKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HandoverKind::Ticket => "ticket",
            HandoverKind::Waiting => "waiting",
            HandoverKind::OnSite => "on_site",
            HandoverKind::PrintFault => "print_fault",
        }
    }

    pub fn parse(text: &str) -> Option<HandoverKind> {
        [Self::Ticket, Self::Waiting, Self::OnSite, Self::PrintFault]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// What an open item says beyond its number and unit, by kind. Names are already
/// masked (a visitor's) and no phone number is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoverDetail {
    /// A ticket not yet closed: what it asks for and where it stands.
    Ticket {
        request_type: RequestType,
        status: TicketStatus,
    },
    /// A visitor waiting for a decision (masked name); `held` when the deny list holds it.
    Waiting { name: String, held: bool },
    /// Someone on site: a visitor (masked name) or a worker.
    OnSite { who: OnSiteKind, name: String },
    /// A print job that failed: its slip and what the printer said.
    PrintFault { slip: SlipKind, error: String },
}

impl HandoverDetail {
    pub fn kind(&self) -> HandoverKind {
        match self {
            HandoverDetail::Ticket { .. } => HandoverKind::Ticket,
            HandoverDetail::Waiting { .. } => HandoverKind::Waiting,
            HandoverDetail::OnSite { .. } => HandoverKind::OnSite,
            HandoverDetail::PrintFault { .. } => HandoverKind::PrintFault,
        }
    }

    /// The stored form (`handover_items.detail`, and the `detail` of `shift show
    /// --json`): the codes joined by `:` as every handover has kept them ("repair:received",
    /// "王*", "王*:held", "visitor:王*", "visitor:paper out").
    pub fn stored(&self) -> String {
        match self {
            HandoverDetail::Ticket { request_type, status } => {
                format!("{}:{}", request_type.as_str(), status.as_str())
            }
            HandoverDetail::Waiting { name, held: false } => name.clone(),
            HandoverDetail::Waiting { name, held: true } => format!("{name}:held"),
            HandoverDetail::OnSite { who, name } => format!("{}:{name}", who.as_str()),
            HandoverDetail::PrintFault { slip, error } => format!("{}:{error}", slip.as_str()),
        }
    }

    /// The stored form read back; `None` for a code this kiosk does not know.
    pub fn from_stored(kind: HandoverKind, text: &str) -> Option<HandoverDetail> {
        let (first, rest) = text.split_once(':').unwrap_or((text, ""));
        Some(match kind {
            HandoverKind::Ticket => HandoverDetail::Ticket {
                request_type: RequestType::parse(first)?,
                status: TicketStatus::parse(rest)?,
            },
            HandoverKind::Waiting => match text.strip_suffix(":held") {
                Some(name) => HandoverDetail::Waiting {
                    name: name.to_string(),
                    held: true,
                },
                None => HandoverDetail::Waiting {
                    name: text.to_string(),
                    held: false,
                },
            },
            HandoverKind::OnSite => HandoverDetail::OnSite {
                who: OnSiteKind::parse(first)?,
                name: rest.to_string(),
            },
            HandoverKind::PrintFault => HandoverDetail::PrintFault {
                slip: SlipKind::parse(first)?,
                error: rest.to_string(),
            },
        })
    }
}

/// One open item, as it stood when the shift was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverItem {
    pub number: String,
    pub unit: String,
    pub detail: HandoverDetail,
    pub at: Option<DateTime<Utc>>,
}

impl HandoverItem {
    pub fn kind(&self) -> HandoverKind {
        self.detail.kind()
    }
}

/// The JSON keeps the stored codes: `kind`, `number`, `unit`, `detail` (its stored form), `at`.
impl Serialize for HandoverItem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("HandoverItem", 5)?;
        s.serialize_field("kind", &self.kind())?;
        s.serialize_field("number", &self.number)?;
        s.serialize_field("unit", &self.unit)?;
        s.serialize_field("detail", &self.detail.stored())?;
        s.serialize_field("at", &self.at)?;
        s.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Handover {
    pub id: i64,
    pub closed_at: DateTime<Utc>,
    pub closed_by: String,
    pub notes: String,
    pub acked_at: Option<DateTime<Utc>>,
    pub acked_by: Option<String>,
    pub items: Vec<HandoverItem>,
}

const COLUMNS: &str = "id, closed_at, closed_by, notes, acked_at, acked_by";

fn handover_row(r: &Row<'_>) -> rusqlite::Result<Handover> {
    let closed: String = r.get(1)?;
    let acked: Option<String> = r.get(4)?;
    Ok(Handover {
        id: r.get(0)?,
        closed_at: parse_ts(&closed).unwrap_or_default(),
        closed_by: r.get(2)?,
        notes: r.get(3)?,
        acked_at: acked.as_deref().and_then(parse_ts),
        acked_by: r.get(5)?,
        items: Vec::new(),
    })
}

impl Store {
    /// Records a handover and its open items in one step.
    pub fn insert_handover(
        &mut self,
        by: &str,
        notes: &str,
        items: &[HandoverItem],
        now: DateTime<Utc>,
    ) -> Result<Handover, StoreError> {
        let tx = super::begin(self.conn_mut(), false)?;
        tx.execute(
            "INSERT INTO handovers(closed_at, closed_by, notes) VALUES (?1, ?2, ?3)",
            (ts(now), by, notes),
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut stmt = tx.prepare(
                "INSERT INTO handover_items(handover_id, kind, number, unit, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for item in items {
                stmt.execute((
                    id,
                    item.kind().as_str(),
                    &item.number,
                    &item.unit,
                    item.detail.stored(),
                    item.at.map(ts),
                ))?;
            }
        }
        tx.commit()?;
        self.handover(id)?.ok_or(StoreError::Missing("handover"))
    }

    pub fn handover(&self, id: i64) -> Result<Option<Handover>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM handovers WHERE id = ?1");
        let Some(mut handover) = self.conn().query_row(&sql, [id], handover_row).optional()? else {
            return Ok(None);
        };
        let mut stmt = self
            .conn()
            .prepare("SELECT kind, number, unit, detail, at FROM handover_items WHERE handover_id = ?1 ORDER BY id")?;
        handover.items = stmt
            .query_map([id], |r| {
                let kind = super::code(r, 0, "handover item kind", HandoverKind::parse)?;
                let detail: String = r.get(3)?;
                let at: Option<String> = r.get(4)?;
                Ok(HandoverItem {
                    number: r.get(1)?,
                    unit: r.get(2)?,
                    detail: HandoverDetail::from_stored(kind, &detail).ok_or_else(|| {
                        rusqlite::Error::FromSqlConversionFailure(
                            3,
                            rusqlite::types::Type::Text,
                            Box::new(UnknownCode {
                                what: "handover item",
                                code: detail.clone(),
                            }),
                        )
                    })?,
                    at: at.as_deref().and_then(parse_ts),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(handover))
    }

    /// Handovers newest first, without their items.
    pub fn handovers(&self, limit: u32) -> Result<Vec<Handover>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM handovers ORDER BY id DESC LIMIT ?1");
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([limit], handover_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The newest handover nobody has acknowledged yet.
    pub fn pending_handover(&self) -> Result<Option<Handover>, StoreError> {
        let id: Option<i64> = self
            .conn()
            .query_row(
                "SELECT id FROM handovers WHERE acked_at IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.handover(id),
            None => Ok(None),
        }
    }

    /// Marks a handover acknowledged; false if it was already acknowledged or unknown.
    pub fn ack_handover(&self, id: i64, by: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "UPDATE handovers SET acked_at = ?2, acked_by = ?3 WHERE id = ?1 AND acked_at IS NULL AND closed_by <> ?3",
            (id, ts(now), by),
        )? > 0)
    }

    /// When the shift being closed began: the previous handover, if any.
    pub fn last_handover_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<String> = self
            .conn()
            .query_row("SELECT max(closed_at) FROM handovers", [], |r| r.get(0))?;
        Ok(at.as_deref().and_then(parse_ts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: HandoverKind, number: &str) -> HandoverItem {
        let detail = match kind {
            HandoverKind::Ticket => HandoverDetail::Ticket {
                request_type: RequestType::Repair,
                status: TicketStatus::Received,
            },
            HandoverKind::Waiting => HandoverDetail::Waiting {
                name: "王*".into(),
                held: false,
            },
            HandoverKind::OnSite => HandoverDetail::OnSite {
                who: OnSiteKind::Worker,
                name: "张三明".into(),
            },
            HandoverKind::PrintFault => HandoverDetail::PrintFault {
                slip: SlipKind::Visitor,
                error: "paper out: check the roll".into(),
            },
        };
        HandoverItem {
            number: number.into(),
            unit: "3-2-1201".into(),
            detail,
            at: None,
        }
    }

    #[test]
    fn a_handover_keeps_its_items_and_is_acknowledged_once_by_someone_else() {
        let mut store = Store::open_in_memory().unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+08:00")
            .unwrap()
            .to_utc();
        let h = store
            .insert_handover(
                "李明",
                "3号楼电梯报修已联系维保",
                &[item(HandoverKind::Ticket, "R1"), item(HandoverKind::PrintFault, "7")],
                now,
            )
            .unwrap();
        assert_eq!(h.items.len(), 2);
        assert_eq!(h.items[1].kind(), HandoverKind::PrintFault);
        assert_eq!(store.pending_handover().unwrap().map(|p| p.id), Some(h.id));
        assert!(
            !store.ack_handover(h.id, "李明", now).unwrap(),
            "not by the one who wrote it"
        );
        assert!(store.ack_handover(h.id, "王芳", now).unwrap());
        assert!(!store.ack_handover(h.id, "赵强", now).unwrap(), "only once");
        assert!(store.pending_handover().unwrap().is_none());
        assert_eq!(store.handover(h.id).unwrap().unwrap().acked_by.as_deref(), Some("王芳"));
    }

    #[test]
    fn handovers_cannot_be_rewritten_or_deleted() {
        let mut store = Store::open_in_memory().unwrap();
        let h = store
            .insert_handover(
                "李明",
                "",
                &[item(HandoverKind::Waiting, "V1")],
                chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+08:00")
                    .unwrap()
                    .to_utc(),
            )
            .unwrap();
        assert!(store
            .conn()
            .execute("UPDATE handovers SET notes = 'x' WHERE id = ?1", [h.id])
            .is_err());
        assert!(store.conn().execute("DELETE FROM handovers", []).is_err());
        assert!(store
            .conn()
            .execute("UPDATE handover_items SET number = 'x'", [])
            .is_err());
    }

    /// Handovers written before the items were typed kept their details as packed
    /// text; they read back as the same items, and a typed item is stored in that form.
    #[test]
    fn stored_details_read_back_typed_and_are_written_as_before() {
        let mut store = Store::open_in_memory().unwrap();
        let h = store
            .insert_handover("李明", "", &[], "2026-11-30T02:00:00Z".parse().unwrap())
            .unwrap();
        let stored = [
            ("ticket", "repair:in_progress"),
            ("waiting", "王*"),
            ("waiting", "李*:held"),
            ("on_site", "visitor:赵*"),
            ("on_site", "worker:张三明"),
            ("print_fault", "pass:paper out: change the roll"),
            ("print_fault", "visitor:"),
        ];
        for (kind, detail) in stored {
            store
                .conn()
                .execute(
                    "INSERT INTO handover_items(handover_id, kind, number, unit, detail) VALUES (?1, ?2, 'N', 'U', ?3)",
                    (h.id, kind, detail),
                )
                .unwrap();
        }
        let items = store.handover(h.id).unwrap().unwrap().items;
        let details: Vec<HandoverDetail> = items.iter().map(|i| i.detail.clone()).collect();
        assert_eq!(
            details,
            [
                HandoverDetail::Ticket {
                    request_type: RequestType::Repair,
                    status: TicketStatus::InProgress
                },
                HandoverDetail::Waiting {
                    name: "王*".into(),
                    held: false
                },
                HandoverDetail::Waiting {
                    name: "李*".into(),
                    held: true
                },
                HandoverDetail::OnSite {
                    who: OnSiteKind::Visitor,
                    name: "赵*".into()
                },
                HandoverDetail::OnSite {
                    who: OnSiteKind::Worker,
                    name: "张三明".into()
                },
                HandoverDetail::PrintFault {
                    slip: SlipKind::Pass,
                    error: "paper out: change the roll".into()
                },
                HandoverDetail::PrintFault {
                    slip: SlipKind::Visitor,
                    error: String::new()
                },
            ]
        );
        for (item, (kind, detail)) in items.iter().zip(stored) {
            assert_eq!((item.kind().as_str(), item.detail.stored().as_str()), (kind, detail));
            let json = serde_json::to_value(item).unwrap();
            assert_eq!(
                (json["kind"].as_str(), json["detail"].as_str()),
                (Some(kind), Some(detail))
            );
        }

        // Written again through the store, each comes back the same.
        let again = store
            .insert_handover("王芳", "", &items, "2026-11-30T03:00:00Z".parse().unwrap())
            .unwrap();
        assert_eq!(again.items, items);
    }

    #[test]
    fn a_stored_detail_this_kiosk_does_not_know_is_an_error_not_a_guess() {
        for (kind, detail) in [
            ("ticket", "teleport:received"),
            ("ticket", "repair:lost"),
            ("on_site", "ghost:x"),
            ("print_fault", "fax:jam"),
        ] {
            let mut store = Store::open_in_memory().unwrap();
            let h = store
                .insert_handover("李明", "", &[], "2026-11-30T02:00:00Z".parse().unwrap())
                .unwrap();
            store
                .conn()
                .execute(
                    "INSERT INTO handover_items(handover_id, kind, number, unit, detail) VALUES (?1, ?2, 'N', 'U', ?3)",
                    (h.id, kind, detail),
                )
                .unwrap();
            let err = store.handover(h.id).unwrap_err();
            assert!(
                err.to_string().contains("unknown handover item"),
                "{kind}:{detail}: {err}"
            );
            assert!(store.pending_handover().is_err());
        }
    }
}
