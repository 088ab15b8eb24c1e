//! Accounts, sessions, failed sign-ins and the audit log: what the workspace needs to know who is
//! asking and to remember who changed what. Every backend implements both traits; [`crate::Store`]
//! and [`crate::Writer`] require them.

use crate::{Page, Result, Stored};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use witan_domain::{AuditEntry, Email, User, UserId};

/// An account as the sign-in check needs it.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: Stored<User>,
    /// The argon2id PHC string.
    pub password_hash: String,
}

/// A signed-in session. The cookie holds a random token; the store keeps only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user: UserId,
    /// The token every form of this session carries back.
    pub csrf_token: String,
    pub created: DateTime<Utc>,
    /// The absolute end of the session, however busy it is.
    pub expires: DateTime<Utc>,
    /// When the session was last used (recorded now and then, not on every request), for the
    /// idle timeout the workspace applies.
    pub seen: DateTime<Utc>,
}

/// The failed sign-ins and password checks that count against one attempt, within a window the
/// caller chooses. They are read inside the writer's transaction, which holds the write lock, so
/// that a check and the attempt it lets through are recorded as one step: attempts made in
/// parallel are counted one after the other, never all against the same count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailedAttempts {
    /// From this address, whichever account they named.
    pub from_address: u32,
    /// Against this account from this address.
    pub on_account_from_address: u32,
    /// Against this account from every address.
    pub on_account: u32,
    /// The earliest counted failure from this address.
    pub first_from_address: Option<DateTime<Utc>>,
    /// The earliest counted failure against this account from this address.
    pub first_on_account_from_address: Option<DateTime<Utc>>,
    /// The latest counted failure against this account.
    pub last_on_account: Option<DateTime<Utc>>,
}

/// An entry of the audit log with its place in it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub entry: AuditEntry,
}

/// The read side of accounts.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// The account with this email ([`crate::StoreError::NotFound`] if none).
    async fn account(&self, email: &Email) -> Result<Account>;
    async fn user(&self, id: UserId) -> Result<Stored<User>>;
    /// Every account, by email.
    async fn users(&self) -> Result<Vec<Stored<User>>>;
    /// The session with this token hash and its user, if it exists and has not expired by `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, Stored<User>)>>;
    /// The audit log, newest first: all of it, or the entries of one record (`kind`, `id`).
    async fn audit_log(&self, record: Option<(&str, i64)>, page: Page) -> Result<Vec<AuditRecord>>;
}

/// The write side of accounts, inside a unit of work.
#[async_trait]
pub trait AccountWriter: Send {
    async fn create_user(&mut self, user: &User, password_hash: &str) -> Result<UserId>;
    async fn set_password(&mut self, user: UserId, password_hash: &str) -> Result<()>;
    /// Changes an account's name, role and organisation (its email stays).
    async fn update_user(&mut self, id: UserId, user: &User) -> Result<()>;
    /// Removes an account and ends its sessions; its entries in the audit log stay.
    async fn delete_user(&mut self, id: UserId) -> Result<()>;
    async fn create_session(&mut self, session: &Session) -> Result<()>;
    async fn end_session(&mut self, token_hash: &str) -> Result<()>;
    /// Records that the session was used at `at`.
    async fn touch_session(&mut self, token_hash: &str, at: DateTime<Utc>) -> Result<()>;
    /// Ends every session of a user but the one whose token hash is `keep` (a password change
    /// signs out everywhere else).
    async fn end_sessions_of(&mut self, user: UserId, keep: Option<&str>) -> Result<()>;
    /// The failures at or after `since` that count against an attempt on `email` from
    /// `address` (a client address as the caller keys it).
    async fn failed_attempts(
        &mut self,
        email: &Email,
        address: &str,
        since: DateTime<Utc>,
    ) -> Result<FailedAttempts>;
    /// Remembers a failed sign-in or password check (or an attempt not yet decided, which
    /// counts as failed until it is cleared), and forgets those older than a day.
    async fn record_login_failure(
        &mut self,
        email: &Email,
        address: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Forgets the failures against `email` from `address` (its owner got in from there).
    async fn clear_login_failures(&mut self, email: &Email, address: &str) -> Result<()>;
    /// Adds an entry to the audit log; nothing can change or remove it afterwards.
    async fn record_audit(&mut self, entry: &AuditEntry) -> Result<()>;
}
