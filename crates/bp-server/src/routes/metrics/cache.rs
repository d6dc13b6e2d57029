//! A short-lived cache of metrics query answers. Dashboards ask the same questions at the
//! same moment — every open page refreshes when a window closes — and an answer changes
//! only when a new window is stored or feedback arrives. So answers are keyed by the
//! request's path and query, the newest stored window and a feedback generation, and
//! identical queries in flight are computed once. (A load run's client-side accuracy may
//! lag by one window: runs report every second, and dropping every answer that often would
//! undo the cache exactly when a load test is watched.)

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use bp_api::ErrorCode;
use moka::future::Cache;
use serde::Serialize;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Enough for many distinct views; each answer is a few KiB to a few hundred KiB.
const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// A stored window moves the key on; this only bounds how long an unused answer stays.
const TIME_TO_LIVE: Duration = Duration::from_secs(120);

pub struct QueryCache {
    answers: Cache<(String, u64, u64), Bytes>,
    feedback_generation: AtomicU64,
}

impl Default for QueryCache {
    fn default() -> Self {
        QueryCache {
            answers: Cache::builder()
                .max_capacity(MAX_BYTES)
                .weigher(|_, v: &Bytes| u32::try_from(v.len()).unwrap_or(u32::MAX))
                .time_to_live(TIME_TO_LIVE)
                .build(),
            feedback_generation: AtomicU64::new(0),
        }
    }
}

impl QueryCache {
    /// New feedback changes satisfaction and accuracy figures: later queries recompute.
    pub fn feedback_changed(&self) {
        self.feedback_generation.fetch_add(1, Ordering::Release);
    }
}

/// The JSON answer to `uri`, from the cache or from `compute`. Errors are not cached.
pub async fn answer<T, F>(state: &AppState, uri: &Uri, compute: F) -> Result<Response, ApiError>
where
    T: Serialize,
    F: Future<Output = Result<T, ApiError>>,
{
    let cache = state.query_cache();
    let key = (
        uri.to_string(),
        state.telemetry().stored_through(),
        cache.feedback_generation.load(Ordering::Acquire),
    );
    let body = cache
        .answers
        .try_get_with(key, async {
            let value = compute.await?;
            serde_json::to_vec(&value).map(Bytes::from).map_err(|e| {
                tracing::error!(error = %e, "a metrics answer did not serialise");
                ApiError::new(ErrorCode::Internal, "internal error")
            })
        })
        .await
        .map_err(|e| (*e).clone())?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
