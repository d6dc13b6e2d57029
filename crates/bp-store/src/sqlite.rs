//! The SQLite store: the embedded default, one file in the data directory.
//!
//! Writes go to one connection on a dedicated thread, reads to a few read-only connections;
//! see `connections` for why. Statements live in `queries`, those behind metrics and
//! operations in `metrics`.

mod connections;
mod metrics;
mod queries;

use crate::codec;
use crate::error::{StoreError, StoreResult};
use crate::migrations;
use crate::model::{
    ApiKeyRecord, FeedbackRecord, FeedbackStats, FleetRecord, HistoryOwner, HistoryPageRows,
    HistoryQuery, KeyRotation, NewApiKey, NewFeedback, NewHistoryRow, OnConflict, PoolStats,
    RecordKind, RollupRow, StorageStats,
};
use crate::observe::{DbOperation, Observer};
use crate::store::{LISTING_TIMEOUT, Store};
use bp_api::HistoryItem;
use connections::{ReaderPool, WriterThread};
use rusqlite::{Connection, TransactionBehavior, params};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use uuid::Uuid;

/// Read connections: a few suffice, as SQLite reads are short and the machine small.
const READERS: usize = 4;

pub(crate) struct SqliteStore {
    writer: WriterThread,
    readers: ReaderPool,
}

impl SqliteStore {
    pub(crate) async fn open(path: &Path, observer: Observer) -> StoreResult<Self> {
        let path_for_writer = path.to_owned();
        let path = path.to_owned();
        let (writer, readers) = tokio::task::spawn_blocking(move || {
            let mut writer = connections::open_writer(&path)?;
            migrate(&mut writer)?;
            // Readers open after the migration so they see the whole schema.
            let readers = (0..READERS)
                .map(|_| connections::open_reader(&path))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok::<_, StoreError>((writer, readers))
        })
        .await
        .map_err(|_| StoreError::Panicked {
            operation: "open the SQLite database",
        })??;
        Ok(SqliteStore {
            writer: WriterThread::spawn(writer, &path_for_writer, observer.clone())?,
            readers: ReaderPool::new(readers, observer),
        })
    }
}

/// Applies the pending migrations in one IMMEDIATE transaction: a second process opening the
/// same file waits for the first and then finds nothing left to do.
fn migrate(conn: &mut Connection) -> StoreResult<()> {
    const OP: &str = "migrate the SQLite schema";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, \
         name TEXT NOT NULL, applied_at_us INTEGER NOT NULL) STRICT",
    )
    .op(OP)?;
    let applied = tx
        .prepare("SELECT version FROM schema_migrations")
        .op(OP)?
        .query_map([], |row| row.get::<_, i64>(0))
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    for m in migrations::pending(migrations::SQLITE, &applied) {
        tx.execute_batch(m.sql).op(OP)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, codec::micros(chrono::Utc::now())],
        )
        .op(OP)?;
        tracing::info!(
            version = m.version,
            name = m.name,
            "applied SQLite migration"
        );
    }
    tx.commit().op(OP)
}

/// Classifies a driver error: transient conditions are `Unavailable`, the rest `Backend`.
fn error(operation: &'static str, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(
            C::DatabaseBusy
            | C::DatabaseLocked
            | C::CannotOpen
            | C::DiskFull
            | C::SystemIoFailure
            | C::OutOfMemory
            | C::ReadOnly
            | C::FileLockingProtocolFailed,
        ) => StoreError::unavailable(operation, e),
        _ => StoreError::backend(operation, e),
    }
}

/// Whether `e` is the constraint violation with this extended result code.
fn is_constraint(e: &rusqlite::Error, extended_code: std::os::raw::c_int) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == extended_code)
}

