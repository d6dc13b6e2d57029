//! Other renderings of a report: JUnit XML (one test case per threshold, for CI) and the
//! time series as CSV. HTML and PDF belong to `bp-report`.

use crate::report::Report;
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};
use std::fmt::Write as _;
use std::time::Duration;

/// JUnit XML: a suite named after the profile, one case per threshold.
pub fn junit_xml(report: &Report) -> Result<String, crate::Error> {
    let mut suite = TestSuite::new(format!("betterprompts load: {}", report.profile));
    for verdict in &report.thresholds {
        let status = if verdict.ok {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!(
                "observed {}",
                verdict
                    .value
                    .map_or("nothing".to_owned(), |v| format!("{v:.4}"))
            ));
            s
        };
        let mut case = TestCase::new(verdict.expr.clone(), status);
        case.set_classname("thresholds");
        suite.add_test_case(case);
    }
    suite.set_time(Duration::from_secs_f64(report.duration_s.max(0.0)));
    let mut junit = JunitReport::new("betterprompts-load");
    junit.add_test_suite(suite);
    junit
        .to_string()
        .map_err(|e| crate::Error::InvalidReport(e.to_string()))
}

/// One row per window: `t_s,window_s,users,requests,errors,dropped,rps,p50_ms,p95_ms,p99_ms`.
pub fn time_series_csv(report: &Report) -> String {
    let mut out =
        String::from("t_s,window_s,users,requests,errors,dropped,rps,p50_ms,p95_ms,p99_ms\n");
    for p in &report.time_series {
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
