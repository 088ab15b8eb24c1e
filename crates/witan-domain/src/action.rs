use crate::{ItemId, MeetingId, OrganisationId, PersonId, RuleError, Term, Text, ValidationError};
use chrono::NaiveDate;

/// Something a meeting asked someone to do. Open actions carry forward to the committee's later
/// meetings until they are done or dropped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Action {
    /// The meeting that raised it, and the item if it was raised on one.
    pub meeting: MeetingId,
    pub item: Option<ItemId>,
    pub description: Text,
    pub owner: Option<ActionOwner>,
    pub due_on: Option<NaiveDate>,
    pub status: ActionStatus,
    pub rag: Rag,
    /// The date it was done or dropped.
    pub closed_on: Option<NaiveDate>,
}

impl Action {
    pub fn check(&self) -> Result<(), ValidationError> {
        if self.description.is_empty() {
            return Err(ValidationError::new(
                "action.description",
                "must not be empty",
            ));
        }
        match (self.status, self.closed_on) {
            (ActionStatus::Open, Some(_)) => Err(ValidationError::new(
                "action.closed_on",
                "an open action has no closing date",
            )),
            (ActionStatus::Done | ActionStatus::Dropped, None) => Err(ValidationError::new(
                "action.closed_on",
                "a done or dropped action needs the date it was closed",
            )),
            _ => Ok(()),
        }
    }

    /// Whether the action was still open at a meeting held on `date`, and so is carried to it.
    pub fn open_on(&self, date: NaiveDate) -> bool {
        self.closed_on.is_none_or(|closed| closed >= date)
    }

    /// Checks a change of status; closing needs a date, reopening clears it.
    pub fn transition(&self, to: ActionStatus) -> Result<ActionStatus, RuleError> {
        use ActionStatus::*;
        match (self.status, to) {
            (Open, Done | Dropped) | (Done | Dropped, Open) => Ok(to),
            (from, to) => Err(RuleError::ActionTransition {
                from: from.as_str(),
                to: to.as_str(),
            }),
        }
    }
}

/// Who owns an action: a person or a whole organisation ("LCC").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ActionOwner {
    Person(PersonId),
    Organisation(OrganisationId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    Done,
    Dropped,
}

impl Term for ActionStatus {
    const WHAT: &'static str = "action status";
    const ALL: &'static [Self] = &[Self::Open, Self::Done, Self::Dropped];

    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Dropped => "dropped",
        }
    }
}

impl ActionStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Done => "Done",
            Self::Dropped => "Dropped",
        }
    }
}

/// Red / amber / green: how likely the action is to be delivered on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Red,
    Amber,
    Green,
}

impl Term for Rag {
    const WHAT: &'static str = "RAG rating";
    const ALL: &'static [Self] = &[Self::Red, Self::Amber, Self::Green];

    fn as_str(self) -> &'static str {
        match self {
            Self::Red => "red",
            Self::Amber => "amber",
            Self::Green => "green",
        }
    }
}

impl Rag {
    pub fn label(self) -> &'static str {
        match self {
            Self::Red => "Red",
            Self::Amber => "Amber",
            Self::Green => "Green",
        }
    }
}

/// A dated note on an action's progress, optionally re-rating it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActionUpdate {
    pub on: NaiveDate,
    pub text: Text,
    pub rag: Option<Rag>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;

    fn action() -> Action {
        Action {
            meeting: Id::new(1),
            item: None,
            description: Text::parse("d", "Find 41 additional step down beds").unwrap(),
            owner: None,
            due_on: None,
            status: ActionStatus::Open,
            rag: Rag::Amber,
            closed_on: None,
        }
    }

    #[test]
    fn status_and_closing_date_agree() {
        let mut a = action();
        assert!(a.check().is_ok());
        a.status = ActionStatus::Done;
        assert_eq!(a.check().unwrap_err().field, "action.closed_on");
        a.closed_on = NaiveDate::from_ymd_opt(2021, 11, 8);
        assert!(a.check().is_ok());
        assert!(a.open_on(NaiveDate::from_ymd_opt(2021, 11, 8).unwrap()));
        assert!(!a.open_on(NaiveDate::from_ymd_opt(2021, 12, 13).unwrap()));
    }

    #[test]
    fn transitions() {
        let a = action();
        assert_eq!(a.transition(ActionStatus::Done), Ok(ActionStatus::Done));
        assert!(a.transition(ActionStatus::Open).is_err());
    }
}
