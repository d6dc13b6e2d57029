//! Shared state of the running service: built once at start-up, cloned cheaply per request.

use crate::cache::{EnhanceCache, SharedCache};
use crate::config::ServerConfig;
use crate::faults::FaultSwitch;
use crate::keys::hash_key;
use crate::middleware::rate_limit::RateLimiter;
use crate::routes::load_runs::LoadRuns;
use crate::routes::metrics::cache::QueryCache;
use crate::telemetry::Telemetry;
use bp_engine::Engine;
use bp_store::{ApiKeyRecord, HistoryWriter, Store, StoreResult};
use moka::future::Cache;
use std::sync::Arc;
use std::time::Duration;

/// How long a key lookup (found or not) is remembered. Short enough that a revoked key
/// stops working quickly, long enough that load does not become one query per request.
const KEY_CACHE_TTL: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    config: ServerConfig,
    engine: Arc<Engine>,
    store: Arc<dyn Store>,
    writer: HistoryWriter,
    cache: EnhanceCache,
    keys: Cache<String, Option<Arc<ApiKeyRecord>>>,
    limiter: RateLimiter,
    telemetry: Arc<Telemetry>,
    load_runs: LoadRuns,
    faults: FaultSwitch,
    query_cache: QueryCache,
}

impl AppState {
    pub fn new(
        config: ServerConfig,
        engine: Arc<Engine>,
        store: Arc<dyn Store>,
        writer: HistoryWriter,
        telemetry: Arc<Telemetry>,
        shared_cache: Option<SharedCache>,
    ) -> Self {
        AppState(Arc::new(Shared {
            cache: EnhanceCache::new(config.cache, shared_cache),
            faults: FaultSwitch::default(),
            query_cache: QueryCache::default(),
            keys: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(KEY_CACHE_TTL)
                .build(),
            limiter: RateLimiter::default(),
            telemetry,
            load_runs: LoadRuns::default(),
            config,
            engine,
            store,
            writer,
        }))
    }

    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    pub fn store(&self) -> &dyn Store {
        self.0.store.as_ref()
    }

    pub fn writer(&self) -> &HistoryWriter {
        &self.0.writer
    }

    pub fn cache(&self) -> &EnhanceCache {
        &self.0.cache
    }

    pub fn telemetry_arc(&self) -> Arc<Telemetry> {
        self.0.telemetry.clone()
    }

    pub fn telemetry(&self) -> &Telemetry {
        &self.0.telemetry
    }

    pub fn store_arc(&self) -> Arc<dyn Store> {
        self.0.store.clone()
    }

    pub fn load_runs(&self) -> &LoadRuns {
        &self.0.load_runs
    }

    pub fn faults(&self) -> &FaultSwitch {
        &self.0.faults
    }

    pub fn query_cache(&self) -> &QueryCache {
        &self.0.query_cache
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.0.limiter
    }

    /// Finds the key record for a presented secret, through a short-lived cache.
    pub async fn lookup_key(&self, secret: &str) -> StoreResult<Option<Arc<ApiKeyRecord>>> {
        let hash = hash_key(secret);
        if let Some(hit) = self.0.keys.get(&hash).await {
            return Ok(hit);
        }
        let found = self
            .0
            .store
            .find_key_by_hash(&hash)
            .await?
            .filter(|k| !k.revoked)
            .map(Arc::new);
        self.0.keys.insert(hash, found.clone()).await;
        Ok(found)
    }
}
