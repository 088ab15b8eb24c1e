use crate::{CommitteeId, PersonId, Term, Title, ValidationError};
use chrono::NaiveDate;

/// A member or officer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    /// The name as printed in minutes: "County Councillor Jane Smith", "Mike Kirby".
    pub name: Title,
    /// What they do, if known: "Director, Corporate Commissioning".
    pub job_title: Option<Title>,
}

/// A person in a committee, with a role, from a date to an optional date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Membership {
    pub person: PersonId,
    pub committee: CommitteeId,
    pub role: MembershipRole,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Membership {
    pub fn new(
        person: PersonId,
        committee: CommitteeId,
        role: MembershipRole,
        from: NaiveDate,
        until: Option<NaiveDate>,
    ) -> Result<Self, ValidationError> {
        if let Some(until) = until
            && until < from
        {
            return Err(ValidationError::new(
                "membership.until",
                format!("{until} is before the start of the membership ({from})"),
            ));
        }
        Ok(Self {
            person,
            committee,
            role,
            from,
            until,
        })
    }

    pub fn is_current_on(&self, date: NaiveDate) -> bool {
        self.from <= date && self.until.is_none_or(|until| date <= until)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipRole {
    Chair,
    ViceChair,
    Member,
    CoOpted,
    Officer,
}

impl Term for MembershipRole {
    const WHAT: &'static str = "membership role";
    const ALL: &'static [Self] = &[
        Self::Chair,
        Self::ViceChair,
        Self::Member,
        Self::CoOpted,
        Self::Officer,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Chair => "chair",
            Self::ViceChair => "vice_chair",
            Self::Member => "member",
            Self::CoOpted => "co_opted",
            Self::Officer => "officer",
        }
    }
}

impl MembershipRole {
    pub fn label(self) -> &'static str {
        match self {
            Self::Chair => "Chair",
            Self::ViceChair => "Vice-chair",
            Self::Member => "Member",
            Self::CoOpted => "Co-opted member",
            Self::Officer => "Officer",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;

    #[test]
    fn membership_dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let err = Membership::new(
            Id::new(1),
            Id::new(1),
            MembershipRole::Chair,
            d(2020, 5, 1),
            Some(d(2020, 4, 1)),
        )
        .unwrap_err();
        assert_eq!(err.field, "membership.until");
        let m = Membership::new(
            Id::new(1),
            Id::new(1),
            MembershipRole::Member,
            d(2020, 5, 1),
            None,
        )
        .unwrap();
        assert!(m.is_current_on(d(2030, 1, 1)));
        assert!(!m.is_current_on(d(2020, 4, 30)));
        assert_eq!(
            MembershipRole::parse("role", "vice_chair").unwrap(),
            MembershipRole::ViceChair
        );
        assert!(
            MembershipRole::parse("role", "boss")
                .unwrap_err()
                .reason
                .contains("vice_chair")
        );
    }
}
