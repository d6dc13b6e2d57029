//! The server's configuration, as plain validated values (the binary builds it from flags,
//! environment and files; this crate never reads them itself).

use crate::cache::RedisConfig;
use crate::telemetry::TelemetryConfig;
use bp_store::{StoreConfig, WriterConfig};
use std::net::SocketAddr;
use std::time::Duration;

/// A month of history: what a user looks back on. The disk it takes is the write rate times
/// this times the bytes per row (docs/ARCHITECTURE.md, "History size").
pub const DEFAULT_HISTORY_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    pub store: StoreConfig,
    pub writer: WriterConfig,
    /// History rows older than this are deleted (`None`: kept forever).
    pub history_retention: Option<Duration>,
    pub rate_limits: RateLimitConfig,
    pub cache: CacheConfig,
    /// A Redis shared by instances as a second-level enhancement cache; none by default.
    pub redis: Option<RedisConfig>,
    /// Region tag of requests without an `X-Region` header.
    pub default_region: String,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Requests served at once before new ones are shed with 503.
    pub max_in_flight: usize,
    pub telemetry: TelemetryConfig,
}

/// Requests per minute per caller.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitConfig {
    pub free_per_min: u32,
    pub pro_per_min: u32,
    pub enterprise_per_min: u32,
    /// Anonymous callers are limited per client IP.
    pub anonymous_per_min: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            free_per_min: 100,
            pro_per_min: 1000,
            enterprise_per_min: 10_000,
            anonymous_per_min: 60,
        }
    }
}

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

impl ServerConfig {
    /// Embedded defaults around a store: what `serve` and `demo` use unless told otherwise.
    pub fn new(addr: SocketAddr, store: StoreConfig) -> Self {
        ServerConfig {
            addr,
            store,
            writer: WriterConfig {
                queue_capacity: 50_000,
                max_batch_rows: 2_000,
            },
            history_retention: Some(DEFAULT_HISTORY_RETENTION),
            rate_limits: RateLimitConfig::default(),
            cache: CacheConfig::default(),
            redis: None,
            default_region: "local".to_owned(),
            max_body_bytes: 2 * 1024 * 1024,
            max_in_flight: 4096,
            telemetry: TelemetryConfig::default(),
        }
    }
}
