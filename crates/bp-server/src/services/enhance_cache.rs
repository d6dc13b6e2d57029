//! The enhancement cache: in-process (moka: bounded, TTL) first, then optionally a shared
//! Redis (`enhance_cache/shared.rs`), then the engine. Keyed by the prompt text and the options,
//! since the engine is deterministic in exactly those.
//!
//! The key is a 128-bit fingerprint, so an in-process lookup allocates nothing; the entry
//! keeps the text and options it was made from and a hit is only taken when they match
//! exactly. A batch resolves all its items together: one Redis round trip for every
//! in-process miss, one to store what the engine computed.

mod shared;

pub use shared::SharedCache;

use bp_engine::{EnhanceOptions, Enhancement, PromptText};
use moka::sync::Cache;
use rustc_hash::FxBuildHasher;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Engine work per item is microseconds; yielding every few computed items keeps a
/// 100-item batch from holding a runtime thread for more than a fraction of a millisecond.
const COMPUTES_PER_YIELD: usize = 16;

/// The in-process cache's bounds.
#[derive(Debug, Clone, Copy)]
pub struct CacheConfig {
    pub max_entries: u64,
    pub ttl: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            max_entries: 100_000,
            ttl: Duration::from_secs(3600),
        }
    }
}

struct Entry {
    text: String,
    options: EnhanceOptions,
    enhancement: Arc<Enhancement>,
}

/// Where a result came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    InProcess,
    Redis,
    Engine,
}

/// One resolved item.
pub struct Resolved {
    pub enhancement: Arc<Enhancement>,
    pub source: Source,
    /// Time spent producing this item: its in-process lookup, its share of the Redis round
    /// trip, or the engine's work.
    pub took: Duration,
}

pub struct EnhanceCache {
    local: Cache<u128, Arc<Entry>, FxBuildHasher>,
    shared: Option<SharedCache>,
}

fn fingerprint(text: &str, options: &EnhanceOptions) -> u128 {
    // Two independently seeded 64-bit hashes; the entry check makes a collision harmless
    // (a miss), never a wrong answer.
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
    pub fn new(config: CacheConfig, shared: Option<SharedCache>) -> Self {
        EnhanceCache {
            local: Cache::builder()
                .max_capacity(config.max_entries)
                .time_to_live(config.ttl)
                .build_with_hasher(FxBuildHasher),
            shared,
        }
    }

    pub fn shared(&self) -> Option<&SharedCache> {
        self.shared.as_ref()
    }

    fn local_get(
        &self,
        key: u128,
        prompt: &PromptText,
        options: &EnhanceOptions,
    ) -> Option<Arc<Enhancement>> {
        self.local
            .get(&key)
            .filter(|e| e.text == prompt.as_str() && e.options == *options)
            .map(|e| e.enhancement.clone())
    }

    fn local_put(
        &self,
        key: u128,
        prompt: &PromptText,
        options: &EnhanceOptions,
        e: &Arc<Enhancement>,
    ) {
        let entry = Entry {
            text: prompt.as_str().to_owned(),
            options: options.clone(),
            enhancement: e.clone(),
        };
        self.local.insert(key, Arc::new(entry));
    }

    /// Resolves every item, in order: in-process cache, then Redis (one round trip for all
    /// in-process misses), then `compute`; what Redis or the engine produced is cached in
    /// process, what the engine computed is stored in Redis.
    pub async fn resolve(
        &self,
        items: &[(&PromptText, &EnhanceOptions)],
        compute: impl Fn(&PromptText, &EnhanceOptions) -> Enhancement,
    ) -> Vec<Resolved> {
        let keys: Vec<u128> = items
            .iter()
            .map(|(p, o)| fingerprint(p.as_str(), o))
            .collect();
        let mut resolved: Vec<Option<Resolved>> = Vec::with_capacity(items.len());
        let mut missing = Vec::new();
        for (i, ((prompt, options), key)) in items.iter().zip(&keys).enumerate() {
            let started = Instant::now();
            match self.local_get(*key, prompt, options) {
                Some(enhancement) => resolved.push(Some(Resolved {
                    enhancement,
                    source: Source::InProcess,
                    took: started.elapsed(),
                })),
                None => {
                    resolved.push(None);
                    missing.push(i);
                }
            }
        }
        if let Some(shared) = &self.shared
            && !missing.is_empty()
        {
            let started = Instant::now();
            let lookups: Vec<_> = missing
                .iter()
                .map(|&i| (keys[i], items[i].0, items[i].1))
                .collect();
            let found = shared.get_many(&lookups).await;
            let share = started.elapsed() / u32::try_from(missing.len()).unwrap_or(u32::MAX);
            let mut still_missing = Vec::new();
            for (&i, hit) in missing.iter().zip(found) {
                match hit {
                    Some(enhancement) => {
                        let enhancement = Arc::new(enhancement);
                        self.local_put(keys[i], items[i].0, items[i].1, &enhancement);
                        resolved[i] = Some(Resolved {
                            enhancement,
                            source: Source::Redis,
                            took: share,
                        });
                    }
                    None => still_missing.push(i),
                }
            }
            missing = still_missing;
        }
        for (n, &i) in missing.iter().enumerate() {
            if n > 0 && n % COMPUTES_PER_YIELD == 0 {
                tokio::task::yield_now().await;
            }
            let (prompt, options) = items[i];
            let started = Instant::now();
            let enhancement = Arc::new(compute(prompt, options));
            self.local_put(keys[i], prompt, options, &enhancement);
            resolved[i] = Some(Resolved {
                enhancement,
                source: Source::Engine,
                took: started.elapsed(),
            });
        }
        if let Some(shared) = &self.shared {
            let computed: Vec<_> = missing
                .iter()
                .filter_map(|&i| {
                    let r = resolved[i].as_ref()?;
                    Some((keys[i], items[i].0, items[i].1, r.enhancement.as_ref()))
                })
                .collect();
            shared.put_many(&computed).await;
        }
        // Every slot is filled by now: from the cache, Redis or the engine.
        debug_assert!(resolved.iter().all(Option::is_some));
        resolved.into_iter().flatten().collect()
    }
}
