//! The people who sign in to the workspace, what each role may do, and the audit trail.

use crate::{Audience, OrganisationId, Term, Title, ValidationError};
use chrono::{DateTime, Utc};

/// Someone who signs in. The public never does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub email: Email,
    pub name: Title,
    pub role: Role,
    /// The organisation a clerk, member or officer works for; admins work for everyone.
    pub organisation: Option<OrganisationId>,
}

impl User {
    /// A clerk edits one organisation's records, so a clerk needs one.
    pub fn new(
        email: Email,
        name: Title,
        role: Role,
        organisation: Option<OrganisationId>,
    ) -> Result<Self, ValidationError> {
        if role == Role::Clerk && organisation.is_none() {
            return Err(ValidationError::new(
                "organisation",
                "a clerk works for an organisation: name it",
            ));
        }
        Ok(Self {
            email,
            name,
            role,
            organisation,
        })
    }

    /// Whether this user may change the records of a committee owned by `owners`: admins may
    /// change everything, a clerk the records of committees their organisation owns or shares.
    pub fn may_edit(&self, owners: &[OrganisationId]) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Clerk => self.organisation.is_some_and(|mine| owners.contains(&mine)),
            Role::Member | Role::Officer => false,
        }
    }

    /// Whether this user may set up a committee owned by `owners`: admins any, a clerk only a
    /// committee their organisation owns alone. Making a committee joint commits another
    /// organisation, which a clerk cannot do for it; an admin sets joint committees up.
    pub fn may_create_committee(&self, owners: &[OrganisationId]) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Clerk => self
                .organisation
                .is_some_and(|mine| !owners.is_empty() && owners.iter().all(|o| *o == mine)),
            Role::Member | Role::Officer => false,
        }
    }

    /// Whether this user may create and change organisations, accounts and committees of any
    /// organisation, and read the audit log.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Everyone who signs in is entitled to see exempt material.
    pub fn audience(&self) -> Audience {
        Audience::Privileged
    }
}

/// What a signed-in user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts and every organisation's records; reads the audit log.
    Admin,
    /// Runs one organisation's meetings: agendas, minutes, decisions, actions, sign-off.
    Clerk,
    /// A councillor or board member: reads everything, exempt material included.
    Member,
    /// An officer: reads everything, exempt material included.
    Officer,
}

impl Term for Role {
    const WHAT: &'static str = "role";
    const ALL: &'static [Self] = &[Self::Admin, Self::Clerk, Self::Member, Self::Officer];

    fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Clerk => "clerk",
            Self::Member => "member",
            Self::Officer => "officer",
        }
    }
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Administrator",
            Self::Clerk => "Clerk",
            Self::Member => "Member",
            Self::Officer => "Officer",
        }
    }
}

/// An email address, trimmed and lower-cased: one account per address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if valid {
            Ok(Self(email))
        } else {
            Err(ValidationError::new(
                field,
                "enter an email address like name@example.gov.uk",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Passwords are at least this long: length is what makes a password hard to guess.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// And at most this long, so that hashing one costs a bounded amount of work.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a new password against the policy (the hash is made by the caller).
pub fn check_password(field: &'static str, password: &str) -> Result<(), ValidationError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(ValidationError::new(
            field,
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Err(ValidationError::new(
            field,
            format!("a password can have at most {MAX_PASSWORD_BYTES} bytes"),
        ))
    } else {
        Ok(())
    }
}

/// One change, as the audit log keeps it: who, when, what, and the record before and after.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who made the change: an account's email, or `witan CLI` for the command line.
    pub by: String,
    /// The change, in words a clerk uses: `publish agenda`, `sign off minutes`.
    pub action: String,
    /// The kind of record changed (`meeting`, `item`, …) and its id.
    pub record: String,
    pub record_id: i64,
    /// The record as JSON before and after the change (`None` when created or removed).
    pub before: Option<String>,
    pub after: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_folded_and_checked() {
        let e = Email::parse("email", "  Clerk@Example.GOV.uk ").unwrap();
        assert_eq!(e.as_str(), "clerk@example.gov.uk");
        for bad in [
            "",
            "clerk",
            "@example.org",
            "a@b",
            "a b@example.org",
            "a@.org",
            "a@b@c.org",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn who_may_edit_what() {
        let org = |n| OrganisationId::new(n);
        let user = |role, organisation| User {
            email: Email::parse("e", "a@example.org").unwrap(),
            name: Title::parse("n", "A").unwrap(),
            role,
            organisation,
        };
        assert!(user(Role::Admin, None).may_edit(&[org(1)]));
        assert!(user(Role::Clerk, Some(org(1))).may_edit(&[org(2), org(1)]));
        assert!(!user(Role::Clerk, Some(org(1))).may_edit(&[org(2)]));
        assert!(!user(Role::Member, Some(org(1))).may_edit(&[org(1)]));
        assert!(!user(Role::Officer, Some(org(1))).may_edit(&[org(1)]));
        assert!(user(Role::Admin, None).may_create_committee(&[org(1), org(2)]));
        assert!(user(Role::Clerk, Some(org(1))).may_create_committee(&[org(1)]));
        assert!(!user(Role::Clerk, Some(org(1))).may_create_committee(&[org(1), org(2)]));
        assert!(!user(Role::Clerk, Some(org(1))).may_create_committee(&[org(2)]));
        assert!(!user(Role::Clerk, Some(org(1))).may_create_committee(&[]));
        assert!(!user(Role::Member, Some(org(1))).may_create_committee(&[org(1)]));
        assert!(
            User::new(
                user(Role::Clerk, None).email,
                Title::parse("n", "A").unwrap(),
                Role::Clerk,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn passwords_have_a_length_policy() {
        assert!(check_password("password", "short").is_err());
        assert!(check_password("password", "correct horse battery").is_ok());
        assert!(check_password("password", &"x".repeat(2000)).is_err());
    }
}
