//! Meeting, with its agenda and the Location embedded in it.

use super::objects::{date, instant};
use super::{OParlError, Objects};
use crate::edge::error::AppError;
use serde_json::{Value, json};
use witan_domain::{AttendanceKind, MeetingId, Term};
use witan_store::{MeetingSheet, PublishedKind, Stamp};

impl Objects<'_> {
    pub async fn meeting(&self, id: MeetingId, stamp: &Stamp) -> Result<Value, OParlError> {
        let record = self.sheet(id).await?;
        Ok(self.meeting_object(&record, stamp))
    }

    /// One meeting as open data shows it.
    pub(super) async fn sheet(&self, id: MeetingId) -> Result<MeetingSheet, OParlError> {
        self.store
            .meeting_sheets(&[id])
            .await?
            .pop()
            .ok_or(OParlError(AppError::NotFound))
    }

    pub(super) fn meeting_object(&self, record: &MeetingSheet, stamp: &Stamp) -> Value {
        let meeting = &record.meeting;
        let id = meeting.id;
        let mut object = self.object("Meeting", &format!("/meeting/{id}"), Some(stamp));
        let day =
            witan_domain::time::uk_date(witan_domain::time::london_date(meeting.times.start()));
        object.insert(
            "name".into(),
            format!("{}, {day}", record.committee.name.as_str()).into(),
        );
        object.insert("meetingState".into(), meeting.status.label().into());
        object.insert("witan:status".into(), meeting.status.as_str().into());
        object.insert(
            "cancelled".into(),
            (meeting.status == witan_domain::MeetingStatus::Cancelled).into(),
        );
        object.insert("start".into(), instant(meeting.times.start()).into());
        if let Some(end) = meeting.times.end() {
            object.insert("end".into(), instant(end).into());
        }
        if let Some(published) = meeting.agenda_published {
            object.insert("witan:agendaPublished".into(), instant(published).into());
        }
        if meeting.location.is_some() {
            object.insert("location".into(), self.location(record, stamp));
        }
        object.insert(
            "organization".into(),
            vec![Value::from(
                self.url(&format!("/organization/{}", meeting.committee)),
            )]
            .into(),
        );
        let participants: Vec<Value> = record
            .attendance
            .iter()
            .filter(|a| {
                matches!(
                    a.kind,
                    AttendanceKind::Present | AttendanceKind::InAttendance
                )
            })
            .map(|a| self.url(&format!("/person/{}", a.person.id)).into())
            .collect();
        if !participants.is_empty() {
            object.insert("participant".into(), participants.into());
        }
        if let Some(agenda) = &record.agenda {
            let items: Vec<Value> = agenda
                .iter()
                .enumerate()
                .map(|(i, entry)| self.agenda_item(id, i + 1, entry))
                .collect();
            object.insert("agendaItem".into(), items.into());
        }
        if !record.sign_offs.is_empty() {
            object.insert(
                "witan:signOffs".into(),
                record
                    .sign_offs
                    .iter()
                    .map(|s| {
                        json!({
                            "version": s.version,
                            "signedBy": s.by.as_str(),
                            "signedOn": date(s.on),
                            "reason": s.reason.as_ref().map(|r| r.as_str()),
                        })
                    })
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        object.insert("web".into(), self.web(&format!("/meetings/{id}")).into());
        object.into()
    }

    pub(super) fn location(&self, record: &MeetingSheet, stamp: &Stamp) -> Value {
        let mut object = self.object(
            "Location",
            &format!("/meeting/{}/location", record.meeting.id),
            Some(stamp),
        );
        if let Some(venue) = &record.meeting.location {
            object.insert("description".into(), venue.as_str().into());
        }
        object.insert(
            "meetings".into(),
            vec![Value::from(
                self.url(&format!("/meeting/{}", record.meeting.id)),
            )]
            .into(),
        );
        object.into()
    }

    pub async fn location_of(&self, meeting: MeetingId) -> Result<Value, OParlError> {
        let stamp = self.stamp(PublishedKind::Meeting, meeting.get()).await?;
        let record = self.sheet(meeting).await?;
        if record.meeting.location.is_none() {
            return Err(OParlError(AppError::NotFound));
        }
        Ok(self.location(&record, &stamp))
    }
}
