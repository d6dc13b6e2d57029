//! Admin-only routes: API key management.

use crate::error::ApiError;
use crate::extract::Json;
use crate::middleware::auth::Caller;
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use bp_api::{CreateKeyRequest, CreateKeyResponse, ErrorBody};

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
    caller.require_admin()?;
    let created = state.keys().mint(request).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}
