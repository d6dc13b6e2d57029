//! The one executor: every virtual user of every scenario runs [`virtual_user`], asking its
//! [`pacer::Pacer`] when to fire; a controller closes one window per tick, prints progress
//! and pushes the live state about once a second, checks `--abort-on-fail` and the stress
//! profile's breaking point, and enforces the run's hard time bound.

mod pacer;
mod stop;
mod virtual_user;

use crate::client::{RequestParts, region_header};
use crate::live::{LiveConfig, LivePush};
use crate::mix::Mix;
use crate::profile::{Analysis, Plan};
use crate::progress::{Progress, ProgressSink};
use crate::prompts::PromptPool;
use crate::recorder::{Recorder, Stats};
use crate::report::{Report, RunFacts, WindowPoint, observed, window_point};
use crate::schedule::Model;
use crate::selfcheck::CpuScope;
use crate::server_memory::MemorySampler;
use crate::target::Target;
use crate::threshold::Threshold;
use crate::{Error, analysis, live};
use bp_metrics::Precision;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use stop::StopReason;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use virtual_user::virtual_user;

/// Everything a run needs; build it with the caller's validated inputs.
pub struct RunConfig {
    pub target: Target,
    pub plan: Plan,
    pub mix: Mix,
    pub prompts: PromptPool,
    /// Bearer keys: virtual user `n` sends `keys[n % keys.len()]` (batch and history need
    /// one); empty for anonymous requests.
    pub keys: Vec<String>,
    /// Checked at the end (and every window with `abort_on_fail`).
    pub thresholds: Vec<Threshold>,
    pub abort_on_fail: bool,
    /// Per request, connect included. A request is cut after between this and twice this
    /// (see `virtual_user`).
    pub request_timeout: Duration,
    /// Stop after this many requests.
    pub max_requests: Option<u64>,
    /// Prompts per `/batch` request.
    pub batch_size: usize,
    /// Open model: arrivals that cannot start within this are dropped.
    pub max_lateness: Duration,
    pub seed: u64,
    /// Worker threads of the runtime the caller runs us on (for the CPU verdict).
    pub threads: usize,
    /// Whose CPU the report's generator figures count.
    pub cpu_scope: CpuScope,
    pub progress: Option<ProgressSink>,
    /// Push the run's state to the target (a BetterPrompts server) with this admin key.
    pub live: Option<LiveConfig>,
}

/// Largest number of virtual users a run may spawn: bounds memory and sockets.
pub const MAX_VUS: u64 = 50_000;
/// Shortest and longest time-series window.
const MIN_WINDOW: Duration = Duration::from_millis(100);
const MAX_WINDOW: Duration = Duration::from_secs(1);
/// `--abort-on-fail` judges nothing on fewer requests than this.
const ABORT_MIN_REQUESTS: u64 = 100;
/// The progress line and the live state are refreshed this often.
const REFRESH: Duration = Duration::from_secs(1);

/// State shared by all virtual users of a run.
pub(crate) struct Shared {
    plan: Plan,
    mix: Mix,
    prompts: PromptPool,
    parts: RequestParts,
    /// Per scenario, its `X-Region` header line.
    regions: Vec<Option<Box<[u8]>>>,
    recorder: Recorder,
    started: Instant,
    max_lateness: Duration,
    request_timeout: Duration,
    /// Open model: the next arrival number per scenario.
    arrivals: Vec<AtomicU64>,
    /// Requests started so far, against `max_requests`.
    claimed: AtomicU64,
    max_requests: u64,
    in_flight: AtomicU64,
    /// Open-model requests in flight: the "users" of open scenarios.
    open_in_flight: AtomicU64,
    stopping: AtomicBool,
    stop: watch::Receiver<bool>,
}

impl Shared {
    /// Sleeps until `deadline` unless the run stops first (`None`); returns the time it
    /// woke (one clock read serves the caller too: at 100k req/s clock reads show up).
    async fn sleep_until(&self, deadline: Instant) -> Option<Instant> {
        if self.stopping.load(Ordering::Relaxed) {
            return None;
        }
        let now = Instant::now();
        if deadline <= now {
            return Some(now);
        }
        let mut stop = self.stop.clone();
        tokio::select! {
            () = tokio::time::sleep_until(deadline) => Some(Instant::now()),
            _ = stop.wait_for(|s| *s) => None,
        }
    }
}

