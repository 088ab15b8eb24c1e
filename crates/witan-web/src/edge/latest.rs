//! The store's latest state as this process knows it: a number the store keeps (its generation,
//! the last change of its search log) that every cached answer checks before it is served.
//!
//! Reading it costs a database round trip. Where one process owns the database (SQLite), a value
//! read is trusted for a short while unless this process has committed since. Where processes
//! share a database (PostgreSQL), nothing is trusted for any time at all: a change committed
//! through one process must show through every other at once. That still does not need a read
//! per request. A read that *started* after a request arrived sees every commit that finished
//! before it arrived, so it answers that request as well as a read of its own would. Requests
//! queue for one read at a time; each is answered by the first read that started after it
//! arrived. However many requests arrive, at most one read is in flight, and a request waits at
//! most for the read in flight and the next. When the database cannot be reached, a read that
//! failed after a request arrived answers it too: the requests queued behind a failing read are
//! told at once rather than each waiting out a timeout of its own.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use witan_store::StoreError;

/// One value of the store, read when needed and shared by the requests waiting for it.
#[derive(Debug)]
pub(crate) struct Latest {
    /// How long a read is trusted when this process has not committed since.
    trust: Duration,
    /// The last read and what it found.
    last: Mutex<Option<Read>>,
    /// Held by the one read in flight; requests that need a newer value queue here.
    reading: tokio::sync::Mutex<()>,
}

#[derive(Debug, Clone)]
struct Read {
    started: Instant,
    ended: Instant,
    /// This process's commits when the read started.
    commits: u64,
    /// The value, or why the database was unavailable.
    found: Result<u64, String>,
}

impl Latest {
    pub(crate) fn trusting(trust: Duration) -> Self {
        Self {
            trust,
            last: Mutex::new(None),
            reading: tokio::sync::Mutex::new(()),
        }
    }

    /// The value as of no earlier than now: the last read, when it started after this call or is
    /// still trusted, or else a new read by `read`, which those queued behind it share.
    /// `commits` is this process's count of commits, which a trusted read must not have missed.
    pub(crate) async fn get<F, Fut>(&self, commits: u64, read: F) -> Result<u64, StoreError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<u64, StoreError>>,
    {
        let arrived = Instant::now();
        if let Some(answer) = self.answering(arrived, commits) {
            return answer;
        }
        let _turn = self.reading.lock().await;
        if let Some(answer) = self.answering(arrived, commits) {
            return answer;
        }
        let started = Instant::now();
        let found = match read().await {
            Ok(value) => Ok(value),
            Err(StoreError::Unavailable(why)) => Err(why),
            // Not the database's absence: this request's own failure, not shared.
            Err(e) => return Err(e),
        };
        if let Ok(mut last) = self.last.lock() {
            *last = Some(Read {
                started,
                ended: Instant::now(),
                commits,
                found: found.clone(),
            });
        }
        found.map_err(StoreError::Unavailable)
    }

    /// What the last read says to a request that arrived at `arrived`, if it answers it: its
    /// value when it started after the request or is still trusted; that the database is
    /// unavailable when it found so after the request arrived.
    fn answering(&self, arrived: Instant, commits: u64) -> Option<Result<u64, StoreError>> {
        let last = self.last.lock().ok()?.clone()?;
        match last.found {
            Ok(value) => {
                let trusted = last.commits == commits && last.started.elapsed() < self.trust;
                (last.started >= arrived || trusted).then_some(Ok(value))
            }
            Err(why) => (last.ended >= arrived).then_some(Err(StoreError::Unavailable(why))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A store whose value is the number of reads it has answered, each taking a while.
    async fn counting(reads: Arc<AtomicU64>) -> Result<u64, StoreError> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(reads.fetch_add(1, Ordering::SeqCst) + 1)
    }

    /// A store that cannot be reached, after a while.
    async fn down(reads: Arc<AtomicU64>) -> Result<u64, StoreError> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        reads.fetch_add(1, Ordering::SeqCst);
        Err(StoreError::Unavailable("connection refused".into()))
    }

    /// `n` requests at once to one new `Latest` that trusts nothing, each reading with `read`.
    async fn together<Fut>(
        n: usize,
        reads: &Arc<AtomicU64>,
        read: fn(Arc<AtomicU64>) -> Fut,
    ) -> Vec<Result<u64, StoreError>>
    where
        Fut: Future<Output = Result<u64, StoreError>> + Send + 'static,
    {
        let latest = Arc::new(Latest::trusting(Duration::ZERO));
        let asks: Vec<_> = (0..n)
            .map(|_| {
                let (latest, reads) = (Arc::clone(&latest), Arc::clone(reads));
                tokio::spawn(async move { latest.get(0, || read(reads)).await })
            })
            .collect();
        let mut answers = Vec::new();
        for ask in asks {
            answers.push(ask.await.expect("task"));
        }
        answers
    }

    #[tokio::test]
    async fn requests_waiting_together_share_one_read_that_started_after_them() {
        let reads = Arc::new(AtomicU64::new(0));
        let values: Vec<u64> = together(50, &reads, counting)
            .await
            .into_iter()
            .map(|answer| answer.expect("read"))
            .collect();
        // Fifty requests at once: the first read answers those that arrived before it began, one
        // more read those that arrived while it ran; never one read each.
        let made = reads.load(Ordering::SeqCst);
        assert!((1..=2).contains(&made), "{made} reads for 50 requests");
        assert!(values.iter().all(|v| *v >= 1 && *v <= made));
    }

    #[tokio::test]
    async fn requests_queued_behind_a_failing_read_share_its_failure() {
        let reads = Arc::new(AtomicU64::new(0));
        for answer in together(20, &reads, down).await {
            assert!(
                matches!(answer, Err(StoreError::Unavailable(_))),
                "{answer:?}"
            );
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1, "one read failed for all");
        // A request after a failure tries the database again.
        let latest = Latest::trusting(Duration::ZERO);
        assert!(latest.get(0, || down(Arc::clone(&reads))).await.is_err());
        assert_eq!(
            latest.get(0, || counting(Arc::clone(&reads))).await.ok(),
            Some(3)
        );
    }

    #[tokio::test]
    async fn nothing_is_trusted_at_zero_and_a_later_request_reads_again() {
        let latest = Latest::trusting(Duration::ZERO);
        let reads = Arc::new(AtomicU64::new(0));
        assert_eq!(
            latest.get(0, || counting(Arc::clone(&reads))).await.ok(),
            Some(1)
        );
        // Asked after that read ended: the read started before this request, so it cannot say
        // what was committed in between.
        assert_eq!(
            latest.get(0, || counting(Arc::clone(&reads))).await.ok(),
            Some(2)
        );
    }

    #[tokio::test]
    async fn a_trusted_read_is_read_again_once_this_process_commits() {
        let latest = Latest::trusting(Duration::from_secs(60));
        let reads = Arc::new(AtomicU64::new(0));
        assert_eq!(
            latest.get(0, || counting(Arc::clone(&reads))).await.ok(),
            Some(1)
        );
        assert_eq!(
            latest.get(0, || counting(Arc::clone(&reads))).await.ok(),
            Some(1)
        );
        assert_eq!(
            latest.get(1, || counting(Arc::clone(&reads))).await.ok(),
            Some(2)
        );
    }
}
