//! B9: generating labelled prompts and serialising them as JSON lines, the inner loop of
//! `betterprompts dataset`. `cargo bench -p bp-dataset`.

use bp_api::Technique;
use bp_dataset::DatasetGenerator;
use bp_dataset::jsonl::{write_dataset, write_json_line};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// Two techniques per row, as the policy labels most cells.
const TECHNIQUES: [Technique; 2] = [Technique::ChainOfThought, Technique::StepByStep];

fn dataset(c: &mut Criterion) {
    let mut group = c.benchmark_group("dataset");
    group.sample_size(10);
    group.bench_function("100k_rows_to_jsonl_buffer", |b| {
        b.iter(|| {
            let mut generator = DatasetGenerator::new(1);
            let (mut text, mut out) = (String::new(), String::with_capacity(32 << 20));
            for _ in 0..100_000 {
                let (intent, complexity) = generator.next_into(&mut text);
                write_json_line(&mut out, &text, intent, complexity, &TECHNIQUES);
            }
            black_box(out.len())
        })
    });
    // The whole writer, distinctness count included, into memory instead of a file.
    group.bench_function("100k_rows_write_dataset", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(32 << 20);
            let written = write_dataset(&mut out, 1, 100_000, |_, _| TECHNIQUES.as_slice())
                .expect("in memory");
            black_box((out.len(), written))
        })
    });
    group.finish();
}

criterion_group!(benches, dataset);
criterion_main!(benches);
