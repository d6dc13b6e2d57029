//! The in-process enhancement cache (moka: bounded, TTL). Keyed by the prompt text and the
//! options, since the engine is deterministic in exactly those. Hits and misses are counted
//! for the metrics.
//!
//! The key is a 128-bit fingerprint, so a lookup allocates nothing; the entry keeps the text
//! and options it was made from and a hit is only taken when they match exactly.

use crate::config::CacheConfig;
use bp_engine::{EnhanceOptions, Enhancement, PromptText};
use moka::sync::Cache;
use rustc_hash::FxBuildHasher;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

struct Entry {
    text: String,
    options: EnhanceOptions,
    enhancement: Arc<Enhancement>,
}

pub struct EnhanceCache {
    cache: Cache<u128, Arc<Entry>, FxBuildHasher>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Whether a result came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    Hit,
    Miss,
}

fn fingerprint(text: &str, options: &EnhanceOptions) -> u128 {
    // Two independently seeded 64-bit hashes; the entry check below makes a collision
    // harmless (a miss), never a wrong answer.
    let half = |seed: u64| {
        let mut h = FxBuildHasher.build_hasher();
        seed.hash(&mut h);
        text.hash(&mut h);
        options.hash(&mut h);
        h.finish()
    };
    (u128::from(half(0x243f_6a88_85a3_08d3)) << 64) | u128::from(half(0x1319_8a2e_0370_7344))
}

impl EnhanceCache {
    pub fn new(config: CacheConfig) -> Self {
        EnhanceCache {
            cache: Cache::builder()
                .max_capacity(config.max_entries)
                .time_to_live(config.ttl)
                .build_with_hasher(FxBuildHasher),
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
        let key = fingerprint(prompt.as_str(), options);
        if let Some(entry) = self.cache.get(&key)
            && entry.text == prompt.as_str()
            && entry.options == *options
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return (entry.enhancement.clone(), CacheOutcome::Hit);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let enhancement = Arc::new(compute());
        let entry = Entry {
            text: prompt.as_str().to_owned(),
            options: options.clone(),
            enhancement: enhancement.clone(),
        };
        self.cache.insert(key, Arc::new(entry));
        (enhancement, CacheOutcome::Miss)
    }

    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }
}
