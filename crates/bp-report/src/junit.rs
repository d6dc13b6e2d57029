//! JUnit XML (`--junit`): a suite named after the profile, one test case per threshold, so
//! CI systems show which criterion failed and by how much.

use crate::Error;
use crate::model::Report;
use crate::text::observed;
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

pub fn junit_xml(report: &Report) -> Result<String, Error> {
    let mut suite = TestSuite::new(format!("betterprompts load: {}", report.profile));
    for verdict in &report.thresholds {
        let status = if verdict.ok {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("observed {}", observed(verdict.value)));
            s
        };
        let mut case = TestCase::new(verdict.expr.clone(), status);
        case.set_classname("thresholds");
        suite.add_test_case(case);
    }
    suite.set_time(Duration::try_from_secs_f64(report.duration_s).unwrap_or_default());
    let mut junit = JunitReport::new("betterprompts-load");
    junit.add_test_suite(suite);
    junit.to_string().map_err(Error::Junit)
}
