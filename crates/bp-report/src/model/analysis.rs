//! What the stress, spike and sustained profiles report beyond the usual figures: the
//! breaking point, the recovery after each spike, and the degradation trends. `bp-load`
//! computes them from the time series; here they are data.

use serde::{Deserialize, Serialize};

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
    /// Throughput against concurrency (requests in flight by Little's law, rate × mean
    /// latency) through the run's windows; `None` with too few distinct loads. Absent in
    /// reports written before it.
    #[serde(default)]
    pub usl: Option<UslFit>,
}

/// A Universal Scalability Law fit, X(N) = λN / (1 + σ(N−1) + κN(N−1)) (Gunther): N is the
/// load (requests in flight in a stress run, instances in a fleet-scaling run) and X the
/// throughput in req/s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UslFit {
    /// Throughput at N = 1.
    pub lambda: f64,
    /// Contention: the share of the work that serialises (0 = none).
    pub sigma: f64,
    /// Coherency: the cost of keeping the N parts in agreement, growing with N² (0 = none,
    /// and then no peak: throughput approaches λ/σ).
    pub kappa: f64,
    /// The N where throughput peaks, √((1−σ)/κ) (1 when σ ≥ 1); `None` when κ = 0 and
    /// σ < 1.
    pub peak_n: Option<f64>,
    /// The throughput there (or the asymptote λ/σ when there is no peak and σ > 0).
    pub peak_rps: Option<f64>,
    /// The points fitted.
    pub points: usize,
    /// R² of the fit of N/X, the form it is fitted in.
    pub r_squared: f64,
}

impl UslFit {
    /// With `peak_n` and `peak_rps` derived from λ, σ and κ.
    pub fn new(lambda: f64, sigma: f64, kappa: f64, points: usize, r_squared: f64) -> UslFit {
        let mut fit = UslFit {
            lambda,
            sigma,
            kappa,
            peak_n: None,
            peak_rps: None,
            points,
            r_squared,
        };
        if sigma >= 1.0 {
            // Each added unit of load costs more than it brings: the best is N = 1.
            fit.peak_n = Some(1.0);
            fit.peak_rps = Some(lambda);
        } else if kappa > 0.0 {
            let n = ((1.0 - sigma) / kappa).sqrt();
            fit.peak_n = Some(n);
            fit.peak_rps = Some(fit.throughput(n));
        } else if sigma > 0.0 {
            fit.peak_rps = Some(lambda / sigma);
        }
        fit
    }

    /// The predicted throughput at load `n`.
    pub fn throughput(&self, n: f64) -> f64 {
        self.lambda * n / (1.0 + self.sigma * (n - 1.0) + self.kappa * n * (n - 1.0))
    }

    /// The smallest whole N (at most `max_n`) predicted to deliver `target` req/s; `None`
    /// when beyond the peak (more only makes it worse) or `max_n`.
    pub fn needed_for(&self, target: f64, max_n: u32) -> Option<u32> {
        let last = self
            .peak_n
            .map_or(max_n, |p| (p.ceil() as u32).clamp(1, max_n));
        (1..=last).find(|&n| self.throughput(f64::from(n)) >= target)
    }

    /// One line for reports; `load` says what N counts.
    pub fn line(&self, load: &str) -> String {
        let peak = match (self.peak_n, self.peak_rps) {
            (Some(n), Some(x)) => format!("peak {x:.0} req/s at N = {n:.1}"),
            (None, Some(x)) => format!("no peak; approaches {x:.0} req/s"),
            _ => "no limit in sight".to_owned(),
        };
        format!(
            "USL fit (N = {load}) over {} points (R² {:.3}): λ = {:.1} req/s, σ = {:.4}, κ = {:.6}; {peak}",
            self.points, self.r_squared, self.lambda, self.sigma, self.kappa
        )
    }
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
    /// Trend of the server's resident memory (bytes), when it could be sampled.
    #[serde(default)]
    pub server_memory: Option<TrendTest>,
    /// p95 or server memory rising significantly by more than 10 % over the analysed span,
    /// or the error rate rising significantly.
    pub degrading: bool,
}

/// The result of a Mann-Kendall trend test over `(t, value)` points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendTest {
    pub n: usize,
    /// Kendall's tau: -1 (always falling) .. 1 (always rising).
    pub tau: f64,
    pub z: f64,
    /// Two-sided p-value of "no trend".
    pub p_value: f64,
    /// Sen's slope: median change per second.
    pub slope_per_s: f64,
    /// p < 0.05.
    pub significant: bool,
}

impl AnalysisReport {
    /// One line per finding, for the terminal and the HTML report.
    pub fn lines(&self) -> Vec<String> {
        match self {
            AnalysisReport::BreakingPoint(b) => vec![match b.at_s {
                Some(at) => format!(
                    "breaking point: {:.0} req/s; the SLA broke at {at:.1} s with {} users in flight (highest rate with the SLA held: {:.0} req/s)",
                    b.breaking_point_rps,
                    b.users_at_break.unwrap_or(0),
                    b.capacity_at_sla_rps,
                ),
                None => format!(
                    "breaking point: not reached; the SLA held up to {:.0} req/s",
                    b.breaking_point_rps
                ),
            }]
            .into_iter()
            .chain(b.usl.map(|u| u.line("requests in flight")))
            .collect(),
            AnalysisReport::Recovery { spikes } => spikes
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let rec = s.recovery_s.map_or("not recovered".to_owned(), |r| {
                        format!("recovered in {r:.1} s")
                    });
                    format!(
                        "spike {}: p95 {:.2} ms -> peak {:.2} ms, {rec}",
                        i + 1,
                        s.baseline_p95_ms,
                        s.peak_p95_ms
                    )
                })
                .collect(),
            AnalysisReport::Degradation(d) => {
                let describe = |t: &Option<TrendTest>, per_min: &str, scale: f64| {
                    t.as_ref().map_or("n/a".to_owned(), |t| {
                        format!(
                            "tau {:.2}, p {:.3}, slope {:.4} {per_min}",
                            t.tau,
                            t.p_value,
                            t.slope_per_s * 60.0 / scale
                        )
                    })
                };
                let mut line = format!(
                    "degradation: {} (p95 trend {}; error-rate trend {}",
                    if d.degrading { "YES" } else { "none" },
                    describe(&d.p95, "ms/min", 1.0),
                    describe(&d.error_rate, "/min", 1.0),
                );
                if d.server_memory.is_some() {
                    line.push_str(&format!(
                        "; server memory trend {}",
                        describe(&d.server_memory, "MiB/min", 1024.0 * 1024.0)
                    ));
                }
                line.push(')');
                vec![line]
            }
        }
    }
}
