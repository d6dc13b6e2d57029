//! Anomaly detection over the window series: each closed window's p95 latency and error
//! rate are compared with a robust baseline of the windows before it.
//!
//! The baseline is the median of the previous `baseline_windows` judged windows and its
//! spread the median absolute deviation (MAD), both insensitive to the very outliers we
//! look for (a mean and standard deviation would be dragged along by them). A window is
//! anomalous when its robust z-score, `(value − median) / scale`, reaches `threshold`,
//! where `scale` is MAD/0.6745 (the standard deviation for normal noise) but never below a
//! floor: a perfectly flat baseline (MAD 0, common for error rates of 0) would otherwise
//! flag the first single error. Only rises are flagged: lower latency or fewer errors are
//! not incidents. Windows with too few requests are neither judged nor added to the
//! baseline, since their p95 is noise. Flagged windows do join the baseline, so a lasting
//! change becomes the new normal after about half a baseline instead of alerting forever.
//!
//! Pure like the rest of the crate: the caller feeds windows in order and keeps the result.

use crate::Error;
use crate::snapshot::WindowSnapshot;
use bp_api::metrics::Metric;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// MAD × 1/0.6745 estimates the standard deviation of normally distributed noise.
const MAD_TO_SIGMA: f64 = 1.0 / 0.6745;

/// How the detector judges windows. Build it with struct update syntax over `default()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnomalyConfig {
    /// Judged windows in the rolling baseline (default 60: five minutes of 5 s windows).
    pub baseline_windows: usize,
    /// Judged windows needed before anything is flagged (default 12).
    pub min_baseline_windows: usize,
    /// Robust z-score from which a window is flagged (default 6: normal noise reaches it
    /// about once in a billion windows, so alerts mean something).
    pub threshold: f64,
    /// Windows with fewer requests are skipped (default 20).
    pub min_requests: u64,
    /// Smallest latency scale, in milliseconds (default 1 ms) ...
    pub latency_floor_ms: f64,
    /// ... or this share of the baseline median, whichever is larger (default 0.1).
    pub latency_floor_share: f64,
    /// Smallest error-rate scale (default 0.005, half a percentage point).
    pub error_rate_floor: f64,
}

impl Default for AnomalyConfig {
    fn default() -> Self {
        AnomalyConfig {
            baseline_windows: 60,
            min_baseline_windows: 12,
            threshold: 6.0,
            min_requests: 20,
            latency_floor_ms: 1.0,
            latency_floor_share: 0.1,
            error_rate_floor: 0.005,
        }
    }
}

impl AnomalyConfig {
    fn validate(&self) -> Result<(), Error> {
        let valid = self.baseline_windows >= 3
            && (3..=self.baseline_windows).contains(&self.min_baseline_windows)
            && self.threshold.is_finite()
            && self.threshold > 0.0
            && [
                self.latency_floor_ms,
                self.latency_floor_share,
                self.error_rate_floor,
            ]
            .iter()
            .all(|f| f.is_finite() && *f > 0.0);
        if valid {
            Ok(())
        } else {
            Err(Error::InvalidAnomalyConfig)
        }
    }
}

/// One window whose metric rose far above its baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anomaly {
    pub seq: u64,
    pub window_start_unix_us: u64,
    pub window_end_unix_us: u64,
    /// `latency_p95_ms` or `error_rate`.
    pub metric: Metric,
    pub value: f64,
    /// Median of the baseline windows.
    pub baseline: f64,
    /// The deviation one unit of `score` stands for (MAD-based, floored).
    pub scale: f64,
    /// (value − baseline) / scale.
    pub score: f64,
}

/// What the detector remembers of one judged window.
#[derive(Debug, Clone, Copy)]
struct Point {
    latency_p95_ms: f64,
    error_rate: f64,
}

/// Keeps the rolling baseline; feed it every closed window, oldest first.
#[derive(Debug, Clone)]
pub struct AnomalyDetector {
    config: AnomalyConfig,
    baseline: VecDeque<Point>,
}

impl AnomalyDetector {
    pub fn new(config: AnomalyConfig) -> Result<AnomalyDetector, Error> {
        config.validate()?;
        Ok(AnomalyDetector {
            baseline: VecDeque::with_capacity(config.baseline_windows),
            config,
        })
    }

