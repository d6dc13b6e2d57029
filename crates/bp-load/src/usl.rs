//! Fitting the Universal Scalability Law (Gunther), X(N) = λN / (1 + σ(N−1) + κN(N−1)), to
//! measured (load, throughput) points: the stress profile's windows (requests in flight
//! against req/s) and `bench/fleet-scaling.sh`'s fleets (instances against their breaking
//! points, through `betterprompts report usl`).
//!
//! N/X = (1−σ)/λ + (σ−κ)/λ·N + κ/λ·N² is a quadratic in N, so the fit is linear least
//! squares on N/X, with σ and κ kept non-negative (a negative coherency cost or
//! contention is noise: the quadratic is refitted without that term).

use bp_report::model::UslFit;

/// The fit through `points` of (load N > 0, throughput X > 0); `None` with fewer than
/// three distinct loads or no sensible fit.
pub fn fit(points: &[(f64, f64)]) -> Option<UslFit> {
    let points: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|&(n, x)| n.is_finite() && x.is_finite() && n > 0.0 && x > 0.0)
        .collect();
    let mut loads: Vec<f64> = points.iter().map(|p| p.0).collect();
    loads.sort_by(f64::total_cmp);
    loads.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
    if loads.len() < 3 {
        return None;
    }
    let ys: Vec<(f64, f64)> = points.iter().map(|&(n, x)| (n, n / x)).collect();
    // The free quadratic when its costs come out non-negative; else the better of the two
    // one-cost models (σ = 0: y = a + c(N² − N); κ = 0: y = a + bN) whose cost does; else
    // a constant (linear scaling).
    let quadratic = least_squares(&ys, &[|_| 1.0, |n| n, |n| n * n])
        .map(|k| (k[0], k[1], k[2]))
        .filter(|&(_, b, c)| c >= 0.0 && b + c >= 0.0);
    let (a, b, c) = quadratic
        .or_else(|| {
            let no_contention = least_squares(&ys, &[|_| 1.0, |n| n * n - n])
                .map(|k| (k[0], -k[1], k[1]))
                .filter(|&(_, _, c)| c >= 0.0);
            let no_coherency = least_squares(&ys, &[|_| 1.0, |n| n])
                .map(|k| (k[0], k[1], 0.0))
                .filter(|&(_, b, _)| b >= 0.0);
            [no_contention, no_coherency]
                .into_iter()
                .flatten()
                .min_by(|p, q| residual(&ys, *p).total_cmp(&residual(&ys, *q)))
        })
        .unwrap_or((
            ys.iter().map(|p| p.1).sum::<f64>() / ys.len() as f64,
            0.0,
            0.0,
        ));
    // A term too small to matter anywhere in the measured range is rounding: drop it, so a
    // straight line has no (astronomically far) peak.
    let n_max = loads.last().copied().unwrap_or(1.0);
    let scale = a.abs().max(f64::MIN_POSITIVE);
    let c = if c * n_max * n_max <= 1e-9 * scale {
        0.0
    } else {
        c
    };
    let b = if b.abs() * n_max <= 1e-9 * scale {
        0.0
    } else {
        b
    };
    let at_one = a + b + c;
    if !(at_one.is_finite() && at_one > 0.0) {
        return None;
    }
    let lambda = 1.0 / at_one;
    let (sigma, kappa) = ((b + c) * lambda, c * lambda);
    let mean = ys.iter().map(|p| p.1).sum::<f64>() / ys.len() as f64;
    let total: f64 = ys.iter().map(|p| (p.1 - mean).powi(2)).sum();
    let r_squared = if total > 0.0 {
        1.0 - residual(&ys, (a, b, c)) / total
    } else {
        1.0
    };
    Some(UslFit::new(lambda, sigma, kappa, points.len(), r_squared))
}

/// Sum of squared residuals of y = a + bN + cN².
fn residual(points: &[(f64, f64)], (a, b, c): (f64, f64, f64)) -> f64 {
    points
        .iter()
        .map(|&(n, y)| (y - (a + b * n + c * n * n)).powi(2))
        .sum()
}

