//! Every route and layer of the service in one place.
//!
//! Routes are registered together with their OpenAPI operations (utoipa-axum), so the
//! document at `/api/v1/openapi.json` cannot drift from what is served.

use crate::error::ApiError;
use crate::middleware::{auth, record, request_id};
use crate::routes::{admin, dashboard, enhance, faults, health, history, load_runs, metrics};
use crate::state::AppState;
use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use tower::ServiceBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "BetterPrompts API", description = "Prompt enhancement with performance made visible."),
    modifiers(&BearerAuth),
    // Named by no response body: the stream's messages travel over its WebSocket, and the
    // enums only appear as query parameters, whose schemas utoipa does not collect.
    components(schemas(
        bp_api::metrics::StreamMessage,
        bp_api::Segment,
        bp_api::HistorySort,
        crate::routes::history::HistoryScope,
        crate::routes::metrics::export::ExportFormat,
    )),
    tags(
        (name = "enhance", description = "Classify and rewrite prompts"),
        (name = "history", description = "Your stored enhancements and feedback"),
        (name = "admin", description = "Administration (admin role)"),
        (name = "metrics", description = "Performance metrics: summaries, time series, heat maps, exports, live stream"),
        (name = "ops", description = "Probes"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// utoipa takes only literal patterns in `params(...)` (and makes an optional header
/// nullable, which a header cannot be); the labelled-traffic header's schema is built from
/// the technique ids, so it is set on the finished document.
fn set_expected_techniques_pattern(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{RefOr, Required};
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(crate::extract::EXPECTED_TECHNIQUES_PATTERN))
        .max_length(Some(crate::extract::MAX_EXPECTED_LEN))
        .build();
    for item in openapi.paths.paths.values_mut() {
        for operation in [&mut item.post, &mut item.put, &mut item.get]
            .into_iter()
            .flatten()
        {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.name == "X-Expected-Techniques" {
                    parameter.schema = Some(RefOr::T(schema.clone().into()));
                    parameter.required = Required::False;
                }
            }
        }
    }
}

/// Which caller layer wraps a set of routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    /// Only the service-wide layers (load shedding, the body limit).
    Anyone,
    /// `auth::observe`: a viewer or admin key (unless the figures are public), `X-User-Id`
    /// well formed.
    Figures,
    /// `auth::authenticate`: a presented key must be valid and not a viewer's, and is held
    /// to its rate limit.
    Product,
    /// `auth::authenticate_keyed`: as `Product`, with a key required.
    Keyed,
    /// `auth::administer`: an admin key, held to its rate limit.
    Admin,
}

/// What the layers around the handlers can answer, added to every operation they wrap
/// (the handlers' annotations name their own statuses): 503 when shedding load, 413 past
/// the body limit, 400 for a malformed query or body; behind the caller layers, 401 for a
/// key that is not valid, 400 for a bad `X-User-Id` (documented as a header); on the
/// product side 403 for a viewer key, 429 past a rate limit, and a key as optional where
/// the handler names no security; on the figures' side 401 without a key, 403 for a user
/// key, and the key as required. What a handler documents itself is kept.
fn document_layer_statuses(openapi: &mut utoipa::openapi::OpenApi, caller: Caller) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::security::SecurityRequirement;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    let user_id = ParameterBuilder::new()
        .name("X-User-Id")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "The person behind the key, a pseudonymous id of the client's choosing: \
             \"users\" counts people, not keys.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!("^[!-~]{{1,{}}}$", auth::MAX_USER_ID_LEN)))
                .build(),
        ))
        .build();
    for item in openapi.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let has_body = operation.request_body.is_some();
            let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let responses = &mut operation.responses.responses;
            let mut add = |code: &str, description: &str| {
                responses
                    .entry(code.to_owned())
                    .or_insert_with(|| error(description));
            };
            // What each caller layer refuses with, whether it meters, whether a key is a must.
            let (unauthorized, forbidden, metered, key_required) = match caller {
                Caller::Anyone => {
                    add(
                        "503",
                        "Overloaded: too many requests in flight; retry after `Retry-After`",
                    );
                    if has_body {
                        add("413", "The body is larger than the server accepts");
                    }
                    if has_body || has_params {
                        add("400", "Invalid parameters or body");
                    }
                    continue;
                }
                Caller::Product => (
                    "The key presented is not valid",
                    "A viewer key: the product API needs a user or admin key",
                    true,
                    false,
                ),
                Caller::Keyed => (
                    "No key, or a key that is not valid",
                    "A viewer key: the product API needs a user or admin key",
                    true,
                    true,
                ),
                Caller::Admin => (
                    "No key, or a key that is not valid: this needs an admin key",
                    "Not an admin key",
                    true,
                    true,
                ),
                Caller::Figures => (
                    "No key, or a key that is not valid: the figures need a viewer or admin key",
                    "A user key: the figures need a viewer or admin key",
                    false,
                    true,
                ),
            };
            add("401", unauthorized);
            add("403", forbidden);
            add("400", "Invalid parameters, body or `X-User-Id`");
            if metered {
                add(
                    "429",
                    "Past the key's rate limit; retry after `Retry-After`",
                );
            }
            operation
                .parameters
                .get_or_insert_with(Vec::new)
                .push(user_id.clone());
            let key = SecurityRequirement::new("api_key", Vec::<String>::new());
            if key_required {
                operation.security = Some(vec![key]);
            } else {
                // A key is optional where the handler does not say otherwise.
                operation
                    .security
                    .get_or_insert_with(|| vec![SecurityRequirement::default(), key]);
            }
        }
    }
}