/// Runs the plan against the target and returns the report. Bounded: the run ends at the
/// plan's end plus two request timeouts, whatever the server does.
pub async fn run(config: RunConfig) -> Result<Report, Error> {
    let plan = config.plan.clone();
    let vus = plan.max_vus();
    if vus > MAX_VUS {
        return Err(Error::Usage(format!(
            "the plan needs {vus} virtual users; at most {MAX_VUS} are allowed"
        )));
    }
    if config.keys.is_empty()
        && let Some(e) = config.mix.endpoints().find(|e| e.needs_key())
    {
        return Err(Error::Usage(format!(
            "`{e}` requests need an API key: pass --key, --key-file or --admin-key, or a --mix without batch and history"
        )));
    }
    let regions = plan
        .scenarios
        .iter()
        .map(|s| s.region.as_deref().map(region_header).transpose())
        .collect::<Result<Vec<_>, _>>()?;
    let n_shards = config.threads.max(1) * 4;
    let (stop_tx, stop_rx) = watch::channel(false);
    let started_at = chrono::Utc::now();
    let cpu_before = config.cpu_scope.sample();
    let shared = Arc::new(Shared {
        parts: RequestParts::new(&config.target, &config.keys, config.batch_size)?,
        plan: plan.clone(),
        mix: config.mix.clone(),
        prompts: config.prompts.clone(),
        regions,
        recorder: Recorder::new(n_shards, plan.scenarios.len()),
        started: Instant::now(),
        max_lateness: config.max_lateness,
        request_timeout: config.request_timeout,
        arrivals: plan.scenarios.iter().map(|_| AtomicU64::new(0)).collect(),
        claimed: AtomicU64::new(0),
        max_requests: config.max_requests.unwrap_or(u64::MAX),
        in_flight: AtomicU64::new(0),
        open_in_flight: AtomicU64::new(0),
        stopping: AtomicBool::new(false),
        stop: stop_rx,
    });
    let mut users = JoinSet::new();
    let mut vu_id = 0_u64;
    for (scenario, s) in plan.scenarios.iter().enumerate() {
        let n = match s.schedule.model {
            Model::Closed { .. } => s.schedule.peak().ceil() as u32,
            Model::Open { max_vus } => max_vus,
        };
        for index in 0..n {
            let seed = config.seed ^ vu_id.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            users.spawn(virtual_user(
                shared.clone(),
                scenario,
                index,
                vu_id as usize,
                seed,
            ));
            vu_id += 1;
        }
    }
    let live = config
        .live
        .clone()
        .map(|c| LivePush::start(&config.target, c));
    // Only the sustained profile analyses the server's memory.
    let memory = matches!(plan.analysis, Analysis::Degradation { .. })
        .then(|| MemorySampler::start(&config.target, shared.started));
    let stop = |reason: &mut Option<StopReason>, why: StopReason| {
        if reason.is_none() {
            *reason = Some(why);
        }
        shared.stopping.store(true, Ordering::Relaxed);
        let _ = stop_tx.send(true);
    };
    let total = plan.total();
    let hard_end = shared.started + total + 2 * config.request_timeout;
    // At least ~60 windows per run, each between 100 ms and 1 s: time-scaled runs still get
    // a usable series, full-length ones one point per second.
    let window = Duration::from_secs(1)
        .mul_f64(total.as_secs_f64() / 60.0)
        .clamp(MIN_WINDOW, MAX_WINDOW);
    let mut ticker = tokio::time::interval_at(shared.started + window, window);
    // A late tick must not be followed by a burst of near-empty windows.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut series: Vec<WindowPoint> = Vec::new();
    let mut breaker = analysis::BreakDetector::default();
    let mut stopped: Option<StopReason> = None;
    let mut progress = config.progress;
    let mut last_print = shared.started;
    // Everything so far at window precision: enough for progress and --abort-on-fail, and
    // far cheaper than merging the shards' full totals every tick.
    let mut running = Stats::new(Precision::Series);
    // Windows can be 100 ms: the progress line shows the last second instead.
    let mut since_print = Stats::new(Precision::Series);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            joined = users.join_next() => {
                if joined.is_some() {
                    continue;
                }
                break;
            }
        }
        let now = Instant::now();
        if let Some(window) = close_window(&shared, &mut series, &mut running, now) {
            since_print.merge(&window);
        }
        let since = now.duration_since(last_print);
        if (progress.is_some() || live.is_some()) && since >= REFRESH {
            let p = progress_of(&shared, &since_print, since, &running, now, total);
            if let Some(sink) = progress.as_mut() {
                sink(&p);
            }
            if let Some(live) = &live {
                live.update(live::running_state(
                    &plan.name,
                    started_at,
                    &p,
                    &running,
                    target_rps(&shared, p.elapsed),
                ));
            }
            last_print = now;
            since_print = Stats::new(Precision::Series);
        }
        if plan.analysis == Analysis::BreakingPoint && breaker.observe(series.last()) {
            stop(&mut stopped, StopReason::BreakingPoint);
        }
        if config.abort_on_fail && running.requests >= ABORT_MIN_REQUESTS {
            let elapsed_s = now.duration_since(shared.started).as_secs_f64();
            let observed = observed(&running, elapsed_s);
            // Tagged thresholds need the per-tag breakdown: they are checked at the end.
            if let Some(failed) = config
                .thresholds
                .iter()
                .find(|t| t.filter.is_empty() && !t.verdict(&observed).ok)
            {
                stop(
                    &mut stopped,
                    StopReason::ThresholdFailed(failed.to_string()),
                );
            }
        }
        if shared.claimed.load(Ordering::Relaxed) >= shared.max_requests {
            stop(&mut stopped, StopReason::MaxRequests);
        }
        if now >= hard_end {
            stop(&mut stopped, StopReason::HardTimeBound);
        }
        if stopped.is_some() {
            break;
        }
    }
    if stopped.is_none() && shared.claimed.load(Ordering::Relaxed) >= shared.max_requests {
        stopped = Some(StopReason::MaxRequests);
    }
    // Let in-flight requests finish (they are bounded by the request timeout), then cut.
    if stopped.is_some() {
        let grace = config.request_timeout.min(Duration::from_secs(2));
        let _ =
            tokio::time::timeout(grace, async { while users.join_next().await.is_some() {} }).await;
    }
    let interrupted = shared.in_flight.load(Ordering::Relaxed);
    users.abort_all();
    let ended = Instant::now();
    if let Some(window) = close_window(&shared, &mut series, &mut running, ended) {
        since_print.merge(&window);
    }
    let cpu = config.cpu_scope.sample().since(&cpu_before);
    if let Some(sink) = progress.as_mut() {
        let since = ended.duration_since(last_print);
        sink(&progress_of(
            &shared,
            &since_print,
            since,
            &running,
            ended,
            total,
        ));
    }
    let server_memory = match memory {
        Some(sampler) => sampler.finish().await,
        None => Vec::new(),
    };
    let reason = stopped.clone();
    let report = crate::report::build(RunFacts {
        plan: &plan,
        target: &config.target,
        mix: &config.mix,
        totals: shared.recorder.totals(),
        series,
        server_memory,
        duration: ended.duration_since(shared.started),
        thresholds: &config.thresholds,
        stopped: stopped.map(|s| s.to_string()),
        interrupted,
        cpu,
        threads: config.threads.max(1),
        vus: vu_id,
    });
    if let Some(live) = live {
        let state = StopReason::state(reason.as_ref(), report.thresholds_ok);
        live.finish(live::final_state(&report, started_at, state))
            .await;
    }
    Ok(report)
}

