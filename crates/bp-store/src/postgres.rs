//! The PostgreSQL store: N stateless server instances over one database.
//!
//! A deadpool pool of tokio-postgres connections (its statistics are the pool metric). A
//! configured schema is set as every connection's `search_path` through the startup options,
//! so no statement names a schema and none can miss it. Statements live in `queries`, those
//! behind metrics and operations in `metrics`.

mod checkout;
mod metrics;
mod partitions;
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
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use std::time::Duration;
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;
use uuid::Uuid;

/// How long a caller waits for a pooled connection, and a new connection to be made, before
/// the store reports itself unavailable.
const POOL_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a listing waits for a pooled connection before it fails with `TimedOut` (503
/// with `Retry-After`): reads queue briefly or not at all, and never for seconds.
const READ_WAIT_TIMEOUT: Duration = Duration::from_millis(250);

pub(crate) struct PostgresStore {
    pool: Pool,
    observer: Observer,
}

impl PostgresStore {
    pub(crate) async fn open(
        url: &str,
        pool_size: usize,
        schema: Option<&str>,
        observer: Observer,
    ) -> StoreResult<Self> {
        if pool_size == 0 {
            return Err(StoreError::InvalidConfig(
                "pool_size must be at least 1".into(),
            ));
        }
        if let Some(schema) = schema {
            check_schema_name(schema)?;
        }
        let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
            StoreError::InvalidConfig(format!("the PostgreSQL URL cannot be parsed: {e}"))
        })?;
        // Durability must not depend on the server's defaults: the writer's commit is the
        // promise that a row survives.
        let mut options = config.get_options().unwrap_or_default().to_owned();
        options.push_str(" -c synchronous_commit=on");
        // Every statement is prepared once per connection and bound with parameters. A
        // custom plan would re-plan each execution over every day partition of history
        // (~8 ms for 30 days, measured); the generic plan prunes partitions at run time.
        options.push_str(" -c plan_cache_mode=force_generic_plan");
        // Short statements only: JIT compiling one (it starts above a plan cost, and a
        // penalised plan, see `list_history`, passes it) took 1.5 s for a 2 ms listing.
        options.push_str(" -c jit=off");
        if let Some(schema) = schema {
            options.push_str(&format!(" -c search_path={schema}"));
        }
        config.options(options.trim_start());
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(POOL_TIMEOUT);
        }
        config.application_name("betterprompts");

        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_TIMEOUT))
            .create_timeout(Some(POOL_TIMEOUT))
            .recycle_timeout(Some(POOL_TIMEOUT))
            .build()
            .map_err(|e| StoreError::InvalidConfig(format!("the PostgreSQL pool: {e}")))?;
        migrate(&pool, schema).await?;
        let store = PostgresStore { pool, observer };
        // Today's partition exists before the first write.
        store
            .maintain_history(chrono::Utc::now().timestamp_micros())
            .await?;
        Ok(store)
    }
}

/// Schema names go into SQL and connection options unquoted, so only plain lowercase
/// identifiers are accepted (quoting would change their case rules).
fn check_schema_name(schema: &str) -> StoreResult<()> {
    let mut chars = schema.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && schema.len() <= 63
        && !schema.starts_with("pg_");
    if valid {
        Ok(())
    } else {
        Err(StoreError::InvalidConfig(format!(
            "schema `{schema}` must match [a-z_][a-z0-9_]* (at most 63 bytes, not pg_*)"
        )))
    }
}

/// Creates the schema and applies pending migrations in one transaction, under an advisory
/// lock so that instances starting together take turns and the later ones find nothing to do.
async fn migrate(pool: &Pool, schema: Option<&str>) -> StoreResult<()> {
    const OP: &str = "migrate the PostgreSQL schema";
    let mut client = pool.get().await.map_err(|e| pool_error(OP, e))?;
    let tx = client.transaction().await.op(OP)?;
    let lock_name = format!(
        "bp-store migrations {}",
        schema.unwrap_or("(default schema)")
    );
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&lock_name])
        .await
        .op(OP)?;
    if let Some(schema) = schema {
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .await
            .op(OP)?;
    }
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, \
         name TEXT NOT NULL, applied_at_us BIGINT NOT NULL)",
    )
    .await
    .op(OP)?;
    let applied: Vec<i64> = tx
        .query("SELECT version FROM schema_migrations", &[])
        .await
        .op(OP)?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()
        .op(OP)?;
    for m in migrations::pending(migrations::POSTGRES, &applied) {
        tx.batch_execute(m.sql).await.op(OP)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES ($1, $2, $3)",
            &[
                &m.version,
                &m.name,
                &crate::codec::micros(chrono::Utc::now()),
            ],
        )
        .await
        .op(OP)?;
        tracing::info!(
            version = m.version,
            name = m.name,
            schema,
            "applied PostgreSQL migration"
        );
    }
    tx.commit().await.op(OP)
}

