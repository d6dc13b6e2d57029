//! The headline numbers of a range (`/metrics/summary`, every stream message).

use super::counts::{CacheCounts, DbPoolGauges, GaugeStats, LabelCounts, SharedCacheCounts};
use crate::DbOperation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// p50, p95, p99 and max in milliseconds, read from one merged histogram; `null` without
/// requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LatencyMs {
    #[schema(required)]
    pub p50: Option<f64>,
    #[schema(required)]
    pub p95: Option<f64>,
    #[schema(required)]
    pub p99: Option<f64>,
    #[schema(required)]
    pub max: Option<f64>,
}

/// The headline numbers of a time range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    /// Start of the first and end of the last window (0 when there are none).
    pub from_unix_us: u64,
    pub to_unix_us: u64,
    /// Time the windows cover; throughput divides by it.
    pub covered_seconds: f64,
    /// Closed windows (or rollups) in the range.
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
    #[schema(required)]
    pub cache_hit_rate: Option<f64>,
    /// The shared (Redis) cache: hits per answered lookup; `null` without one.
    #[schema(required)]
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
    #[schema(required)]
    pub gauges: Option<GaugeStats>,
    /// The most distinct callers in any one window: per window for windows, per bucket
    /// for rollups (a minute rollup's users are the minute's union).
    pub concurrent_users: u64,
    /// Distinct callers over the whole range.
    pub distinct_users: u64,
    /// False once a count is a HyperLogLog estimate.
    pub users_exact: bool,
    pub label_overflow_samples: u64,
    pub late_samples: u64,
    /// Labelled responses (`X-Expected-Techniques`) and how many had an acceptable primary.
    pub labelled: LabelCounts,
}

/// Both cache levels: the in-process cache of the selected requests, and the shared
/// (Redis) cache of the whole process (`null` when no call was made to one).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CacheSummary {
    pub in_process: CacheCounts,
    #[schema(required)]
    pub in_process_hit_rate: Option<f64>,
    #[schema(required)]
    pub redis: Option<SharedCacheCounts>,
    #[schema(required)]
    pub redis_hit_rate: Option<f64>,
}

/// The database: pool gauges (means of the readings), and the time calls waited for a
/// connection and then took, overall and per operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DbOperationStats {
    pub operation: DbOperation,
    pub calls: u64,
    pub query_ms: LatencyMs,
}
