//! The window closer: once per window it closes what ended, attaches the process and
//! storage gauges, publishes the window (anomaly detection, memory ring, Prometheus totals,
//! stream), stores it as a rollup, rolls minutes and hours up from it, and prunes by
//! retention. On start it feeds this instance's latest stored windows to the anomaly
//! detector, so a restart does not blind it.

use super::{LiveWindow, Telemetry, now_us};
use crate::process_stats::ProcessSampler;
use bp_metrics::{DbPoolGauges, Gauges, Resolution, WindowSnapshot, downsample};
use bp_store::{RollupRow, Store};
use std::sync::Arc;
use std::time::Duration;

/// Wait this long past a window's end before closing it, so requests completing right at
/// the boundary have recorded.
const CLOSE_GRACE: Duration = Duration::from_millis(20);
const MINUTE_US: u64 = 60_000_000;
const HOUR_US: u64 = 3_600_000_000;
const MAX_ROLLUP_SERIES: usize = 2000;

/// What the closer reads besides the recorder.
pub struct CloserInputs {
    pub telemetry: Arc<Telemetry>,
    pub store: Arc<dyn Store>,
    /// Rows waiting for the history writer.
    pub writer_queue_depth: Box<dyn Fn() -> usize + Send + Sync>,
}

/// The running closer; [`Closer::stop`] stores the window still open and ends it.
pub struct Closer {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Closer {
    /// Closes the open window (cut at now), stores it with everything not yet stored, and
    /// waits for that, so a stopped server leaves no gap in its metrics. Call it after the
    /// last request was answered.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "the metrics window closer failed");
        }
    }
}

/// Closes each window as it ends until [`Closer::stop`].
pub fn spawn_closer(inputs: CloserInputs) -> Closer {
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        warm_up_anomalies(&inputs).await;
        let mut sampler = ProcessSampler::default();
        sampler.sample(); // the first CPU reading is only a baseline
        let mut first = true;
        loop {
            let wake_at = inputs.telemetry.recorder().next_close_at_us();
            let wait = Duration::from_micros(wake_at.saturating_sub(now_us())) + CLOSE_GRACE;
            let stopping = tokio::select! {
                _ = tokio::time::sleep(wait) => false,
                _ = &mut stopped => true,
            };
            let recorder = inputs.telemetry.recorder();
            let closed = if stopping {
                recorder.close_all(now_us())
            } else {
                recorder.close_until(now_us())
            };
            if !closed.is_empty() {
                store_windows(&inputs, &mut sampler, closed, std::mem::take(&mut first)).await;
                if !stopping {
                    roll_up(&inputs).await;
                }
            }
            if stopping {
                return;
            }
        }
    });
    Closer { stop, task }
}

/// Attaches the gauges to `closed`, publishes and stores it. The first windows of a
/// process may already be stored in part by one stopped during them (a restart within a
/// window): that part is merged in, not overwritten.
async fn store_windows(
    inputs: &CloserInputs,
    sampler: &mut ProcessSampler,
    closed: Vec<WindowSnapshot>,
    first: bool,
) {
    let gauges = read_gauges(inputs, sampler);
    let earlier = if first {
        earlier_parts(inputs, &closed).await
    } else {
        Vec::new()
    };
    let mut rows = Vec::with_capacity(closed.len());
    let newest = closed.iter().map(|w| w.seq).max().unwrap_or_default();
    for mut window in closed {
        window.attach_gauges(&gauges);
        let start = window.start_unix_us;
        for part in earlier.iter().filter(|p| p.start_unix_us == start) {
            window.absorb(part, MAX_ROLLUP_SERIES);
        }
        match rollup_row(&inputs.telemetry, &window, resolution_secs(&window)) {
            Some(row) => rows.push(row),
            None => tracing::warn!(seq = window.seq, "could not serialise a metrics window"),
        }
        let window: LiveWindow = Arc::new(window);
        inputs.telemetry.publish(window);
    }
    if let Err(e) = inputs.store.upsert_rollups(&rows).await {
        tracing::warn!(error = %e, "could not store metric windows");
    }
    inputs.telemetry.mark_stored(newest);
}

/// This instance's stored windows among `closed` (by start): only a window that was
/// observed in part, the first one, can have an earlier part.
async fn earlier_parts(inputs: &CloserInputs, closed: &[WindowSnapshot]) -> Vec<WindowSnapshot> {
    let Some(window) = closed
        .iter()
        .find(|w| w.covered_us < w.length().as_micros() as u64)
    else {
        return Vec::new();
    };
    let (Ok(resolution), Ok(from)) = (
        u32::try_from(window.length().as_secs()),
        i64::try_from(window.start_unix_us),
    ) else {
        return Vec::new();
    };
    let source = &inputs.telemetry.config().source;
    match inputs.store.list_rollups(resolution, from, from + 1).await {
        Ok(rows) => rows
            .iter()
            .filter(|r| &r.source == source)
            .filter_map(|r| WindowSnapshot::from_bytes(&r.payload).ok())
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the window a previous run stored");
            Vec::new()
        }
    }
}

