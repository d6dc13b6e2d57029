//! `GET/DELETE /history[/{id}]` and `POST /feedback`. Every query is scoped to the caller's
//! key, so another user's row is indistinguishable from a missing one (404, never 403). The
//! one exception is the admin-only `GET /history?scope=all` (the dashboard's sample requests).

use crate::error::ApiError;
use crate::extract::{Json, PathId, Query};
use crate::middleware::auth::Caller;
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use bp_api::limits::{MAX_COMMENT_CHARS, MAX_PAGE_LIMIT};
use bp_api::{
    ErrorBody, ErrorCode, FeedbackRequest, FeedbackResponse, HistoryItem, HistoryPage, HistorySort,
    Intent, Segment, Technique,
};
use bp_store::{HistoryCursor, HistoryOwner, HistoryQuery, NewFeedback, StoreError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

const DEFAULT_PAGE_LIMIT: u32 = 20;
const MAX_SEARCH_CHARS: usize = 200;

/// Query parameters of the history listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Where to go on from: the previous page's `next_cursor` (with the same `sort`; with
    /// another it is a position in that order). Absent or empty: the
    /// first page.
    #[param(pattern = "^([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])?$")]
    cursor: Option<String>,
    /// Rows per page, 1..=100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// `true`: the page also carries `total_records`, every row of yours (of everyone's with
    /// `scope=all`), exact. With filters there is no total (it would count the whole
    /// history): the page comes without `total_records`.
    include_total: Option<bool>,
    /// Case-insensitive substring of the original or enhanced text.
    #[param(max_length = 200)]
    search: Option<String>,
    /// Rows whose techniques include this one.
    technique: Option<Technique>,
    /// Rows whose first technique is this one: the technique the metrics count the
    /// request under (a heat-map cell's rows).
    primary_technique: Option<Technique>,
    intent: Option<Intent>,
    /// `anonymous`, `free`, `pro` or `enterprise`: the segment the request came from.
    segment: Option<Segment>,
    /// The request's `X-Region` tag, exactly.
    #[param(max_length = 32)]
    region: Option<String>,
    /// Inclusive lower bound on `created_at` (RFC 3339).
    date_from: Option<DateTime<Utc>>,
    /// Exclusive upper bound on `created_at` (RFC 3339).
    date_to: Option<DateTime<Utc>>,
    /// `created_at_desc` (default), `created_at_asc`, `confidence_desc`, `confidence_asc`.
    /// With `scope=all`, rows come by time only: a confidence order is taken as time in the
    /// same direction. `date_from` after `date_to` is an empty page.
    sort: Option<HistorySort>,
    /// `mine` (default) or `all`: every user's rows, for admin keys only.
    scope: Option<HistoryScope>,
}

/// Whose rows a listing shows.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HistoryScope {
    #[default]
    Mine,
    All,
}

