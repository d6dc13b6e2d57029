//! The one error type of the HTTP layer. Every status code the API can answer with is chosen
//! in [`status_of`]; internal causes are logged, never sent to the client.

use crate::services::enhancer::EnhanceError;
use crate::services::keys::MintError;
use crate::services::load_runs::InvalidLoadRun;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bp_api::{ErrorBody, ErrorCode, ErrorDetail};
use std::time::Duration;

tokio::task_local! {
    /// The current request's id, set by the request-id middleware for the whole request so
    /// errors built anywhere below can carry it.
    pub static REQUEST_ID: String;
}

/// An error answered to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Option<serde_json::Value>,
    /// Sent as `Retry-After` with 429 and 503.
    pub retry_after: Option<Duration>,
}

/// The single place where protocol-neutral error codes become HTTP statuses.
pub const fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Validation => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Overloaded | ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Validation, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// Shed load: the client should come back shortly.
    pub fn overloaded(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Overloaded, message).with_retry_after(Duration::from_secs(1))
    }

    /// The wire form, with the current request id.
    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.code,
            message: self.message.clone(),
            details: self.details.clone(),
            request_id: REQUEST_ID.try_with(Clone::clone).unwrap_or_default(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(self.code);
        let body = ErrorBody {
            error: self.detail(),
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(after) = self.retry_after {
            let secs = after.as_secs().max(1);
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<bp_engine::EngineError> for ApiError {
    fn from(e: bp_engine::EngineError) -> Self {
        ApiError::validation(e.to_string())
    }
}

impl From<bp_engine::InvalidPrompt> for ApiError {
    fn from(e: bp_engine::InvalidPrompt) -> Self {
        ApiError::validation(e.to_string())
    }
}

impl From<bp_store::StoreError> for ApiError {
    fn from(e: bp_store::StoreError) -> Self {
        let code = e.code();
        match code {
            ErrorCode::Overloaded => {
                ApiError::overloaded("the server is at capacity; retry shortly")
            }
            ErrorCode::NotFound => ApiError::not_found("resource"),
            ErrorCode::Conflict => ApiError::new(code, e.to_string()),
            _ => {
                // Storage failures are ours, not the caller's: log the cause, send a generic
                // message, and ask the client to retry (the row was not acknowledged).
                tracing::error!(error = %e, "storage error");
                ApiError::new(
                    ErrorCode::Unavailable,
                    "storage is unavailable; retry shortly",
                )
                .with_retry_after(Duration::from_secs(1))
            }
        }
    }
}

impl From<MintError> for ApiError {
    fn from(e: MintError) -> Self {
        match e {
            MintError::InvalidName | MintError::InvalidRateLimit => {
                ApiError::validation(e.to_string())
            }
            MintError::Store(e) => e.into(),
        }
    }
}

impl From<InvalidLoadRun> for ApiError {
    fn from(e: InvalidLoadRun) -> Self {
        ApiError::validation(e.to_string())
    }
}

impl From<EnhanceError> for ApiError {
    fn from(e: EnhanceError) -> Self {
        match e {
            EnhanceError::Invalid(message) => ApiError::validation(message),
            EnhanceError::Store(e) => e.into(),
            EnhanceError::NotProduced => {
                tracing::error!("the caches returned fewer answers than asked for");
                ApiError::new(ErrorCode::Internal, "internal error")
            }
        }
    }
}
