//! Process-wide measurements that carry no request labels: gauges the caller reads when a
//! window closes (CPU, memory, descriptors, database pool, writer queue), timing histograms
//! recorded as they happen (database acquire and query per [`DbOperation`], history
//! commits) and shared (Redis) cache lookups.

use crate::histogram::{LatencyHistogram, Precision};
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

/// Shared (Redis) cache calls by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharedCacheCounts {
    pub hits: u64,
    pub misses: u64,
    pub errors: u64,
}

impl SharedCacheCounts {
    pub fn add(&mut self, outcome: SharedCacheOutcome) {
        match outcome {
            SharedCacheOutcome::Hit => self.hits += 1,
            SharedCacheOutcome::Miss => self.misses += 1,
            SharedCacheOutcome::Error => self.errors += 1,
        }
    }

    pub fn merge(&mut self, other: &SharedCacheCounts) {
        self.hits += other.hits;
        self.misses += other.misses;
        self.errors += other.errors;
    }

    pub fn calls(&self) -> u64 {
        self.hits + self.misses + self.errors
    }

    /// hits / (hits + misses): of the lookups the cache answered, the share it had. `None`
    /// without answered lookups; errors are reported apart, not as misses.
    pub fn hit_rate(&self) -> Option<f64> {
        let answered = self.hits + self.misses;
        (answered > 0).then(|| self.hits as f64 / answered as f64)
    }
}

/// One reading of the process gauges, taken by the caller at window close.
///
/// Every field is `f64` because the same type carries the *mean* of readings in rollups
/// (a mean of 3 and 4 connections is 3.5); integers up to 2^53 are exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Gauges {
    /// CPU time used in the window per wall time, in percent of ONE core (200 = two
    /// cores busy), as `top` shows it. The cost model relies on this convention.
    pub cpu_percent: f64,
    /// Resident set size.
    pub memory_bytes: f64,
    pub open_fds: f64,
    /// Requests being served at the moment of the reading.
    pub in_flight: f64,
    pub db: DbPoolGauges,
    /// Rows waiting for the group-commit history writer.
    pub writer_queue_depth: f64,
}

/// The database connection pool at the moment of the reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DbPoolGauges {
    pub in_use: f64,
    pub idle: f64,
    /// Tasks waiting for a connection.
    pub waiting: f64,
    /// Connections open (in use + idle).
    pub size: f64,
    /// SQLite's write-ahead log file (0 on PostgreSQL).
    pub wal_bytes: f64,
    /// How long the WAL has stayed over the size at which the store empties it, in seconds
    /// (0 while checkpoints keep up, and on PostgreSQL): grows when readers starve them.
    pub checkpoint_lag_seconds: f64,
}

impl Gauges {
    /// Applies `f` field by field; the one place that lists every gauge, so adding a field
    /// here is all `GaugeStats` needs.
    fn zip_with(&self, other: &Gauges, f: impl Fn(f64, f64) -> f64) -> Gauges {
        Gauges {
            cpu_percent: f(self.cpu_percent, other.cpu_percent),
            memory_bytes: f(self.memory_bytes, other.memory_bytes),
            open_fds: f(self.open_fds, other.open_fds),
            in_flight: f(self.in_flight, other.in_flight),
            db: DbPoolGauges {
                in_use: f(self.db.in_use, other.db.in_use),
                idle: f(self.db.idle, other.db.idle),
                waiting: f(self.db.waiting, other.db.waiting),
                size: f(self.db.size, other.db.size),
                wal_bytes: f(self.db.wal_bytes, other.db.wal_bytes),
                checkpoint_lag_seconds: f(
                    self.db.checkpoint_lag_seconds,
                    other.db.checkpoint_lag_seconds,
                ),
            },
            writer_queue_depth: f(self.writer_queue_depth, other.writer_queue_depth),
        }
    }
}

/// Gauge readings merged: their count, field-wise mean and field-wise maximum. Rollups
/// keep both because a minute's mean CPU hides its spikes and its max hides its level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GaugeStats {
    pub readings: u32,
    pub mean: Gauges,
    pub max: Gauges,
}

impl GaugeStats {
    pub fn of(reading: &Gauges) -> GaugeStats {
        GaugeStats {
            readings: 1,
            mean: *reading,
            max: *reading,
        }
    }

    /// Merges two sets of readings: means weighted by their number of readings.
    pub fn merge(&mut self, other: &GaugeStats) {
        let total = self.readings + other.readings;
        if total == 0 {
            return;
        }
        let (wa, wb) = (
            f64::from(self.readings) / f64::from(total),
            f64::from(other.readings) / f64::from(total),
        );
        self.mean = self.mean.zip_with(&other.mean, |a, b| a * wa + b * wb);
        self.max = self.max.zip_with(&other.max, f64::max);
        self.readings = total;
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
    fn gauge_means_are_weighted_by_readings_and_maxima_kept() {
        let reading = |cpu: f64, mem: f64| Gauges {
            cpu_percent: cpu,
            memory_bytes: mem,
            ..Gauges::default()
        };
        let mut stats = GaugeStats::of(&reading(10.0, 100.0));
        stats.merge(&GaugeStats::of(&reading(40.0, 50.0)));
        let mut three = stats;
        three.merge(&GaugeStats::of(&reading(70.0, 30.0)));
        assert_eq!(three.readings, 3);
        assert!((three.mean.cpu_percent - 40.0).abs() < 1e-9);
        assert!((three.mean.memory_bytes - 60.0).abs() < 1e-9);
        assert_eq!(three.max.cpu_percent, 70.0);
        assert_eq!(three.max.memory_bytes, 100.0);
    }

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
            counts.add(outcome);
        }
        assert_eq!(counts.calls(), 4);
        assert_eq!(counts.errors, 1);
        assert!((counts.hit_rate().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(SharedCacheCounts::default().hit_rate(), None);
    }
}
