//! `Cumulative`: totals since start, built by absorbing each closed window, which is what
//! Prometheus scrapes (counters only go up). It keeps fixed bucket counts rather than
//! histograms, so its size depends on the number of series only, which is capped.

use crate::anomaly::Anomaly;
use crate::histogram::{LATENCY_BUCKETS_US, LatencyHistogram};
use crate::infra::{DbOperation, TimingKind};
use crate::labels::SeriesKey;
use crate::snapshot::{SeriesStats, StatusCounts, WindowSnapshot};
use bp_api::metrics::CacheCounts;
use bp_api::metrics::Metric;
use bp_api::metrics::{Gauges, LabelCounts, SharedCacheCounts};
use std::collections::BTreeMap;

/// Bucket counts, not cumulative: `LATENCY_BUCKETS_US.len()` bounds plus one above them.
pub(crate) const N_BUCKETS: usize = LATENCY_BUCKETS_US.len() + 1;

/// A histogram as Prometheus exposes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Buckets {
    pub counts: [u64; N_BUCKETS],
    pub sum_seconds: f64,
    pub count: u64,
}

impl Default for Buckets {
    fn default() -> Self {
        Buckets {
            counts: [0; N_BUCKETS],
            sum_seconds: 0.0,
            count: 0,
        }
    }
}

impl Buckets {
    fn absorb(&mut self, histogram: &LatencyHistogram) {
        for (mine, theirs) in self
            .counts
            .iter_mut()
            .zip(histogram.bucket_counts(&LATENCY_BUCKETS_US))
        {
            *mine += theirs;
        }
        self.sum_seconds += histogram.sum_us() / 1e6;
        self.count += histogram.count();
    }
}

/// One labelled series since start.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SeriesTotals {
    pub status: StatusCounts,
    pub latency: Buckets,
    pub labelled: LabelCounts,
}

impl SeriesTotals {
    fn absorb(&mut self, stats: &SeriesStats) {
        self.status.merge(&stats.status);
        self.latency.absorb(&stats.latency);
        self.labelled.merge(&stats.labelled);
    }
}

/// Everything since start, for `/metrics`.
#[derive(Debug, Clone)]
pub struct Cumulative {
    max_series: usize,
    pub(crate) series: BTreeMap<SeriesKey, SeriesTotals>,
    /// Series beyond the cap, here or already in the windows.
    pub(crate) overflow: Option<SeriesTotals>,
    pub(crate) cache: CacheCounts,
    pub(crate) shared_cache: SharedCacheCounts,
    /// Unlabelled timing histograms (database acquire, history commit) by metric name.
    pub(crate) timings: BTreeMap<&'static str, Buckets>,
    /// Database query time by operation.
    pub(crate) db_query: BTreeMap<DbOperation, Buckets>,
    pub(crate) overflowed_samples: u64,
    pub(crate) late_samples: u64,
    pub(crate) windows: u64,
    /// CPU time estimated from the windows' CPU gauges.
    pub(crate) cpu_seconds: f64,
    /// The latest window's gauges (mean of its readings), if any.
    pub(crate) gauges: Option<Gauges>,
    pub(crate) concurrent_users: u64,
    /// Anomalies flagged, by metric label value.
    pub(crate) anomalies: BTreeMap<&'static str, u64>,
}

impl Cumulative {
    /// Keeps at most `max_series` label combinations (use the recorder's); later ones
    /// count into an overflow series and `bp_metrics_label_overflow_total`.
    pub fn new(max_series: usize) -> Cumulative {
        Cumulative {
            max_series,
            series: BTreeMap::new(),
            overflow: None,
            cache: CacheCounts::default(),
            shared_cache: SharedCacheCounts::default(),
            timings: BTreeMap::new(),
            db_query: BTreeMap::new(),
            overflowed_samples: 0,
            late_samples: 0,
            windows: 0,
            cpu_seconds: 0.0,
            gauges: None,
            concurrent_users: 0,
            anomalies: BTreeMap::new(),
        }
    }

    /// Adds one closed window. Absorb each window once, in any order.
    pub fn absorb(&mut self, snapshot: &WindowSnapshot) {
        for s in &snapshot.series {
            if let Some(totals) = self.series.get_mut(&s.key) {
                totals.absorb(&s.stats);
            } else if self.series.len() < self.max_series {
                let mut totals = SeriesTotals::default();
                totals.absorb(&s.stats);
                self.series.insert(s.key.clone(), totals);
            } else {
                self.overflowed_samples += s.stats.requests();
                self.overflow
                    .get_or_insert_with(SeriesTotals::default)
                    .absorb(&s.stats);
            }
        }
        if let Some(overflow) = &snapshot.overflow {
            self.overflow
                .get_or_insert_with(SeriesTotals::default)
                .absorb(overflow);
        }
        self.overflowed_samples += snapshot.overflowed_samples;
        self.late_samples += snapshot.late_samples;
        self.cache.merge(&snapshot.total.cache);
        self.shared_cache.merge(&snapshot.shared_cache);
        // Query time is exposed per operation, so its unlabelled total is skipped here.
        for kind in [TimingKind::DbAcquire, TimingKind::WriterCommit] {
            let histogram = snapshot.timings.get(kind);
            if !histogram.is_empty() {
                self.timings
                    .entry(timing_name(kind))
                    .or_default()
                    .absorb(histogram);
            }
        }
        for (op, histogram) in &snapshot.timings.db_query_by_operation {
            self.db_query.entry(*op).or_default().absorb(histogram);
        }
        self.windows += 1;
        if let Some(g) = &snapshot.gauges {
            self.cpu_seconds += g.mean.cpu_percent / 100.0 * snapshot.covered_us as f64 / 1e6;
            self.gauges = Some(g.mean);
        }
        self.concurrent_users = snapshot.users.count();
    }

    /// Counts anomalies flagged by the caller's detector (`bp_anomalies_total`).
    pub fn count_anomalies(&mut self, anomalies: &[Anomaly]) {
        for anomaly in anomalies {
            let label = match anomaly.metric {
                Metric::LatencyP95Ms => "latency_p95_ms",
                Metric::ErrorRate => "error_rate",
                _ => "other",
            };
            *self.anomalies.entry(label).or_default() += 1;
        }
    }

    /// Requests absorbed so far, overflow included.
    pub fn requests(&self) -> u64 {
        self.series
            .values()
            .chain(self.overflow.iter())
            .map(|s| s.status.total())
            .sum()
    }
}

/// The Prometheus histogram each timing kind is exposed as.
pub(crate) const fn timing_name(kind: TimingKind) -> &'static str {
    match kind {
        TimingKind::DbAcquire => "bp_db_acquire_duration_seconds",
        TimingKind::DbQuery => "bp_db_query_duration_seconds",
        TimingKind::WriterCommit => "bp_history_commit_duration_seconds",
    }
}
