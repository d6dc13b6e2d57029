//! The `Store` trait every backend implements, its configuration, and `open`.

use crate::error::StoreResult;
use crate::model::{
    ApiKeyRecord, FeedbackRecord, FeedbackStats, FleetRecord, HistoryOwner, HistoryPageRows,
    HistoryQuery, KeyRotation, NewApiKey, NewFeedback, NewHistoryRow, OnConflict, PoolStats,
    RecordKind, RollupRow, StorageStats,
};
use bp_api::HistoryItem;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use uuid::Uuid;

/// A history listing that runs longer fails with `TimedOut` (a 503 with `Retry-After`)
/// rather than hold a connection, and on SQLite the WAL, for seconds.
pub const LISTING_TIMEOUT: Duration = Duration::from_millis(250);

/// Which backend to open, and where.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// A SQLite file (WAL, `synchronous=FULL`); its parent directory is created if missing.
    Sqlite { path: PathBuf },
    /// A PostgreSQL database. With `schema`, the schema is created if missing and every pooled
    /// connection uses it as its `search_path`; it must be a lowercase SQL identifier
    /// (`[a-z_][a-z0-9_]*`, at most 63 bytes) so it never needs quoting.
    Postgres {
        url: String,
        pool_size: usize,
        schema: Option<String>,
    },
}

impl fmt::Debug for StoreConfig {
    /// Never prints a password that the URL may carry: configs end up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreConfig::Sqlite { path } => f.debug_struct("Sqlite").field("path", path).finish(),
            StoreConfig::Postgres {
                url,
                pool_size,
                schema,
            } => f
                .debug_struct("Postgres")
                .field("url", &redact_password(url))
                .field("pool_size", pool_size)
                .field("schema", schema)
                .finish(),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; a `password=` parameter
/// (key-value form, or in the query string) keeps its name and loses its value.
fn redact_password(url: &str) -> String {
    let url = redact_password_parameter(url);
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url;
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url;
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url,
    }
}

