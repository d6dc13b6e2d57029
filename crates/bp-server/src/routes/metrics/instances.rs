//! `GET /api/v1/metrics/instances`: every instance (metrics source) that stored windows in
//! a range, whether it still does, and its own figures.

use super::range::RangeParams;
use super::stream::rfc3339;
use super::{load, window_secs};
use crate::error::ApiError;
use crate::extract::Query;
use crate::services::fleet;
use crate::state::AppState;
use axum::extract::State;
use bp_api::ErrorBody;
use bp_api::metrics::{InstanceReport, InstanceState};

#[utoipa::path(get, path = "/metrics/instances", tag = "metrics", params(RangeParams),
    responses((status = 200, description = "Each instance seen in the range, by source", body = Vec<InstanceReport>),
              (status = 400, description = "Invalid range or filter", body = ErrorBody)))]
pub async fn instances(
    State(state): State<AppState>,
    Query(range): Query<RangeParams>,
) -> Result<axum::Json<Vec<InstanceReport>>, ApiError> {
    let secs = window_secs(&state);
    let window = range.window(secs)?;
    let filter = range.filter()?;
    let now_us = crate::telemetry::now_us();
    let last_seen = fleet::last_seen(state.store(), secs, now_us).await?;
    let reports = load(&state, &window, range.source.as_deref())
        .await?
        .into_iter()
        .filter_map(|instance| {
            let first = instance.windows.iter().map(|w| w.start_unix_us).min()?;
            let last = instance.windows.iter().map(|w| w.end_unix_us).max()?;
            let seen = last_seen
                .get(&instance.source)
                .copied()
                .unwrap_or(last)
                .max(last);
            let s = bp_metrics::summary(&instance.windows, &filter);
            Some(InstanceReport {
                state: if fleet::is_up(seen, secs, now_us) {
                    InstanceState::Up
                } else {
                    InstanceState::Down
                },
                source: instance.source,
                first_window: rfc3339(first),
                last_window: rfc3339(last),
                last_seen: rfc3339(seen),
                requests: s.requests,
                throughput_rps: s.throughput_rps,
                error_rate: s.error_rate,
                latency_ms: s.latency_ms,
                cpu_percent: s.cpu_percent,
                memory_bytes: s.memory_bytes,
                db_connections: s.db.pool.size,
            })
        })
        .collect();
    Ok(axum::Json(reports))
}
