//! Process-wide measurements that carry no request labels: gauges the caller reads when a
//! window closes (CPU, memory, descriptors, database pool, writer queue) and timing
//! histograms recorded as they happen (database acquire and query, history commits).

use crate::histogram::{LatencyHistogram, Precision};
use serde::{Deserialize, Serialize};

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
    /// One database query or statement.
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

/// One histogram per [`TimingKind`] (2 significant digits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    pub db_acquire: LatencyHistogram,
    pub db_query: LatencyHistogram,
    pub writer_commit: LatencyHistogram,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            db_acquire: LatencyHistogram::new(Precision::Series),
            db_query: LatencyHistogram::new(Precision::Series),
            writer_commit: LatencyHistogram::new(Precision::Series),
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
}