fn redact_password_parameter(s: &str) -> String {
    const KEY: &str = "password=";
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i + KEY.len()]);
        out.push_str("***");
        rest = &rest[i + KEY.len()..];
        rest = &rest[rest.find(['&', ' ']).unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// Persistence of history, API keys, feedback and metric rollups. Every method that takes an
/// `owner` only ever sees that owner's rows; the aggregates for metrics and operations
/// (`feedback_stats`, `count_history`) take none and cover everyone.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// `"sqlite"` or `"postgres"`, for logs and metric labels.
    fn backend_name(&self) -> &'static str;

    /// Succeeds when the database answers a trivial query.
    async fn ping(&self) -> StoreResult<()>;

    /// All rows in ONE transaction; returns only after the commit is durable. A duplicate id
    /// fails the whole call with `Conflict` and stores none of the rows.
    async fn insert_history(&self, rows: &[NewHistoryRow]) -> StoreResult<()>;

    /// Only the owner's rows; other owners' rows are `None` (the server answers 404).
    async fn get_history(&self, owner: Uuid, id: Uuid) -> StoreResult<Option<HistoryItem>>;

    /// One page from `query.after` on, and where the next starts. Its cost does not grow
    /// with the history: it starts inside an index and examines at most
    /// [`SCAN_BUDGET`](crate::SCAN_BUDGET) rows, so a filtered page may be short (even
    /// empty) with a next cursor. Past [`LISTING_TIMEOUT`] it fails with `TimedOut`.
    /// `HistoryOwner::Everyone` is listed in the creation orders only (the confidence orders
    /// have an index per owner).
    async fn list_history(
        &self,
        owner: HistoryOwner,
        query: &HistoryQuery,
    ) -> StoreResult<HistoryPageRows>;

    /// The owner's rows (or everyone's, anonymous included), exact, from counts maintained
    /// with every insert and delete: one lookup, whatever the history's size.
    async fn count_owner_history(&self, owner: HistoryOwner) -> StoreResult<u64>;

    /// Removes rows created before `before_us` with their feedback; returns how many. SQLite
    /// deletes up to `max_rows` of the oldest in one short transaction, and the retention
    /// pass calls it in a loop. PostgreSQL drops the day partitions that end by `before_us`
    /// (a row may outlive the retention by up to a day) and returns 0 once none is left.
    async fn prune_history(&self, before_us: i64, max_rows: u32) -> StoreResult<u64>;

    /// Prepares for the coming days' writes: PostgreSQL creates the day partitions of today
    /// and the next days. Called when the store opens and by every retention pass.
    async fn maintain_history(&self, now_us: i64) -> StoreResult<()>;

    /// `true` when a row of this owner was deleted (its feedback goes with it).
    async fn delete_history(&self, owner: Uuid, id: Uuid) -> StoreResult<bool>;

    /// `Conflict` when the id or the key hash already exists.
    async fn create_key(&self, key: &NewApiKey) -> StoreResult<()>;

    /// The key whose current secret, or whose previous one (after a rotation), hashes to
    /// `key_hash`; whether it is still valid is the caller's to judge.
    async fn find_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>>;

    /// Every key, newest first.
    async fn list_keys(&self) -> StoreResult<Vec<ApiKeyRecord>>;

    /// Revokes a key for good; false when no key has this id.
    async fn revoke_key(&self, id: Uuid) -> StoreResult<bool>;

    /// Gives a live key a new secret, keeping the current one as its previous secret until
    /// `previous_valid_until`; false when no live key has this id.
    async fn rotate_key(&self, rotation: &KeyRotation) -> StoreResult<bool>;

    /// Records when keys were last used: `(key id, unix microseconds)`, later times only.
    async fn touch_keys(&self, used: &[(Uuid, i64)]) -> StoreResult<()>;

    /// `NotFound` when the history row does not exist or is not the owner's; `Conflict` when
    /// this owner already rated it.
    async fn insert_feedback(&self, feedback: &NewFeedback) -> StoreResult<FeedbackRecord>;

    /// Every history row of every owner, anonymous ones included. Exact, so it reads an
    /// index end to end: meant for tests and operations, not for a request path.
    async fn count_history(&self) -> StoreResult<u64>;

    /// Feedback with `from_us <= created_at_us < to_us`, all owners together, one entry per
    /// primary technique of the rated rows (the first of their techniques), ordered by
    /// technique with `None` (rows without techniques) first; techniques nobody rated are
    /// absent rather than zero.
    async fn feedback_stats(&self, from_us: i64, to_us: i64) -> StoreResult<Vec<FeedbackStats>>;

    /// Upsert: the same (resolution, window_start, source) replaces the payload (a restarted
    /// instance may rewrite its last window); within one call the last row of a key wins.
    /// All rows in one transaction.
    async fn upsert_rollups(&self, rows: &[RollupRow]) -> StoreResult<()>;

    /// Rows with `from_us <= window_start_us < to_us` at one resolution, ordered by
    /// `window_start_us`, then `source` byte by byte.
    async fn list_rollups(
        &self,
        resolution_secs: u32,
        from_us: i64,
        to_us: i64,
    ) -> StoreResult<Vec<RollupRow>>;

    /// Deletes the rows of a resolution with `window_start_us < before_us`; returns how many.
    async fn prune_rollups(&self, resolution_secs: u32, before_us: i64) -> StoreResult<u64>;

    /// Each source with rows of a resolution in `from_us <= window_start_us < to_us`, and
    /// its newest start, ordered by source: which instances stored windows lately, without
    /// reading their payloads.
    async fn rollup_sources(
        &self,
        resolution_secs: u32,
        from_us: i64,
        to_us: i64,
    ) -> StoreResult<Vec<(String, i64)>>;

    /// Stores `record`; returns whether it was written (always with
    /// [`OnConflict::Replace`]; with [`OnConflict::Keep`], only if no record of its kind
    /// and id existed), so of instances racing to store the same fact exactly one learns
    /// it was first (when the database answers them all).
    async fn put_record(&self, record: &FleetRecord, on_conflict: OnConflict) -> StoreResult<bool>;

    /// The newest `limit` records of `kind` with `from_us <= at_us < to_us`, newest first
    /// (ties by id, byte by byte).
    async fn list_records(
        &self,
        kind: RecordKind,
        from_us: i64,
        to_us: i64,
        limit: u32,
    ) -> StoreResult<Vec<FleetRecord>>;

    /// Deletes the records of `kind` with `at_us < before_us`; returns how many.
    async fn prune_records(&self, kind: RecordKind, before_us: i64) -> StoreResult<u64>;

    /// A snapshot of the connections, for the "database connections" metric.
    fn pool_stats(&self) -> PoolStats;

    /// The storage engine's own state (SQLite's WAL), for the storage metrics.
    fn storage_stats(&self) -> StorageStats;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_debug_output() {
        let cases = [
            (
                "postgres://u:secret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgres://h/db?user=u", "postgres://h/db?user=u"),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
            ("host=h user=u", "host=h user=u"),
            (
                "host=h password=secret user=u",
                "host=h password=*** user=u",
            ),
            (
                "postgres://h/db?password=secret&user=u",
                "postgres://h/db?password=***&user=u",
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_password(url), expected, "{url}");
        }
        let config = StoreConfig::Postgres {
            url: "postgres://u:secret@h/db".into(),
            pool_size: 4,
            schema: None,
        };
        assert!(!format!("{config:?}").contains("secret"));
    }
}
