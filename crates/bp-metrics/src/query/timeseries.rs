//! Time series (one metric per step, optionally per group) and the latency heat map.
//!
//! Snapshots go to the step-aligned bucket containing their start; a step shorter than
//! the snapshots' resolution simply leaves buckets empty. Steps without any snapshot are
//! `null` (no data), steps with snapshots but no requests are 0 for counts and rates and
//! `null` for latencies. Columns are aligned (one timestamp array, one value array per
//! group), the shape chart libraries such as uPlot take directly.

use super::{Filter, group_label, rate_per_second, ratio};
use crate::Error;
use crate::fleet::InstanceWindows;
use crate::histogram::{LATENCY_BUCKETS_US, LatencyHistogram, Precision};
use crate::infra::Timings;
use crate::snapshot::{SeriesStats, WindowSnapshot};
use bp_api::metrics::{
    GaugeStats, GroupBy, Heatmap, Metric, SharedCacheCounts, Timeseries, TimeseriesGroup,
};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// The most points a time series or heat map may have.
pub const MAX_POINTS: u64 = 20_000;

/// Metrics of the whole process, which filters and groups do not narrow.
fn is_process_wide(metric: Metric) -> bool {
    matches!(
        metric,
        Metric::CpuPercent
            | Metric::MemoryBytes
            | Metric::OpenFds
            | Metric::InFlight
            | Metric::DbInUse
            | Metric::DbIdle
            | Metric::DbWaiting
            | Metric::WriterQueueDepth
            | Metric::ConcurrentUsers
            | Metric::DbAcquireP95Ms
            | Metric::DbQueryP95Ms
            | Metric::DbQueryP99Ms
            | Metric::HistoryCommitP95Ms
            | Metric::RedisCacheHitRate
            | Metric::RedisCacheErrors
    )
}

/// Whether the metric reads the timing histograms or shared-cache counts, which cells
/// only merge when asked to.
fn needs_timings(metric: Metric) -> bool {
    matches!(
        metric,
        Metric::DbAcquireP95Ms
            | Metric::DbQueryP95Ms
            | Metric::DbQueryP99Ms
            | Metric::HistoryCommitP95Ms
            | Metric::RedisCacheHitRate
            | Metric::RedisCacheErrors
    )
}

/// One bucket of a time series under construction.
struct Cell {
    covered_us: u64,
    stats: SeriesStats,
    gauges: Option<GaugeStats>,
    peak_users: u64,
    timings: Timings,
    shared_cache: SharedCacheCounts,
}

/// `metric` per `step`, one line per group of `group_by` (or one line `"all"`).
/// [`GroupBy::Source`] needs each instance's windows apart: [`timeseries_by_instance`].
pub fn timeseries(
    snapshots: &[WindowSnapshot],
    metric: Metric,
    step: Duration,
    group_by: Option<GroupBy>,
    filter: &Filter,
) -> Result<Timeseries, Error> {
    if group_by == Some(GroupBy::Source) {
        return Err(Error::NeedsInstances);
    }
    let (step_us, timestamps) = buckets(snapshots.iter().map(|s| s.start_unix_us), step)?;
    let group_by = group_by.filter(|_| !is_process_wide(metric));
    let groups = lines(snapshots, &timestamps, step_us, metric, group_by, filter);
    Ok(Timeseries {
        metric,
        step_seconds: step.as_secs(),
        group_by,
        timestamps_unix_us: timestamps,
        groups,
    })
}

