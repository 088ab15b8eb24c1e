use std::fmt;

/// A value that does not make a valid record, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    pub field: &'static str,
    pub reason: String,
}

impl ValidationError {
    pub fn new(field: &'static str, reason: impl fmt::Display) -> Self {
        Self {
            field,
            reason: reason.to_string(),
        }
    }
}

/// A change the rules of the record do not allow in its current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("a meeting cannot go from {from} to {to}")]
    MeetingTransition {
        from: &'static str,
        to: &'static str,
    },
    #[error("the minutes of this meeting are signed off and locked; record a correction instead")]
    MinutesLocked,
    #[error("the minutes of this meeting are not signed off, so there is nothing to correct")]
    MinutesNotSignedOff,
    #[error("a decision cannot go from {from} to {to}{why}")]
    DecisionTransition {
        from: &'static str,
        to: &'static str,
        why: &'static str,
    },
    #[error("an action cannot go from {from} to {to}")]
    ActionTransition {
        from: &'static str,
        to: &'static str,
    },
    #[error("this escalation has already been considered")]
    EscalationClosed,
    #[error("{0}")]
    Other(String),
}
