//! Signing in and out, sessions, passwords and accounts.
//!
//! Passwords are hashed with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, the
//! OWASP recommendation) on a blocking thread. A session cookie holds 32 random bytes; the store
//! keeps only their SHA-256, with a separate random CSRF token that every form of the session
//! carries. Failed sign-ins are counted in the store, so the limit holds across processes.

use crate::{Actor, Error, Result, Workspace, audit};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use sha2::Digest;
use std::sync::OnceLock;
use witan_domain::{Email, OrganisationId, Role, Title, User, UserId, check_password};
use witan_store::{Session, StoreError, Stored};

/// How long a session lasts from sign-in.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed for one account within [`FAILURE_WINDOW_MINUTES`].
pub const MAX_FAILURES: u32 = 5;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// A new session: the token for the cookie (shown once, never stored) and the session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: Session,
    pub user: Stored<User>,
}

pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// The SHA-256 of a session token, as the store keeps it.
pub fn token_hash(token: &str) -> String {
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashes a password that meets the policy.
pub async fn hash_password(password: &str) -> Result<String> {
    check_password("password", password)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| Error::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
}

/// Whether `password` matches the stored hash (false for a hash that does not parse).
async fn verify(password: &str, hash: String) -> bool {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A hash to check against when the account does not exist, so that an unknown email takes as
/// long to refuse as a wrong password.
async fn decoy_hash() -> String {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DECOY.get() {
        return hash.clone();
    }
    let hash = hash_password("decoy password for unknown accounts")
        .await
        .unwrap_or_default();
    DECOY.get_or_init(|| hash).clone()
}

impl Workspace {
    /// Creates an account. Only an admin (or the command line) may.
    pub async fn add_user(
        &self,
        actor: &Actor,
        user: &User,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<UserId> {
        if !actor.is_admin() {
            return Err(Error::Denied);
        }
        let hash = hash_password(password).await?;
        let mut w = self.store.begin().await?;
        let id = w.create_user(user, &hash).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "add user",
            ("user", id.get()),
            None,
            Some(user),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Changes an account's role and organisation. Admins only, and not their own account (so
    /// that there is always an admin who can undo a mistake).
    pub async fn change_user(
        &self,
        actor: &Actor,
        id: UserId,
        role: Role,
        organisation: Option<OrganisationId>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.check_admin_over(actor, id)?;
        let before = self.store.user(id).await?;
        let after = User::new(
            before.email.clone(),
            before.name.clone(),
            role,
            organisation,
        )?;
        let mut w = self.store.begin().await?;
        w.update_user(id, &after).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "change account",
            ("user", id.get()),
            Some(&before.record),
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Removes an account (its sessions end; the audit log keeps what it did). Admins only, and
    /// not their own.
    pub async fn remove_user(&self, actor: &Actor, id: UserId, now: DateTime<Utc>) -> Result<()> {
        self.check_admin_over(actor, id)?;
        let before = self.store.user(id).await?;
        let mut w = self.store.begin().await?;
        w.delete_user(id).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "remove account",
            ("user", id.get()),
            Some(&before.record),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    fn check_admin_over(&self, actor: &Actor, id: UserId) -> Result<()> {
        if !actor.is_admin() {
            return Err(Error::Denied);
        }
        if matches!(actor, Actor::User(me) if me.id == id) {
            return Err(witan_domain::RuleError::Other(
                "you cannot change or remove your own account here; ask another admin".into(),
            )
            .into());
        }
        Ok(())
    }

    /// Signs in with an email and password, or says why not. Failed attempts are counted; after
    /// [`MAX_FAILURES`] within [`FAILURE_WINDOW_MINUTES`] the account is refused until the
    /// window passes, whether or not the password is right.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<SignedIn> {
        let Ok(email) = Email::parse("email", email) else {
            verify(password, decoy_hash().await).await;
            return Err(Error::BadCredentials);
        };
        let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
        if self.store.login_failures(&email, since).await? >= MAX_FAILURES {
            return Err(Error::TooManyAttempts {
                minutes: FAILURE_WINDOW_MINUTES,
            });
        }
        let account = match self.store.account(&email).await {
            Ok(account) => Some(account),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let hash = match &account {
            Some(a) => a.password_hash.clone(),
            None => decoy_hash().await,
        };
        let matches = verify(password, hash).await;
        let mut w = self.store.begin().await?;
        let Some(account) = account.filter(|_| matches) else {
            w.record_login_failure(&email, now).await?;
            w.commit().await?;
            return Err(Error::BadCredentials);
        };
        let token = random_hex(32)?;
        let session = Session {
            token_hash: token_hash(&token),
            user: account.user.id,
            csrf_token: random_hex(16)?,
            created: now,
            expires: now + Duration::hours(SESSION_HOURS),
        };
        w.clear_login_failures(&email).await?;
        w.create_session(&session).await?;
        w.commit().await?;
        Ok(SignedIn {
            token,
            session,
            user: account.user,
        })
    }

    /// The session a cookie's token opens, if it is current.
    pub async fn session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, Stored<User>)>> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(self.store.session(&token_hash(token), now).await?)
    }

    pub async fn sign_out(&self, session: &Session) -> Result<()> {
        let mut w = self.store.begin().await?;
        w.end_session(&session.token_hash).await?;
        w.commit().await?;
        Ok(())
    }

    /// Changes the signed-in user's password after checking the current one; every other
    /// session of theirs ends.
    pub async fn change_password(
        &self,
        session: &Session,
        current: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let user = self.store.user(session.user).await?;
        let account = self.store.account(&user.email).await?;
        if !verify(current, account.password_hash).await {
            return Err(witan_domain::ValidationError::new(
                "current_password",
                "this is not your current password",
            )
            .into());
        }
        let hash = hash_password(new).await.map_err(|e| match e {
            Error::Store(StoreError::Invalid(v)) => {
                witan_domain::ValidationError::new("new_password", v.reason).into()
            }
            other => other,
        })?;
        let mut w = self.store.begin().await?;
        w.set_password(user.id, &hash).await?;
        w.end_sessions_of(user.id, Some(&session.token_hash))
            .await?;
        let actor = Actor::User(user.clone());
        audit(
            w.as_mut(),
            &actor,
            now,
            "change password",
            ("user", user.id.get()),
            None,
            None,
        )
        .await?;
        w.commit().await?;
        Ok(())
    }
}

/// Reads an account's fields as the command line and the admin form give them.
pub fn new_user(
    email: &str,
    name: Option<&str>,
    role: &str,
    organisation: Option<OrganisationId>,
) -> Result<User> {
    use witan_domain::Term;
    let email = Email::parse("email", email)?;
    let name = match name {
        Some(name) => Title::parse("name", name)?,
        None => Title::parse("name", email.as_str())?,
    };
    let role = Role::parse("role", role)?;
    Ok(User::new(email, name, role, organisation)?)
}
