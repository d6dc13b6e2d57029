//! The service's own metrics: a recorder on the request path, a task that closes a window
//! every few seconds, and what the closed windows feed — the live stream, the rollups in the
//! store, the Prometheus exposition and the anomaly detector.
//!
//! The hot path only calls [`Telemetry::record`] (a sharded, uncontended lock inside
//! bp-metrics); database calls record through [`DbCallRecorder`] the same way. Everything
//! else happens once per window on the closer task.

pub mod anomalies;
mod closer;

use bp_metrics::{
    Anomaly, AnomalyConfig, AnomalyDetector, Cumulative, DbOperation, Recorder, RecorderConfig,
    RegionId, Sample, WindowSnapshot,
};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::broadcast;

pub use closer::{Closer, CloserInputs, spawn_closer};

/// A request in flight; see [`Telemetry::enter_request`].
pub struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How metrics are kept.
#[derive(Debug, Clone)]
pub struct TelemetryConfig {
    /// Window length, whole seconds dividing a minute (default 5 s).
    pub window: Duration,
    /// Retention of window rollups, minute rollups and hour rollups.
    pub keep_windows: Duration,
    pub keep_minutes: Duration,
    pub keep_hours: Duration,
    /// Closed windows kept in memory for stream clients that resume with `since`; older
    /// ones are read back from the store's rollups.
    pub live_windows: usize,
    /// Name of this instance in the rollups (several instances may share one database).
    pub source: String,
    /// Whether requests are recorded; off only to measure what recording costs (B7).
    pub recording: Recording,
    /// How closed windows are judged for anomalies.
    pub anomalies: AnomalyConfig,
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
            // Five minutes of 5 s windows: a dashboard reconnecting after a network blip
            // resumes from memory, and older windows come from the store. Each kept window
            // is tens of KiB at the peak mix, so an hour (720) held ~26 MiB.
            live_windows: 60,
            source: "local".to_owned(),
            recording: Recording::On,
            anomalies: AnomalyConfig::default(),
        }
    }
}

/// A closed window of the fleet: each instance's part and their merge, as the stream sends
/// it. Every instance builds the same ones from the store (see the closer).
#[derive(Debug, Clone, PartialEq)]
pub struct FleetWindow {
    pub seq: u64,
    /// 0 when first published; one more each time a late part changed it.
    pub revision: u32,
    /// How many instances' parts are merged in `merged`.
    pub instances: u32,
    pub merged: WindowSnapshot,
    /// Each instance's part, by source; empty when read back from the resume ring, which
    /// keeps only the merge.
    pub parts: Vec<(String, Arc<WindowSnapshot>)>,
}

impl FleetWindow {
    /// A window of this instance alone (also what the resume ring gives back).
    pub fn alone(window: WindowSnapshot) -> FleetWindow {
        FleetWindow {
            seq: window.seq,
            revision: 0,
            instances: 1,
            merged: window,
            parts: Vec::new(),
        }
    }

    /// The window a client sees: the fleet's, or one instance's part (`None` when that
    /// instance has none here).
    pub fn view(&self, source: Option<&str>) -> Option<&WindowSnapshot> {
        match source {
            None => Some(&self.merged),
            Some(s) => self
                .parts
                .iter()
                .find(|(part, _)| part == s)
                .map(|(_, w)| w.as_ref()),
        }
    }
}

/// A closed window as it travels to stream clients: shared, never copied per client.
pub type LiveWindow = Arc<FleetWindow>;

pub struct Telemetry {
    config: TelemetryConfig,
    recorder: Recorder,
    in_flight: AtomicI64,
    live: Mutex<Live>,
    stream: broadcast::Sender<LiveWindow>,
    /// The newest window whose rollups are in the store: metrics queries are cached until
    /// it moves (see `services::query_cache`).
    stored_through: AtomicU64,
}

struct Live {
    /// The fleet's closed windows by seq (their latest revision), oldest first, in their
    /// stored form: a few KiB each, where the histograms' buckets take tens to hundreds of
    /// KiB per window (an hour of windows would hold a hundred MiB or more).
    recent: VecDeque<RingEntry>,
    cumulative: Cumulative,
    detector: AnomalyDetector,
    /// Newest last, at most `MAX_ANOMALIES`.
    anomalies: VecDeque<Anomaly>,
}

struct RingEntry {
    seq: u64,
    revision: u32,
    instances: u32,
    bytes: Arc<[u8]>,
}

/// Stream subscribers that fall this many windows behind are dropped (they resume with
/// `since`): a slow client never holds memory or slows the closer.
const STREAM_BUFFER: usize = 64;

/// Anomalies kept in memory for the stream's windows (at most two per window; the
/// listing reads the database).
const MAX_ANOMALIES: usize = 10_000;

