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
///
/// The steps: check the plan, share its state, spawn every virtual user, run the controller
/// until the plan ends or a stop condition holds, drain what is in flight, write the report.
pub async fn run(mut config: RunConfig) -> Result<Report, Error> {
    let progress = config.progress.take();
    let regions = check(&config)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let started_at = chrono::Utc::now();
    let cpu_before = config.cpu_scope.sample();
    let shared = Arc::new(Shared::new(&config, regions, stop_rx)?);
    let (mut users, vus) = spawn_users(&shared, config.seed);
    let mut controller = Controller::new(&config, &shared, started_at, progress);
    let stopped = controller.run(&mut users, &stop_tx).await;
    let interrupted = drain(
        &mut users,
        &shared,
        stopped.is_some(),
        config.request_timeout,
    )
    .await;
    let ended = Instant::now();
    let (series, server_memory, live) = controller.finish(ended).await;
    let report = crate::report::build(RunFacts {
        plan: &config.plan,
        target: &config.target,
        mix: &config.mix,
        totals: shared.recorder.totals(),
        series,
        server_memory,
        duration: ended.duration_since(shared.started),
        thresholds: &config.thresholds,
        stopped: stopped.as_ref().map(ToString::to_string),
        interrupted,
        cpu: config.cpu_scope.sample().since(&cpu_before),
        threads: config.threads.max(1),
        vus,
    });
    if let Some(live) = live {
        let state = StopReason::state(stopped.as_ref(), report.thresholds_ok);
        live.finish(live::final_state(&report, started_at, state))
            .await;
    }
    Ok(report)
}

/// What makes a plan unrunnable, found before anything starts; returns each scenario's
/// `X-Region` header line.
fn check(config: &RunConfig) -> Result<Vec<Option<Box<[u8]>>>, Error> {
    let vus = config.plan.max_vus();
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
    config
        .plan
        .scenarios
        .iter()
        .map(|s| s.region.as_deref().map(region_header).transpose())
        .collect()
}

impl Shared {
    fn new(
        config: &RunConfig,
        regions: Vec<Option<Box<[u8]>>>,
        stop: watch::Receiver<bool>,
    ) -> Result<Shared, Error> {
        let plan = &config.plan;
        Ok(Shared {
            parts: RequestParts::new(&config.target, &config.keys, config.batch_size)?,
            plan: plan.clone(),
            mix: config.mix.clone(),
            prompts: config.prompts.clone(),
            regions,
            recorder: Recorder::new(config.threads.max(1) * 4, plan.scenarios.len()),
            started: Instant::now(),
            max_lateness: config.max_lateness,
            request_timeout: config.request_timeout,
            arrivals: plan.scenarios.iter().map(|_| AtomicU64::new(0)).collect(),
            claimed: AtomicU64::new(0),
            max_requests: config.max_requests.unwrap_or(u64::MAX),
            in_flight: AtomicU64::new(0),
            open_in_flight: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            stop,
        })
    }
}

/// Every virtual user of every scenario (a closed scenario's peak users, an open one's
/// `max_vus`), each with its own seed; returns them and their number.
fn spawn_users(shared: &Arc<Shared>, seed: u64) -> (JoinSet<()>, u64) {
    let mut users = JoinSet::new();
    let mut vu_id = 0_u64;
    for (scenario, s) in shared.plan.scenarios.iter().enumerate() {
        let n = match s.schedule.model {
            Model::Closed { .. } => s.schedule.peak().ceil() as u32,
            Model::Open { max_vus } => max_vus,
        };
        for index in 0..n {
            let user_seed = seed ^ vu_id.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            users.spawn(virtual_user(
                shared.clone(),
                scenario,
                index,
                vu_id as usize,
                user_seed,
            ));
            vu_id += 1;
        }
    }
    (users, vu_id)
}

/// Lets in-flight requests finish after a stop (each is bounded by the request timeout, the
/// wait by two seconds), then cuts the rest; returns how many were cut.
async fn drain(
    users: &mut JoinSet<()>,
    shared: &Shared,
    stopped: bool,
    request_timeout: Duration,
) -> u64 {
    if stopped {
        let grace = request_timeout.min(Duration::from_secs(2));
        let _ =
            tokio::time::timeout(grace, async { while users.join_next().await.is_some() {} }).await;
    }
    let interrupted = shared.in_flight.load(Ordering::Relaxed);
    users.abort_all();
    interrupted
}

/// The run's control loop: one window closed per tick, progress and the live state about
/// once a second, and every stop condition (`--abort-on-fail`, the breaking point,
/// `--max-requests`, the hard time bound).
struct Controller<'a> {
    shared: &'a Shared,
    thresholds: &'a [Threshold],
    abort_on_fail: bool,
    total: Duration,
    hard_end: Instant,
    ticker: tokio::time::Interval,
    series: Vec<WindowPoint>,
    breaker: analysis::BreakDetector,
    progress: Option<ProgressSink>,
    live: Option<LivePush>,
    memory: Option<MemorySampler>,
    started_at: chrono::DateTime<chrono::Utc>,
    last_print: Instant,
    /// Everything so far at window precision: enough for progress and --abort-on-fail, and
    /// far cheaper than merging the shards' full totals every tick.
    running: Stats,
    /// Windows can be 100 ms: the progress line shows the last second instead.
    since_print: Stats,
}

