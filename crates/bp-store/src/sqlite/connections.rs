//! SQLite connections: one writer on its own thread, a small pool of readers, and how each is
//! opened and configured.
//!
//! SQLite allows one writer at a time anyway, so all writes go through one connection owned by
//! a dedicated thread (no lock contention, no `SQLITE_BUSY` between our own writers). In WAL
//! mode readers never block the writer nor each other, so reads run on a few read-only
//! connections on tokio's blocking pool. No SQLite call ever runs on an async worker thread.

use super::{Op, lock};
use crate::error::{StoreError, StoreResult};
use crate::listing::ICONTAINS;
use crate::model::StorageStats;
use crate::observe::{DbOperation, Observer};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// How long a statement waits for another process's lock before failing with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Enough distinct statements for every listing shape a busy server sees.
const READER_STATEMENT_CACHE: usize = 64;

/// How long a read waits for a free read connection before the call fails (`TimedOut`, a 503
/// with `Retry-After`): waiters stay few and a reader queue never turns into seconds.
const READ_WAIT_TIMEOUT: Duration = Duration::from_millis(250);

/// The WAL is checkpointed back to empty (`wal_checkpoint(TRUNCATE)`) once it holds this
/// much. SQLite's own automatic checkpoints copy frames but can only restart the WAL when no
/// reader uses it, which under continuous reads is never, so the file would grow without
/// bound (819 MB database, 605 MB WAL in a peak run).
const WAL_TRUNCATE_AT_BYTES: u64 = 16 << 20;
/// Past this, SQLite truncates the WAL file whenever it restarts it, whatever we do.
const JOURNAL_SIZE_LIMIT_BYTES: i64 = 64 << 20;
/// How long a truncating checkpoint waits for readers to leave the WAL. It holds the write
/// lock meanwhile, so this is also the longest it delays a commit; a checkpoint that cannot
/// finish in time is retried after `CHECKPOINT_RETRY`.
const CHECKPOINT_BUSY_TIMEOUT: Duration = Duration::from_millis(20);
const CHECKPOINT_RETRY: Duration = Duration::from_millis(200);
/// The writer's page cache, in KiB (SQLite's negative `cache_size`). Inserts land at random
/// places in `history_owner_confidence` and the per-owner counters, so with SQLite's default
/// 2 MiB the writer re-read index pages from the OS on most commits once the database had
/// grown past a gigabyte, and write latency rose with the database (a p95 trend over a
/// 30-minute sustained run). The writer is the only connection that writes, so its cache
/// stays valid between commits.
const WRITER_CACHE_KIB: i64 = 64 << 10;
/// Each reader's page cache, in KiB: listings read a few index pages and rows each.
const READER_CACHE_KIB: i64 = 8 << 10;

/// Opens the read-write connection: WAL so readers run beside it, `synchronous=FULL` so a
/// commit that returned survives a crash or power loss, foreign keys for the feedback cascade.
pub(super) fn open_writer(path: &Path) -> StoreResult<Connection> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::unavailable("create the database directory", e))?;
    }
    const OP: &str = "open the SQLite database";
    let conn = Connection::open(path).op(OP)?;
    conn.busy_timeout(BUSY_TIMEOUT).op(OP)?;
    let mode: String = retry_while_busy(|| {
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
    })
    .op(OP)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::InvalidConfig(format!(
            "SQLite cannot use WAL for {} (journal mode is {mode})",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL").op(OP)?;
    conn.pragma_update(None, "foreign_keys", "ON").op(OP)?;
    conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT_BYTES)
        .op(OP)?;
    conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)
        .op(OP)?;
    Ok(conn)
}

/// Switching a new file to WAL needs an exclusive lock, and SQLite reports a conflict there
/// (another connection doing the same, or recovering the WAL) as `SQLITE_BUSY` at once,
/// without its busy handler. Retry such steps until the busy timeout would have expired.
fn retry_while_busy<T>(mut attempt: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match attempt() {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            outcome => return outcome,
        }
    }
}

/// SQLite's name for the WAL of `database`.
fn wal_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// Opens a read-only connection with the search function registered.
pub(super) fn open_reader(path: &Path) -> StoreResult<Connection> {
    const OP: &str = "open a SQLite read connection";
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).op(OP)?;
    conn.busy_timeout(BUSY_TIMEOUT).op(OP)?;
    conn.set_prepared_statement_cache_capacity(READER_STATEMENT_CACHE);
    conn.pragma_update(None, "cache_size", -READER_CACHE_KIB)
        .op(OP)?;
    conn.create_scalar_function(
        ICONTAINS,
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let user_error = |e| rusqlite::Error::UserFunctionError(Box::new(e));
            let haystack = ctx.get_raw(0).as_str().map_err(user_error)?;
            let needle = ctx.get_raw(1).as_str().map_err(user_error)?;
            Ok(contains_ignoring_case(haystack, needle))
        },
    )
    .op(OP)?;
    Ok(conn)
}

