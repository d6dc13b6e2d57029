//! Percentiles of merged windows and shards equal those of the raw samples, within the
//! histogram's stated relative error.

use crate::support::{SECOND_US, raw_quantile, sample};
use bp_metrics::{Filter, Precision, Recorder, RecorderConfig, summary};
use proptest::prelude::*;
use std::time::Duration;

/// Latencies spread over six decades (log-uniform), so every histogram octave is used.
fn latency_us() -> impl Strategy<Value = u64> {
    (0u32..6, 1u64..1000).prop_map(|(decade, mantissa)| (mantissa * 10u64.pow(decade) / 10).max(1))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn merged_percentiles_match_raw_samples(
        latencies in prop::collection::vec(latency_us(), 1..3000),
        n_windows in 1u64..8,
        n_threads in 1usize..4,
    ) {
        let config = RecorderConfig {
            window: Duration::from_secs(1),
            shards: 2, // fewer shards than threads at times: exercises the fallback
            ..RecorderConfig::default()
        };
        let rec = Recorder::new(config, 0).unwrap();
        std::thread::scope(|scope| {
            for part in latencies.chunks(latencies.len().div_ceil(n_threads)) {
                let rec = &rec;
                scope.spawn(move || {
                    for (i, &latency) in part.iter().enumerate() {
                        let at = (i as u64 % n_windows) * SECOND_US + 17;
                        rec.record(&sample(at, latency));
                    }
                });
            }
        });
        let windows = rec.close_until(n_windows * SECOND_US);
        prop_assert_eq!(windows.len() as u64, n_windows);

        let mut sorted = latencies.clone();
        sorted.sort_unstable();
        // Unfiltered: the 3-digit totals; filtered: the 2-digit series.
        let by_technique = Filter { technique: Some(bp_api::Technique::ChainOfThought), ..Filter::default() };
        for (filter, precision) in [(Filter::default(), Precision::Total), (by_technique, Precision::Series)] {
            let s = summary(&windows, &filter);
            prop_assert_eq!(s.requests, latencies.len() as u64);
            let err = precision.relative_error();
            for (q, got_ms) in [(0.5, s.latency_ms.p50), (0.95, s.latency_ms.p95), (0.99, s.latency_ms.p99), (1.0, s.latency_ms.max)] {
                let raw = raw_quantile(&sorted, q) as f64;
                let got = got_ms.unwrap() * 1000.0;
                prop_assert!(
                    raw <= got + 1e-6 && got <= raw * (1.0 + err) + 1e-6,
                    "q={} raw={} got={} ({:?})", q, raw, got, precision
                );
            }
        }
    }
}
