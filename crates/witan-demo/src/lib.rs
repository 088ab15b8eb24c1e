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
