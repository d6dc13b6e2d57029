//! The HTML report: one self-contained page (nothing to fetch, no script), every section
//! present, user-written names escaped, and its whole structure pinned by a snapshot.

use crate::fixture;

#[test]
fn the_page_is_self_contained_and_complete() {
    let html = bp_report::html(&fixture::report()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    // Self-contained: no script, no stylesheet link, no external image or font, no
    // namespace URL either (inline SVG in HTML needs none).
    for forbidden in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", " src=", " href=", "https://",
        "xmlns",
    ] {
        assert!(!html.contains(forbidden), "found `{forbidden}`");
    }
    // Only the target, shown as text, is an http:// address.
    assert_eq!(html.matches("http://").count(), 1);
    for section in [
        r#"id="summary""#,
        r#"id="thresholds""#,
        r#"id="charts""#,
        r#"id="analysis""#,
        r#"id="breakdown""#,
        r#"id="generator""#,
    ] {
        assert!(html.contains(section), "missing {section}");
    }
    // Charts: throughput, latency, errors, users, server memory.
    assert_eq!(html.matches("<svg").count(), 5);
    assert_eq!(html.matches("<polyline").count(), 1 + 3 + 2 + 1 + 1);
    // The verdict and each threshold's result.
    assert!(html.contains(r#"<span class="verdict fail">FAIL</span>"#));
    assert!(html.contains("<code>p(95){region:eu-west}&lt;30</code>"));
    assert_eq!(
        html.matches(r#"<span class="mark fail">FAIL</span>"#)
            .count(),
        2
    );
    assert_eq!(
        html.matches(r#"<span class="mark pass">pass</span>"#)
            .count(),
        1
    );
    assert!(html.contains(">n/a<"), "an unmeasured threshold shows n/a");
    // Per-tag tables, analysis and honesty figures.
    for text in [
        "By endpoint",
        "By region",
        "By scenario and endpoint",
        "geo-eu-west / enhance",
        "status_503",
        "degradation: YES",
        "server memory trend",
        "CPU per request",
        "250.00 µs",
        "Schedule lag p50 / p99 / max",
    ] {
        assert!(html.contains(text), "missing {text}");
    }
    // The user-written profile name is escaped everywhere.
    assert!(!html.contains("geo <&>"));
    assert!(html.contains("geo &lt;&amp;&gt;"));
    // Prints well: page size and no splitting of charts and tables.
    assert!(html.contains("@media print") && html.contains("@page"));
    assert!(html.contains("break-inside: avoid"));
}

#[test]
fn a_passing_run_without_memory_or_analysis_renders_too() {
    let mut report = fixture::report();
    report.thresholds.retain(|t| t.ok);
    report.thresholds_ok = true;
    report.analysis = None;
    report.server_memory.clear();
    report.by_region.clear();
    report.time_series.clear();
    let html = bp_report::html(&report).unwrap();
    assert!(html.contains(r#"<span class="verdict pass">PASS</span>"#));
    assert!(!html.contains(r#"id="analysis""#));
    assert!(!html.contains("By region"));
    assert_eq!(html.matches("<svg").count(), 4);
    assert_eq!(html.matches("no data").count(), 4);
}

#[test]
fn the_page_structure_is_pinned() {
    insta::assert_snapshot!(bp_report::html(&fixture::report()).unwrap());
}
