//! The SLA: its targets, each target checked per window and over a range, and the error
//! budget. The definitions live with the evaluation, in `bp_metrics::evaluate_sla`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which responses count as errors for the error-rate target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorsCounted {
    #[default]
    ClientAndServer,
    ServerOnly,
}

/// The SLA of the product plan; every field configurable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SlaTargets {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// Exclusive upper bound, as a fraction (0.001 = 0.1 %).
    pub max_error_rate: f64,
    pub errors_counted: ErrorsCounted,
    /// Inclusive lower bound, as a fraction (0.999 = 99.9 %).
    pub availability: f64,
    /// Sustained-throughput target. `null` by default: it is a capacity target that only
    /// a load test offering that rate can check; on ordinary traffic every quiet window
    /// would fail it.
    #[schema(required)]
    pub min_throughput_rps: Option<f64>,
}

impl Default for SlaTargets {
    fn default() -> Self {
        SlaTargets {
            p50_ms: 100.0,
            p95_ms: 200.0,
            p99_ms: 500.0,
            max_error_rate: 0.001,
            errors_counted: ErrorsCounted::ClientAndServer,
            availability: 0.999,
            min_throughput_rps: None,
        }
    }
}

/// One target checked: its value (`null` without requests), the target, and the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Check {
    #[schema(required)]
    pub value: Option<f64>,
    pub target: f64,
    pub met: bool,
}

/// Every target checked over one window (or over a whole range).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlaVerdict {
    pub start_unix_us: u64,
    pub end_unix_us: u64,
    pub requests: u64,
    pub p50_ms: Check,
    pub p95_ms: Check,
    pub p99_ms: Check,
    pub error_rate: Check,
    pub availability: Check,
    #[schema(required)]
    pub throughput_rps: Option<Check>,
    /// All targets met.
    pub compliant: bool,
}

/// The remaining error budget of an availability target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBudget {
    pub availability_target: f64,
    pub requests: u64,
    /// 5xx responses.
    pub failed_requests: u64,
    /// (1 − target) × requests.
    pub allowed_failures: f64,
    /// allowed − failed; negative once overspent.
    pub remaining_failures: f64,
    /// remaining / allowed (1 with no requests yet); negative once overspent.
    pub remaining_ratio: f64,
    pub exhausted: bool,
}

impl ErrorBudget {
    pub fn compute(requests: u64, failed_requests: u64, availability_target: f64) -> ErrorBudget {
        let allowed_failures = (1.0 - availability_target) * requests as f64;
        let remaining_failures = allowed_failures - failed_requests as f64;
        let remaining_ratio = if allowed_failures > 0.0 {
            remaining_failures / allowed_failures
        } else if failed_requests == 0 {
            1.0
        } else {
            -1.0
        };
        ErrorBudget {
            availability_target,
            requests,
            failed_requests,
            allowed_failures,
            remaining_failures,
            remaining_ratio,
            exhausted: remaining_failures < 0.0 || (allowed_failures <= 0.0 && failed_requests > 0),
        }
    }
}

/// The SLA over a range of windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlaReport {
    pub targets: SlaTargets,
    pub windows: Vec<SlaVerdict>,
    pub compliant_windows: u64,
    /// compliant / all windows (1 with no windows).
    pub compliance_ratio: f64,
    /// The targets checked once over everything merged.
    pub overall: SlaVerdict,
    /// Over the requests of the range: pass the last 30 days for the usual budget.
    pub error_budget: ErrorBudget,
    /// Of the time the fleet's instances were expected to serve, the share they did (an
    /// instance's gap between its first and last window counts as down); availability is
    /// multiplied by it. `null` where it is not computed: the live stream's windows. The
    /// error budget stays request-based (5xx against the allowed share).
    #[serde(default)]
    #[schema(required)]
    pub uptime: Option<f64>,
}
