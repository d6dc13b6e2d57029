//! The run's report (`--report-json`): summary, thresholds, generator honesty, per-tag
//! breakdown, time series and the serialised histograms, so that reports of runs made on
//! several machines merge exactly ([`Report::merge`]).

mod build;
mod merge;

pub use build::RunFacts;
pub(crate) use build::observed;

use crate::analysis::AnalysisReport;
use crate::hist::Histogram;
use crate::recorder::Stats;
use crate::threshold::Verdict;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of this JSON layout; bump on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub min: f64,
    pub mean: f64,
}

impl LatencySummary {
    pub fn of(h: &Histogram) -> LatencySummary {
        let round = |v: f64| (v * 1000.0).round() / 1000.0;
        LatencySummary {
            p50: round(h.quantile_ms(0.50)),
            p90: round(h.quantile_ms(0.90)),
            p95: round(h.quantile_ms(0.95)),
            p99: round(h.quantile_ms(0.99)),
            max: round(if h.is_empty() { 0.0 } else { h.max_ms() }),
            min: round(if h.is_empty() { 0.0 } else { h.min_ms() }),
            mean: round(if h.is_empty() { 0.0 } else { h.mean_ms() }),
        }
    }
}

/// Figures of the requests with one tag value (an endpoint or a region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagSummary {
    pub requests: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub latency_ms: LatencySummary,
    pub technique_accuracy: Option<f64>,
}

impl TagSummary {
    pub fn of(stats: &Stats) -> TagSummary {
        TagSummary {
            requests: stats.requests,
            errors: stats.errors,
            error_rate: ratio(stats.errors, stats.requests),
            latency_ms: LatencySummary::of(&stats.latency),
            technique_accuracy: stats.accuracy(),
        }
    }
}

/// The finest breakdown: one scenario × endpoint, with its histogram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub scenario: String,
    pub region: Option<String>,
    pub endpoint: String,
    pub requests: u64,
    pub errors: u64,
    pub technique_checked: u64,
    pub technique_correct: u64,
    pub latency_ms: LatencySummary,
    /// HdrHistogram V2, base64, microseconds.
    pub histogram: String,
}

impl Cell {
    pub fn stats(&self) -> Result<Stats, crate::hist::HistogramError> {
        Ok(Stats {
            latency: Histogram::from_base64(&self.histogram)?,
            requests: self.requests,
            errors: self.errors,
            checked: self.technique_checked,
            correct: self.technique_correct,
        })
    }
}

/// One time-series window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowPoint {
    /// Window start, seconds from the run's start.
    pub t_s: f64,
    pub window_s: f64,
    /// Active users (closed) plus in-flight requests (open) at the window's end.
    pub users: u64,
    pub requests: u64,
    pub errors: u64,
    /// Open-model arrivals dropped in this window.
    pub dropped: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub histogram: String,
}

impl WindowPoint {
    pub fn new(t_s: f64, window_s: f64, stats: &Stats, dropped: u64, users: u64) -> WindowPoint {
        WindowPoint {
            t_s,
            window_s,
            users,
            requests: stats.requests,
            errors: stats.errors,
            dropped,
            rps: if window_s > 0.0 {
                stats.requests as f64 / window_s
            } else {
                0.0
            },
            p50_ms: stats.latency.quantile_ms(0.50),
            p95_ms: stats.latency.quantile_ms(0.95),
            p99_ms: stats.latency.quantile_ms(0.99),
            histogram: stats.latency.to_base64(),
        }
    }

    pub fn error_rate(&self) -> f64 {
        ratio(self.errors, self.requests)
    }
}

/// The load generator's own cost: is it measuring the server or itself?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratorReport {
    /// CPU time of the generator process.
    pub cpu_s: f64,
    /// Percent of one core over the run.
    pub cpu_percent: f64,
    pub cpu_us_per_request: f64,
    /// Above ~80 % of its cores: the figures may describe the generator, not the server.
    pub generator_bound: bool,
    pub threads: usize,
    /// How late the generator's own timers started iterations (not waits for a free user).
    pub schedule_lag_ms: LatencySummary,
    pub max_rss_bytes: u64,
    pub virtual_users: u64,
}

