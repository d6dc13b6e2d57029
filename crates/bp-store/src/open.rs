//! Opening a store: the one place that knows both backends, above them and the `Store`
//! trait they implement.

use crate::error::StoreResult;
use crate::observe::{DbObserver, Unobserved};
use crate::store::{Store, StoreConfig};
use crate::{postgres, sqlite};
use std::sync::Arc;

/// Connects to the configured backend and brings its schema up to date.
pub async fn open(config: &StoreConfig) -> StoreResult<Arc<dyn Store>> {
    open_observed(config, Arc::new(Unobserved)).await
}

/// Like [`open`], and every call made afterwards reports its timing to `observer`.
pub async fn open_observed(
    config: &StoreConfig,
    observer: Arc<dyn DbObserver>,
) -> StoreResult<Arc<dyn Store>> {
    match config {
        StoreConfig::Sqlite { path } => {
            Ok(Arc::new(sqlite::SqliteStore::open(path, observer).await?))
        }
        StoreConfig::Postgres {
            url,
            pool_size,
            schema,
        } => Ok(Arc::new(
            postgres::PostgresStore::open(url, *pool_size, schema.as_deref(), observer).await?,
        )),
    }
}
