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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryPage {
    pub data: Vec<HistoryItem>,
    pub pagination: Pagination,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Pagination {
    pub page: u32,
    pub limit: u32,
    pub total_pages: u32,
    pub total_records: u64,
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
pub struct FeedbackRequest {
    pub prompt_history_id: Uuid,
    /// 1..=5
    pub rating: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub most_helpful_technique: Option<Technique>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeedbackResponse {
    pub id: Uuid,
    pub prompt_history_id: Uuid,
    pub rating: u8,
    pub created_at: DateTime<Utc>,
}