/// Open-model iteration bookkeeping.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Iterations {
    /// Started more than 10 ms after they were due (generator lag, or every user busy).
    pub late: u64,
    /// Skipped: could not start within the allowed lateness.
    pub dropped: u64,
    /// Still in flight when the run was cut.
    pub interrupted: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histograms {
    /// Every request's latency (3 significant digits), V2 + base64, µs.
    pub latency: String,
    pub schedule_lag: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub profile: String,
    pub target: String,
    pub mix: String,
    pub planned_duration_s: f64,
    pub duration_s: f64,
    pub requests: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub throughput_rps: f64,
    pub latency_ms: LatencySummary,
    /// Share of enhance/batch responses whose primary technique the labels accept.
    pub technique_accuracy: Option<f64>,
    pub technique_checked: u64,
    pub technique_correct: u64,
    pub iterations: Iterations,
    pub errors_by_kind: BTreeMap<String, u64>,
    pub thresholds: Vec<Verdict>,
    pub thresholds_ok: bool,
    /// Why the run ended before its plan did, if it did.
    pub stopped_early: Option<String>,
    pub generator: GeneratorReport,
    pub by_endpoint: BTreeMap<String, TagSummary>,
    pub by_region: BTreeMap<String, TagSummary>,
    pub breakdown: Vec<Cell>,
    pub analysis: Option<AnalysisReport>,
    pub time_series: Vec<WindowPoint>,
    pub histograms: Histograms,
}

impl Report {
    /// The process exit code of this verdict: 0 all thresholds hold, 99 one failed.
    pub fn exit_code(&self) -> u8 {
        if self.thresholds_ok {
            crate::EXIT_OK
        } else {
            crate::EXIT_THRESHOLD_FAILED
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Report, crate::Error> {
        let report: Report =
            serde_json::from_str(text).map_err(|e| crate::Error::InvalidReport(e.to_string()))?;
        if report.schema_version != SCHEMA_VERSION {
            return Err(crate::Error::InvalidReport(format!(
                "schema version {} is not {SCHEMA_VERSION}",
                report.schema_version
            )));
        }
        Ok(report)
    }

    /// The run's whole latency histogram.
    pub fn latency_histogram(&self) -> Result<Histogram, crate::Error> {
        Histogram::from_base64(&self.histograms.latency)
            .map_err(|e| crate::Error::InvalidReport(e.to_string()))
    }

    /// One human-readable paragraph for the terminal.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} requests in {:.1} s ({:.1} req/s), errors {} ({:.3} %)\nlatency ms: p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2}\n",
            self.requests,
            self.duration_s,
            self.throughput_rps,
            self.errors,
            self.error_rate * 100.0,
            self.latency_ms.p50,
            self.latency_ms.p95,
            self.latency_ms.p99,
            self.latency_ms.max,
        );
        if let Some(a) = self.technique_accuracy {
            out.push_str(&format!("technique accuracy {:.1} %\n", a * 100.0));
        }
        let g = &self.generator;
        out.push_str(&format!(
            "generator: {:.1} % CPU, {:.1} us CPU/request, schedule lag p99 {:.2} ms, max RSS {:.1} MiB{}\n",
            g.cpu_percent,
            g.cpu_us_per_request,
            g.schedule_lag_ms.p99,
            g.max_rss_bytes as f64 / (1024.0 * 1024.0),
            if g.generator_bound { "  GENERATOR-BOUND: figures may describe the generator" } else { "" },
        ));
        if self.iterations.dropped > 0 || self.iterations.late > 0 {
            out.push_str(&format!(
                "iterations: {} late, {} dropped\n",
                self.iterations.late, self.iterations.dropped
            ));
        }
        if let Some(a) = &self.analysis {
            out.push_str(&a.summary());
        }
        if let Some(why) = &self.stopped_early {
            out.push_str(&format!("stopped early: {why}\n"));
        }
        for v in &self.thresholds {
            let value = v.value.map_or("n/a".to_owned(), |x| format!("{x:.4}"));
            let mark = if v.ok { "ok  " } else { "FAIL" };
            out.push_str(&format!("{mark} {}  (observed {value})\n", v.expr));
        }
        out
    }
}

pub(crate) fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
