//! Counters and gauge readings: shown in summaries and stored in rollups.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// In-process cache lookups by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CacheCounts {
    pub hits: u64,
    pub misses: u64,
}

impl CacheCounts {
    pub fn merge(&mut self, other: &CacheCounts) {
        self.hits += other.hits;
        self.misses += other.misses;
    }

    /// hits / (hits + misses); `None` without lookups.
    pub fn hit_rate(&self) -> Option<f64> {
        let lookups = self.hits + self.misses;
        (lookups > 0).then(|| self.hits as f64 / lookups as f64)
    }
}

/// Shared (Redis) cache calls by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SharedCacheCounts {
    pub hits: u64,
    pub misses: u64,
    /// Calls without an answer (error, timeout, or skipped while the cache backs off).
    pub errors: u64,
}

impl SharedCacheCounts {
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

/// Labelled responses: those whose request named the acceptable primary techniques
/// (`X-Expected-Techniques`), and how many of them the engine's primary was one of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct LabelCounts {
    pub checked: u64,
    pub correct: u64,
}

impl LabelCounts {
    pub fn merge(&mut self, other: &LabelCounts) {
        self.checked += other.checked;
        self.correct += other.correct;
    }

    /// correct / checked; `None` without labelled responses.
    pub fn accuracy(&self) -> Option<f64> {
        (self.checked > 0).then(|| self.correct as f64 / self.checked as f64)
    }
}

/// One reading of the process gauges, taken at window close.
///
/// Every field is `f64` because the same type carries the *mean* of readings in rollups
/// (a mean of 3 and 4 connections is 3.5); integers up to 2^53 are exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
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
    /// This reading plus another instance's (see [`GaugeStats::add_instance`]).
    fn add_instance(&self, other: &Gauges) -> Gauges {
        let mut sum = self.zip_with(other, |a, b| a + b);
        sum.db.wal_bytes = self.db.wal_bytes.max(other.db.wal_bytes);
        sum.db.checkpoint_lag_seconds = self
            .db
            .checkpoint_lag_seconds
            .max(other.db.checkpoint_lag_seconds);
        sum
    }

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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
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

    /// Adds another instance's readings of the same window. A fleet's CPU, memory,
    /// descriptors, requests in flight, connections and queues are the sums of its
    /// instances'; the database's WAL and checkpoint lag, which they share, are the
    /// largest any instance read. `max` becomes the sum of the instances' maxima: an upper
    /// bound, as their peaks need not coincide.
    pub fn add_instance(&mut self, other: &GaugeStats) {
        self.mean = self.mean.add_instance(&other.mean);
        self.max = self.max.add_instance(&other.max);
        self.readings = self.readings.max(other.readings);
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
    fn a_fleet_adds_its_instances_gauges_but_keeps_the_worst_checkpoint_lag() {
        let reading = |cpu: f64, conns: f64, lag: f64| Gauges {
            cpu_percent: cpu,
            db: DbPoolGauges {
                in_use: conns,
                checkpoint_lag_seconds: lag,
                ..DbPoolGauges::default()
            },
            ..Gauges::default()
        };
        let mut fleet = GaugeStats::of(&reading(50.0, 3.0, 1.0));
        fleet.add_instance(&GaugeStats::of(&reading(70.0, 4.0, 5.0)));
        assert_eq!(fleet.mean.cpu_percent, 120.0);
        assert_eq!(fleet.mean.db.in_use, 7.0);
        assert_eq!(fleet.mean.db.checkpoint_lag_seconds, 5.0);
        assert_eq!(fleet.readings, 1);
    }
}
