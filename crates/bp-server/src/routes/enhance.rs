//! `POST /enhance`, `POST /batch`, `POST /analyze` and `GET /techniques`.
//!
//! An enhancement is acknowledged only after its history row committed: the handler hands
//! the row to the group-commit writer and awaits that transaction.

use crate::cache::CacheOutcome as CacheLookup;
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

/// Engine work per batch item is microseconds; yielding every few items keeps a 100-item
/// batch from holding a runtime thread for more than a fraction of a millisecond.
const BATCH_ITEMS_PER_YIELD: usize = 16;

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
    let (response, row) = prepare(&state, &caller, request)?;
    durable_write(&state, vec![row]).await?;
    let tags = EngineTags {
        technique: response.techniques_used.first().copied(),
        cache: if response.cached {
            CacheOutcome::Hit
        } else {
            CacheOutcome::Miss
        },
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
    let mut results = Vec::with_capacity(n);
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(n);
    for (index, value) in raw.prompts.into_iter().enumerate() {
        if index > 0 && index % BATCH_ITEMS_PER_YIELD == 0 {
            tokio::task::yield_now().await;
        }
        let item = serde_json::from_value::<EnhanceRequest>(value)
            .map_err(|e| ApiError::validation(e.to_string()))
            .and_then(|request| prepare(&state, &caller, request));
        match item {
            Ok((response, row)) => {
                results.push(Some(response));
                rows.push(row);
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

/// Validates one request and runs the engine (through the cache).
fn prepare(
    state: &AppState,
    caller: &Caller,
    request: EnhanceRequest,
) -> Result<(EnhanceResponse, NewHistoryRow), ApiError> {
    let started = Instant::now();
    let prompt = PromptText::new(request.text)?;
    let options = EnhanceOptions::new(
        request.context,
        request.prefer_techniques,
        request.exclude_techniques,
        request.target_complexity,
    )?;
    let (enhancement, outcome) = state.cache().get_or_compute(&prompt, &options, || {
        state.engine().enhance(&prompt, &options)
    });
    let processing_time_ms = started.elapsed().as_secs_f64() * 1e3;
    let item = HistoryItem {
        id: uuid::Uuid::now_v7(),
        created_at: bp_store::to_stored_precision(chrono::Utc::now()),
        original_text: prompt.into_string(),
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
        cached: outcome == CacheLookup::Hit,
    };
    let row = NewHistoryRow {
        owner: caller.key.as_ref().map(|k| k.id),
        item,
        segment: caller.segment,
        region: caller.region.to_string(),
    };
    Ok((response, row))
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
