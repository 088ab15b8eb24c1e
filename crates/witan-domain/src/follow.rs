//! Following: what a person may follow and how often they are told.

use crate::{CommitteeId, IssueId, Term, ValidationError};

/// How often a follower is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// A message within a minute or so of the change.
    Immediate,
    /// One digest a day, at the configured time.
    Daily,
    /// One digest a week, on Mondays at the configured time.
    Weekly,
}

impl Term for Frequency {
    const WHAT: &'static str = "frequency";
    const ALL: &'static [Self] = &[Self::Immediate, Self::Daily, Self::Weekly];

    fn as_str(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }
}

impl Frequency {
    /// As a reader sees it: "as it happens".
    pub fn label(self) -> &'static str {
        match self {
            Self::Immediate => "as it happens",
            Self::Daily => "a daily digest",
            Self::Weekly => "a weekly digest",
        }
    }
}

/// What is followed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FollowTarget {
    /// A committee, by its id: its agendas, minutes, decisions and actions.
    Committee(CommitteeId),
    /// An issue across every committee it passes through.
    Issue(IssueId),
    /// A saved search: its query string as the search page reads it (`q=…&kind=…`).
    Search(SavedSearch),
}

impl FollowTarget {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Committee(_) => "committee",
            Self::Issue(_) => "issue",
            Self::Search(_) => "search",
        }
    }

    /// The stored form of what is followed: an id, or the search's query string.
    pub fn key(&self) -> String {
        match self {
            Self::Committee(id) => id.get().to_string(),
            Self::Issue(id) => id.get().to_string(),
            Self::Search(search) => search.as_str().to_owned(),
        }
    }

    /// Reads a stored (kind, key) pair back.
    pub fn parse(kind: &str, key: &str) -> Result<Self, ValidationError> {
        let id = || {
            key.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ValidationError::new("target", format!("\"{key}\" is not an id")))
        };
        match kind {
            "committee" => Ok(Self::Committee(CommitteeId::new(id()?))),
            "issue" => Ok(Self::Issue(IssueId::new(id()?))),
            "search" => Ok(Self::Search(SavedSearch::parse("search", key)?)),
            other => Err(ValidationError::new(
                "target",
                format!(
                    "unknown kind of thing to follow \"{other}\"; expected committee, issue or search"
                ),
            )),
        }
    }
}

/// A search's query string, as kept for following it: at most [`SavedSearch::MAX`] bytes, with
/// words to look for or a filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SavedSearch(String);

impl SavedSearch {
    pub const MAX: usize = 400;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim().trim_start_matches('?');
        if raw.is_empty() {
            return Err(ValidationError::new(
                field,
                "a saved search needs words or a filter",
            ));
        }
        if raw.len() > Self::MAX || raw.chars().any(char::is_control) {
            return Err(ValidationError::new(
                field,
                format!(
                    "a saved search is at most {} characters of a query string",
                    Self::MAX
                ),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
