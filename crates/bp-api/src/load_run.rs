//! The state of a load-generator run, pushed to the server while it runs so the dashboard
//! can show "load test running" with the client-side figures beside the server's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoadRunState {
    Running,
    /// Ran its plan (or stopped where the user asked) and every threshold held.
    Finished,
    /// Ran its plan, but a threshold failed: the run's exit code is 99.
    Failed,
    /// Cut short: `--abort-on-fail` or the hard time bound.
    Aborted,
}

/// `PUT /api/v1/load-runs/{id}` (admin): the run's latest client-side figures. Unknown
/// fields are ignored, so a newer generator can report to an older server (and the listed
/// `LoadRun`, this plus its id, has a schema that allows them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoadRunReport {
    /// Profile name, or `adhoc`.
    pub profile: String,
    pub state: LoadRunState,
    pub started_at: DateTime<Utc>,
    /// Virtual users now (closed model) or 0.
    #[schema(value_type = u64, maximum = 4294967295_u64)]
    #[serde(deserialize_with = "crate::integral::de")]
    pub users: u32,
    /// Target arrival rate now (open model), if any.
    #[serde(default)]
    pub target_rps: Option<f64>,
    pub elapsed_s: f64,
    pub duration_s: f64,
    #[serde(deserialize_with = "crate::integral::de")]
    pub requests: u64,
    #[serde(deserialize_with = "crate::integral::de")]
    pub errors: u64,
    pub throughput_rps: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// Share of enhanced prompts whose primary technique was acceptable for the row's label.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1)]
    pub technique_accuracy: Option<f64>,
    /// Requests that technique accuracy was computed over.
    #[serde(default, deserialize_with = "crate::integral::de")]
    pub labelled_requests: u64,
    /// What a stress run found of the server's capacity, in its final report.
    #[serde(default)]
    pub capacity: Option<Capacity>,
}

/// The capacity a stress run measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Capacity {
    /// The highest throughput of any full window: what the server delivered at saturation.
    pub breaking_point_rps: f64,
    /// The highest throughput of a window that still met the SLA.
    pub capacity_at_sla_rps: f64,
    /// The Universal Scalability Law fitted to throughput against requests in flight:
    /// the throughput it predicts at its peak (or its asymptote), if it found one.
    pub usl_peak_rps: Option<f64>,
    /// Contention (σ) and coherency (κ) of that fit.
    pub usl_sigma: Option<f64>,
    pub usl_kappa: Option<f64>,
}

/// A run as the server lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoadRun {
    pub id: String,
    pub updated_at: DateTime<Utc>,
    #[serde(flatten)]
    pub report: LoadRunReport,
}