/// Whether `haystack` contains `lowercase_needle`, ignoring case by Unicode's rules.
fn contains_ignoring_case(haystack: &str, lowercase_needle: &str) -> bool {
    if haystack.is_ascii() && lowercase_needle.is_ascii() {
        // The common case, without allocating.
        let (h, n) = (haystack.as_bytes(), lowercase_needle.as_bytes());
        return n.is_empty()
            || h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    haystack.to_lowercase().contains(lowercase_needle)
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The thread that owns the writer connection and runs write jobs one after the other.
pub(super) struct WriterThread {
    jobs: mpsc::Sender<Job>,
    /// Jobs sent and not finished: the first is running, the rest wait.
    pending: Arc<AtomicUsize>,
    observer: Observer,
    wal: Arc<WalState>,
}

/// The WAL as the writer thread last saw it, for the storage metrics.
#[derive(Default)]
pub(super) struct WalState {
    bytes: AtomicU64,
    /// Unix microseconds since when the WAL has been at or over the truncation threshold
    /// without a checkpoint emptying it (0: it is under the threshold).
    over_since_us: AtomicU64,
    checkpoints: AtomicU64,
    checkpoints_busy: AtomicU64,
}

impl WalState {
    pub(super) fn stats(&self) -> StorageStats {
        let over_since = self.over_since_us.load(Ordering::Relaxed);
        StorageStats {
            wal_bytes: Some(self.bytes.load(Ordering::Relaxed)),
            checkpoint_lag: Some(if over_since == 0 {
                Duration::ZERO
            } else {
                Duration::from_micros(unix_now_us().saturating_sub(over_since))
            }),
            checkpoints: self.checkpoints.load(Ordering::Relaxed),
            checkpoints_busy: self.checkpoints_busy.load(Ordering::Relaxed),
        }
    }

    fn record_size(&self, bytes: u64) {
        self.bytes.store(bytes, Ordering::Relaxed);
        if bytes < WAL_TRUNCATE_AT_BYTES {
            self.over_since_us.store(0, Ordering::Relaxed);
        } else if self.over_since_us.load(Ordering::Relaxed) == 0 {
            self.over_since_us.store(unix_now_us(), Ordering::Relaxed);
        }
    }
}

fn unix_now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Keeps the WAL bounded from the writer thread, between write jobs: no reader can hold it
/// back for longer than its statement, and no commit waits on a checkpoint for longer than
/// `CHECKPOINT_BUSY_TIMEOUT`.
struct WalControl {
    path: PathBuf,
    state: Arc<WalState>,
    next_attempt: Instant,
}

impl WalControl {
    fn after_write(&mut self, conn: &Connection) {
        let bytes = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        self.state.record_size(bytes);
        if bytes < WAL_TRUNCATE_AT_BYTES || Instant::now() < self.next_attempt {
            return;
        }
        match truncate_wal(conn) {
            Ok(true) => {
                self.state.checkpoints.fetch_add(1, Ordering::Relaxed);
                let bytes = std::fs::metadata(&self.path).map_or(0, |m| m.len());
                self.state.record_size(bytes);
            }
            Ok(false) => {
                self.state.checkpoints_busy.fetch_add(1, Ordering::Relaxed);
                self.next_attempt = Instant::now() + CHECKPOINT_RETRY;
            }
            Err(e) => {
                tracing::warn!(error = %e, "SQLite WAL checkpoint failed");
                self.next_attempt = Instant::now() + CHECKPOINT_RETRY;
            }
        }
    }
}

/// Copies the whole WAL into the database and truncates it; `false` when readers kept it
/// busy past the short busy timeout (nothing is lost: the frames stay in the WAL).
fn truncate_wal(conn: &Connection) -> rusqlite::Result<bool> {
    conn.busy_timeout(CHECKPOINT_BUSY_TIMEOUT)?;
    let busy = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        row.get::<_, i64>(0)
    });
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(busy? == 0)
}

/// Counts a job as pending until it is dropped, whether it ran, panicked or never ran.
struct Pending(Arc<AtomicUsize>);

