//! Saved searches: the search page's question read from its parameters (the page and a follow
//! both read it here, so a followed search finds what the page finds), and which records of a
//! batch of changes each saved search finds.

use crate::index::SearchIndex;
use crate::query::{SearchRequest, Sort};
use crate::{Result, schema};
use chrono::NaiveDate;
use std::collections::HashMap;
use tantivy::TantivyDocument;
use tantivy::collector::DocSetCollector;
use tantivy::schema::Value;
use witan_domain::{Audience, Term, ValidationError};
use witan_store::{SearchDocument, SearchKind};

impl SearchRequest {
    /// The question the search page's parameters ask: `q`, `kind`, `committee`, `organisation`,
    /// `from`, `to` (dates like 2016-04-14), `key` and `sort` (relevance or newest). `param`
    /// gives a parameter's value, or nothing where it is missing or blank. The first page.
    pub fn from_params<'a>(
        param: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, ValidationError> {
        let date = |name: &'static str| {
            param(name)
                .map(|v| {
                    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                        ValidationError::new(
                            name,
                            format!("must be a date like 2016-04-14, not \"{}\"", shorten(v)),
                        )
                    })
                })
                .transpose()
        };
        let sort = match param("sort") {
            None | Some("relevance") => Sort::Relevance,
            Some("newest") => Sort::Newest,
            Some(other) => {
                return Err(ValidationError::new(
                    "sort",
                    format!("must be relevance or newest, not \"{}\"", shorten(other)),
                ));
            }
        };
        Ok(Self {
            text: param("q").unwrap_or_default().to_owned(),
            kind: param("kind")
                .map(|v| SearchKind::parse("kind", v))
                .transpose()?,
            committee: param("committee").map(str::to_owned),
            organisation: param("organisation").map(str::to_owned),
            from: date("from")?,
            until: date("to")?,
            key_only: matches!(param("key"), Some("on" | "true" | "yes" | "1")),
            sort,
            ..Self::default()
        })
    }

    /// The question a search page's query string (`q=beds&kind=decision`) asks. Blank values
    /// are not given; a malformed one is an error naming its parameter.
    pub fn from_query(query: &str) -> Result<Self, ValidationError> {
        let values: HashMap<String, String> =
            form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
                .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
                .filter(|(_, v)| !v.is_empty())
                .collect();
        Self::from_params(|name| values.get(name).map(String::as_str))
    }

    /// The query string that asks this question, parameters in one order, blank ones left out:
    /// the form a saved search is kept in, so one search followed twice is one search.
    pub fn to_query(&self) -> String {
        let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let mut out = form_urlencoded::Serializer::new(String::new());
        let text = self.text.trim();
        let pairs = [
            ("q", (!text.is_empty()).then(|| text.to_owned())),
            ("kind", self.kind.map(|k| k.as_str().to_owned())),
            ("committee", self.committee.clone()),
            ("organisation", self.organisation.clone()),
            ("from", date(self.from)),
            ("to", date(self.until)),
            ("key", self.key_only.then(|| "on".to_owned())),
            (
                "sort",
                (self.sort == Sort::Newest).then(|| "newest".to_owned()),
            ),
        ];
        for (name, value) in pairs {
            if let Some(value) = value {
                out.append_pair(name, &value);
            }
        }
        out.finish()
    }

    /// What the question asks, as a follower reads it: `the search for “beds” (decisions, in
    /// health-and-wellbeing, from 1 April 2016)`.
    pub fn describe(&self) -> String {
        let (words, _) = crate::query::clean(&self.text);
        let mut filters = Vec::new();
        if let Some(kind) = self.kind {
            filters.push(kind.label().to_lowercase());
        }
        if self.key_only {
            filters.push("key decisions only".to_owned());
        }
        if let Some(committee) = &self.committee {
            filters.push(format!("in {committee}"));
        }
        if let Some(organisation) = &self.organisation {
            filters.push(format!("of {organisation}"));
        }
        if let Some(from) = self.from {
            filters.push(format!("from {}", witan_domain::time::uk_short_date(from)));
        }
        if let Some(until) = self.until {
            filters.push(format!(
                "until {}",
                witan_domain::time::uk_short_date(until)
            ));
        }
        let mut described = if words.is_empty() {
            "the search".to_owned()
        } else {
            format!("the search for “{}”", words.replace('"', ""))
        };
        if !filters.is_empty() {
            described.push_str(&format!(" ({})", filters.join(", ")));
        }
        described
    }
}

