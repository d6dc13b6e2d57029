//! `report merge`: JSON reports of concurrent runs (e.g. from several machines) merged
//! exactly, histograms included. `report usl`: the Universal Scalability Law through
//! measured points.

use crate::cli::{MergeArgs, UslArgs};
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

/// The most load `report usl` considers when asked what a target needs.
const MAX_LOAD: u32 = 1000;

/// `report usl 1=480 2=930 3=1340 [--target 1000]... [--json]`
pub fn usl(args: &UslArgs) -> anyhow::Result<ExitCode> {
    let fit = bp_load::usl::fit(&args.points)
        .context("no fit: it needs at least three distinct loads with positive throughput")?;
    let needs: Vec<(f64, Option<u32>)> = args
        .targets
        .iter()
        .map(|&t| (t, fit.needed_for(t, MAX_LOAD)))
        .collect();
    if args.json {
        let value = serde_json::json!({
            "fit": fit,
            "targets": needs
                .iter()
                .map(|(t, n)| serde_json::json!({"throughput_rps": t, "load": n}))
                .collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!("{}", fit.line(&args.unit));
        for (target, need) in needs {
            match need {
                Some(n) => println!("{target:.0} req/s needs N = {n} {}", args.unit),
                None if fit.peak_n.is_some() => {
                    println!("{target:.0} req/s is beyond the predicted peak")
                }
                None => println!(
                    "{target:.0} req/s is beyond the predicted limit or needs more than {MAX_LOAD} {}",
                    args.unit
                ),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
