//! `eval`: accuracy of the engine on labelled JSON lines or on the held-out corpus.

use crate::cli::EvalArgs;
use anyhow::Context;
use bp_api::{Complexity, Intent};
use bp_engine::Engine;
use bp_engine::corpus::{Example, Split, examples};
use bp_engine::eval::Evaluation;
use serde::Deserialize;
use std::io::BufRead;
use std::process::ExitCode;

/// Fields other than these are ignored.
#[derive(Deserialize)]
struct Row {
    text: String,
    intent: Intent,
    complexity: Complexity,
}

pub fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::new()?;
    let mut evaluation = Evaluation::default();
    match &args.data {
        None => {
            for row in examples(Split::HeldOut) {
                evaluation.add(&engine, &row);
            }
        }
        Some(path) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let row: Row = serde_json::from_str(&line)
                    .with_context(|| format!("{}:{}: not a labelled row", path.display(), n + 1))?;
                evaluation.add(
                    &engine,
                    &Example {
                        text: row.text,
                        intent: row.intent,
                        complexity: row.complexity,
                    },
                );
            }
        }
    }
    let report = evaluation.report();
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", report.render_text());
    }
    Ok(ExitCode::SUCCESS)
}
