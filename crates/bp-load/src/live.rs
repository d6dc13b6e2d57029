//! The run's live state pushed to a BetterPrompts server (`PUT /api/v1/load-runs/{id}`,
//! admin), about once a second and once more at the end, so its dashboard can show "load
//! test running" with the client-side figures beside its own.
//!
//! Pushing must never fail or slow the run: the executor only replaces the latest state in
//! a `watch` channel (no await, no queue); a task of its own sends whatever is newest, each
//! PUT bounded by [`PUSH_TIMEOUT`]. A failure is logged once; a 4xx (not an admin key, or
//! not our server) ends the pushing quietly, since repeating the same request cannot help.

use crate::client::{ControlClient, Method};
use crate::progress::Progress;
use crate::recorder::Stats;
use crate::report::Report;
use crate::target::Target;
use bp_api::{Capacity, LoadRunReport, LoadRunState};
use bp_report::model::{AnalysisReport, quantile_ms};
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// One PUT's bound: far above a healthy server's answer, far below a run's length.
const PUSH_TIMEOUT: Duration = Duration::from_secs(1);
/// The final state may wait behind one running push: two bounds and a margin.
const FINAL_PUSH_WAIT: Duration = Duration::from_millis(2500);

/// Where to push: a key with the admin role, and the run's id on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveConfig {
    pub admin_key: String,
    /// 1-64 of `a-z A-Z 0-9 - _` (the server refuses others).
    pub run_id: String,
}

impl LiveConfig {
    /// A fresh run id from the wall clock and the seed: `load-<unix ms>-<4 hex>`.
    pub fn new(admin_key: String, seed: u64) -> LiveConfig {
        let unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        LiveConfig {
            admin_key,
            run_id: format!("load-{unix_ms}-{:04x}", seed & 0xffff),
        }
    }
}

/// The state while running: everything so far, with the last second's throughput.
pub(crate) fn running_state(
    profile: &str,
    started_at: DateTime<Utc>,
    progress: &Progress,
    running: &Stats,
    target_rps: Option<f64>,
) -> LoadRunReport {
    let latency = &running.latency;
    let at = |q: f64| (!latency.is_empty()).then(|| quantile_ms(latency, q));
    LoadRunReport {
        profile: profile.to_owned(),
        state: LoadRunState::Running,
        started_at,
        users: u32::try_from(progress.users).unwrap_or(u32::MAX),
        target_rps,
        elapsed_s: progress.elapsed.as_secs_f64(),
        duration_s: progress.total.as_secs_f64(),
        requests: running.requests,
        errors: running.errors,
        throughput_rps: progress.rps,
        p50_ms: at(0.50),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        technique_accuracy: running.accuracy(),
        labelled_requests: running.checked,
        capacity: None,
    }
}

/// The state at the end: the report's figures, throughput over the whole run.
pub(crate) fn final_state(
    report: &Report,
    started_at: DateTime<Utc>,
    state: LoadRunState,
) -> LoadRunReport {
    let measured = report.requests > 0;
    let l = &report.latency_ms;
    LoadRunReport {
        profile: report.profile.clone(),
        state,
        started_at,
        users: 0,
        target_rps: None,
        elapsed_s: report.duration_s,
        duration_s: report.planned_duration_s,
        requests: report.requests,
        errors: report.errors,
        throughput_rps: report.throughput_rps,
        p50_ms: measured.then_some(l.p50),
        p95_ms: measured.then_some(l.p95),
        p99_ms: measured.then_some(l.p99),
        technique_accuracy: report.technique_accuracy,
        labelled_requests: report.technique_checked,
        capacity: match &report.analysis {
            Some(AnalysisReport::BreakingPoint(b)) => Some(Capacity {
                breaking_point_rps: b.breaking_point_rps,
                capacity_at_sla_rps: b.capacity_at_sla_rps,
                usl_peak_rps: b.usl.and_then(|u| u.peak_rps),
                usl_sigma: b.usl.map(|u| u.sigma),
                usl_kappa: b.usl.map(|u| u.kappa),
            }),
            _ => None,
        },
    }
}

/// A state and whether it is the last one.
type Latest = Option<(LoadRunReport, bool)>;

/// The pushing task and the slot it reads from.
pub(crate) struct LivePush {
    latest: watch::Sender<Latest>,
    task: JoinHandle<()>,
}

impl LivePush {
    pub fn start(target: &Target, config: LiveConfig) -> LivePush {
        let (latest, rx) = watch::channel(None);
        let client = ControlClient::new(target, PUSH_TIMEOUT);
        LivePush {
            latest,
            task: tokio::spawn(push_loop(client, config, rx)),
        }
    }

    /// Replaces the state to push next; never waits.
    pub fn update(&self, state: LoadRunReport) {
        self.latest.send_replace(Some((state, false)));
    }

    /// Pushes the final state, waiting a bounded time for it to go out.
    pub async fn finish(self, state: LoadRunReport) {
        self.latest.send_replace(Some((state, true)));
        let mut task = self.task;
        if tokio::time::timeout(FINAL_PUSH_WAIT, &mut task)
            .await
            .is_err()
        {
            task.abort();
            tracing::warn!("the run's final state did not reach the server in time");
        }
    }
}

async fn push_loop(mut client: ControlClient, config: LiveConfig, mut rx: watch::Receiver<Latest>) {
    let route = format!("/api/v1/load-runs/{}", config.run_id);
    let mut warned = false;
    while rx.changed().await.is_ok() {
        let Some((state, last)) = rx.borrow_and_update().clone() else {
            continue;
        };
        let body = match serde_json::to_vec(&state) {
            Ok(body) => body,
            // Plain data always serialises; were it ever not to, pushing is pointless.
            Err(_) => return,
        };
        let result = client
            .send(&Method::PUT, &route, Some(&config.admin_key), Some(body))
            .await;
        match result {
            Ok((status, _)) if (200..300).contains(&status) => {}
            // A refusal is an answer, not a failure: the run goes on without pushing.
            Ok((401 | 403, _)) => {
                tracing::info!(
                    "not pushing the run's state to the server: that needs a key with the admin role"
                );
                return;
            }
            Ok((status, _)) if (400..500).contains(&status) => {
                tracing::info!(
                    status,
                    "not pushing the run's state: the target does not take load-run reports"
                );
                return;
            }
            Ok((status, _)) if !warned => {
                warned = true;
                tracing::warn!(status, "pushing the run's state failed; carrying on");
            }
            Err(why) if !warned => {
                warned = true;
                tracing::warn!(%why, "pushing the run's state failed; carrying on");
            }
            _ => {}
        }
        if last {
            return;
        }
    }
}
