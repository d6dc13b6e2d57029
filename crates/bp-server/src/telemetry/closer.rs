//! The window closer: once per window it closes what ended, attaches the process and
//! storage gauges, publishes the window (anomaly detection, memory ring, Prometheus totals,
//! stream), stores it as a rollup, rolls minutes and hours up from it, and prunes by
//! retention. On start it feeds this instance's latest stored windows to the anomaly
//! detector, so a restart does not blind it.
//!
//! Rollups are per instance, like windows: each instance's minutes and hours are stored
//! under its own source, and queries merge the fleet from them. Any instance rolls up any
//! instance's periods (so one that died still gets its last minutes rolled up), and a
//! rollup is a pure function of the rows it merges: instances racing for a period write
//! the same row, and a period rolled up again after a late window arrived is replaced, not
//! added to. Each period is exactly once in the store, whatever the races.

use super::{FleetWindow, LiveWindow, Telemetry, now_us};
use crate::process_stats::ProcessSampler;
use bp_metrics::{DbPoolGauges, Gauges, Resolution, WindowSnapshot, downsample};
use bp_store::{RecordKind, RollupRow, Store};
use std::collections::{BTreeMap, BTreeSet};
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
        let mut schedule = RollupSchedule::default();
        let mut fleet = FleetAssembler::default();
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
                let minutes: BTreeSet<u64> = closed
                    .iter()
                    .map(|w| w.start_unix_us / MINUTE_US * MINUTE_US)
                    .collect();
                let first = std::mem::take(&mut first);
                let stored = store_windows(&inputs, &mut sampler, closed, first).await;
                for window in stored {
                    fleet.assemble(&inputs, window, stopping).await;
                }
                if !stopping {
                    roll_up(&inputs, &mut schedule, minutes).await;
                }
            }
            if stopping {
                return;
            }
        }
    });
    Closer { stop, task }
}

/// Attaches the gauges to `closed`, counts and stores it, and returns it. The first
/// windows of a process may already be stored in part by one stopped during them (a
/// restart within a window): that part is merged in, not overwritten.
async fn store_windows(
    inputs: &CloserInputs,
    sampler: &mut ProcessSampler,
    closed: Vec<WindowSnapshot>,
    first: bool,
) -> Vec<WindowSnapshot> {
    let gauges = read_gauges(inputs, sampler);
    let earlier = if first {
        earlier_parts(inputs, &closed).await
    } else {
        Vec::new()
    };
    let mut rows = Vec::with_capacity(closed.len());
    let mut stored = Vec::with_capacity(closed.len());
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
        inputs.telemetry.count_local(&window);
        stored.push(window);
    }
    if let Err(e) = inputs.store.upsert_rollups(&rows).await {
        tracing::warn!(error = %e, "could not store metric windows");
    }
    inputs.telemetry.mark_stored(newest);
    stored
}

/// Builds the fleet's windows for the stream from what every instance stored. A window is
/// published once every instance that took part in the previous one has stored its part,
/// or after a grace (a fifth of a window, at most [`MAX_FLEET_GRACE`]); at the next window
/// it is read again, and a part that arrived since is published as a correction (same
/// `seq`, higher revision). An instance alone publishes at once.
#[derive(Default)]
struct FleetAssembler {
    last: Option<Published>,
}

/// What was published of the last window, to tell whether it changed since.
struct Published {
    seq: u64,
    start_us: u64,
    revision: u32,
    signature: Vec<(String, u64, u64)>,
}

const MAX_FLEET_GRACE: Duration = Duration::from_millis(300);

