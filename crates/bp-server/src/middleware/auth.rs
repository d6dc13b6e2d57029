//! Authentication and rate limiting: resolves the caller from `Authorization: Bearer <key>`
//! (anonymous without one), applies the caller's per-minute budget, and reports it in the
//! `X-RateLimit-*` headers of every response.

use super::record::CallerTags;
use crate::error::ApiError;
use crate::services::rate_limit::Decision;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bp_api::{ErrorCode, Role, Segment};
use bp_metrics::CallerId;
use bp_store::ApiKeyRecord;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Who made the request; inserted into the request extensions for handlers.
#[derive(Debug, Clone)]
pub struct Caller {
    pub key: Option<Arc<ApiKeyRecord>>,
    pub segment: Segment,
    pub region: Arc<str>,
}

impl Caller {
    /// The key's id, for endpoints that need one (history, batch, feedback).
    pub fn require_key(&self) -> Result<&ApiKeyRecord, ApiError> {
        self.key.as_deref().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthorized,
                "this endpoint needs an API key: `Authorization: Bearer <key>`",
            )
        })
    }

    pub fn require_admin(&self) -> Result<&ApiKeyRecord, ApiError> {
        let key = self.require_key()?;
        if key.role != Role::Admin {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "this endpoint needs the admin role",
            ));
        }
        Ok(key)
    }
}

/// Which side of the service a route is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// The product API: enhance, batch, history, feedback, admin. Anonymous callers reach
    /// what does not name a key; viewer keys are refused; every call spends the caller's
    /// per-minute budget.
    Product,
    /// The product API's routes on a caller's own data (batch, history, feedback): as
    /// `Product`, and a key is needed, refused before anything of the request is read.
    Keyed,
    /// The service's own figures (metrics, exports, the stream, load runs, `/metrics`):
    /// business data of every tenant, so a viewer or admin key unless the operator serves
    /// them publicly. Unmetered: a dashboard polls them and must keep working while its
    /// user's budget is spent; admission control still bounds them.
    Figures,
    /// Administration: an admin key, refused before anything of the request is read, so a
    /// caller without the role learns nothing from validation errors. Rate limited.
    Admin,
}

impl Access {
    /// Whether `caller` may use a route of this side.
    fn admit(self, caller: &Caller, public_figures: bool) -> Result<(), ApiError> {
        let role = caller.key.as_ref().map(|k| k.role);
        match (self, role) {
            (Access::Product, Some(Role::Viewer)) => Err(ApiError::new(
                ErrorCode::Forbidden,
                "a viewer key reads the service's figures only; the product API needs a user or admin key",
            )),
            (Access::Product, _) => Ok(()),
            (Access::Keyed, None) => Err(ApiError::new(
                ErrorCode::Unauthorized,
                "this endpoint needs an API key: `Authorization: Bearer <key>`",
            )),
            (Access::Keyed, Some(Role::Viewer)) => Err(ApiError::new(
                ErrorCode::Forbidden,
                "a viewer key reads the service's figures only; the product API needs a user or admin key",
            )),
            (Access::Keyed, _) => Ok(()),
            (Access::Figures, _) if public_figures => Ok(()),
            (Access::Figures, None) => Err(ApiError::new(
                ErrorCode::Unauthorized,
                "the service's figures need a viewer or admin key: `Authorization: Bearer <key>`",
            )),
            (Access::Figures, Some(role)) if role.may_observe() => Ok(()),
            (Access::Figures, Some(_)) => Err(ApiError::new(
                ErrorCode::Forbidden,
                "the service's figures need a viewer or admin key; a user key reaches the product API and its own history",
            )),
            (Access::Admin, None) => Err(ApiError::new(
                ErrorCode::Unauthorized,
                "this endpoint needs an admin key: `Authorization: Bearer <key>`",
            )),
            (Access::Admin, Some(Role::Admin)) => Ok(()),
            (Access::Admin, Some(_)) => Err(ApiError::new(
                ErrorCode::Forbidden,
                "this endpoint needs the admin role",
            )),
        }
    }
}

/// The product API's layer: resolves the caller and applies their rate limit.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    authenticate_with(state, req, next, Access::Product).await
}

/// The layer of the product routes on a caller's own data: a user or admin key, held to
/// its rate limit.
pub async fn authenticate_keyed(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    authenticate_with(state, req, next, Access::Keyed).await
}

/// The administration's layer: an admin key, held to its rate limit.
pub async fn administer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    authenticate_with(state, req, next, Access::Admin).await
}

/// The figures' layer: resolves the caller, who must be a viewer or an admin (unless the
/// figures are public), without spending their rate limit.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    authenticate_with(state, req, next, Access::Figures).await
}