fn shorten(raw: &str) -> String {
    raw.chars().take(40).collect()
}

/// Which of `records` each of `searches` finds, in the same order as `searches`, as the public
/// would find them: a record the public may not see is never a match, and a search with
/// nothing to look for finds nothing.
///
/// The records are indexed in memory on their own, so this answers "would this new record be
/// found" without the site's index, which may not yet hold them.
pub fn saved_search_matches(
    records: &[SearchDocument],
    searches: &[SearchRequest],
) -> Result<Vec<Vec<(SearchKind, i64)>>> {
    let index = SearchIndex::in_memory()?;
    let inner = index.inner();
    // Tantivy's smallest writer: a batch of changes is a few thousand records at most.
    let mut writer = inner
        .index
        .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
    for record in records {
        writer.add_document(schema::document(&inner.fields, record))?;
    }
    writer.commit()?;
    inner.reader.reload()?;
    let searcher = inner.reader.searcher();
    let mut found = Vec::with_capacity(searches.len());
    for request in searches {
        let mut matches = Vec::new();
        if let Some(query) = index.question(&searcher, request, Audience::Public)?.query {
            for address in searcher.search(&query, &DocSetCollector)? {
                let doc: TantivyDocument = searcher.doc(address)?;
                let kind = doc
                    .get_first(inner.fields.kind)
                    .and_then(|v| v.as_str())
                    .and_then(|k| SearchKind::parse("kind", k).ok());
                let id = doc.get_first(inner.fields.id).and_then(|v| v.as_i64());
                if let (Some(kind), Some(id)) = (kind, id) {
                    matches.push((kind, id));
                }
            }
        }
        matches.sort();
        found.push(matches);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use witan_domain::{CommitteeId, IssueId, MeetingId};
    use witan_store::CommitteeRef;

    fn record(kind: SearchKind, id: i64, title: &str, public: bool) -> SearchDocument {
        SearchDocument {
            kind,
            id,
            title: title.to_owned(),
            body: format!("{title}: the board's report and its recommendations."),
            committee: Some(CommitteeRef {
                id: CommitteeId::new(3),
                slug: "health-and-wellbeing".into(),
                name: "Health and Wellbeing Board".into(),
            }),
            organisations: vec!["leeds".into()],
            date: NaiveDate::from_ymd_opt(2016, 4, 14),
            key_decision: kind == SearchKind::Decision,
            public,
            meeting: Some(MeetingId::new(9)),
            item_number: Some("5".into()),
            issue: Some(IssueId::new(11)),
        }
    }

    fn matches(records: &[SearchDocument], query: &str) -> Vec<(SearchKind, i64)> {
        let request = SearchRequest::from_query(query).unwrap();
        saved_search_matches(records, &[request]).unwrap().remove(0)
    }

    #[test]
    fn a_saved_search_finds_new_records_as_the_page_would() {
        let records = [
            record(SearchKind::Item, 1, "Step-down beds at St James's", true),
            record(
                SearchKind::Decision,
                2,
                "Step-down beds: funding agreed",
                true,
            ),
            record(SearchKind::Item, 3, "Library opening hours", true),
        ];
        // Words, stemmed: "bed" finds "beds".
        assert_eq!(
            matches(&records, "q=bed"),
            vec![(SearchKind::Item, 1), (SearchKind::Decision, 2)]
        );
        // Filters narrow it, as on the page.
        assert_eq!(
            matches(&records, "q=beds&kind=decision"),
            vec![(SearchKind::Decision, 2)]
        );
        assert_eq!(
            matches(&records, "q=beds&key=on"),
            vec![(SearchKind::Decision, 2)]
        );
        assert_eq!(matches(&records, "committee=planning&q=beds"), vec![]);
        assert_eq!(matches(&records, "q=beds&from=2016-04-15"), vec![]);
        assert_eq!(matches(&records, "q=beds&to=2016-04-14").len(), 2);
        // A filter alone is a question too.
        assert_eq!(matches(&records, "organisation=leeds&q=").len(), 3);
        // Blank values are not given; nothing asked finds nothing.
        assert_eq!(matches(&records, "q=&kind="), vec![]);
    }

    #[test]
    fn a_record_the_public_may_not_see_is_never_a_match() {
        let records = [
            record(SearchKind::Item, 1, "Exempt: sale of the depot site", false),
            record(SearchKind::Item, 2, "Depot site: public consultation", true),
        ];
        assert_eq!(matches(&records, "q=depot"), vec![(SearchKind::Item, 2)]);
        assert_eq!(matches(&records, "q=exempt+sale"), vec![]);
        assert_eq!(matches(&records, "committee=health-and-wellbeing").len(), 1);
    }

    #[test]
    fn each_search_gets_its_own_answer() {
        let records = [
            record(SearchKind::Item, 1, "Step-down beds", true),
            record(
                SearchKind::Action,
                2,
                "Write to the depot's neighbours",
                true,
            ),
        ];
        let searches = [
            SearchRequest::from_query("q=depot").unwrap(),
            SearchRequest::from_query("q=beds").unwrap(),
            SearchRequest::from_query("q=parking").unwrap(),
        ];
        assert_eq!(
            saved_search_matches(&records, &searches).unwrap(),
            vec![
                vec![(SearchKind::Action, 2)],
                vec![(SearchKind::Item, 1)],
                vec![]
            ]
        );
        assert_eq!(saved_search_matches(&[], &searches).unwrap().len(), 3);
    }

    #[test]
    fn a_malformed_parameter_is_named() {
        let field = |q: &str| SearchRequest::from_query(q).unwrap_err().field;
        assert_eq!(field("q=beds&from=14/04/2016"), "from");
        assert_eq!(field("q=beds&to=tomorrow"), "to");
        assert_eq!(field("q=beds&kind=minutes"), "kind");
        assert_eq!(field("q=beds&sort=oldest"), "sort");
        let request = SearchRequest::from_query("?q=step-down+beds&sort=newest").unwrap();
        assert_eq!(request.text, "step-down beds");
        assert_eq!(request.sort, Sort::Newest);
        assert_eq!(request.to_query(), "q=step-down+beds&sort=newest");
        // One order, blanks left out, and back again to the same question.
        let asked = "to=2016-05-01&key=on&q=%22step-down+beds%22&committee=health&kind=item&from=";
        let request = SearchRequest::from_query(asked).unwrap();
        assert_eq!(
            request.to_query(),
            "q=%22step-down+beds%22&kind=item&committee=health&to=2016-05-01&key=on"
        );
        assert_eq!(
            SearchRequest::from_query(&request.to_query()).unwrap(),
            request
        );
    }

    #[test]
    fn a_saved_search_is_described_in_words() {
        let describe = |q: &str| SearchRequest::from_query(q).unwrap().describe();
        assert_eq!(
            describe("q=step-down+beds"),
            "the search for “step-down beds”"
        );
        assert_eq!(
            describe("q=beds&kind=decision&committee=health&from=2016-04-01&key=on"),
            "the search for “beds” (decisions, key decisions only, in health, from 1 April 2016)"
        );
        assert_eq!(describe("organisation=leeds"), "the search (of leeds)");
    }
}
