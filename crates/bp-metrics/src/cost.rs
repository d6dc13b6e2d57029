//! The cost model: what serving the requests cost in compute, memory and (optionally)
//! model tokens, with the price table shown next to the result.
//!
//! cost per request = (CPU-seconds × USD per vCPU-second + memory GB-seconds × USD per
//! GB-second + tokens × USD per token) / requests.
//!
//! Default prices are AWS Fargate on-demand, Linux/x86, us-east-1 (published at
//! $0.04048 per vCPU-hour and $0.004445 per GB-hour), a typical cloud on-demand price
//! for a container; a GB here is 2^30 bytes, as cloud providers bill memory. There is no
//! default token price: it depends on the target model, so the caller sets it.

use crate::snapshot::WindowSnapshot;
use bp_api::metrics::{CostReport, PriceTable, Usage};

const BYTES_PER_GB: f64 = (1u64 << 30) as f64;

/// CPU and memory from the windows' mean gauges (CPU percent is of one core), times each
/// window's covered time; requests from the window totals. Tokens are the caller's to add.
pub fn usage(snapshots: &[WindowSnapshot]) -> Usage {
    let mut usage = Usage::default();
    for snapshot in snapshots {
        usage.requests += snapshot.total.requests();
        if let Some(gauges) = &snapshot.gauges {
            let seconds = snapshot.covered_us as f64 / 1e6;
            usage.cpu_seconds += gauges.mean.cpu_percent / 100.0 * seconds;
            usage.memory_gb_seconds += gauges.mean.memory_bytes / BYTES_PER_GB * seconds;
            usage.metered_seconds += seconds;
        }
    }
    usage
}

/// The cost of a [`Usage`] at a [`PriceTable`].
pub fn cost(usage: &Usage, prices: &PriceTable) -> CostReport {
    let cpu_usd = usage.cpu_seconds * prices.usd_per_vcpu_second;
    let memory_usd = usage.memory_gb_seconds * prices.usd_per_gb_second;
    let token_usd = prices
        .usd_per_million_tokens
        .map_or(0.0, |per_million| usage.tokens as f64 * per_million / 1e6);
    let total_usd = cpu_usd + memory_usd + token_usd;
    CostReport {
        prices: prices.clone(),
        usage: *usage,
        cpu_usd,
        memory_usd,
        token_usd,
        total_usd,
        cost_per_request_usd: (usage.requests > 0).then(|| total_usd / usage.requests as f64),
    }
}

/// Each row's cost per request when the range's total cost is shared out by the server
/// time requests took: a slow technique costs more per request than a cached one. `rows`
/// are (requests, busy seconds) of a subset of the traffic whose busy time in all is
/// `total_busy_seconds`, so a filtered table gets only its share. `None` for rows without
/// requests, or when no time was measured at all.
pub fn cost_per_request_by_busy_time(
    report: &CostReport,
    total_busy_seconds: f64,
    rows: &[(u64, f64)],
) -> Vec<Option<f64>> {
    rows.iter()
        .map(|&(requests, busy)| {
            (requests > 0 && total_busy_seconds > 0.0)
                .then(|| report.total_usd * busy / total_busy_seconds / requests as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::metrics::Gauges;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
    }

    #[test]
    fn hand_computed_cost_per_request() {
        let prices = PriceTable {
            usd_per_vcpu_second: 0.00001,
            usd_per_gb_second: 0.000001,
            usd_per_million_tokens: Some(2.0),
            source: "test".to_owned(),
        };
        // 50 % of a core for 10 s = 5 CPU-s; 2 GB for 10 s = 20 GB-s.
        let usage = Usage {
            cpu_seconds: 5.0,
            memory_gb_seconds: 20.0,
            requests: 100,
            tokens: 1000,
            metered_seconds: 10.0,
        };
        let report = cost(&usage, &prices);
        assert!(close(report.cpu_usd, 5e-5));
        assert!(close(report.memory_usd, 2e-5));
        assert!(close(report.token_usd, 0.002)); // 1000 tokens at $2 per million
        assert!(close(report.total_usd, 0.00207));
        assert!(close(report.cost_per_request_usd.unwrap(), 2.07e-5));
        assert_eq!(
            report.prices, prices,
            "the price table is part of the result"
        );
    }

    #[test]
    fn cost_is_shared_by_busy_time_and_adds_up() {
        let report = cost(
            &Usage {
                cpu_seconds: 10.0,
                requests: 40,
                ..Usage::default()
            },
            &PriceTable {
                usd_per_vcpu_second: 0.001,
                usd_per_gb_second: 0.0,
                usd_per_million_tokens: None,
                source: "test".to_owned(),
            },
        );
        // 30 requests took 1 s, 10 requests took 3 s: the slow ones cost 9× more each.
        let rows = [(30, 1.0), (10, 3.0), (0, 0.0)];
        let per_request = cost_per_request_by_busy_time(&report, 4.0, &rows);
        let (fast, slow) = (per_request[0].unwrap(), per_request[1].unwrap());
        assert!(close(fast * 30.0 + slow * 10.0, report.total_usd));
        assert!(close(slow / fast, 9.0));
        assert_eq!(per_request[2], None);
        // A filtered table (the fast rows only) gets its share, not the whole bill.
        let alone = cost_per_request_by_busy_time(&report, 4.0, &rows[..1]);
        assert!(close(alone[0].unwrap(), fast));
    }

    #[test]
    fn usage_comes_from_window_gauges() {
        let mut a = WindowSnapshot::empty(0, 0, 10_000_000);
        a.attach_gauges(&Gauges {
            cpu_percent: 50.0,
            memory_bytes: 2.0 * BYTES_PER_GB,
            ..Gauges::default()
        });
        let b = WindowSnapshot::empty(1, 10_000_000, 20_000_000); // no reading
        let usage = usage(&[a, b]);
        assert!(close(usage.cpu_seconds, 5.0));
        assert!(close(usage.memory_gb_seconds, 20.0));
        assert!(close(usage.metered_seconds, 10.0));
        // Defaults: 5 CPU-s and 20 GB-s at Fargate prices.
        let default_cost = cost(&usage, &PriceTable::default()).total_usd;
        assert!(close(
            default_cost,
            5.0 * 0.04048 / 3600.0 + 20.0 * 0.004445 / 3600.0
        ));
    }
}