async fn authenticate_with(
    state: AppState,
    mut req: Request,
    next: Next,
    access: Access,
) -> Response {
    let caller = match resolve(&state, req.headers()).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = access.admit(&caller, state.config().public_metrics) {
        return e.into_response();
    }
    let user = match user_id(req.headers()) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    let decision = match access {
        Access::Product | Access::Keyed | Access::Admin => {
            state
                .limiter()
                .check_caller(&state.config().rate_limits, caller.key.as_deref(), ip)
                .await
        }
        Access::Figures => None,
    };
    if let Some(d) = decision.filter(|d| !d.allowed) {
        let mut response = ApiError::new(ErrorCode::RateLimited, "rate limit exceeded")
            .with_retry_after(Duration::from_secs(d.reset_secs))
            .into_response();
        set_headers(response.headers_mut(), &d);
        return response;
    }
    let tags = CallerTags {
        segment: caller.segment,
        caller: caller_id(caller.key.as_deref().map(|k| k.id), user.as_deref(), ip),
    };
    req.extensions_mut().insert(caller);
    let mut response = next.run(req).await;
    response.extensions_mut().insert(tags);
    if let Some(d) = decision {
        set_headers(response.headers_mut(), &d);
    }
    response
}

/// A browser cannot set headers on a WebSocket; it offers the key as the subprotocol
/// `bearer.<key>` beside [`STREAM_PROTOCOL`] instead, which keeps the key out of the URL
/// (and so out of access logs and history).
pub const BEARER_PROTOCOL_PREFIX: &str = "bearer.";
/// The subprotocol the metrics stream answers with.
pub const STREAM_PROTOCOL: &str = "betterprompts";

/// The key a request presents: `Authorization: Bearer <key>`, or on a WebSocket upgrade the
/// `bearer.<key>` subprotocol. `Ok(None)`: no key.
fn presented_key(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        return auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Some)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Unauthorized,
                    "expected `Authorization: Bearer <key>`",
                )
            });
    }
    Ok(headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| p.trim().strip_prefix(BEARER_PROTOCOL_PREFIX))
        .filter(|t| !t.is_empty()))
}

async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let region = region(headers, &state.config().default_region)?;
    let Some(token) = presented_key(headers)? else {
        return Ok(Caller {
            key: None,
            segment: Segment::Anonymous,
            region,
        });
    };
    let key = state
        .keys()
        .lookup(token)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "invalid or revoked API key"))?;
    Ok(Caller {
        segment: key.tier.into(),
        key: Some(key),
        region,
    })
}

/// The longest `X-User-Id` accepted.
pub const MAX_USER_ID_LEN: usize = 128;

/// `X-User-Id`: the person behind the key, as a pseudonymous id the client chooses (our
/// load generator and k6 suite send one per virtual user), so "users" counts people, not
/// keys. 1..=128 visible ASCII characters.
fn user_id(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("x-user-id") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(id)
            if (1..=MAX_USER_ID_LEN).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(Some(id.to_owned()))
        }
        _ => Err(ApiError::validation(format!(
            "`X-User-Id` must be 1..={MAX_USER_ID_LEN} visible ASCII characters"
        ))),
    }
}

/// An opaque id for "users": the user the key's client named, else the key, else the IP of
/// an anonymous caller. A user id is scoped by its key, so two tenants' `user-1` are two
/// users. FxHash has no random seed: every instance of a fleet gives a user the same id,
/// so their distinct-user counts merge.
fn caller_id(key: Option<uuid::Uuid>, user: Option<&str>, ip: IpAddr) -> CallerId {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    match key {
        Some(id) => id.hash(&mut h),
        None => ip.hash(&mut h),
    }
    if let Some(user) = user {
        user.hash(&mut h);
    }
    CallerId(h.finish())
}

/// `X-Region` tags metrics, so it must stay a short, low-cardinality token.
fn region(headers: &HeaderMap, default: &str) -> Result<Arc<str>, ApiError> {
    match headers.get("x-region") {
        None => Ok(Arc::from(default)),
        Some(v) => v
            .to_str()
            .ok()
            .filter(|r| {
                (1..=32).contains(&r.len())
                    && r.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            .map(Arc::from)
            .ok_or_else(|| {
                ApiError::validation("X-Region must be 1-32 characters of a-z, 0-9 and '-'")
            }),
    }
}

fn set_headers(headers: &mut HeaderMap, d: &Decision) {
    for (name, value) in [
        ("x-ratelimit-limit", u64::from(d.limit)),
        ("x-ratelimit-remaining", u64::from(d.remaining)),
        ("x-ratelimit-reset", d.reset_secs),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
}
