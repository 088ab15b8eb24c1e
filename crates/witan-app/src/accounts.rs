//! Signing in and out, sessions, passwords and accounts.
//!
//! Passwords are hashed with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, the
//! OWASP recommendation) on a blocking thread. Each hash holds its 19 MiB until it ends, so
//! hashing takes a permit of [`Workspace::hashing`], one per core: when every permit is taken a
//! sign-in is refused at once with [`Error::Busy`] rather than queued, which keeps a flood of
//! sign-ins to a few hashes' memory. A session cookie holds 32 random bytes; the store keeps only
//! their SHA-256, with a separate random CSRF token that every form of the session carries.
//!
//! Guessing is limited by failures the store counts, so the limits hold across processes; see
//! [`refusal`] for the rules. An attempt is counted as a failure before its password is hashed,
//! in the same transaction as the check that let it through, and forgotten only when the
//! password turns out right: guesses sent in parallel are counted one after another.

use crate::{Actor, Error, Result, Workspace, audit};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use sha2::Digest;
use std::net::IpAddr;
use std::sync::OnceLock;
use tokio::sync::OwnedSemaphorePermit;
use witan_domain::{Email, OrganisationId, Role, Title, User, UserId, check_password};
use witan_store::{FailedAttempts, Session, StoreError, Stored};

/// The longest a session lasts from sign-in, however busy.
pub const SESSION_HOURS: i64 = 12;
/// A session not used for this long ends.
pub const SESSION_IDLE_HOURS: i64 = 8;
/// How often a session's last use is written down: not on every request, as that would make
/// every page a write.
const SESSION_TOUCH_MINUTES: i64 = 5;

/// How long a failed sign-in or password check counts.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Failures one client address may make within the window, whatever accounts it names.
pub const ADDRESS_FAILURES: u32 = 20;
/// Failures one address may make against one account within the window.
pub const ACCOUNT_ADDRESS_FAILURES: u32 = 5;
/// Failures against one account from every address within the window before each further
/// attempt waits (see [`refusal`]).
pub const ACCOUNT_FAILURES: u32 = 10;
/// The longest an attempt on an account waits after the account's latest failure.
pub const MAX_ACCOUNT_WAIT_SECONDS: i64 = 300;

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

/// Whether `token` has the form of a session token (64 hex digits).
fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// How failures are keyed by where they came from: an IPv4 address as it is, an IPv6 address
/// by its /64, since anyone with one IPv6 address usually has the whole /64 to choose from.
pub fn address_key(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Whether an attempt counted as `counts` must be refused at `now`, and if so for how many
/// seconds. The rules, each within [`FAILURE_WINDOW_MINUTES`]:
///
/// - An address that has failed [`ADDRESS_FAILURES`] times, against any accounts, is refused
///   until its earliest counted failure leaves the window. This limit comes first: it is what
///   holds a guesser back, and it costs the owners of the accounts guessed at nothing.
/// - An address that has failed [`ACCOUNT_ADDRESS_FAILURES`] times against one account is
///   refused for that account in the same way, right password or not.
/// - An account that has failed [`ACCOUNT_FAILURES`] times from all addresses together (so from
///   at least two addresses) makes every attempt wait after its latest failure: 1 second, then
///   twice as long for each further failure, at most [`MAX_ACCOUNT_WAIT_SECONDS`]. This slows
///   guessing spread over many addresses, while a stranger can never keep the owner out for
///   longer than that wait: attempts refused meanwhile are not counted, and the owner's right
///   password from an address within its own limits gets in once the wait is over.
pub fn refusal(counts: &FailedAttempts, now: DateTime<Utc>) -> Option<i64> {
    let window = Duration::minutes(FAILURE_WINDOW_MINUTES);
    let mut until: Option<DateTime<Utc>> = None;
    let mut refuse = |at: DateTime<Utc>| until = Some(until.map_or(at, |u| u.max(at)));
    if counts.from_address >= ADDRESS_FAILURES {
        refuse(counts.first_from_address.unwrap_or(now) + window);
    }
    if counts.on_account_from_address >= ACCOUNT_ADDRESS_FAILURES {
        refuse(counts.first_on_account_from_address.unwrap_or(now) + window);
    }
    if counts.on_account >= ACCOUNT_FAILURES {
        let doublings = (counts.on_account - ACCOUNT_FAILURES).min(16);
        let wait = (1i64 << doublings).min(MAX_ACCOUNT_WAIT_SECONDS);
        let at = counts.last_on_account.unwrap_or(now) + Duration::seconds(wait);
        if at > now {
            refuse(at);
        }
    }
    until.map(|u| (u - now).num_seconds().max(1))
}

/// Hashes a password that meets the policy. Unbounded: for the command line and tests; the
/// workspace hashes under its permits.
pub async fn hash_password(password: &str) -> Result<String> {
    check_password("password", password)?;
    let salt = new_salt()?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_now(&password, &salt))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
}

fn new_salt() -> Result<[u8; 16]> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(salt)
}

/// Hashes `password` on this thread: call it on a blocking thread.
fn hash_now(password: &str, salt: &[u8; 16]) -> Result<String> {
    let salt = SaltString::encode_b64(salt).map_err(|e| Error::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(format!("hashing a password: {e}")))
}

