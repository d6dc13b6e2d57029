//! `dataset`: labelled prompts as JSON lines, streamed to the file in large writes.

use crate::cli::DatasetArgs;
use anyhow::Context;
use bp_engine::Policy;
use bp_engine::dataset::{DatasetGenerator, write_json_line};
use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

/// Flush the buffer to the file past this size.
const FLUSH_BYTES: usize = 4 << 20;
/// Distinctness is counted on this many rows at most, to keep memory bounded.
const DISTINCT_SAMPLE_ROWS: u64 = 1_000_000;

pub fn run(args: &DatasetArgs) -> anyhow::Result<ExitCode> {
    let policy = Policy::embedded()?;
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut file = std::io::BufWriter::with_capacity(FLUSH_BYTES, file);
    let mut generator = DatasetGenerator::new(args.seed);
    let (mut text, mut out) = (String::new(), String::with_capacity(FLUSH_BYTES + 8192));
    let mut distinct = HashSet::new();
    let started = std::time::Instant::now();
    for row in 0..args.count {
        let (intent, complexity) = generator.next_into(&mut text);
        write_json_line(
            &mut out,
            &text,
            intent,
            complexity,
            policy.primaries(intent, complexity),
        );
        if row < DISTINCT_SAMPLE_ROWS {
            distinct.insert(fingerprint(&text));
        }
        if out.len() >= FLUSH_BYTES {
            file.write_all(out.as_bytes())?;
            out.clear();
        }
    }
    file.write_all(out.as_bytes())?;
    file.flush()?;
    let sampled = args.count.clamp(1, DISTINCT_SAMPLE_ROWS);
    eprintln!(
        "wrote {} rows to {} in {:.2} s; distinct texts {:.4} of the first {sampled}",
        args.count,
        args.out.display(),
        started.elapsed().as_secs_f64(),
        distinct.len() as f64 / sampled as f64,
    );
    Ok(ExitCode::SUCCESS)
}

/// 128-bit fingerprint: collisions are negligible at a million rows, memory is 16 B a row.
fn fingerprint(text: &str) -> u128 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    type Fx = BuildHasherDefault<rustc_hash::FxHasher>;
    let a = Fx::default().hash_one(text);
    let b = Fx::default().hash_one((text, 0x9e37_79b9u32));
    (u128::from(a) << 64) | u128::from(b)
}
