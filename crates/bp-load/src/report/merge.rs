//! Merging reports of runs made at the same time (e.g. from several machines) into one:
//! counts add up, histograms merge exactly, percentiles are recomputed from the merged
//! histograms (never averaged), thresholds are evaluated again on the merged figures.

use super::build::{Tagged, cells_of, evaluate, summaries};
use super::{
    GeneratorReport, Histograms, Iterations, LatencySummary, MemoryPoint, Report, WindowPoint,
    cell_stats, window_point,
};
use crate::Error;
use crate::recorder::Stats;
use crate::threshold::Threshold;
use bp_metrics::{LatencyHistogram, Precision};
use bp_report::model::ratio;

/// Histograms of one layout (the report's schema pins it) merge exactly.
fn merged_histogram(a: &LatencyHistogram, b: &LatencyHistogram) -> LatencyHistogram {
    let mut h = a.clone();
    h.merge(b);
    h
}

fn tagged(report: &Report) -> Vec<Tagged> {
    report
        .breakdown
        .iter()
        .map(|c| Tagged {
            scenario: c.scenario.clone(),
            region: c.region.clone(),
            endpoint: c.endpoint.clone(),
            stats: cell_stats(c),
        })
        .collect()
}

/// `this` and `other` as one run: they are taken to have run concurrently, so the duration
/// is the longer of the two and throughputs add up.
pub fn merge(this: &Report, other: &Report) -> Result<Report, Error> {
    let latency = merged_histogram(&this.histograms.latency, &other.histograms.latency);
    let lag = merged_histogram(
        &this.histograms.schedule_lag,
        &other.histograms.schedule_lag,
    );
    let mut cells = tagged(this);
    for c in tagged(other) {
        match cells.iter_mut().find(|m| {
            (&m.scenario, &m.region, &m.endpoint) == (&c.scenario, &c.region, &c.endpoint)
        }) {
            Some(m) => m.stats.merge(&c.stats),
            None => cells.push(c),
        }
    }
    let requests = this.requests + other.requests;
    let errors = this.errors + other.errors;
    let checked = this.technique_checked + other.technique_checked;
    let correct = this.technique_correct + other.technique_correct;
    let duration_s = this.duration_s.max(other.duration_s);
    let all = Stats {
        latency: latency.clone(),
        requests,
        errors,
        checked,
        correct,
    };
    let mut expressions: Vec<String> = this.thresholds.iter().map(|v| v.expr.clone()).collect();
    for v in &other.thresholds {
        if !expressions.contains(&v.expr) {
            expressions.push(v.expr.clone());
        }
    }
    let thresholds: Vec<Threshold> = expressions
        .iter()
        .map(|e| Threshold::parse(e))
        .collect::<Result<_, _>>()?;
    let verdicts = evaluate(&thresholds, &all, &cells, duration_s);
    let (by_endpoint, by_region) = summaries(&cells);
    let time_series = merge_series(&this.time_series, &other.time_series)?;
    let mut server_memory: Vec<MemoryPoint> = this
        .server_memory
        .iter()
        .chain(&other.server_memory)
        .copied()
        .collect();
    server_memory.sort_by(|x, y| x.t_s.total_cmp(&y.t_s));
    let mut errors_by_kind = this.errors_by_kind.clone();
    for (k, n) in &other.errors_by_kind {
        *errors_by_kind.entry(k.clone()).or_default() += n;
    }
    let cpu_s = this.generator.cpu_s + other.generator.cpu_s;
    let analysis = this
        .analysis
        .as_ref()
        .map(|a| crate::analysis::recompute(a, &time_series, &server_memory));
    Ok(Report {
        schema_version: this.schema_version,
        profile: this.profile.clone(),
        target: this.target.clone(),
        mix: this.mix.clone(),
        planned_duration_s: this.planned_duration_s.max(other.planned_duration_s),
        duration_s,
        requests,
        errors,
        error_rate: ratio(errors, requests),
        throughput_rps: if duration_s > 0.0 {
            requests as f64 / duration_s
        } else {
            0.0
        },
        latency_ms: LatencySummary::of(&latency),
        technique_accuracy: all.accuracy(),
        technique_checked: checked,
        technique_correct: correct,
        iterations: Iterations {
            late: this.iterations.late + other.iterations.late,
            dropped: this.iterations.dropped + other.iterations.dropped,
            interrupted: this.iterations.interrupted + other.iterations.interrupted,
        },
        errors_by_kind,
        thresholds_ok: verdicts.iter().all(|v| v.ok),
        thresholds: verdicts,
        stopped_early: this
            .stopped_early
            .clone()
            .or_else(|| other.stopped_early.clone()),
        generator: GeneratorReport {
            cpu_s,
            // Each generator's share of its own machine; the merged run is bound if
            // either one was.
            cpu_percent: this.generator.cpu_percent.max(other.generator.cpu_percent),
            cpu_us_per_request: if requests > 0 {
                cpu_s * 1e6 / requests as f64
            } else {
                0.0
            },
            generator_bound: this.generator.generator_bound || other.generator.generator_bound,
            threads: this.generator.threads + other.generator.threads,
            schedule_lag_ms: LatencySummary::of(&lag),
            max_rss_bytes: this
                .generator
                .max_rss_bytes
                .max(other.generator.max_rss_bytes),
            virtual_users: this.generator.virtual_users + other.generator.virtual_users,
        },
        by_endpoint,
        by_region,
        breakdown: cells_of(&cells),
        analysis,
        time_series,
        server_memory,
        histograms: Histograms {
            latency,
            schedule_lag: lag,
        },
    })
}

/// Windows merge by position: runs started together have aligned windows.
fn merge_series(a: &[WindowPoint], b: &[WindowPoint]) -> Result<Vec<WindowPoint>, Error> {
    let n = a.len().max(b.len());
    (0..n)
        .filter_map(|i| match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => Some(merge_window(x, y)),
            (Some(x), None) | (None, Some(x)) => Some(Ok(x.clone())),
            (None, None) => None,
        })
        .collect()
}

fn merge_window(x: &WindowPoint, y: &WindowPoint) -> Result<WindowPoint, Error> {
    let mut stats = Stats::new(Precision::Series);
    stats.latency = merged_histogram(&x.histogram.unpack()?, &y.histogram.unpack()?);
    stats.requests = x.requests + y.requests;
    stats.errors = x.errors + y.errors;
    Ok(window_point(
        x.t_s.min(y.t_s),
        x.window_s.max(y.window_s),
        &stats,
        x.dropped + y.dropped,
        x.users + y.users,
    ))
}