/// Closes the window ending `now`, appends it to the series, adds it to `running` and
/// returns it (`None` when less than a millisecond passed since the last one).
fn close_window(
    shared: &Shared,
    series: &mut Vec<WindowPoint>,
    running: &mut Stats,
    now: Instant,
) -> Option<Stats> {
    let (stats, dropped) = shared.recorder.take_window();
    running.merge(&stats);
    let from_s = series.last().map_or(0.0, |p| p.t_s + p.window_s);
    let t_s = now.duration_since(shared.started).as_secs_f64();
    if t_s - from_s < 1e-3 {
        return None;
    }
    let at = now.duration_since(shared.started);
    series.push(window_point(
        from_s,
        t_s - from_s,
        &stats,
        dropped,
        active_users(shared, at),
    ));
    Some(stats)
}

/// Closed users the schedules call for, plus open-model requests in flight.
fn active_users(shared: &Shared, at: Duration) -> u64 {
    let closed: u64 = shared
        .plan
        .scenarios
        .iter()
        .filter(|s| matches!(s.schedule.model, Model::Closed { .. }))
        .filter(|s| at >= s.start && at < s.start + s.schedule.total())
        .map(|s| u64::from(s.schedule.active_users(at - s.start)))
        .sum();
    closed + shared.open_in_flight.load(Ordering::Relaxed)
}

/// The open scenarios' planned arrival rate at `at`; `None` without open scenarios.
fn target_rps(shared: &Shared, at: Duration) -> Option<f64> {
    let mut open = shared
        .plan
        .scenarios
        .iter()
        .filter(|s| matches!(s.schedule.model, Model::Open { .. }))
        .peekable();
    open.peek()?;
    Some(
        open.filter(|s| at >= s.start && at < s.start + s.schedule.total())
            .map(|s| s.schedule.value_at(at - s.start))
            .sum(),
    )
}

fn progress_of(
    shared: &Shared,
    recent: &Stats,
    recent_span: Duration,
    running: &Stats,
    now: Instant,
    total: Duration,
) -> Progress {
    let span_s = recent_span.as_secs_f64();
    Progress {
        users: active_users(shared, now.duration_since(shared.started)),
        rps: if span_s > 0.0 {
            recent.requests as f64 / span_s
        } else {
            0.0
        },
        p95_ms: bp_report::model::quantile_ms(&recent.latency, 0.95),
        requests: running.requests,
        errors: running.errors,
        elapsed: now.duration_since(shared.started),
        total,
    }
}
