//! Prometheus text exposition (format 0.0.4) of a [`Cumulative`]: counters `_total`,
//! latency histograms in seconds with buckets that include the SLA thresholds 0.1, 0.2
//! and 0.5 s exactly, gauges in base units, HELP and TYPE for every family, label values
//! escaped. Checked by `promtool check metrics` in the tests when promtool is installed.
//!
//! Bucket counts come from the HdrHistograms: a histogram bucket straddling a bound is
//! counted above it (see [`crate::LatencyHistogram::bucket_counts`]); `_sum` takes each
//! value at the middle of its bucket. Counts and `_count` are exact.

mod cumulative;

pub use cumulative::Cumulative;

use crate::histogram::LATENCY_BUCKETS_US;
use crate::labels::{SeriesKey, StatusClass};
use bp_api::metrics::{Gauges, LabelCounts};
use cumulative::Buckets;
use std::fmt::Write as _;

/// `le` label values of `LATENCY_BUCKETS_US`, written out so the SLA bounds appear
/// exactly as `0.1`, `0.2` and `0.5` (a test checks they match).
const LE: [&str; LATENCY_BUCKETS_US.len()] = [
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.2", "0.25", "0.5", "1", "2.5",
    "5", "10",
];

/// Label value of every dimension of the overflow series.
const OVERFLOW: &str = "overflow";

/// Renders everything `cumulative` holds.
pub fn render(cumulative: &Cumulative) -> String {
    let mut out = Text(String::with_capacity(4096 + cumulative.series.len() * 2048));
    let overflow_labels = [
        ("endpoint", OVERFLOW),
        ("technique", OVERFLOW),
        ("segment", OVERFLOW),
        ("region", OVERFLOW),
    ];
    let labelled = cumulative
        .series
        .iter()
        .map(|(key, totals)| (series_labels(key), totals))
        .chain(cumulative.overflow.iter().map(|t| (overflow_labels, t)));

    out.family(
        "bp_http_requests_total",
        "counter",
        "HTTP responses by endpoint, status class, primary technique, segment and region.",
    );
    for (labels, totals) in labelled.clone() {
        for &class in StatusClass::ALL {
            let n = totals.status.get(class);
            if n > 0 {
                let [endpoint, technique, segment, region] = labels;
                let with_class = [
                    endpoint,
                    ("status_class", class.as_str()),
                    technique,
                    segment,
                    region,
                ];
                out.sample("bp_http_requests_total", &with_class, n as f64);
            }
        }
    }

    // Declared even before the first labelled request, like the database histogram below.
    for (name, help, count) in [
        (
            "bp_technique_checks_total",
            "Labelled prompts (X-Expected-Techniques) by endpoint, primary technique (none for a batch), segment and region.",
            (|l: &LabelCounts| l.checked) as fn(&LabelCounts) -> u64,
        ),
        (
            "bp_technique_checks_correct_total",
            "Labelled responses whose primary technique was an acceptable one; accuracy = rate(correct) / rate(checks).",
            |l: &LabelCounts| l.correct,
        ),
    ] {
        out.family(name, "counter", help);
        for (labels, totals) in labelled.clone() {
            if totals.labelled.checked > 0 {
                out.sample(name, &labels, count(&totals.labelled) as f64);
            }
        }
    }

    out.family(
        "bp_http_request_duration_seconds",
        "histogram",
        "Time from a request's arrival to its response.",
    );
    for (labels, totals) in labelled {
        out.histogram("bp_http_request_duration_seconds", &labels, &totals.latency);
    }

    let in_process = &cumulative.cache;
    let redis = &cumulative.shared_cache;
    for (name, help, counts) in [
        (
            "bp_cache_requests_total",
            "In-process response cache lookups by outcome.",
            &[("hit", in_process.hits), ("miss", in_process.misses)][..],
        ),
        (
            "bp_redis_cache_requests_total",
            "Shared (Redis) cache calls by outcome; error: no answer, the request went on without it.",
            &[
                ("hit", redis.hits),
                ("miss", redis.misses),
                ("error", redis.errors),
            ][..],
        ),
    ] {
        out.family(name, "counter", help);
        for (outcome, n) in counts {
            out.sample(name, &[("outcome", outcome)], *n as f64);
        }
    }

    for (name, buckets) in &cumulative.timings {
        out.family(name, "histogram", timing_help(name));
        out.histogram(name, &[], buckets);
    }
    // Declared even before their first sample, so rules and dashboards over them resolve
    // from a server's first scrape (deploy/ checks its names against a live exposition).
    let name = "bp_db_query_duration_seconds";
    out.family(name, "histogram", timing_help(name));
    for (op, buckets) in &cumulative.db_query {
        out.histogram(name, &[("operation", op.as_str())], buckets);
    }
    let name = "bp_anomalies_total";
    out.family(
        name,
        "counter",
        "Windows flagged as anomalous, by the metric that deviated.",
    );
    for (metric, n) in &cumulative.anomalies {
        out.sample(name, &[("metric", metric)], *n as f64);
    }

    for (name, help, value) in [
        (
            "bp_metrics_label_overflow_total",
            "Samples whose label combination exceeded the series cap.",
            cumulative.overflowed_samples as f64,
        ),
        (
            "bp_metrics_late_samples_total",
            "Samples that completed in an already closed window.",
            cumulative.late_samples as f64,
        ),
        (
            "bp_metrics_windows_total",
            "Metric windows closed.",
            cumulative.windows as f64,
        ),
        (
            "bp_process_cpu_seconds_total",
            "CPU time used, from the per-window CPU readings.",
            cumulative.cpu_seconds,
        ),
    ] {
        out.family(name, "counter", help);
        out.sample(name, &[], value);
    }

    out.family(
        "bp_concurrent_users",
        "gauge",
        "Distinct callers in the latest window.",
    );
    out.sample(
        "bp_concurrent_users",
        &[],
        cumulative.concurrent_users as f64,
    );
    if let Some(gauges) = &cumulative.gauges {
        render_gauges(&mut out, gauges);
    }
    out.0
}

