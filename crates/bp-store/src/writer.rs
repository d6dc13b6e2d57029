//! The group-commit history writer: many concurrent requests, few durable transactions.
//!
//! Requests submit their rows to a bounded queue and wait for the commit. One task takes
//! whatever is queued (up to `max_batch_rows`), writes it in one `insert_history` call, and
//! tells every submitter of that batch the outcome. While one commit is in flight the next
//! batch accumulates, so the commit rate adapts to the load and the fsync cost is shared.
//!
//! Capacity is counted in rows with a semaphore: a submission takes one permit per row and
//! gives them back once its rows are committed (or failed), so the queue bounds every row the
//! writer holds. A full queue is an immediate `QueueFull` (load shedding), never a wait. No row
//! is dropped silently: every accepted submission learns the outcome of its transaction, or
//! `Closed` if the writer went away before it.

use crate::error::{StoreError, StoreResult};
use crate::model::NewHistoryRow;
use crate::store::Store;
use bp_api::ErrorCode;
use std::future::Future;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError, mpsc, oneshot};
use tokio::task::JoinHandle;

/// Sizes of the writer's queue and batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterConfig {
    /// Rows accepted and not yet committed, at most. Should be several times
    /// `max_batch_rows` so a batch can accumulate while the previous one commits.
    pub queue_capacity: usize,
    /// Rows per transaction, at most; a single submission larger than this is never split.
    pub max_batch_rows: usize,
}

impl Default for WriterConfig {
    fn default() -> Self {
        WriterConfig {
            queue_capacity: 10_000,
            max_batch_rows: 1_000,
        }
    }
}

/// Counters since the writer started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    pub rows_committed: u64,
    /// Transactions that committed.
    pub transactions: u64,
    /// Transactions that failed (their submitters got the error).
    pub failed_transactions: u64,
    /// Duration of the latest transaction, committed or failed.
    pub last_commit_us: u64,
    /// Mean duration of all transactions, committed or failed.
    pub avg_commit_us: u64,
}

/// State shared by the submitters, the handle and the task.
struct Shared {
    permits: Arc<Semaphore>,
    capacity: usize,
    rows_committed: AtomicU64,
    transactions: AtomicU64,
    failed_transactions: AtomicU64,
    last_commit_us: AtomicU64,
    total_commit_us: AtomicU64,
}

/// One `submit` call's rows and where to report their outcome.
struct Submission {
    rows: Vec<NewHistoryRow>,
    done: oneshot::Sender<StoreResult<()>>,
    /// One permit per row, released when the submission is answered.
    _permits: OwnedSemaphorePermit,
}

/// The cheap, cloneable submitting side.
#[derive(Clone)]
pub struct HistoryWriter {
    queue: mpsc::UnboundedSender<Submission>,
    shared: Arc<Shared>,
}

/// Owns the writer task; [`WriterHandle::shutdown`] drains it. Dropping the handle instead
/// leaves the task running until every [`HistoryWriter`] clone is dropped.
pub struct WriterHandle {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    shared: Arc<Shared>,
}

impl HistoryWriter {
    /// Spawns the writer task on the current tokio runtime.
    pub fn spawn(store: Arc<dyn Store>, config: WriterConfig) -> (HistoryWriter, WriterHandle) {
        let capacity = config.queue_capacity.clamp(1, Semaphore::MAX_PERMITS);
        let shared = Arc::new(Shared {
            permits: Arc::new(Semaphore::new(capacity)),
            capacity,
            rows_committed: AtomicU64::new(0),
            transactions: AtomicU64::new(0),
            failed_transactions: AtomicU64::new(0),
            last_commit_us: AtomicU64::new(0),
            total_commit_us: AtomicU64::new(0),
        });
        let (queue, submissions) = mpsc::unbounded_channel();
        let (stop, stop_signal) = oneshot::channel();
        let task = tokio::spawn(run(
            store,
            submissions,
            stop_signal,
            Arc::clone(&shared),
            config.max_batch_rows.max(1),
        ));
        (
            HistoryWriter {
                queue,
                shared: Arc::clone(&shared),
            },
            WriterHandle { stop, task, shared },
        )
    }

    /// Enqueues `rows` without waiting for space: `QueueFull` when the queue has no room for
    /// all of them (then none is enqueued), `Closed` after shutdown. The returned future
    /// resolves when the transaction holding these rows committed, or with its error.
    pub fn submit(
        &self,
        rows: Vec<NewHistoryRow>,
    ) -> StoreResult<impl Future<Output = StoreResult<()>> + Send + 'static + use<>> {
        let (done, outcome) = oneshot::channel();
        if rows.is_empty() {
            if self.shared.permits.is_closed() {
                return Err(StoreError::Closed);
            }
            // Nothing to write is trivially durable.
            let _ = done.send(Ok(()));
        } else {
            let n_rows = u32::try_from(rows.len()).map_err(|_| StoreError::QueueFull)?;
            let permits = Arc::clone(&self.shared.permits)
                .try_acquire_many_owned(n_rows)
                .map_err(|e| match e {
                    TryAcquireError::NoPermits => StoreError::QueueFull,
                    TryAcquireError::Closed => StoreError::Closed,
                })?;
            // Fails only when the task is gone; the rows come back to us and are dropped
            // with an error the caller sees.
            self.queue
                .send(Submission {
                    rows,
                    done,
                    _permits: permits,
                })
                .map_err(|_| StoreError::Closed)?;
        }
        Ok(async move { outcome.await.unwrap_or(Err(StoreError::Closed)) })
    }

    /// Rows accepted and not yet committed.
    pub fn queue_depth(&self) -> usize {
        self.shared.queue_depth()
    }

    pub fn stats(&self) -> WriterStats {
        self.shared.stats()
    }
}

