//! `POST /enhance`, `POST /batch`, `POST /analyze` and `GET /techniques`.
//!
//! Adapters over [`crate::services::enhancer`]: an enhancement is acknowledged only after
//! its history row committed.

use crate::error::ApiError;
use crate::extract::{ExpectedTechniques, Json, TechniqueSet};
use crate::middleware::auth::Caller;
use crate::middleware::record::EngineTags;
use crate::services::enhancer::Requester;
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bp_api::metrics::LabelCounts;
use bp_api::{
    AnalyzeRequest, AnalyzeResponse, BatchRequest, BatchResponse, EnhanceRequest, EnhanceResponse,
    ErrorBody, TechniqueInfo,
};
use bp_engine::PromptText;
use bp_metrics::CacheOutcome;
use serde::Deserialize;

fn requester(caller: &Caller) -> Requester {
    Requester {
        owner: caller.key.as_ref().map(|k| k.id),
        segment: caller.segment,
        region: caller.region.clone(),
    }
}

#[utoipa::path(
    post, path = "/enhance", tag = "enhance",
    request_body = EnhanceRequest,
    params(("X-Expected-Techniques" = Option<String>, Header,
        description = "Labelled traffic: the prompt's acceptable primary techniques, comma-separated; the server counts whether its primary was one (technique accuracy).")),
    responses(
        (status = 200, description = "Enhanced prompt; its history row is committed", body = EnhanceResponse),
        (status = 400, description = "Invalid request", body = ErrorBody),
        (status = 401, description = "Invalid API key", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 429, description = "Rate limited", body = ErrorBody),
        (status = 503, description = "Overloaded; retry after `Retry-After`", body = ErrorBody),
    ),
    security((), ("api_key" = []))
)]
pub async fn enhance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    expected: ExpectedTechniques,
    Json(request): Json<EnhanceRequest>,
) -> Result<Response, ApiError> {
    let expected = expected.for_prompts(1);
    state.faults().inject().await;
    let enhanced = state
        .enhancer()
        .enhance(&requester(&caller), request)
        .await?;
    let mut labels = LabelCounts::default();
    if let Some(&[set]) = expected {
        check_label(&mut labels, set, Some(&enhanced.response));
    }
    let tags = EngineTags {
        technique: enhanced.response.techniques_used.first().copied(),
        cache: enhanced.cache,
        labels,
    };
    let mut http = axum::Json(enhanced.response).into_response();
    http.extensions_mut().insert(tags);
    Ok(http)
}

/// Items are parsed one by one so a refusal names every bad item by its index.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    prompts: Vec<serde_json::Value>,
}

#[utoipa::path(
    post, path = "/batch", tag = "enhance",
    request_body = BatchRequest,
    params(("X-Expected-Techniques" = Option<String>, Header,
        description = "Labelled traffic: per prompt, in order and separated by `;`, its acceptable primary techniques (comma-separated; empty: unlabelled). Group i labels prompt i; extra groups are ignored, prompts without one are unlabelled.")),
    responses(
        (status = 200, description = "Every prompt answered, in order; their history rows are committed", body = BatchResponse),
        (status = 400, description = "Not a batch of 1..=100 valid prompts (each invalid one named by its index); nothing was stored", body = ErrorBody),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 429, description = "Rate limited", body = ErrorBody),
        (status = 503, description = "Overloaded; nothing was stored", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn batch(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    expected: ExpectedTechniques,
    Json(raw): Json<RawBatch>,
) -> Result<Response, ApiError> {
    caller.require_key()?;
    let expected = expected.for_prompts(raw.prompts.len());
    state.faults().inject().await;
    let results = state
        .enhancer()
        .batch(&requester(&caller), raw.prompts)
        .await?;
    let mut labels = LabelCounts::default();
    for (set, result) in expected.unwrap_or_default().iter().zip(&results) {
        check_label(&mut labels, *set, Some(result));
    }
    let mut http = axum::Json(BatchResponse { results }).into_response();
    http.extensions_mut().insert(EngineTags {
        technique: None,
        cache: CacheOutcome::Bypass,
        labels,
    });
    Ok(http)
}

/// Counts one labelled prompt: checked when it was labelled and answered, correct when its
/// primary technique is one of the expected.
fn check_label(labels: &mut LabelCounts, expected: TechniqueSet, answer: Option<&EnhanceResponse>) {
    let Some(primary) = answer.and_then(|a| a.techniques_used.first()) else {
        return;
    };
    if !expected.is_empty() {
        labels.checked += 1;
        labels.correct += u64::from(expected.contains(*primary));
    }
}

#[utoipa::path(
    post, path = "/analyze", tag = "enhance",
    request_body = AnalyzeRequest,
    responses(
        (status = 200, description = "Intent, complexity and suggested techniques", body = AnalyzeResponse),
        (status = 400, description = "Invalid request", body = ErrorBody),
    ),
    security((), ("api_key" = []))
)]
pub async fn analyze(
    State(state): State<AppState>,
    Json(request): Json<AnalyzeRequest>,
) -> Result<axum::Json<AnalyzeResponse>, ApiError> {
    state.faults().inject().await;
    let prompt = PromptText::new(request.text)?;
    let a = state.engine().analyze(&prompt);
    Ok(axum::Json(AnalyzeResponse {
        intent: a.intent,
        complexity: a.complexity,
        confidence: a.confidence,
        intent_scores: a.intent_scores.to_vec(),
        suggested_techniques: a.suggested_techniques,
    }))
}

#[utoipa::path(operation_id = "list_techniques",
    get, path = "/techniques", tag = "enhance",
    responses((status = 200, description = "The technique catalogue", body = Vec<TechniqueInfo>))
)]
pub async fn techniques(State(state): State<AppState>) -> axum::Json<Vec<TechniqueInfo>> {
    let policy = state.engine().policy();
    axum::Json(
        bp_api::Technique::ALL
            .iter()
            .map(|&t| {
                let (name, description) = bp_engine::catalog::describe(t);
                TechniqueInfo {
                    id: t,
                    name: name.to_owned(),
                    description: description.to_owned(),
                    primary_for: policy.primary_for(t),
                }
            })
            .collect(),
    )
}
