//! The in-process enhancement cache (moka: bounded, TTL). Keyed by the prompt text and the
//! options, since the engine is deterministic in exactly those. Hits and misses are counted
//! for the metrics.

use bp_engine::{EnhanceOptions, Enhancement, PromptText};
use moka::sync::Cache;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::CacheConfig;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    text: String,
    options: EnhanceOptions,
}

pub struct EnhanceCache {
    cache: Cache<Key, Arc<Enhancement>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Whether a result came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    Hit,
    Miss,
}

impl EnhanceCache {
    pub fn new(config: CacheConfig) -> Self {
        EnhanceCache {
            cache: Cache::builder()
                .max_capacity(config.max_entries)
                .time_to_live(config.ttl)
                .build(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Returns the cached enhancement or computes and caches it.
    pub fn get_or_compute(
        &self,
        prompt: &PromptText,
        options: &EnhanceOptions,
        compute: impl FnOnce() -> Enhancement,
    ) -> (Arc<Enhancement>, CacheOutcome) {
        let key = Key { text: prompt.as_str().to_owned(), options: options.clone() };
        if let Some(hit) = self.cache.get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return (hit, CacheOutcome::Hit);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let value = Arc::new(compute());
        self.cache.insert(key, value.clone());
        (value, CacheOutcome::Miss)
    }

    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }
}