impl WriterHandle {
    /// Stops accepting rows, commits everything already queued, and waits for the last
    /// commit.
    pub async fn shutdown(self) {
        // From here on `submit` fails with `Closed`.
        self.shared.permits.close();
        let _ = self.stop.send(());
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "history writer task failed");
        }
    }

    pub fn queue_depth(&self) -> usize {
        self.shared.queue_depth()
    }

    pub fn stats(&self) -> WriterStats {
        self.shared.stats()
    }
}

impl Shared {
    fn queue_depth(&self) -> usize {
        self.capacity
            .saturating_sub(self.permits.available_permits())
    }

    fn stats(&self) -> WriterStats {
        let transactions = self.transactions.load(Ordering::Relaxed);
        let failed = self.failed_transactions.load(Ordering::Relaxed);
        let total_us = self.total_commit_us.load(Ordering::Relaxed);
        WriterStats {
            rows_committed: self.rows_committed.load(Ordering::Relaxed),
            transactions,
            failed_transactions: failed,
            last_commit_us: self.last_commit_us.load(Ordering::Relaxed),
            avg_commit_us: total_us.checked_div(transactions + failed).unwrap_or(0),
        }
    }

    /// Runs one transaction and records its duration and outcome.
    async fn commit(&self, store: &dyn Store, rows: &[NewHistoryRow]) -> StoreResult<()> {
        let started = Instant::now();
        let result = store.insert_history(rows).await;
        let us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.last_commit_us.store(us, Ordering::Relaxed);
        self.total_commit_us.fetch_add(us, Ordering::Relaxed);
        match &result {
            Ok(()) => {
                self.transactions.fetch_add(1, Ordering::Relaxed);
                self.rows_committed
                    .fetch_add(rows.len() as u64, Ordering::Relaxed);
            }
            Err(e) => {
                self.failed_transactions.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = %e, rows = rows.len(), "history batch failed to commit");
            }
        }
        result
    }
}

/// The writer task: batch, commit, answer; until stopped and drained, or until every
/// submitter is gone.
async fn run(
    store: Arc<dyn Store>,
    mut submissions: mpsc::UnboundedReceiver<Submission>,
    mut stop: oneshot::Receiver<()>,
    shared: Arc<Shared>,
    max_batch_rows: usize,
) {
    let mut stop_armed = true;
    // A submission that did not fit in the previous batch goes first in the next.
    let mut carried: Option<Submission> = None;
    loop {
        let first = match carried.take() {
            Some(s) => s,
            None => tokio::select! {
                next = submissions.recv() => match next {
                    Some(s) => s,
                    // Stopped and drained, or every submitter dropped.
                    None => break,
                },
                signal = &mut stop, if stop_armed => {
                    stop_armed = false;
                    if signal.is_ok() {
                        // Refuse new sends but keep what is buffered: `recv` yields the rest,
                        // then `None`.
                        submissions.close();
                    }
                    continue;
                }
            },
        };
        let mut batch = vec![first];
        let mut n_rows = batch[0].rows.len();
        while n_rows < max_batch_rows {
            match submissions.try_recv() {
                Ok(s) if n_rows + s.rows.len() > max_batch_rows => {
                    carried = Some(s);
                    break;
                }
                Ok(s) => {
                    n_rows += s.rows.len();
                    batch.push(s);
                }
                Err(_) => break,
            }
        }
        write_batch(&*store, &shared, batch).await;
    }
}

/// Commits a batch in one transaction and answers each submitter.
///
/// When a multi-submission batch fails for a reason tied to its data (a duplicate id, a
/// rejected value), each submission is retried alone so one bad request does not fail its
/// neighbours. Failures of the database itself are answered as they are: retrying would only
/// delay the answer.
async fn write_batch(store: &dyn Store, shared: &Shared, batch: Vec<Submission>) {
    let mut rows = Vec::with_capacity(batch.iter().map(|s| s.rows.len()).sum());
    let mut submitters: Vec<(Range<usize>, Submission)> = Vec::with_capacity(batch.len());
    for mut s in batch {
        let start = rows.len();
        rows.append(&mut s.rows);
        submitters.push((start..rows.len(), s));
    }
    let result = shared.commit(store, &rows).await;
    let data_error =
        matches!(&result, Err(e) if matches!(e.code(), ErrorCode::Conflict | ErrorCode::Internal));
    if submitters.len() > 1 && data_error {
        for (range, s) in submitters {
            let result = shared.commit(store, &rows[range]).await;
            s.answer(result);
        }
    } else {
        for (_, s) in submitters {
            s.answer(result.clone());
        }
    }
}

impl Submission {
    /// Frees the submission's queue space, then tells the submitter, so a submitter that
    /// sees its answer also sees the space it used as free.
    fn answer(self, result: StoreResult<()>) {
        let Submission {
            done,
            _permits: permits,
            ..
        } = self;
        drop(permits);
        // A submitter that stopped waiting still had its rows written.
        let _ = done.send(result);
    }
}