    pub fn config(&self) -> &AnomalyConfig {
        &self.config
    }

    /// Judges `window` against the windows seen before, then adds it to the baseline.
    /// Returns what it flags (at most one anomaly per metric).
    pub fn observe(&mut self, window: &WindowSnapshot) -> Vec<Anomaly> {
        let requests = window.total.requests();
        if requests < self.config.min_requests {
            return Vec::new();
        }
        let Some(p95_us) = window.total.latency.quantile_us(0.95) else {
            return Vec::new();
        };
        let errors = window.total.errors_4xx() + window.total.errors_5xx();
        let point = Point {
            latency_p95_ms: p95_us as f64 / 1000.0,
            error_rate: errors as f64 / requests as f64,
        };
        let mut found = Vec::new();
        if self.baseline.len() >= self.config.min_baseline_windows {
            let latency = self.judge(
                point.latency_p95_ms,
                |p| p.latency_p95_ms,
                |median| {
                    self.config
                        .latency_floor_ms
                        .max(self.config.latency_floor_share * median)
                },
            );
            let error_rate = self.judge(
                point.error_rate,
                |p| p.error_rate,
                |_| self.config.error_rate_floor,
            );
            for (metric, verdict) in [
                (Metric::LatencyP95Ms, latency),
                (Metric::ErrorRate, error_rate),
            ] {
                if let Some((baseline, scale, score)) = verdict {
                    found.push(Anomaly {
                        seq: window.seq,
                        window_start_unix_us: window.start_unix_us,
                        window_end_unix_us: window.end_unix_us,
                        metric,
                        value: match metric {
                            Metric::LatencyP95Ms => point.latency_p95_ms,
                            _ => point.error_rate,
                        },
                        baseline,
                        scale,
                        score,
                    });
                }
            }
        }
        if self.baseline.len() == self.config.baseline_windows {
            self.baseline.pop_front();
        }
        self.baseline.push_back(point);
        found
    }

    /// `Some((median, scale, score))` when `value` is anomalous against the baseline of
    /// `read`.
    fn judge(
        &self,
        value: f64,
        read: impl Fn(&Point) -> f64,
        floor: impl Fn(f64) -> f64,
    ) -> Option<(f64, f64, f64)> {
        let mut values: Vec<f64> = self.baseline.iter().map(read).collect();
        let median = median_of(&mut values);
        let mut deviations: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
        let mad = median_of(&mut deviations);
        let scale = (mad * MAD_TO_SIGMA).max(floor(median));
        let score = (value - median) / scale;
        (score >= self.config.threshold).then_some((median, scale, score))
    }
}

/// Judges a whole series at once (windows oldest first), as a fresh detector would.
pub fn detect_anomalies(
    windows: &[WindowSnapshot],
    config: &AnomalyConfig,
) -> Result<Vec<Anomaly>, Error> {
    let mut detector = AnomalyDetector::new(config.clone())?;
    Ok(windows.iter().flat_map(|w| detector.observe(w)).collect())
}

