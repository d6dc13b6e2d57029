//! Metrics match source: exactly N samples with a known mix, recorded from several
//! threads, come out as exactly N in the summary and in the Prometheus counters, per
//! endpoint, technique, segment and region.

use crate::support::{SECOND_US, sample};
use bp_api::{Segment, Technique};
use bp_metrics::{
    CacheOutcome, CallerId, Cumulative, Endpoint, Filter, Recorder, RecorderConfig, Sample,
    render_prometheus, summary,
};
use std::collections::BTreeMap;
use std::time::Duration;

const THREADS: u64 = 4;
const PER_THREAD: u64 = 5_000;
const REGIONS: [&str; 3] = ["us-east", "eu-west", "ap-south"];
const SEGMENTS: [Segment; 4] = [
    Segment::Anonymous,
    Segment::Free,
    Segment::Pro,
    Segment::Enterprise,
];

/// The i-th sample of the mix: every label cycles with a different period.
fn mixed(rec: &Recorder, i: u64) -> Sample {
    let technique = Technique::ALL.get((i % 13) as usize).copied(); // 13th: no technique
    Sample {
        endpoint: Endpoint::ALL[(i % 10) as usize],
        status: if i.is_multiple_of(11) {
            503
        } else if i.is_multiple_of(7) {
            404
        } else {
            200
        },
        technique,
        segment: SEGMENTS[(i % 4) as usize],
        region: rec.region(REGIONS[(i % 3) as usize]),
        cache: if i.is_multiple_of(2) {
            CacheOutcome::Hit
        } else {
            CacheOutcome::Miss
        },
        caller: Some(CallerId(i % 50)),
        labels: Default::default(),
        // Spread over three 5 s windows.
        ..sample(10 * SECOND_US + (i % 15) * SECOND_US, 500 + i % 20_000)
    }
}

#[test]
fn summary_and_prometheus_counts_equal_what_was_recorded() {
    let config = RecorderConfig {
        window: Duration::from_secs(5),
        shards: 3,
        ..RecorderConfig::default()
    };
    let rec = Recorder::new(config, 10 * SECOND_US).unwrap();
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let rec = &rec;
            scope.spawn(move || {
                for i in t * PER_THREAD..(t + 1) * PER_THREAD {
                    rec.record(&mixed(rec, i));
                }
            });
        }
    });
    let windows = rec.close_until(25 * SECOND_US);
    assert_eq!(windows.len(), 3);
    let n = THREADS * PER_THREAD;

    // What was sent, counted independently.
    let all: Vec<Sample> = (0..n).map(|i| mixed(&rec, i)).collect();
    let count = |pred: &dyn Fn(&Sample) -> bool| all.iter().filter(|s| pred(s)).count() as u64;

    let total = summary(&windows, &Filter::default());
    assert_eq!(total.requests, n);
    assert_eq!(total.errors_5xx, count(&|s| s.status == 503));
    assert_eq!(total.errors_4xx, count(&|s| s.status == 404));
    assert_eq!(total.cache_hits, n / 2);
    assert_eq!(total.distinct_users, 50);
    assert_eq!(total.label_overflow_samples, 0);
    assert!((total.throughput_rps - n as f64 / 15.0).abs() < 1e-9);

    for &endpoint in Endpoint::ALL {
        let f = Filter {
            endpoint: Some(endpoint),
            ..Filter::default()
        };
        assert_eq!(
            summary(&windows, &f).requests,
            count(&|s| s.endpoint == endpoint)
        );
    }
    for &technique in Technique::ALL {
        let f = Filter {
            technique: Some(technique),
            ..Filter::default()
        };
        assert_eq!(
            summary(&windows, &f).requests,
            count(&|s| s.technique == Some(technique))
        );
    }
    for segment in SEGMENTS {
        let f = Filter {
            segment: Some(segment),
            ..Filter::default()
        };
        assert_eq!(
            summary(&windows, &f).requests,
            count(&|s| s.segment == segment)
        );
    }
    for region in REGIONS {
        let f = Filter {
            region: Some(region.to_uppercase()),
            ..Filter::default()
        };
        let id = rec.region(region);
        assert_eq!(summary(&windows, &f).requests, count(&|s| s.region == id));
    }

    // Prometheus: the same numbers from the counters and the histogram counts.
    let mut cumulative = Cumulative::new(2000);
    windows.iter().for_each(|w| cumulative.absorb(w));
    assert_eq!(cumulative.requests(), n);
    let text = render_prometheus(&cumulative);
    let by = |metric: &str, label: &str| -> BTreeMap<String, u64> {
        let mut sums = BTreeMap::new();
        for (labels, value) in samples(&text, metric) {
            *sums.entry(labels[label].clone()).or_insert(0) += value as u64;
        }
        sums
    };
    let endpoints = by("bp_http_requests_total", "endpoint");
    for &endpoint in Endpoint::ALL {
        assert_eq!(
            endpoints[endpoint.as_str()],
            count(&|s| s.endpoint == endpoint)
        );
    }
    let techniques = by("bp_http_requests_total", "technique");
    assert_eq!(techniques["none"], count(&|s| s.technique.is_none()));
    for &technique in Technique::ALL {
        assert_eq!(
            techniques[technique.as_str()],
            count(&|s| s.technique == Some(technique))
        );
    }
    let segments = by("bp_http_request_duration_seconds_count", "segment");
    for segment in SEGMENTS {
        assert_eq!(segments[segment.as_str()], count(&|s| s.segment == segment));
    }
    let regions = by("bp_http_requests_total", "region");
    for region in REGIONS {
        let id = rec.region(region);
        assert_eq!(regions[region], count(&|s| s.region == id));
    }
    let classes = by("bp_http_requests_total", "status_class");
    assert_eq!(classes["5xx"], total.errors_5xx);
    assert_eq!(classes["4xx"], total.errors_4xx);
    assert_eq!(classes["2xx"], n - total.errors_4xx - total.errors_5xx);
    let cache = by("bp_cache_requests_total", "outcome");
    assert_eq!((cache["hit"], cache["miss"]), (n / 2, n / 2));
}

/// `metric{labels} value` lines of a Prometheus text, parsed.
pub fn samples(text: &str, metric: &str) -> Vec<(BTreeMap<String, String>, f64)> {
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(metric)?;
            let (labels, value) = match rest.strip_prefix('{') {
                Some(inner) => inner.split_once("} ")?,
                None => ("", rest.strip_prefix(' ')?),
            };
            let labels = labels
                .split(',')
                .filter(|pair| !pair.is_empty())
                .filter_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    Some((k.to_owned(), v.trim_matches('"').to_owned()))
                })
                .collect();
            Some((labels, value.parse().ok()?))
        })
        .collect()
}