impl<'a> Controller<'a> {
    fn new(
        config: &'a RunConfig,
        shared: &'a Shared,
        started_at: chrono::DateTime<chrono::Utc>,
        progress: Option<ProgressSink>,
    ) -> Self {
        let total = config.plan.total();
        // At least ~60 windows per run, each between 100 ms and 1 s: time-scaled runs still
        // get a usable series, full-length ones one point per second.
        let window = Duration::from_secs(1)
            .mul_f64(total.as_secs_f64() / 60.0)
            .clamp(MIN_WINDOW, MAX_WINDOW);
        let mut ticker = tokio::time::interval_at(shared.started + window, window);
        // A late tick must not be followed by a burst of near-empty windows.
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let live = config
            .live
            .clone()
            .map(|c| LivePush::start(&config.target, c));
        // Only the sustained profile analyses the server's memory.
        let memory = matches!(config.plan.analysis, Analysis::Degradation { .. }).then(|| {
            // The admin key pushing the live state reads figures; else the run's first.
            let key = config.live.as_ref().map(|l| l.admin_key.clone());
            let key = key.or_else(|| config.keys.first().cloned());
            MemorySampler::start(&config.target, key, shared.started)
        });
        Controller {
            shared,
            thresholds: &config.thresholds,
            abort_on_fail: config.abort_on_fail,
            total,
            hard_end: shared.started + total + 2 * config.request_timeout,
            ticker,
            series: Vec::new(),
            breaker: analysis::BreakDetector::default(),
            progress,
            live,
            memory,
            started_at,
            last_print: shared.started,
            running: Stats::new(Precision::Series),
            since_print: Stats::new(Precision::Series),
        }
    }

    /// Until every user has ended (the plan ran out) or a stop condition held; returns why
    /// it stopped early, if it did.
    async fn run(
        &mut self,
        users: &mut JoinSet<()>,
        stop_tx: &watch::Sender<bool>,
    ) -> Option<StopReason> {
        let shared = self.shared;
        let mut stopped: Option<StopReason> = None;
        let stop = |stopped: &mut Option<StopReason>, why: StopReason| {
            if stopped.is_none() {
                *stopped = Some(why);
            }
            shared.stopping.store(true, Ordering::Relaxed);
            let _ = stop_tx.send(true);
        };
        loop {
            tokio::select! {
                _ = self.ticker.tick() => {}
                joined = users.join_next() => {
                    if joined.is_some() {
                        continue;
                    }
                    break;
                }
            }
            let now = Instant::now();
            self.tick(now);
            if shared.plan.analysis == Analysis::BreakingPoint
                && self.breaker.observe(self.series.last())
            {
                stop(&mut stopped, StopReason::BreakingPoint);
            }
            if let Some(failed) = self.failed_threshold(now) {
                stop(&mut stopped, StopReason::ThresholdFailed(failed));
            }
            if shared.claimed.load(Ordering::Relaxed) >= shared.max_requests {
                stop(&mut stopped, StopReason::MaxRequests);
            }
            if now >= self.hard_end {
                stop(&mut stopped, StopReason::HardTimeBound);
            }
            if stopped.is_some() {
                break;
            }
        }
        if stopped.is_none() && shared.claimed.load(Ordering::Relaxed) >= shared.max_requests {
            stopped = Some(StopReason::MaxRequests);
        }
        stopped
    }

    /// Closes the window ending `now`, and refreshes the progress line and the live state
    /// when a second has passed.
    fn tick(&mut self, now: Instant) {
        if let Some(window) = close_window(self.shared, &mut self.series, &mut self.running, now) {
            self.since_print.merge(&window);
        }
        let since = now.duration_since(self.last_print);
        if (self.progress.is_some() || self.live.is_some()) && since >= REFRESH {
            let p = progress_of(
                self.shared,
                &self.since_print,
                since,
                &self.running,
                now,
                self.total,
            );
            if let Some(sink) = self.progress.as_mut() {
                sink(&p);
            }
            if let Some(live) = &self.live {
                live.update(live::running_state(
                    &self.shared.plan.name,
                    self.started_at,
                    &p,
                    &self.running,
                    target_rps(self.shared, p.elapsed),
                ));
            }
            self.last_print = now;
            self.since_print = Stats::new(Precision::Series);
        }
    }

    /// With `--abort-on-fail`, the first untagged threshold the run fails so far. (Tagged
    /// thresholds need the per-tag breakdown: they are checked at the end.)
    fn failed_threshold(&self, now: Instant) -> Option<String> {
        if !self.abort_on_fail || self.running.requests < ABORT_MIN_REQUESTS {
            return None;
        }
        let elapsed_s = now.duration_since(self.shared.started).as_secs_f64();
        let observed = observed(&self.running, elapsed_s);
        self.thresholds
            .iter()
            .find(|t| t.filter.is_empty() && !t.verdict(&observed).ok)
            .map(ToString::to_string)
    }

    /// The last window and progress line at `ended`; returns the series, the server's memory
    /// samples and the live push, for the report.
    async fn finish(
        mut self,
        ended: Instant,
    ) -> (
        Vec<WindowPoint>,
        Vec<crate::report::MemoryPoint>,
        Option<LivePush>,
    ) {
        if let Some(window) = close_window(self.shared, &mut self.series, &mut self.running, ended)
        {
            self.since_print.merge(&window);
        }
        if let Some(sink) = self.progress.as_mut() {
            let since = ended.duration_since(self.last_print);
            sink(&progress_of(
                self.shared,
                &self.since_print,
                since,
                &self.running,
                ended,
                self.total,
            ));
        }
        let server_memory = match self.memory {
            Some(sampler) => sampler.finish().await,
            None => Vec::new(),
        };
        (self.series, server_memory, self.live)
    }
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
