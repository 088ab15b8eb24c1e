//! The builder of every OParl object: ids as absolute URLs, the common fields, and objects read
//! by kind.

use super::{List, OParlError, SCHEMA};
use crate::edge::error::AppError;
use crate::open_data;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use witan_domain::Id;
use witan_store::{PublicStore, PublishedKind, Stamp};

pub(super) fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Builds OParl objects from the store: the server's answers and the dump's files alike.
#[derive(Debug, Clone, Copy)]
pub struct Objects<'a> {
    pub store: &'a PublicStore,
    /// The site's address, without a trailing slash.
    pub site: &'a str,
    /// Whether every File object carries the whole text read from its file (the dump, which
    /// importers read back). Otherwise only a File's own answer does, and Files in lists and
    /// embedded in agenda items and papers carry none: a list page or a meeting then stays small
    /// whatever its documents hold.
    pub whole_texts: bool,
}

impl Objects<'_> {
    /// The address of an OParl object or list: `path` under `/oparl/v1.1`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/oparl/v1.1{path}", self.site)
    }

    pub(super) fn web(&self, path: &str) -> String {
        format!("{}{path}", self.site)
    }

    pub(super) fn object(
        &self,
        kind: &str,
        path: &str,
        stamp: Option<&Stamp>,
    ) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("id".into(), self.url(path).into());
        map.insert("type".into(), format!("{SCHEMA}{kind}").into());
        if let Some(stamp) = stamp {
            map.insert("created".into(), instant(stamp.created).into());
            map.insert("modified".into(), instant(stamp.modified).into());
        }
        map
    }

    pub(super) async fn stamp(&self, kind: PublishedKind, id: i64) -> Result<Stamp, OParlError> {
        open_data::stamp(self.store, kind, id)
            .await?
            .ok_or(OParlError(AppError::NotFound))
    }

    /// The object of a published record of `kind`; `own` when it is the answer itself rather
    /// than an entry of a list.
    pub(super) async fn by_kind(
        &self,
        kind: PublishedKind,
        stamp: &Stamp,
        own: bool,
    ) -> Result<Value, OParlError> {
        match kind {
            PublishedKind::Organisation => self.body(Id::new(stamp.id), stamp).await,
            PublishedKind::Committee => self.organization(Id::new(stamp.id), stamp).await,
            PublishedKind::Person => self.person(Id::new(stamp.id), stamp).await,
            PublishedKind::Meeting => self.meeting(Id::new(stamp.id), stamp).await,
            PublishedKind::Issue => self.paper(Id::new(stamp.id), stamp).await,
            PublishedKind::Document => self.file(Id::new(stamp.id), stamp, own).await,
            _ => Err(OParlError(AppError::NotFound)),
        }
    }

    pub fn system(&self) -> Value {
        json!({
            "id": self.url("/system"),
            "type": format!("{SCHEMA}System"),
            "oparlVersion": SCHEMA,
            "body": self.url(&List::Bodies.path()),
            "name": "witan",
            "website": self.web("/"),
            "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        })
    }
}
