use crate::{Text, Title};

/// A matter of business that persists across meetings and committees. Its history is every
/// agenda item that considered it, newest first. OParl `Paper`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    pub title: Title,
    /// The body's own reference, e.g. "CAB/2016/042", if it has one.
    pub reference: Option<Title>,
    pub summary: Text,
}
