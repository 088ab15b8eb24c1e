//! Person, with the Memberships embedded in it.

use super::objects::date;
use super::{OParlError, Objects};
use crate::edge::error::AppError;
use serde_json::Value;
use witan_domain::{PersonId, Term};
use witan_store::Stamp;

impl Objects<'_> {
    pub async fn person(&self, id: PersonId, stamp: &Stamp) -> Result<Value, OParlError> {
        let record = self.store.person_record(id).await?;
        let mut object = self.object("Person", &format!("/person/{id}"), Some(stamp));
        object.insert("name".into(), record.person.name.as_str().into());
        if let Some(job) = &record.person.job_title {
            object.insert("witan:jobTitle".into(), job.as_str().into());
        }
        object.insert(
            "membership".into(),
            record
                .memberships
                .iter()
                .map(|(m, _)| self.membership(m))
                .collect::<Vec<_>>()
                .into(),
        );
        object.insert("web".into(), self.web(&format!("/people/{id}")).into());
        Ok(object.into())
    }

    pub(super) fn membership(&self, m: &witan_store::Stored<witan_domain::Membership>) -> Value {
        let mut object = self.object(
            "Membership",
            &format!("/person/{}/membership/{}", m.person, m.id),
            None,
        );
        object.insert(
            "person".into(),
            self.url(&format!("/person/{}", m.person)).into(),
        );
        object.insert(
            "organization".into(),
            self.url(&format!("/organization/{}", m.committee)).into(),
        );
        object.insert("role".into(), m.role.label().into());
        object.insert("witan:role".into(), m.role.as_str().into());
        object.insert("startDate".into(), date(m.from).into());
        if let Some(until) = m.until {
            object.insert("endDate".into(), date(until).into());
        }
        object.into()
    }

    /// A membership on its own: read through its person, whose record embeds it.
    pub async fn membership_of(
        &self,
        person: PersonId,
        id: witan_domain::MembershipId,
    ) -> Result<Value, OParlError> {
        let record = self.store.person_record(person).await?;
        record
            .memberships
            .iter()
            .find(|(m, _)| m.id == id)
            .map(|(m, _)| self.membership(m))
            .ok_or(OParlError(AppError::NotFound))
    }
}
