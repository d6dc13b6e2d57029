//! Admin-only routes: API key management (create, list, revoke, rotate) and the audit log.
//! The `auth::administer` layer refuses other callers before any of these run.

use crate::error::ApiError;
use crate::extract::{Json, PathId, Query};
use crate::middleware::auth::Caller;
use crate::services::audit::{self, Actor};
use crate::services::keys;
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use bp_api::{
    AuditEvent, CreateKeyRequest, CreateKeyResponse, ErrorBody, KeyInfo, MAX_ROTATION_OVERLAP_S,
    RotateKeyRequest, RotateKeyResponse,
};
use serde::Deserialize;
use std::time::Duration;
use utoipa::IntoParams;

/// The admin behind a request (the layer guarantees one).
fn actor(caller: &Caller) -> Result<Actor, ApiError> {
    let admin = caller.require_admin()?;
    Ok(Actor::key(admin.id, &admin.name))
}

/// Appends to the audit log after the action succeeded. The action stands if the log write
/// fails (it is logged as an error): refusing it then would leave it half done.
async fn audit(state: &AppState, actor: &Actor, action: &str, target: &str, detail: String) {
    if let Err(e) = audit::record(state.store(), actor, action, target, detail).await {
        tracing::error!(error = %e, action, target, "could not write the audit log");
    }
}

#[utoipa::path(
    post, path = "/admin/keys", tag = "admin",
    request_body = CreateKeyRequest,
    responses(
        (status = 201, description = "The new key; the secret is shown only here", body = CreateKeyResponse),
        (status = 400, description = "Invalid request", body = ErrorBody),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "Not an admin key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create_key(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(request): Json<CreateKeyRequest>,
) -> Result<(StatusCode, axum::Json<CreateKeyResponse>), ApiError> {
    let actor = actor(&caller)?;
    let created = state.keys().mint(request).await?;
    let expiry = created
        .expires_at
        .map_or("never expires".to_owned(), |at| format!("expires {at}"));
    let detail = format!(
        "created \"{}\": {} role, {} tier, {expiry}",
        created.name,
        created.role.as_str(),
        created.tier.as_str()
    );
    audit(
        &state,
        &actor,
        "key.create",
        &created.id.to_string(),
        detail,
    )
    .await;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[utoipa::path(
    operation_id = "list_keys", get, path = "/admin/keys", tag = "admin",
    responses(
        (status = 200, description = "Every key, newest first, without secrets or hashes", body = Vec<KeyInfo>),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "Not an admin key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list_keys(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<axum::Json<Vec<KeyInfo>>, ApiError> {
    caller.require_admin()?;
    let listed = state.store().list_keys().await?;
    Ok(axum::Json(listed.iter().map(keys::info).collect()))
}

#[utoipa::path(
    operation_id = "revoke_key", delete, path = "/admin/keys/{id}", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "The key's id")),
    responses(
        (status = 204, description = "Revoked: refused on every instance within one metrics window"),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "Not an admin key", body = ErrorBody),
        (status = 404, description = "No such key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn revoke_key(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    let actor = actor(&caller)?;
    if !state.keys().revoke(id).await? {
        return Err(ApiError::not_found("key"));
    }
    audit(
        &state,
        &actor,
        "key.revoke",
        &id.to_string(),
        "revoked".to_owned(),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    operation_id = "rotate_key", post, path = "/admin/keys/{id}/rotate", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "The key's id")),
    request_body = RotateKeyRequest,
    responses(
        (status = 200, description = "The new secret, shown only here; the old one works until `previous_secret_valid_until`", body = RotateKeyResponse),
        (status = 400, description = "Overlap out of range", body = ErrorBody),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "Not an admin key", body = ErrorBody),
        (status = 404, description = "No such live key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn rotate_key(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathId(id): PathId,
    Json(request): Json<RotateKeyRequest>,
) -> Result<axum::Json<RotateKeyResponse>, ApiError> {
    let actor = actor(&caller)?;
    if request.overlap_seconds > MAX_ROTATION_OVERLAP_S {
        return Err(ApiError::validation(format!(
            "overlap_seconds must be 0..={MAX_ROTATION_OVERLAP_S}; got {}",
            request.overlap_seconds
        )));
    }
    let overlap = Duration::from_secs(u64::from(request.overlap_seconds));
    let rotated = state
        .keys()
        .rotate(id, overlap)
        .await?
        .ok_or_else(|| ApiError::not_found("live key"))?;
    let detail = format!(
        "new secret; the previous one works until {}",
        rotated.previous_secret_valid_until
    );
    audit(&state, &actor, "key.rotate", &id.to_string(), detail).await;
    Ok(axum::Json(rotated))
}

/// `GET /admin/audit`'s query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Events at or after this time (RFC 3339); default: 30 days before `to`. A range that
    /// is empty or backwards lists nothing.
    from: Option<chrono::DateTime<chrono::Utc>>,
    /// Events before this time (RFC 3339); default: now.
    to: Option<chrono::DateTime<chrono::Utc>>,
    /// At most this many, newest first: 1..=500, default 100.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

#[utoipa::path(
    operation_id = "list_audit_events", get, path = "/admin/audit", tag = "admin",
    params(AuditQuery),
    responses(
        (status = 200, description = "Administrative actions, newest first", body = Vec<AuditEvent>),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "Not an admin key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list_audit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<AuditQuery>,
) -> Result<axum::Json<Vec<AuditEvent>>, ApiError> {
    caller.require_admin()?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=audit::MAX_LISTED).contains(&limit) {
        return Err(ApiError::validation(format!(
            "limit must be 1..={}; got {limit}",
            audit::MAX_LISTED
        )));
    }
    let to = query.to.unwrap_or_else(chrono::Utc::now);
    let from = query
        .from
        .unwrap_or_else(|| to - chrono::Duration::days(30));
    // Like the metrics ranges: a well-formed range is answered, an empty one with nothing.
    if from >= to {
        return Ok(axum::Json(Vec::new()));
    }
    let events = audit::list(
        state.store(),
        from.timestamp_micros(),
        to.timestamp_micros(),
        limit,
    )
    .await?;
    Ok(axum::Json(events))
}
