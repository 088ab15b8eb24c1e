//! Use cases: what a clerk, an admin or the command line can do to the records, each checked
//! against the actor's role and written to the audit log in the same unit of work as the change.
//!
//! The web workspace and the `witan` commands both call these functions; neither holds rules of
//! its own. A use case reads what it needs, checks that the actor may act on the committee the
//! record belongs to ([`witan_domain::User::may_edit`]), applies the change through a
//! [`witan_store::Writer`] (whose workflows apply the lifecycle rules) and records an
//! [`AuditEntry`] before committing: the change and its audit entry land together or not at all.

pub mod accounts;
pub mod documents;
pub mod following;
pub mod meetings;
pub mod records;

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;
use witan_domain::{AuditEntry, CommitteeId, OrganisationId, User};
use witan_store::{Store, StoreError, Stored, Writer};

pub use accounts::{SESSION_HOURS, SignedIn};

/// Who is acting.
#[derive(Debug, Clone)]
pub enum Actor {
    /// Someone signed in to the workspace.
    User(Stored<User>),
    /// Whoever runs `witan` on the server: they hold the database already.
    CommandLine,
}

impl Actor {
    /// The name the audit log records.
    pub fn name(&self) -> String {
        match self {
            Self::User(user) => user.email.to_string(),
            Self::CommandLine => "witan command line".to_owned(),
        }
    }

    pub fn may_edit(&self, owners: &[OrganisationId]) -> bool {
        match self {
            Self::User(user) => user.may_edit(owners),
            Self::CommandLine => true,
        }
    }

    /// Whether the actor may set up a committee with these owners (see
    /// [`User::may_create_committee`]).
    pub fn may_create_committee(&self, owners: &[OrganisationId]) -> bool {
        match self {
            Self::User(user) => user.may_create_committee(owners),
            Self::CommandLine => true,
        }
    }

    pub fn is_admin(&self) -> bool {
        match self {
            Self::User(user) => user.is_admin(),
            Self::CommandLine => true,
        }
    }
}

/// Why a use case did not happen. Nothing of it was written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("you do not have permission to change this record")]
    Denied,
    #[error("the email address or password is not right")]
    BadCredentials,
    #[error(
        "too many failed sign-ins for this account from here; try again in {}",
        wait_words(*seconds)
    )]
    TooManyAttempts {
        /// How long until an attempt may be made again.
        seconds: i64,
    },
    /// More requests from one client than it may make in a while.
    #[error("too many requests from here; try again in {}", wait_words(*seconds))]
    TooManyRequests { seconds: i64 },
    /// Every permit to hash a password is taken: try again in a moment.
    #[error("witan is busy checking other passwords; try again in a moment")]
    Busy,
    #[error(
        "someone else changed this record while you were editing it; your changes have not been saved, check the record as it is now and make them again"
    )]
    Stale,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

/// A wait in words: "40 seconds", "1 minute", "15 minutes".
fn wait_words(seconds: i64) -> String {
    match seconds {
        ..=1 => "1 second".to_owned(),
        2..=59 => format!("{seconds} seconds"),
        60..=119 => "1 minute".to_owned(),
        _ => format!("{} minutes", (seconds + 59) / 60),
    }
}

impl From<witan_domain::ValidationError> for Error {
    fn from(e: witan_domain::ValidationError) -> Self {
        Self::Store(StoreError::Invalid(e))
    }
}

impl From<witan_domain::RuleError> for Error {
    fn from(e: witan_domain::RuleError) -> Self {
        Self::Store(StoreError::Rule(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The use cases over one store.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub store: Arc<dyn Store>,
    /// Working days a key decision can be called in after it is made.
    pub call_in_working_days: u32,
    /// Where uploaded files are kept (under their SHA-256); `None` refuses uploads.
    pub files: Option<std::path::PathBuf>,
    /// How uploaded documents' text is read; set with `files`.
    pub extractor: Option<witan_import::extract::Extractor>,
    /// Permits to hash a password, one per core by default: each hash takes 19 MiB and a core
    /// for its duration, so more at once would only queue for the cores and hold the memory.
    pub hashing: Arc<tokio::sync::Semaphore>,
}

impl Workspace {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            call_in_working_days: 5,
            files: None,
            extractor: None,
            hashing: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, usize::from),
            )),
        }
    }

    /// Allows `permits` password hashes at once.
    pub fn with_hashing_limit(mut self, permits: usize) -> Self {
        self.hashing = Arc::new(tokio::sync::Semaphore::new(permits));
        self
    }

    /// Keeps uploaded files in `dir`, their text read by `extractor` (a server passes
    /// `Extractor::Subprocess`, so a hostile file cannot take its memory).
    pub fn with_files(
        mut self,
        dir: std::path::PathBuf,
        extractor: witan_import::extract::Extractor,
    ) -> Self {
        self.files = Some(dir);
        self.extractor = Some(extractor);
        self
    }

    /// Checks that `actor` may make a committee report to `parent`: a clerk may hang a
    /// committee only under one they may edit themselves, so no clerk changes the shape of
    /// another organisation's committees.
    async fn authorise_parent(&self, actor: &Actor, parent: CommitteeId) -> Result<()> {
        self.authorise(actor, parent).await
    }

    /// Checks that `actor` may change the records of `committee`.
    async fn authorise(&self, actor: &Actor, committee: CommitteeId) -> Result<()> {
        let committee = self.store.committee(committee).await?;
        if actor.may_edit(committee.owners.organisations()) {
            Ok(())
        } else {
            Err(Error::Denied)
        }
    }
}

/// A version token for a record as a form showed it: a digest of its JSON. A form carries it
/// back, and the use case refuses the change if the record has changed since ([`Error::Stale`]).
pub fn version_of(record: &impl Serialize) -> String {
    use sha2::Digest;
    let json = serde_json::to_vec(record).unwrap_or_default();
    let digest = sha2::Sha256::digest(&json);
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// Records a change in the audit log of the unit of work `w`.
async fn audit(
    w: &mut dyn Writer,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &str,
    record: (&str, i64),
    before: Option<&(dyn ErasedJson + Sync)>,
    after: Option<&(dyn ErasedJson + Sync)>,
) -> Result<()> {
    w.record_audit(&AuditEntry {
        at: now,
        by: actor.name(),
        action: action.to_owned(),
        record: record.0.to_owned(),
        record_id: record.1,
        before: before.map(ErasedJson::json),
        after: after.map(ErasedJson::json),
    })
    .await?;
    Ok(())
}

/// Anything serialisable, as JSON text: lets [`audit`] take records of any kind.
pub trait ErasedJson {
    fn json(&self) -> String;
}

impl<T: Serialize> ErasedJson for T {
    fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("\"not serialisable: {e}\""))
    }
}
