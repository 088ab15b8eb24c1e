//! AgendaItem: a numbered item of a meeting, with its files and what witan adds (minutes,
//! resolutions, decisions, actions, escalations) in the `witan:` namespace.

use super::objects::date;
use super::{OParlError, Objects};
use crate::edge::error::AppError;
use serde_json::{Value, json};
use witan_domain::{ItemId, MeetingId, Term};
use witan_store::{ItemEntry, ItemRecord};

impl Objects<'_> {
    /// An agenda item, `order` from 1 in agenda order. Its times are its meeting's, whose
    /// `modified` covers it.
    pub(super) fn agenda_item(&self, meeting: MeetingId, order: usize, entry: &ItemEntry) -> Value {
        match entry {
            ItemEntry::Withheld {
                id,
                number,
                label,
                ground,
            } => {
                let mut object = self.object("AgendaItem", &format!("/agendaitem/{id}"), None);
                object.insert(
                    "meeting".into(),
                    self.url(&format!("/meeting/{meeting}")).into(),
                );
                object.insert("number".into(), number.to_string().into());
                object.insert("order".into(), order.into());
                object.insert("name".into(), label.clone().into());
                object.insert("public".into(), false.into());
                object.insert("witan:exemptGround".into(), ground.code().into());
                object.into()
            }
            ItemEntry::Open(record) => self.open_item(meeting, order, record),
        }
    }

    pub(super) fn open_item(&self, meeting: MeetingId, order: usize, record: &ItemRecord) -> Value {
        let item = &record.item;
        let mut object = self.object("AgendaItem", &format!("/agendaitem/{}", item.id), None);
        object.insert(
            "meeting".into(),
            self.url(&format!("/meeting/{meeting}")).into(),
        );
        object.insert("number".into(), item.number.to_string().into());
        object.insert("order".into(), order.into());
        object.insert("name".into(), item.title.as_str().into());
        object.insert("public".into(), true.into());
        if item.issue.is_some() {
            object.insert(
                "consultation".into(),
                self.url(&format!("/consultation/{}", item.id)).into(),
            );
        }
        if let Some((version, minutes)) = &record.minutes {
            if !minutes.resolution.text.as_str().is_empty() {
                object.insert(
                    "resolutionText".into(),
                    minutes.resolution.text.as_str().into(),
                );
            }
            object.insert(
                "witan:minutes".into(),
                json!({
                    "version": version,
                    "text": minutes.text.as_str(),
                    "resolutionPoints": minutes.resolution.points.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                    "resolutionText": minutes.resolution.text.as_str(),
                }),
            );
        }
        if !record.documents.is_empty() {
            object.insert(
                "auxiliaryFile".into(),
                record
                    .documents
                    .iter()
                    .map(|d| self.file_object(d, None, false))
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        if !record.decisions.is_empty() {
            object.insert(
                "witan:decisions".into(),
                record
                    .decisions
                    .iter()
                    .map(|d| {
                        json!({
                            "id": self.web(&format!("/api/v1/decisions/{}", d.id)),
                            "title": d.title.as_str(),
                            "text": d.text.as_str(),
                            "decidedOn": date(d.decided_on),
                            "keyDecision": d.key_decision,
                            "callInDeadline": d.call_in.deadline().map(date),
                            "status": d.status.as_str(),
                        })
                    })
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        if !record.actions.is_empty() {
            object.insert(
                "witan:actions".into(),
                record
                    .actions
                    .iter()
                    .map(|a| {
                        json!({
                            "id": self.web(&format!("/api/v1/actions/{}", a.action.id)),
                            "description": a.action.description.as_str(),
                            "owner": a.owner_name,
                            "dueOn": a.action.due_on.map(date),
                            "status": a.action.status.as_str(),
                            "rag": a.action.rag.as_str(),
                        })
                    })
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        if !record.escalations_sent.is_empty() {
            object.insert(
                "witan:escalations".into(),
                record
                    .escalations_sent
                    .iter()
                    .map(|e| {
                        let mut escalation = json!({
                            "id": self.web(&format!("/api/v1/escalations/{}", e.escalation.id)),
                            "to": self.url(&format!("/organization/{}", e.to_committee.id)),
                            "reason": e.escalation.reason.as_str(),
                            "state": e.escalation.state.as_str(),
                        });
                        if let Some(why) = &e.escalation.decline_reason {
                            escalation["declineReason"] = why.as_str().into();
                        }
                        escalation
                    })
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        object.insert(
            "web".into(),
            self.web(&format!("/meetings/{meeting}#item-{}", item.id))
                .into(),
        );
        object.into()
    }

    /// An agenda item on its own: read through its meeting, whose agenda embeds it.
    pub async fn agenda_item_of(&self, id: ItemId) -> Result<Value, OParlError> {
        let item = self.store.item(id).await?;
        let record = self.sheet(item.meeting).await?;
        let (order, entry) = record
            .agenda
            .as_ref()
            .and_then(|agenda| agenda.iter().enumerate().find(|(_, e)| e.id() == id))
            .ok_or(OParlError(AppError::NotFound))?;
        Ok(self.agenda_item(item.meeting, order + 1, entry))
    }
}
