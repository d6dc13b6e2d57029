//! The shared second-level enhancement cache in Redis, behind the in-process one: what one
//! instance computed, every instance sharing the Redis can reuse. The engine is
//! deterministic, so a result is the same whichever instance made it.
//!
//! Redis is an optimisation, never a dependency: every call is bounded by `timeout`, and
//! an error or timeout makes the caller go on as if the cache had missed (counted as an
//! `error` outcome). After a failure the cache is skipped for [`BACKOFF`], so a dead or
//! black-holed Redis costs a request at most one timeout per second, not one per request.
//!
//! Keys are `{key_prefix}:enhance:v1:{version}:{fingerprint}` (the in-process cache's
//! 128-bit fingerprint in hex); the version keeps builds whose engines may differ apart.
//! The value is JSON holding the prompt and options it was made from: a hit is taken only
//! when they match exactly, so a fingerprint collision is a miss, never another user's
//! text.

use crate::telemetry::{Telemetry, now_us};
use bp_api::{Complexity, Intent, Technique};
use bp_engine::{EnhanceOptions, Enhancement, PromptText};
use bp_metrics::SharedCacheOutcome;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long the cache is skipped after a failed call.
const BACKOFF: Duration = Duration::from_secs(1);

/// Where the shared cache lives and how long a call may take.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisConfig {
    /// `redis://[user:password@]host:port[/db]`.
    pub url: String,
    /// First part of every key, so deployments (or tests) sharing a Redis stay apart.
    pub key_prefix: String,
    /// Longest wait for a connection or an answer.
    pub timeout: Duration,
}

impl RedisConfig {
    pub fn new(url: impl Into<String>) -> RedisConfig {
        RedisConfig {
            url: url.into(),
            key_prefix: "bp".to_owned(),
            timeout: Duration::from_millis(100),
        }
    }
}

impl fmt::Debug for RedisConfig {
    /// Never prints a password the URL may carry: configs end up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match (self.url.find("://"), self.url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                format!("{}***{}", &self.url[..scheme + 3], &self.url[at..])
            }
            _ => self.url.clone(),
        };
        f.debug_struct("RedisConfig")
            .field("url", &url)
            .field("key_prefix", &self.key_prefix)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A Redis URL that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid Redis configuration")]
pub struct InvalidRedisConfig(#[source] redis::RedisError);

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
    conn: ConnectionManager,
    /// Everything of a key before the fingerprint.
    key_prefix: String,
    ttl_secs: u64,
    timeout: Duration,
    /// Calls are skipped until this many milliseconds after `epoch`.
    skip_until_ms: AtomicU64,
    epoch: Instant,
    telemetry: Arc<Telemetry>,
}

impl SharedCache {
    /// Sets the cache up without connecting: the first call connects, so a Redis that is
    /// down at start-up delays nothing (the server starts and serves without it).
    pub fn new(
        config: &RedisConfig,
        ttl: Duration,
        telemetry: Arc<Telemetry>,
    ) -> Result<SharedCache, InvalidRedisConfig> {
        let client = redis::Client::open(config.url.as_str()).map_err(InvalidRedisConfig)?;
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(config.timeout))
            .set_response_timeout(Some(config.timeout))
            // Reconnecting is retried on the next call anyway; retries inside one call
            // would only outlast its timeout.
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(10));
        let conn = ConnectionManager::new_lazy_with_config(client, manager_config)
            .map_err(InvalidRedisConfig)?;
        Ok(SharedCache {
            conn,
            key_prefix: format!(
                "{}:enhance:v1:{}:",
                config.key_prefix,
                env!("CARGO_PKG_VERSION")
            ),
            ttl_secs: ttl.as_secs().max(1),
            timeout: config.timeout,
            skip_until_ms: AtomicU64::new(0),
            epoch: Instant::now(),
            telemetry,
        })
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
        let Some(values) = self.call::<Vec<Option<Vec<u8>>>>(&command).await else {
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
        let mut conn = self.conn.clone();
        if self.usable() {
            let stored = tokio::time::timeout(self.timeout, pipe.exec_async(&mut conn)).await;
            if !matches!(stored, Ok(Ok(()))) {
                self.failed(&stored);
                self.record(SharedCacheOutcome::Error, items.len());
            }
        } else {
            self.record(SharedCacheOutcome::Error, items.len());
        }
    }

    /// Whether Redis answers a PING within the timeout (for `/ready`; ignores the backoff).
    pub async fn ping(&self) -> bool {
        let mut conn = self.conn.clone();
        let answer = tokio::time::timeout(
            self.timeout,
            redis::cmd("PING").query_async::<String>(&mut conn),
        )
        .await;
        matches!(answer, Ok(Ok(_)))
    }

    /// Runs one command unless backing off; `None` on error or timeout.
    async fn call<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Option<T> {
        if !self.usable() {
            return None;
        }
        let mut conn = self.conn.clone();
        let answer = tokio::time::timeout(self.timeout, command.query_async::<T>(&mut conn)).await;
        match answer {
            Ok(Ok(value)) => Some(value),
            failed => {
                self.failed(&failed);
                None
            }
        }
    }

    fn usable(&self) -> bool {
        self.elapsed_ms() >= self.skip_until_ms.load(Ordering::Relaxed)
    }

    /// Starts a backoff and logs why; only the first failure of a backoff is logged.
    fn failed<T>(&self, outcome: &Result<redis::RedisResult<T>, tokio::time::error::Elapsed>) {
        let until = self.elapsed_ms() + u64::try_from(BACKOFF.as_millis()).unwrap_or(1000);
        let previous = self.skip_until_ms.swap(until, Ordering::Relaxed);
        if previous <= self.elapsed_ms() {
            match outcome {
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "Redis cache call failed; going on without it")
                }
                _ => {
                    tracing::warn!(timeout = ?self.timeout, "Redis cache call timed out; going on without it")
                }
            }
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
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
    fn passwords_stay_out_of_debug_output() {
        let config = RedisConfig::new("redis://user:secret@127.0.0.1:6379/2");
        let shown = format!("{config:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("@127.0.0.1:6379/2"), "{shown}");
    }

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
