use crate::{CommitteeId, ItemId, PersonId, RuleError, Term, Text, Title, ValidationError};
use chrono::NaiveDate;

/// A resolution that decides something, with who decided, when, and whether it can be called in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    /// The item it was made on; officer decisions have none.
    pub item: Option<ItemId>,
    pub maker: DecisionMaker,
    pub decided_on: NaiveDate,
    pub title: Title,
    pub text: Text,
    pub key_decision: bool,
    pub call_in: CallIn,
    pub status: DecisionStatus,
}

impl Decision {
    pub fn check(&self) -> Result<(), ValidationError> {
        if let CallIn::Subject { deadline } = self.call_in
            && deadline < self.decided_on
        {
            return Err(ValidationError::new(
                "decision.call_in_deadline",
                format!(
                    "{deadline} is before the decision was made ({})",
                    self.decided_on
                ),
            ));
        }
        Ok(())
    }

    /// Moves the decision to `to` on date `on`, under the call-in rules.
    pub fn transition(
        &self,
        to: DecisionStatus,
        on: NaiveDate,
    ) -> Result<DecisionStatus, RuleError> {
        use DecisionStatus::*;
        let refuse = |why: &'static str| RuleError::DecisionTransition {
            from: self.status.as_str(),
            to: to.as_str(),
            why,
        };
        match (self.status, to, self.call_in) {
            (Made, CalledIn, CallIn::NotSubject) => Err(refuse(": it is not subject to call-in")),
            (Made, CalledIn, CallIn::Subject { deadline }) if on > deadline => {
                Err(refuse(": the call-in deadline has passed"))
            }
            (Made, Implemented, CallIn::Subject { deadline }) if on <= deadline => Err(refuse(
                ": it cannot be implemented before the call-in deadline has passed",
            )),
            (Made, CalledIn | Implemented | Rescinded, _)
            | (CalledIn, Made | Rescinded, _)
            | (Implemented, Rescinded, _) => Ok(to),
            _ => Err(refuse("")),
        }
    }
}

/// Who made a decision: a committee, or an officer under delegated powers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum DecisionMaker {
    Committee(CommitteeId),
    Officer(PersonId),
}

/// Whether a decision can be called in for scrutiny, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallIn {
    NotSubject,
    Subject { deadline: NaiveDate },
}

impl CallIn {
    pub fn deadline(self) -> Option<NaiveDate> {
        match self {
            Self::NotSubject => None,
            Self::Subject { deadline } => Some(deadline),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    Made,
    CalledIn,
    Implemented,
    Rescinded,
}

impl Term for DecisionStatus {
    const WHAT: &'static str = "decision status";
    const ALL: &'static [Self] = &[
        Self::Made,
        Self::CalledIn,
        Self::Implemented,
        Self::Rescinded,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Made => "made",
            Self::CalledIn => "called_in",
            Self::Implemented => "implemented",
            Self::Rescinded => "rescinded",
        }
    }
}

impl DecisionStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Made => "Made",
            Self::CalledIn => "Called in",
            Self::Implemented => "Implemented",
            Self::Rescinded => "Rescinded",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;
    use DecisionStatus::*;

    fn decision(call_in: CallIn) -> Decision {
        Decision {
            item: None,
            maker: DecisionMaker::Committee(Id::new(1)),
            decided_on: date(14),
            title: Title::parse("title", "Operating principles agreed").unwrap(),
            text: Text::default(),
            key_decision: true,
            call_in,
            status: Made,
        }
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2016, 4, day).unwrap()
    }

    #[test]
    fn call_in_only_before_the_deadline() {
        let d = decision(CallIn::Subject { deadline: date(21) });
        assert_eq!(d.transition(CalledIn, date(21)), Ok(CalledIn));
        assert!(d.transition(CalledIn, date(22)).is_err());
        assert!(d.transition(Implemented, date(21)).is_err());
        assert_eq!(d.transition(Implemented, date(22)), Ok(Implemented));
        let not_subject = decision(CallIn::NotSubject);
        assert!(not_subject.transition(CalledIn, date(15)).is_err());
        assert_eq!(
            not_subject.transition(Implemented, date(14)),
            Ok(Implemented)
        );
    }

    #[test]
    fn deadline_cannot_precede_the_decision() {
        let d = decision(CallIn::Subject { deadline: date(13) });
        assert_eq!(d.check().unwrap_err().field, "decision.call_in_deadline");
    }

    #[test]
    fn rescinded_is_final() {
        let mut d = decision(CallIn::NotSubject);
        d.status = Rescinded;
        assert!(d.transition(Made, date(20)).is_err());
    }
}
