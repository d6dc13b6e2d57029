//! `GET /api/v1/metrics/anomalies`: the windows the fleet's detectors flagged, for a range.
//! Detection runs on every closed fleet window (see `bp_metrics::AnomalyDetector`); what it
//! flags is stored in the database ([`crate::telemetry::anomalies`]), so every instance
//! lists the same anomalies, restarts included.

use super::range::{RangeParams, TimeRangeParams};
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use crate::telemetry::anomalies;
use axum::extract::State;
use bp_api::ErrorBody;
use bp_api::metrics::AnomalyEvent;

#[utoipa::path(get, path = "/metrics/anomalies", tag = "metrics",
    params(TimeRangeParams),
    responses((status = 200, description = "Anomalous windows in the range, oldest first (at most the newest 10 000)", body = Vec<AnomalyEvent>),
              (status = 400, description = "Invalid range", body = ErrorBody),
              (status = 503, description = "The database did not answer", body = ErrorBody)))]
pub async fn anomalies(
    State(state): State<AppState>,
    Query(range): Query<TimeRangeParams>,
) -> Result<axum::Json<Vec<AnomalyEvent>>, ApiError> {
    let range = RangeParams::from(range);
    let window = range.window(super::window_secs(&state))?;
    let found = anomalies::list(state.store(), window.from_us, window.to_us).await?;
    Ok(axum::Json(found))
}
