//! witan's records and the rules that govern them.
//!
//! Everything here is plain data and pure functions: no IO, no async, no SQL, no HTTP. A value that
//! made it into one of these types is valid; constructors (`parse`, `new`) are the only way in and
//! they name the field that was wrong. Lifecycle rules (a cancelled meeting cannot be signed off,
//! a decision past its call-in deadline cannot be called in) live next to the state they govern so
//! that every backend and every caller applies the same ones.

mod account;
mod action;
mod audience;
mod committee;
mod decision;
mod document;
mod error;
mod escalation;
mod follow;
mod forward_plan;
mod ids;
mod issue;
mod item;
mod meeting;
mod organisation;
mod person;
mod term;
mod text;
pub mod time;

pub use account::{
    AuditEntry, Email, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, Role, User, check_password,
};
pub use action::{Action, ActionOwner, ActionStatus, ActionUpdate, Rag};
pub use audience::Audience;
pub use committee::{Committee, CommitteeOwners};
pub use decision::{CallIn, Decision, DecisionMaker, DecisionStatus};
pub use document::{Document, MediaType, Sha256, human_size};
pub use error::{RuleError, ValidationError};
pub use escalation::{Escalation, EscalationState};
pub use follow::{FollowTarget, Frequency, SavedSearch};
pub use forward_plan::{ForwardPlanEntry, NOTICE_CLEAR_DAYS};
pub use ids::Id;
pub use issue::Issue;
pub use item::{AgendaItem, ExemptGround, Exemption, ItemNumber, Minutes, Resolution, Visibility};
pub use meeting::{
    AttendanceKind, Declaration, InterestKind, Meeting, MeetingStatus, MeetingTimes, SignOff,
};
pub use organisation::{Organisation, OrganisationKind};
pub use person::{Membership, MembershipRole, Person};
pub use term::Term;
pub use text::{Slug, Text, Title, escape_html};

/// Identifiers of each kind of record. They are distinct types, so an item id cannot be passed
/// where a meeting id is wanted.
pub type OrganisationId = Id<Organisation>;
pub type CommitteeId = Id<Committee>;
pub type PersonId = Id<Person>;
pub type MembershipId = Id<Membership>;
pub type MeetingId = Id<Meeting>;
pub type ItemId = Id<AgendaItem>;
pub type IssueId = Id<Issue>;
pub type DocumentId = Id<Document>;
pub type DecisionId = Id<Decision>;
pub type ActionId = Id<Action>;
pub type EscalationId = Id<Escalation>;
pub type ForwardPlanId = Id<ForwardPlanEntry>;
pub type UserId = Id<User>;
