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
            }],
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
