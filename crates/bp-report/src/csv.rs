//! The time series as CSV (`--report-csv`): one row per window, for spreadsheets and
//! notebooks.

use crate::model::Report;
use std::fmt::Write as _;

pub const TIME_SERIES_HEADER: &str =
    "t_s,window_s,users,requests,errors,dropped,rps,p50_ms,p95_ms,p99_ms\n";

/// One row per window: `t_s,window_s,users,requests,errors,dropped,rps,p50_ms,p95_ms,p99_ms`.
pub fn time_series_csv(report: &Report) -> String {
    let mut out = String::from(TIME_SERIES_HEADER);
    for p in &report.time_series {
        // Writing into a String cannot fail.
        let _ = writeln!(
            out,
            "{:.3},{:.3},{},{},{},{},{:.2},{:.3},{:.3},{:.3}",
            p.t_s,
            p.window_s,
            p.users,
            p.requests,
            p.errors,
            p.dropped,
            p.rps,
            p.p50_ms,
            p.p95_ms,
            p.p99_ms
        );
    }
    out
}