/// `metric` per `step`, one line per instance (named by its source), on the timestamps
/// of the whole fleet so the lines align.
pub fn timeseries_by_instance(
    instances: &[InstanceWindows],
    metric: Metric,
    step: Duration,
    filter: &Filter,
) -> Result<Timeseries, Error> {
    let starts = instances
        .iter()
        .flat_map(|i| i.windows.iter().map(|w| w.start_unix_us));
    let (step_us, timestamps) = buckets(starts, step)?;
    let groups = instances
        .iter()
        .map(|instance| TimeseriesGroup {
            name: instance.source.clone(),
            values: lines(
                &instance.windows,
                &timestamps,
                step_us,
                metric,
                None,
                filter,
            )
            .pop()
            .map(|line| line.values)
            .unwrap_or_default(),
        })
        .collect();
    Ok(Timeseries {
        metric,
        step_seconds: step.as_secs(),
        group_by: Some(GroupBy::Source),
        timestamps_unix_us: timestamps,
        groups,
    })
}

/// The values of each group of `group_by` at `timestamps`.
fn lines(
    snapshots: &[WindowSnapshot],
    timestamps: &[u64],
    step_us: u64,
    metric: Metric,
    group_by: Option<GroupBy>,
    filter: &Filter,
) -> Vec<TimeseriesGroup> {
    let names: BTreeSet<String> = match group_by {
        None => BTreeSet::from(["all".to_owned()]),
        Some(g) => snapshots
            .iter()
            .flat_map(|s| &s.series)
            .filter(|s| filter.matches(&s.key))
            .map(|s| group_label(g, &s.key).to_owned())
            .collect(),
    };
    // Grouped cells merge 2-digit series; only an unfiltered, ungrouped cell merges the
    // 3-digit totals. Mixing the two would make the merge inexact.
    let precision = match group_by {
        Some(_) => Precision::Series,
        None => filter.precision(),
    };
    // Step start -> group name -> cell.
    let mut cells: BTreeMap<u64, BTreeMap<&str, Cell>> = BTreeMap::new();
    for snapshot in snapshots {
        let at = snapshot.start_unix_us / step_us * step_us;
        let row = cells.entry(at).or_default();
        for name in &names {
            let cell = row.entry(name.as_str()).or_insert_with(|| Cell {
                covered_us: 0,
                stats: SeriesStats::new(precision),
                gauges: None,
                peak_users: 0,
                timings: Timings::default(),
                shared_cache: SharedCacheCounts::default(),
            });
            cell.covered_us += snapshot.covered_us;
            if needs_timings(metric) {
                cell.timings.merge(&snapshot.timings);
                cell.shared_cache.merge(&snapshot.shared_cache);
            }
            cell.peak_users = cell.peak_users.max(snapshot.users.count());
            if let Some(g) = &snapshot.gauges {
                match &mut cell.gauges {
                    Some(merged) => merged.merge(g),
                    None => cell.gauges = Some(*g),
                }
            }
            if group_by.is_none() {
                filter.select(snapshot, &mut cell.stats);
            }
        }
        if let Some(g) = group_by {
            for series in snapshot.series.iter().filter(|s| filter.matches(&s.key)) {
                if let Some(cell) = row.get_mut(group_label(g, &series.key)) {
                    cell.stats.merge(&series.stats);
                }
            }
        }
    }
    names
        .iter()
        .map(|name| {
            let values = timestamps
                .iter()
                .map(|at| {
                    cells
                        .get(at)
                        .and_then(|row| row.get(name.as_str()))
                        .and_then(|cell| value(metric, cell))
                })
                .collect();
            TimeseriesGroup {
                name: name.clone(),
                values,
            }
        })
        .collect()
}

/// Request latencies per `step` in the fixed buckets (`LATENCY_BUCKETS_US`).
pub fn heatmap(
    snapshots: &[WindowSnapshot],
    step: Duration,
    filter: &Filter,
) -> Result<Heatmap, Error> {
    let (step_us, timestamps) = buckets(snapshots.iter().map(|s| s.start_unix_us), step)?;
    let mut per_step: BTreeMap<u64, SeriesStats> = BTreeMap::new();
    for snapshot in snapshots {
        let at = snapshot.start_unix_us / step_us * step_us;
        let stats = per_step
            .entry(at)
            .or_insert_with(|| SeriesStats::new(filter.precision()));
        filter.select(snapshot, stats);
    }
    let empty = LatencyHistogram::new(filter.precision());
    let counts = timestamps
        .iter()
        .map(|at| {
            per_step
                .get(at)
                .map_or(&empty, |s| &s.latency)
                .bucket_counts(&LATENCY_BUCKETS_US)
        })
        .collect();
    Ok(Heatmap {
        step_seconds: step.as_secs(),
        timestamps_unix_us: timestamps,
        upper_bounds_ms: LATENCY_BUCKETS_US
            .iter()
            .map(|&us| us as f64 / 1000.0)
            .collect(),
        counts,
    })
}

