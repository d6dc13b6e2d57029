//! Liveness and readiness probes (outside `/api/v1`, no auth, no rate limit).

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    status: &'static str,
    storage: &'static str,
    cache: &'static str,
    history_writer: &'static str,
}

#[utoipa::path(get, path = "/health", tag = "ops",
    responses((status = 200, description = "The process is up", body = Health)))]
pub async fn health() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

#[utoipa::path(get, path = "/ready", tag = "ops",
    responses(
        (status = 200, description = "Storage, cache and writer are usable", body = Readiness),
        (status = 503, description = "A dependency is down", body = Readiness),
    ))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, axum::Json<Readiness>) {
    let storage_ok = state.store().ping().await.is_ok();
    // An empty submission is answered at once: Ok while the writer accepts rows.
    let writer_ok = state.writer().submit(Vec::new()).is_ok();
    let ok = storage_ok && writer_ok;
    let word = |b: bool| if b { "ok" } else { "down" };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    // The in-process cache cannot be down; a Redis cache would be pinged here.
    let body = Readiness {
        status: if ok { "ready" } else { "not_ready" },
        storage: word(storage_ok),
        cache: "ok",
        history_writer: word(writer_ok),
    };
    (status, axum::Json(body))
}
