//! Process-wide measurements that carry no request labels: timing histograms
//! recorded as they happen (database acquire and query per [`DbOperation`], history
//! commits) and shared (Redis) cache lookups. The gauges the caller reads when a window
//! closes (CPU, memory, descriptors, database pool, writer queue) are plain records of the
//! metrics contract, [`bp_api::metrics::Gauges`].

use crate::histogram::{LatencyHistogram, Precision};
use bp_api::metrics::SharedCacheCounts;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The store reports its calls under these labels; they are defined with the wire types so
/// the store needs no metrics crate.
pub use bp_api::DbOperation;

bp_api::vocabulary!(
    /// What one lookup in, or store to, the shared (Redis) cache gave.
    SharedCacheOutcome, "shared cache outcome", {
        Hit => "hit",
        Miss => "miss",
        /// No answer: an error, a timeout, or skipped while the cache is backing off.
        /// The request went on without the cache.
        Error => "error",
    }
);

impl SharedCacheOutcome {
    pub fn add_to(self, counts: &mut SharedCacheCounts) {
        match self {
            SharedCacheOutcome::Hit => counts.hits += 1,
            SharedCacheOutcome::Miss => counts.misses += 1,
            SharedCacheOutcome::Error => counts.errors += 1,
        }
    }
}

/// Unlabelled durations recorded as they complete, windowed like requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimingKind {
    /// Waiting for a connection from the database pool.
    DbAcquire,
    /// One database call (its statements and commit) on its connection, every operation
    /// together; [`Timings::db_query_by_operation`] has it per [`DbOperation`].
    DbQuery,
    /// One group commit of the history writer.
    WriterCommit,
}

impl TimingKind {
    pub const ALL: &'static [TimingKind] = &[
        TimingKind::DbAcquire,
        TimingKind::DbQuery,
        TimingKind::WriterCommit,
    ];
}

/// One histogram per [`TimingKind`] (2 significant digits), and the query time per
/// database operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    pub db_acquire: LatencyHistogram,
    pub db_query: LatencyHistogram,
    pub writer_commit: LatencyHistogram,
    /// Only operations that ran; snapshots stored before this field read as empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub db_query_by_operation: BTreeMap<DbOperation, LatencyHistogram>,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            db_acquire: LatencyHistogram::new(Precision::Series),
            db_query: LatencyHistogram::new(Precision::Series),
            writer_commit: LatencyHistogram::new(Precision::Series),
            db_query_by_operation: BTreeMap::new(),
        }
    }
}

impl Timings {
    pub fn get(&self, kind: TimingKind) -> &LatencyHistogram {
        match kind {
            TimingKind::DbAcquire => &self.db_acquire,
            TimingKind::DbQuery => &self.db_query,
            TimingKind::WriterCommit => &self.writer_commit,
        }
    }

    pub fn get_mut(&mut self, kind: TimingKind) -> &mut LatencyHistogram {
        match kind {
            TimingKind::DbAcquire => &mut self.db_acquire,
            TimingKind::DbQuery => &mut self.db_query,
            TimingKind::WriterCommit => &mut self.writer_commit,
        }
    }

    pub fn merge(&mut self, other: &Timings) {
        for &kind in TimingKind::ALL {
            self.get_mut(kind).merge(other.get(kind));
        }
        for (op, histogram) in &other.db_query_by_operation {
            self.db_query_mut(*op).merge(histogram);
        }
    }

    /// Records one database call: its wait for a connection and its time on it.
    pub(crate) fn record_db_call(&mut self, op: DbOperation, acquire_us: u64, query_us: u64) {
        self.db_acquire.record_us(acquire_us);
        self.db_query.record_us(query_us);
        self.db_query_mut(op).record_us(query_us);
    }

    fn db_query_mut(&mut self, op: DbOperation) -> &mut LatencyHistogram {
        self.db_query_by_operation
            .entry(op)
            .or_insert_with(|| LatencyHistogram::new(Precision::Series))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_calls_are_kept_per_operation_and_in_total() {
        let mut a = Timings::default();
        a.record_db_call(DbOperation::HistoryCommit, 10, 900);
        a.record_db_call(DbOperation::RollupRead, 5, 300);
        let mut b = Timings::default();
        b.record_db_call(DbOperation::HistoryCommit, 20, 1100);
        a.merge(&b);
        assert_eq!(a.db_acquire.count(), 3);
        assert_eq!(a.db_query.count(), 3);
        assert_eq!(
            a.db_query_by_operation[&DbOperation::HistoryCommit].count(),
            2
        );
        assert_eq!(a.db_query_by_operation[&DbOperation::RollupRead].count(), 1);
        // Per-operation histograms survive the stored form (enum keys as JSON strings).
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains("\"history_commit\""), "{json}");
        let back: Timings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        // A snapshot stored before per-operation timings reads back without them.
        let mut old: serde_json::Value = serde_json::to_value(&b).unwrap();
        old.as_object_mut().unwrap().remove("db_query_by_operation");
        let read: Timings = serde_json::from_value(old).unwrap();
        assert!(read.db_query_by_operation.is_empty());
    }

    #[test]
    fn shared_cache_errors_are_not_misses() {
        let mut counts = SharedCacheCounts::default();
        for outcome in [
            SharedCacheOutcome::Hit,
            SharedCacheOutcome::Miss,
            SharedCacheOutcome::Error,
            SharedCacheOutcome::Hit,
        ] {
            outcome.add_to(&mut counts);
        }
        assert_eq!(counts.calls(), 4);
        assert_eq!(counts.errors, 1);
        assert!((counts.hit_rate().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(SharedCacheCounts::default().hit_rate(), None);
    }
}
