//! The test kit every crate's tests share: a store in a temporary folder, shorthands for the
//! domain's checked values, and record builders that read as "a council with a committee with a
//! meeting with an item", each returning the ids it made.
//!
//! The shorthands panic on a value the domain refuses: a test that needs a refusal calls the
//! domain's parser itself.

#![allow(clippy::unwrap_used)]

use crate::sqlite::SqliteStore;
use crate::*;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use witan_domain::*;

// ---------------------------------------------------------------------------------------------
// A store in a temporary folder

/// A folder made for one test, removed with everything in it when dropped.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new, empty folder under the system's temporary folder.
    pub fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        loop {
            let path = std::env::temp_dir().join(format!(
                "witan-test-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => return Self(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("make a temporary folder {}: {e}", path.display()),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Default for TempDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh SQLite store, `witan.db` in a temporary folder that lives as long as the folder does.
pub async fn sqlite() -> (TempDir, SqliteStore) {
    let dir = TempDir::new();
    let store = SqliteStore::open(&dir.path().join("witan.db"))
        .await
        .expect("open store");
    (dir, store)
}

/// A plain sqlx pool on a SQLite store's file, for tests that go around the store with raw SQL
/// (the store's own connections are not sqlx's).
pub async fn raw_pool(store: &SqliteStore) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(store.path())
            .foreign_keys(true),
    )
    .await
    .expect("a raw connection to the store's file")
}

/// [`sqlite`], shared as the use cases, index and site take it.
pub async fn shared_sqlite() -> (TempDir, std::sync::Arc<dyn Store>) {
    let (dir, store) = sqlite().await;
    (dir, std::sync::Arc::new(store))
}

// ---------------------------------------------------------------------------------------------
// Shorthands

pub fn title(s: &str) -> Title {
    Title::parse("title", s).unwrap()
}

pub fn text(s: &str) -> Text {
    Text::parse("text", s).unwrap()
}

pub fn number(s: &str) -> ItemNumber {
    ItemNumber::parse("number", s).unwrap()
}

pub fn slug(s: &str) -> Slug {
    Slug::parse("slug", s).unwrap()
}

/// A date written `2021-10-21`.
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A London wall-clock time written `2021-10-21 10:00`, as an instant.
pub fn at(s: &str) -> DateTime<Utc> {
    time::london_to_utc(
        "start",
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap(),
    )
    .unwrap()
}

/// Minutes with a body and the points of their resolution.
pub fn minutes(body: &str, points: &[&str]) -> Minutes {
    Minutes {
        text: text(body),
        resolution: Resolution::new(points.iter().map(|p| text(p)).collect(), Text::default()),
    }
}

/// Exempt under paragraph `paragraph` of Schedule 12A, to be reviewed on 31 January 2031.
pub fn exempt(paragraph: u8) -> Visibility {
    Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("ground", paragraph).unwrap(),
        review_on: NaiveDate::from_ymd_opt(2031, 1, 31),
    })
}

/// Now, to the whole minute: the store keeps meeting times to the second.
pub fn minute_now() -> DateTime<Utc> {
    let secs = Utc::now().timestamp();
    DateTime::from_timestamp(secs - secs.rem_euclid(60), 0).expect("a valid instant")
}

// ---------------------------------------------------------------------------------------------
// Record builders

pub async fn organisation(
    w: &mut dyn Writer,
    slug_: &str,
    name: &str,
    kind: OrganisationKind,
) -> OrganisationId {
    w.create_organisation(&Organisation {
        slug: slug(slug_),
        name: title(name),
        kind,
    })
    .await
    .unwrap()
}

/// A committee owned by one organisation, reporting to `parent` if given.
pub async fn committee(
    w: &mut dyn Writer,
    owner: OrganisationId,
    slug_: &str,
    name: &str,
    parent: Option<CommitteeId>,
) -> CommitteeId {
    w.create_committee(&Committee {
        slug: slug(slug_),
        name: title(name),
        purpose: Text::default(),
        owners: CommitteeOwners::Single(owner),
        parent,
    })
    .await
    .unwrap()
}

pub async fn person(w: &mut dyn Writer, name: &str) -> PersonId {
    w.create_person(&Person {
        name: title(name),
        job_title: None,
    })
    .await
    .unwrap()
}

/// A meeting at County Hall, Preston, starting at the London time `start`.
pub async fn meeting(
    w: &mut dyn Writer,
    committee: CommitteeId,
    start: &str,
    status: MeetingStatus,
) -> MeetingId {
    w.create_meeting(&Meeting {
        committee,
        times: MeetingTimes::new(at(start), None).unwrap(),
        location: Some(title("County Hall, Preston")),
        status,
        agenda_published: None,
    })
    .await
    .unwrap()
}

/// A public item, placed by the digits of its number.
pub async fn item(
    w: &mut dyn Writer,
    meeting: MeetingId,
    number_: &str,
    name: &str,
    issue: Option<IssueId>,
) -> ItemId {
    w.create_item(&AgendaItem {
        meeting,
        position: number_
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(1),
        number: number(number_),
        title: title(name),
        issue,
        visibility: Visibility::Public,
    })
    .await
    .unwrap()
}

pub async fn issue(w: &mut dyn Writer, name: &str, reference: Option<&str>) -> IssueId {
    w.create_issue(&Issue {
        title: title(name),
        reference: reference.map(title),
        summary: Text::default(),
    })
    .await
    .unwrap()
}

/// A county council with Cabinet, and an Executive Scrutiny Committee that reports to it.
#[derive(Debug, Clone, Copy)]
pub struct Council {
    pub org: OrganisationId,
    pub cabinet: CommitteeId,
    pub scrutiny: CommitteeId,
    pub chair: PersonId,
}

/// Northshire County Council, its Cabinet, the Executive Scrutiny Committee reporting to
/// Cabinet, and County Councillor Ann Jones (on no committee yet).
pub async fn council(w: &mut dyn Writer) -> Council {
    let org = organisation(
        w,
        "northshire-county-council",
        "Northshire County Council",
        OrganisationKind::CountyCouncil,
    )
    .await;
    let cabinet = committee(w, org, "cabinet", "Cabinet", None).await;
    let scrutiny = committee(
        w,
        org,
        "executive-scrutiny",
        "Executive Scrutiny Committee",
        Some(cabinet),
    )
    .await;
    let chair = person(w, "County Councillor Ann Jones").await;
    Council {
        org,
        cabinet,
        scrutiny,
        chair,
    }
}

/// A council with a committee with a meeting with an item: the smallest world with a page of
/// every kind to show.
#[derive(Debug, Clone, Copy)]
pub struct Chain {
    pub council: Council,
    pub meeting: MeetingId,
    pub item: ItemId,
}

/// [`council`], with Cabinet's meeting at 10:00 on 21 October 2021 in `status`, whose item 1 is
/// "Budget monitoring".
pub async fn chain(store: &dyn Store, status: MeetingStatus) -> Chain {
    let mut w = store.begin().await.unwrap();
    let council = council(w.as_mut()).await;
    let meeting = meeting(w.as_mut(), council.cabinet, "2021-10-21 10:00", status).await;
    let item = item(w.as_mut(), meeting, "1", "Budget monitoring", None).await;
    w.commit().await.unwrap();
    Chain {
        council,
        meeting,
        item,
    }
}
