//! B7: the cost of `Recorder::record` on the hot path, single-threaded and with two
//! threads recording at once (each on its own shard), plus closing a busy window.
//! `cargo bench -p bp-metrics --bench record`.
//!
//! B7's budget is ≤ 3 % of throughput; at the ~47 k req/s one core serves (≈ 21 µs per
//! request), that leaves ≈ 600 ns per request for recording.

use bp_api::{Segment, Technique};
use bp_metrics::{CacheOutcome, CallerId, Endpoint, Recorder, RecorderConfig, Sample};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

const SECOND_US: u64 = 1_000_000;

/// A realistic mix: 4 endpoints × 13 technique values × 4 segments × 3 regions, spread
/// latencies, a cache outcome and a caller per sample.
fn samples(rec: &Recorder, n: usize) -> Vec<Sample> {
    let regions = ["us-east", "eu-west", "ap-south"].map(|r| rec.region(r));
    let segments = [
        Segment::Anonymous,
        Segment::Free,
        Segment::Pro,
        Segment::Enterprise,
    ];
    let endpoints = [
        Endpoint::Enhance,
        Endpoint::Batch,
        Endpoint::History,
        Endpoint::Analyze,
    ];
    (0..n as u64)
        .map(|i| Sample {
            endpoint: endpoints[(i % 4) as usize],
            status: if i % 97 == 0 { 500 } else { 200 },
            technique: Technique::ALL.get((i % 13) as usize).copied(),
            segment: segments[(i / 4 % 4) as usize],
            region: regions[(i % 3) as usize],
            cache: if i % 3 == 0 {
                CacheOutcome::Hit
            } else {
                CacheOutcome::Miss
            },
            latency: Duration::from_micros(200 + (i * 7919) % 20_000),
            completed_at_us: 1_000 * SECOND_US + (i % 4_000_000),
            caller: Some(CallerId(i % 200)),
            labels: Default::default(),
        })
        .collect()
}

fn recorder() -> Recorder {
    Recorder::new(RecorderConfig::default(), 1_000 * SECOND_US).expect("default config")
}

fn record(c: &mut Criterion) {
    let rec = recorder();
    let mix = samples(&rec, 4096);
    let mut i = 0;
    c.bench_function("record/1_thread", |b| {
        b.iter(|| {
            i = (i + 1) % mix.len();
            rec.record(black_box(&mix[i]));
        })
    });

    // Two threads record `iters` samples each, started together; the time reported is
    // the wall time per sample per thread, so equal to 1_thread means no contention.
    let shared = recorder();
    let mix = samples(&shared, 4096);
    c.bench_function("record/2_threads", |b| {
        b.iter_custom(|iters| two_threads(iters, [&shared, &shared], &mix))
    });
    // Reference for the line above: the same work with one recorder per thread, so
    // nothing at all is shared; the ratio between the two is the cost of sharing.
    let separate = [recorder(), recorder()];
    c.bench_function("record/2_threads_separate_recorders", |b| {
        b.iter_custom(|iters| two_threads(iters, [&separate[0], &separate[1]], &mix))
    });
}

/// Two threads record `iters` samples each, released together; returns the wall time.
fn two_threads(iters: u64, recorders: [&Recorder; 2], mix: &[Sample]) -> Duration {
    let barrier = Barrier::new(3);
    std::thread::scope(|scope| {
        for (t, rec) in recorders.into_iter().enumerate() {
            let barrier = &barrier;
            scope.spawn(move || {
                barrier.wait();
                for k in 0..iters as usize {
                    rec.record(black_box(&mix[(k + t * 2048) % mix.len()]));
                }
            });
        }
        barrier.wait();
        // The scope joins both threads before returning, so this times their work.
        Instant::now()
    })
    .elapsed()
}

/// Closing one 5 s window holding the mix's ~600 series from one shard.
fn close(c: &mut Criterion) {
    c.bench_function("close_until/600_series", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let rec = recorder();
                for s in samples(&rec, 4096) {
                    rec.record(&s);
                }
                let started = Instant::now();
                black_box(rec.close_until(1_005 * SECOND_US));
                total += started.elapsed();
            }
            total
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4));
    targets = record, close
}
criterion_main!(benches);
