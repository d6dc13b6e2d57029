//! A short-lived cache of metrics query answers. Dashboards ask the same questions at the
//! same moment — every open page refreshes when a window closes — and an answer changes
//! only when a new window is stored or feedback arrives. So answers are keyed by the query,
//! the newest stored window and a feedback generation, and identical queries in flight are
//! computed once. (A load run's client-side accuracy may lag by one window: runs report
//! every second, and dropping every answer that often would undo the cache exactly when a
//! load test is watched.)

use bytes::Bytes;
use moka::future::Cache;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Enough for many distinct views; each answer is a few KiB to a few hundred KiB.
const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// A stored window moves the key on; this only bounds how long an unused answer stays.
const TIME_TO_LIVE: Duration = Duration::from_secs(120);

pub struct QueryCache {
    answers: Cache<(String, u64, u64), Bytes>,
    feedback_generation: AtomicU64,
}

impl Default for QueryCache {
    fn default() -> Self {
        QueryCache {
            answers: Cache::builder()
                .max_capacity(MAX_BYTES)
                .weigher(|_, v: &Bytes| u32::try_from(v.len()).unwrap_or(u32::MAX))
                .time_to_live(TIME_TO_LIVE)
                .build(),
            feedback_generation: AtomicU64::new(0),
        }
    }
}

impl QueryCache {
    /// New feedback changes satisfaction and accuracy figures: later queries recompute.
    pub fn feedback_changed(&self) {
        self.feedback_generation.fetch_add(1, Ordering::Release);
    }

    /// The serialised answer to `query` over the windows stored through `stored_through`:
    /// from the cache, from a computation of the same key already running, or from
    /// `compute`. Errors are not cached.
    pub async fn get_or_compute<E, F>(
        &self,
        query: String,
        stored_through: u64,
        compute: F,
    ) -> Result<Bytes, E>
    where
        E: Clone + Send + Sync + 'static,
        F: Future<Output = Result<Bytes, E>>,
    {
        let key = (
            query,
            stored_through,
            self.feedback_generation.load(Ordering::Acquire),
        );
        self.answers
            .try_get_with(key, compute)
            .await
            .map_err(|e| (*e).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Answers `query` through the cache, counting the computations.
    async fn ask(
        cache: &QueryCache,
        computed: &AtomicUsize,
        query: &str,
        through: u64,
    ) -> Result<Bytes, String> {
        cache
            .get_or_compute(query.to_owned(), through, async {
                let n = computed.fetch_add(1, Ordering::SeqCst);
                // Long enough that concurrent askers find this computation in flight.
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok(Bytes::from(format!("{query}@{through}#{n}")))
            })
            .await
    }

    #[tokio::test]
    async fn identical_queries_are_computed_once_even_when_asked_together() {
        let cache = QueryCache::default();
        let computed = AtomicUsize::new(0);
        let asked = futures_util::future::join_all(
            (0..8).map(|_| ask(&cache, &computed, "/summary?range=1h", 7)),
        )
        .await;
        assert_eq!(computed.load(Ordering::SeqCst), 1);
        for answer in asked {
            assert_eq!(answer, Ok(Bytes::from("/summary?range=1h@7#0")));
        }
        ask(&cache, &computed, "/summary?range=1h", 7)
            .await
            .expect("cached");
        assert_eq!(computed.load(Ordering::SeqCst), 1);
        ask(&cache, &computed, "/summary?range=6h", 7)
            .await
            .expect("another query");
        assert_eq!(computed.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_new_window_or_new_feedback_recomputes() {
        let cache = QueryCache::default();
        let computed = AtomicUsize::new(0);
        ask(&cache, &computed, "/q", 7).await.expect("computed");
        ask(&cache, &computed, "/q", 8)
            .await
            .expect("a window later");
        assert_eq!(computed.load(Ordering::SeqCst), 2);
        cache.feedback_changed();
        let answer = ask(&cache, &computed, "/q", 8).await;
        assert_eq!(answer, Ok(Bytes::from("/q@8#2")));
    }

    #[tokio::test]
    async fn errors_are_not_cached() {
        let cache = QueryCache::default();
        let failed: Result<Bytes, String> = cache
            .get_or_compute("/q".to_owned(), 1, async { Err("store down".to_owned()) })
            .await;
        assert_eq!(failed, Err("store down".to_owned()));
        let computed = AtomicUsize::new(0);
        ask(&cache, &computed, "/q", 1).await.expect("computed");
        assert_eq!(computed.load(Ordering::SeqCst), 1);
    }
}
