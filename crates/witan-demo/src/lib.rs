//! The demo generator: a deterministic, realistic store of records for trying witan out and for
//! benchmarking it.
//!
//! The records are organised in *regions*, each a county council with district councils, an
//! integrated care board, NHS trusts and their joint boards, meeting over the years up to a fixed
//! reference date. A region holds about [`ITEMS_PER_REGION`] agenda items; larger stores get more
//! regions rather than centuries of meetings. Everything random comes from a ChaCha generator
//! seeded from the seed and the region number, and nothing reads the clock, so the same seed gives
//! the same store.

mod region;
mod vocabulary;

use chrono::NaiveDate;
use witan_store::{Counts, Result, Store};

/// About this many agenda items make one region (some eleven years of meetings).
pub const ITEMS_PER_REGION: u64 = 25_000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// About how many agenda items to create.
    pub items: u64,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            items: 10_000,
            seed: 1,
        }
    }
}

/// The date the demo treats as today: meetings before it have been held, later ones are
/// scheduled. Fixed, so that the store does not depend on when it was generated.
pub fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
}

/// Fills `store` with demo records and returns what it then holds. `progress` is told the number
/// of agenda items written so far, now and then.
pub async fn generate(
    store: &dyn Store,
    options: Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Counts> {
    let items = options.items.max(1);
    let regions = items.div_ceil(ITEMS_PER_REGION);
    let mut written = 0;
    for number in 0..regions {
        // Spread the items evenly; the first regions take the remainder.
        let budget = items / regions + u64::from(number < items % regions);
        written += region::Region::generate(store, options.seed, number, budget, written, progress)
            .await?;
    }
    progress(written);
    store.counts().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use witan_domain::{Audience, Id};
    use witan_store::sqlite::SqliteStore;
    use witan_store::{Page, When};

    async fn demo(dir: &tempfile::TempDir, name: &str, options: Options) -> SqliteStore {
        let store = SqliteStore::open(&dir.path().join(name)).await.unwrap();
        generate(&store, options, &mut |_| {}).await.unwrap();
        store
    }

    /// Everything a reader can see of a sample of meetings and issues, as text.
    async fn fingerprint(store: &SqliteStore) -> String {
        let mut seen = format!("{:?}", store.counts().await.unwrap());
        for id in (1..250).step_by(13) {
            seen += &format!(
                "{:?}",
                store
                    .meeting_record(Id::new(id), Audience::Privileged)
                    .await
                    .unwrap()
            );
            seen += &format!(
                "{:?}",
                store
                    .issue_record(Id::new(id / 13 + 1), Audience::Privileged)
                    .await
                    .unwrap()
            );
        }
        seen
    }

    #[tokio::test]
    async fn the_same_seed_gives_the_same_store() {
        let dir = tempfile::tempdir().unwrap();
        let options = Options {
            items: 1_500,
            seed: 42,
        };
        let first = fingerprint(&demo(&dir, "a.db", options).await).await;
        let second = fingerprint(&demo(&dir, "b.db", options).await).await;
        assert!(first == second, "two stores from seed 42 differ");
        let other = fingerprint(
            &demo(
                &dir,
                "c.db",
                Options {
                    seed: 43,
                    ..options
                },
            )
            .await,
        )
        .await;
        assert!(first != other, "seed 43 gave the same store as seed 42");
    }

    #[tokio::test]
    async fn the_demo_holds_what_the_brief_describes() {
        let dir = tempfile::tempdir().unwrap();
        let store = demo(
            &dir,
            "d.db",
            Options {
                items: 4_000,
                seed: 1,
            },
        )
        .await;
        let counts = store.counts().await.unwrap();
        let items = counts.agenda_items;
        assert!(
            (3_600..=4_400).contains(&items),
            "about 4,000 agenda items, got {items}"
        );
        assert!(
            counts.organisations >= 6
                && counts.escalations > 0
                && counts.decisions > 0
                && counts.actions > 0
        );
        let committees = store.committees().await.unwrap();
        assert!(
            committees.iter().any(|c| c.owners.is_joint()),
            "a joint partnership board"
        );
        assert!(
            committees.iter().any(|c| c.parent.is_some()),
            "committees report to parents"
        );
        // Years of meetings, some still to come, most signed off.
        let future = "2100-01-01T00:00:00Z".parse().unwrap();
        let meetings = store
            .meetings(None, When::Before(future), Page::first(500))
            .await
            .unwrap();
        let statuses: Vec<_> = meetings.iter().map(|m| m.meeting.status).collect();
        assert!(statuses.contains(&witan_domain::MeetingStatus::Scheduled));
        assert!(statuses.contains(&witan_domain::MeetingStatus::AgendaPublished));
        let oldest = store
            .meetings(
                None,
                When::From("1900-01-01T00:00:00Z".parse().unwrap()),
                Page::first(1),
            )
            .await
            .unwrap();
        let newest = &meetings[0];
        let span = newest.meeting.times.start() - oldest[0].meeting.times.start();
        assert!(span.num_days() > 365, "more than a year of meetings");
    }
}
