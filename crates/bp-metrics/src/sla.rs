//! SLA evaluation: each target per window, the share of compliant windows, the whole
//! range, and the remaining error budget.
//!
//! Definitions (one place, so dashboards, alerts and reports agree):
//! - latency targets are strict (`p95 < 200 ms`), read from the window's merged 3-digit
//!   histogram (HdrHistogram's highest-equivalent value, so a breach is never hidden by
//!   rounding down);
//! - the error rate counts 4xx and 5xx by default (like a load tool's failed-request
//!   rate); [`ErrorsCounted::ServerOnly`] counts 5xx only;
//! - availability is 1 − 5xx / requests: client errors are not outages;
//! - a window without requests has no latency or error values and meets those targets
//!   (idle time is not a breach) but fails a throughput target, if one is set;
//! - the error budget is the number of 5xx the availability target allows over the
//!   requests of the period the caller passes (30 days by convention).

use crate::query::{Filter, rate_per_second};
use crate::snapshot::{SeriesStats, WindowSnapshot};
use bp_api::metrics::{Check, ErrorBudget, ErrorsCounted, SlaReport, SlaTargets, SlaVerdict};

/// Checks `targets` on each snapshot and on the whole range, for the requests `filter`
/// selects.
pub fn evaluate(snapshots: &[WindowSnapshot], targets: &SlaTargets, filter: &Filter) -> SlaReport {
    let mut all = SeriesStats::new(filter.precision());
    let mut covered_us = 0;
    let windows: Vec<SlaVerdict> = snapshots
        .iter()
        .map(|snapshot| {
            let mut stats = SeriesStats::new(filter.precision());
            filter.select(snapshot, &mut stats);
            all.merge(&stats);
            covered_us += snapshot.covered_us;
            let span = (snapshot.start_unix_us, snapshot.end_unix_us);
            verdict(&stats, snapshot.covered_us, span, targets)
        })
        .collect();
    let compliant_windows = windows.iter().filter(|w| w.compliant).count() as u64;
    let span = (
        snapshots.iter().map(|s| s.start_unix_us).min().unwrap_or(0),
        snapshots.iter().map(|s| s.end_unix_us).max().unwrap_or(0),
    );
    SlaReport {
        uptime: None,
        targets: *targets,
        compliance_ratio: if windows.is_empty() {
            1.0
        } else {
            compliant_windows as f64 / windows.len() as f64
        },
        compliant_windows,
        windows,
        overall: verdict(&all, covered_us, span, targets),
        error_budget: ErrorBudget::compute(all.requests(), all.errors_5xx(), targets.availability),
    }
}

/// Makes availability uptime-aware: each window's availability, and the range's, times
/// the share of the expected instance time that was served (see [`crate::Uptime`]), so an
/// outage that produced no requests still counts against the target.
pub fn apply_uptime(report: &mut SlaReport, uptime: &crate::Uptime) {
    let target = report.targets.availability;
    let scale = |check: &mut Check, served: f64| {
        let value = check.value.unwrap_or(1.0) * served;
        check.value = Some(value);
        check.met = value >= target;
    };
    let recheck = |v: &mut SlaVerdict| {
        v.compliant = [v.p50_ms, v.p95_ms, v.p99_ms, v.error_rate, v.availability]
            .iter()
            .chain(v.throughput_rps.iter())
            .all(|c| c.met);
    };
    for window in &mut report.windows {
        if let Some(served) = uptime.of_window(window.start_unix_us)
            && served < 1.0
        {
            scale(&mut window.availability, served);
            recheck(window);
        }
    }
    if let Some(served) = uptime.ratio() {
        if served < 1.0 {
            scale(&mut report.overall.availability, served);
            recheck(&mut report.overall);
        }
        report.uptime = Some(served);
    }
    report.compliant_windows = report.windows.iter().filter(|w| w.compliant).count() as u64;
    if !report.windows.is_empty() {
        report.compliance_ratio = report.compliant_windows as f64 / report.windows.len() as f64;
    }
}

