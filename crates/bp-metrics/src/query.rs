//! Queries over a slice of snapshots (windows or rollups): filters, the summary, and the
//! shared merging rule every query uses.
//!
//! Percentiles always come from one histogram merged over everything the query covers,
//! never from an average of per-window percentiles. Without label filters the 3-digit
//! window totals are merged (they include the overflow series); with filters, the
//! matching 2-digit series (the overflow series has lost its labels and matches no
//! filter). Gauges and distinct users are process-wide: filters do not narrow them.

mod techniques;
mod timeseries;

pub use techniques::{TechniqueRow, per_technique};
pub use timeseries::{
    Heatmap, MAX_POINTS, Metric, Timeseries, TimeseriesGroup, heatmap, timeseries,
};

use crate::histogram::{LatencyHistogram, Precision};
use crate::infra::{DbOperation, DbPoolGauges, GaugeStats, SharedCacheCounts, Timings};
use crate::labels::{Endpoint, SeriesKey};
use crate::snapshot::{CacheCounts, SeriesStats, WindowSnapshot};
use crate::users::DistinctUsers;
use bp_api::{Segment, Technique};
use serde::{Deserialize, Serialize};

/// Label filters; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub technique: Option<Technique>,
    pub segment: Option<Segment>,
    /// Compared ASCII case-insensitively, like region interning.
    pub region: Option<String>,
    pub endpoint: Option<Endpoint>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.technique.is_none()
            && self.segment.is_none()
            && self.region.is_none()
            && self.endpoint.is_none()
    }

    pub fn matches(&self, key: &SeriesKey) -> bool {
        self.technique.is_none_or(|t| key.technique == Some(t))
            && self.segment.is_none_or(|s| key.segment == s)
            && self.endpoint.is_none_or(|e| key.endpoint == e)
            && self
                .region
                .as_deref()
                .is_none_or(|r| key.region.eq_ignore_ascii_case(r))
    }

    /// The requests of one snapshot that this filter selects, merged.
    pub(crate) fn select(&self, snapshot: &WindowSnapshot, into: &mut SeriesStats) {
        if self.is_empty() {
            into.merge(&snapshot.total);
        } else {
            for series in snapshot.series.iter().filter(|s| self.matches(&s.key)) {
                into.merge(&series.stats);
            }
        }
    }

    pub(crate) fn precision(&self) -> Precision {
        if self.is_empty() {
            Precision::Total
        } else {
            Precision::Series
        }
    }
}

/// A dimension to break results down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Technique,
    Segment,
    Region,
    Endpoint,
}

impl GroupBy {
    /// The group a series belongs to, as its label value.
    pub fn label(self, key: &SeriesKey) -> &str {
        match self {
            GroupBy::Technique => key.technique_label(),
            GroupBy::Segment => key.segment.as_str(),
            GroupBy::Region => &key.region,
            GroupBy::Endpoint => key.endpoint.as_str(),
        }
    }
}

/// p50, p95, p99 and max in milliseconds; `null` without requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyMs {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

impl LatencyMs {
    pub fn of(histogram: &LatencyHistogram) -> LatencyMs {
        let ms = |us: Option<u64>| us.map(|v| v as f64 / 1000.0);
        LatencyMs {
            p50: ms(histogram.quantile_us(0.50)),
            p95: ms(histogram.quantile_us(0.95)),
            p99: ms(histogram.quantile_us(0.99)),
            max: ms(histogram.max_us()),
        }
    }
}

/// The headline numbers of a time range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Start of the first and end of the last snapshot (0 when there are none).
    pub from_unix_us: u64,
    pub to_unix_us: u64,
    /// Time the snapshots cover; throughput divides by it.
    pub covered_seconds: f64,
    pub windows: u64,
    pub requests: u64,
    /// Responses with a 4xx or 5xx status.
    pub errors: u64,
    /// errors / requests (0 without requests).
    pub error_rate: f64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    /// errors_5xx / requests: the complement of availability.
    pub server_error_rate: f64,
    pub throughput_rps: f64,
    pub latency_ms: LatencyMs,
    pub cache_hits: u64,
    pub cache_misses: u64,
    /// In-process cache hits per lookup of the selected requests.
    pub cache_hit_rate: Option<f64>,
    /// The shared (Redis) cache: hits per answered lookup; `None` without one.
    pub redis_cache_hit_rate: Option<f64>,
    /// Both cache levels in full.
    pub cache: CacheSummary,
    /// Mean of the gauge readings (0 without readings; see `gauge_readings`).
    pub cpu_percent: f64,
    pub memory_bytes: f64,
    /// Pool gauges (means), connection wait and query time (process-wide).
    pub db: DbSummary,
    /// Group commits of the history writer, queueing included.
    pub history_commit_ms: LatencyMs,
    pub gauge_readings: u32,
    /// Mean and maximum of every gauge, when there were readings.
    pub gauges: Option<GaugeStats>,
    /// The most distinct callers in any one snapshot: per window for windows, per bucket
    /// for rollups (a minute rollup's users are the minute's union).
    pub concurrent_users: u64,
    /// Distinct callers over the whole range.
    pub distinct_users: u64,
    /// False once a count is a HyperLogLog estimate.
    pub users_exact: bool,
    pub label_overflow_samples: u64,
    pub late_samples: u64,
}

