//! Load-generator runs: `PUT /load-runs/{id}` (admin) while a run goes on, `GET /load-runs`
//! for the dashboard's load-test panel. Kept in memory: a run's live state matters while
//! it runs; its figures of record are the metrics windows and the generator's own report.

use crate::error::ApiError;
use crate::extract::Json;
use crate::middleware::auth::Caller;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Path, State};
use bp_api::{ErrorBody, LoadRun, LoadRunReport};
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

/// Runs remembered, newest last.
const KEPT_RUNS: usize = 50;
const MAX_ID_CHARS: usize = 64;

#[derive(Default)]
pub struct LoadRuns(Mutex<VecDeque<LoadRun>>);

impl LoadRuns {
    fn upsert(&self, run: LoadRun) {
        let mut runs = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        runs.retain(|r| r.id != run.id);
        runs.push_back(run);
        while runs.len() > KEPT_RUNS {
            runs.pop_front();
        }
    }

    pub fn list(&self) -> Vec<LoadRun> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .rev()
            .cloned()
            .collect()
    }

    /// Requests-weighted client-side technique accuracy of runs active in the range.
    pub fn labelled_accuracy(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Option<f64> {
        let runs = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut weighted, mut n) = (0.0, 0u64);
        for run in runs
            .iter()
            .filter(|r| r.report.started_at < to && r.updated_at >= from)
        {
            if let Some(a) = run.report.technique_accuracy {
                weighted += a * run.report.labelled_requests as f64;
                n += run.report.labelled_requests;
            }
        }
        (n > 0).then(|| weighted / n as f64)
    }
}

#[utoipa::path(put, path = "/load-runs/{id}", tag = "metrics",
    params(("id" = String, Path, description = "The run's id, chosen by the generator")),
    request_body = LoadRunReport,
    responses((status = 200, description = "Stored", body = LoadRun),
              (status = 400, description = "Invalid report", body = ErrorBody),
              (status = 403, description = "Not an admin key", body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn report(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(report): Json<LoadRunReport>,
) -> Result<axum::Json<LoadRun>, ApiError> {
    caller.require_admin()?;
    if id.is_empty()
        || id.len() > MAX_ID_CHARS
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ApiError::validation(
            "a run id is 1-64 characters of a-z, A-Z, 0-9, '-' and '_'",
        ));
    }
    if report
        .technique_accuracy
        .is_some_and(|a| !(0.0..=1.0).contains(&a))
    {
        return Err(ApiError::validation(
            "technique_accuracy is a share between 0 and 1",
        ));
    }
    let run = LoadRun {
        id,
        updated_at: chrono::Utc::now(),
        report,
    };
    state.load_runs().upsert(run.clone());
    Ok(axum::Json(run))
}

#[utoipa::path(get, path = "/load-runs", tag = "metrics",
    responses((status = 200, description = "Recent load-generator runs, newest first", body = Vec<LoadRun>)))]
pub async fn list(State(state): State<AppState>) -> axum::Json<Vec<LoadRun>> {
    axum::Json(state.load_runs().list())
}
