//! The index's fields. Changing them means a new [`VERSION`]: an index of another version is
//! rebuilt at start-up.

use crate::index::tantivy_date;
use tantivy::TantivyDocument;
use tantivy::schema::{
    DateOptions, FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use witan_domain::Term as _;
use witan_store::{SearchDocument, SearchKind};

/// The version of the schema and of what goes into each field.
pub const VERSION: u32 = 1;

/// English words: lower-cased, accents folded, common words ("what", "was", "about") dropped and
/// the rest stemmed, so "what was decided about beds" looks for "decid" and "bed".
const ENGLISH: &str = "witan_en";
/// Words as written, lower-cased: for completing what a reader has begun to type.
const WORDS: &str = "default";

#[derive(Debug, Clone)]
pub struct Fields {
    /// "item:42": the one term a record is replaced or removed by.
    pub key: tantivy::schema::Field,
    pub kind: tantivy::schema::Field,
    pub id: tantivy::schema::Field,
    pub title: tantivy::schema::Field,
    pub title_words: tantivy::schema::Field,
    pub body: tantivy::schema::Field,
    /// The committee's slug; its name is stored beside it for display.
    pub committee: tantivy::schema::Field,
    pub committee_name: tantivy::schema::Field,
    /// Organisation slugs (several for a joint board).
    pub organisation: tantivy::schema::Field,
    pub date: tantivy::schema::Field,
    pub key_decision: tantivy::schema::Field,
    /// Whether the public may find the record. Public queries always require it.
    pub public: tantivy::schema::Field,
    pub meeting: tantivy::schema::Field,
    pub item_number: tantivy::schema::Field,
    pub issue: tantivy::schema::Field,
    pub schema: Schema,
}

impl Fields {
    pub fn new() -> Self {
        let mut b = Schema::builder();
        let english = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ENGLISH)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored();
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORDS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let key = b.add_text_field("key", STRING);
        let kind = b.add_text_field("kind", STRING | FAST | STORED);
        let id = b.add_i64_field("id", STORED);
        let title = b.add_text_field("title", english.clone());
        let title_words = b.add_text_field("title_words", words);
        let body = b.add_text_field("body", english);
        let committee = b.add_text_field("committee", STRING | FAST | STORED);
        let committee_name = b.add_text_field("committee_name", STORED);
        let organisation = b.add_text_field("organisation", STRING | FAST);
        let date = b.add_date_field("date", DateOptions::from(INDEXED) | STORED | FAST);
        let key_decision = b.add_bool_field("key_decision", INDEXED);
        let public = b.add_bool_field("public", INDEXED);
        let meeting = b.add_i64_field("meeting", STORED);
        let item_number = b.add_text_field("item_number", STORED);
        let issue = b.add_i64_field("issue", STORED);
        Self {
            key,
            kind,
            id,
            title,
            title_words,
            body,
            committee,
            committee_name,
            organisation,
            date,
            key_decision,
            public,
            meeting,
            item_number,
            issue,
            schema: b.build(),
        }
    }
}

/// Registers the analyzers the fields name: Tantivy keeps only their names in the index.
pub fn register_analyzers(index: &tantivy::Index) {
    use tantivy::tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
        StopWordFilter, TextAnalyzer,
    };
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter);
    let analyzer = match StopWordFilter::new(Language::English) {
        Some(stop_words) => builder
            .filter(stop_words)
            .filter(Stemmer::new(Language::English))
            .build(),
        None => builder.filter(Stemmer::new(Language::English)).build(),
    };
    index.tokenizers().register(ENGLISH, analyzer);
}

/// A record as the index holds it.
pub(crate) fn document(f: &Fields, record: &SearchDocument) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.key, key(record.kind, record.id));
    doc.add_text(f.kind, record.kind.as_str());
    doc.add_i64(f.id, record.id);
    doc.add_text(f.title, &record.title);
    doc.add_text(f.title_words, &record.title);
    doc.add_text(f.body, &record.body);
    if let Some(c) = &record.committee {
        doc.add_text(f.committee, &c.slug);
        doc.add_text(f.committee_name, &c.name);
    }
    for organisation in &record.organisations {
        doc.add_text(f.organisation, organisation);
    }
    if let Some(date) = record.date {
        doc.add_date(f.date, tantivy_date(date));
    }
    doc.add_bool(f.key_decision, record.key_decision);
    doc.add_bool(f.public, record.public);
    if let Some(meeting) = record.meeting {
        doc.add_i64(f.meeting, meeting.get());
    }
    if let Some(number) = &record.item_number {
        doc.add_text(f.item_number, number);
    }
    if let Some(issue) = record.issue {
        doc.add_i64(f.issue, issue.get());
    }
    doc
}

/// "item:42": the one term a record is replaced or removed by.
pub(crate) fn key(kind: SearchKind, id: i64) -> String {
    format!("{}:{id}", kind.as_str())
}

impl Default for Fields {
    fn default() -> Self {
        Self::new()
    }
}
