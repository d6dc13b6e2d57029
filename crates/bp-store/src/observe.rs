//! Timing of database calls, reported to whoever watches: the server records them into its
//! metrics windows (connection wait and query time per [`DbOperation`]).
//!
//! The store only measures and calls [`DbObserver::db_call`] from whatever thread finished
//! the call; keeping it cheap and lock-free across cores is the observer's job (the
//! server's recorder takes a per-thread shard lock).

pub use bp_api::DbOperation;
use std::sync::Arc;
use std::time::Duration;

/// Receives the timing of every database call a store makes after opening.
pub trait DbObserver: Send + Sync + 'static {
    /// One call finished, successfully or not: `acquire` is the time it waited for a
    /// connection (for SQLite writes: for the writer thread), `query` the time it then
    /// spent on it, statements and commit included.
    fn db_call(&self, op: DbOperation, acquire: Duration, query: Duration);
}

/// The observer of a store nobody watches.
pub(crate) struct Unobserved;

impl DbObserver for Unobserved {
    fn db_call(&self, _: DbOperation, _: Duration, _: Duration) {}
}

pub(crate) type Observer = Arc<dyn DbObserver>;
