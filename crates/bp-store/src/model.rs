//! The rows the store writes and reads, independent of any backend.

use bp_api::{HistoryItem, HistorySort, Intent, RateLimit, Role, Segment, Technique, Tier};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One enhancement to persist, with what the API does not show but metrics and audits need.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHistoryRow {
    /// The API key's id; `None` for anonymous requests (such rows are never listed).
    pub owner: Option<Uuid>,
    pub item: HistoryItem,
    pub segment: Segment,
    pub region: String,
}

/// An API key to create. Only the hash of the secret is ever stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApiKey {
    pub id: Uuid,
    pub name: String,
    /// Hex SHA-256 of the secret key.
    pub key_hash: String,
    /// The first characters of the secret, to recognise a key in listings.
    pub key_prefix: String,
    pub tier: Tier,
    pub role: Role,
    pub rate_limit: Option<RateLimit>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new secret for a key ([`crate::Store::rotate_key`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRotation {
    pub id: Uuid,
    /// Hex SHA-256 of the new secret, and its first characters.
    pub key_hash: String,
    pub key_prefix: String,
    /// Until when the current secret keeps working beside the new one.
    pub previous_valid_until: DateTime<Utc>,
}

/// A stored API key.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKeyRecord {
    pub id: Uuid,
    pub name: String,
    pub key_hash: String,
    pub key_prefix: String,
    pub tier: Tier,
    pub role: Role,
    pub rate_limit: Option<RateLimit>,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The secret before the last rotation, working until `previous_valid_until`.
    pub previous_key_hash: Option<String>,
    pub previous_valid_until: Option<DateTime<Utc>>,
}

/// A rating of one history row by its owner.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeedback {
    pub id: Uuid,
    pub owner: Uuid,
    pub history_id: Uuid,
    /// 1..=5 (validated by the caller; the schema enforces it too).
    pub rating: u8,
    pub most_helpful_technique: Option<Technique>,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A stored rating.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRecord {
    pub id: Uuid,
    pub owner: Uuid,
    pub history_id: Uuid,
    pub rating: u8,
    pub most_helpful_technique: Option<Technique>,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&NewFeedback> for FeedbackRecord {
    fn from(f: &NewFeedback) -> Self {
        FeedbackRecord {
            id: f.id,
            owner: f.owner,
            history_id: f.history_id,
            rating: f.rating,
            most_helpful_technique: f.most_helpful_technique,
            comment: f.comment.clone(),
            created_at: f.created_at,
        }
    }
}

/// Whose rows a history listing reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOwner {
    /// The rows of one API key: every user-facing listing.
    Key(Uuid),
    /// Every key's rows: only for admin callers (the dashboard's sample requests).
    Everyone,
}

/// Filters, order and page of a history listing. All filters combine with AND.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryQuery {
    /// Where the page starts: after this row of the previous page, or at the beginning.
    /// Its `sort` must be this query's (the server checks).
    pub after: Option<HistoryCursor>,
    /// Rows per page, at most [`SCAN_BUDGET`](crate::SCAN_BUDGET).
    pub limit: u32,
    /// Case-insensitive substring of the original or the enhanced text; `%`, `_` and `\` are
    /// matched literally.
    pub search: Option<String>,
    /// Rows whose techniques contain this one.
    pub technique: Option<Technique>,
    /// Rows whose first technique is this one: the technique the metrics count the
    /// request under, so a drill-down's rows match its heat-map cell.
    pub primary_technique: Option<Technique>,
    pub intent: Option<Intent>,
    /// Rows of requests from this user segment (the key's tier when it was made).
    pub segment: Option<Segment>,
    /// Rows of requests tagged with this region (`X-Region`), compared exactly.
    pub region: Option<String>,
    /// Inclusive lower bound on `created_at`.
    pub date_from: Option<DateTime<Utc>>,
    /// Exclusive upper bound on `created_at`.
    pub date_to: Option<DateTime<Utc>>,
    pub sort: HistorySort,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            after: None,
            limit: 20,
            search: None,
            technique: None,
            primary_technique: None,
            intent: None,
            segment: None,
            region: None,
            date_from: None,
            date_to: None,
            sort: HistorySort::default(),
        }
    }
}

impl HistoryQuery {
    /// Whether anything narrows the listing beyond its owner.
    pub fn has_filters(&self) -> bool {
        self.search.is_some()
            || self.technique.is_some()
            || self.primary_technique.is_some()
            || self.intent.is_some()
            || self.segment.is_some()
            || self.region.is_some()
            || self.date_from.is_some()
            || self.date_to.is_some()
    }
}

/// A position in a history listing: the sort key and id of the last row a page read. Its
/// text form (`encode`) is opaque to clients: the time, id and confidence, so that every
/// string of [`HistoryCursor::PATTERN`] is a position (of the order it is used with).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryCursor {
    pub sort: HistorySort,
    pub created_at_us: i64,
    pub id: Uuid,
    /// Used by the confidence orders only.
    pub confidence: f64,
}

const CURSOR_LEN: usize = 8 + 16 + 8;

impl HistoryCursor {
    /// Exactly the texts `decode` reads: unpadded URL-safe base64 of 32 bytes (43
    /// characters, the last of which carries 4 bits).
    pub const PATTERN: &str = "^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$";