impl FleetAssembler {
    async fn assemble(&mut self, inputs: &CloserInputs, own: WindowSnapshot, stopping: bool) {
        let source = inputs.telemetry.config().source.clone();
        let own = Arc::new(own);
        let mut expected: BTreeSet<String> = BTreeSet::from([source.clone()]);
        if let Some(last) = self.last.take() {
            expected.extend(last.signature.iter().map(|(s, _, _)| s.clone()));
            if last.start_us != own.start_unix_us {
                let parts = read_parts(inputs, last.start_us, None).await;
                if !parts.is_empty() && signature(&parts) != last.signature {
                    let window = fleet_window(last.seq, last.revision + 1, parts);
                    // Corrections are not judged again: nothing is flagged.
                    inputs.telemetry.publish(Arc::new(window));
                }
            }
        }
        let mut parts = read_parts(inputs, own.start_unix_us, Some((&source, &own))).await;
        let present = |parts: &[(String, Arc<WindowSnapshot>)]| {
            expected.iter().all(|e| parts.iter().any(|(s, _)| s == e))
        };
        if !stopping && !present(&parts) {
            let grace = (inputs.telemetry.config().window / 5).min(MAX_FLEET_GRACE);
            tokio::time::sleep(grace).await;
            parts = read_parts(inputs, own.start_unix_us, Some((&source, &own))).await;
        }
        self.last = Some(Published {
            seq: own.seq,
            start_us: own.start_unix_us,
            revision: 0,
            signature: signature(&parts),
        });
        let window: LiveWindow = Arc::new(fleet_window(own.seq, 0, parts));
        let flagged = inputs.telemetry.publish(window);
        if !flagged.is_empty() {
            super::anomalies::store(&inputs.telemetry, &*inputs.store, flagged).await;
        }
    }
}

