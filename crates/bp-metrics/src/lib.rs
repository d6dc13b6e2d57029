//! The pure metrics core of BetterPrompts: recording on the hot path, mergeable
//! histograms, time windows and rollups, queries, SLA evaluation, the cost model and the
//! Prometheus text exposition.
//!
//! Pure means: no IO, no async, no clock (every time is a `u64` of microseconds since the
//! Unix epoch passed in by the caller), no HTTP, no storage. The server owns the timer,
//! the store persists [`WindowSnapshot::to_bytes`], and everything here is deterministic.
//!
//! # A metric's way through
//!
//! ```text
//! Recorder::record(&Sample)        per-thread shards, no lock shared across cores
//!     │  (every window: Recorder::close_until(now_us))
//!     ▼
//! WindowSnapshot (seq, start, end, series, total, users, timings)
//!     │  .attach_gauges(&Gauges)                  caller's CPU / memory / pool reading
//!     ├─► stream it (seq numbers are gap-free)    ├─► to_bytes() → store
//!     ├─► Cumulative::absorb → render_prometheus  ├─► downsample(.., Minute | Hour, cap)
//!     └─► summary / timeseries / heatmap / per_technique / evaluate_sla / cost
//! ```
//!
//! # Recording
//!
//! A [`Sample`] is one finished request: [`Endpoint`], HTTP status (kept as its
//! [`StatusClass`], so 4xx and 5xx stay apart), primary [`bp_api::Technique`] (optional),
//! [`bp_api::Segment`], a [`RegionId`] from [`Recorder::region`] (at most `max_regions`
//! names, the rest share `"other"`), [`CacheOutcome`], latency, completion time and an
//! optional [`CallerId`] (a hash, for distinct users). [`Recorder::record_db_call`]
//! (connection wait and query time per [`DbOperation`]), [`Recorder::record_timing`]
//! (history-writer commits) and [`Recorder::record_shared_cache`] (Redis hits, misses and
//! errors) record into the same windows.
//!
//! Each recording thread maps to one of `shards` cache-padded mutexes (round robin on
//! first use), so the lock it takes is its own. Per window and shard, at most
//! `max_series` label combinations (endpoint × technique × segment × region) get their
//! own counters and 2-digit histogram; later ones go to an overflow series and are counted
//! in `overflowed_samples` (`bp_metrics_label_overflow_total`). The window total has its
//! own 3-digit histogram and counts every sample.
//!
//! # Windows
//!
//! Windows last 1..=60 s and must divide a minute (default 5 s), and start at multiples of
//! their length since the epoch. A sample belongs to the window containing its completion
//! time; one completing exactly at a boundary belongs to the later window.
//! [`Recorder::close_until`] returns every window that ended at or before `now`, oldest
//! first, empty ones included, with `seq` increasing by one (from
//! [`RecorderConfig::first_seq`]). A sample for a window already closed is counted in the
//! oldest open window and in its `late_samples`. [`Recorder::close_all`] also closes the
//! open window, cut at `now`, for a process that stops; a window observed in part (the
//! first after a start, the last before a stop) says so in `covered_us`.
//!
//! # Snapshots and rollups
//!
//! A [`WindowSnapshot`] holds per-series [`SeriesStats`] (status counts, cache hits and
//! misses, latency histogram), the overflow series, the total, [`Timings`], shared-cache
//! counts, [`DistinctUsers`] (exact up to 1024, then HyperLogLog) and optional
//! [`GaugeStats`]. [`downsample`] merges snapshots into aligned minute or hour buckets:
//! counters add, histograms merge exactly, users unite, gauges keep mean and max.
//! `to_bytes` / `from_bytes` store a versioned JSON form with histograms as base64
//! HdrHistogram V2.
//!
//! # Queries
//!
//! [`summary`], [`timeseries`], [`heatmap`] and [`per_technique`] take a slice of
//! snapshots (windows or rollups) and a [`Filter`]. Percentiles always come from one
//! merged histogram, never from averaged percentiles: without filters from the 3-digit
//! totals, with filters from the matching 2-digit series. Gauges and users are
//! process-wide and not narrowed by filters. `errors` are 4xx + 5xx; `server_error_rate`
//! is 5xx only.
//!
//! # Anomalies
//!
//! [`AnomalyDetector`] judges each window's p95 latency and error rate against a robust
//! baseline (median and MAD of the previous windows) and returns [`Anomaly`] events for
//! windows far above it; [`detect_anomalies`] runs it over a whole series.
//!
//! # SLA, cost, Prometheus
//!
//! [`evaluate_sla`] checks [`SlaTargets`] (p50 < 100 ms, p95 < 200 ms, p99 < 500 ms,
//! error rate < 0.1 %, availability ≥ 99.9 %, optional throughput) per window and overall,
//! and computes the [`ErrorBudget`]. [`cost`] prices a [`Usage`] with a [`PriceTable`]
//! (defaults: AWS Fargate on-demand) and returns the table with the result.
//! [`Cumulative`] absorbs closed windows; [`render_prometheus`] writes the text format
//! with buckets at 0.001 … 10 s including 0.1, 0.2 and 0.5 exactly.

mod anomaly;
mod cost;
mod error;
mod fleet;
mod histogram;
mod infra;
mod labels;
mod prometheus;
mod query;
mod recorder;
mod sla;
mod snapshot;
mod users;

pub use anomaly::{Anomaly, AnomalyConfig, AnomalyDetector, detect_anomalies};
/// The types the queries return are the metrics contract's, re-exported so a caller of
/// this crate needs no second import.
pub use bp_api::metrics::{
    CacheCounts, CacheSummary, Check, CostReport, DbOperationStats, DbPoolGauges, DbSummary,
    ErrorBudget, ErrorsCounted, GaugeStats, Gauges, GroupBy, Heatmap, LatencyMs, Metric,
    PriceTable, SharedCacheCounts, SlaReport, SlaTargets, SlaVerdict, Summary, TechniqueRow,
    Timeseries, TimeseriesGroup, Usage,
};
pub use cost::{cost, cost_per_request_by_busy_time, usage};
pub use error::Error;
pub use fleet::{InstanceWindows, Uptime, merge_instances, uptime};
pub use histogram::{
    LATENCY_BUCKETS_US, LatencyHistogram, MAX_LATENCY_US, MIN_LATENCY_US, Precision,
};
pub use infra::{DbOperation, SharedCacheOutcome, TimingKind, Timings};
pub use labels::{
    CacheOutcome, CallerId, Endpoint, RegionId, RegionTable, Sample, SeriesKey, StatusClass,
};
pub use prometheus::{Cumulative, render as render_prometheus};
pub use query::{
    Filter, MAX_POINTS, heatmap, per_technique, summary, timeseries, timeseries_by_instance,
};
pub use recorder::{Recorder, RecorderConfig};
pub use sla::{apply_uptime, evaluate as evaluate_sla};
pub use snapshot::{
    FORMAT_VERSION, Resolution, Series, SeriesStats, StatusCounts, WindowSnapshot, downsample,
};
pub use users::{DistinctUsers, EXACT_LIMIT};
