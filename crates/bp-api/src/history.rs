//! History and feedback messages.

use crate::taxonomy::{Complexity, Intent, Technique};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One stored enhancement, as `GET /api/v1/history[/{id}]` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryItem {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub original_text: String,
    pub enhanced_text: String,
    pub intent: Intent,
    pub complexity: Complexity,
    pub techniques_used: Vec<Technique>,
    pub confidence: f64,
    pub processing_time_ms: f64,
}

/// One page of `GET /api/v1/history`. Pages are keyset pages: each costs the same however
/// long the history is, and rows written meanwhile never shift them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryPage {
    /// At most `limit` rows. With filters a page examines at most 1000 rows, so it may hold
    /// fewer, even none, while `next_cursor` is set: follow it.
    pub data: Vec<HistoryItem>,
    /// Pass as `cursor` (with the same `sort`) for the next page; `null` once the listing
    /// has ended.
    pub next_cursor: Option<String>,
    /// Only with `include_total=true`: every row of the caller (of everyone with
    /// `scope=all`), exact, from a counter kept with the writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_records: Option<u64>,
}

/// `sort=` of the history listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HistorySort {
    /// Newest first (the default).
    #[default]
    #[serde(alias = "-created_at")]
    CreatedAtDesc,
    #[serde(alias = "created_at")]
    CreatedAtAsc,
    #[serde(alias = "-confidence")]
    ConfidenceDesc,
    #[serde(alias = "confidence")]
    ConfidenceAsc,
}

/// `POST /api/v1/feedback`: one per user and history item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "prompt_history_id": "0193a5f2-7c1e-7b3a-9f4e-2d8c6b1a0e57",
    "rating": 5,
    "most_helpful_technique": "few_shot"
}))]
pub struct FeedbackRequest {
    pub prompt_history_id: Uuid,
    /// 1..=5
    #[schema(minimum = 1, maximum = 5)]
    #[serde(deserialize_with = "crate::integral::de")]
    pub rating: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub most_helpful_technique: Option<Technique>,
    /// Up to 2000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeedbackResponse {
    pub id: Uuid,
    pub prompt_history_id: Uuid,
    pub rating: u8,
    pub created_at: DateTime<Utc>,
}
