//! The end-of-run summary for chat webhooks (`--notify-webhook`), in the shape Slack's
//! incoming webhooks take: `text` as the fallback every client shows, `blocks` for the
//! layout. Mattermost and Rocket.Chat read the same `text`.

use crate::model::Report;
use crate::text::observed;
use serde_json::{Value, json};

/// Slack caps a section's text at 3000 characters; a few dozen thresholds stay far below.
const MAX_LISTED_FAILURES: usize = 20;

/// `{"text": ..., "blocks": [...]}` with the verdict, req/s, p95, errors and every failed
/// threshold.
pub fn slack_message(report: &Report) -> Value {
    let verdict = if report.thresholds_ok { "PASS" } else { "FAIL" };
    let text = format!(
        "BetterPrompts load test `{}`: {verdict}. {:.1} req/s, p95 {:.2} ms, errors {} ({:.3} %)",
        escape(&report.profile),
        report.throughput_rps,
        report.latency_ms.p95,
        report.errors,
        report.error_rate * 100.0,
    );
    let field = |label: &str, value: String| json!({"type": "mrkdwn", "text": format!("*{label}*\n{value}")});
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text",
            "text": format!("Load test {}: {verdict}", report.profile)}}),
        json!({"type": "section", "fields": [
            field("Throughput", format!("{:.1} req/s", report.throughput_rps)),
            field("p95 latency", format!("{:.2} ms", report.latency_ms.p95)),
            field("Errors", format!("{} ({:.3} %)", report.errors, report.error_rate * 100.0)),
            field("Requests", format!("{} in {:.1} s", report.requests, report.duration_s)),
        ]}),
    ];
    let failed: Vec<String> = report
        .failed_thresholds()
        .take(MAX_LISTED_FAILURES)
        .map(|v| format!("• `{}` (observed {})", escape(&v.expr), observed(v.value)))
        .collect();
    if !failed.is_empty() {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn",
            "text": format!("*Failed thresholds*\n{}", failed.join("\n"))}}));
    }
    let mut context = format!(
        "target {} · mix {}",
        escape(&report.target),
        escape(&report.mix)
    );
    if report.generator.generator_bound {
        context.push_str(" · GENERATOR-BOUND: figures may describe the generator");
    }
    if let Some(why) = &report.stopped_early {
        context.push_str(&format!(" · stopped early: {}", escape(why)));
    }
    blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]}));
    json!({"text": text, "blocks": blocks})
}

/// Slack reads `<`, `>` and `&` in message text as link and entity syntax, and threshold
/// expressions are full of `<`: these three are escaped, as Slack asks.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
