//! Downsampling into minute and hour rollups, and the stored form's round trip.

use crate::support::{SECOND_US, raw_quantile, sample};
use bp_metrics::{
    CallerId, Filter, Gauges, Recorder, RecorderConfig, Resolution, TimingKind, WindowSnapshot,
    downsample, summary,
};
use std::time::Duration;

/// Twelve 5 s windows of one minute, with latencies, users and gauges.
fn a_minute() -> (Vec<WindowSnapshot>, Vec<u64>) {
    let minute = 28_333_333 * 60 * SECOND_US; // some aligned minute
    let rec = Recorder::new(RecorderConfig::default(), minute).expect("default config");
    let mut latencies = Vec::new();
    for w in 0..12u64 {
        for i in 0..(w + 1) * 10 {
            let latency_us = 200 + (w * 7919 + i * 104_729) % 300_000;
            latencies.push(latency_us);
            rec.record(&bp_metrics::Sample {
                caller: Some(CallerId(w * 3 + i % 3)),
                labels: Default::default(),
                ..sample(minute + w * 5 * SECOND_US + i, latency_us)
            });
        }
        rec.record_timing(
            TimingKind::WriterCommit,
            Duration::from_micros(900 + w),
            minute + w * 5 * SECOND_US,
        );
    }
    let mut windows = rec.close_until(minute + 60 * SECOND_US);
    for (w, window) in windows.iter_mut().enumerate() {
        window.attach_gauges(&Gauges {
            cpu_percent: 10.0 * (w as f64 + 1.0),
            memory_bytes: 1e6,
            ..Gauges::default()
        });
    }
    latencies.sort_unstable();
    (windows, latencies)
}

#[test]
fn twelve_five_second_windows_make_one_minute() {
    let (windows, sorted) = a_minute();
    assert_eq!(windows.len(), 12);
    let minutes = downsample(&windows, Resolution::Minute, 2000);
    assert_eq!(minutes.len(), 1);
    let m = &minutes[0];
    assert_eq!(m.start_unix_us, windows[0].start_unix_us);
    assert_eq!(m.end_unix_us, windows[11].end_unix_us);
    assert_eq!(m.covered_us, 60 * SECOND_US);
    assert_eq!(m.seq, windows[11].seq);
    // Counts add up: 10 + 20 + ... + 120.
    assert_eq!(m.total.requests(), 780);
    assert_eq!(m.series[0].stats.requests(), 780);
    // Histograms merge exactly: the rollup's histogram is the one of all samples.
    let mut merged = windows[0].total.latency.clone();
    windows[1..]
        .iter()
        .for_each(|w| merged.merge(&w.total.latency));
    assert_eq!(m.total.latency, merged);
    let p99 = m.total.latency.quantile_us(0.99).unwrap() as f64;
    let raw = raw_quantile(&sorted, 0.99) as f64;
    assert!(raw <= p99 && p99 <= raw * (1.0 + 1.0 / 1024.0));
    assert_eq!(m.timings.writer_commit.count(), 12);
    // Users unite: 36 distinct callers over the minute, 3 in each window.
    assert_eq!(m.users.count(), 36);
    // Gauges: mean of 10..=120 is 65, max 120.
    let g = m.gauges.unwrap();
    assert_eq!(g.readings, 12);
    assert!((g.mean.cpu_percent - 65.0).abs() < 1e-9);
    assert_eq!(g.max.cpu_percent, 120.0);
    // A summary over the rollup equals the summary over its windows.
    let (a, b) = (
        summary(&windows, &Filter::default()),
        summary(&minutes, &Filter::default()),
    );
    assert_eq!(
        (a.requests, a.latency_ms, a.throughput_rps),
        (b.requests, b.latency_ms, b.throughput_rps)
    );
    assert_eq!(
        b.concurrent_users, 36,
        "a rollup's distinct users are its union"
    );
    // And minutes roll up into hours the same way.
    let hours = downsample(&minutes, Resolution::Hour, 2000);
    assert_eq!(hours[0].total.latency, m.total.latency);
    assert_eq!(hours[0].start_unix_us % 3_600_000_000, 0);
}

#[test]
fn snapshots_round_trip_through_bytes() {
    let (windows, _) = a_minute();
    let rollup = downsample(&windows, Resolution::Minute, 2000).remove(0);
    for snapshot in windows.iter().chain([&rollup]) {
        let bytes = snapshot.to_bytes().unwrap();
        let back = WindowSnapshot::from_bytes(&bytes).unwrap();
        assert_eq!(&back, snapshot);
    }
    let empty = WindowSnapshot::empty(7, 0, 5 * SECOND_US);
    assert_eq!(
        WindowSnapshot::from_bytes(&empty.to_bytes().unwrap()).unwrap(),
        empty
    );

    let future = String::from_utf8(rollup.to_bytes().unwrap())
        .unwrap()
        .replacen("\"format\":1", "\"format\":99", 1);
    assert!(matches!(
        WindowSnapshot::from_bytes(future.as_bytes()),
        Err(bp_metrics::Error::UnsupportedVersion { found: 99, .. })
    ));
    assert!(WindowSnapshot::from_bytes(b"not json").is_err());
}
