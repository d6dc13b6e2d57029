//! Persistence of BetterPrompts: the [`Store`] trait, its SQLite (embedded default) and
//! PostgreSQL (at scale) implementations, their migrations, and the group-commit
//! [`HistoryWriter`] that turns many concurrent requests into few durable transactions.
//!
//! Both backends pass one conformance suite (`tests/it`), so callers never need to know which
//! one they hold. This crate is the only one that speaks SQL; it knows nothing of HTTP.
//! Opened with [`open_observed`], a store reports how long each call waited for a
//! connection and ran on it to a [`DbObserver`].

mod aggregates;
mod codec;
mod error;
mod listing;
mod migrations;
mod model;
mod observe;
mod open;
mod postgres;
mod sqlite;
mod store;
pub mod writer;

pub use error::{Cause, StoreError, StoreResult};
pub use listing::SCAN_BUDGET;
pub use model::{
    ApiKeyRecord, FeedbackRecord, FeedbackStats, FleetRecord, HistoryCursor, HistoryOwner,
    HistoryPageRows, HistoryQuery, KeyRotation, NewApiKey, NewFeedback, NewHistoryRow, OnConflict,
    PoolStats, RecordKind, RollupRow, StorageStats, to_stored_precision,
};
pub use observe::{DbObserver, DbOperation};
pub use open::{open, open_observed};
pub use store::{Store, StoreConfig};
pub use writer::{HistoryWriter, WriterConfig, WriterHandle, WriterStats};
