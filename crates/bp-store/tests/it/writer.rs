//! The group-commit history writer over each real backend.
//!
//! To hold a commit in flight on purpose, `GatedStore` wraps the real store and makes
//! `insert_history` wait at a gate the test opens; everything else passes straight through.

use crate::harness::{TestDb, item, row};
use bp_api::HistoryItem;
use bp_store::{
    ApiKeyRecord, FeedbackRecord, FeedbackStats, FleetRecord, HistoryOwner, HistoryPageRows,
    HistoryQuery, HistoryWriter, NewApiKey, NewFeedback, NewHistoryRow, OnConflict, PoolStats,
    RecordKind, RollupRow, StorageStats, Store, StoreError, StoreResult, WriterConfig,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;
use uuid::Uuid;

struct GatedStore {
    inner: Arc<dyn Store>,
    gate: Semaphore,
    /// `insert_history` calls that reached the gate.
    arrived: AtomicUsize,
}

impl GatedStore {
    fn new(inner: Arc<dyn Store>) -> Arc<Self> {
        Arc::new(GatedStore {
            inner,
            gate: Semaphore::new(0),
            arrived: AtomicUsize::new(0),
        })
    }

    fn open_gate(&self) {
        self.gate.add_permits(Semaphore::MAX_PERMITS / 2);
    }

    /// Waits until `n` commits are held at the gate (or went through it).
    async fn wait_for_arrivals(&self, n: usize) {
        tokio::time::timeout(Duration::from_secs(10), async {
            while self.arrived.load(Ordering::SeqCst) < n {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
        .await
        .expect("the writer reached the store");
    }
}

#[async_trait::async_trait]
impl Store for GatedStore {
    fn backend_name(&self) -> &'static str {
        self.inner.backend_name()
    }
    async fn ping(&self) -> StoreResult<()> {
        self.inner.ping().await
    }
    async fn insert_history(&self, rows: &[NewHistoryRow]) -> StoreResult<()> {
        self.arrived.fetch_add(1, Ordering::SeqCst);
        let _pass = self.gate.acquire().await.expect("gate never closes");
        self.inner.insert_history(rows).await
    }
    async fn get_history(&self, owner: Uuid, id: Uuid) -> StoreResult<Option<HistoryItem>> {
        self.inner.get_history(owner, id).await
    }
    async fn list_history(
        &self,
        owner: HistoryOwner,
        query: &HistoryQuery,
    ) -> StoreResult<HistoryPageRows> {
        self.inner.list_history(owner, query).await
    }
    async fn count_owner_history(&self, owner: HistoryOwner) -> StoreResult<u64> {
        self.inner.count_owner_history(owner).await
    }
    async fn prune_history(&self, before_us: i64, max_rows: u32) -> StoreResult<u64> {
        self.inner.prune_history(before_us, max_rows).await
    }
    async fn maintain_history(&self, now_us: i64) -> StoreResult<()> {
        self.inner.maintain_history(now_us).await
    }
    async fn delete_history(&self, owner: Uuid, id: Uuid) -> StoreResult<bool> {
        self.inner.delete_history(owner, id).await
    }
    async fn create_key(&self, key: &NewApiKey) -> StoreResult<()> {
        self.inner.create_key(key).await
    }
    async fn find_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        self.inner.find_key_by_hash(key_hash).await
    }
    async fn list_keys(&self) -> StoreResult<Vec<ApiKeyRecord>> {
        self.inner.list_keys().await
    }
    async fn revoke_key(&self, id: Uuid) -> StoreResult<bool> {
        self.inner.revoke_key(id).await
    }
    async fn rotate_key(&self, rotation: &bp_store::KeyRotation) -> StoreResult<bool> {
        self.inner.rotate_key(rotation).await
    }
    async fn touch_keys(&self, used: &[(Uuid, i64)]) -> StoreResult<()> {
        self.inner.touch_keys(used).await
    }
    async fn insert_feedback(&self, feedback: &NewFeedback) -> StoreResult<FeedbackRecord> {
        self.inner.insert_feedback(feedback).await
    }
    async fn count_history(&self) -> StoreResult<u64> {
        self.inner.count_history().await
    }
    async fn feedback_stats(&self, from_us: i64, to_us: i64) -> StoreResult<Vec<FeedbackStats>> {
        self.inner.feedback_stats(from_us, to_us).await
    }
    async fn upsert_rollups(&self, rows: &[RollupRow]) -> StoreResult<()> {
        self.inner.upsert_rollups(rows).await
    }
    async fn list_rollups(
        &self,
        resolution_secs: u32,
        from_us: i64,
        to_us: i64,
    ) -> StoreResult<Vec<RollupRow>> {
        self.inner
            .list_rollups(resolution_secs, from_us, to_us)
            .await
    }
    async fn prune_rollups(&self, resolution_secs: u32, before_us: i64) -> StoreResult<u64> {
        self.inner.prune_rollups(resolution_secs, before_us).await
    }
    async fn rollup_sources(
        &self,
        resolution_secs: u32,
        from_us: i64,
        to_us: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        self.inner
            .rollup_sources(resolution_secs, from_us, to_us)
            .await
    }
    async fn put_record(&self, record: &FleetRecord, on_conflict: OnConflict) -> StoreResult<bool> {
        self.inner.put_record(record, on_conflict).await
    }
    async fn list_records(
        &self,
        kind: RecordKind,
        from_us: i64,
        to_us: i64,
        limit: u32,
    ) -> StoreResult<Vec<FleetRecord>> {
        self.inner.list_records(kind, from_us, to_us, limit).await
    }
    async fn prune_records(&self, kind: RecordKind, before_us: i64) -> StoreResult<u64> {
        self.inner.prune_records(kind, before_us).await
    }
    fn pool_stats(&self) -> PoolStats {
        self.inner.pool_stats()
    }
    fn storage_stats(&self) -> StorageStats {
        self.inner.storage_stats()
    }
}

async fn total(db: &TestDb, owner: Uuid) -> u64 {
    db.store
        .count_owner_history(HistoryOwner::Key(owner))
        .await
        .expect("count")
}

fn one_row(owner: Uuid, n: i64) -> Vec<NewHistoryRow> {
    vec![row(Some(owner), item(n))]
}

pub async fn concurrent_submits_are_group_committed(db: &TestDb) {
    const TASKS: usize = 200;
    const SUBMITS_PER_TASK: usize = 5;
    const ROWS_PER_SUBMIT: usize = 5;
    let config = WriterConfig {
        queue_capacity: 2_000,
        max_batch_rows: 500,
    };
    let (writer, handle) = HistoryWriter::spawn(db.store.clone(), config);
    let owners: Vec<Uuid> = (0..10).map(|_| Uuid::now_v7()).collect();

    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..TASKS {
        let (writer, owner) = (writer.clone(), owners[t % owners.len()]);
        tasks.spawn(async move {
            for s in 0..SUBMITS_PER_TASK {
                let rows = (0..ROWS_PER_SUBMIT)
                    .map(|r| {
                        row(
                            Some(owner),
                            item(((t * SUBMITS_PER_TASK + s) * ROWS_PER_SUBMIT + r) as i64),
                        )
                    })
                    .collect();
                // Each submit's future resolves only once its rows are durable.
                writer
                    .submit(rows)
                    .expect("the queue has room")
                    .await
                    .expect("committed");
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task");
    }

    let rows_total = TASKS * SUBMITS_PER_TASK * ROWS_PER_SUBMIT;
    for owner in &owners {
        assert_eq!(total(db, *owner).await, (rows_total / owners.len()) as u64);
    }
    let stats = writer.stats();
    assert_eq!(stats.rows_committed, rows_total as u64);
    assert_eq!(stats.failed_transactions, 0);
    assert!(
        stats.transactions < (TASKS * SUBMITS_PER_TASK) as u64,
        "group commit put several submissions in one transaction: {stats:?}"
    );
    assert!(
        stats.avg_commit_us > 0 && stats.last_commit_us > 0,
        "{stats:?}"
    );
    assert_eq!(writer.queue_depth(), 0);
    handle.shutdown().await;
}

pub async fn a_full_queue_rejects_without_enqueuing(db: &TestDb) {
    let gated = GatedStore::new(db.store.clone());
    let config = WriterConfig {
        queue_capacity: 4,
        max_batch_rows: 4,
    };
    let (writer, handle) = HistoryWriter::spawn(gated.clone(), config);
    let owner = Uuid::now_v7();
    let rows = |n: i64| {
        (0..n)
            .map(|i| row(Some(owner), item(i)))
            .collect::<Vec<_>>()
    };

    let first = writer.submit(rows(3)).expect("fits");
    gated.wait_for_arrivals(1).await;
    // Queue space comes back only when rows are committed, and the commit is held.
    assert!(matches!(
        writer.submit(rows(2)).err(),
        Some(StoreError::QueueFull)
    ));
    let second = writer.submit(rows(1)).expect("fits exactly");
    assert!(matches!(
        writer.submit(rows(1)).err(),
        Some(StoreError::QueueFull)
    ));
    assert!(
        matches!(writer.submit(rows(5)).err(), Some(StoreError::QueueFull)),
        "never fits"
    );
    assert_eq!(writer.queue_depth(), 4);
    assert_eq!(StoreError::QueueFull.code(), bp_api::ErrorCode::Overloaded);

    gated.open_gate();
    first.await.expect("committed");
    second.await.expect("committed");
    assert_eq!(total(db, owner).await, 4, "rejected rows were not enqueued");
    assert_eq!(writer.queue_depth(), 0);
    writer
        .submit(rows(4))
        .expect("room again")
        .await
        .expect("committed");
    handle.shutdown().await;
}

pub async fn shutdown_flushes_everything_queued(db: &TestDb) {
    let gated = GatedStore::new(db.store.clone());
    let config = WriterConfig {
        queue_capacity: 1_000,
        max_batch_rows: 10,
    };
    let (writer, handle) = HistoryWriter::spawn(gated.clone(), config);
    let owner = Uuid::now_v7();

    let mut pending = Vec::new();
    for n in 0..50 {
        let rows = vec![
            row(Some(owner), item(2 * n)),
            row(Some(owner), item(2 * n + 1)),
        ];
        pending.push(writer.submit(rows).expect("fits"));
    }
    gated.wait_for_arrivals(1).await;

    // Start the shutdown while a commit is held and 90 rows wait behind it.
    let shutdown = handle.shutdown();
    tokio::pin!(shutdown);
    tokio::select! {
        biased;
        _ = &mut shutdown => panic!("shutdown finished while a commit was still held"),
        _ = tokio::task::yield_now() => {}
    }
    assert!(matches!(
        writer.submit(one_row(owner, 999)).err(),
        Some(StoreError::Closed)
    ));

    gated.open_gate();
    shutdown.await;
    assert_eq!(writer.queue_depth(), 0);
    for done in pending {
        tokio::time::timeout(Duration::from_secs(1), done)
            .await
            .expect("answered by the time shutdown returned")
            .expect("committed");
    }
    assert_eq!(total(db, owner).await, 100);
    assert_eq!(writer.stats().rows_committed, 100);
    assert!(matches!(
        writer.submit(Vec::new()).err(),
        Some(StoreError::Closed)
    ));
}

pub async fn a_bad_submission_does_not_fail_its_batch(db: &TestDb) {
    let owner = Uuid::now_v7();
    let existing = item(0);
    db.store
        .insert_history(&[row(Some(owner), existing.clone())])
        .await
        .expect("insert");

    let gated = GatedStore::new(db.store.clone());
    let config = WriterConfig {
        queue_capacity: 100,
        max_batch_rows: 100,
    };
    let (writer, handle) = HistoryWriter::spawn(gated.clone(), config);
    // The first submission holds the writer at the gate so the next three share one batch.
    let blocker = writer.submit(one_row(owner, 1)).expect("fits");
    gated.wait_for_arrivals(1).await;
    let good = writer.submit(one_row(owner, 2)).expect("fits");
    let bad = writer
        .submit(vec![row(Some(owner), existing)])
        .expect("fits");
    let also_good = writer.submit(one_row(owner, 3)).expect("fits");
    gated.open_gate();

    blocker.await.expect("committed");
    good.await.expect("committed despite a bad neighbour");
    let err = bad.await.expect_err("duplicate id");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    also_good.await.expect("committed despite a bad neighbour");
    assert_eq!(total(db, owner).await, 4);
    let stats = writer.stats();
    assert_eq!(
        (stats.rows_committed, stats.failed_transactions),
        (3, 2),
        "{stats:?}"
    );
    handle.shutdown().await;
}

/// The future of a submission borrows nothing: the submitting handle can go away first.
pub async fn a_submission_outlives_its_writer_handle(db: &TestDb) {
    let config = WriterConfig {
        queue_capacity: 10,
        max_batch_rows: 10,
    };
    let (writer, handle) = HistoryWriter::spawn(db.store.clone(), config);
    let owner = Uuid::now_v7();
    let done = writer.submit(one_row(owner, 1)).expect("fits");
    let stats_source = writer.clone();
    drop(writer);
    done.await.expect("committed");
    assert_eq!(stats_source.stats().rows_committed, 1);
    drop(stats_source);
    handle.shutdown().await;
    assert_eq!(total(db, owner).await, 1);
}
