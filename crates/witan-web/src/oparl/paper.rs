//! Paper: an issue, with the Consultations of the agenda items that considered it.

use super::objects::date;
use super::{OParlError, Objects};
use crate::edge::error::AppError;
use serde_json::Value;
use witan_domain::{CommitteeId, IssueId, ItemId, MeetingId};
use witan_store::{ItemEntry, PublishedKind, Stamp};

impl Objects<'_> {
    pub async fn paper(&self, id: IssueId, stamp: &Stamp) -> Result<Value, OParlError> {
        let record = self.store.issue_record(id).await?;
        let mut object = self.object("Paper", &format!("/paper/{id}"), Some(stamp));
        // The body of the first committee to consider it in the open.
        let first_open = record
            .history
            .iter()
            .rev()
            .find(|h| matches!(h.item, ItemEntry::Open(_)));
        if let Some(entry) = first_open {
            let committee = self.store.committee(entry.committee.id).await?;
            if let Some(owner) = committee.owners.organisations().first() {
                object.insert("body".into(), self.url(&format!("/body/{owner}")).into());
            }
            object.insert(
                "date".into(),
                date(witan_domain::time::london_date(entry.meeting.times.start())).into(),
            );
        }
        object.insert("name".into(), record.issue.title.as_str().into());
        if let Some(reference) = &record.issue.reference {
            object.insert("reference".into(), reference.as_str().into());
        }
        if !record.issue.summary.as_str().is_empty() {
            object.insert("witan:summary".into(), record.issue.summary.as_str().into());
        }
        let consultations: Vec<Value> = record
            .history
            .iter()
            .filter_map(|h| match &h.item {
                ItemEntry::Open(item) => Some(self.consultation(
                    id,
                    item.item.id,
                    h.meeting.id,
                    h.committee.id,
                    Some(stamp),
                )),
                ItemEntry::Withheld { .. } => None,
            })
            .collect();
        object.insert("consultation".into(), consultations.into());
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
        object.insert("web".into(), self.web(&format!("/issues/{id}")).into());
        Ok(object.into())
    }

    pub(super) fn consultation(
        &self,
        paper: IssueId,
        item: ItemId,
        meeting: MeetingId,
        committee: CommitteeId,
        stamp: Option<&Stamp>,
    ) -> Value {
        let mut object = self.object("Consultation", &format!("/consultation/{item}"), stamp);
        object.insert("paper".into(), self.url(&format!("/paper/{paper}")).into());
        object.insert(
            "agendaItem".into(),
            self.url(&format!("/agendaitem/{item}")).into(),
        );
        object.insert(
            "meeting".into(),
            self.url(&format!("/meeting/{meeting}")).into(),
        );
        object.insert(
            "organization".into(),
            vec![Value::from(self.url(&format!("/organization/{committee}")))].into(),
        );
        object.into()
    }

    /// A consultation on its own: the issue at one agenda item, public when both are.
    pub async fn consultation_of(&self, item: ItemId) -> Result<Value, OParlError> {
        let stored = self.store.item(item).await?;
        let issue = stored.issue.ok_or(OParlError(AppError::NotFound))?;
        let stamp = self.stamp(PublishedKind::Issue, issue.get()).await?;
        let record = self.store.issue_record(issue).await?;
        let entry = record
            .history
            .iter()
            .find(|h| matches!(&h.item, ItemEntry::Open(r) if r.item.id == item))
            .ok_or(OParlError(AppError::NotFound))?;
        Ok(self.consultation(
            issue,
            item,
            entry.meeting.id,
            entry.committee.id,
            Some(&stamp),
        ))
    }
}
