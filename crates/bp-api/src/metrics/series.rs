//! Time series, the latency heat map and the per-technique table.
//!
//! Columns are aligned (one timestamp array, one value array per group), the shape chart
//! libraries such as uPlot take directly. Steps without any window are `null` (no data);
//! steps with windows but no requests are 0 for counts and rates and `null` for latencies.

use super::summary::LatencyMs;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a time series plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Requests,
    ThroughputRps,
    Errors,
    ErrorRate,
    Errors4xx,
    Errors5xx,
    LatencyP50Ms,
    LatencyP95Ms,
    LatencyP99Ms,
    LatencyMaxMs,
    CacheHitRate,
    /// Process-wide from here on: one group (`"all"`) whatever `group_by` says.
    CpuPercent,
    MemoryBytes,
    OpenFds,
    InFlight,
    DbInUse,
    DbIdle,
    DbWaiting,
    WriterQueueDepth,
    ConcurrentUsers,
    /// Time database calls waited for a connection.
    DbAcquireP95Ms,
    /// Time of database calls on their connection, every operation together.
    DbQueryP95Ms,
    DbQueryP99Ms,
    /// History-writer group commits, queueing included.
    HistoryCommitP95Ms,
    /// Shared (Redis) cache hits per answered lookup.
    RedisCacheHitRate,
    /// Shared (Redis) cache calls without an answer.
    RedisCacheErrors,
    /// Share of labelled responses (`X-Expected-Techniques`) whose primary technique was
    /// acceptable; `null` in steps without any. Narrowed by filters and groups like latency.
    TechniqueAccuracy,
}

/// A dimension to break results down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Technique,
    Segment,
    Region,
    Endpoint,
    /// The instance (metrics source) that served the request; time series only.
    Source,
}

/// One metric per step, optionally one line per group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Timeseries {
    pub metric: Metric,
    pub step_seconds: u64,
    #[schema(required)]
    pub group_by: Option<GroupBy>,
    /// Step starts, in microseconds since the Unix epoch.
    pub timestamps_unix_us: Vec<u64>,
    /// Sorted by name; one group, `"all"`, when not grouped.
    pub groups: Vec<TimeseriesGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TimeseriesGroup {
    pub name: String,
    /// One per timestamp; `null` where there is no data.
    pub values: Vec<Option<f64>>,
}

/// Latency distribution over time: `counts[t][b]` requests in step `t` whose latency is
/// in bucket `b` (`b == upper_bounds_ms.len()` counts everything above the last bound).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Heatmap {
    pub step_seconds: u64,
    pub timestamps_unix_us: Vec<u64>,
    pub upper_bounds_ms: Vec<f64>,
    pub counts: Vec<Vec<u64>>,
}

/// One technique's traffic; `technique` is its id, or `"none"` for requests without one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TechniqueRow {
    pub technique: String,
    pub requests: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub latency_ms: LatencyMs,
    #[schema(required)]
    pub cache_hit_rate: Option<f64>,
    /// Time the server spent answering this technique's requests (sum of latencies); the
    /// cost model shares the range's cost out by it.
    pub busy_seconds: f64,
    /// Labelled prompts (`X-Expected-Techniques`) of enhance requests whose primary was this
    /// technique. A batch is one request with no single technique: its prompts count in the
    /// `none` row (and in every total).
    pub labelled_checks: u64,
    /// Of those, the share where this technique was an acceptable primary.
    #[schema(required)]
    pub labelled_accuracy: Option<f64>,
}