/// The median (mean of the middle two for an even count); 0 for none. Sorts in place.
fn median_of(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::{CacheOutcome, StatusClass};

    const WINDOW_US: u64 = 5_000_000;

    /// A deterministic pseudo-random stream (xorshift), so noise is reproducible.
    struct Noise(u64);

    impl Noise {
        /// Uniform in [0, 1).
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// A window of `requests` requests with latencies spread around `typical_us` (±50 %),
    /// `errors` of them 5xx.
    fn window(
        seq: u64,
        requests: u64,
        typical_us: u64,
        errors: u64,
        noise: &mut Noise,
    ) -> WindowSnapshot {
        let mut w = WindowSnapshot::empty(seq, seq * WINDOW_US, (seq + 1) * WINDOW_US);
        for i in 0..requests {
            let latency_us = (typical_us as f64 * (0.5 + noise.next())) as u64;
            let class = if i < errors {
                StatusClass::ServerError
            } else {
                StatusClass::Success
            };
            w.total.record(
                class,
                CacheOutcome::Miss,
                latency_us.max(1),
                &Default::default(),
            );
        }
        w
    }

    /// `n` windows of ordinary traffic: 150..250 requests at ~10 ms, 0–2 errors.
    fn steady(from_seq: u64, n: u64, noise: &mut Noise) -> Vec<WindowSnapshot> {
        (from_seq..from_seq + n)
            .map(|seq| {
                let requests = 150 + (noise.next() * 100.0) as u64;
                let errors = (noise.next() * 3.0) as u64;
                let typical_us = 8_000 + (noise.next() * 4_000.0) as u64;
                window(seq, requests, typical_us, errors, noise)
            })
            .collect()
    }

    #[test]
    fn noise_is_not_flagged() {
        let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
        let series = steady(0, 500, &mut noise);
        let found = detect_anomalies(&series, &AnomalyConfig::default()).unwrap();
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn a_latency_step_is_flagged_at_once_and_then_becomes_the_baseline() {
        let mut noise = Noise(42);
        let mut series = steady(0, 100, &mut noise);
        // From window 100 on, every request takes four times as long.
        for seq in 100..200 {
            series.push(window(seq, 200, 40_000, 1, &mut noise));
        }
        let config = AnomalyConfig::default();
        let found = detect_anomalies(&series, &config).unwrap();
        let first = found.first().expect("the step is flagged");
        assert_eq!(first.seq, 100, "flagged on the first slow window");
        assert_eq!(first.metric, Metric::LatencyP95Ms);
        assert!(first.value > 45.0 && first.baseline < 16.0, "{first:?}");
        assert!(first.score >= config.threshold);
        assert!(found.iter().all(|a| a.metric == Metric::LatencyP95Ms));
        // Once the slow windows are most of the baseline, they are the norm.
        let last = found.last().expect("flagged");
        assert!(
            last.seq < 100 + config.baseline_windows as u64,
            "a lasting change stops alerting: {last:?}"
        );
    }

    #[test]
    fn an_error_burst_is_flagged_and_a_single_error_is_not() {
        let mut noise = Noise(7);
        // Over a flat baseline of zero errors, one error is still within the floor.
        let mut series: Vec<_> = (0..50)
            .map(|seq| window(seq, 200, 10_000, 0, &mut noise))
            .collect();
        series.push(window(50, 200, 10_000, 1, &mut noise));
        series.push(window(51, 200, 10_000, 40, &mut noise));
        let found = detect_anomalies(&series, &AnomalyConfig::default()).unwrap();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].seq, 51);
        assert_eq!(found[0].metric, Metric::ErrorRate);
        assert!((found[0].value - 0.2).abs() < 1e-12);
        assert_eq!(found[0].baseline, 0.0);
    }

    #[test]
    fn drops_quiet_windows_and_short_baselines_are_not_judged() {
        let mut noise = Noise(3);
        let config = AnomalyConfig::default();
        let mut detector = AnomalyDetector::new(config.clone()).unwrap();
        // Too little history: even a huge value is not judged yet.
        for seq in 0..config.min_baseline_windows as u64 {
            assert!(
                detector
                    .observe(&window(seq, 100, 10_000, 0, &mut noise))
                    .is_empty()
            );
        }
        let slow_but_quiet = window(20, config.min_requests - 1, 500_000, 5, &mut noise);
        assert!(detector.observe(&slow_but_quiet).is_empty());
        let faster = window(21, 100, 1_000, 0, &mut noise);
        assert!(
            detector.observe(&faster).is_empty(),
            "a drop is no incident"
        );
        let slow = window(22, 100, 500_000, 0, &mut noise);
        assert_eq!(detector.observe(&slow).len(), 1);
    }

    #[test]
    fn invalid_configs_are_refused() {
        for config in [
            AnomalyConfig {
                baseline_windows: 2,
                ..AnomalyConfig::default()
            },
            AnomalyConfig {
                min_baseline_windows: 100,
                ..AnomalyConfig::default()
            },
            AnomalyConfig {
                threshold: f64::NAN,
                ..AnomalyConfig::default()
            },
            AnomalyConfig {
                error_rate_floor: 0.0,
                ..AnomalyConfig::default()
            },
        ] {
            assert!(AnomalyDetector::new(config).is_err());
        }
    }
}