/// Feeds the detector the baseline's worth of this instance's windows stored before now.
async fn warm_up_anomalies(inputs: &CloserInputs) {
    let config = inputs.telemetry.config();
    let window_secs = config.window.as_secs().max(1);
    let span_us = window_secs * 1_000_000 * config.anomalies.baseline_windows as u64;
    let now = now_us();
    let (Ok(resolution), Ok(from), Ok(to)) = (
        u32::try_from(window_secs),
        i64::try_from(now.saturating_sub(span_us)),
        i64::try_from(now),
    ) else {
        return;
    };
    match inputs.store.list_rollups(resolution, from, to).await {
        Ok(rows) => {
            let windows: Vec<WindowSnapshot> = rows
                .iter()
                .filter(|r| r.source == config.source)
                .filter_map(|r| WindowSnapshot::from_bytes(&r.payload).ok())
                .collect();
            inputs.telemetry.warm_up(&windows);
        }
        Err(e) => tracing::warn!(error = %e, "could not read recent windows for anomaly detection"),
    }
}

fn resolution_secs(window: &WindowSnapshot) -> u32 {
    u32::try_from(window.length().as_secs()).unwrap_or(u32::MAX)
}

fn rollup_row(
    telemetry: &Telemetry,
    window: &WindowSnapshot,
    resolution_secs: u32,
) -> Option<RollupRow> {
    Some(RollupRow {
        resolution_secs,
        window_start_us: i64::try_from(window.start_unix_us).ok()?,
        source: telemetry.config().source.clone(),
        payload: window.to_bytes().ok()?,
    })
}

fn read_gauges(inputs: &CloserInputs, sampler: &mut ProcessSampler) -> Gauges {
    let process = sampler.sample();
    let pool = inputs.store.pool_stats();
    let storage = inputs.store.storage_stats();
    Gauges {
        cpu_percent: process.map_or(0.0, |p| p.cpu_percent),
        memory_bytes: process.map_or(0.0, |p| p.resident_memory_bytes as f64),
        open_fds: process.map_or(0.0, |p| p.open_fds as f64),
        in_flight: inputs.telemetry.in_flight().max(0) as f64,
        db: DbPoolGauges {
            in_use: pool.in_use as f64,
            idle: pool.idle as f64,
            waiting: pool.waiting as f64,
            size: pool.size as f64,
            wal_bytes: storage.wal_bytes.unwrap_or(0) as f64,
            checkpoint_lag_seconds: storage.checkpoint_lag.map_or(0.0, |lag| lag.as_secs_f64()),
        },
        writer_queue_depth: (inputs.writer_queue_depth)() as f64,
    }
}

/// When a minute (hour) has fully passed, merges its windows (minutes) into one rollup.
/// Works from the store, so a restart in the middle of an hour still rolls it up.
async fn roll_up(inputs: &CloserInputs) {
    let telemetry = &inputs.telemetry;
    let window_secs = telemetry.config().window.as_secs().max(1);
    let now = now_us();
    for (fine_secs, coarse, coarse_us) in [
        (window_secs, Resolution::Minute, MINUTE_US),
        (60, Resolution::Hour, HOUR_US),
    ] {
        let coarse_secs = coarse_us / 1_000_000;
        let Ok(fine) = u32::try_from(fine_secs) else {
            continue;
        };
        let Ok(coarse_res) = u32::try_from(coarse_secs) else {
            continue;
        };
        // The last complete coarse bucket.
        let bucket_end = now / coarse_us * coarse_us;
        let bucket_start = bucket_end - coarse_us;
        let done = inputs
            .store
            .latest_rollup_start(coarse_res)
            .await
            .ok()
            .flatten();
        if done.is_some_and(|d| d >= bucket_start as i64) {
            continue;
        }
        let Ok(rows) = inputs
            .store
            .list_rollups(fine, bucket_start as i64, bucket_end as i64)
            .await
        else {
            continue;
        };
        let windows: Vec<WindowSnapshot> = rows
            .iter()
            .filter_map(|r| WindowSnapshot::from_bytes(&r.payload).ok())
            .collect();
        if windows.is_empty() {
            continue;
        }
        for merged in downsample(&windows, coarse, MAX_ROLLUP_SERIES) {
            let Some(row) = rollup_row(telemetry, &merged, coarse_res) else {
                continue;
            };
            if let Err(e) = inputs
                .store
                .upsert_rollups(std::slice::from_ref(&row))
                .await
            {
                tracing::warn!(error = %e, "could not store a metrics rollup");
            }
        }
    }
    prune(inputs, now).await;
}

async fn prune(inputs: &CloserInputs, now: u64) {
    let config = inputs.telemetry.config();
    let window_secs = u32::try_from(config.window.as_secs()).unwrap_or(5);
    for (resolution, keep) in [
        (window_secs, config.keep_windows),
        (60, config.keep_minutes),
        (3600, config.keep_hours),
    ] {
        let keep_us = u64::try_from(keep.as_micros()).unwrap_or(u64::MAX);
        let before = i64::try_from(now.saturating_sub(keep_us)).unwrap_or(0);
        if let Err(e) = inputs.store.prune_rollups(resolution, before).await {
            tracing::warn!(error = %e, "could not prune metric rollups");
        }
    }
}
