use crate::{CommitteeId, OrganisationId, Slug, Text, Title, ValidationError};

/// A decision-making or advisory body: Cabinet, a scrutiny committee, an ICS board. OParl
/// `Organization`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Committee {
    pub slug: Slug,
    pub name: Title,
    pub purpose: Text,
    pub owners: CommitteeOwners,
    /// The committee this one reports to, if any.
    pub parent: Option<CommitteeId>,
}

/// Who a committee belongs to: one organisation, or several jointly (a partnership board).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "organisations", rename_all = "snake_case")]
pub enum CommitteeOwners {
    Single(OrganisationId),
    Joint(Vec<OrganisationId>),
}

impl CommitteeOwners {
    /// A joint committee needs at least two different organisations.
    pub fn joint(
        field: &'static str,
        mut owners: Vec<OrganisationId>,
    ) -> Result<Self, ValidationError> {
        owners.sort();
        owners.dedup();
        if owners.len() < 2 {
            return Err(ValidationError::new(
                field,
                "a joint committee needs at least two different organisations",
            ));
        }
        Ok(Self::Joint(owners))
    }

    pub fn organisations(&self) -> &[OrganisationId] {
        match self {
            Self::Single(one) => std::slice::from_ref(one),
            Self::Joint(many) => many,
        }
    }

    pub fn is_joint(&self) -> bool {
        matches!(self, Self::Joint(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;

    #[test]
    fn joint_committees_need_two_distinct_owners() {
        assert!(CommitteeOwners::joint("owners", vec![Id::new(1), Id::new(1)]).is_err());
        let joint =
            CommitteeOwners::joint("owners", vec![Id::new(2), Id::new(1), Id::new(2)]).unwrap();
        assert_eq!(joint.organisations(), [Id::new(1), Id::new(2)]);
        assert!(joint.is_joint());
    }
}
