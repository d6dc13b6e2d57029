//! Wire types of the BetterPrompts HTTP API and its WebSocket messages.
//!
//! Everything here is plain data with serde and OpenAPI schema derives, and at most the
//! arithmetic that merges or reads it: no IO.
//! The server, the load generator and the tests all speak through these types, so a change
//! here is a change of the public contract.

mod enhance;
mod error;
mod faults;
mod history;
mod integral;
mod keys;
mod labels;
mod load_run;
pub mod metrics;
mod taxonomy;

pub use enhance::{
    AnalyzeRequest, AnalyzeResponse, BatchRequest, BatchResponse, EnhanceRequest, EnhanceResponse,
    IntentScore, TechniqueInfo,
};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use faults::{Faults, MAX_ADDED_LATENCY_MS};
pub use history::{FeedbackRequest, FeedbackResponse, HistoryItem, HistoryPage, HistorySort};
pub use keys::{
    AuditEvent, CreateKeyRequest, CreateKeyResponse, KeyInfo, MAX_ROTATION_OVERLAP_S, RateLimit,
    Role, RotateKeyRequest, RotateKeyResponse, Segment, Tier,
};
pub use labels::DbOperation;
pub use load_run::{Capacity, LoadRun, LoadRunReport, LoadRunState};
pub use taxonomy::{Complexity, Intent, Technique, UnknownName};

/// Limits of the API contract, shared by validation and documentation.
pub mod limits {
    /// A prompt has 1..=5000 characters (Unicode scalar values, not bytes).
    pub const MAX_PROMPT_CHARS: usize = 5000;
    /// A batch carries 1..=100 prompts.
    pub const MAX_BATCH_ITEMS: usize = 100;
    /// History pages hold at most this many rows.
    pub const MAX_PAGE_LIMIT: u32 = 100;
    /// Optional context travels with a prompt; bounded like the prompt itself.
    pub const MAX_CONTEXT_CHARS: usize = 5000;
    /// Feedback comments.
    pub const MAX_COMMENT_CHARS: usize = 2000;

    /// Whether `text` has nothing but blanks. Blank is a character that is whitespace in
    /// Rust, in ECMAScript regular expressions or in Python's (the dialects of the OpenAPI
    /// document's `pattern`, of clients that check it, and of Schemathesis), so a text is
    /// refused here exactly when it fails [`NOT_BLANK_PATTERN`] in any of them.
    pub fn is_blank(text: &str) -> bool {
        text.chars()
            .all(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c) || c == '\u{feff}')
    }

    /// "Has a character that is not blank" (see [`is_blank`]), for the document.
    pub const NOT_BLANK_PATTERN: &str = r"[^\s\x1c-\x1f\x85\ufeff]";
}
