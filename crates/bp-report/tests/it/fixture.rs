//! One fixed report, built from deterministic histograms: a geo-like run over two regions
//! and two endpoints, a failed threshold, a degradation analysis and server memory.

use bp_metrics::{LatencyHistogram, Precision};
use bp_report::model::{
    AnalysisReport, Cell, Degradation, GeneratorReport, Histograms, Iterations, LatencySummary,
    MemoryPoint, TagSummary, TrendTest, WindowCounts, WindowPoint,
};
use bp_report::{Report, SCHEMA_VERSION, Verdict};
use std::collections::BTreeMap;

/// `n` latencies spread evenly between `from_us` and `to_us`.
fn histogram(precision: Precision, n: u64, from_us: u64, to_us: u64) -> LatencyHistogram {
    let mut h = LatencyHistogram::new(precision);
    for i in 0..n {
        h.record_us(from_us + (to_us - from_us) * i / n.max(1));
    }
    h
}

fn tag(requests: u64, errors: u64, h: &LatencyHistogram, accuracy: Option<f64>) -> TagSummary {
    TagSummary {
        requests,
        errors,
        error_rate: errors as f64 / requests as f64,
        latency_ms: LatencySummary::of(h),
        technique_accuracy: accuracy,
    }
}

pub fn report() -> Report {
    let all = histogram(Precision::Total, 2000, 800, 48_000);
    let series: Vec<WindowPoint> = (0..10_u64)
        .map(|i| {
            let requests = 180 + 4 * i;
            WindowPoint::new(
                i as f64,
                1.0,
                WindowCounts {
                    users: 20 + 2 * i,
                    requests,
                    errors: u64::from(i == 6),
                    dropped: u64::from(i == 7) * 3,
                },
                &histogram(
                    Precision::Series,
                    requests,
                    900 + 100 * i,
                    20_000 + 2_000 * i,
                ),
            )
        })
        .collect();
    let cell = |scenario: &str, region: &str, endpoint: &str, requests: u64, errors: u64| {
        let h = histogram(Precision::Series, requests, 1_000, 40_000);
        Cell {
            scenario: scenario.to_owned(),
            region: Some(region.to_owned()),
            endpoint: endpoint.to_owned(),
            requests,
            errors,
            technique_checked: if endpoint == "enhance" { requests } else { 0 },
            technique_correct: if endpoint == "enhance" {
                requests * 9 / 10
            } else {
                0
            },
            latency_ms: LatencySummary::of(&h),
            histogram: h,
        }
    };
    let breakdown = vec![
        cell("geo-us-east", "us-east", "enhance", 700, 0),
        cell("geo-us-east", "us-east", "health", 300, 0),
        cell("geo-eu-west", "eu-west", "enhance", 700, 1),
        cell("geo-eu-west", "eu-west", "health", 300, 0),
    ];
    let endpoint_h = histogram(Precision::Series, 1400, 1_000, 40_000);
    let region_h = histogram(Precision::Series, 1000, 1_000, 40_000);
    let trend = |tau: f64, p_value: f64, slope_per_s: f64| TrendTest {
        n: 10,
        tau,
        z: tau * 3.0,
        p_value,
        slope_per_s,
        significant: p_value < 0.05,
    };
    Report {
        schema_version: SCHEMA_VERSION,
        profile: "geo <&> \"quoted\"".to_owned(),
        target: "http://127.0.0.1:8080".to_owned(),
        mix: "enhance=70,health=30".to_owned(),
        planned_duration_s: 10.0,
        duration_s: 10.02,
        requests: 2000,
        errors: 1,
        error_rate: 0.0005,
        throughput_rps: 199.6,
        latency_ms: LatencySummary::of(&all),
        technique_accuracy: Some(0.9),
        technique_checked: 1400,
        technique_correct: 1260,
        iterations: Iterations {
            late: 2,
            dropped: 3,
            interrupted: 0,
        },
        errors_by_kind: BTreeMap::from([("status_503".to_owned(), 1)]),
        thresholds: vec![
            Verdict {
                expr: "p(95)<200".to_owned(),
                ok: true,
                value: Some(45.6),
            },
            Verdict {
                expr: "p(95){region:eu-west}<30".to_owned(),
                ok: false,
                value: Some(38.01),
            },
            Verdict {
                expr: "rps>=950".to_owned(),
                ok: false,
                value: None,
            },
        ],
        thresholds_ok: false,
        stopped_early: None,
        generator: GeneratorReport {
            cpu_s: 0.5,
            cpu_percent: 5.0,
            cpu_us_per_request: 250.0,
            generator_bound: false,
            threads: 1,
            schedule_lag_ms: LatencySummary::of(&histogram(Precision::Series, 100, 10, 1_200)),
            max_rss_bytes: 24 * 1024 * 1024,
            virtual_users: 40,
        },
        by_endpoint: BTreeMap::from([
            ("enhance".to_owned(), tag(1400, 1, &endpoint_h, Some(0.9))),
            ("health".to_owned(), tag(600, 0, &endpoint_h, None)),
        ]),
        by_region: BTreeMap::from([
            ("eu-west".to_owned(), tag(1000, 1, &region_h, Some(0.9))),
            ("us-east".to_owned(), tag(1000, 0, &region_h, Some(0.9))),
        ]),
        breakdown,
        analysis: Some(AnalysisReport::Degradation(Degradation {
            from_s: 1.0,
            p95: Some(trend(0.1, 0.6, 0.001)),
            error_rate: Some(trend(0.0, 1.0, 0.0)),
            server_memory: Some(trend(0.9, 0.001, 1024.0 * 1024.0)),
            degrading: true,
        })),
        time_series: series,
        server_memory: (0..10_u32)
            .map(|i| MemoryPoint {
                t_s: f64::from(i),
                bytes: (40 + u64::from(i)) * 1024 * 1024,
            })
            .collect(),
        histograms: Histograms {
            latency: all,
            schedule_lag: histogram(Precision::Series, 100, 10, 1_200),
        },
    }
}
