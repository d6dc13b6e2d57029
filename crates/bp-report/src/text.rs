//! The terminal summary: one paragraph of figures, the generator's honesty line, the
//! profile's analysis and one line per threshold (`ok  ` or `FAIL`).

use crate::model::Report;
use std::fmt::Write as _;

/// The summary `betterprompts load` prints at the end of a run.
pub fn summary(report: &Report) -> String {
    let mut out = format!(
        "{} requests in {:.1} s ({:.1} req/s), errors {} ({:.3} %)\nlatency ms: p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2}\n",
        report.requests,
        report.duration_s,
        report.throughput_rps,
        report.errors,
        report.error_rate * 100.0,
        report.latency_ms.p50,
        report.latency_ms.p95,
        report.latency_ms.p99,
        report.latency_ms.max,
    );
    // Writing into a String cannot fail.
    if let Some(a) = report.technique_accuracy {
        let _ = writeln!(out, "technique accuracy {:.1} %", a * 100.0);
    }
    let g = &report.generator;
    let _ = writeln!(
        out,
        "generator: {:.1} % CPU, {:.1} us CPU/request, schedule lag p99 {:.2} ms, max RSS {:.1} MiB{}",
        g.cpu_percent,
        g.cpu_us_per_request,
        g.schedule_lag_ms.p99,
        g.max_rss_bytes as f64 / (1024.0 * 1024.0),
        if g.generator_bound {
            "  GENERATOR-BOUND: figures may describe the generator"
        } else {
            ""
        },
    );
    if report.iterations.dropped > 0 || report.iterations.late > 0 {
        let _ = writeln!(
            out,
            "iterations: {} late, {} dropped",
            report.iterations.late, report.iterations.dropped
        );
    }
    if let Some(a) = &report.analysis {
        for line in a.lines() {
            let _ = writeln!(out, "{line}");
        }
    }
    if let Some(why) = &report.stopped_early {
        let _ = writeln!(out, "stopped early: {why}");
    }
    for v in &report.thresholds {
        let mark = if v.ok { "ok  " } else { "FAIL" };
        let _ = writeln!(out, "{mark} {}  (observed {})", v.expr, observed(v.value));
    }
    out
}

/// A threshold's observed value with four decimals, or `n/a` when nothing was measured.
pub(crate) fn observed(value: Option<f64>) -> String {
    value.map_or("n/a".to_owned(), |x| format!("{x:.4}"))
}
