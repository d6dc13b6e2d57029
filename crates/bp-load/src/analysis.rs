//! What the stress, spike and sustained profiles report beyond the usual figures, computed
//! from the time series: the breaking point, the recovery time after each spike, and the
//! degradation trend with a significance test.

use crate::profile::Analysis;
use crate::trend::mann_kendall;
use bp_metrics::{LatencyHistogram, Precision};
use bp_report::model::{
    AnalysisReport, BreakingPoint, Degradation, SpikeRecovery, TrendTest, quantile_ms,
};
use bp_report::model::{MemoryPoint, WindowPoint};
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

/// The profile's analysis over the run's series (and the server's memory, when sampled).
pub fn analyse(
    kind: &Analysis,
    series: &[WindowPoint],
    server_memory: &[MemoryPoint],
) -> Option<AnalysisReport> {
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
            server_memory,
            from.as_secs_f64(),
        ))),
    }
}

/// The same analysis over another series (of merged reports).
pub fn recompute(
    report: &AnalysisReport,
    series: &[WindowPoint],
    server_memory: &[MemoryPoint],
) -> AnalysisReport {
    let kind = match report {
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
    analyse(&kind, series, server_memory).unwrap_or_else(|| report.clone())
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
        usl: usl_of_windows(series),
    }
}

/// The USL through the full windows' (requests in flight, req/s), in flight by Little's
/// law: rate × mean latency. Windows where most requests failed are left out (a server
/// answering errors fast is not throughput).
fn usl_of_windows(series: &[WindowPoint]) -> Option<bp_report::model::UslFit> {
    let points: Vec<(f64, f64)> = full_windows(series)
        .filter(|p| p.requests > 0 && p.error_rate() < 0.5)
        .filter_map(|p| {
            let mean_s = p.histogram.unpack().ok()?.mean_us()? / 1e6;
            Some((p.rps * mean_s, p.rps))
        })
        .collect();
    crate::usl::fit(&points)
}

/// p95 of the merged windows that lie within `[from, to)`.
fn p95_between(series: &[WindowPoint], from: f64, to: f64) -> f64 {
    let mut h = LatencyHistogram::new(Precision::Series);
    for p in series
        .iter()
        .filter(|p| p.t_s >= from && p.t_s + p.window_s <= to + 1e-9)
    {
        // Our own encoding: it only fails to decode if the report was tampered with.
        if let Ok(w) = p.histogram.unpack() {
            h.merge(&w);
        }
    }
    quantile_ms(&h, 0.95)
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

fn degradation(series: &[WindowPoint], server_memory: &[MemoryPoint], from_s: f64) -> Degradation {
    let windows: Vec<&WindowPoint> = series.iter().filter(|p| p.t_s >= from_s).collect();
    let per_bucket = windows.len().div_ceil(TREND_BUCKETS).max(1);
    let mut p95 = Vec::new();
    let mut errors = Vec::new();
    for bucket in windows.chunks(per_bucket) {
        let mut h = LatencyHistogram::new(Precision::Series);
        let (mut requests, mut errs) = (0, 0);
        for p in bucket {
            if let Ok(w) = p.histogram.unpack() {
                h.merge(&w);
            }
            requests += p.requests;
            errs += p.errors;
        }
        if requests == 0 {
            continue;
        }
        let t = bucket[0].t_s;
        p95.push((t, quantile_ms(&h, 0.95)));
        errors.push((t, errs as f64 / requests as f64));
    }
    // Memory readings are gauges: a bucket's mean stands for it.
    let readings: Vec<&MemoryPoint> = server_memory.iter().filter(|m| m.t_s >= from_s).collect();
    let memory: Vec<(f64, f64)> = readings
        .chunks(readings.len().div_ceil(TREND_BUCKETS).max(1))
        .map(|bucket| {
            let sum: f64 = bucket.iter().map(|m| m.bytes as f64).sum();
            (bucket[0].t_s, sum / bucket.len() as f64)
        })
        .collect();
    let p95_test = mann_kendall(&p95);
    let error_test = mann_kendall(&errors);
    let memory_test = mann_kendall(&memory);
    let errors_degrading = error_test
        .as_ref()
        .is_some_and(|t| t.significant && t.tau > 0.0);
    Degradation {
        from_s,
        degrading: material_rise(p95_test.as_ref(), &p95)
            || material_rise(memory_test.as_ref(), &memory)
            || errors_degrading,
        p95: p95_test,
        error_rate: error_test,
        server_memory: memory_test,
    }
}

/// A significant upward trend that adds more than 10 % of the typical (median) value over
/// the analysed span: a slow drift that matters, not noise and not a rounding-level creep.
fn material_rise(test: Option<&TrendTest>, points: &[(f64, f64)]) -> bool {
    let span_s = points.last().map_or(0.0, |l| l.0) - points.first().map_or(0.0, |f| f.0);
    let mut sorted: Vec<f64> = points.iter().map(|p| p.1).collect();
    sorted.sort_by(f64::total_cmp);
    let typical = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    test.is_some_and(|t| {
        t.significant && t.slope_per_s > 0.0 && t.slope_per_s * span_s > 0.1 * typical
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::Stats;

    /// A one-second window with `requests` at `latency_ms` each and `errors` of them failed.
    fn window(t_s: f64, requests: u64, latency_ms: f64, errors: u64) -> WindowPoint {
        let mut stats = Stats::new(Precision::Series);
        for _ in 0..requests {
            stats.latency.record_us((latency_ms * 1000.0) as u64);
        }
        stats.requests = requests;
        stats.errors = errors;
        crate::report::window_point(t_s, 1.0, &stats, 0, 10)
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
        let d = degradation(&rising, &[], 0.0);
        assert!(d.degrading, "{d:?}");
        assert!(d.p95.unwrap().significant);
        assert_eq!(d.server_memory, None);
        let flat: Vec<WindowPoint> = (0..60)
            .map(|i| window(f64::from(i), 100, 10.0 + f64::from(i % 3), 0))
            .collect();
        assert!(!degradation(&flat, &[], 0.0).degrading);
        let report = analyse(
            &Analysis::Degradation {
                from: Duration::ZERO,
            },
            &rising,
            &[],
        )
        .unwrap();
        assert_eq!(recompute(&report, &rising, &[]), report);
    }

    #[test]
    fn a_growing_server_memory_is_degradation_and_a_steady_one_is_not() {
        let flat: Vec<WindowPoint> = (0..60)
            .map(|i| window(f64::from(i), 100, 10.0 + f64::from(i % 3), 0))
            .collect();
        let mib = 1024 * 1024;
        // 100 MiB growing by 1 MiB a second: +59 % over the run, a leak.
        let leaking: Vec<MemoryPoint> = (0..60_u32)
            .map(|i| MemoryPoint {
                t_s: f64::from(i),
                bytes: (100 + u64::from(i)) * mib,
            })
            .collect();
        let d = degradation(&flat, &leaking, 0.0);
        assert!(d.degrading, "{d:?}");
        let memory = d.server_memory.unwrap();
        assert!(memory.significant && memory.tau > 0.9, "{memory:?}");
        assert!((memory.slope_per_s - mib as f64).abs() < 1.0, "{memory:?}");
        // Steady with a sawtooth from the allocator: no trend.
        let steady: Vec<MemoryPoint> = (0..60_u32)
            .map(|i| MemoryPoint {
                t_s: f64::from(i),
                bytes: (100 + u64::from(i % 4)) * mib,
            })
            .collect();
        let d = degradation(&flat, &steady, 0.0);
        assert!(!d.degrading, "{d:?}");
        assert!(d.server_memory.is_some());
    }
}
