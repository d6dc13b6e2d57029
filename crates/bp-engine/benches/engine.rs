//! B3: classify + select + generate per prompt over the generated labelled dataset, and
//! dataset generation itself (B9). `cargo bench -p bp-engine`.

use bp_engine::dataset::{DatasetGenerator, write_json_line};
use bp_engine::{Engine, EnhanceOptions, PromptText};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn enhance(c: &mut Criterion) {
    let engine = Engine::new().expect("engine");
    let prompts: Vec<PromptText> = DatasetGenerator::new(7)
        .take(3000)
        .filter_map(|row| PromptText::new(row.text).ok())
        .collect();
    let options = EnhanceOptions::default();
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

fn dataset(c: &mut Criterion) {
    let engine = Engine::new().expect("engine");
    let mut group = c.benchmark_group("dataset");
    group.sample_size(10);
    group.bench_function("100k_rows_to_jsonl_buffer", |b| {
        b.iter(|| {
            let mut generator = DatasetGenerator::new(1);
            let (mut text, mut out) = (String::new(), String::with_capacity(32 << 20));
            for _ in 0..100_000 {
                let (intent, complexity) = generator.next_into(&mut text);
                let techniques = engine.policy().primaries(intent, complexity);
                write_json_line(&mut out, &text, intent, complexity, techniques);
            }
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, enhance, dataset);
criterion_main!(benches);