/// Whether `password` matches the stored hash (false for a hash that does not parse), on this
/// thread: call it on a blocking thread.
fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Runs hashing work on a blocking thread under a hashing permit. The permit goes with the work
/// and is given back when the work is done, even if the request that asked has gone away.
async fn hashing<T: Send + 'static>(
    permit: OwnedSemaphorePermit,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))
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
        check_password("password", password)?;
        let (password, salt) = (password.to_owned(), new_salt()?);
        let hash = hashing(self.hashing_permit()?, move || hash_now(&password, &salt)).await??;
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

    /// A permit to hash a password, or [`Error::Busy`] at once when every one is taken.
    fn hashing_permit(&self) -> Result<OwnedSemaphorePermit> {
        self.hashing
            .clone()
            .try_acquire_owned()
            .map_err(|_| Error::Busy)
    }

    /// Counts an attempt on `email` from `address` as failed, unless [`refusal`] refuses it:
    /// the check and the count are one transaction, which holds the store's write lock, so
    /// attempts made at the same moment are counted one after another.
    async fn reserve_attempt(
        &self,
        email: &Email,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
        let mut w = self.store.begin().await?;
        let counts = w.failed_attempts(email, address, since).await?;
        if let Some(seconds) = refusal(&counts, now) {
            return Err(Error::TooManyAttempts { seconds });
        }
        w.record_login_failure(email, address, now).await?;
        w.commit().await?;
        Ok(())
    }

    fn new_session(user: UserId, now: DateTime<Utc>) -> Result<(String, Session)> {
        let token = random_hex(32)?;
        let session = Session {
            token_hash: token_hash(&token),
            user,
            csrf_token: random_hex(16)?,
            created: now,
            expires: now + Duration::hours(SESSION_HOURS),
            seen: now,
        };
        Ok((token, session))
    }

    /// Signs in with an email and password from a client `address`, or says why not. The
    /// attempt is counted before the password is checked (see [`refusal`] for the limits), and
    /// refused with [`Error::Busy`] when every hashing permit is taken. A session the client
    /// presented (its cookie's token, `presented`) ends: a sign-in always starts a session of
    /// its own.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: IpAddr,
        presented: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<SignedIn> {
        // Text that is not an email address names no account; refusing it costs no hash.
        let Ok(email) = Email::parse("email", email) else {
            return Err(Error::BadCredentials);
        };
        let permit = self.hashing_permit()?;
        let address = address_key(address);
        self.reserve_attempt(&email, &address, now).await?;
        let account = match self.store.account(&email).await {
            Ok(account) => Some(account),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let hash = match &account {
            Some(a) => a.password_hash.clone(),
            None => decoy_hash().await,
        };
        let password = password.to_owned();
        let matches = hashing(permit, move || verify_now(&password, &hash)).await?;
        let Some(account) = account.filter(|_| matches) else {
            return Err(Error::BadCredentials);
        };
        let (token, session) = Self::new_session(account.user.id, now)?;
        let mut w = self.store.begin().await?;
        w.clear_login_failures(&email, &address).await?;
        if let Some(old) = presented.filter(|t| is_token(t)) {
            w.end_session(&token_hash(old)).await?;
        }
        w.create_session(&session).await?;
        w.commit().await?;
        Ok(SignedIn {
            token,
            session,
            user: account.user,
        })
    }

    /// The session a cookie's token opens, if it has neither expired nor been left unused for
    /// [`SESSION_IDLE_HOURS`]. Its last use is written down every few minutes.
    pub async fn session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, Stored<User>)>> {
        if !is_token(token) {
            return Ok(None);
        }
        let Some((mut session, user)) = self.store.session(&token_hash(token), now).await? else {
            return Ok(None);
        };
        if now >= session.seen + Duration::hours(SESSION_IDLE_HOURS) {
            // Left unused too long: it ends for good, even for a clock that goes back.
            let mut w = self.store.begin().await?;
            w.end_session(&session.token_hash).await?;
            w.commit().await?;
            return Ok(None);
        }
        if now >= session.seen + Duration::minutes(SESSION_TOUCH_MINUTES) {
            let mut w = self.store.begin().await?;
            w.touch_session(&session.token_hash, now).await?;
            w.commit().await?;
            session.seen = now;
        }
        Ok(Some((session, user)))
    }

    pub async fn sign_out(&self, session: &Session) -> Result<()> {
        let mut w = self.store.begin().await?;
        w.end_session(&session.token_hash).await?;
        w.commit().await?;
        Ok(())
    }

    /// Changes the signed-in user's password after checking the current one, which counts
    /// against the same limits as a sign-in from `address`. Every session of the account ends,
    /// this one included, and a new session takes this one's place: its token is returned for
    /// the cookie.
    pub async fn change_password(
        &self,
        session: &Session,
        current: &str,
        new: &str,
        address: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<SignedIn> {
        // A new password the policy refuses is said before the current one is tried, so that
        // it costs no attempt.
        check_password("new_password", new)?;
        let user = self.store.user(session.user).await?;
        let permit = self.hashing_permit()?;
        let address = address_key(address);
        self.reserve_attempt(&user.email, &address, now).await?;
        let account = self.store.account(&user.email).await?;
        let (current, new, salt) = (current.to_owned(), new.to_owned(), new_salt()?);
        // One permit covers both hashes: the check of the current password, then the new one.
        let hash = hashing(permit, move || {
            verify_now(&current, &account.password_hash).then(|| hash_now(&new, &salt))
        })
        .await?
        .ok_or_else(|| {
            witan_domain::ValidationError::new(
                "current_password",
                "this is not your current password",
            )
        })??;
        let (token, fresh) = Self::new_session(user.id, now)?;
        let mut w = self.store.begin().await?;
        w.clear_login_failures(&user.email, &address).await?;
        w.set_password(user.id, &hash).await?;
        w.end_sessions_of(user.id, None).await?;
        w.create_session(&fresh).await?;
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
        Ok(SignedIn {
            token,
            session: fresh,
            user,
        })
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