/// RFC 3339 in UTC with milliseconds, as every answer writes times.
pub fn rfc3339(unix_us: u64) -> String {
    chrono::DateTime::from_timestamp_micros(i64::try_from(unix_us).unwrap_or(0))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// Microseconds since the Unix epoch (0 before it, which no clock here reports).
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Records the store's call timings into the windows: per-thread shards like requests,
/// so the blocking-pool and writer threads never share a lock on the hot path.
pub struct DbCallRecorder(Arc<Telemetry>);

impl DbCallRecorder {
    pub fn new(telemetry: Arc<Telemetry>) -> DbCallRecorder {
        DbCallRecorder(telemetry)
    }
}

impl bp_store::DbObserver for DbCallRecorder {
    fn db_call(&self, op: DbOperation, acquire: Duration, query: Duration) {
        if self.0.config.recording == Recording::On {
            self.0.recorder.record_db_call(op, acquire, query, now_us());
        }
    }
}

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
                detector: AnomalyDetector::new(config.anomalies.clone())?,
                anomalies: VecDeque::new(),
            }),
            stream: broadcast::channel(STREAM_BUFFER).0,
            stored_through: AtomicU64::new(0),
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

    /// Counts a request as in flight until the guard is dropped, so a request whose client
    /// went away mid-flight still leaves the count.
    pub fn enter_request(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    pub fn in_flight(&self) -> i64 {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// The fleet's closed windows with `seq > since`, oldest first, from memory (merged
    /// only: no instance's part).
    pub fn recent_since(&self, since: u64) -> Vec<LiveWindow> {
        let stored: Vec<(u32, u32, Arc<[u8]>)> = {
            let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
            live.recent
                .iter()
                .filter(|e| e.seq > since)
                .map(|e| (e.revision, e.instances, e.bytes.clone()))
                .collect()
        };
        // Decoded outside the lock: the closer must never wait for a resuming client.
        stored
            .iter()
            .filter_map(|(revision, instances, bytes)| {
                let window = WindowSnapshot::from_bytes(bytes).ok()?;
                Some(Arc::new(FleetWindow {
                    revision: *revision,
                    instances: *instances,
                    ..FleetWindow::alone(window)
                }))
            })
            .collect()
    }

    /// Called by the closer once a window and the roll-ups it completes are stored.
    pub fn mark_stored(&self, seq: u64) {
        self.stored_through.fetch_max(seq, Ordering::Release);
    }

    /// The newest stored window's `seq` (0 before the first one).
    pub fn stored_through(&self) -> u64 {
        self.stored_through.load(Ordering::Acquire)
    }

    /// The oldest `seq` still in memory.
    pub fn oldest_live_seq(&self) -> Option<u64> {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.recent.front().map(|e| e.seq)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveWindow> {
        self.stream.subscribe()
    }

    /// The Prometheus text exposition of everything since start.
    pub fn prometheus_text(&self) -> String {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        bp_metrics::render_prometheus(&live.cumulative)
    }

    /// Anomalies flagged for the window `seq`.
    pub fn anomalies_of(&self, seq: u64) -> Vec<Anomaly> {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.anomalies
            .iter()
            .rev()
            .take_while(|a| a.seq >= seq)
            .filter(|a| a.seq == seq)
            .cloned()
            .collect()
    }

    /// Feeds windows closed before this process started to the anomaly detector as its
    /// baseline, flagging nothing, so detection works right after a restart.
    fn warm_up(&self, windows: &[WindowSnapshot]) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        for window in windows {
            live.detector.observe(window);
        }
    }

    /// Counts one of this instance's closed windows into the Prometheus totals, which are
    /// per instance (Prometheus adds the fleet up itself).
    fn count_local(&self, window: &WindowSnapshot) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.cumulative.absorb(window);
    }

    /// Counts anomalies into `bp_anomalies_total` (see [`anomalies::store`]).
    fn count_anomalies(&self, found: &[Anomaly]) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.cumulative.count_anomalies(found);
    }

    /// Publishes a closed window of the fleet: anomaly detection (on its first revision),
    /// the resume ring, the stream. Returns what the detector flagged, for the caller to
    /// store.
    fn publish(&self, window: LiveWindow) -> Vec<Anomaly> {
        let mut flagged = Vec::new();
        let stored = match window.merged.to_bytes() {
            Ok(bytes) => Some(Arc::<[u8]>::from(bytes)),
            Err(e) => {
                tracing::warn!(error = %e, seq = window.seq, "a window left out of the resume ring");
                None
            }
        };
        {
            let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
            if window.revision == 0 {
                let found = live.detector.observe(&window.merged);
                for anomaly in &found {
                    tracing::warn!(
                        metric = ?anomaly.metric,
                        value = anomaly.value,
                        baseline = anomaly.baseline,
                        score = anomaly.score,
                        seq = anomaly.seq,
                        "metrics anomaly"
                    );
                }
                flagged.clone_from(&found);
                live.anomalies.extend(found);
                while live.anomalies.len() > MAX_ANOMALIES {
                    live.anomalies.pop_front();
                }
            }
            if let Some(bytes) = stored {
                let entry = RingEntry {
                    seq: window.seq,
                    revision: window.revision,
                    instances: window.instances,
                    bytes,
                };
                match live.recent.iter_mut().rev().find(|e| e.seq == window.seq) {
                    Some(earlier) => *earlier = entry,
                    None => live.recent.push_back(entry),
                }
            }
            while live.recent.len() > self.config.live_windows {
                live.recent.pop_front();
            }
        }
        // No subscribers is fine.
        let _ = self.stream.send(window);
        flagged
    }
}