fn verdict(
    stats: &SeriesStats,
    covered_us: u64,
    (start_unix_us, end_unix_us): (u64, u64),
    targets: &SlaTargets,
) -> SlaVerdict {
    let requests = stats.requests();
    let below = |value: Option<f64>, target: f64| Check {
        value,
        target,
        met: value.is_none_or(|v| v < target),
    };
    let latency_ms = |q: f64| stats.latency.quantile_us(q).map(|us| us as f64 / 1000.0);
    let per_request = |count: u64| (requests > 0).then(|| count as f64 / requests as f64);
    let errors = match targets.errors_counted {
        ErrorsCounted::ClientAndServer => stats.errors_4xx() + stats.errors_5xx(),
        ErrorsCounted::ServerOnly => stats.errors_5xx(),
    };
    let availability = per_request(stats.errors_5xx()).map(|failed| 1.0 - failed);
    let throughput_rps = targets.min_throughput_rps.map(|target| {
        let value = rate_per_second(requests, covered_us);
        Check {
            value: Some(value),
            target,
            met: value >= target,
        }
    });
    let p50_ms = below(latency_ms(0.50), targets.p50_ms);
    let p95_ms = below(latency_ms(0.95), targets.p95_ms);
    let p99_ms = below(latency_ms(0.99), targets.p99_ms);
    let error_rate = below(per_request(errors), targets.max_error_rate);
    let availability = Check {
        value: availability,
        target: targets.availability,
        met: availability.is_none_or(|a| a >= targets.availability),
    };
    let compliant = [p50_ms, p95_ms, p99_ms, error_rate, availability]
        .iter()
        .chain(throughput_rps.iter())
        .all(|c| c.met);
    SlaVerdict {
        start_unix_us,
        end_unix_us,
        requests,
        p50_ms,
        p95_ms,
        p99_ms,
        error_rate,
        availability,
        throughput_rps,
        compliant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::{CacheOutcome, StatusClass};

    /// A window of `ok` fast 200s, `client` 404s and `server` 500s, plus `slow` 200s at
    /// 300 ms.
    fn window(seq: u64, ok: u64, slow: u64, client: u64, server: u64) -> WindowSnapshot {
        let start = seq * 5_000_000;
        let mut w = WindowSnapshot::empty(seq, start, start + 5_000_000);
        let mut add = |class: StatusClass, latency_us: u64, n: u64| {
            for _ in 0..n {
                w.total
                    .record(class, CacheOutcome::Bypass, latency_us, &Default::default());
            }
        };
        add(StatusClass::Success, 10_000, ok);
        add(StatusClass::Success, 300_000, slow);
        add(StatusClass::ClientError, 10_000, client);
        add(StatusClass::ServerError, 10_000, server);
        w
    }

    #[test]
    fn each_target_is_checked_per_window() {
        let targets = SlaTargets::default();
        let windows = [
            window(0, 1000, 0, 0, 0),  // clean
            window(1, 980, 20, 0, 0),  // 2 % at 300 ms: p99 300 ms < 500, p95 10 ms: compliant
            window(2, 900, 100, 0, 0), // 10 % slow: p95 = 300 ms >= 200 ms
            window(3, 998, 0, 2, 0),   // 0.2 % 4xx: error rate breached, availability not
            window(4, 998, 0, 0, 2),   // 0.2 % 5xx: both breached
            window(5, 0, 0, 0, 0),     // idle: compliant
        ];
        let report = evaluate(&windows, &targets, &Filter::default());
        let compliant: Vec<bool> = report.windows.iter().map(|w| w.compliant).collect();
        assert_eq!(compliant, [true, true, false, false, false, true]);
        let w2 = &report.windows[2];
        assert!(!w2.p95_ms.met && w2.p99_ms.met && w2.p50_ms.met);
        assert!((w2.p95_ms.value.unwrap() - 300.0).abs() <= 300.0 / 1024.0 + 1e-9);
        let w3 = &report.windows[3];
        assert!(!w3.error_rate.met && w3.availability.met);
        assert_eq!(w3.error_rate.value, Some(0.002));
        let w4 = &report.windows[4];
        assert!(!w4.availability.met);
        assert_eq!(w4.availability.value, Some(0.998));
        assert_eq!(report.windows[5].p50_ms.value, None);
        assert_eq!(report.compliant_windows, 3);
        assert_eq!(report.compliance_ratio, 0.5);

        // Counting only 5xx, the 4xx window passes.
        let server_only = SlaTargets {
            errors_counted: ErrorsCounted::ServerOnly,
            ..targets
        };
        let report = evaluate(&windows, &server_only, &Filter::default());
        assert!(report.windows[3].compliant);

        // A throughput target: 1000 requests in 5 s is 200 req/s.
        let with_rate = SlaTargets {
            min_throughput_rps: Some(150.0),
            ..targets
        };
        let report = evaluate(&windows[..1], &with_rate, &Filter::default());
        assert_eq!(report.windows[0].throughput_rps.unwrap().value, Some(200.0));
        assert!(report.windows[0].compliant);
        let idle = evaluate(&windows[5..], &with_rate, &Filter::default());
        assert!(!idle.windows[0].compliant, "idle fails a throughput target");
    }

    #[test]
    fn error_budget_arithmetic() {
        // 99.9 % of 1 000 000 requests allows 1000 failures; 400 spent leaves 600 (60 %).
        let budget = ErrorBudget::compute(1_000_000, 400, 0.999);
        assert!((budget.allowed_failures - 1000.0).abs() < 1e-6);
        assert!((budget.remaining_failures - 600.0).abs() < 1e-6);
        assert!((budget.remaining_ratio - 0.6).abs() < 1e-9);
        assert!(!budget.exhausted);
        // 1500 spent: overspent by half the budget.
        let over = ErrorBudget::compute(1_000_000, 1500, 0.999);
        assert!((over.remaining_ratio + 0.5).abs() < 1e-9);
        assert!(over.exhausted);
        // Nothing served yet: the whole budget remains.
        assert_eq!(ErrorBudget::compute(0, 0, 0.999).remaining_ratio, 1.0);

        // From windows: 2 of 6 000 requests failed with 5xx.
        let windows = [window(0, 1000, 0, 0, 0), window(1, 4998, 0, 0, 2)];
        let report = evaluate(&windows, &SlaTargets::default(), &Filter::default());
        assert_eq!(report.error_budget.requests, 6000);
        assert_eq!(report.error_budget.failed_requests, 2);
        assert!((report.error_budget.remaining_failures - 4.0).abs() < 1e-6);
        // 1 − 2/6000 = 99.967 % >= 99.9 %, and 0.033 % errors < 0.1 %.
        assert!(report.overall.availability.met && report.overall.error_rate.met);
    }
}