/// Least squares of y = Σ coef_k·basis_k(n) (at most 3 functions), by the normal equations.
fn least_squares(points: &[(f64, f64)], basis: &[fn(f64) -> f64]) -> Option<Vec<f64>> {
    let terms = basis.len();
    let mut m = [[0.0_f64; 4]; 3];
    for &(n, y) in points {
        let values: Vec<f64> = basis.iter().map(|f| f(n)).collect();
        for i in 0..terms {
            for j in 0..terms {
                m[i][j] += values[i] * values[j];
            }
            m[i][3] += values[i] * y;
        }
    }
    // Gauss-Jordan elimination with partial pivoting; the right-hand side is column 3.
    for col in 0..terms {
        let pivot = (col..terms).max_by(|&r, &s| m[r][col].abs().total_cmp(&m[s][col].abs()))?;
        if m[pivot][col].abs() < 1e-300 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (row, cells) in m.iter_mut().enumerate().take(terms) {
            if row != col {
                let factor = cells[col] / pivot_row[col];
                for (cell, p) in cells[col..].iter_mut().zip(&pivot_row[col..]) {
                    *cell -= factor * p;
                }
            }
        }
    }
    let coef: Vec<f64> = (0..terms).map(|i| m[i][3] / m[i][i]).collect();
    coef.iter().all(|c| c.is_finite()).then_some(coef)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(lambda: f64, sigma: f64, kappa: f64, ns: &[f64]) -> Vec<(f64, f64)> {
        let model = UslFit::new(lambda, sigma, kappa, 0, 1.0);
        ns.iter().map(|&n| (n, model.throughput(n))).collect()
    }

    #[test]
    fn a_usl_curve_is_fitted_back_exactly() {
        let points = curve(500.0, 0.05, 0.002, &[1.0, 2.0, 3.0, 5.0, 8.0, 13.0]);
        let f = fit(&points).unwrap();
        assert!((f.lambda - 500.0).abs() < 1e-6, "{f:?}");
        assert!((f.sigma - 0.05).abs() < 1e-9, "{f:?}");
        assert!((f.kappa - 0.002).abs() < 1e-9, "{f:?}");
        assert!((f.r_squared - 1.0).abs() < 1e-9);
        // Peak at √((1−σ)/κ) ≈ 21.8.
        let peak = f.peak_n.unwrap();
        assert!((peak - (0.95_f64 / 0.002).sqrt()).abs() < 1e-6);
        assert!(f.peak_rps.unwrap() > f.throughput(peak - 1.0));
        assert!(f.peak_rps.unwrap() > f.throughput(peak + 1.0));
        // Three instances for 1300 req/s; past the peak nothing reaches 1e9.
        assert_eq!(f.needed_for(1300.0, 100), Some(3));
        assert_eq!(f.needed_for(1e9, 100), None);
    }

    #[test]
    fn three_fleet_sizes_are_enough_and_linear_scaling_has_no_peak() {
        let f = fit(&curve(400.0, 0.1, 0.01, &[1.0, 2.0, 3.0])).unwrap();
        assert!(
            (f.sigma - 0.1).abs() < 1e-9 && (f.kappa - 0.01).abs() < 1e-9,
            "{f:?}"
        );
        let linear = fit(&[(1.0, 100.0), (2.0, 200.0), (4.0, 400.0)]).unwrap();
        assert!(
            linear.sigma.abs() < 1e-9 && linear.kappa == 0.0,
            "{linear:?}"
        );
        assert_eq!(linear.peak_n, None);
        assert_eq!(linear.peak_rps, None);
        assert_eq!(linear.needed_for(1000.0, 20), Some(10));
    }

    #[test]
    fn a_falling_curve_without_contention_keeps_its_peak_through_noise() {
        // λ = 400, σ = 0, κ = 0.01: throughput peaks near N = 10 and falls after.
        let exact = curve(400.0, 0.0, 0.01, &[1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0]);
        let noise = [1.01, 0.99, 1.008, 0.992, 1.01, 0.99, 1.005];
        let noisy: Vec<(f64, f64)> = exact
            .iter()
            .zip(noise)
            .map(|(&(n, x), e)| (n, x * e))
            .collect();
        let f = fit(&noisy).unwrap();
        let peak = f.peak_n.expect("a peak");
        assert!((7.0..14.0).contains(&peak), "{f:?}");
        assert!(f.kappa > 0.005 && f.sigma < 0.05, "{f:?}");
    }

    #[test]
    fn noise_never_gives_negative_costs_and_too_few_loads_give_nothing() {
        // Superlinear by noise: κ and σ stay at 0.
        let f = fit(&[(1.0, 100.0), (2.0, 205.0), (3.0, 310.0)]).unwrap();
        assert!(f.sigma >= 0.0 && f.kappa >= 0.0, "{f:?}");
        assert!(fit(&[(1.0, 100.0), (2.0, 190.0)]).is_none());
        assert!(fit(&[(1.0, 100.0), (1.0, 101.0), (2.0, 190.0)]).is_none());
        assert!(fit(&[(0.0, 0.0), (-1.0, 5.0), (f64::NAN, 1.0)]).is_none());
    }
}
