use crate::{
    CommitteeId, ItemId, Meeting, MeetingStatus, RuleError, Term, Text, Title, ValidationError,
};
use chrono::NaiveDate;

/// A matter one committee sends to another ("Matters for escalation (and where to)"). It arrives
/// as a proposal: a clerk of the receiving committee accepts it onto a meeting of their choosing
/// whose agenda is not yet published, or declines it with a reason. Sending never writes onto
/// another committee's agenda. The link runs both ways until the target has considered it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Escalation {
    pub from_item: ItemId,
    pub to_committee: CommitteeId,
    pub reason: Text,
    pub state: EscalationState,
    /// The proposed item on the target committee's agenda, once the escalation is accepted.
    pub target_item: Option<ItemId>,
    /// Why the receiving committee declined it, once it has.
    pub decline_reason: Option<Text>,
    pub considered_on: Option<NaiveDate>,
}

impl Escalation {
    /// Checks that the parts of a recorded escalation agree with its state: an accepted or
    /// considered escalation has its proposed item, a declined one its reason, a considered one
    /// its date, and nothing else has any of them.
    pub fn check(&self) -> Result<(), ValidationError> {
        use EscalationState::*;
        let on_agenda = matches!(self.state, Accepted | Considered);
        if on_agenda != self.target_item.is_some() {
            return Err(ValidationError::new(
                "escalation.target_item",
                "an escalation has a proposed item exactly when it is accepted or considered",
            ));
        }
        if (self.state == Declined) != self.decline_reason.is_some() {
            return Err(ValidationError::new(
                "escalation.decline_reason",
                "an escalation has a reason for declining exactly when it is declined",
            ));
        }
        if (self.state == Considered) != self.considered_on.is_some() {
            return Err(ValidationError::new(
                "escalation.considered_on",
                "an escalation has the date it was considered exactly when it is considered",
            ));
        }
        Ok(())
    }

    /// Accepts a pending escalation onto `meeting`: a meeting of the committee it was sent to
    /// whose agenda is not yet published (a published agenda is what the public was told the
    /// meeting will discuss, and a cancelled meeting discusses nothing).
    pub fn accept(&self, meeting: &Meeting) -> Result<EscalationState, RuleError> {
        self.answerable()?;
        if meeting.committee != self.to_committee {
            return Err(RuleError::Other(
                "an escalation is accepted onto a meeting of the committee it was sent to".into(),
            ));
        }
        if meeting.status != MeetingStatus::Scheduled {
            return Err(RuleError::Other(format!(
                "an escalation is accepted onto a meeting whose agenda is not yet published; \
                 this one is {}",
                meeting.status.label().to_lowercase()
            )));
        }
        Ok(EscalationState::Accepted)
    }

    /// Declines a pending escalation; the caller records why.
    pub fn decline(&self) -> Result<EscalationState, RuleError> {
        self.answerable()?;
        Ok(EscalationState::Declined)
    }

    /// Records that the target committee has considered an accepted escalation.
    pub fn consider(&self) -> Result<EscalationState, RuleError> {
        match self.state {
            EscalationState::Considered => Err(RuleError::EscalationClosed),
            EscalationState::Pending => Err(RuleError::Other(
                "this escalation is not yet on an agenda of the committee it was sent to".into(),
            )),
            EscalationState::Declined => Err(RuleError::Other(
                "this escalation was declined, so there is nothing to consider".into(),
            )),
            EscalationState::Accepted => Ok(EscalationState::Considered),
        }
    }

    fn answerable(&self) -> Result<(), RuleError> {
        match self.state {
            EscalationState::Pending => Ok(()),
            EscalationState::Considered => Err(RuleError::EscalationClosed),
            answered => Err(RuleError::Other(format!(
                "this escalation has already been answered: it is {}",
                answered.as_str()
            ))),
        }
    }

