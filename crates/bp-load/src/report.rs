//! The run's report: built from what the executor measured ([`build`]) and merged with
//! reports of concurrent runs ([`merge`]). The document itself and its renderings (JSON,
//! CSV, JUnit, HTML, chat summary) live in `bp-report`; this module fills it in, because
//! only the load generator knows its thresholds, tags and analyses.

mod build;
mod merge;

pub use bp_report::model::{
    AnalysisReport, Cell, GeneratorReport, Histograms, Iterations, LatencySummary, MemoryPoint,
    Report, SCHEMA_VERSION, TagSummary, WindowPoint,
};
pub(crate) use build::observed;
pub use build::{RunFacts, build};
pub use merge::merge;

use crate::recorder::Stats;
use bp_report::model::{WindowCounts, ratio};

/// The process exit code of a report's verdict: 0 all thresholds hold, 99 one failed.
pub fn exit_code(report: &Report) -> u8 {
    if report.thresholds_ok {
        crate::EXIT_OK
    } else {
        crate::EXIT_THRESHOLD_FAILED
    }
}

/// The summary of one tag value's requests.
pub(crate) fn tag_summary(stats: &Stats) -> TagSummary {
    TagSummary {
        requests: stats.requests,
        errors: stats.errors,
        error_rate: ratio(stats.errors, stats.requests),
        latency_ms: LatencySummary::of(&stats.latency),
        technique_accuracy: stats.accuracy(),
    }
}

/// A time-series point from a window's stats.
pub(crate) fn window_point(
    t_s: f64,
    window_s: f64,
    stats: &Stats,
    dropped: u64,
    users: u64,
) -> WindowPoint {
    WindowPoint::new(
        t_s,
        window_s,
        WindowCounts {
            users,
            requests: stats.requests,
            errors: stats.errors,
            dropped,
        },
        &stats.latency,
    )
}

/// A breakdown cell's figures as stats, to merge or re-evaluate thresholds on.
pub(crate) fn cell_stats(cell: &Cell) -> Stats {
    Stats {
        latency: cell.histogram.clone(),
        requests: cell.requests,
        errors: cell.errors,
        checked: cell.technique_checked,
        correct: cell.technique_correct,
    }
}