/// Every instance's part of the window starting at `start_us`, by source: `own` stands
/// for this instance's (already in memory), and alone if the store does not answer.
async fn read_parts(
    inputs: &CloserInputs,
    start_us: u64,
    own: Option<(&String, &Arc<WindowSnapshot>)>,
) -> Vec<(String, Arc<WindowSnapshot>)> {
    let resolution = u32::try_from(inputs.telemetry.config().window.as_secs()).unwrap_or(5);
    let from = i64::try_from(start_us).unwrap_or(i64::MAX);
    let mut parts: Vec<(String, Arc<WindowSnapshot>)> = own
        .map(|(s, w)| vec![(s.clone(), w.clone())])
        .unwrap_or_default();
    match inputs.store.list_rollups(resolution, from, from + 1).await {
        Ok(rows) => {
            for row in rows {
                if own.is_some_and(|(s, _)| *s == row.source) {
                    continue;
                }
                if let Ok(w) = WindowSnapshot::from_bytes(&row.payload) {
                    parts.push((row.source, Arc::new(w)));
                }
            }
        }
        Err(e) => tracing::debug!(error = %e, "could not read the fleet's parts of a window"),
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    parts
}

/// What tells two readings of a window apart: each part's source, time and requests.
fn signature(parts: &[(String, Arc<WindowSnapshot>)]) -> Vec<(String, u64, u64)> {
    parts
        .iter()
        .map(|(s, w)| (s.clone(), w.covered_us, w.total.requests()))
        .collect()
}

fn fleet_window(seq: u64, revision: u32, parts: Vec<(String, Arc<WindowSnapshot>)>) -> FleetWindow {
    let merged = bp_metrics::merge_instances(
        parts.iter().map(|(_, w)| w.as_ref().clone()),
        MAX_ROLLUP_SERIES,
    )
    .pop()
    .unwrap_or_else(|| WindowSnapshot::empty(seq, 0, 0));
    FleetWindow {
        seq,
        revision,
        instances: u32::try_from(parts.len()).unwrap_or(u32::MAX),
        merged,
        parts,
    }
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

/// Feeds the detector the baseline's worth of the fleet's windows stored before now.
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
            // The detector judges the fleet's windows, as it does live.
            let windows = bp_metrics::merge_instances(
                rows.iter()
                    .filter_map(|r| WindowSnapshot::from_bytes(&r.payload).ok()),
                MAX_ROLLUP_SERIES,
            );
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

/// When the closer last rolled up the minutes that just ended.
#[derive(Debug, Default)]
struct RollupSchedule {
    /// End of the last complete minute at the last regular pass (0 before the first).
    minute_end_us: u64,
}

/// Rolls up, once per minute, the two minutes that just ended (the older one again, for
/// windows other instances stored late), and the hour that just ended during the first
/// minutes of the next (and on start, in case no instance was up at its end). Minutes of
/// windows this instance just stored after they ended (a paused or restarted process)
/// are rolled up again at once, and their hour with them.
async fn roll_up(
    inputs: &CloserInputs,
    schedule: &mut RollupSchedule,
    stored_minutes: BTreeSet<u64>,
) {
    let now = now_us();
    let minute_end = now / MINUTE_US * MINUTE_US;
    let hour_end = now / HOUR_US * HOUR_US;
    let first_pass = schedule.minute_end_us == 0;
    let mut minutes: BTreeSet<u64> = stored_minutes
        .into_iter()
        .filter(|m| m + MINUTE_US <= now)
        .collect();
    let regular = schedule.minute_end_us != minute_end;
    if regular {
        schedule.minute_end_us = minute_end;
        minutes.extend([minute_end - 2 * MINUTE_US, minute_end - MINUTE_US]);
    }
    if minutes.is_empty() {
        return;
    }
    let window_secs = inputs.telemetry.config().window.as_secs().max(1);
    let mut hours: BTreeSet<u64> = minutes
        .iter()
        .map(|m| m / HOUR_US * HOUR_US)
        .filter(|h| h + HOUR_US <= now)
        .collect();
    if first_pass || now - hour_end < 3 * MINUTE_US {
        hours.insert(hour_end - HOUR_US);
    }
    let store = inputs.store.as_ref();
    for minute in minutes {
        roll_up_period(store, window_secs, Resolution::Minute, minute).await;
    }
    for hour in hours {
        roll_up_period(store, 60, Resolution::Hour, hour).await;
    }
    if regular {
        prune(inputs, now).await;
    }
}

/// Rolls up the period of `coarse` starting at `start_us` from the rows of `fine_secs`
/// inside it, per instance, writing only the instances' rollups that are missing or differ
/// from what their rows give now.
async fn roll_up_period(store: &dyn Store, fine_secs: u64, coarse: Resolution, start_us: u64) {
    let length_us = u64::try_from(coarse.length().as_micros()).unwrap_or(u64::MAX);
    let (Ok(fine), Ok(coarse_secs), Ok(from), Ok(to)) = (
        u32::try_from(fine_secs),
        u32::try_from(coarse.length().as_secs()),
        i64::try_from(start_us),
        i64::try_from(start_us.saturating_add(length_us)),
    ) else {
        return;
    };
    let (parts, done) = match tokio::try_join!(
        store.list_rollups(fine, from, to),
        store.list_rollups(coarse_secs, from, from + 1),
    ) {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the windows of a rollup");
            return;
        }
    };
    let decode = |rows: Vec<RollupRow>| {
        let mut by_source: BTreeMap<String, Vec<WindowSnapshot>> = BTreeMap::new();
        for row in rows {
            if let Ok(w) = WindowSnapshot::from_bytes(&row.payload) {
                by_source.entry(row.source).or_default().push(w);
            }
        }
        by_source
    };
    let done = decode(done);
    let mut rows = Vec::new();
    for (source, windows) in decode(parts) {
        let Some(merged) = downsample(&windows, coarse, MAX_ROLLUP_SERIES).pop() else {
            continue;
        };
        if done.get(&source).and_then(|d| d.first()) == Some(&merged) {
            continue;
        }
        match merged.to_bytes() {
            Ok(payload) => rows.push(RollupRow {
                resolution_secs: coarse_secs,
                window_start_us: from,
                source,
                payload,
            }),
            Err(e) => tracing::warn!(error = %e, "could not serialise a metrics rollup"),
        }
    }
    if !rows.is_empty()
        && let Err(e) = store.upsert_rollups(&rows).await
    {
        tracing::warn!(error = %e, "could not store metrics rollups");
    }
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
    // Anomalies and load runs are kept as long as the hours they describe, and a day at
    // least, so a short hour retention never drops a run that is still reporting.
    let keep = config.keep_hours.max(Duration::from_secs(24 * 3600));
    let keep_us = u64::try_from(keep.as_micros()).unwrap_or(u64::MAX);
    let before = i64::try_from(now.saturating_sub(keep_us)).unwrap_or(0);
    for kind in [RecordKind::Anomaly, RecordKind::LoadRun] {
        if let Err(e) = inputs.store.prune_records(kind, before).await {
            tracing::warn!(error = %e, "could not prune fleet records");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::Segment;
    use bp_metrics::{CacheOutcome, Endpoint, Recorder, RecorderConfig, RegionId, Sample};
    use bp_testkit::{Backend, TestStorage};

    /// A clock-aligned minute, the first of its hour: 2026-12-01T08:00:00Z.
    const MINUTE: u64 = 1_796_112_000 * 1_000_000;

    /// The 12 windows of 5 s of the minute at `start_us`, each with `per_window` requests.
    fn windows(start_us: u64, per_window: u64) -> Vec<WindowSnapshot> {
        let recorder = Recorder::new(RecorderConfig::default(), start_us).expect("recorder");
        for w in 0..12 {
            for i in 0..per_window {
                recorder.record(&Sample {
                    endpoint: Endpoint::Enhance,
                    status: 200,
                    technique: None,
                    segment: Segment::Anonymous,
                    region: RegionId::OTHER,
                    cache: CacheOutcome::Bypass,
                    latency: Duration::from_micros(1000 + i),
                    completed_at_us: start_us + w * 5_000_000 + 1 + i,
                    caller: None,
                    labels: Default::default(),
                });
            }
        }
        recorder.close_until(start_us + MINUTE_US)
    }

    async fn store_windows_of(store: &dyn Store, source: &str, windows: &[WindowSnapshot]) {
        let rows: Vec<RollupRow> = windows
            .iter()
            .map(|w| RollupRow {
                resolution_secs: 5,
                window_start_us: i64::try_from(w.start_unix_us).expect("fits"),
                source: source.to_owned(),
                payload: w.to_bytes().expect("encodes"),
            })
            .collect();
        store.upsert_rollups(&rows).await.expect("stored");
    }

    /// Sources and requests of the rows of one period.
    async fn rolled(store: &dyn Store, resolution_secs: u32, start_us: u64) -> Vec<(String, u64)> {
        let from = i64::try_from(start_us).expect("fits");
        store
            .list_rollups(resolution_secs, from, from + 1)
            .await
            .expect("listed")
            .iter()
            .map(|r| {
                let w = WindowSnapshot::from_bytes(&r.payload).expect("decodes");
                (r.source.clone(), w.total.requests())
            })
            .collect()
    }

    async fn rollups_are_exactly_once_whatever_the_races(backend: Backend) {
        let storage = TestStorage::new(backend);
        let store = bp_store::open(&storage.store_config("main"))
            .await
            .expect("opens");
        let (a, b, c) = (windows(MINUTE, 3), windows(MINUTE, 5), windows(MINUTE, 7));
        store_windows_of(store.as_ref(), "a", &a).await;
        store_windows_of(store.as_ref(), "b", &b).await;
        // c died half-way through the minute.
        store_windows_of(store.as_ref(), "c", &c[..6]).await;

        // Three instances race for the minute, and a fourth is killed part-way through.
        let killed = {
            let store = store.clone();
            tokio::spawn(async move {
                roll_up_period(store.as_ref(), 5, Resolution::Minute, MINUTE).await;
            })
        };
        tokio::task::yield_now().await;
        killed.abort();
        tokio::join!(
            roll_up_period(store.as_ref(), 5, Resolution::Minute, MINUTE),
            roll_up_period(store.as_ref(), 5, Resolution::Minute, MINUTE),
            roll_up_period(store.as_ref(), 5, Resolution::Minute, MINUTE),
        );
        let per_source = [
            ("a".to_owned(), 36),
            ("b".to_owned(), 60),
            ("c".to_owned(), 42),
        ];
        assert_eq!(rolled(store.as_ref(), 60, MINUTE).await, per_source);

        // c comes back and stores a window of that minute late: rolled up again, its row
        // is replaced, not added to.
        store_windows_of(store.as_ref(), "c", &c[6..7]).await;
        roll_up_period(store.as_ref(), 5, Resolution::Minute, MINUTE).await;
        let late = [
            ("a".to_owned(), 36),
            ("b".to_owned(), 60),
            ("c".to_owned(), 49),
        ];
        assert_eq!(rolled(store.as_ref(), 60, MINUTE).await, late);

        // The hour, from the minutes, twice: the same rows.
        let hour = MINUTE / HOUR_US * HOUR_US;
        for _ in 0..2 {
            roll_up_period(store.as_ref(), 60, Resolution::Hour, hour).await;
            assert_eq!(rolled(store.as_ref(), 3600, hour).await, late);
        }
    }

    bp_testkit::both_backends!(rollups_are_exactly_once_whatever_the_races);
}
