//! What the metrics routes answer: the computed figures with what only the server knows
//! (feedback, load runs, anomalies) beside them.

use super::cost::CostReport;
use super::series::{Metric, TechniqueRow};
use super::sla::SlaReport;
use super::summary::{LatencyMs, Summary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /api/v1/metrics/summary`: everything the overview cards show, for one range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SummaryResponse {
    #[serde(flatten)]
    pub summary: Summary,
    pub sla: SlaReport,
    #[schema(required)]
    pub cost_per_request_usd: Option<f64>,
    pub cost: CostReport,
    pub satisfaction: Satisfaction,
    pub technique_accuracy: TechniqueAccuracy,
    /// The resolution the range was read at, in seconds.
    pub resolution_seconds: u32,
}

/// From feedback ratings in the range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Satisfaction {
    pub ratings: u64,
    #[schema(required)]
    pub mean_rating: Option<f64>,
    /// Share of ratings of 4 or 5.
    #[schema(required)]
    pub share_at_least_4: Option<f64>,
}

/// Technique accuracy from its two sources, kept apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TechniqueAccuracy {
    /// Share of labelled responses whose primary technique was one the request's
    /// `X-Expected-Techniques` header accepted, as every instance recorded them in its
    /// windows; `null` without labelled traffic in the range.
    #[schema(required)]
    pub labelled: Option<f64>,
    /// Labelled responses that `labelled` is computed over.
    pub labelled_checks: u64,
    /// Share of rated requests whose rating was 4 or 5.
    #[schema(required)]
    pub feedback_rated_helpful: Option<f64>,
    /// Of feedback naming a most helpful technique, the share naming the primary one.
    #[schema(required)]
    pub feedback_primary_agreement: Option<f64>,
}

/// One row of the technique comparison (`GET /api/v1/metrics/techniques`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TechniqueReport {
    #[serde(flatten)]
    pub traffic: TechniqueRow,
    /// The range's cost shared out by server time (see `busy_seconds`).
    #[schema(required)]
    pub cost_per_request_usd: Option<f64>,
    pub satisfaction: Satisfaction,
    #[schema(required)]
    pub feedback_primary_agreement: Option<f64>,
}

/// One instance of the fleet (`GET /api/v1/metrics/instances`): when it reported, whether
/// it still does, and its own figures over the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InstanceReport {
    /// Its `--metrics-source`.
    pub source: String,
    pub state: InstanceState,
    /// RFC 3339: the start of its first and the end of its last window in the range.
    pub first_window: String,
    pub last_window: String,
    /// RFC 3339: the end of the newest window it stored, in the range or not.
    pub last_seen: String,
    pub requests: u64,
    pub throughput_rps: f64,
    pub error_rate: f64,
    pub latency_ms: LatencyMs,
    /// Means of its gauge readings over the range.
    pub cpu_percent: f64,
    pub memory_bytes: f64,
    pub db_connections: f64,
}

/// `up` while the instance stores windows; `down` once none arrived for two windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstanceState {
    Up,
    Down,
}

/// One window the anomaly detector flagged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnomalyEvent {
    pub seq: u64,
    /// RFC 3339.
    pub window_start: String,
    pub window_end: String,
    /// `latency_p95_ms` or `error_rate`.
    pub metric: Metric,
    pub value: f64,
    /// Median of the windows before it.
    pub baseline: f64,
    /// Robust z-score: (value − baseline) / scale.
    pub score: f64,
    pub scale: f64,
}

/// A message of the live stream (`GET /api/v1/metrics/stream`), tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamMessage {
    /// One closed window, for the client's filter.
    Window(Box<WindowMessage>),
    /// The client fell behind and was dropped: reconnect with `?since=` the last `seq`.
    Lagged { resume: String },
}

/// One closed window of the fleet (or of the one instance the client asked for), as a
/// stream client receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WindowMessage {
    pub seq: u64,
    /// 0 when first sent. An instance's part that arrived after the window was sent makes
    /// it come again, corrected, with a higher revision: replace the earlier one.
    pub revision: u32,
    /// Instances whose parts are merged in it.
    pub instances: u32,
    /// RFC 3339.
    pub window_start: String,
    pub window_end: String,
    #[serde(flatten)]
    pub summary: Summary,
    pub sla: SlaReport,
    /// Present when the detector flagged this window (process-wide, whatever the filter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anomalies: Vec<AnomalyEvent>,
}
