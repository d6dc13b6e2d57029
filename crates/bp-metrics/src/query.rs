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

pub use techniques::per_technique;
pub use timeseries::{MAX_POINTS, heatmap, timeseries, timeseries_by_instance};

use crate::histogram::Precision;
use crate::infra::Timings;
use crate::labels::{Endpoint, SeriesKey};
use crate::snapshot::{SeriesStats, WindowSnapshot};
use crate::users::DistinctUsers;
use bp_api::metrics::{
    CacheSummary, DbOperationStats, DbPoolGauges, DbSummary, GaugeStats, GroupBy,
    SharedCacheCounts, Summary,
};
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

/// The group a series belongs to under `by`, as its label value.
pub(crate) fn group_label(by: GroupBy, key: &SeriesKey) -> &str {
    match by {
        GroupBy::Technique => key.technique_label(),
        GroupBy::Segment => key.segment.as_str(),
        GroupBy::Region => &key.region,
        GroupBy::Endpoint => key.endpoint.as_str(),
        // Series carry no instance: windows are grouped by instance before they get here
        // (`timeseries` refuses this grouping).
        GroupBy::Source => "all",
    }
}

fn db_summary(pool: DbPoolGauges, timings: &Timings) -> DbSummary {
    DbSummary {
        pool,
        calls: timings.db_query.count(),
        acquire_ms: timings.db_acquire.latency_ms(),
        query_ms: timings.db_query.latency_ms(),
        operations: timings
            .db_query_by_operation
            .iter()
            .map(|(op, histogram)| DbOperationStats {
                operation: *op,
                calls: histogram.count(),
                query_ms: histogram.latency_ms(),
            })
            .collect(),
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
        latency_ms: stats.latency.latency_ms(),
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
        db: db_summary(mean.db, &timings),
        history_commit_ms: timings.writer_commit.latency_ms(),
        gauge_readings: gauges.map_or(0, |g| g.readings),
        gauges,
        concurrent_users,
        distinct_users: users.count(),
        users_exact: users.is_exact(),
        label_overflow_samples: overflowed,
        late_samples: late,
        labelled: stats.labelled,
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
