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
    /// `ready`, `degraded` (serving, but Redis is down: no shared cache, and each
    /// instance enforces its share of the rate limits) or `not_ready`.
    status: &'static str,
    storage: &'static str,
    cache: &'static str,
    /// `ok`, `down`, or `not_configured`.
    redis: &'static str,
    history_writer: &'static str,
}

#[utoipa::path(get, path = "/health", tag = "ops",
    responses((status = 200, description = "The process is up", body = Health)))]
pub async fn health() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

#[utoipa::path(get, path = "/ready", tag = "ops",
    responses(
        (status = 200, description = "Storage and writer are usable (Redis may be down: `degraded`)", body = Readiness),
        (status = 503, description = "A dependency is down", body = Readiness),
    ))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, axum::Json<Readiness>) {
    let storage_ok = state.store().ping().await.is_ok();
    // An empty submission is answered at once: Ok while the writer accepts rows.
    let writer_ok = state.writer().submit(Vec::new()).is_ok();
    // Requests are served without Redis, so a Redis outage degrades the instance but must
    // not take it (and every instance sharing that Redis) out of the load balancer.
    let redis_ok = match state.redis() {
        Some(redis) => Some(redis.ping().await),
        None => None,
    };
    let ok = storage_ok && writer_ok;
    let word = |b: bool| if b { "ok" } else { "down" };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Readiness {
        status: match (ok, redis_ok) {
            (false, _) => "not_ready",
            (true, Some(false)) => "degraded",
            (true, _) => "ready",
        },
        storage: word(storage_ok),
        // The in-process cache cannot be down.
        cache: "ok",
        redis: redis_ok.map_or("not_configured", word),
        history_writer: word(writer_ok),
    };
    (status, axum::Json(body))
}
