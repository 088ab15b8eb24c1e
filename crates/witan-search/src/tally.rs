//! Counting a question's matches by kind and by committee in the pass that ranks them: per
//! segment, a counter per term of the `kind` and `committee` columns, indexed by the term's
//! ordinal, so a match costs two column reads and two increments (no hashing, no buckets);
//! ordinals become names once per segment, for the terms that were counted.

use crate::answers::Tally;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};
use witan_domain::Term as _;
use witan_store::SearchKind;

/// How many committees a tally names (the busiest).
pub(crate) const COMMITTEES: usize = 100;

/// The collector: total, kinds and committees of every match.
pub(crate) struct Tallying;

/// A column's counts in one segment.
struct Counts {
    column: Option<StrColumn>,
    ords: Option<Column<u64>>,
    counts: Vec<u64>,
}

impl Counts {
    fn of(reader: &SegmentReader, field: &str) -> tantivy::Result<Self> {
        let column = reader.fast_fields().str(field)?;
        let ords = column.as_ref().map(|c| c.ords().clone());
        let counts = vec![0; column.as_ref().map_or(0, |c| c.num_terms())];
        Ok(Self {
            column,
            ords,
            counts,
        })
    }

    fn count(&mut self, doc: DocId) {
        if let Some(ord) = self.ords.as_ref().and_then(|o| o.first(doc))
            && let Some(n) = self.counts.get_mut(ord as usize)
        {
            *n += 1;
        }
    }

    /// (term, count) for every term counted at least once: the counted ordinals in order, named
    /// in one walk of the column's dictionary.
    fn named(self) -> tantivy::Result<Vec<(String, u64)>> {
        let Some(column) = self.column else {
            return Ok(Vec::new());
        };
        let (ords, counts): (Vec<u64>, Vec<u64>) = self
            .counts
            .into_iter()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .map(|(ord, n)| (ord as u64, n))
            .unzip();
        let mut named = Vec::with_capacity(ords.len());
        let mut counts = counts.into_iter();
        column.dictionary().sorted_ords_to_term_cb(&ords, |term| {
            if let Some(n) = counts.next() {
                named.push((String::from_utf8_lossy(term).into_owned(), n));
            }
        })?;
        Ok(named)
    }
}

pub(crate) struct SegmentTally {
    total: u64,
    kinds: Counts,
    committees: Counts,
}

/// What one segment counted, by name.
pub(crate) struct Counted {
    total: u64,
    kinds: tantivy::Result<Vec<(String, u64)>>,
    committees: tantivy::Result<Vec<(String, u64)>>,
}

impl SegmentCollector for SegmentTally {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        self.kinds.count(doc);
        self.committees.count(doc);
    }

    fn harvest(self) -> Counted {
        Counted {
            total: self.total,
            kinds: self.kinds.named(),
            committees: self.committees.named(),
        }
    }
}

impl Collector for Tallying {
    type Fruit = Tally;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentTally {
            total: 0,
            kinds: Counts::of(reader, "kind")?,
            committees: Counts::of(reader, "committee")?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Counted>) -> tantivy::Result<Tally> {
        let mut total = 0;
        let mut kinds = std::collections::HashMap::<String, u64>::new();
        let mut committees = std::collections::HashMap::<String, u64>::new();
        for segment in segments {
            total += segment.total;
            for (term, n) in segment.kinds? {
                *kinds.entry(term).or_default() += n;
            }
            for (term, n) in segment.committees? {
                *committees.entry(term).or_default() += n;
            }
        }
        let kinds = most_first(kinds, usize::MAX)
            .into_iter()
            .filter_map(|(k, n)| Some((SearchKind::parse("kind", &k).ok()?, n)))
            .collect();
        Ok(Tally {
            total: total as usize,
            kinds,
            committees: most_first(committees, COMMITTEES),
        })
    }
}

/// Most first, then by name; at most `keep`.
fn most_first(counts: std::collections::HashMap<String, u64>, keep: usize) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(keep);
    counts
}
