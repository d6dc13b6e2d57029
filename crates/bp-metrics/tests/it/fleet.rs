//! Several instances' windows read as one fleet: counts add, rates are over wall-clock
//! time, percentiles come from the merged histograms, gauges add up, and a time series
//! grouped by instance shows each alone on common timestamps.

use crate::support::{SECOND_US, sample};
use bp_metrics::{
    CallerId, Filter, Gauges, GroupBy, Metric, Recorder, RecorderConfig, Resolution, Sample,
    WindowSnapshot, downsample, merge_instances, summary, timeseries, timeseries_by_instance,
};
use bp_metrics::{Error, InstanceWindows, SlaTargets, apply_uptime, evaluate_sla, uptime};
use std::time::Duration;

/// Windows 0..4 of 5 s in which the instance served `per_window` requests with latencies
/// `base_us + i * 1000`, from callers `first_caller..first_caller + per_window`.
fn instance(per_window: u64, base_us: u64, first_caller: u64, cpu: f64) -> Vec<WindowSnapshot> {
    let rec = Recorder::new(RecorderConfig::default(), 0).expect("default config");
    for w in 0..4u64 {
        for i in 0..per_window {
            rec.record(&Sample {
                caller: Some(CallerId(first_caller + i)),
                labels: Default::default(),
                ..sample(w * 5 * SECOND_US + 1 + i, base_us + i * 1000)
            });
        }
    }
    let mut windows = rec.close_until(20 * SECOND_US);
    for window in &mut windows {
        window.attach_gauges(&Gauges {
            cpu_percent: cpu,
            memory_bytes: 100.0,
            ..Gauges::default()
        });
    }
    windows
}

/// One recorder that saw every request of both instances: what the fleet must equal.
fn everything() -> Vec<WindowSnapshot> {
    let rec = Recorder::new(RecorderConfig::default(), 0).expect("default config");
    for w in 0..4u64 {
        for (per_window, base_us, first_caller) in [(30, 2_000, 0), (50, 9_000, 1000)] {
            for i in 0..per_window {
                rec.record(&Sample {
                    caller: Some(CallerId(first_caller + i)),
                    labels: Default::default(),
                    ..sample(w * 5 * SECOND_US + 1 + i, base_us + i * 1000)
                });
            }
        }
    }
    rec.close_until(20 * SECOND_US)
}

/// Instances `a` and `b` with these windows.
fn named(a: &[WindowSnapshot], b: &[WindowSnapshot]) -> [InstanceWindows; 2] {
    [("a", a), ("b", b)].map(|(source, windows)| InstanceWindows {
        source: source.into(),
        windows: windows.to_vec(),
    })
}

#[test]
fn the_fleet_equals_one_process_that_served_everything() {
    let (a, b) = (
        instance(30, 2_000, 0, 40.0),
        instance(50, 9_000, 1000, 70.0),
    );
    let fleet = merge_instances(a.iter().chain(&b).cloned(), 2000);
    assert_eq!(fleet.len(), 4, "one fleet window per span");
    let got = summary(&fleet, &Filter::default());
    let want = summary(&everything(), &Filter::default());
    assert_eq!(got.requests, 320);
    assert_eq!(got.requests, want.requests);
    assert_eq!(
        got.covered_seconds, 20.0,
        "wall-clock time, not instance time"
    );
    assert_eq!(got.throughput_rps, 16.0);
    assert_eq!(got.throughput_rps, want.throughput_rps);
    assert_eq!(
        got.latency_ms, want.latency_ms,
        "percentiles from the merged histograms"
    );
    assert_eq!(got.distinct_users, 80);
    assert_eq!(got.concurrent_users, 80, "users unite across instances");
    // Gauges are the fleet's: CPU and memory add up.
    assert_eq!(got.cpu_percent, 110.0);
    assert!(
        (got.memory_bytes - 200.0).abs() < 1e-9,
        "{}",
        got.memory_bytes
    );

    // The same holds for rollups made per instance, then merged.
    let minutes = merge_instances(
        downsample(&a, Resolution::Minute, 2000)
            .into_iter()
            .chain(downsample(&b, Resolution::Minute, 2000)),
        2000,
    );
    let rolled = summary(&minutes, &Filter::default());
    assert_eq!(rolled.requests, 320);
    assert_eq!(rolled.covered_seconds, 20.0);
    assert_eq!(rolled.latency_ms, want.latency_ms);
}

#[test]
fn a_time_series_by_instance_aligns_each_instance_on_the_fleets_timestamps() {
    // Instance b only served the first two windows.
    let a = instance(30, 2_000, 0, 40.0);
    let b: Vec<WindowSnapshot> = instance(50, 9_000, 1000, 70.0)
        .into_iter()
        .take(2)
        .collect();
    let step = Duration::from_secs(5);
    let instances = named(&a, &b);
    let ts = timeseries_by_instance(&instances, Metric::ThroughputRps, step, &Filter::default())
        .unwrap();
    assert_eq!(ts.group_by, Some(GroupBy::Source));
    assert_eq!(ts.timestamps_unix_us.len(), 4);
    assert_eq!(ts.groups[0].name, "a");
    assert_eq!(ts.groups[0].values, [Some(6.0); 4]);
    assert_eq!(ts.groups[1].values, [Some(10.0), Some(10.0), None, None]);
    let fleet = merge_instances(a.into_iter().chain(b), 2000);
    let total = timeseries(
        &fleet,
        Metric::ThroughputRps,
        step,
        None,
        &Filter::default(),
    )
    .unwrap();
    assert_eq!(
        total.groups[0].values,
        [Some(16.0), Some(16.0), Some(6.0), Some(6.0)]
    );
    // Merged windows no longer know their instance.
    assert!(matches!(
        timeseries(
            &fleet,
            Metric::Requests,
            step,
            Some(GroupBy::Source),
            &Filter::default()
        ),
        Err(Error::NeedsInstances)
    ));
}

#[test]
fn an_instance_missing_between_its_windows_counts_against_availability() {
    // a serves all 4 windows; b serves the first and the last only (down in between).
    let a = instance(30, 2_000, 0, 40.0);
    let b: Vec<WindowSnapshot> = instance(50, 9_000, 1000, 70.0)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || *i == 3)
        .map(|(_, w)| w)
        .collect();
    let instances = named(&a, &b);
    let up = uptime(&instances);
    // Expected: a 4 windows, b 4 (its gap included); served: 6 of 8.
    assert_eq!(up.ratio(), Some(0.75));
    assert_eq!(up.of_window(0), Some(1.0));
    assert_eq!(up.of_window(5 * SECOND_US), Some(0.5));

    let fleet = merge_instances(a.into_iter().chain(b), 2000);
    let mut sla = evaluate_sla(&fleet, &SlaTargets::default(), &Filter::default());
    assert!(sla.overall.compliant, "no request failed");
    apply_uptime(&mut sla, &up);
    assert_eq!(sla.uptime, Some(0.75));
    assert_eq!(sla.overall.availability.value, Some(0.75));
    assert!(!sla.overall.compliant, "the outage counts");
    assert_eq!(
        sla.compliant_windows, 2,
        "the two windows b missed are not compliant"
    );
}
