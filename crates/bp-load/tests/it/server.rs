//! A tiny stand-in for the BetterPrompts API, on its own runtime thread so the generator
//! under test cannot starve it. It counts requests per endpoint, records arrival times, and
//! can stall every request for a while once, add a fixed delay, fail, or close connections.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the server misbehaves.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Once this long after start, every request waits until the stall is over.
    pub stall_at: Option<Duration>,
    pub stall_for: Duration,
    /// Added to every request.
    pub delay: Duration,
    /// Answer every request with this status.
    pub status: Option<StatusCode>,
    /// Send `Connection: close` with every response.
    pub close_connections: bool,
    /// The primary technique every enhancement reports.
    pub technique: &'static str,
}

pub struct Counters {
    pub per_path: Mutex<std::collections::BTreeMap<String, u64>>,
    pub arrivals_us: Mutex<Vec<u64>>,
    pub regions: Mutex<std::collections::BTreeMap<String, u64>>,
    pub total: AtomicU64,
}

struct AppState {
    behaviour: Behaviour,
    started: Instant,
    stall_until: Mutex<Option<Instant>>,
    counters: Arc<Counters>,
}

pub struct TestServer {
    pub url: String,
    pub counters: Arc<Counters>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start(behaviour: Behaviour) -> TestServer {
        let counters = Arc::new(Counters {
            per_path: Mutex::default(),
            arrivals_us: Mutex::default(),
            regions: Mutex::default(),
            total: AtomicU64::new(0),
        });
        let state = Arc::new(AppState {
            behaviour,
            started: Instant::now(),
            stall_until: Mutex::new(None),
            counters: counters.clone(),
        });
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let app = Router::new()
                    .route("/api/v1/enhance", post(enhance))
                    .route("/api/v1/batch", post(batch))
                    .route("/api/v1/analyze", post(plain))
                    .route("/api/v1/history", get(plain))
                    .route("/health", get(plain))
                    .with_state(state);
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = shutdown_rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        TestServer {
            url: format!("http://{addr}"),
            counters,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    pub fn count(&self, path: &str) -> u64 {
        self.counters
            .per_path
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        // Connections of aborted virtual users may keep the graceful shutdown waiting: do not
        // join, the thread ends with the process.
        drop(self.thread.take());
    }
}

async fn common(state: &AppState, path: &str, headers: &HeaderMap) -> Option<Response> {
    let now = Instant::now();
    let c = &state.counters;
    c.total.fetch_add(1, Ordering::Relaxed);
    *c.per_path
        .lock()
        .unwrap()
        .entry(path.to_owned())
        .or_default() += 1;
    c.arrivals_us
        .lock()
        .unwrap()
        .push(now.duration_since(state.started).as_micros() as u64);
    if let Some(region) = headers.get("x-region").and_then(|v| v.to_str().ok()) {
        *c.regions
            .lock()
            .unwrap()
            .entry(region.to_owned())
            .or_default() += 1;
    }
    let b = &state.behaviour;
    let stall_until = b.stall_at.and_then(|at| {
        let mut until = state.stall_until.lock().unwrap();
        if until.is_none() && now.duration_since(state.started) >= at {
            *until = Some(now + b.stall_for);
        }
        *until
    });
    if let Some(until) = stall_until.filter(|u| *u > now) {
        tokio::time::sleep_until(until.into()).await;
    }
    if !b.delay.is_zero() {
        tokio::time::sleep(b.delay).await;
    }
    b.status.map(|s| s.into_response())
}

fn finish(state: &AppState, body: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    if state.behaviour.close_connections {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn enhancement(technique: &str) -> String {
    format!(
        r#"{{"id":"0190c6d2-0000-7000-8000-000000000000","original_text":"x","enhanced_text":"y","intent":"reasoning","complexity":"simple","techniques_used":["{technique}"],"confidence":0.9,"processing_time_ms":0.1,"cached":false}}"#
    )
}

async fn enhance(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(r) = common(&state, "enhance", &headers).await {
        return r;
    }
    finish(&state, enhancement(state.behaviour.technique))
}

async fn batch(State(state): State<Arc<AppState>>, headers: HeaderMap, body: String) -> Response {
    if let Some(r) = common(&state, "batch", &headers).await {
        return r;
    }
    let request: serde_json::Value = serde_json::from_str(&body).unwrap();
    let n = request["prompts"].as_array().unwrap().len();
    let results: Vec<String> = (0..n)
        .map(|_| enhancement(state.behaviour.technique))
        .collect();
    finish(
        &state,
        format!(r#"{{"results":[{}],"errors":[]}}"#, results.join(",")),
    )
}

async fn plain(
    State(state): State<Arc<AppState>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().rsplit('/').next().unwrap_or("").to_owned();
    if let Some(r) = common(&state, &path, &headers).await {
        return r;
    }
    finish(&state, "{}".to_owned())
}