/// OpenAPI links from the answers that name a history item to the operations on it, so
/// clients (and Schemathesis' stateful phase) can follow an enhancement to its row. Written
/// as JSON: utoipa 5.5 serialises its `Link` with `operation_id`, not `operationId`.
fn link_history_items(document: &mut serde_json::Value) {
    let sources = [
        (
            "/api/v1/enhance",
            "post",
            "$response.body#/id",
            "The enhancement's history row",
        ),
        (
            "/api/v1/batch",
            "post",
            "$response.body#/results/0/id",
            "The first prompt's history row",
        ),
        (
            "/api/v1/history",
            "get",
            "$response.body#/data/0/id",
            "The page's first row",
        ),
    ];
    for (path, method, id, description) in sources {
        let link = |operation: &str| {
            serde_json::json!({
                "operationId": operation,
                "parameters": { "id": id },
                "description": description,
            })
        };
        if let Some(ok) = document
            .pointer_mut(&format!(
                "/paths/{}/{method}/responses/200",
                path.replace('/', "~1")
            ))
            .and_then(serde_json::Value::as_object_mut)
        {
            ok.insert(
                "links".into(),
                serde_json::json!({
                    "GetHistoryItem": link("get_history_item"),
                    "DeleteHistoryItem": link("delete_history_item"),
                    "RateHistoryItem": {
                        "operationId": "feedback",
                        "requestBody": { "prompt_history_id": id, "rating": 5 },
                        "description": format!("Feedback on {}", description.to_lowercase()),
                    },
                }),
            );
        }
    }
}

/// The whole service. Tests call this with a state of their own.
pub fn app(state: AppState) -> Router {
    let (router, mut openapi) = router(state.clone()).split_for_parts();
    document_layer_statuses(&mut openapi, Caller::Anyone);
    set_expected_techniques_pattern(&mut openapi);
    let mut document = serde_json::to_value(&openapi).unwrap_or_default();
    link_history_items(&mut document);
    let openapi_json = serde_json::to_string_pretty(&document).unwrap_or_default();
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    openapi_json,
                )
            }),
        )
        .route("/", axum::routing::get(dashboard::root))
        .route("/dashboard", axum::routing::get(dashboard::page))
        .route("/dashboard/", axum::routing::get(dashboard::page))
        .route("/dashboard/{*path}", axum::routing::get(dashboard::asset))
        .fallback(|| async { ApiError::not_found("route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                bp_api::ErrorCode::MethodNotAllowed,
                "method not allowed on this route",
            )
        })
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(request_id::assign))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    record::record,
                ))
                .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
                    ApiError::overloaded("too many requests in flight; retry shortly")
                        .into_response()
                }))
                .load_shed()
                .concurrency_limit(state.config().max_in_flight)
                .layer(DefaultBodyLimit::max(state.config().max_body_bytes)),
        )
}

/// The routes with their OpenAPI operations; also used by the OpenAPI test.
pub fn router(state: AppState) -> OpenApiRouter {
    let mut api = OpenApiRouter::new()
        .routes(routes!(enhance::enhance))
        .routes(routes!(enhance::analyze))
        .routes(routes!(enhance::techniques))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));
    document_layer_statuses(api.get_openapi_mut(), Caller::Product);
    // The caller's own data: a key first, before any of the request is read.
    let mut own = OpenApiRouter::new()
        .routes(routes!(enhance::batch))
        .routes(routes!(history::list))
        .routes(routes!(history::get, history::delete))
        .routes(routes!(history::feedback))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate_keyed,
        ));
    document_layer_statuses(own.get_openapi_mut(), Caller::Keyed);
    let mut administration = OpenApiRouter::new()
        .routes(routes!(admin::create_key, admin::list_keys))
        .routes(routes!(admin::revoke_key))
        .routes(routes!(admin::rotate_key))
        .routes(routes!(admin::list_audit))
        .routes(routes!(faults::get, faults::put, faults::clear))
        .routes(routes!(load_runs::report))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::administer,
        ));
    document_layer_statuses(administration.get_openapi_mut(), Caller::Admin);
    // Reads of the service's own figures: viewers and admins, not rate limited.
    let mut observability = OpenApiRouter::new()
        .routes(routes!(metrics::summary))
        .routes(routes!(metrics::timeseries))
        .routes(routes!(metrics::heatmap))
        .routes(routes!(metrics::techniques))
        .routes(routes!(metrics::export::export))
        .routes(routes!(metrics::stream::stream))
        .routes(routes!(metrics::anomalies::anomalies))
        .routes(routes!(metrics::instances::instances))
        .routes(routes!(load_runs::list))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::observe,
        ));
    document_layer_statuses(observability.get_openapi_mut(), Caller::Figures);
    let mut root = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            "/api/v1",
            api.merge(own).merge(administration).merge(observability),
        )
        .routes(routes!(health::health))
        .routes(routes!(health::ready));
    // Prometheus' endpoint: here, behind the figures' guard, unless it has a listener of
    // its own (`metrics_router`).
    if state.config().metrics_addr.is_none() {
        let mut prometheus = OpenApiRouter::new()
            .routes(routes!(metrics::prometheus))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                auth::observe,
            ));
        document_layer_statuses(prometheus.get_openapi_mut(), Caller::Figures);
        root = root.merge(prometheus);
    }
    root.with_state(state)
}

/// The internal listener's service (`--metrics-addr`): Prometheus' `/metrics` alone, without
/// a key, as Prometheus' own guidance has it: the network, not a secret, guards it.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(metrics::prometheus))
        .fallback(|| async { ApiError::not_found("route") })
        .with_state(state)
}