fn render_gauges(out: &mut Text, g: &Gauges) {
    for (name, help, value) in [
        (
            "bp_process_resident_memory_bytes",
            "Resident memory.",
            g.memory_bytes,
        ),
        ("bp_process_open_fds", "Open file descriptors.", g.open_fds),
        (
            "bp_http_requests_in_flight",
            "Requests being served.",
            g.in_flight,
        ),
        (
            "bp_db_pool_waiting_tasks",
            "Tasks waiting for a database connection.",
            g.db.waiting,
        ),
        (
            "bp_db_wal_bytes",
            "Size of SQLite's write-ahead log (0 on PostgreSQL).",
            g.db.wal_bytes,
        ),
        (
            "bp_db_checkpoint_lag_seconds",
            "How long the write-ahead log has stayed over the size at which it is emptied (0 while checkpoints keep up).",
            g.db.checkpoint_lag_seconds,
        ),
        (
            "bp_history_writer_queue_depth",
            "Rows queued for the history writer.",
            g.writer_queue_depth,
        ),
    ] {
        out.family(name, "gauge", help);
        out.sample(name, &[], value);
    }
    out.family(
        "bp_db_pool_connections",
        "gauge",
        "Database connections by state.",
    );
    out.sample(
        "bp_db_pool_connections",
        &[("state", "in_use")],
        g.db.in_use,
    );
    out.sample("bp_db_pool_connections", &[("state", "idle")], g.db.idle);
}

fn timing_help(name: &str) -> &'static str {
    match name {
        "bp_db_acquire_duration_seconds" => "Time waiting for a database connection.",
        "bp_db_query_duration_seconds" => {
            "Time of one database call on its connection, by operation."
        }
        _ => "Time of one history-writer group commit.",
    }
}

type Labels<'a> = [(&'static str, &'a str); 4];

fn series_labels(key: &SeriesKey) -> Labels<'_> {
    [
        ("endpoint", key.endpoint.as_str()),
        ("technique", key.technique_label()),
        ("segment", key.segment.as_str()),
        ("region", key.region.as_str()),
    ]
}

/// The output under construction. Writing to a `String` cannot fail, so results of
/// `write!` are ignored in one place.
struct Text(String);

impl Text {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.0.push_str(name);
        if !labels.is_empty() {
            self.0.push('{');
            for (i, (label, value)) in labels.iter().enumerate() {
                if i > 0 {
                    self.0.push(',');
                }
                let _ = write!(self.0, "{label}=\"");
                escape_into(&mut self.0, value);
                self.0.push('"');
            }
            self.0.push('}');
        }
        let _ = if value.is_finite() {
            writeln!(self.0, " {value}")
        } else {
            writeln!(self.0, " NaN")
        };
    }

    fn histogram(&mut self, name: &str, labels: &[(&str, &str)], buckets: &Buckets) {
        let bucket_name = format!("{name}_bucket");
        let mut cumulative = 0;
        let mut with_le: Vec<(&str, &str)> = labels.to_vec();
        for (i, le) in LE.iter().enumerate() {
            cumulative += buckets.counts[i];
            with_le.push(("le", le));
            self.sample(&bucket_name, &with_le, cumulative as f64);
            with_le.pop();
        }
        with_le.push(("le", "+Inf"));
        self.sample(&bucket_name, &with_le, buckets.count as f64);
        self.sample(&format!("{name}_sum"), labels, buckets.sum_seconds);
        self.sample(&format!("{name}_count"), labels, buckets.count as f64);
    }
}

/// Escapes a label value: backslash, double quote and newline.
fn escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        let mut out = String::new();
        escape_into(&mut out, "a\\b\"c\nd");
        assert_eq!(out, "a\\\\b\\\"c\\nd");
    }

    #[test]
    fn sla_thresholds_are_bucket_bounds() {
        let text = render(&Cumulative::new(10));
        assert!(text.contains("bp_metrics_label_overflow_total 0"));
        for (le, us) in LE.iter().zip(LATENCY_BUCKETS_US) {
            assert_eq!((le.parse::<f64>().unwrap() * 1e6).round() as u64, us);
        }
        for le in ["0.1", "0.2", "0.5"] {
            assert!(text.contains(&format!("le=\"{le}\"")) || LE.contains(&le));
        }
    }
}
