//! Following by email: subscribers (an address and its private token, which every message's
//! management link carries), what each follows (each confirmed from the address), public changes
//! waiting for their message, and the outbox of messages to send. Every
//! backend implements both traits; [`crate::Store`] and [`crate::Writer`] require them.
//!
//! What goes into a message is decided by the alerts use case from public reads only; the store
//! keeps what it is given.

use crate::{Result, SearchKind};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use witan_domain::{Email, FollowTarget, Frequency};

/// An address that asked to follow something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub id: i64,
    pub email: Email,
    /// The private token of the subscriber's management page.
    pub token: String,
    /// When the address first confirmed something.
    pub confirmed: Option<DateTime<Utc>>,
    pub created: DateTime<Utc>,
}

/// One thing a subscriber follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub subscriber: i64,
    pub target: FollowTarget,
    /// What was followed, as the follower saw it ("Health and Wellbeing Board").
    pub label: String,
    pub frequency: Frequency,
    pub created: DateTime<Utc>,
    /// When the address confirmed it; nothing but the confirmation is sent before.
    pub confirmed: Option<DateTime<Utc>>,
}

/// A public change waiting for a subscription's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pending {
    pub subscription: i64,
    pub kind: SearchKind,
    pub record: i64,
    /// The change log's sequence number that brought it.
    pub seq: u64,
}

/// The kind of a message, for limits and for what it may say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// The one message sent to an address that has not confirmed.
    Confirm,
    /// What changed, at once.
    Alert,
    /// What changed since the last digest.
    Digest,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Alert => "alert",
            Self::Digest => "digest",
        }
    }
}

/// A message for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub subscriber: i64,
    pub recipient: Email,
    pub kind: MailKind,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The private management page, for `List-Unsubscribe` (none on a confirmation).
    pub manage_url: Option<String>,
    /// The message's `Message-ID`, without angle brackets; the same however often it is tried.
    pub message_id: String,
}

/// A message claimed from the outbox for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub manage_url: Option<String>,
    pub message_id: String,
    pub created: DateTime<Utc>,
    /// Tries before this one.
    pub attempts: u32,
}

/// How many follow what, for clerks: never who.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowerCount {
    pub target: FollowTarget,
    pub label: String,
    pub confirmed: u64,
}

/// What went out, for clerks: a message's kind, subject and when, not to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    pub kind: String,
    pub subject: String,
    pub sent: Option<DateTime<Utc>>,
    pub attempts: u32,
}

/// The read side of following.
#[async_trait]
pub trait Alerts: Send + Sync {
    /// The subscriber with this token, with what it follows.
    async fn subscriber(&self, token: &str) -> Result<Option<(Subscriber, Vec<Subscription>)>>;
    /// Confirmed subscriptions to any of `targets`.
    async fn followers_of(&self, targets: &[FollowTarget]) -> Result<Vec<Subscription>>;
    /// Confirmed subscriptions to saved searches.
    async fn saved_searches(&self) -> Result<Vec<Subscription>>;
    /// How many confirmed followers each followed thing has, most first.
    async fn follower_counts(&self) -> Result<Vec<FollowerCount>>;
    /// The latest messages queued, newest first, at most `limit`.
    async fn recent_mail(&self, limit: u32) -> Result<Vec<SentMail>>;
    /// The outbox messages not yet sent.
    async fn unsent_mail(&self) -> Result<u64>;
}

/// The write side of following, inside a unit of work.
#[async_trait]
pub trait AlertWriter: Send {
    /// The subscriber with this address, made with `token` if new. True when it was made now.
    async fn subscriber_for(
        &mut self,
        email: &Email,
        token: &str,
        at: DateTime<Utc>,
    ) -> Result<(Subscriber, bool)>;
    /// Follows `target` (unconfirmed if new), or changes the frequency of an unconfirmed follow
    /// of it (a confirmed one changes only from its management page). Returns the
    /// subscription's id and whether it is confirmed.
    async fn follow(
        &mut self,
        subscriber: i64,
        target: &FollowTarget,
        label: &str,
        frequency: Frequency,
        at: DateTime<Utc>,
    ) -> Result<(i64, bool)>;
    /// Confirms a subscription of the subscriber (and the subscriber). False if it has none
    /// such.
    async fn confirm(
        &mut self,
        subscriber: i64,
        subscription: i64,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    async fn set_frequency(
        &mut self,
        subscriber: i64,
        subscription: i64,
        frequency: Frequency,
    ) -> Result<()>;
    /// Stops one subscription of the subscriber, or all of them.
    async fn unfollow(&mut self, subscriber: i64, subscription: Option<i64>) -> Result<()>;
    /// Removes the subscriber and everything held about it, messages not yet sent included.
    async fn forget_subscriber(&mut self, subscriber: i64) -> Result<()>;
    /// How many messages of `kind` were queued for `recipient` at or after `since`.
    async fn mail_queued_to(
        &mut self,
        recipient: &Email,
        kind: MailKind,
        since: DateTime<Utc>,
    ) -> Result<u32>;
    /// Where the alerts have read the change log to (none before their first run).
    async fn alerts_read_to(&mut self) -> Result<Option<u64>>;
    async fn set_alerts_read_to(&mut self, seq: u64, at: DateTime<Utc>) -> Result<()>;
    /// Keeps changes for their subscriptions' next message (a change already waiting stays).
    async fn add_pending(&mut self, pending: &[Pending]) -> Result<()>;
    /// Takes the changes waiting for confirmed subscriptions of `frequency`: each with its
    /// subscription and subscriber, removed from waiting.
    async fn take_pending(
        &mut self,
        frequency: Frequency,
    ) -> Result<Vec<(Subscriber, Subscription, Vec<Pending>)>>;
    /// When messages of `frequency` were last made, and records that they are made now.
    async fn alert_run(
        &mut self,
        frequency: Frequency,
        at: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>>;
    async fn queue_mail(&mut self, mail: &NewMail, at: DateTime<Utc>) -> Result<i64>;
    /// Claims, until `until`, up to `limit` messages not claimed by another sender at `at` and
    /// due by `due_by` (`at`, or later to try waiting messages before their time).
    async fn claim_mail(
        &mut self,
        at: DateTime<Utc>,
        due_by: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutgoingMail>>;
    async fn mail_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()>;
    /// Records a failed try and when to try again.
    async fn mail_failed(&mut self, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<()>;
}
