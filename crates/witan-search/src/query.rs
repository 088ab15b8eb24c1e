//! What a reader asks for, and the limits that keep any question cheap to answer.

use chrono::NaiveDate;
use witan_store::SearchKind;

/// Characters of query text looked at; the rest is ignored (and the reader told).
pub const MAX_CHARS: usize = 200;
/// Words of query text looked at.
pub const MAX_WORDS: usize = 12;
/// Results per page, at most.
pub const MAX_PER_PAGE: u32 = 50;
/// Pages a reader can go through: the result window ends at page × per page.
pub const MAX_PAGE: u32 = 50;
/// Titles offered while typing.
pub const MAX_SUGGESTIONS: usize = 8;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
}

/// A question to the index. Empty fields do not filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub text: String,
    pub kind: Option<SearchKind>,
    /// A committee's slug.
    pub committee: Option<String>,
    /// An organisation's slug.
    pub organisation: Option<String>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub key_only: bool,
    pub sort: Sort,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            text: String::new(),
            kind: None,
            committee: None,
            organisation: None,
            from: None,
            until: None,
            key_only: false,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
        }
    }
}

impl SearchRequest {
    /// Whether there is anything to search for: words, or at least one filter.
    pub fn is_empty(&self) -> bool {
        clean(&self.text).0.is_empty()
            && self.kind.is_none()
            && self.committee.is_none()
            && self.organisation.is_none()
            && self.from.is_none()
            && self.until.is_none()
            && !self.key_only
    }

    pub(crate) fn window(&self) -> (usize, usize) {
        let per_page = self.per_page.clamp(1, MAX_PER_PAGE) as usize;
        let page = self.page.clamp(1, MAX_PAGE) as usize;
        (per_page, (page - 1) * per_page)
    }
}

/// The query text the parser is given, and notes for the reader about what was left out.
///
/// Only words, digits, quotes (for phrases), hyphens, apostrophes and a leading `-` (to exclude
/// a word) pass: field names, ranges, boosts, wildcards and regular expressions are not part of
/// what a reader can ask, so they cannot make the index work harder than a plain question does.
pub(crate) fn clean(raw: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut text: String = raw.chars().take(MAX_CHARS).collect();
    if raw.chars().nth(MAX_CHARS).is_some() {
        notes.push(format!(
            "Only the first {MAX_CHARS} characters were searched for."
        ));
    }
    text = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '"' | '-' | '\'' | '’') {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_end_matches('-'))
        .filter(|w| !w.is_empty() && *w != "-" && *w != "\"\"")
        .collect();
    if words.len() > MAX_WORDS {
        notes.push(format!(
            "Only the first {MAX_WORDS} words were searched for."
        ));
    }
    let mut cleaned = words
        .into_iter()
        .take(MAX_WORDS)
        .collect::<Vec<_>>()
        .join(" ");
    // An unbalanced quote closes at the end.
    if cleaned.matches('"').count() % 2 == 1 {
        cleaned.push('"');
    }
    (cleaned, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_and_noise_are_reduced_to_words() {
        assert_eq!(clean("title:beds^5 [a TO z]").0, "title beds 5 a TO z");
        assert_eq!(clean("\"step-down beds").0, "\"step-down beds\"");
        assert_eq!(clean("beds -care").0, "beds -care");
        assert_eq!(clean("a\u{0}b\u{7}c /re.*/").0, "a b c re");
        assert_eq!(clean("   ").0, "");
    }

    #[test]
    fn long_questions_are_cut_and_the_reader_told() {
        let (text, notes) = clean(&"word ".repeat(2_000));
        assert_eq!(text.split(' ').count(), MAX_WORDS);
        assert_eq!(notes.len(), 2, "{notes:?}");
    }
}
