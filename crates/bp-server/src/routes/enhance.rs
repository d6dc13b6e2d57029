//! `POST /enhance`, `POST /batch`, `POST /analyze` and `GET /techniques`.
//!
//! An enhancement is acknowledged only after its history row committed: the handler hands
//! the row to the group-commit writer and awaits that transaction. Requests are validated
//! first, then resolved together through the caches (`crate::cache`), then answered.

use crate::cache::{Resolved, Source};
use crate::error::ApiError;
use crate::extract::Json;
use crate::middleware::auth::Caller;
use crate::state::AppState;
use crate::telemetry::layer::EngineTags;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bp_api::limits::MAX_BATCH_ITEMS;
use bp_api::{
    AnalyzeRequest, AnalyzeResponse, BatchItemError, BatchRequest, BatchResponse, EnhanceRequest,
    EnhanceResponse, ErrorBody, HistoryItem, TechniqueInfo,
};
use bp_engine::{EnhanceOptions, PromptText};
use bp_metrics::{CacheOutcome, TimingKind};
use bp_store::NewHistoryRow;
use serde::Deserialize;
use std::time::Instant;

/// A request that passed validation, waiting for its enhancement.
struct Validated {
    prompt: PromptText,
    options: EnhanceOptions,
}

#[utoipa::path(
    post, path = "/enhance", tag = "enhance",
    request_body = EnhanceRequest,
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
    Json(request): Json<EnhanceRequest>,
) -> Result<Response, ApiError> {
    state.faults().inject().await;
    let validated = validate(request)?;
    let resolved = resolve(&state, std::slice::from_ref(&validated)).await;
    let Some(resolved) = resolved.into_iter().next() else {
        return Err(ApiError::new(
            bp_api::ErrorCode::Internal,
            "the enhancement was not produced",
        ));
    };
    // The request's cache label is the in-process cache's; Redis has its own counts.
    let cache = if resolved.source == Source::InProcess {
        CacheOutcome::Hit
    } else {
        CacheOutcome::Miss
    };
    let (response, row) = answer(&caller, validated, &resolved);
    durable_write(&state, vec![row]).await?;
    let tags = EngineTags {
        technique: response.techniques_used.first().copied(),
        cache,
    };
    let mut http = axum::Json(response).into_response();
    http.extensions_mut().insert(tags);
    Ok(http)
}

/// Items are parsed one by one so a bad item is reported at its index instead of failing
/// the whole batch.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    prompts: Vec<serde_json::Value>,
}

#[utoipa::path(
    post, path = "/batch", tag = "enhance",
    request_body = BatchRequest,
    responses(
        (status = 200, description = "Per-item results; `results[i]` is null where `errors` names index i", body = BatchResponse),
        (status = 400, description = "Not a batch of 1..=100 prompts", body = ErrorBody),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 429, description = "Rate limited", body = ErrorBody),
        (status = 503, description = "Overloaded; nothing was stored", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn batch(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(raw): Json<RawBatch>,
) -> Result<axum::Json<BatchResponse>, ApiError> {
    caller.require_key()?;
    let n = raw.prompts.len();
    if n == 0 || n > MAX_BATCH_ITEMS {
        return Err(ApiError::validation(format!(
            "a batch holds 1 to {MAX_BATCH_ITEMS} prompts; got {n}"
        )));
    }
    state.faults().inject().await;
    let mut results = Vec::with_capacity(n);
    let mut errors = Vec::new();
    let mut valid = Vec::with_capacity(n);
    for (index, value) in raw.prompts.into_iter().enumerate() {
        let item = serde_json::from_value::<EnhanceRequest>(value)
            .map_err(|e| ApiError::validation(e.to_string()))
            .and_then(validate);
        match item {
            Ok(validated) => {
                results.push(None);
                valid.push((index, validated));
            }
            Err(e) => {
                results.push(None);
                errors.push(BatchItemError {
                    index,
                    error: e.detail(),
                });
            }
        }
    }
    let (indices, validated): (Vec<usize>, Vec<Validated>) = valid.into_iter().unzip();
    let resolved = resolve(&state, &validated).await;
    let mut rows = Vec::with_capacity(validated.len());
    for ((index, item), resolved) in indices.into_iter().zip(validated).zip(&resolved) {
        let (response, row) = answer(&caller, item, resolved);
        results[index] = Some(response);
        rows.push(row);
    }
    // All rows of a batch go into the writer together: one queue slot check, typically one
    // transaction, and nothing stored if the queue cannot take them all.
    if !rows.is_empty() {
        durable_write(&state, rows).await?;
    }
    Ok(axum::Json(BatchResponse { results, errors }))
}

/// Hands rows to the group-commit writer and waits for their transaction, recording how long
/// the durable write took (queueing included) for the history-writer metrics.
async fn durable_write(state: &AppState, rows: Vec<NewHistoryRow>) -> Result<(), ApiError> {
    let started = Instant::now();
    state.writer().submit(rows)?.await?;
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
    state
        .telemetry()
        .recorder()
        .record_timing(TimingKind::WriterCommit, started.elapsed(), now_us);
    Ok(())
}

/// Parses one request into validated inputs.
fn validate(request: EnhanceRequest) -> Result<Validated, ApiError> {
    Ok(Validated {
        prompt: PromptText::new(request.text)?,
        options: EnhanceOptions::new(
            request.context,
            request.prefer_techniques,
            request.exclude_techniques,
            request.target_complexity,
        )?,
    })
}

/// Every item's enhancement, through the in-process cache, Redis and the engine.
async fn resolve(state: &AppState, items: &[Validated]) -> Vec<Resolved> {
    let inputs: Vec<(&PromptText, &EnhanceOptions)> =
        items.iter().map(|v| (&v.prompt, &v.options)).collect();
    state
        .cache()
        .resolve(&inputs, |prompt, options| {
            state.engine().enhance(prompt, options)
        })
        .await
}

/// The response and the history row of one resolved item.
fn answer(
    caller: &Caller,
    validated: Validated,
    resolved: &Resolved,
) -> (EnhanceResponse, NewHistoryRow) {
    let enhancement = &resolved.enhancement;
    let processing_time_ms = resolved.took.as_secs_f64() * 1e3;
    let item = HistoryItem {
        id: uuid::Uuid::now_v7(),
        created_at: bp_store::to_stored_precision(chrono::Utc::now()),
        original_text: validated.prompt.into_string(),
        enhanced_text: enhancement.enhanced_text.clone(),
        intent: enhancement.intent,
        complexity: enhancement.complexity,
        techniques_used: enhancement.techniques.clone(),
        confidence: enhancement.confidence,
        processing_time_ms,
    };
    let response = EnhanceResponse {
        id: item.id,
        original_text: item.original_text.clone(),
        enhanced_text: item.enhanced_text.clone(),
        intent: item.intent,
        complexity: item.complexity,
        techniques_used: item.techniques_used.clone(),
        confidence: item.confidence,
        processing_time_ms,
        cached: resolved.source != Source::Engine,
    };
    let row = NewHistoryRow {
        owner: caller.key.as_ref().map(|k| k.id),
        item,
        segment: caller.segment,
        region: caller.region.to_string(),
    };
    (response, row)
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

#[utoipa::path(
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
