//! `dataset`: labelled prompts as JSON lines (`bp_dataset::jsonl`), written to a file.

use crate::cli::DatasetArgs;
use anyhow::Context;
use bp_engine::Policy;
use std::process::ExitCode;

/// The file's write buffer: the writer hands it megabytes at a time.
const FILE_BUFFER_BYTES: usize = 4 << 20;

pub fn run(args: &DatasetArgs) -> anyhow::Result<ExitCode> {
    let policy = Policy::embedded()?;
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut file = std::io::BufWriter::with_capacity(FILE_BUFFER_BYTES, file);
    let started = std::time::Instant::now();
    let written = bp_dataset::jsonl::write_dataset(&mut file, args.seed, args.count, |i, c| {
        policy.primaries(i, c)
    })
    .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
        "wrote {} rows to {} in {:.2} s; distinct texts {:.4} of the first {}",
        written.rows,
        args.out.display(),
        started.elapsed().as_secs_f64(),
        written.distinct_share,
        written.sampled,
    );
    Ok(ExitCode::SUCCESS)
}
