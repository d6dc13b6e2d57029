//! The load-test report document (`--report-json`): summary, thresholds, generator honesty,
//! per-tag breakdown, time series and the run's histograms, so that reports of runs made on
//! several machines merge exactly. `bp-load` fills it in and merges it; this crate only
//! defines it and renders it, so every rendering reads the same figures.

mod analysis;

pub use analysis::{AnalysisReport, BreakingPoint, Degradation, SpikeRecovery, TrendTest, UslFit};

use crate::Error;
use bp_metrics::{LatencyHistogram, Precision};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of this JSON layout; bump on incompatible changes. 2: histograms are
/// `bp-metrics` histograms (`{"precision", "v2"}`, 1 µs ..= 60 s) instead of bare V2 strings.
pub const SCHEMA_VERSION: u32 = 2;

/// The value at quantile `q` (0..=1) in milliseconds; 0 when the histogram is empty.
pub fn quantile_ms(h: &LatencyHistogram, q: f64) -> f64 {
    h.quantile_us(q).map_or(0.0, us_to_ms)
}

fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Rounded to the microsecond, so reports do not carry float noise.
fn round_ms(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

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
    /// Milliseconds, read from the histogram (zeros when it is empty).
    pub fn of(h: &LatencyHistogram) -> LatencySummary {
        let q = |q: f64| round_ms(quantile_ms(h, q));
        LatencySummary {
            p50: q(0.50),
            p90: q(0.90),
            p95: q(0.95),
            p99: q(0.99),
            max: round_ms(h.max_us().map_or(0.0, us_to_ms)),
            min: round_ms(h.min_us().map_or(0.0, us_to_ms)),
            mean: round_ms(h.mean_us().unwrap_or(0.0) / 1000.0),
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
    pub histogram: LatencyHistogram,
}

/// A histogram kept in its stored form, V2-encoded: the JSON is exactly a
/// [`LatencyHistogram`]'s, but a run holds one per time-series window, and live buckets
/// (~19 KiB each) would make the generator's memory grow with the run's length, where the
/// encoding of a window's counts takes a few hundred bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackedHistogram {
    precision: Precision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v2: Option<String>,
}

impl PackedHistogram {
    /// Goes through `bp-metrics`' own serialisation, so the layout check on the way back is
    /// its own too. Serialising a histogram within its bounds does not fail; if it ever did,
    /// the window would read as empty rather than abort the run.
    pub fn pack(h: &LatencyHistogram) -> PackedHistogram {
        serde_json::to_value(h)
            .and_then(serde_json::from_value)
            .unwrap_or(PackedHistogram {
                precision: h.precision(),
                v2: None,
            })
    }

    /// The live histogram; an error when the encoding is not one of ours.
    pub fn unpack(&self) -> Result<LatencyHistogram, Error> {
        serde_json::to_value(self)
            .and_then(serde_json::from_value)
            .map_err(|e| Error::InvalidReport(format!("a window's histogram: {e}")))
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
    pub histogram: PackedHistogram,
}

/// Counts of one window, besides its histogram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowCounts {
    pub users: u64,
    pub requests: u64,
    pub errors: u64,
    pub dropped: u64,
}

impl WindowPoint {
    pub fn new(
        t_s: f64,
        window_s: f64,
        counts: WindowCounts,
        histogram: &LatencyHistogram,
    ) -> WindowPoint {
        WindowPoint {
            t_s,
            window_s,
            users: counts.users,
            requests: counts.requests,
            errors: counts.errors,
            dropped: counts.dropped,
            rps: if window_s > 0.0 {
                counts.requests as f64 / window_s
            } else {
                0.0
            },
            p50_ms: quantile_ms(histogram, 0.50),
            p95_ms: quantile_ms(histogram, 0.95),
            p99_ms: quantile_ms(histogram, 0.99),
            histogram: PackedHistogram::pack(histogram),
        }
    }

    pub fn error_rate(&self) -> f64 {
        ratio(self.errors, self.requests)
    }
}

/// One reading of the server's resident memory during the run (when the target is a
/// BetterPrompts server and the profile analyses degradation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MemoryPoint {
    /// Seconds from the run's start.
    pub t_s: f64,
    pub bytes: u64,
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

/// One threshold's verdict, as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub expr: String,
    pub ok: bool,
    /// The observed value (`null` when there was nothing to measure).
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histograms {
    /// Every request's latency (3 significant digits), µs.
    pub latency: LatencyHistogram,
    pub schedule_lag: LatencyHistogram,
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
    /// The server's resident memory over the run, when it was sampled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server_memory: Vec<MemoryPoint>,
    pub histograms: Histograms,
}

impl Report {
    /// Pretty JSON. Serialising plain data (and histograms within their bounds) cannot fail;
    /// should it ever, the error says so instead of writing an empty file.
    pub fn to_json(&self) -> Result<String, Error> {
        serde_json::to_string_pretty(self).map_err(|e| Error::InvalidReport(e.to_string()))
    }

    /// Parses a report and refuses other layouts (their histograms would not merge exactly).
    pub fn from_json(text: &str) -> Result<Report, Error> {
        let version: Option<u32> = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("schema_version")?.as_u64())
            .and_then(|v| u32::try_from(v).ok());
        if let Some(v) = version.filter(|v| *v != SCHEMA_VERSION) {
            return Err(Error::InvalidReport(format!(
                "schema version {v} is not {SCHEMA_VERSION}"
            )));
        }
        serde_json::from_str(text).map_err(|e| Error::InvalidReport(e.to_string()))
    }

    /// The thresholds that failed.
    pub fn failed_thresholds(&self) -> impl Iterator<Item = &Verdict> {
        self.thresholds.iter().filter(|v| !v.ok)
    }
}
