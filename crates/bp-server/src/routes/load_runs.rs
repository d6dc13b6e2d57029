//! `PUT /load-runs/{id}` (admin) while a run goes on, `GET /load-runs` for the dashboard's
//! load-test panel; the runs are stored by [`crate::services::load_runs`] in the database,
//! so every instance of a fleet lists the same ones.

use crate::error::ApiError;
use crate::extract::Json;
use crate::middleware::auth::Caller;
use crate::services::load_runs;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Path, State};
use bp_api::{ErrorBody, LoadRun, LoadRunReport};

#[utoipa::path(put, path = "/load-runs/{id}", tag = "metrics",
    params(("id" = String, Path, description = "The run's id, chosen by the generator",
        pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = LoadRunReport,
    responses((status = 200, description = "Stored", body = LoadRun),
              (status = 400, description = "Invalid report", body = ErrorBody),
              (status = 401, description = "API key missing or invalid", body = ErrorBody),
              (status = 403, description = "Not an admin key", body = ErrorBody),
              (status = 503, description = "The database did not answer", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn report(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(report): Json<LoadRunReport>,
) -> Result<axum::Json<LoadRun>, ApiError> {
    caller.require_admin()?;
    let run = load_runs::validate(id, report, chrono::Utc::now())?;
    load_runs::store(state.store(), &run).await?;
    Ok(axum::Json(run))
}

#[utoipa::path(operation_id = "list_load_runs", get, path = "/load-runs", tag = "metrics",
    responses((status = 200, description = "Recent load-generator runs, newest first", body = Vec<LoadRun>),
              (status = 503, description = "The database did not answer", body = ErrorBody)))]
pub async fn list(State(state): State<AppState>) -> Result<axum::Json<Vec<LoadRun>>, ApiError> {
    Ok(axum::Json(load_runs::list(state.store()).await?))
}
