//! The shared second-level enhancement cache in Redis, behind the in-process one: what one
//! instance computed, every instance sharing the Redis can reuse. The engine is
//! deterministic, so a result is the same whichever instance made it.
//!
//! Redis is an optimisation, never a dependency: every call is bounded
//! ([`crate::services::redis::RedisLink`]), and an error or timeout makes the caller go on
//! as if the cache had missed (counted as an `error` outcome).
//!
//! Keys are `{key_prefix}:enhance:v1:{version}:{fingerprint}` (the in-process cache's
//! 128-bit fingerprint in hex); the version keeps builds whose engines may differ apart.
//! The value is JSON holding the prompt and options it was made from: a hit is taken only
//! when they match exactly, so a fingerprint collision is a miss, never another user's
//! text.

use crate::services::redis::RedisLink;
use crate::telemetry::{Telemetry, now_us};
use bp_api::{Complexity, Intent, Technique};
use bp_engine::{EnhanceOptions, Enhancement, PromptText};
use bp_metrics::SharedCacheOutcome;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// What is stored per entry: the inputs (to verify a hit) and the result.
#[derive(Serialize, Deserialize)]
struct StoredEntry {
    text: String,
    context: Option<String>,
    prefer: Vec<Technique>,
    exclude: Vec<Technique>,
    target_complexity: Option<Complexity>,
    intent: Intent,
    complexity: Complexity,
    confidence: f64,
    techniques: Vec<Technique>,
    enhanced_text: String,
}

impl StoredEntry {
    fn new(prompt: &PromptText, options: &EnhanceOptions, e: &Enhancement) -> StoredEntry {
        StoredEntry {
            text: prompt.as_str().to_owned(),
            context: options.context().map(str::to_owned),
            prefer: options.prefer().to_vec(),
            exclude: options.exclude().to_vec(),
            target_complexity: options.target_complexity(),
            intent: e.intent,
            complexity: e.complexity,
            confidence: e.confidence,
            techniques: e.techniques.clone(),
            enhanced_text: e.enhanced_text.clone(),
        }
    }

    /// The enhancement, if this entry was made from exactly `prompt` and `options`.
    fn matching(self, prompt: &PromptText, options: &EnhanceOptions) -> Option<Enhancement> {
        let same = self.text == prompt.as_str()
            && self.context.as_deref() == options.context()
            && self.prefer == options.prefer()
            && self.exclude == options.exclude()
            && self.target_complexity == options.target_complexity();
        same.then_some(Enhancement {
            intent: self.intent,
            complexity: self.complexity,
            confidence: self.confidence,
            techniques: self.techniques,
            enhanced_text: self.enhanced_text,
        })
    }
}

pub struct SharedCache {
    redis: Arc<RedisLink>,
    /// Everything of a key before the fingerprint.
    key_prefix: String,
    ttl_secs: u64,
    telemetry: Arc<Telemetry>,
}

impl SharedCache {
    /// The cache over `redis`, whose first call connects: a Redis that is down at start-up
    /// delays nothing (the server starts and serves without it).
    pub fn new(redis: Arc<RedisLink>, ttl: Duration, telemetry: Arc<Telemetry>) -> SharedCache {
        SharedCache {
            key_prefix: format!(
                "{}:enhance:v1:{}:",
                redis.key_prefix(),
                env!("CARGO_PKG_VERSION")
            ),
            redis,
            ttl_secs: ttl.as_secs().max(1),
            telemetry,
        }
    }

    fn key(&self, fingerprint: u128) -> String {
        format!("{}{fingerprint:032x}", self.key_prefix)
    }

    /// Looks every item up in one round trip. `None` for a miss, an entry made from other
    /// inputs, or no answer; every item's outcome is recorded.
    pub async fn get_many(
        &self,
        items: &[(u128, &PromptText, &EnhanceOptions)],
    ) -> Vec<Option<Enhancement>> {
        let mut found: Vec<Option<Enhancement>> = (0..items.len()).map(|_| None).collect();
        if items.is_empty() {
            return found;
        }
        let keys: Vec<String> = items.iter().map(|(f, _, _)| self.key(*f)).collect();
        let mut command = redis::cmd("MGET");
        command.arg(&keys);
        let Some(values) = self.redis.query::<Vec<Option<Vec<u8>>>>(&command).await else {
            self.record(SharedCacheOutcome::Error, items.len());
            return found;
        };
        for (slot, ((_, prompt, options), value)) in found.iter_mut().zip(items.iter().zip(values))
        {
            *slot = value
                .and_then(|bytes| serde_json::from_slice::<StoredEntry>(&bytes).ok())
                .and_then(|entry| entry.matching(prompt, options));
            let outcome = if slot.is_some() {
                SharedCacheOutcome::Hit
            } else {
                SharedCacheOutcome::Miss
            };
            self.record(outcome, 1);
        }
        found
    }

    /// Stores computed results in one round trip, each with the cache TTL. A failure is
    /// recorded and otherwise ignored: the results were already served.
    pub async fn put_many(&self, items: &[(u128, &PromptText, &EnhanceOptions, &Enhancement)]) {
        if items.is_empty() {
            return;
        }
        let mut pipe = redis::pipe();
        for (fingerprint, prompt, options, enhancement) in items {
            let Ok(value) = serde_json::to_vec(&StoredEntry::new(prompt, options, enhancement))
            else {
                continue;
            };
            pipe.cmd("SET")
                .arg(self.key(*fingerprint))
                .arg(value)
                .arg("EX")
                .arg(self.ttl_secs)
                .ignore();
        }
        if !self.redis.exec(&pipe).await {
            self.record(SharedCacheOutcome::Error, items.len());
        }
    }

    fn record(&self, outcome: SharedCacheOutcome, n: usize) {
        let recorder = self.telemetry.recorder();
        let at = now_us();
        for _ in 0..n {
            recorder.record_shared_cache(outcome, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_needs_the_same_text_and_options() {
        let prompt = PromptText::new("Explain recursion".to_owned()).unwrap();
        let options = EnhanceOptions::new(None, vec![Technique::FewShot], vec![], None).unwrap();
        let enhancement = Enhancement {
            intent: Intent::QuestionAnswering,
            complexity: Complexity::Simple,
            confidence: 0.75,
            techniques: vec![Technique::FewShot],
            enhanced_text: "Explain recursion, with examples".to_owned(),
        };
        let stored = || {
            let bytes =
                serde_json::to_vec(&StoredEntry::new(&prompt, &options, &enhancement)).unwrap();
            serde_json::from_slice::<StoredEntry>(&bytes).unwrap()
        };
        assert_eq!(
            stored().matching(&prompt, &options),
            Some(enhancement.clone())
        );
        let other_prompt = PromptText::new("Explain iteration".to_owned()).unwrap();
        assert_eq!(stored().matching(&other_prompt, &options), None);
        let other_options = EnhanceOptions::new(None, vec![], vec![], None).unwrap();
        assert_eq!(stored().matching(&prompt, &other_options), None);
    }
}
