//! Building a [`Report`] from what the executor measured, and evaluating thresholds over
//! the tagged breakdown (shared with the merge).

use super::{
    Cell, GeneratorReport, Histograms, Iterations, LatencySummary, MemoryPoint, Report,
    SCHEMA_VERSION, TagSummary, WindowPoint, tag_summary,
};
use crate::mix::{Endpoint, Mix};
use crate::profile::Plan;
use crate::recorder::{Stats, Totals};
use crate::selfcheck::CpuUsage;
use crate::target::Target;
use crate::threshold::{Observed, TagKey, Threshold, Verdict};
use bp_metrics::Precision;
use bp_report::model::ratio;
use std::collections::BTreeMap;
use std::time::Duration;

/// Above this share of its cores the generator is the bottleneck.
const GENERATOR_BOUND_PERCENT: f64 = 80.0;

/// What the executor hands over at the end of a run.
pub struct RunFacts<'a> {
    pub plan: &'a Plan,
    pub target: &'a Target,
    pub mix: &'a Mix,
    pub totals: Totals,
    pub series: Vec<WindowPoint>,
    /// The server's resident memory over the run, when it was sampled.
    pub server_memory: Vec<MemoryPoint>,
    pub duration: Duration,
    pub thresholds: &'a [Threshold],
    pub stopped: Option<String>,
    pub interrupted: u64,
    pub cpu: CpuUsage,
    pub threads: usize,
    pub vus: u64,
}

/// Stats of one scenario × endpoint with its tags.
pub(crate) struct Tagged {
    pub scenario: String,
    pub region: Option<String>,
    pub endpoint: String,
    pub stats: Stats,
}

impl Tagged {
    fn matches(&self, filter: &[(TagKey, String)]) -> bool {
        filter.iter().all(|(key, value)| match key {
            TagKey::Region => self.region.as_deref() == Some(value.as_str()),
            TagKey::Endpoint => self.endpoint == *value,
            TagKey::Scenario => self.scenario == *value,
        })
    }
}

/// Verdicts of `thresholds`: unfiltered ones against `all`, filtered ones against the merge
/// of the matching cells.
pub(crate) fn evaluate(
    thresholds: &[Threshold],
    all: &Stats,
    cells: &[Tagged],
    duration_s: f64,
) -> Vec<Verdict> {
    thresholds
        .iter()
        .map(|t| {
            let stats = if t.filter.is_empty() {
                all.clone()
            } else {
                let mut merged = Stats::new(Precision::Total);
                for c in cells.iter().filter(|c| c.matches(&t.filter)) {
                    merged.merge(&c.stats);
                }
                merged
            };
            t.verdict(&observed(&stats, duration_s))
        })
        .collect()
}

pub(crate) fn observed(stats: &Stats, duration_s: f64) -> Observed {
    Observed {
        latency: stats.latency.clone(),
        requests: stats.requests,
        errors: stats.errors,
        duration_s,
        accuracy: stats.accuracy(),
    }
}

/// Per-endpoint and per-region summaries from the cells.
pub(crate) fn summaries(
    cells: &[Tagged],
) -> (BTreeMap<String, TagSummary>, BTreeMap<String, TagSummary>) {
    let mut by_endpoint: BTreeMap<String, Stats> = BTreeMap::new();
    let mut by_region: BTreeMap<String, Stats> = BTreeMap::new();
    for c in cells.iter().filter(|c| c.stats.requests > 0) {
        by_endpoint
            .entry(c.endpoint.clone())
            .or_insert_with(|| Stats::new(Precision::Series))
            .merge(&c.stats);
        if let Some(region) = &c.region {
            by_region
                .entry(region.clone())
                .or_insert_with(|| Stats::new(Precision::Series))
                .merge(&c.stats);
        }
    }
    let summarise =
        |m: BTreeMap<String, Stats>| m.into_iter().map(|(k, s)| (k, tag_summary(&s))).collect();
    (summarise(by_endpoint), summarise(by_region))
}

pub(crate) fn cells_of(tagged: &[Tagged]) -> Vec<Cell> {
    tagged
        .iter()
        .filter(|c| c.stats.requests > 0)
        .map(|c| Cell {
            scenario: c.scenario.clone(),
            region: c.region.clone(),
            endpoint: c.endpoint.clone(),
            requests: c.stats.requests,
            errors: c.stats.errors,
            technique_checked: c.stats.checked,
            technique_correct: c.stats.correct,
            latency_ms: LatencySummary::of(&c.stats.latency),
            histogram: c.stats.latency.clone(),
        })
        .collect()
}

/// The report of a finished run.
pub fn build(facts: RunFacts<'_>) -> Report {
    let t = &facts.totals;
    let duration_s = facts.duration.as_secs_f64();
    let tagged: Vec<Tagged> = facts
        .plan
        .scenarios
        .iter()
        .enumerate()
        .flat_map(|(i, s)| Endpoint::ALL.into_iter().map(move |e| (i, s, e)))
        .map(|(i, s, e)| Tagged {
            scenario: s.name.clone(),
            region: s.region.clone(),
            endpoint: e.as_str().to_owned(),
            stats: t.cell(i, e).clone(),
        })
        .collect();
    let thresholds = evaluate(facts.thresholds, &t.all, &tagged, duration_s);
    let (by_endpoint, by_region) = summaries(&tagged);
    let cpu_percent = if duration_s > 0.0 {
        facts.cpu.cpu_s / duration_s * 100.0
    } else {
        0.0
    };
    let analysis =
        crate::analysis::analyse(&facts.plan.analysis, &facts.series, &facts.server_memory);
    Report {
        schema_version: SCHEMA_VERSION,
        profile: facts.plan.name.clone(),
        target: format!(
            "http://{}{}",
            facts.target.authority, facts.target.base_path
        ),
        mix: facts.mix.to_string(),
        planned_duration_s: facts.plan.total().as_secs_f64(),
        duration_s,
        requests: t.all.requests,
        errors: t.all.errors,
        error_rate: ratio(t.all.errors, t.all.requests),
        throughput_rps: if duration_s > 0.0 {
            t.all.requests as f64 / duration_s
        } else {
            0.0
        },
        latency_ms: LatencySummary::of(&t.all.latency),
        technique_accuracy: t.all.accuracy(),
        technique_checked: t.all.checked,
        technique_correct: t.all.correct,
        iterations: Iterations {
            late: t.late,
            dropped: t.dropped,
            interrupted: facts.interrupted,
        },
        errors_by_kind: t.errors_by_kind.clone(),
        thresholds_ok: thresholds.iter().all(|v| v.ok),
        thresholds,
        stopped_early: facts.stopped,
        generator: GeneratorReport {
            cpu_s: facts.cpu.cpu_s,
            cpu_percent,
            cpu_us_per_request: if t.all.requests > 0 {
                facts.cpu.cpu_s * 1e6 / t.all.requests as f64
            } else {
                0.0
            },
            generator_bound: cpu_percent > GENERATOR_BOUND_PERCENT * facts.threads as f64,
            threads: facts.threads,
            schedule_lag_ms: LatencySummary::of(&t.lag),
            max_rss_bytes: facts.cpu.max_rss_bytes,
            virtual_users: facts.vus,
        },
        by_endpoint,
        by_region,
        breakdown: cells_of(&tagged),
        analysis,
        time_series: facts.series,
        server_memory: facts.server_memory,
        histograms: Histograms {
            latency: t.all.latency.clone(),
            schedule_lag: t.lag.clone(),
        },
    }
}
