//! The Redis connection the services share (the enhancement cache, fleet-wide rate limits).
//!
//! Every call is bounded by the configured timeout; after a failure Redis is skipped for
//! [`BACKOFF`], so a dead or black-holed Redis costs at most one timeout per second, not
//! one per request. Callers decide what an unanswered call means: the cache misses, the
//! rate limiter falls back to its local share.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long Redis is skipped after a failed call.
const BACKOFF: Duration = Duration::from_secs(1);

/// Where Redis is and how long a call may take.
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

/// A lazily connected, bounded, backing-off Redis connection.
pub struct RedisLink {
    conn: ConnectionManager,
    key_prefix: String,
    timeout: Duration,
    /// Calls are skipped until this many milliseconds after `epoch`.
    skip_until_ms: AtomicU64,
    epoch: Instant,
}

impl RedisLink {
    /// Sets the connection up without connecting: the first call connects.
    pub fn new(config: &RedisConfig) -> Result<RedisLink, InvalidRedisConfig> {
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
        Ok(RedisLink {
            conn,
            key_prefix: config.key_prefix.clone(),
            timeout: config.timeout,
            skip_until_ms: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    /// The first part of every key.
    pub fn key_prefix(&self) -> &str {
        &self.key_prefix
    }

    /// Runs one command unless backing off; `None` on error or timeout.
    pub async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Option<T> {
        let mut conn = self.conn.clone();
        self.bounded(command.query_async::<T>(&mut conn)).await
    }

    /// Runs a pipeline unless backing off; `None` on error or timeout.
    pub async fn query_pipeline<T: redis::FromRedisValue>(
        &self,
        pipeline: &redis::Pipeline,
    ) -> Option<T> {
        let mut conn = self.conn.clone();
        self.bounded(pipeline.query_async::<T>(&mut conn)).await
    }

    /// Runs a pipeline whose answers are ignored; false on error, timeout or backoff.
    pub async fn exec(&self, pipeline: &redis::Pipeline) -> bool {
        let mut conn = self.conn.clone();
        self.bounded(pipeline.exec_async(&mut conn)).await.is_some()
    }

    /// `call`'s answer within the timeout, unless backing off (then it is not polled at
    /// all); a failure starts a backoff.
    async fn bounded<T>(&self, call: impl Future<Output = redis::RedisResult<T>>) -> Option<T> {
        if !self.usable() {
            return None;
        }
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Some(value),
            failed => {
                self.failed(&failed);
                None
            }
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

    /// Whether calls are being made (not backing off after a failure).
    pub fn usable(&self) -> bool {
        self.elapsed_ms() >= self.skip_until_ms.load(Ordering::Relaxed)
    }

    /// Starts a backoff and logs why; only the first failure of a backoff is logged.
    fn failed<T>(&self, outcome: &Result<redis::RedisResult<T>, tokio::time::error::Elapsed>) {
        let until = self.elapsed_ms() + u64::try_from(BACKOFF.as_millis()).unwrap_or(1000);
        let previous = self.skip_until_ms.swap(until, Ordering::Relaxed);
        if previous <= self.elapsed_ms() {
            match outcome {
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "a Redis call failed; going on without Redis")
                }
                _ => {
                    tracing::warn!(timeout = ?self.timeout, "a Redis call timed out; going on without Redis")
                }
            }
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
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
}
