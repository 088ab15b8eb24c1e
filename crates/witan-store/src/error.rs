use witan_domain::{RuleError, ValidationError};

/// What can go wrong when reading or writing the store. Callers see domain words, never driver
/// types: the edge turns `NotFound` into a 404, `Invalid` and `Rule` into a 400 or 409,
/// `Unavailable` into a 503.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    #[error("{0}")]
    Rule(#[from] RuleError),
    #[error("{0}")]
    Conflict(String),
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error(
        "this database was written by a newer version of witan (it has migration {found}, which this \
         version does not know); upgrade witan to use it"
    )]
    NewerSchema { found: i64 },
    #[error("a stored record is not valid ({0}); the database has been changed outside witan")]
    Corrupt(ValidationError),
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        Self::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