/// `result.op("what we were doing")?` turns a driver error into a `StoreError`.
trait Op<T> {
    fn op(self, operation: &'static str) -> StoreResult<T>;
}

impl<T> Op<T> for rusqlite::Result<T> {
    fn op(self, operation: &'static str) -> StoreResult<T> {
        self.map_err(|e| error(operation, e))
    }
}

/// A poisoned pool mutex only means a panic happened elsewhere; the `Vec` inside is intact.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> StoreResult<()> {
        self.readers
            .run(DbOperation::Ping, "ping", |conn| {
                conn.query_row("SELECT 1", [], |_| Ok(())).op("ping")
            })
            .await
    }

    async fn insert_history(&self, rows: &[NewHistoryRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // The writer thread needs owned rows; copying them costs far less than the fsync.
        let rows = rows.to_vec();
        self.writer
            .run(DbOperation::HistoryCommit, "insert history", move |conn| {
                queries::insert_history(conn, &rows)
            })
            .await
    }

    async fn get_history(&self, owner: Uuid, id: Uuid) -> StoreResult<Option<HistoryItem>> {
        self.readers
            .run(DbOperation::HistoryRead, "get history", move |conn| {
                queries::get_history(conn, owner, id)
            })
            .await
    }

    async fn list_history(
        &self,
        owner: HistoryOwner,
        query: &HistoryQuery,
    ) -> StoreResult<HistoryPageRows> {
        let query = query.clone();
        self.readers
            .run(DbOperation::HistoryRead, "list history", move |conn| {
                queries::list_history(conn, owner, &query, LISTING_TIMEOUT)
            })
            .await
    }

    async fn count_owner_history(&self, owner: HistoryOwner) -> StoreResult<u64> {
        self.readers
            .run(DbOperation::HistoryRead, "count history", move |conn| {
                queries::count_owner_history(conn, owner)
            })
            .await
    }

    /// One table, nothing to prepare.
    async fn maintain_history(&self, _now_us: i64) -> StoreResult<()> {
        Ok(())
    }

    async fn prune_history(&self, before_us: i64, max_rows: u32) -> StoreResult<u64> {
        self.writer
            .run(DbOperation::HistoryDelete, "prune history", move |conn| {
                queries::prune_history(conn, before_us, max_rows)
            })
            .await
    }

    async fn delete_history(&self, owner: Uuid, id: Uuid) -> StoreResult<bool> {
        self.writer
            .run(DbOperation::HistoryDelete, "delete history", move |conn| {
                queries::delete_history(conn, owner, id)
            })
            .await
    }

    async fn create_key(&self, key: &NewApiKey) -> StoreResult<()> {
        let key = key.clone();
        self.writer
            .run(DbOperation::KeyWrite, "create key", move |conn| {
                queries::create_key(conn, &key)
            })
            .await
    }

    async fn find_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        let key_hash = key_hash.to_owned();
        self.readers
            .run(DbOperation::KeyLookup, "find key", move |conn| {
                queries::find_key_by_hash(conn, &key_hash)
            })
            .await
    }

    async fn list_keys(&self) -> StoreResult<Vec<ApiKeyRecord>> {
        self.readers
            .run(DbOperation::KeyLookup, "list keys", queries::list_keys)
            .await
    }

    async fn revoke_key(&self, id: Uuid) -> StoreResult<bool> {
        self.writer
            .run(DbOperation::KeyWrite, "revoke key", move |conn| {
                queries::revoke_key(conn, id)
            })
            .await
    }

    async fn rotate_key(&self, rotation: &KeyRotation) -> StoreResult<bool> {
        let rotation = rotation.clone();
        self.writer
            .run(DbOperation::KeyWrite, "rotate key", move |conn| {
                queries::rotate_key(conn, &rotation)
            })
            .await
    }

    async fn touch_keys(&self, used: &[(Uuid, i64)]) -> StoreResult<()> {
        let used = used.to_vec();
        self.writer
            .run(DbOperation::KeyWrite, "record key use", move |conn| {
                queries::touch_keys(conn, &used)
            })
            .await
    }

    async fn insert_feedback(&self, feedback: &NewFeedback) -> StoreResult<FeedbackRecord> {
        let feedback = feedback.clone();
        self.writer
            .run(DbOperation::FeedbackWrite, "insert feedback", move |conn| {
                queries::insert_feedback(conn, &feedback)
            })
            .await
    }

    async fn count_history(&self) -> StoreResult<u64> {
        self.readers
            .run(
                DbOperation::Aggregate,
                "count history",
                metrics::count_history,
            )
            .await
    }

    async fn feedback_stats(&self, from_us: i64, to_us: i64) -> StoreResult<Vec<FeedbackStats>> {
        self.readers
            .run(
                DbOperation::Aggregate,
                "compute feedback statistics",
                move |conn| metrics::feedback_stats(conn, from_us, to_us),
            )
            .await
    }

    async fn upsert_rollups(&self, rows: &[RollupRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // Owned for the writer thread, like history rows.
        let rows = rows.to_vec();
        self.writer
            .run(
                DbOperation::RollupWrite,
                "upsert metric rollups",
                move |conn| metrics::upsert_rollups(conn, &rows),
            )
            .await
    }

    async fn list_rollups(
        &self,
        resolution_secs: u32,
        from_us: i64,
        to_us: i64,
    ) -> StoreResult<Vec<RollupRow>> {
        self.readers
            .run(
                DbOperation::RollupRead,
                "list metric rollups",
                move |conn| metrics::list_rollups(conn, resolution_secs, from_us, to_us),
            )
            .await
    }

    async fn prune_rollups(&self, resolution_secs: u32, before_us: i64) -> StoreResult<u64> {
        self.writer
            .run(
                DbOperation::RollupWrite,
                "prune metric rollups",
                move |conn| metrics::prune_rollups(conn, resolution_secs, before_us),
            )
            .await
    }

    async fn rollup_sources(
        &self,
        resolution_secs: u32,
        from_us: i64,
        to_us: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        self.readers
            .run(
                DbOperation::RollupRead,
                "list the sources of metric rollups",
                move |conn| metrics::rollup_sources(conn, resolution_secs, from_us, to_us),
            )
            .await
    }

    async fn put_record(&self, record: &FleetRecord, on_conflict: OnConflict) -> StoreResult<bool> {
        let record = record.clone();
        self.writer
            .run(
                DbOperation::RecordWrite,
                "store a fleet record",
                move |conn| metrics::put_record(conn, &record, on_conflict),
            )
            .await
    }

    async fn list_records(
        &self,
        kind: RecordKind,
        from_us: i64,
        to_us: i64,
        limit: u32,
    ) -> StoreResult<Vec<FleetRecord>> {
        self.readers
            .run(DbOperation::RecordRead, "list fleet records", move |conn| {
                metrics::list_records(conn, kind, from_us, to_us, limit)
            })
            .await
    }

    async fn prune_records(&self, kind: RecordKind, before_us: i64) -> StoreResult<u64> {
        self.writer
            .run(
                DbOperation::RecordWrite,
                "prune fleet records",
                move |conn| metrics::prune_records(conn, kind, before_us),
            )
            .await
    }

    fn pool_stats(&self) -> PoolStats {
        // The writer counts as one more connection, always open.
        let size = self.readers.size() + 1;
        let in_use = (self.readers.in_use() + self.writer.in_use()).min(size);
        PoolStats {
            size,
            in_use,
            idle: size - in_use,
            waiting: self.readers.waiting() + self.writer.waiting(),
        }
    }

    fn storage_stats(&self) -> StorageStats {
        self.writer.storage_stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::{self, Dialect};
    use bp_api::HistorySort;

    fn strings(
        conn: &Connection,
        sql: &str,
        params: impl rusqlite::Params,
        column: usize,
    ) -> Vec<String> {
        conn.prepare(sql)
            .expect("prepares")
            .query_map(params, |row| row.get(column))
            .expect("runs")
            .collect::<rusqlite::Result<_>>()
            .expect("reads")
    }

    /// Every index on `history` is one more B-tree each acknowledged row writes before its
    /// 200: one per listing order (owner by time, owner by confidence), one for the admin
    /// listing and the retention pass by time. Every order's page starts inside its index
    /// and never sorts the owner's rows.
    #[test]
    fn every_listing_order_walks_an_index_from_its_cursor() {
        let mut conn = Connection::open_in_memory().expect("opens");
        migrate(&mut conn).expect("migrates");
        let indexes = strings(
            &conn,
            "SELECT name FROM pragma_index_list('history') ORDER BY name",
            [],
            0,
        );
        assert_eq!(
            indexes,
            [
                "history_created",
                "history_owner_confidence",
                "history_owner_created",
                "sqlite_autoindex_history_1"
            ]
        );
        conn.create_scalar_function(listing::ICONTAINS, 2, Default::default(), |_| Ok(true))
            .expect("registers");
        let cursor = crate::HistoryCursor {
            sort: HistorySort::CreatedAtDesc,
            created_at_us: 1,
            id: Uuid::nil(),
            confidence: 0.5,
        };
        for (owner, sort, index) in [
            (
                HistoryOwner::Key(Uuid::nil()),
                HistorySort::CreatedAtDesc,
                "history_owner_created",
            ),
            (
                HistoryOwner::Key(Uuid::nil()),
                HistorySort::CreatedAtAsc,
                "history_owner_created",
            ),
            (
                HistoryOwner::Key(Uuid::nil()),
                HistorySort::ConfidenceDesc,
                "history_owner_confidence",
            ),
            (
                HistoryOwner::Key(Uuid::nil()),
                HistorySort::ConfidenceAsc,
                "history_owner_confidence",
            ),
            (
                HistoryOwner::Everyone,
                HistorySort::CreatedAtDesc,
                "history_created",
            ),
        ] {
            for search in [None, Some("x".to_owned())] {
                let filtered = search.is_some();
                let query = HistoryQuery {
                    sort,
                    after: Some(crate::HistoryCursor { sort, ..cursor }),
                    search,
                    ..HistoryQuery::default()
                };
                let sql = listing::build(Dialect::Sqlite, owner, &query);
                let params: Vec<&dyn rusqlite::ToSql> =
                    sql.params.iter().map(queries::to_sql).collect();
                let plan = strings(
                    &conn,
                    &format!("EXPLAIN QUERY PLAN {}", sql.sql),
                    params.as_slice(),
                    3,
                );
                // Every scan of history (the page's; with a filter, the bound's too) starts
                // at the cursor inside the index; the filtered page also ends at the bound.
                let scans: Vec<&String> = plan.iter().filter(|s| s.contains("history")).collect();
                assert_eq!(scans.len(), 1 + usize::from(filtered), "{sort:?}: {plan:?}");
                for scan in &scans {
                    assert!(
                        scan.contains(&format!("INDEX {index} ("))
                            && (scan.contains(")<(") || scan.contains(")>(")),
                        "{sort:?} starts at its cursor inside {index}: {plan:?}"
                    );
                }
                if filtered {
                    assert!(
                        scans.iter().any(|s| s.contains(")<(") && s.contains(")>(")),
                        "{sort:?}: the page ends at the bound: {plan:?}"
                    );
                }
                // Sorting happens only on the page's few scanned rows, never in the scan.
                assert!(
                    !plan
                        .iter()
                        .any(|s| s.contains("history") && s.contains("TEMP B-TREE")),
                    "{sort:?}: {plan:?}"
                );
            }
        }
    }
}
