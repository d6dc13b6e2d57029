//! The server's configuration, as plain validated values (the binary builds it from flags,
//! environment and files; this crate never reads them itself).

use crate::services::enhance_cache::CacheConfig;
use crate::services::rate_limit::RateLimitConfig;
use crate::services::redis::RedisConfig;
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
    /// Metrics stream clients connected at once; the next handshake is shed with 503.
    pub max_stream_clients: usize,
    pub telemetry: TelemetryConfig,
    /// Serves the service's figures (metrics, exports, the stream, load runs, `/metrics`)
    /// without a key. Off by default: they are every tenant's business data.
    pub public_metrics: bool,
    /// A listener of its own for Prometheus' `/metrics` (keyless, for an internal
    /// network); `None` serves it on the public listener, behind the figures' guard.
    pub metrics_addr: Option<SocketAddr>,
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
            max_stream_clients: 512,
            telemetry: TelemetryConfig::default(),
            public_metrics: false,
            metrics_addr: None,
        }
    }
}