impl Drop for Pending {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl WriterThread {
    /// Starts the thread; it ends, closing the connection, when the `WriterThread` is dropped.
    /// `database` is the database file's path (its WAL is beside it).
    pub(super) fn spawn(
        mut conn: Connection,
        database: &Path,
        observer: Observer,
    ) -> StoreResult<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let wal = Arc::new(WalState::default());
        let mut control = WalControl {
            path: wal_path(database),
            state: Arc::clone(&wal),
            next_attempt: Instant::now(),
        };
        std::thread::Builder::new()
            .name("bp-sqlite-writer".to_owned())
            .spawn(move || {
                for job in queue {
                    job(&mut conn);
                    control.after_write(&conn);
                }
            })
            .map_err(|e| StoreError::unavailable("start the SQLite writer thread", e))?;
        Ok(WriterThread {
            jobs,
            pending: Arc::new(AtomicUsize::new(0)),
            observer,
            wal,
        })
    }

    pub(super) fn storage_stats(&self) -> StorageStats {
        self.wal.stats()
    }

    /// Runs `f` on the writer connection and waits for its outcome without blocking. The
    /// time the job queued for the writer counts as its connection wait.
    pub(super) async fn run<R, F>(
        &self,
        op: DbOperation,
        operation: &'static str,
        f: F,
    ) -> StoreResult<R>
    where
        F: FnOnce(&mut Connection) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let (done, outcome) = oneshot::channel();
        self.pending.fetch_add(1, Ordering::Relaxed);
        let pending = Pending(Arc::clone(&self.pending));
        let observer = Arc::clone(&self.observer);
        let queued_at = Instant::now();
        let job: Job = Box::new(move |conn| {
            let started = Instant::now();
            // A panicking job must not take the only writer down with it; its transaction,
            // if any, rolls back as the panic unwinds through it.
            let result = catch_unwind(AssertUnwindSafe(|| f(conn))).unwrap_or_else(|_| {
                tracing::error!(operation, "SQLite write job panicked");
                Err(StoreError::Panicked { operation })
            });
            observer.db_call(op, started - queued_at, started.elapsed());
            // No longer pending by the time the caller hears back, so pool stats taken after
            // an operation see it finished.
            drop(pending);
            // The caller may have stopped waiting; the work is done either way.
            let _ = done.send(result);
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        outcome.await.unwrap_or(Err(StoreError::Closed))
    }

    /// 1 while a job runs, else 0.
    pub(super) fn in_use(&self) -> usize {
        self.pending.load(Ordering::Relaxed).min(1)
    }

    /// Jobs queued behind the running one.
    pub(super) fn waiting(&self) -> usize {
        self.pending.load(Ordering::Relaxed).saturating_sub(1)
    }
}

/// Read-only connections lent to blocking tasks one at a time.
pub(super) struct ReaderPool {
    idle: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
    size: usize,
    waiting: Arc<AtomicUsize>,
    observer: Observer,
}

/// A connection lent to one task; back in the pool when dropped, even after a panic.
struct Checkout {
    conn: Option<Connection>,
    idle: Arc<Mutex<Vec<Connection>>>,
    /// Released after the connection is back (fields drop after `drop` runs).
    _permit: OwnedSemaphorePermit,
}

impl Drop for Checkout {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            lock(&self.idle).push(conn);
        }
    }
}

