use crate::{CommitteeId, ItemId, PersonId, RuleError, Term, Text, Title, ValidationError};
use chrono::{DateTime, NaiveDate, Utc};

/// A committee's meeting. OParl `Meeting`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Meeting {
    pub committee: CommitteeId,
    pub times: MeetingTimes,
    pub location: Option<Title>,
    pub status: MeetingStatus,
    /// When the agenda was published: `None` before then, or where history does not say.
    pub agenda_published: Option<DateTime<Utc>>,
}

/// When a meeting starts and, if known, ends; instants in UTC, shown in Europe/London.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MeetingTimes {
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
}

impl MeetingTimes {
    pub fn new(start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> Result<Self, ValidationError> {
        if let Some(end) = end
            && end <= start
        {
            return Err(ValidationError::new(
                "meeting.end",
                "must be after the start of the meeting",
            ));
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.end
    }
}

/// Where a meeting is in its life: `scheduled` → `agenda_published` → `held` → `minutes_draft` →
/// `minutes_signed_off`, or `cancelled` before it is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Scheduled,
    AgendaPublished,
    Held,
    MinutesDraft,
    MinutesSignedOff,
    Cancelled,
}

impl Term for MeetingStatus {
    const WHAT: &'static str = "meeting status";
    const ALL: &'static [Self] = &[
        Self::Scheduled,
        Self::AgendaPublished,
        Self::Held,
        Self::MinutesDraft,
        Self::MinutesSignedOff,
        Self::Cancelled,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::AgendaPublished => "agenda_published",
            Self::Held => "held",
            Self::MinutesDraft => "minutes_draft",
            Self::MinutesSignedOff => "minutes_signed_off",
            Self::Cancelled => "cancelled",
        }
    }
}

impl MeetingStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "Scheduled",
            Self::AgendaPublished => "Agenda published",
            Self::Held => "Held",
            Self::MinutesDraft => "Draft minutes",
            Self::MinutesSignedOff => "Minutes signed off",
            Self::Cancelled => "Cancelled",
        }
    }

    /// Whether the public may see the agenda of a meeting in this state.
    pub fn agenda_is_public(self) -> bool {
        !matches!(self, Self::Scheduled | Self::Cancelled)
    }

    /// Whether minutes may be written or changed in place in this state.
    pub fn minutes_are_editable(self) -> bool {
        matches!(self, Self::Held | Self::MinutesDraft)
    }

    /// Checks a change of state against the lifecycle.
    pub fn transition(self, to: Self) -> Result<Self, RuleError> {
        use MeetingStatus::*;
        let allowed = matches!(
            (self, to),
            (Scheduled, AgendaPublished)
                | (Scheduled | AgendaPublished, Cancelled)
                | (Cancelled, Scheduled)
                | (AgendaPublished, Held)
                | (Held, MinutesDraft)
                | (MinutesDraft, MinutesSignedOff)
        );
        if allowed {
            Ok(to)
        } else if self == MinutesSignedOff {
            Err(RuleError::MinutesLocked)
        } else {
            Err(RuleError::MeetingTransition {
                from: self.as_str(),
                to: to.as_str(),
            })
        }
    }
}

/// How a person was at a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceKind {
    Present,
    Apologies,
    Absent,
    InAttendance,
}

impl Term for AttendanceKind {
    const WHAT: &'static str = "attendance";
    const ALL: &'static [Self] = &[
        Self::Present,
        Self::Apologies,
        Self::Absent,
        Self::InAttendance,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Apologies => "apologies",
            Self::Absent => "absent",
            Self::InAttendance => "in_attendance",
        }
    }
}

impl AttendanceKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Present => "Present",
            Self::Apologies => "Apologies",
            Self::Absent => "Absent",
            Self::InAttendance => "In attendance",
        }
    }
}

/// A declaration of interest made at a meeting, on an item or in general.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Declaration {
    pub person: PersonId,
    pub item: Option<ItemId>,
    pub kind: InterestKind,
    pub description: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestKind {
    DisclosablePecuniary,
    OtherRegistrable,
    NonRegistrable,
}

impl Term for InterestKind {
    const WHAT: &'static str = "interest kind";
    const ALL: &'static [Self] = &[
        Self::DisclosablePecuniary,
        Self::OtherRegistrable,
        Self::NonRegistrable,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::DisclosablePecuniary => "disclosable_pecuniary",
            Self::OtherRegistrable => "other_registrable",
            Self::NonRegistrable => "non_registrable",
        }
    }
}

impl InterestKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::DisclosablePecuniary => "Disclosable pecuniary interest",
            Self::OtherRegistrable => "Other registrable interest",
            Self::NonRegistrable => "Non-registrable interest",
        }
    }
}

/// The approval of a version of a meeting's minutes as a correct record. Version 1 is the first
/// sign-off; every later version is a correction and must say why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignOff {
    pub version: u32,
    /// Who signed: the name as recorded ("Katherine Disley"), and the person if known.
    pub by: Title,
    pub person: Option<PersonId>,
    pub on: NaiveDate,
    pub reason: Option<Text>,
}

impl SignOff {
    pub fn new(
        version: u32,
        by: Title,
        person: Option<PersonId>,
        on: NaiveDate,
        reason: Option<Text>,
    ) -> Result<Self, ValidationError> {
        let reason = reason.filter(|r| !r.is_empty());
        match (version, &reason) {
            (0, _) => {
                return Err(ValidationError::new(
                    "sign_off.version",
                    "versions start at 1",
                ));
            }
            (2.., None) => {
                return Err(ValidationError::new(
                    "sign_off.reason",
                    "a correction to signed-off minutes must give its reason",
                ));
            }
            _ => {}
        }
        Ok(Self {
            version,
            by,
            person,
            on,
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeetingStatus::*;

    #[test]
    fn lifecycle_allows_the_brief_path_and_nothing_else() {
        let path = [
            Scheduled,
            AgendaPublished,
            Held,
            MinutesDraft,
            MinutesSignedOff,
        ];
        for pair in path.windows(2) {
            assert_eq!(pair[0].transition(pair[1]), Ok(pair[1]));
        }
        assert!(Scheduled.transition(Cancelled).is_ok());
        assert!(Cancelled.transition(MinutesSignedOff).is_err());
        assert!(Held.transition(Cancelled).is_err());
        assert!(Scheduled.transition(MinutesSignedOff).is_err());
        assert_eq!(
            MinutesSignedOff.transition(MinutesDraft),
            Err(RuleError::MinutesLocked)
        );
    }

    #[test]
    fn public_agenda_and_editable_minutes() {
        assert!(!Scheduled.agenda_is_public());
        assert!(AgendaPublished.agenda_is_public());
        assert!(MinutesDraft.minutes_are_editable());
        assert!(!MinutesSignedOff.minutes_are_editable());
    }

    #[test]
    fn meeting_must_end_after_it_starts() {
        let start = "2016-04-14T09:00:00Z".parse().unwrap();
        let err = MeetingTimes::new(start, Some(start)).unwrap_err();
        assert_eq!(err.field, "meeting.end");
    }

    #[test]
    fn corrections_need_a_reason() {
        let by = Title::parse("by", "Katherine Disley").unwrap();
        let on = NaiveDate::from_ymd_opt(2021, 11, 8).unwrap();
        assert!(SignOff::new(1, by.clone(), None, on, None).is_ok());
        let err = SignOff::new(2, by.clone(), None, on, Some(Text::default())).unwrap_err();
        assert_eq!(err.field, "sign_off.reason");
        assert!(SignOff::new(0, by, None, on, None).is_err());
    }
}
