//! `GET /dashboard`: the performance dashboard's page and bundle, embedded in the binary
//! (crate `bp-dashboard`, the default `dashboard` feature). It reads everything from the
//! metrics API and the live stream. A build without the feature (no Node.js needed) answers
//! 404 here.

use crate::error::ApiError;
use axum::extract::Path;
#[cfg(feature = "dashboard")]
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

/// The page. Revalidated on every load, so an upgraded binary shows its own dashboard.
pub async fn page() -> Response {
    file("").await
}

/// `/dashboard/{file}`: the bundle beside the page.
pub async fn asset(Path(path): Path<String>) -> Response {
    file(&path).await
}

/// `/` leads to the dashboard: it is what a person opening the server's address wants.
pub async fn root() -> Redirect {
    Redirect::to("/dashboard")
}

#[cfg(not(feature = "dashboard"))]
async fn file(_path: &str) -> Response {
    ApiError::new(
        bp_api::ErrorCode::NotFound,
        "this build has no dashboard (built without the `dashboard` feature)",
    )
    .into_response()
}

/// The page runs only its own bundle: no inline script or style, no other origin, never
/// inside a frame (clickjacking), and no referrer leaves it.
#[cfg(feature = "dashboard")]
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[cfg(feature = "dashboard")]
async fn file(path: &str) -> Response {
    match bp_dashboard::asset(path) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "no-cache"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
                (header::X_FRAME_OPTIONS, "DENY"),
                (header::REFERRER_POLICY, "no-referrer"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => ApiError::not_found("dashboard file").into_response(),
    }
}
