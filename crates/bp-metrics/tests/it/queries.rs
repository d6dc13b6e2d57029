//! Time series, heat map and per-technique table over recorded windows.

use crate::support::{SECOND_US, sample};
use bp_api::{Segment, Technique};
use bp_metrics::{
    Error, Filter, Gauges, GroupBy, Metric, Recorder, RecorderConfig, Sample, WindowSnapshot,
    heatmap, per_technique, timeseries,
};
use std::time::Duration;

/// Windows 0..4 of 5 s (20 s): window w has w+1 few_shot requests at 10 ms from the free
/// segment and 2 chain_of_thought requests at 300 ms (one a 500) from the pro segment.
fn recorded() -> Vec<WindowSnapshot> {
    let rec = Recorder::new(RecorderConfig::default(), 0).expect("default config");
    for w in 0..4u64 {
        let at = w * 5 * SECOND_US + 1;
        for _ in 0..=w {
            rec.record(&Sample {
                technique: Some(Technique::FewShot),
                segment: Segment::Free,
                ..sample(at, 10_000)
            });
        }
        for status in [200, 500] {
            rec.record(&Sample {
                technique: Some(Technique::ChainOfThought),
                segment: Segment::Pro,
                status,
                ..sample(at, 300_000)
            });
        }
    }
    let mut windows = rec.close_until(20 * SECOND_US);
    for (w, window) in windows.iter_mut().enumerate() {
        window.attach_gauges(&Gauges {
            cpu_percent: w as f64,
            ..Gauges::default()
        });
    }
    windows
}

#[test]
fn timeseries_per_step_and_group() {
    let windows = recorded();
    let step = Duration::from_secs(10);
    let ts = timeseries(
        &windows,
        Metric::Requests,
        step,
        Some(GroupBy::Technique),
        &Filter::default(),
    )
    .unwrap();
    assert_eq!(ts.timestamps_unix_us, [0, 10 * SECOND_US]);
    let names: Vec<&str> = ts.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["chain_of_thought", "few_shot"]);
    assert_eq!(ts.groups[0].values, [Some(4.0), Some(4.0)]);
    assert_eq!(ts.groups[1].values, [Some(3.0), Some(7.0)]); // 1+2, 3+4

    let rate = timeseries(
        &windows,
        Metric::ThroughputRps,
        step,
        None,
        &Filter::default(),
    )
    .unwrap();
    assert_eq!(rate.groups[0].name, "all");
    assert_eq!(rate.groups[0].values, [Some(0.7), Some(1.1)]);

    let errors = timeseries(
        &windows,
        Metric::ErrorRate,
        step,
        Some(GroupBy::Segment),
        &Filter::default(),
    )
    .unwrap();
    let pro = errors.groups.iter().find(|g| g.name == "pro").unwrap();
    assert_eq!(pro.values, [Some(0.5), Some(0.5)]);

    // Percentiles per step come from the step's merged histogram.
    let p50 = timeseries(
        &windows,
        Metric::LatencyP50Ms,
        step,
        None,
        &Filter::default(),
    )
    .unwrap();
    let first = p50.groups[0].values[0].unwrap(); // 3 at 10 ms, 4 at 300 ms: p50 is 300 ms
    assert!((300.0..=300.0 * (1.0 + 1.0 / 1024.0)).contains(&first));

    // Process-wide metrics ignore group_by; steps without snapshots are null.
    let cpu = timeseries(
        &windows,
        Metric::CpuPercent,
        Duration::from_secs(5),
        Some(GroupBy::Region),
        &Filter::default(),
    )
    .unwrap();
    assert_eq!(cpu.group_by, None);
    assert_eq!(
        cpu.groups[0].values,
        [Some(0.0), Some(1.0), Some(2.0), Some(3.0)]
    );
    let sparse = [windows[0].clone(), windows[3].clone()];
    let gaps = timeseries(
        &sparse,
        Metric::Requests,
        Duration::from_secs(5),
        None,
        &Filter::default(),
    )
    .unwrap();
    assert_eq!(gaps.groups[0].values, [Some(3.0), None, None, Some(6.0)]);

    assert!(matches!(
        timeseries(
            &windows,
            Metric::Requests,
            Duration::ZERO,
            None,
            &Filter::default()
        ),
        Err(Error::InvalidStep)
    ));
    assert!(matches!(
        timeseries(
            &windows,
            Metric::Requests,
            Duration::from_millis(999),
            None,
            &Filter::default()
        ),
        Err(Error::InvalidStep)
    ));
}

#[test]
fn heatmap_counts_latency_buckets_over_time() {
    let windows = recorded();
    let filter = Filter {
        segment: Some(Segment::Free),
        ..Filter::default()
    };
    let map = heatmap(&windows, Duration::from_secs(5), &filter).unwrap();
    assert_eq!(map.timestamps_unix_us.len(), 4);
    assert_eq!(map.counts.len(), 4);
    let ten_ms = map.upper_bounds_ms.iter().position(|&b| b == 10.0).unwrap();
    for (w, row) in map.counts.iter().enumerate() {
        assert_eq!(row.len(), map.upper_bounds_ms.len() + 1);
        assert_eq!(row.iter().sum::<u64>(), w as u64 + 1);
        // At 2 digits 10 ms sits in the histogram bucket 9 984..=10 047 µs, which
        // straddles the 10 ms bound: counted in the next bucket up, never reported faster.
        assert_eq!(row[ten_ms + 1], w as u64 + 1);
    }
    let everything = heatmap(&windows, Duration::from_secs(20), &Filter::default()).unwrap();
    assert_eq!(everything.counts, [everything.counts[0].clone()]);
    let three_hundred = everything
        .upper_bounds_ms
        .iter()
        .position(|&b| b == 500.0)
        .unwrap();
    assert_eq!(
        everything.counts[0][three_hundred], 8,
        "300 ms is in (250, 500]"
    );
}

#[test]
fn per_technique_table() {
    let windows = recorded();
    let rows = per_technique(&windows, &Filter::default());
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].technique.as_str(), rows[0].requests),
        ("few_shot", 10)
    );
    assert_eq!(rows[0].error_rate, 0.0);
    assert_eq!(
        (rows[1].technique.as_str(), rows[1].requests, rows[1].errors),
        ("chain_of_thought", 8, 4)
    );
    assert_eq!(rows[1].error_rate, 0.5);
    let p95 = rows[1].latency_ms.p95.unwrap();
    assert!((300.0..=300.0 * (1.0 + 1.0 / 128.0)).contains(&p95));
    // The grouped time series reads the same merged 2-digit histograms as the table.
    let grouped = timeseries(
        &windows,
        Metric::LatencyP95Ms,
        Duration::from_secs(20),
        Some(GroupBy::Technique),
        &Filter::default(),
    )
    .unwrap();
    let cot = grouped
        .groups
        .iter()
        .find(|g| g.name == "chain_of_thought")
        .unwrap();
    assert_eq!(cot.values, [Some(p95)]);
    let free_only = per_technique(
        &windows,
        &Filter {
            segment: Some(Segment::Free),
            ..Filter::default()
        },
    );
    assert_eq!(free_only.len(), 1);
}
