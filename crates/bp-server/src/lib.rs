//! The BetterPrompts HTTP service: routes, authentication, rate limits, cache, durable
//! history, OpenAPI. [`app`] builds the router from a state (tests use it directly);
//! [`Server`] owns start-up and the graceful drain on shutdown.

mod app;
pub mod config;
mod error;
mod extract;
mod middleware;
mod process_stats;
mod retention;
mod routes;
mod services;
mod state;
pub mod telemetry;

pub use app::{app, metrics_router, router};
pub use config::ServerConfig;
pub use error::status_of;
pub use services::audit::{self as audit, Actor};
pub use services::enhance_cache::CacheConfig;
pub use services::keys::{MintError, create_key, hash_key, info as key_info, rotate_key};
pub use services::rate_limit::RateLimitConfig;
pub use services::redis::RedisConfig;
pub use state::AppState;

use bp_engine::Engine;
use bp_store::{HistoryWriter, WriterHandle};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use telemetry::Telemetry;
use tokio::net::TcpListener;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("could not open storage")]
    Store(#[from] bp_store::StoreError),
    #[error("could not start the engine")]
    Engine(#[from] bp_engine::StartupError),
    #[error("invalid metrics configuration")]
    Metrics(#[from] bp_metrics::Error),
    #[error(transparent)]
    Redis(#[from] services::redis::InvalidRedisConfig),
    #[error("could not bind or serve on {addr}")]
    Io {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A bound, ready-to-serve service.
pub struct Server {
    listener: TcpListener,
    /// Prometheus' own listener (`ServerConfig::metrics_addr`).
    metrics_listener: Option<TcpListener>,
    state: AppState,
    writer: WriterHandle,
}

impl Server {
    /// Opens storage (running migrations), trains the engine, starts the history writer and
    /// binds the listener. Port 0 picks a free port; see [`Server::local_addr`].
    pub async fn bind(config: ServerConfig) -> Result<Self, ServerError> {
        // Telemetry first: the store reports every call's timing into it.
        let telemetry = Arc::new(Telemetry::new(
            config.telemetry.clone(),
            telemetry::now_us(),
        )?);
        let observer = Arc::new(telemetry::DbCallRecorder::new(telemetry.clone()));
        let store = bp_store::open_observed(&config.store, observer).await?;
        let engine = Arc::new(Engine::new()?);
        let redis = match &config.redis {
            Some(redis) => Some(Arc::new(services::redis::RedisLink::new(redis)?)),
            None => None,
        };
        let (writer, handle) = HistoryWriter::spawn(store.clone(), config.writer);
        let addr = config.addr;
        let listener = listen(addr).map_err(|source| ServerError::Io { addr, source })?;
        let metrics_listener = match config.metrics_addr {
            Some(addr) => Some(listen(addr).map_err(|source| ServerError::Io { addr, source })?),
            None => None,
        };
        let state = AppState::new(config, engine, store, writer, telemetry, redis);
        Ok(Server {
            listener,
            metrics_listener,
            state,
            writer: handle,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.state.config().addr)
    }

    /// Where Prometheus' own listener is bound, when it has one.
    pub fn metrics_local_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref()?.local_addr().ok()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then drains: in-flight requests finish, the history
    /// queue is flushed and committed, the open metrics window is stored, and only then
    /// does this return.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let addr = self.local_addr();
        let pruner = tokio::spawn(prune_rate_limits(self.state.clone()));
        let retention = tokio::spawn(retention::run(
            self.state.store_arc(),
            self.state.config().history_retention,
        ));
        let writer = self.state.writer().clone();
        let closer = telemetry::spawn_closer(telemetry::CloserInputs {
            telemetry: self.state.telemetry_arc(),
            store: self.state.store_arc(),
            writer_queue_depth: Box::new(move || writer.queue_depth()),
        });
        // Scrapes are short reads: this listener is simply stopped after the drain.
        let metrics = self.metrics_listener.map(|listener| {
            let service = metrics_router(self.state.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, service).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            })
        });
        let service = app(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        pruner.abort();
        retention.abort();
        tracing::info!("draining the history writer");
        self.writer.shutdown().await;
        // Last, so the window still open holds every request answered.
        closer.stop().await;
        served.map_err(|source| ServerError::Io { addr, source })
    }
}

/// Connections a burst may queue before `accept`. The usual default (128, what
/// `TcpListener::bind` uses) overflowed when a load test opened a few hundred connections
/// at once: the kernel dropped SYNs and each of those clients waited a second for its
/// retransmission, a latency the server never saw. The kernel caps this at
/// `net.core.somaxconn` (4096 on current Linux).
const LISTEN_BACKLOG: u32 = 4096;

fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    // As `TcpListener::bind` does: a restart may rebind while old connections linger.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Once a minute, forgets rate-limit windows that passed; once a window, counts the
/// fleet's live instances (each takes its share of a limit when Redis is out) and writes
/// when keys were last used.
async fn prune_rate_limits(state: AppState) {
    let window = state.telemetry().config().window;
    let window_secs = u32::try_from(window.as_secs()).unwrap_or(5);
    let mut tick = tokio::time::interval(window);
    let mut last_prune = tokio::time::Instant::now();
    loop {
        tick.tick().await;
        let now = telemetry::now_us();
        match services::fleet::last_seen(state.store(), window_secs, now).await {
            Ok(seen) => {
                let live = seen
                    .values()
                    .filter(|&&end| services::fleet::is_up(end, window_secs, now))
                    .count();
                state
                    .limiter()
                    .set_live_instances(u32::try_from(live).unwrap_or(u32::MAX));
            }
            Err(e) => tracing::debug!(error = %e, "could not count the fleet's instances"),
        }
        if let Err(e) = state.keys().flush_last_used().await {
            tracing::debug!(error = %e, "could not record when keys were last used");
        }
        if last_prune.elapsed() >= Duration::from_secs(60) {
            last_prune = tokio::time::Instant::now();
            state.limiter().prune();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A burst of connections far beyond the usual 128 all complete their handshake while
    /// the server has not accepted one of them: none waits a second for a dropped SYN.
    #[tokio::test]
    async fn a_connection_burst_fits_the_listen_backlog() {
        let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let connects = (0..600).map(|_| {
            tokio::time::timeout(
                Duration::from_millis(800),
                tokio::net::TcpStream::connect(addr),
            )
        });
        let results = futures_util::future::join_all(connects).await;
        let connected = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
        assert_eq!(connected, 600);
        drop(listener);
    }
}
