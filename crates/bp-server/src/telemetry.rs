//! The service's own metrics: a recorder on the request path, a task that closes a window
//! every few seconds, and what the closed windows feed — the live stream, the rollups in the
//! store and the Prometheus exposition.
//!
//! The hot path only calls [`Telemetry::record`] (a sharded, uncontended lock inside
//! bp-metrics). Everything else happens once per window on the closer task.

mod closer;
pub mod layer;

use bp_metrics::{Cumulative, Recorder, RecorderConfig, RegionId, Sample, WindowSnapshot};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::broadcast;

pub use closer::{CloserInputs, spawn_closer};

/// How metrics are kept.
#[derive(Debug, Clone)]
pub struct TelemetryConfig {
    /// Window length, whole seconds dividing a minute (default 5 s).
    pub window: Duration,
    /// Retention of window rollups, minute rollups and hour rollups.
    pub keep_windows: Duration,
    pub keep_minutes: Duration,
    pub keep_hours: Duration,
    /// Closed windows kept in memory for stream clients that resume with `since`.
    pub live_windows: usize,
    /// Name of this instance in the rollups (several instances may share one database).
    pub source: String,
    /// Whether requests are recorded; off only to measure what recording costs (B7).
    pub recording: Recording,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    On,
    Off,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        TelemetryConfig {
            window: Duration::from_secs(5),
            keep_windows: Duration::from_secs(24 * 3600),
            keep_minutes: Duration::from_secs(30 * 24 * 3600),
            keep_hours: Duration::from_secs(365 * 24 * 3600),
            live_windows: 720,
            source: "local".to_owned(),
            recording: Recording::On,
        }
    }
}

/// A closed window as it travels to stream clients: shared, never copied per client.
pub type LiveWindow = Arc<WindowSnapshot>;

pub struct Telemetry {
    config: TelemetryConfig,
    recorder: Recorder,
    in_flight: AtomicI64,
    live: Mutex<Live>,
    stream: broadcast::Sender<LiveWindow>,
}

struct Live {
    recent: VecDeque<LiveWindow>,
    cumulative: Cumulative,
}

/// Stream subscribers that fall this many windows behind are dropped (they resume with
/// `since`): a slow client never holds memory or slows the closer.
const STREAM_BUFFER: usize = 64;

impl Telemetry {
    pub fn new(config: TelemetryConfig, now_unix_us: u64) -> Result<Self, bp_metrics::Error> {
        let window_us = u64::try_from(config.window.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        let recorder_config = RecorderConfig {
            window: config.window,
            // The window index since the epoch: unique and increasing across restarts, so a
            // client resuming with `since` after a server restart still makes sense.
            first_seq: now_unix_us / window_us,
            ..RecorderConfig::default()
        };
        let max_series = recorder_config.max_series;
        Ok(Telemetry {
            recorder: Recorder::new(recorder_config, now_unix_us)?,
            in_flight: AtomicI64::new(0),
            live: Mutex::new(Live {
                recent: VecDeque::new(),
                cumulative: Cumulative::new(max_series),
            }),
            stream: broadcast::channel(STREAM_BUFFER).0,
            config,
        })
    }

    pub fn config(&self) -> &TelemetryConfig {
        &self.config
    }

    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    pub fn region(&self, name: &str) -> RegionId {
        self.recorder.region(name)
    }

    pub fn record(&self, sample: &Sample) {
        self.recorder.record(sample);
    }

    pub fn in_flight(&self) -> i64 {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Closed windows with `seq > since`, oldest first, from memory.
    pub fn recent_since(&self, since: u64) -> Vec<LiveWindow> {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.recent
            .iter()
            .filter(|w| w.seq > since)
            .cloned()
            .collect()
    }

    /// The oldest `seq` still in memory.
    pub fn oldest_live_seq(&self) -> Option<u64> {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.recent.front().map(|w| w.seq)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveWindow> {
        self.stream.subscribe()
    }

    /// The Prometheus text exposition of everything since start.
    pub fn prometheus_text(&self) -> String {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        bp_metrics::render_prometheus(&live.cumulative)
    }

    /// Publishes a closed window: memory ring, cumulative totals, stream.
    fn publish(&self, window: LiveWindow) {
        {
            let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
            live.cumulative.absorb(&window);
            live.recent.push_back(window.clone());
            while live.recent.len() > self.config.live_windows {
                live.recent.pop_front();
            }
        }
        // No subscribers is fine.
        let _ = self.stream.send(window);
    }
}
