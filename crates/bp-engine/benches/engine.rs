//! B3: classify + select + generate per prompt over the generated labelled dataset (median
//! from criterion, plus the p50/p99 distribution over 100 000 prompts printed first), model
//! training at start-up. `cargo bench -p bp-engine` (dataset generation, B9, is
//! `cargo bench -p bp-dataset`).

use bp_dataset::DatasetGenerator;
use bp_engine::{Engine, EnhanceOptions, PromptText};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Instant;

fn enhance(c: &mut Criterion) {
    let engine = Engine::new().expect("engine");
    let prompts: Vec<PromptText> = DatasetGenerator::new(7)
        .take(3000)
        .filter_map(|row| PromptText::new(row.text).ok())
        .collect();
    let options = EnhanceOptions::default();
    print_latency_distribution(&engine, &options);
    let mut i = 0;
    c.bench_function("enhance/dataset_prompt", |b| {
        b.iter(|| {
            i = (i + 1) % prompts.len();
            black_box(engine.enhance(&prompts[i], &options))
        })
    });
    c.bench_function("analyze/dataset_prompt", |b| {
        b.iter(|| {
            i = (i + 1) % prompts.len();
            black_box(engine.analyze(&prompts[i]))
        })
    });
    let long = PromptText::new("Please analyse this carefully. ".repeat(160)).expect("valid");
    c.bench_function("enhance/5000_chars", |b| {
        b.iter(|| black_box(engine.enhance(&long, &options)))
    });
}

/// Times each of 100 000 dataset prompts once and prints p50/p99/max: criterion reports
/// central estimates, the budget also asks for the tail.
fn print_latency_distribution(engine: &Engine, options: &EnhanceOptions) {
    let prompts: Vec<PromptText> = DatasetGenerator::new(11)
        .take(100_000)
        .filter_map(|row| PromptText::new(row.text).ok())
        .collect();
    let mut nanos: Vec<u128> = prompts
        .iter()
        .map(|p| {
            let started = Instant::now();
            black_box(engine.enhance(p, options));
            started.elapsed().as_nanos()
        })
        .collect();
    nanos.sort_unstable();
    let at = |q: f64| nanos[((nanos.len() - 1) as f64 * q) as usize] as f64 / 1e3;
    println!(
        "enhance over {} dataset prompts: p50 {:.2} us, p99 {:.2} us, max {:.2} us",
        nanos.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

fn train(c: &mut Criterion) {
    let mut group = c.benchmark_group("startup");
    group.sample_size(10);
    group.bench_function("train_engine", |b| {
        b.iter(|| black_box(Engine::new().expect("engine")))
    });
    group.finish();
}

criterion_group!(benches, enhance, train);
criterion_main!(benches);