    /// The title of the item an accepted escalation proposes: "Escalated from COMMITTEE: TITLE",
    /// shortened to the length every title keeps, whatever the two names add up to.
    pub fn proposed_item_title(
        from_committee: &Title,
        from_item: &Title,
    ) -> Result<Title, ValidationError> {
        Title::truncating(
            "escalation.proposed_item.title",
            &format!("Escalated from {from_committee}: {from_item}"),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationState {
    /// Sent, awaiting the answer of the committee it was sent to.
    Pending,
    /// Accepted onto a meeting of the target committee as a proposed item.
    Accepted,
    /// Declined by the target committee, with a reason.
    Declined,
    /// The target committee has considered it; the loop is closed.
    Considered,
}

impl EscalationState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Awaiting an answer",
            Self::Accepted => "On an agenda",
            Self::Declined => "Declined",
            Self::Considered => "Considered",
        }
    }
}

impl Term for EscalationState {
    const WHAT: &'static str = "escalation state";
    const ALL: &'static [Self] = &[
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Considered,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Considered => "considered",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Id, MeetingTimes};

    fn escalation(state: EscalationState) -> Escalation {
        Escalation {
            from_item: Id::new(1),
            to_committee: Id::new(2),
            reason: Text::parse("reason", "Bed base pressure").unwrap(),
            state,
            target_item: None,
            decline_reason: None,
            considered_on: None,
        }
    }

    fn meeting(committee: i64, status: MeetingStatus) -> Meeting {
        Meeting {
            committee: Id::new(committee),
            times: MeetingTimes::new("2021-10-21T09:00:00Z".parse().unwrap(), None).unwrap(),
            location: None,
            status,
            agenda_published: None,
        }
    }

    #[test]
    fn accepted_onto_an_open_agenda_of_the_target_only() {
        let pending = escalation(EscalationState::Pending);
        assert_eq!(
            pending.accept(&meeting(2, MeetingStatus::Scheduled)),
            Ok(EscalationState::Accepted)
        );
        assert!(
            pending
                .accept(&meeting(3, MeetingStatus::Scheduled))
                .is_err()
        );
        for status in [
            MeetingStatus::AgendaPublished,
            MeetingStatus::Held,
            MeetingStatus::Cancelled,
        ] {
            assert!(pending.accept(&meeting(2, status)).is_err(), "{status:?}");
        }
    }

    #[test]
    fn answered_once() {
        let declined = escalation(EscalationState::Declined);
        assert!(
            declined
                .accept(&meeting(2, MeetingStatus::Scheduled))
                .is_err()
        );
        assert!(declined.decline().is_err());
        assert!(declined.consider().is_err());
        assert_eq!(
            escalation(EscalationState::Pending).decline(),
            Ok(EscalationState::Declined)
        );
        assert_eq!(
            escalation(EscalationState::Accepted).consider(),
            Ok(EscalationState::Considered)
        );
        assert_eq!(
            escalation(EscalationState::Considered).decline(),
            Err(RuleError::EscalationClosed)
        );
    }

    #[test]
    fn parts_agree_with_the_state() {
        assert!(escalation(EscalationState::Pending).check().is_ok());
        assert_eq!(
            escalation(EscalationState::Accepted)
                .check()
                .unwrap_err()
                .field,
            "escalation.target_item"
        );
        let mut declined = escalation(EscalationState::Declined);
        assert!(declined.check().is_err());
        declined.decline_reason = Some(Text::parse("r", "Not ours").unwrap());
        assert!(declined.check().is_ok());
    }

    #[test]
    fn proposed_titles_keep_the_title_length() {
        let long = Title::parse("t", &"x".repeat(Title::MAX_CHARS)).unwrap();
        let title = Escalation::proposed_item_title(&long, &long).unwrap();
        assert_eq!(title.as_str().chars().count(), Title::MAX_CHARS);
        assert!(title.as_str().starts_with("Escalated from xxx"));
        assert!(title.as_str().ends_with('…'));
        let short = Escalation::proposed_item_title(
            &Title::parse("t", "Cabinet").unwrap(),
            &Title::parse("t", "Beds").unwrap(),
        )
        .unwrap();
        assert_eq!(short.as_str(), "Escalated from Cabinet: Beds");
    }
}
