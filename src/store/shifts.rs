//! Shift handovers (值班与交接班): the outgoing staff member's record of what was still
//! open, with their notes, and the incoming staff member's acknowledgement. Items are
//! written with the handover in one transaction and never change afterwards.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::{parse_ts, ts, Store, StoreError};

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

/// One open item, as it stood when the shift was closed. Names are already masked and
/// no phone number is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandoverItem {
    pub kind: HandoverKind,
    pub number: String,
    pub unit: String,
    pub detail: String,
    pub at: Option<DateTime<Utc>>,
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
                    item.kind.as_str(),
                    &item.number,
                    &item.unit,
                    &item.detail,
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
                let kind: String = r.get(0)?;
                let at: Option<String> = r.get(4)?;
                Ok(HandoverItem {
                    kind: HandoverKind::parse(&kind).unwrap_or(HandoverKind::Ticket),
                    number: r.get(1)?,
                    unit: r.get(2)?,
                    detail: r.get(3)?,
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
        HandoverItem {
            kind,
            number: number.into(),
            unit: "3-2-1201".into(),
            detail: "repair".into(),
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
        assert_eq!(h.items[1].kind, HandoverKind::PrintFault);
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
}
