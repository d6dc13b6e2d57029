//! Shared state of the running service: built once at start-up, cloned cheaply per request.
//! It holds the configuration, the services and the telemetry; the behaviour is in
//! [`crate::services`].

use crate::config::ServerConfig;
use crate::services::enhance_cache::{EnhanceCache, SharedCache};
use crate::services::enhancer::Enhancer;
use crate::services::faults::FaultSwitch;
use crate::services::keys::Keys;
use crate::services::query_cache::QueryCache;
use crate::services::rate_limit::RateLimiter;
use crate::services::redis::RedisLink;
use crate::telemetry::Telemetry;
use bp_engine::Engine;
use bp_store::{HistoryWriter, Store};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    config: ServerConfig,
    store: Arc<dyn Store>,
    enhancer: Enhancer,
    keys: Keys,
    limiter: RateLimiter,
    telemetry: Arc<Telemetry>,
    faults: FaultSwitch,
    query_cache: QueryCache,
    redis: Option<Arc<RedisLink>>,
    /// One permit per open metrics stream (`ServerConfig::max_stream_clients`).
    stream_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(
        config: ServerConfig,
        engine: Arc<Engine>,
        store: Arc<dyn Store>,
        writer: HistoryWriter,
        telemetry: Arc<Telemetry>,
        redis: Option<Arc<RedisLink>>,
    ) -> Self {
        let shared_cache = redis
            .clone()
            .map(|link| SharedCache::new(link, config.cache.ttl, telemetry.clone()));
        let cache = EnhanceCache::new(config.cache, shared_cache);
        AppState(Arc::new(Shared {
            enhancer: Enhancer::new(engine, cache, writer, telemetry.clone()),
            // A lookup is trusted for one metrics window: a key revoked elsewhere in the
            // fleet stops working here within a window.
            keys: Keys::new(store.clone(), config.telemetry.window),
            faults: FaultSwitch::default(),
            query_cache: QueryCache::default(),
            stream_slots: Arc::new(tokio::sync::Semaphore::new(config.max_stream_clients)),
            limiter: RateLimiter::new(redis.clone()),
            redis,
            telemetry,
            config,
            store,
        }))
    }

    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    pub fn enhancer(&self) -> &Enhancer {
        &self.0.enhancer
    }

    pub fn engine(&self) -> &Engine {
        self.0.enhancer.engine()
    }

    pub fn store(&self) -> &dyn Store {
        self.0.store.as_ref()
    }

    pub fn store_arc(&self) -> Arc<dyn Store> {
        self.0.store.clone()
    }

    pub fn writer(&self) -> &HistoryWriter {
        self.0.enhancer.writer()
    }

    pub fn cache(&self) -> &EnhanceCache {
        self.0.enhancer.cache()
    }

    pub fn keys(&self) -> &Keys {
        &self.0.keys
    }

    pub fn telemetry_arc(&self) -> Arc<Telemetry> {
        self.0.telemetry.clone()
    }

    pub fn telemetry(&self) -> &Telemetry {
        &self.0.telemetry
    }

    pub fn faults(&self) -> &FaultSwitch {
        &self.0.faults
    }

    /// A slot for one more metrics stream client, if the limit allows.
    pub fn stream_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.0.stream_slots.clone().try_acquire_owned().ok()
    }

    pub fn query_cache(&self) -> &QueryCache {
        &self.0.query_cache
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.0.limiter
    }

    /// The Redis shared by the fleet (enhancement cache, rate limits), when configured.
    pub fn redis(&self) -> Option<&RedisLink> {
        self.0.redis.as_deref()
    }
}
