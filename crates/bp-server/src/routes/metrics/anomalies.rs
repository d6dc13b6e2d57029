//! `GET /api/v1/metrics/anomalies`: the windows this instance's detector flagged, for a
//! range. Detection runs on every closed window (see `bp_metrics::AnomalyDetector`); the
//! latest ones are kept in memory, so the list covers this process's lifetime (bounded).

use super::range::RangeParams;
use super::stream::rfc3339;
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use axum::extract::State;
use bp_api::ErrorBody;
use bp_metrics::{Anomaly, Metric};
use serde::Serialize;
use utoipa::ToSchema;

/// One flagged window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnomalyEvent {
    pub seq: u64,
    /// RFC 3339.
    pub window_start: String,
    pub window_end: String,
    /// `latency_p95_ms` or `error_rate`.
    #[schema(value_type = String)]
    pub metric: Metric,
    pub value: f64,
    /// Median of the windows before it.
    pub baseline: f64,
    /// Robust z-score: (value − baseline) / scale.
    pub score: f64,
    pub scale: f64,
}

impl From<&Anomaly> for AnomalyEvent {
    fn from(a: &Anomaly) -> Self {
        AnomalyEvent {
            seq: a.seq,
            window_start: rfc3339(a.window_start_unix_us),
            window_end: rfc3339(a.window_end_unix_us),
            metric: a.metric,
            value: a.value,
            baseline: a.baseline,
            score: a.score,
            scale: a.scale,
        }
    }
}

#[utoipa::path(get, path = "/metrics/anomalies", tag = "metrics",
    params(("from" = Option<String>, Query, description = "Start: RFC 3339 or relative like `-15m` (default `-15m`)"),
           ("to" = Option<String>, Query, description = "End: RFC 3339, relative, or `now` (default)")),
    responses((status = 200, description = "Anomalous windows in the range, oldest first", body = Vec<AnomalyEvent>),
              (status = 400, description = "Invalid range", body = ErrorBody)))]
pub async fn anomalies(
    State(state): State<AppState>,
    Query(range): Query<RangeParams>,
) -> Result<axum::Json<Vec<AnomalyEvent>>, ApiError> {
    let window = range.window(super::window_secs(&state))?;
    let found = state
        .telemetry()
        .anomalies_between(window.from_us, window.to_us);
    Ok(axum::Json(found.iter().map(AnomalyEvent::from).collect()))
}
