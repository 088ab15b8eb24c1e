use witan_domain::{RuleError, ValidationError};

/// What can go wrong when reading or writing the store. Callers see domain words, never driver
/// types: the edge turns `NotFound` into a 404, `Invalid` and `Rule` into a 400 or 409,
/// `Unavailable` into a 503.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
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

/// Turns a database's refusal of a statement into a store error in domain words, the same on
/// every backend: a witan rule a trigger enforces (its message starts with "witan: "), or a
/// broken constraint of the record `record` names. `duplicate` says which values a unique
/// constraint found twice, as `table.column`.
pub(crate) fn refusal(
    record: &'static str,
    message: &str,
    broke: Broke,
    duplicate: impl FnOnce() -> String,
) -> StoreError {
    if message.contains("witan: minutes locked") {
        StoreError::Rule(RuleError::MinutesLocked)
    } else if let Some(shape) = message.strip_prefix("witan: not valid: ") {
        // A length or shape rule of the domain that SQLite's triggers enforce (PostgreSQL's
        // CHECK constraints end below): the value, not the state of the record, is wrong.
        StoreError::Invalid(ValidationError::new(record, shape))
    } else if let Some(rule) = message.strip_prefix("witan: ") {
        StoreError::Rule(RuleError::Other(rule.to_owned()))
    } else if broke == Broke::Unique {
        StoreError::Conflict(format!(
            "{record}: another record already has this value ({})",
            duplicate()
        ))
    } else if broke == Broke::ForeignKey {
        StoreError::Invalid(ValidationError::new(
            record,
            "refers to a record that does not exist",
        ))
    } else if broke == Broke::Check {
        StoreError::Invalid(ValidationError::new(record, message))
    } else {
        StoreError::Database(message.to_owned())
    }
}

/// Which kind of constraint a refused statement broke, as the driver classified it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Broke {
    Unique,
    ForeignKey,
    Check,
    Other,
}

impl Broke {
    /// The classification of a database error sqlx reports.
    pub(crate) fn of(db: &dyn sqlx::error::DatabaseError) -> Self {
        if db.is_unique_violation() {
            Self::Unique
        } else if db.is_foreign_key_violation() {
            Self::ForeignKey
        } else if db.is_check_violation() {
            Self::Check
        } else {
            Self::Other
        }
    }
}
