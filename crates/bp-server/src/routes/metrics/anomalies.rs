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
use bp_api::metrics::AnomalyEvent;
use bp_metrics::Anomaly;

/// The wire form of one flagged window.
pub fn anomaly_event(a: &Anomaly) -> AnomalyEvent {
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
    Ok(axum::Json(found.iter().map(anomaly_event).collect()))
}
