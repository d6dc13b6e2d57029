//! What the stress, spike and sustained profiles report beyond the usual figures, computed
//! from the time series: the breaking point, the recovery time after each spike, and the
//! degradation trend with a significance test.

use crate::hist::{Histogram, Precision};
use crate::profile::Analysis;
use crate::report::WindowPoint;
use crate::trend::{TrendTest, mann_kendall};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The SLA a window must meet to count as "holding".
const SLA_P95_MS: f64 = 200.0;
const SLA_P99_MS: f64 = 500.0;
const SLA_ERROR_RATE: f64 = 0.001;
/// Consecutive bad windows that make a break (one bad window is noise).
const BREAK_WINDOWS: usize = 3;
/// Trend analysis merges windows into at most this many buckets.
const TREND_BUCKETS: usize = 120;

/// Whether a window met the SLA (and the generator kept up with its schedule).
fn holds(p: &WindowPoint) -> bool {
    let attempted = p.requests + p.dropped;
    if attempted == 0 {
        // Users were waiting on a server that answered nothing.
        return p.users == 0;
    }
    p.p95_ms < SLA_P95_MS
        && p.p99_ms < SLA_P99_MS
        && p.error_rate() < SLA_ERROR_RATE
        && (p.dropped as f64) < 0.01 * attempted as f64
}

/// Watches windows as they close; says when the SLA has broken for good.
#[derive(Debug, Default)]
pub struct BreakDetector {
    bad_in_a_row: usize,
}

