//! Enhance, batch, analyze and technique-catalogue messages.

use crate::taxonomy::{Complexity, Intent, Technique};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /api/v1/enhance` (and one item of a batch).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "text": "Write a Python function that removes duplicates from a list",
    "prefer_techniques": ["few_shot"],
    "target_complexity": "moderate"
}))]
pub struct EnhanceRequest {
    /// The prompt to improve: 1..=5000 characters, not only whitespace.
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"[^\s\x1c-\x1f\x85\ufeff]"
    )]
    pub text: String,
    /// Extra context the user wants the model to take into account: up to 5000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 5000)]
    pub context: Option<String>,
    /// Techniques to use first, in order, when compatible.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefer_techniques: Vec<Technique>,
    /// Techniques never to use (they win over `prefer_techniques`); at most 11, so one is
    /// always left.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 11)]
    pub exclude_techniques: Vec<Technique>,
    /// Override the detected complexity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_complexity: Option<Complexity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EnhanceResponse {
    /// The history row's id (UUID v7, time-ordered).
    pub id: Uuid,
    pub original_text: String,
    pub enhanced_text: String,
    pub intent: Intent,
    pub complexity: Complexity,
    pub techniques_used: Vec<Technique>,
    /// Confidence of the intent classification, 0..=1.
    pub confidence: f64,
    /// Server-side time spent producing the enhancement (not the durable write).
    pub processing_time_ms: f64,
    /// Whether the enhancement came from the cache.
    pub cached: bool,
}

/// `POST /api/v1/batch`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"prompts": [
    {"text": "Summarise the causes of the French revolution"},
    {"text": "Translate 'good morning' into Italian"}
]}))]
pub struct BatchRequest {
    /// 1..=100 prompts.
    #[schema(min_items = 1, max_items = 100)]
    pub prompts: Vec<EnhanceRequest>,
}

/// Every prompt answered, in order, its history row committed. A batch with an invalid
/// prompt is refused whole (400, naming each invalid one by its index), so a batch is
/// never half stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BatchResponse {
    pub results: Vec<EnhanceResponse>,
}

/// `POST /api/v1/analyze`: classification without rewriting or storing anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Why is the sky blue?"}))]
pub struct AnalyzeRequest {
    /// 1..=5000 characters, not only whitespace.
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"[^\s\x1c-\x1f\x85\ufeff]"
    )]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnalyzeResponse {
    pub intent: Intent,
    pub complexity: Complexity,
    pub confidence: f64,
    /// The three most likely intents, best first; scores sum to at most 1.
    pub intent_scores: Vec<IntentScore>,
    /// What `/enhance` would apply with no preferences.
    pub suggested_techniques: Vec<Technique>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IntentScore {
    pub intent: Intent,
    pub score: f64,
}

/// One entry of `GET /api/v1/techniques`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TechniqueInfo {
    pub id: Technique,
    pub name: String,
    pub description: String,
    /// Intents for which this technique is an acceptable primary.
    pub primary_for: Vec<Intent>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{NOT_BLANK_PATTERN, is_blank};

    /// utoipa takes only literal patterns: the literals must be the checked one.
    #[test]
    fn documented_text_patterns_are_the_blank_check() {
        for schema in [
            serde_json::to_string(&<EnhanceRequest as utoipa::PartialSchema>::schema()),
            serde_json::to_string(&<AnalyzeRequest as utoipa::PartialSchema>::schema()),
            serde_json::to_string(&<crate::CreateKeyRequest as utoipa::PartialSchema>::schema()),
        ] {
            let schema = schema.unwrap();
            let pattern = serde_json::to_string(NOT_BLANK_PATTERN).unwrap();
            assert!(schema.contains(&pattern), "{schema}");
        }
        for blank in [
            "",
            " \t\n",
            "\u{85}\u{a0}\u{2028}",
            "\u{1c}\u{1f}",
            "\u{feff}",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for text in ["a", " x ", "\u{200b}"] {
            assert!(!is_blank(text), "{text:?}");
        }
    }
}