/// Classifies a driver error: lost connections and transient server states are
/// `Unavailable`; a statement the server rejects is `Backend`.
fn error(operation: &'static str, e: tokio_postgres::Error) -> StoreError {
    let transient = match e.code() {
        // No SQLSTATE: the connection broke, timed out or was closed.
        None => true,
        Some(code) => {
            let class = code.code().get(..2).unwrap_or_default();
            // 08 connection exception, 53 insufficient resources, 57 operator intervention
            // (shutdown, cancel), plus serialization failures and deadlocks.
            matches!(class, "08" | "53" | "57")
                || *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
        }
    };
    if transient {
        StoreError::unavailable(operation, e)
    } else {
        StoreError::backend(operation, e)
    }
}

fn pool_error(operation: &'static str, e: PoolError) -> StoreError {
    match e {
        PoolError::Backend(e) => error(operation, e),
        PoolError::Closed => StoreError::Closed,
        other => StoreError::unavailable(operation, other),
    }
}

fn is_code(e: &tokio_postgres::Error, code: &SqlState) -> bool {
    e.code() == Some(code)
}

/// `result.op("what we were doing")?` turns a driver error into a `StoreError`.
trait Op<T> {
    fn op(self, operation: &'static str) -> StoreResult<T>;
}

impl<T> Op<T> for Result<T, tokio_postgres::Error> {
    fn op(self, operation: &'static str) -> StoreResult<T> {
        self.map_err(|e| error(operation, e))
    }
}

#[async_trait::async_trait]
impl Store for PostgresStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        let client = self.client(DbOperation::Ping, "ping").await?;
        client.simple_query("SELECT 1").await.op("ping")?;
        Ok(())
    }

    async fn insert_history(&self, rows: &[NewHistoryRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut client = self
            .client(DbOperation::HistoryCommit, "insert history")
            .await?;
        if let queries::Inserted::All = queries::insert_history(&client, rows).await? {
            return Ok(());
        }
        // A row on a day whose partition is missing (a timestamp far from today's): create
        // the batch's days and retry once; nothing was written by the failed statement.
        let days = rows.iter().map(|r| codec::micros(r.item.created_at));
        partitions::ensure_days(&mut client, days).await?;
        match queries::insert_history(&client, rows).await? {
            queries::Inserted::All => Ok(()),
            queries::Inserted::NoPartition => Err(StoreError::backend(
                "insert history",
                std::io::Error::other("a history partition vanished during the insert"),
            )),
        }
    }

    async fn get_history(&self, owner: Uuid, id: Uuid) -> StoreResult<Option<HistoryItem>> {
        queries::get_history(
            &*self.client(DbOperation::HistoryRead, "get history").await?,
            owner,
            id,
        )
        .await
    }

    async fn list_history(
        &self,
        owner: HistoryOwner,
        query: &HistoryQuery,
    ) -> StoreResult<HistoryPageRows> {
        queries::list_history(
            &*self
                .read_client(DbOperation::HistoryRead, "list history")
                .await?,
            owner,
            query,
            LISTING_TIMEOUT,
        )
        .await
    }

    async fn count_owner_history(&self, owner: HistoryOwner) -> StoreResult<u64> {
        queries::count_owner_history(
            &*self
                .read_client(DbOperation::HistoryRead, "count history")
                .await?,
            owner,
        )
        .await
    }

    /// Whole days only: `max_rows` does not apply to dropping a partition.
    async fn prune_history(&self, before_us: i64, _max_rows: u32) -> StoreResult<u64> {
        partitions::drop_expired(
            &mut *self
                .client(DbOperation::HistoryDelete, "prune history")
                .await?,
            before_us,
        )
        .await
    }

    async fn maintain_history(&self, now_us: i64) -> StoreResult<()> {
        partitions::ensure_ahead(
            &mut *self
                .client(DbOperation::HistoryMaintain, "create history partitions")
                .await?,
            now_us,
        )
        .await
        .map(drop)
    }

    async fn delete_history(&self, owner: Uuid, id: Uuid) -> StoreResult<bool> {
        queries::delete_history(
            &*self
                .client(DbOperation::HistoryDelete, "delete history")
                .await?,
            owner,
            id,
        )
        .await
    }

    async fn create_key(&self, key: &NewApiKey) -> StoreResult<()> {
        queries::create_key(
            &*self.client(DbOperation::KeyWrite, "create key").await?,
            key,
        )
        .await
    }

    async fn find_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        queries::find_key_by_hash(
            &*self.client(DbOperation::KeyLookup, "find key").await?,
            key_hash,
        )
        .await
    }

    async fn list_keys(&self) -> StoreResult<Vec<ApiKeyRecord>> {
        queries::list_keys(&*self.client(DbOperation::KeyLookup, "list keys").await?).await
    }

    async fn revoke_key(&self, id: Uuid) -> StoreResult<bool> {
        queries::revoke_key(
            &*self.client(DbOperation::KeyWrite, "revoke key").await?,
            id,
        )
        .await
    }

    async fn rotate_key(&self, rotation: &KeyRotation) -> StoreResult<bool> {
        queries::rotate_key(
            &*self.client(DbOperation::KeyWrite, "rotate key").await?,
            rotation,
        )
        .await
    }

    async fn touch_keys(&self, used: &[(Uuid, i64)]) -> StoreResult<()> {
        queries::touch_keys(
            &*self.client(DbOperation::KeyWrite, "record key use").await?,
            used,
        )
        .await
    }

    async fn insert_feedback(&self, feedback: &NewFeedback) -> StoreResult<FeedbackRecord> {
        queries::insert_feedback(
            &*self
                .client(DbOperation::FeedbackWrite, "insert feedback")
                .await?,
            feedback,
        )
        .await
    }

    async fn count_history(&self) -> StoreResult<u64> {
        metrics::count_history(&*self.client(DbOperation::Aggregate, "count history").await?).await
    }

    async fn feedback_stats(&self, from_us: i64, to_us: i64) -> StoreResult<Vec<FeedbackStats>> {
        let client = self
            .client(DbOperation::Aggregate, "compute feedback statistics")
            .await?;
        metrics::feedback_stats(&client, from_us, to_us).await
    }

    async fn upsert_rollups(&self, rows: &[RollupRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        metrics::upsert_rollups(
            &*self
                .client(DbOperation::RollupWrite, "upsert metric rollups")
                .await?,
            rows,
        )
        .await
    }

    async fn list_rollups(
        &self,
        resolution_secs: u32,
        from_us: i64,
        to_us: i64,
    ) -> StoreResult<Vec<RollupRow>> {
        let client = self
            .client(DbOperation::RollupRead, "list metric rollups")
            .await?;
        metrics::list_rollups(&client, resolution_secs, from_us, to_us).await
    }

    async fn prune_rollups(&self, resolution_secs: u32, before_us: i64) -> StoreResult<u64> {
        let client = self
            .client(DbOperation::RollupWrite, "prune metric rollups")
            .await?;
        metrics::prune_rollups(&client, resolution_secs, before_us).await
    }

    async fn rollup_sources(
        &self,
        resolution_secs: u32,
        from_us: i64,
        to_us: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        let client = self
            .client(
                DbOperation::RollupRead,
                "list the sources of metric rollups",
            )
            .await?;
        metrics::rollup_sources(&client, resolution_secs, from_us, to_us).await
    }

    async fn put_record(&self, record: &FleetRecord, on_conflict: OnConflict) -> StoreResult<bool> {
        let client = self
            .client(DbOperation::RecordWrite, "store a fleet record")
            .await?;
        metrics::put_record(&client, record, on_conflict).await
    }

    async fn list_records(
        &self,
        kind: RecordKind,
        from_us: i64,
        to_us: i64,
        limit: u32,
    ) -> StoreResult<Vec<FleetRecord>> {
        let client = self
            .client(DbOperation::RecordRead, "list fleet records")
            .await?;
        metrics::list_records(&client, kind, from_us, to_us, limit).await
    }

    async fn prune_records(&self, kind: RecordKind, before_us: i64) -> StoreResult<u64> {
        let client = self
            .client(DbOperation::RecordWrite, "prune fleet records")
            .await?;
        metrics::prune_records(&client, kind, before_us).await
    }

    fn pool_stats(&self) -> PoolStats {
        let status = self.pool.status();
        let idle = status.available.min(status.size);
        PoolStats {
            size: status.size,
            in_use: status.size - idle,
            idle,
            waiting: status.waiting,
        }
    }

    fn storage_stats(&self) -> StorageStats {
        StorageStats::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_lowercase_identifiers() {
        for ok in ["bp", "bp_test_0123", "_x"] {
            assert!(check_schema_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Bp",
            "1bp",
            "bp-x",
            "bp x",
            "bp;drop",
            "pg_catalog",
            &"a".repeat(64),
        ] {
            assert!(check_schema_name(bad).is_err(), "{bad}");
        }
    }
}