#[utoipa::path(operation_id = "list_history",
    get, path = "/history", tag = "history",
    params(HistoryParams),
    responses(
        (status = 200, description = "A page of the caller's history", body = HistoryPage),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 403, description = "`scope=all` without the admin role", body = ErrorBody),
        (status = 503, description = "Busy: the listing was shed or ran past its time; retry after `Retry-After`", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<HistoryParams>,
) -> Result<axum::Json<HistoryPage>, ApiError> {
    let owner = match params.scope.unwrap_or_default() {
        HistoryScope::Mine => HistoryOwner::Key(caller.require_key()?.id),
        HistoryScope::All => {
            caller.require_admin()?;
            HistoryOwner::Everyone
        }
    };
    let limit = params.limit.unwrap_or(DEFAULT_PAGE_LIMIT);
    if !(1..=MAX_PAGE_LIMIT).contains(&limit) {
        return Err(ApiError::validation(format!(
            "limit must be between 1 and {MAX_PAGE_LIMIT}"
        )));
    }
    if params
        .search
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SEARCH_CHARS)
    {
        return Err(ApiError::validation(format!(
            "search is limited to {MAX_SEARCH_CHARS} characters"
        )));
    }
    // Regions are `X-Region` tokens of at most 32 characters; no longer one can match.
    if params
        .region
        .as_ref()
        .is_some_and(|r| r.chars().count() > 32)
    {
        return Err(ApiError::validation("region is at most 32 characters"));
    }
    let sort = match (owner, params.sort.unwrap_or_default()) {
        // Only each owner's rows have a confidence index; everyone's by confidence would
        // sort the whole table: everyone's rows are listed by time, in the same direction.
        (HistoryOwner::Everyone, HistorySort::ConfidenceDesc) => HistorySort::CreatedAtDesc,
        (HistoryOwner::Everyone, HistorySort::ConfidenceAsc) => HistorySort::CreatedAtAsc,
        (_, sort) => sort,
    };
    let after = match params.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => Some(HistoryCursor::decode(text, sort).ok_or_else(|| {
            ApiError::validation("cursor is not one this API gave out (pass a page's next_cursor)")
        })?),
    };
    let query = HistoryQuery {
        after,
        limit,
        search: params.search.filter(|s| !s.is_empty()),
        technique: params.technique,
        primary_technique: params.primary_technique,
        intent: params.intent,
        segment: params.segment,
        region: params.region.filter(|r| !r.is_empty()),
        date_from: params.date_from,
        date_to: params.date_to,
        sort,
    };
    let total_records = if params.include_total.unwrap_or(false) && !query.has_filters() {
        Some(state.store().count_owner_history(owner).await?)
    } else {
        None
    };
    let page = state.store().list_history(owner, &query).await?;
    Ok(axum::Json(HistoryPage {
        data: page.items,
        next_cursor: page.next.map(|c| c.encode()),
        total_records,
    }))
}

#[utoipa::path(operation_id = "get_history_item",
    get, path = "/history/{id}", tag = "history",
    params(("id" = uuid::Uuid, Path, description = "History item id")),
    responses(
        (status = 200, description = "The history item", body = HistoryItem),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 404, description = "No such item of yours", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathId(id): PathId,
) -> Result<axum::Json<HistoryItem>, ApiError> {
    let owner = caller.require_key()?.id;
    state
        .store()
        .get_history(owner, id)
        .await?
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found("history item"))
}

#[utoipa::path(
    operation_id = "delete_history_item", delete, path = "/history/{id}", tag = "history",
    params(("id" = uuid::Uuid, Path, description = "History item id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 404, description = "No such item of yours", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    let owner = caller.require_key()?.id;
    if state.store().delete_history(owner, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("history item"))
    }
}

#[utoipa::path(
    post, path = "/feedback", tag = "history",
    request_body = FeedbackRequest,
    responses(
        (status = 201, description = "Feedback stored", body = FeedbackResponse),
        (status = 400, description = "Invalid feedback", body = ErrorBody),
        (status = 401, description = "API key missing or invalid", body = ErrorBody),
        (status = 404, description = "No such history item of yours", body = ErrorBody),
        (status = 409, description = "You already rated this item", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn feedback(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(request): Json<FeedbackRequest>,
) -> Result<(StatusCode, axum::Json<FeedbackResponse>), ApiError> {
    let owner = caller.require_key()?.id;
    if !(1..=5).contains(&request.rating) {
        return Err(ApiError::validation("rating must be between 1 and 5"));
    }
    if request
        .comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS)
    {
        return Err(ApiError::validation(format!(
            "comment is limited to {MAX_COMMENT_CHARS} characters"
        )));
    }
    let record = NewFeedback {
        id: uuid::Uuid::now_v7(),
        owner,
        history_id: request.prompt_history_id,
        rating: request.rating,
        most_helpful_technique: request.most_helpful_technique,
        comment: request.comment,
        created_at: bp_store::to_stored_precision(Utc::now()),
    };
    let stored = state
        .store()
        .insert_feedback(&record)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::not_found("history item"),
            StoreError::Conflict(_) => {
                ApiError::new(ErrorCode::Conflict, "you already rated this history item")
            }
            other => other.into(),
        })?;
    state.query_cache().feedback_changed();
    Ok((
        StatusCode::CREATED,
        axum::Json(FeedbackResponse {
            id: stored.id,
            prompt_history_id: stored.history_id,
            rating: stored.rating,
            created_at: stored.created_at,
        }),
    ))
}