/// Validates `step` and lists the step-aligned bucket starts from the first snapshot to
/// the last.
fn buckets(starts: impl Iterator<Item = u64>, step: Duration) -> Result<(u64, Vec<u64>), Error> {
    let step_secs = step.as_secs();
    if step_secs == 0 {
        return Err(Error::InvalidStep);
    }
    let step_us = step_secs * 1_000_000;
    let Some((first, last)) = starts.fold(None, |span: Option<(u64, u64)>, start| {
        Some(span.map_or((start, start), |(lo, hi)| (lo.min(start), hi.max(start))))
    }) else {
        return Ok((step_us, Vec::new()));
    };
    let (first, last) = (first / step_us * step_us, last / step_us * step_us);
    let points = (last - first) / step_us + 1;
    if points > MAX_POINTS {
        return Err(Error::TooManyPoints {
            points,
            max: MAX_POINTS,
        });
    }
    Ok((step_us, (0..points).map(|i| first + i * step_us).collect()))
}

fn value(metric: Metric, cell: &Cell) -> Option<f64> {
    let s = &cell.stats;
    let requests = s.requests();
    let latency = || s.latency.latency_ms();
    let gauge = |read: fn(&GaugeStats) -> f64| cell.gauges.as_ref().map(read);
    match metric {
        Metric::Requests => Some(requests as f64),
        Metric::ThroughputRps => Some(rate_per_second(requests, cell.covered_us)),
        Metric::Errors => Some((s.errors_4xx() + s.errors_5xx()) as f64),
        Metric::ErrorRate => Some(ratio(s.errors_4xx() + s.errors_5xx(), requests)),
        Metric::Errors4xx => Some(s.errors_4xx() as f64),
        Metric::Errors5xx => Some(s.errors_5xx() as f64),
        Metric::LatencyP50Ms => latency().p50,
        Metric::LatencyP95Ms => latency().p95,
        Metric::LatencyP99Ms => latency().p99,
        Metric::LatencyMaxMs => latency().max,
        Metric::CacheHitRate => s.cache.hit_rate(),
        Metric::TechniqueAccuracy => s.labelled.accuracy(),
        Metric::CpuPercent => gauge(|g| g.mean.cpu_percent),
        Metric::MemoryBytes => gauge(|g| g.mean.memory_bytes),
        Metric::OpenFds => gauge(|g| g.mean.open_fds),
        Metric::InFlight => gauge(|g| g.mean.in_flight),
        Metric::DbInUse => gauge(|g| g.mean.db.in_use),
        Metric::DbIdle => gauge(|g| g.mean.db.idle),
        Metric::DbWaiting => gauge(|g| g.mean.db.waiting),
        Metric::WriterQueueDepth => gauge(|g| g.mean.writer_queue_depth),
        Metric::ConcurrentUsers => Some(cell.peak_users as f64),
        Metric::DbAcquireP95Ms => cell.timings.db_acquire.latency_ms().p95,
        Metric::DbQueryP95Ms => cell.timings.db_query.latency_ms().p95,
        Metric::DbQueryP99Ms => cell.timings.db_query.latency_ms().p99,
        Metric::HistoryCommitP95Ms => cell.timings.writer_commit.latency_ms().p95,
        Metric::RedisCacheHitRate => cell.shared_cache.hit_rate(),
        Metric::RedisCacheErrors => Some(cell.shared_cache.errors as f64),
    }
}
