//! Is a series drifting? The Mann-Kendall trend test (rank-based: no assumption about the
//! distribution of latencies, robust to outliers) with Sen's slope as the size of the trend.

use bp_report::model::TrendTest;

/// The test; `None` with fewer than 4 points (too few to say anything).
pub fn mann_kendall(points: &[(f64, f64)]) -> Option<TrendTest> {
    let n = points.len();
    if n < 4 {
        return None;
    }
    let mut s = 0_i64;
    let mut slopes = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            let d = points[j].1 - points[i].1;
            s += if d > 0.0 {
                1
            } else if d < 0.0 {
                -1
            } else {
                0
            };
            let dt = points[j].0 - points[i].0;
            if dt > 0.0 {
                slopes.push(d / dt);
            }
        }
    }
    let nf = n as f64;
    let mut values: Vec<f64> = points.iter().map(|p| p.1).collect();
    values.sort_by(f64::total_cmp);
    let mut ties = 0.0;
    let mut run = 1.0_f64;
    for w in values.windows(2) {
        if w[0] == w[1] {
            run += 1.0;
        } else {
            ties += run * (run - 1.0) * (2.0 * run + 5.0);
            run = 1.0;
        }
    }
    ties += run * (run - 1.0) * (2.0 * run + 5.0);
    let variance = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    let sf = s as f64;
    let z = if variance <= 0.0 {
        0.0
    } else if s > 0 {
        (sf - 1.0) / variance.sqrt()
    } else if s < 0 {
        (sf + 1.0) / variance.sqrt()
    } else {
        0.0
    };
    let p_value = (2.0 * (1.0 - normal_cdf(z.abs()))).clamp(0.0, 1.0);
    slopes.sort_by(f64::total_cmp);
    let slope_per_s = median(&slopes);
    Some(TrendTest {
        n,
        tau: sf / (nf * (nf - 1.0) / 2.0),
        z,
        p_value,
        slope_per_s,
        significant: p_value < 0.05,
    })
}

fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Φ(x) via the Abramowitz–Stegun 7.1.26 approximation of erf (error < 1.5e-7).
fn normal_cdf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-(x * x) / 2.0).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_a_rising_series_and_not_a_flat_noisy_one() {
        let rising: Vec<(f64, f64)> = (0..50)
            .map(|i| (f64::from(i), f64::from(i) * 0.5 + f64::from(i % 3)))
            .collect();
        let t = mann_kendall(&rising).unwrap();
        assert!(t.significant && t.tau > 0.8 && t.z > 0.0, "{t:?}");
        assert!((t.slope_per_s - 0.5).abs() < 0.1, "{t:?}");
        // A flat series with a repeating pattern has no trend.
        let flat: Vec<(f64, f64)> = (0..60).map(|i| (f64::from(i), f64::from(i % 5))).collect();
        let t = mann_kendall(&flat).unwrap();
        assert!(!t.significant, "{t:?}");
        assert!(mann_kendall(&rising[..3]).is_none());
    }

    #[test]
    fn normal_cdf_matches_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-6);
        assert!((normal_cdf(1.96) - 0.975).abs() < 1e-4);
        assert!((normal_cdf(-1.96) - 0.025).abs() < 1e-4);
    }
}