/// Both cache levels: the in-process cache of the selected requests, and the shared
/// (Redis) cache of the whole process (`None` when no call was made to one).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CacheSummary {
    pub in_process: CacheCounts,
    pub in_process_hit_rate: Option<f64>,
    pub redis: Option<SharedCacheCounts>,
    pub redis_hit_rate: Option<f64>,
}

/// The database: pool gauges (means of the readings), and the time calls waited for a
/// connection and then took, overall and per operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbSummary {
    #[serde(flatten)]
    pub pool: DbPoolGauges,
    /// Database calls made.
    pub calls: u64,
    pub acquire_ms: LatencyMs,
    pub query_ms: LatencyMs,
    /// Operations that ran, in vocabulary order.
    pub operations: Vec<DbOperationStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbOperationStats {
    pub operation: DbOperation,
    pub calls: u64,
    pub query_ms: LatencyMs,
}

impl DbSummary {
    fn of(pool: DbPoolGauges, timings: &Timings) -> DbSummary {
        DbSummary {
            pool,
            calls: timings.db_query.count(),
            acquire_ms: LatencyMs::of(&timings.db_acquire),
            query_ms: LatencyMs::of(&timings.db_query),
            operations: timings
                .db_query_by_operation
                .iter()
                .map(|(op, histogram)| DbOperationStats {
                    operation: *op,
                    calls: histogram.count(),
                    query_ms: LatencyMs::of(histogram),
                })
                .collect(),
        }
    }
}

/// The summary of `snapshots` for the requests `filter` selects.
pub fn summary(snapshots: &[WindowSnapshot], filter: &Filter) -> Summary {
    let mut stats = SeriesStats::new(filter.precision());
    let mut covered_us = 0;
    let mut gauges: Option<GaugeStats> = None;
    let mut users = DistinctUsers::default();
    let mut concurrent_users = 0;
    let mut shared_cache = SharedCacheCounts::default();
    let mut timings = Timings::default();
    let (mut overflowed, mut late) = (0, 0);
    for snapshot in snapshots {
        filter.select(snapshot, &mut stats);
        covered_us += snapshot.covered_us;
        if let Some(g) = &snapshot.gauges {
            match &mut gauges {
                Some(merged) => merged.merge(g),
                None => gauges = Some(*g),
            }
        }
        users.merge(&snapshot.users);
        concurrent_users = concurrent_users.max(snapshot.users.count());
        shared_cache.merge(&snapshot.shared_cache);
        timings.merge(&snapshot.timings);
        overflowed += snapshot.overflowed_samples;
        late += snapshot.late_samples;
    }
    let requests = stats.requests();
    let (errors_4xx, errors_5xx) = (stats.errors_4xx(), stats.errors_5xx());
    let errors = errors_4xx + errors_5xx;
    let mean = gauges.map(|g| g.mean).unwrap_or_default();
    Summary {
        from_unix_us: snapshots.iter().map(|s| s.start_unix_us).min().unwrap_or(0),
        to_unix_us: snapshots.iter().map(|s| s.end_unix_us).max().unwrap_or(0),
        covered_seconds: covered_us as f64 / 1e6,
        windows: snapshots.len() as u64,
        requests,
        errors,
        error_rate: ratio(errors, requests),
        errors_4xx,
        errors_5xx,
        server_error_rate: ratio(errors_5xx, requests),
        throughput_rps: rate_per_second(requests, covered_us),
        latency_ms: LatencyMs::of(&stats.latency),
        cache_hits: stats.cache.hits,
        cache_misses: stats.cache.misses,
        cache_hit_rate: stats.cache.hit_rate(),
        redis_cache_hit_rate: shared_cache.hit_rate(),
        cache: CacheSummary {
            in_process: stats.cache,
            in_process_hit_rate: stats.cache.hit_rate(),
            redis: (shared_cache.calls() > 0).then_some(shared_cache),
            redis_hit_rate: shared_cache.hit_rate(),
        },
        cpu_percent: mean.cpu_percent,
        memory_bytes: mean.memory_bytes,
        db: DbSummary::of(mean.db, &timings),
        history_commit_ms: LatencyMs::of(&timings.writer_commit),
        gauge_readings: gauges.map_or(0, |g| g.readings),
        gauges,
        concurrent_users,
        distinct_users: users.count(),
        users_exact: users.is_exact(),
        label_overflow_samples: overflowed,
        late_samples: late,
    }
}

/// part / whole, 0 when whole is 0.
pub(crate) fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

pub(crate) fn rate_per_second(count: u64, covered_us: u64) -> f64 {
    if covered_us == 0 {
        0.0
    } else {
        count as f64 * 1e6 / covered_us as f64
    }
}