/// Counts a caller as waiting for a connection until it has one or gives up.
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Waiting(Arc::clone(counter))
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl ReaderPool {
    pub(super) fn new(connections: Vec<Connection>, observer: Observer) -> Self {
        let size = connections.len();
        ReaderPool {
            idle: Arc::new(Mutex::new(connections)),
            permits: Arc::new(Semaphore::new(size)),
            size,
            waiting: Arc::new(AtomicUsize::new(0)),
            observer,
        }
    }

    /// Runs `f` on a free read connection on the blocking pool. The wait for a connection
    /// and for a blocking thread together count as the connection wait.
    pub(super) async fn run<R, F>(
        &self,
        op: DbOperation,
        operation: &'static str,
        f: F,
    ) -> StoreResult<R>
    where
        F: FnOnce(&mut Connection) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let called_at = Instant::now();
        let permit = {
            let _waiting = Waiting::new(&self.waiting);
            let acquire = Arc::clone(&self.permits).acquire_owned();
            match tokio::time::timeout(READ_WAIT_TIMEOUT, acquire).await {
                Ok(permit) => permit.map_err(|_| StoreError::Closed)?,
                Err(_) => {
                    self.observer
                        .db_call(op, called_at.elapsed(), Duration::ZERO);
                    return Err(StoreError::TimedOut {
                        operation: "wait for a read connection",
                    });
                }
            }
        };
        // A permit guarantees an idle connection; `Closed` covers the impossible otherwise.
        let conn = lock(&self.idle).pop().ok_or(StoreError::Closed)?;
        let mut checkout = Checkout {
            conn: Some(conn),
            idle: Arc::clone(&self.idle),
            _permit: permit,
        };
        let observer = Arc::clone(&self.observer);
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let result = match checkout.conn.as_mut() {
                Some(conn) => f(conn),
                None => Err(StoreError::Closed),
            };
            observer.db_call(op, started - called_at, started.elapsed());
            result
        })
        .await
        .map_err(|e| {
            tracing::error!(operation, error = %e, "SQLite read task failed");
            StoreError::Panicked { operation }
        })?
    }

    pub(super) fn size(&self) -> usize {
        self.size
    }

    pub(super) fn in_use(&self) -> usize {
        self.size - self.permits.available_permits()
    }

    pub(super) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that holds its snapshot keeps the WAL from being emptied (the checkpoint
    /// gives up after its short busy timeout and counts as busy); once it lets go, the next
    /// write truncates the WAL to nothing.
    #[test]
    fn the_writer_truncates_the_wal_once_readers_let_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bp.sqlite3");
        let writer = open_writer(&path).expect("opens");
        writer
            .execute_batch("CREATE TABLE t (x BLOB)")
            .expect("create");
        let state = Arc::new(WalState::default());
        let mut control = WalControl {
            path: wal_path(&path),
            state: Arc::clone(&state),
            next_attempt: Instant::now(),
        };
        let mut reader = open_reader(&path).expect("opens");
        let snapshot = reader.transaction().expect("begins");
        let _: i64 = snapshot
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .expect("reads");
        let write = || {
            writer
                .execute("INSERT INTO t VALUES (zeroblob(1 << 20))", [])
                .expect("insert");
        };
        while state.stats().wal_bytes.unwrap_or(0) < WAL_TRUNCATE_AT_BYTES {
            write();
            control.next_attempt = Instant::now();
            control.after_write(&writer);
        }
        assert!(state.stats().checkpoints_busy > 0, "the reader held it");
        assert_eq!(state.stats().checkpoints, 0);
        drop(snapshot);
        write();
        control.next_attempt = Instant::now();
        control.after_write(&writer);
        let stats = state.stats();
        assert_eq!(
            (stats.checkpoints, stats.wal_bytes),
            (1, Some(0)),
            "{stats:?}"
        );
        assert_eq!(stats.checkpoint_lag, Some(Duration::ZERO));
    }

    #[test]
    fn checkpoint_lag_counts_only_while_the_wal_stays_over_its_threshold() {
        let wal = WalState::default();
        wal.record_size(WAL_TRUNCATE_AT_BYTES - 1);
        assert_eq!(wal.stats().checkpoint_lag, Some(Duration::ZERO));
        wal.record_size(WAL_TRUNCATE_AT_BYTES);
        let since = wal.over_since_us.load(Ordering::Relaxed);
        assert!(since > 0);
        // Still over: the lag keeps its start.
        wal.record_size(WAL_TRUNCATE_AT_BYTES * 2);
        assert_eq!(wal.over_since_us.load(Ordering::Relaxed), since);
        wal.record_size(0);
        assert_eq!(wal.stats().checkpoint_lag, Some(Duration::ZERO));
        assert_eq!(wal.stats().wal_bytes, Some(0));
    }

    #[test]
    fn substring_search_ignores_case_in_and_beyond_ascii() {
        assert!(contains_ignoring_case("Explain QUANTUM physics", "quantum"));
        assert!(contains_ignoring_case("anything", ""));
        assert!(!contains_ignoring_case("qua", "quantum"));
        assert!(contains_ignoring_case("ÜBER alles", "über"));
        assert!(contains_ignoring_case("Straße", "straße"));
        assert!(!contains_ignoring_case("Strasse", "straße"));
    }

    #[test]
    fn the_writer_is_durable_and_readers_are_read_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bp.sqlite3");
        let writer = open_writer(&path).expect("opens");
        let pragma = |name: &str| -> i64 {
            writer
                .pragma_query_value(None, name, |row| row.get(0))
                .expect("pragma")
        };
        // synchronous: 2 = FULL; foreign_keys: 1 = on.
        assert_eq!((pragma("synchronous"), pragma("foreign_keys")), (2, 1));
        assert_eq!(pragma("cache_size"), -WRITER_CACHE_KIB);
        let mode: String = writer
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .expect("pragma");
        assert_eq!(mode, "wal");

        writer
            .execute_batch("CREATE TABLE t (x TEXT)")
            .expect("create");
        let reader = open_reader(&path).expect("opens");
        assert!(reader.execute_batch("INSERT INTO t VALUES ('x')").is_err());
        let found: bool = reader
            .query_row("SELECT bp_icontains('Hello ÜBER', 'über')", [], |row| {
                row.get(0)
            })
            .expect("function registered");
        assert!(found);
    }
}
