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
    let api = OpenApiRouter::new()
        .routes(routes!(enhance::enhance))
        .routes(routes!(enhance::batch))
        .routes(routes!(enhance::analyze))
        .routes(routes!(enhance::techniques))
        .routes(routes!(history::list))
        .routes(routes!(history::get, history::delete))
        .routes(routes!(history::feedback))
        .routes(routes!(admin::create_key))
        .routes(routes!(faults::get, faults::put, faults::clear))
        .routes(routes!(load_runs::report))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));
    // Reads of the service's own figures: callers are identified, not rate limited.
    let observability = OpenApiRouter::new()
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
            auth::identify,
        ));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", api.merge(observability))
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .routes(routes!(metrics::prometheus))
        .with_state(state)
}