    /// URL-safe base64 of time, id and confidence.
    pub fn encode(&self) -> String {
        use base64::Engine;
        let mut bytes = Vec::with_capacity(CURSOR_LEN);
        bytes.extend(self.created_at_us.to_be_bytes());
        bytes.extend(self.id.as_bytes());
        bytes.extend(self.confidence.to_bits().to_be_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The position `text` stands for in the `sort` order; `None` for anything not of
    /// [`Self::PATTERN`]. A confidence that is not a number (a made-up cursor) counts as 0.
    pub fn decode(text: &str, sort: HistorySort) -> Option<HistoryCursor> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .ok()?;
        if bytes.len() != CURSOR_LEN {
            return None;
        }
        let created_at_us = i64::from_be_bytes(bytes[0..8].try_into().ok()?);
        let id = Uuid::from_slice(&bytes[8..24]).ok()?;
        let confidence = f64::from_bits(u64::from_be_bytes(bytes[24..32].try_into().ok()?));
        Some(HistoryCursor {
            sort,
            created_at_us,
            id,
            confidence: if confidence.is_finite() {
                confidence
            } else {
                0.0
            },
        })
    }
}

/// One page of a history listing.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPageRows {
    pub items: Vec<HistoryItem>,
    /// Where the next page starts; `None` when the listing has ended.
    pub next: Option<HistoryCursor>,
}

/// One metric window as the server serialised it. The store keeps `payload` as opaque bytes:
/// the format belongs to `bp-metrics`, and the store must not need to change with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupRow {
    /// Window length in seconds: 5 (or the configured window), 60, 3600.
    pub resolution_secs: u32,
    /// Window start, unix microseconds (aligned by the caller).
    pub window_start_us: i64,
    /// Which server instance produced it (several instances share one PostgreSQL).
    pub source: String,
    pub payload: Vec<u8>,
}

/// The kinds of [`FleetRecord`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A load-test run, as its generator last reported it; `id` is the run id.
    LoadRun,
    /// A window the anomaly detector flagged on the fleet's series.
    Anomaly,
    /// An administrative action (the audit log); `id` is the event's UUID.
    Audit,
}

impl RecordKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordKind::LoadRun => "load_run",
            RecordKind::Anomaly => "anomaly",
            RecordKind::Audit => "audit",
        }
    }
}

/// A fact every instance of a fleet must see alike and that outlives a process. The store
/// keeps `payload` as opaque bytes, like rollups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetRecord {
    pub kind: RecordKind,
    /// Unique within its kind.
    pub id: String,
    /// What records are listed and pruned by, unix microseconds.
    pub at_us: i64,
    pub payload: Vec<u8>,
}

/// What [`crate::Store::put_record`] does when a record of the same kind and id exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// The new record replaces it (a run's newer report).
    Replace,
    /// It stays (the first instance to flag an anomaly writes it).
    Keep,
}

/// Feedback over a time range, for one primary technique (the first technique of the rated
/// history row), across all owners: the inputs of "user satisfaction" and of feedback-based
/// "technique accuracy".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedbackStats {
    /// The rated rows' primary technique; `None` for rows enhanced without any technique.
    pub technique: Option<Technique>,
    pub ratings: u64,
    pub rating_sum: u64,
    /// Ratings of 4 or 5.
    pub ratings_at_least_4: u64,
    /// Feedback rows that named a most_helpful_technique…
    pub helpful_named: u64,
    /// …and of those, how many named the row's primary technique.
    pub helpful_is_primary: u64,
}

/// Connections of the backend, for the "database connections" metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open now.
    pub size: usize,
    /// Connections busy with a query or transaction.
    pub in_use: usize,
    /// Connections open and free.
    pub idle: usize,
    /// Callers waiting for a connection.
    pub waiting: usize,
}

/// The storage engine's own state, for the storage metrics. SQLite reports its WAL;
/// PostgreSQL manages its own and reports `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StorageStats {
    /// Size of the write-ahead log file now.
    pub wal_bytes: Option<u64>,
    /// How long the WAL has stayed at or over the size at which the store empties it: zero
    /// while checkpoints keep up; growing when readers starve them.
    pub checkpoint_lag: Option<std::time::Duration>,
    /// Checkpoints that emptied the WAL since start.
    pub checkpoints: u64,
    /// Checkpoints that readers kept from finishing (retried shortly after).
    pub checkpoints_busy: u64,
}

/// `t` at the precision the store keeps (microseconds). A caller that returns a timestamp to
/// a client before it is read back should pass it through this, so both agree.
pub fn to_stored_precision(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_survive_their_text_form_and_nothing_else_decodes() {
        for sort in [
            HistorySort::CreatedAtDesc,
            HistorySort::CreatedAtAsc,
            HistorySort::ConfidenceDesc,
            HistorySort::ConfidenceAsc,
        ] {
            let cursor = HistoryCursor {
                sort,
                created_at_us: -5,
                id: Uuid::now_v7(),
                confidence: 0.875,
            };
            let text = cursor.encode();
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            assert_eq!(HistoryCursor::decode(&text, sort), Some(cursor));
            assert_eq!(text.len(), 43);
            assert!(
                text.ends_with(|c: char| "AEIMQUYcgkosw048".contains(c)),
                "{text}"
            );
        }
        for bad in [
            "",
            "abc",
            "!!!!",
            &"A".repeat(46),
            &format!("{}B", "A".repeat(42)),
        ] {
            assert_eq!(
                HistoryCursor::decode(bad, HistorySort::CreatedAtDesc),
                None,
                "{bad}"
            );
        }
        // Every text of the pattern is a position; a made-up confidence is tamed.
        let made_up = format!("{}w", "_".repeat(42));
        let cursor = HistoryCursor::decode(&made_up, HistorySort::ConfidenceAsc).unwrap();
        assert!(cursor.confidence.is_finite());
    }

    #[test]
    fn stored_precision_drops_sub_microseconds() {
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_789).expect("valid");
        let stored = to_stored_precision(t);
        assert_eq!(stored.timestamp_subsec_nanos(), 123_456_000);
        assert_eq!(to_stored_precision(stored), stored);
    }
}