impl BreakDetector {
    pub fn observe(&mut self, point: Option<&WindowPoint>) -> bool {
        let Some(p) = point else { return false };
        if holds(p) {
            self.bad_in_a_row = 0;
        } else {
            self.bad_in_a_row += 1;
        }
        self.bad_in_a_row >= BREAK_WINDOWS
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnalysisReport {
    BreakingPoint(BreakingPoint),
    Recovery { spikes: Vec<SpikeRecovery> },
    Degradation(Degradation),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakingPoint {
    pub broke: bool,
    /// Start of the first of the bad windows.
    pub at_s: Option<f64>,
    /// Users (closed) or in-flight requests (open) when it broke.
    pub users_at_break: Option<u64>,
    /// The highest throughput of any full window: what the service delivered at saturation,
    /// comparable with the maximum rate a closed tool like wrk measures (BENCHMARKS.md B10).
    pub breaking_point_rps: f64,
    /// The highest throughput of a window that still met the SLA, before the break.
    pub capacity_at_sla_rps: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpikeRecovery {
    pub start_s: f64,
    pub end_s: f64,
    /// p95 of the windows before the spike.
    pub baseline_p95_ms: f64,
    pub peak_p95_ms: f64,
    /// From the spike's end until the p95 is back near the baseline (within 1.5× or +5 ms)
    /// with errors under the SLA for 3 windows; `None` if it never was.
    pub recovery_s: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Degradation {
    pub from_s: f64,
    pub p95: Option<TrendTest>,
    pub error_rate: Option<TrendTest>,
    /// p95 rising significantly by more than 10 % over the analysed span, or error rate rising
    /// significantly.
    pub degrading: bool,
}

/// The profile's analysis over the run's series.
pub fn analyse(kind: &Analysis, series: &[WindowPoint]) -> Option<AnalysisReport> {
    match kind {
        Analysis::None => None,
        Analysis::BreakingPoint => Some(AnalysisReport::BreakingPoint(breaking_point(series))),
        Analysis::Recovery { spikes } => Some(AnalysisReport::Recovery {
            spikes: spikes
                .iter()
                .map(|(a, b)| recovery(series, a.as_secs_f64(), b.as_secs_f64()))
                .collect(),
        }),
        Analysis::Degradation { from } => Some(AnalysisReport::Degradation(degradation(
            series,
            from.as_secs_f64(),
        ))),
    }
}

impl AnalysisReport {
    /// The same analysis over another series (of merged reports).
    pub fn recompute(&self, series: &[WindowPoint]) -> AnalysisReport {
        let kind = match self {
            AnalysisReport::BreakingPoint(_) => Analysis::BreakingPoint,
            AnalysisReport::Recovery { spikes } => Analysis::Recovery {
                spikes: spikes
                    .iter()
                    .map(|s| (secs(s.start_s), secs(s.end_s)))
                    .collect(),
            },
            AnalysisReport::Degradation(d) => Analysis::Degradation {
                from: secs(d.from_s),
            },
        };
        analyse(&kind, series).unwrap_or_else(|| self.clone())
    }

    pub fn summary(&self) -> String {
        match self {
            AnalysisReport::BreakingPoint(b) => match b.at_s {
                Some(at) => format!(
                    "breaking point: {:.0} req/s; the SLA broke at {at:.1} s with {} users in flight (highest rate with the SLA held: {:.0} req/s)\n",
                    b.breaking_point_rps,
                    b.users_at_break.unwrap_or(0),
                    b.capacity_at_sla_rps,
                ),
                None => format!(
                    "breaking point: not reached; the SLA held up to {:.0} req/s\n",
                    b.breaking_point_rps
                ),
            },
            AnalysisReport::Recovery { spikes } => spikes
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let rec = s.recovery_s.map_or("not recovered".to_owned(), |r| {
                        format!("recovered in {r:.1} s")
                    });
                    format!(
                        "spike {}: p95 {:.2} ms -> peak {:.2} ms, {rec}\n",
                        i + 1,
                        s.baseline_p95_ms,
                        s.peak_p95_ms
                    )
                })
                .collect(),
            AnalysisReport::Degradation(d) => {
                let describe = |t: &Option<TrendTest>| {
                    t.as_ref().map_or("n/a".to_owned(), |t| {
                        format!(
                            "tau {:.2}, p {:.3}, slope {:.4}/min",
                            t.tau,
                            t.p_value,
                            t.slope_per_s * 60.0
                        )
                    })
                };
                format!(
                    "degradation: {} (p95 trend {}; error-rate trend {})\n",
                    if d.degrading { "YES" } else { "none" },
                    describe(&d.p95),
                    describe(&d.error_rate)
                )
            }
        }
    }
}

fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s.max(0.0)).unwrap_or_default()
}

/// Windows cut short (the last one of a run) give noisy rates: leave them out of maxima.
fn full_windows(series: &[WindowPoint]) -> impl Iterator<Item = &WindowPoint> {
    let mut lengths: Vec<f64> = series.iter().map(|p| p.window_s).collect();
    lengths.sort_by(f64::total_cmp);
    let nominal = lengths.get(lengths.len() / 2).copied().unwrap_or(0.0);
    series.iter().filter(move |p| p.window_s >= 0.5 * nominal)
}

fn breaking_point(series: &[WindowPoint]) -> BreakingPoint {
    let breaking_point_rps = full_windows(series).map(|p| p.rps).fold(0.0, f64::max);
    let mut bad = 0;
    let mut broke_at = None;
    for (i, p) in series.iter().enumerate() {
        bad = if holds(p) { 0 } else { bad + 1 };
        if bad >= BREAK_WINDOWS {
            broke_at = Some(i + 1 - BREAK_WINDOWS);
            break;
        }
    }
    let good_until = broke_at.unwrap_or(series.len());
    let capacity_at_sla_rps = full_windows(&series[..good_until])
        .filter(|p| holds(p))
        .map(|p| p.rps)
        .fold(0.0, f64::max);
    BreakingPoint {
        broke: broke_at.is_some(),
        at_s: broke_at.map(|i| series[i].t_s),
        users_at_break: broke_at.map(|i| series[i].users),
        breaking_point_rps,
        capacity_at_sla_rps,
    }
}

/// p95 of the merged windows that lie within `[from, to)`.
fn p95_between(series: &[WindowPoint], from: f64, to: f64) -> f64 {
    let mut h = Histogram::new(Precision::Window);
    for p in series
        .iter()
        .filter(|p| p.t_s >= from && p.t_s + p.window_s <= to + 1e-9)
    {
        if let Ok(w) = Histogram::from_base64(&p.histogram) {
            let _ = h.merge(&w);
        }
    }
    h.quantile_ms(0.95)
}

fn recovery(series: &[WindowPoint], start: f64, end: f64) -> SpikeRecovery {
    let span = end - start;
    let baseline_p95_ms = p95_between(series, (start - span).max(0.0), start);
    let peak_p95_ms = series
        .iter()
        .filter(|p| p.t_s >= start && p.t_s < end)
        .map(|p| p.p95_ms)
        .fold(0.0, f64::max);
    let near = |p: &WindowPoint| {
        p.p95_ms <= (baseline_p95_ms * 1.5).max(baseline_p95_ms + 5.0)
            && p.error_rate() < SLA_ERROR_RATE
    };
    let after: Vec<&WindowPoint> = series.iter().filter(|p| p.t_s >= end).collect();
    let recovery_s = (0..after.len())
        .find(|&i| {
            let run = &after[i..(i + BREAK_WINDOWS).min(after.len())];
            run.iter().all(|p| near(p))
        })
        .map(|i| after[i].t_s - end);
    SpikeRecovery {
        start_s: start,
        end_s: end,
        baseline_p95_ms,
        peak_p95_ms,
        recovery_s,
    }
}

fn degradation(series: &[WindowPoint], from_s: f64) -> Degradation {
    let windows: Vec<&WindowPoint> = series.iter().filter(|p| p.t_s >= from_s).collect();
    let per_bucket = windows.len().div_ceil(TREND_BUCKETS).max(1);
    let mut p95 = Vec::new();
    let mut errors = Vec::new();
    for bucket in windows.chunks(per_bucket) {
        let mut h = Histogram::new(Precision::Window);
        let (mut requests, mut errs) = (0, 0);
        for p in bucket {
            if let Ok(w) = Histogram::from_base64(&p.histogram) {
                let _ = h.merge(&w);
            }
            requests += p.requests;
            errs += p.errors;
        }
        if requests == 0 {
            continue;
        }
        let t = bucket[0].t_s;
        p95.push((t, h.quantile_ms(0.95)));
        errors.push((t, errs as f64 / requests as f64));
    }
    let p95_test = mann_kendall(&p95);
    let error_test = mann_kendall(&errors);
    let span_s = p95.last().map_or(0.0, |l| l.0) - p95.first().map_or(0.0, |f| f.0);
    let mut sorted: Vec<f64> = p95.iter().map(|p| p.1).collect();
    sorted.sort_by(f64::total_cmp);
    let typical = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let p95_degrading = p95_test.as_ref().is_some_and(|t| {
        t.significant && t.slope_per_s > 0.0 && t.slope_per_s * span_s > 0.1 * typical
    });
    let errors_degrading = error_test
        .as_ref()
        .is_some_and(|t| t.significant && t.tau > 0.0);
    Degradation {
        from_s,
        p95: p95_test,
        error_rate: error_test,
        degrading: p95_degrading || errors_degrading,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::Stats;

    /// A one-second window with `requests` at `latency_ms` each and `errors` of them failed.
    fn window(t_s: f64, requests: u64, latency_ms: f64, errors: u64) -> WindowPoint {
        let mut stats = Stats::new(Precision::Window);
        for _ in 0..requests {
            stats.latency.record_us((latency_ms * 1000.0) as u64);
        }
        stats.requests = requests;
        stats.errors = errors;
        WindowPoint::new(t_s, 1.0, &stats, 0, 10)
    }

    #[test]
    fn breaking_point_is_the_saturation_rate_and_one_bad_window_is_noise() {
        let mut series: Vec<WindowPoint> = (0..10)
            .map(|i: u32| window(f64::from(i), 100 * u64::from(i + 1), 5.0, 0))
            .collect();
        series.push(window(10.0, 1050, 400.0, 0)); // one bad window: noise
        series.push(window(11.0, 1100, 5.0, 0));
        series.extend((12..16).map(|i| window(f64::from(i), 1200, 450.0, 0)));
        let b = breaking_point(&series);
        assert!(b.broke);
        assert_eq!(b.at_s, Some(12.0));
        assert_eq!(b.breaking_point_rps, 1200.0);
        assert_eq!(b.capacity_at_sla_rps, 1100.0);
        let mut detector = BreakDetector::default();
        let fired: Vec<bool> = series.iter().map(|p| detector.observe(Some(p))).collect();
        assert_eq!(fired.iter().position(|f| *f), Some(14));
        // Errors break the SLA too.
        let errors: Vec<WindowPoint> = (0..4).map(|i| window(f64::from(i), 1000, 1.0, 5)).collect();
        assert_eq!(breaking_point(&errors).at_s, Some(0.0));
    }

    #[test]
    fn recovery_is_timed_from_the_spike_end_back_to_the_baseline() {
        let mut series: Vec<WindowPoint> = (0..10)
            .map(|i| window(f64::from(i), 100, 10.0, 0))
            .collect();
        series.extend((10..20).map(|i| window(f64::from(i), 100, 80.0, 0))); // the spike
        series.extend((20..24).map(|i| window(f64::from(i), 100, 40.0, 0))); // still slow
        series.extend((24..30).map(|i| window(f64::from(i), 100, 11.0, 0)));
        let r = recovery(&series, 10.0, 20.0);
        assert!((r.baseline_p95_ms - 10.0).abs() < 0.2, "{r:?}");
        assert!((r.peak_p95_ms - 80.0).abs() < 1.0, "{r:?}");
        assert_eq!(r.recovery_s, Some(4.0));
        let never = recovery(&series[..24], 10.0, 20.0);
        assert_eq!(never.recovery_s, None);
    }

    #[test]
    fn degradation_needs_a_significant_and_material_rise() {
        let rising: Vec<WindowPoint> = (0..60)
            .map(|i| window(f64::from(i), 100, 10.0 + f64::from(i) * 0.5, 0))
            .collect();
        let d = degradation(&rising, 0.0);
        assert!(d.degrading, "{d:?}");
        assert!(d.p95.unwrap().significant);
        let flat: Vec<WindowPoint> = (0..60)
            .map(|i| window(f64::from(i), 100, 10.0 + f64::from(i % 3), 0))
            .collect();
        assert!(!degradation(&flat, 0.0).degrading);
        let report = analyse(
            &Analysis::Degradation {
                from: Duration::ZERO,
            },
            &rising,
        )
        .unwrap();
        assert_eq!(report.recompute(&rising), report);
    }
}
