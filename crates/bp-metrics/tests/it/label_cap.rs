//! The label cap: beyond `max_series` combinations samples go to the overflow series, the
//! overflow counter counts them, totals stay exact and memory stays bounded.

use crate::support::{SECOND_US, sample};
use bp_api::{Segment, Technique};
use bp_metrics::{
    Cumulative, Endpoint, Filter, Recorder, RecorderConfig, Resolution, downsample,
    render_prometheus, summary,
};

/// 10 endpoints × 13 technique values × 4 segments = 520 combinations per region.
fn every_combination(rec: &Recorder, at_us: u64, region: &str) -> u64 {
    let region = rec.region(region);
    let mut n = 0;
    for &endpoint in Endpoint::ALL {
        for technique in Technique::ALL.iter().copied().map(Some).chain([None]) {
            for segment in [
                Segment::Anonymous,
                Segment::Free,
                Segment::Pro,
                Segment::Enterprise,
            ] {
                rec.record(&bp_metrics::Sample {
                    endpoint,
                    technique,
                    segment,
                    region,
                    ..sample(at_us, 1000)
                });
                n += 1;
            }
        }
    }
    n
}

#[test]
fn samples_beyond_the_cap_go_to_overflow_and_are_counted() {
    let config = RecorderConfig {
        max_series: 100,
        max_regions: 4,
        shards: 1,
        ..RecorderConfig::default()
    };
    let rec = Recorder::new(config, 0).unwrap();
    let mut n = 0;
    for region in ["a", "b", "c", "d", "e", "f"] {
        // Regions e and f are beyond max_regions: they become "other".
        n += every_combination(&rec, SECOND_US, region);
    }
    let windows = rec.close_until(5 * SECOND_US);
    let w = &windows[0];
    assert_eq!(w.series.len(), 100, "bounded by the cap");
    let overflow = w.overflow.as_ref().unwrap();
    assert_eq!(w.overflowed_samples, overflow.requests());
    assert_eq!(w.overflowed_samples, n - 100);
    assert_eq!(w.total.requests(), n, "the total still counts everything");
    assert!(
        w.series
            .iter()
            .all(|s| s.key.region != "e" && s.key.region != "f")
    );

    let unfiltered = summary(&windows, &Filter::default());
    assert_eq!(unfiltered.requests, n);
    assert_eq!(unfiltered.label_overflow_samples, n - 100);

    let mut cumulative = Cumulative::new(100);
    cumulative.absorb(w);
    assert_eq!(cumulative.requests(), n);
    let text = render_prometheus(&cumulative);
    assert!(text.contains(&format!("bp_metrics_label_overflow_total {}", n - 100)));
    assert!(text.contains("endpoint=\"overflow\""));

    // A rollup is capped the same way and still adds up.
    let rollup = downsample(&windows, Resolution::Minute, 50);
    assert_eq!(rollup[0].series.len(), 50);
    assert_eq!(rollup[0].total.requests(), n);
    let kept: u64 = rollup[0].series.iter().map(|s| s.stats.requests()).sum();
    assert_eq!(kept + rollup[0].overflow.as_ref().unwrap().requests(), n);
    assert_eq!(rollup[0].overflowed_samples, n - 50);
}

#[test]
fn shards_each_capped_merge_to_at_most_the_cap() {
    let config = RecorderConfig {
        max_series: 30,
        shards: 4,
        ..RecorderConfig::default()
    };
    let rec = Recorder::new(config, 0).unwrap();
    let n: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = ["a", "b", "c", "d"]
            .map(|region| {
                let rec = &rec;
                scope.spawn(move || every_combination(rec, SECOND_US, region))
            })
            .into_iter()
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let w = &rec.close_until(5 * SECOND_US)[0];
    assert!(w.series.len() <= 30);
    let kept: u64 = w.series.iter().map(|s| s.stats.requests()).sum();
    assert_eq!(kept + w.overflow.as_ref().unwrap().requests(), n);
    assert_eq!(w.overflowed_samples, n - kept);
}
