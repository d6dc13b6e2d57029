//! `/admin/faults` (admin role): set, read and clear the latency injected into
//! `/enhance`, `/batch` and `/analyze`. The switch is per instance and not persisted.

use crate::error::ApiError;
use crate::extract::Json;
use crate::middleware::auth::Caller;
use crate::services::audit::{self, Actor};
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use bp_api::{ErrorBody, Faults, MAX_ADDED_LATENCY_MS};
use bp_store::ApiKeyRecord;

/// The fault switch is per instance; its log is the fleet's, in the store.
async fn audit(state: &AppState, admin: &ApiKeyRecord, action: &str, detail: String) {
    let actor = Actor::key(admin.id, &admin.name);
    let target = format!("faults of {}", state.telemetry().config().source);
    if let Err(e) = audit::record(state.store(), &actor, action, &target, detail).await {
        tracing::error!(error = %e, action, "could not write the audit log");
    }
}

#[utoipa::path(operation_id = "get_faults",
    get, path = "/admin/faults", tag = "admin",
    responses(
        (status = 200, description = "The faults now injected", body = Faults),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "Not an admin key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<axum::Json<Faults>, ApiError> {
    caller.require_admin()?;
    Ok(axum::Json(state.faults().get()))
}

#[utoipa::path(
    put, path = "/admin/faults", tag = "admin",
    request_body = Faults,
    responses(
        (status = 200, description = "Set; applies to requests arriving from now on", body = Faults),
        (status = 400, description = "added_latency_ms outside 0..=10000", body = ErrorBody),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "Not an admin key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn put(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(faults): Json<Faults>,
) -> Result<axum::Json<Faults>, ApiError> {
    let admin = caller.require_admin()?;
    if faults.added_latency_ms > MAX_ADDED_LATENCY_MS {
        return Err(ApiError::validation(format!(
            "added_latency_ms must be 0..={MAX_ADDED_LATENCY_MS}; got {}",
            faults.added_latency_ms
        )));
    }
    state.faults().set(faults);
    tracing::warn!(
        added_latency_ms = faults.added_latency_ms,
        "fault switch set"
    );
    audit(
        &state,
        admin,
        "faults.set",
        format!("added_latency_ms = {}", faults.added_latency_ms),
    )
    .await;
    Ok(axum::Json(faults))
}

#[utoipa::path(
    delete, path = "/admin/faults", tag = "admin",
    responses(
        (status = 200, description = "Cleared: nothing is injected any more", body = Faults),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "Not an admin key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn clear(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<axum::Json<Faults>, ApiError> {
    let admin = caller.require_admin()?;
    state.faults().set(Faults::default());
    tracing::info!("fault switch cleared");
    audit(&state, admin, "faults.clear", "cleared".to_owned()).await;
    Ok(axum::Json(Faults::default()))
}
