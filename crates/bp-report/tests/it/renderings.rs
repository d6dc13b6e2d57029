//! The other renderings of the fixed report: the terminal summary, CSV, JUnit XML, the
//! Slack-compatible message, and the JSON round trip.

use crate::fixture;
use bp_report::Report;

#[test]
fn json_round_trips_and_other_schema_versions_are_refused() {
    let report = fixture::report();
    let json = report.to_json().unwrap();
    assert_eq!(Report::from_json(&json).unwrap(), report);
    let old = json.replacen(
        &format!("\"schema_version\": {}", bp_report::SCHEMA_VERSION),
        "\"schema_version\": 1",
        1,
    );
    let e = Report::from_json(&old).unwrap_err().to_string();
    assert!(e.contains("schema version 1"), "{e}");
    assert!(Report::from_json("{}").is_err());
}

#[test]
fn summary_lists_figures_analysis_and_each_threshold() {
    let text = bp_report::summary(&fixture::report());
    assert!(text.starts_with("2000 requests in 10.0 s (199.6 req/s), errors 1 (0.050 %)\n"));
    assert!(text.contains("technique accuracy 90.0 %"));
    assert!(text.contains("generator: 5.0 % CPU, 250.0 us CPU/request"));
    assert!(text.contains("iterations: 2 late, 3 dropped"));
    assert!(text.contains("degradation: YES"));
    assert!(text.contains("server memory trend tau 0.90, p 0.001, slope 60.0000 MiB/min"));
    assert!(text.contains("ok   p(95)<200  (observed 45.6000)"));
    assert!(text.contains("FAIL p(95){region:eu-west}<30  (observed 38.0100)"));
    assert!(text.contains("FAIL rps>=950  (observed n/a)"));
}

#[test]
fn csv_has_one_row_per_window() {
    let csv = bp_report::time_series_csv(&fixture::report());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(format!("{}\n", lines[0]), bp_report::TIME_SERIES_HEADER);
    assert_eq!(lines.len(), 11);
    assert!(
        lines[1].starts_with("0.000,1.000,20,180,0,0,180.00,"),
        "{}",
        lines[1]
    );
}

#[test]
fn junit_has_a_case_per_threshold_and_failures_say_what_was_observed() {
    let xml = bp_report::junit_xml(&fixture::report()).unwrap();
    assert_eq!(xml.matches("<testcase").count(), 3);
    assert_eq!(xml.matches("<failure").count(), 2);
    assert!(xml.contains("observed 38.0100"), "{xml}");
    assert!(
        xml.contains(r#"tests="3""#) && xml.contains(r#"failures="2""#),
        "{xml}"
    );
}

#[test]
fn the_slack_message_has_a_fallback_text_and_escaped_blocks() {
    let m = bp_report::slack_message(&fixture::report());
    let text = m["text"].as_str().unwrap();
    assert!(
        text.contains("FAIL") && text.contains("199.6 req/s"),
        "{text}"
    );
    assert!(text.contains("geo &lt;&amp;&gt;"), "{text}");
    let blocks = m["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 4, "{blocks:?}");
    assert_eq!(blocks[0]["type"], "header");
    let failed = blocks[2]["text"]["text"].as_str().unwrap();
    assert!(failed.starts_with("*Failed thresholds*"), "{failed}");
    assert!(failed.contains("`p(95){region:eu-west}&lt;30`"), "{failed}");
    assert!(failed.contains("`rps&gt;=950` (observed n/a)"), "{failed}");
    assert!(!failed.contains("p(95)&lt;200"), "{failed}");
}
