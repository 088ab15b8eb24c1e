use crate::{CommitteeId, ItemId, RuleError, Term, Text};
use chrono::NaiveDate;

/// A matter one committee sends to another ("Matters for escalation (and where to)"). It arrives
/// as a proposed item on the target's next meeting; the link runs both ways until the target has
/// considered it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Escalation {
    pub from_item: ItemId,
    pub to_committee: CommitteeId,
    pub reason: Text,
    pub state: EscalationState,
    /// The proposed item on the target committee's agenda, once there is a meeting to put it on.
    pub target_item: Option<ItemId>,
    pub considered_on: Option<NaiveDate>,
}

impl Escalation {
    pub fn consider(&self) -> Result<EscalationState, RuleError> {
        match self.state {
            EscalationState::Considered => Err(RuleError::EscalationClosed),
            EscalationState::Sent => Err(RuleError::Other(
                "this escalation is not yet on an agenda of the committee it was sent to".into(),
            )),
            EscalationState::Scheduled => Ok(EscalationState::Considered),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationState {
    /// Sent, awaiting a meeting of the target committee.
    Sent,
    /// On the agenda of the target's next meeting as a proposed item.
    Scheduled,
    /// The target committee has considered it; the loop is closed.
    Considered,
}

impl EscalationState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Sent => "Awaiting a meeting",
            Self::Scheduled => "On the agenda",
            Self::Considered => "Considered",
        }
    }
}

impl Term for EscalationState {
    const WHAT: &'static str = "escalation state";
    const ALL: &'static [Self] = &[Self::Sent, Self::Scheduled, Self::Considered];

    fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Scheduled => "scheduled",
            Self::Considered => "considered",
        }
    }
}
