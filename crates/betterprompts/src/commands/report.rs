//! `report merge`: JSON reports of concurrent runs (e.g. from several machines) merged
//! exactly, histograms included.

use crate::cli::MergeArgs;
use anyhow::Context;
use bp_load::Report;
use std::process::ExitCode;

/// `report merge A.json B.json ... --out C.json`
pub fn merge(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let mut merged: Option<Report> = None;
    for path in &args.inputs {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let report = Report::from_json(&text)
            .with_context(|| format!("{} is not a load report", path.display()))?;
        merged = Some(match merged {
            None => report,
            Some(m) => bp_load::report::merge(&m, &report)?,
        });
    }
    let merged = merged.context("no reports to merge")?;
    std::fs::write(&args.out, merged.to_json()?)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    print!("{}", bp_report::summary(&merged));
    Ok(ExitCode::SUCCESS)
}
