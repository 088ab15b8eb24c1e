//! Organization: a committee, with its members and meetings.

use super::{List, OParlError, Objects};
use serde_json::Value;
use witan_domain::{CommitteeId, CommitteeOwners};
use witan_store::Stamp;

impl Objects<'_> {
    pub async fn organization(&self, id: CommitteeId, stamp: &Stamp) -> Result<Value, OParlError> {
        let committee = self.store.committee(id).await?;
        let owners = committee.owners.organisations();
        let mut object = self.object("Organization", &format!("/organization/{id}"), Some(stamp));
        if let Some(first) = owners.first() {
            object.insert("body".into(), self.url(&format!("/body/{first}")).into());
        }
        object.insert("name".into(), committee.name.as_str().into());
        object.insert("shortName".into(), committee.slug.as_str().into());
        object.insert("organizationType".into(), "Gremium".into());
        let joint = matches!(committee.owners, CommitteeOwners::Joint(_));
        object.insert(
            "classification".into(),
            if joint {
                "Joint committee"
            } else {
                "Committee"
            }
            .into(),
        );
        if let Some(parent) = committee.parent {
            object.insert(
                "subOrganizationOf".into(),
                self.url(&format!("/organization/{parent}")).into(),
            );
        }
        let memberships = self.store.memberships(id).await?;
        object.insert(
            "membership".into(),
            memberships
                .iter()
                .map(|m| {
                    Value::from(self.url(&format!(
                        "/person/{}/membership/{}",
                        m.membership.person, m.membership.id
                    )))
                })
                .collect::<Vec<_>>()
                .into(),
        );
        object.insert(
            "meeting".into(),
            self.url(&List::CommitteeMeetings(id).path()).into(),
        );
        object.insert(
            "web".into(),
            self.web(&format!("/committees/{}", committee.slug.as_str()))
                .into(),
        );
        if !committee.purpose.as_str().is_empty() {
            object.insert("witan:purpose".into(), committee.purpose.as_str().into());
        }
        if joint {
            object.insert(
                "witan:jointWith".into(),
                owners
                    .iter()
                    .skip(1)
                    .map(|o| Value::from(self.url(&format!("/body/{o}"))))
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        Ok(object.into())
    }
}
