//! The rendered exposition passes `promtool check metrics` (/usr/bin/promtool, which
//! scripts/test.sh installs from Debian's prometheus package).

use crate::support::{SECOND_US, sample};
use bp_api::Technique;
use bp_metrics::{
    Anomaly, CacheOutcome, Cumulative, DbOperation, DbPoolGauges, Gauges, Metric, Recorder,
    RecorderConfig, Sample, SharedCacheOutcome, TimingKind, render_prometheus,
};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn rendered() -> String {
    let rec = Recorder::new(RecorderConfig::default(), 0).expect("default config");
    let region = rec.region("eu-west");
    for (i, status) in [200, 200, 404, 503, 200].into_iter().enumerate() {
        rec.record(&Sample {
            status,
            region,
            technique: if i % 2 == 0 {
                Some(Technique::FewShot)
            } else {
                None
            },
            cache: CacheOutcome::Hit,
            ..sample(SECOND_US, 1_000 * (i as u64 + 1) * 60)
        });
    }
    rec.record_timing(
        TimingKind::WriterCommit,
        Duration::from_micros(900),
        SECOND_US,
    );
    for (op, query_us) in [
        (DbOperation::HistoryCommit, 800),
        (DbOperation::HistoryCommit, 1_200),
        (DbOperation::RollupRead, 150_000),
    ] {
        rec.record_db_call(
            op,
            Duration::from_micros(120),
            Duration::from_micros(query_us),
            SECOND_US,
        );
    }
    for outcome in [
        SharedCacheOutcome::Miss,
        SharedCacheOutcome::Hit,
        SharedCacheOutcome::Error,
    ] {
        rec.record_shared_cache(outcome, SECOND_US);
    }
    let mut cumulative = Cumulative::new(2000);
    for mut window in rec.close_until(10 * SECOND_US) {
        window.attach_gauges(&Gauges {
            cpu_percent: 150.0,
            memory_bytes: 64.0 * 1024.0 * 1024.0,
            open_fds: 40.0,
            in_flight: 3.0,
            db: DbPoolGauges {
                in_use: 2.0,
                idle: 6.0,
                waiting: 0.0,
                size: 8.0,
                wal_bytes: 4096.0,
                checkpoint_lag_seconds: 0.5,
            },
            writer_queue_depth: 1.0,
        });
        cumulative.absorb(&window);
    }
    cumulative.count_anomalies(&[Anomaly {
        seq: 3,
        window_start_unix_us: 15 * SECOND_US,
        window_end_unix_us: 20 * SECOND_US,
        metric: Metric::LatencyP95Ms,
        value: 80.0,
        baseline: 10.0,
        scale: 2.0,
        score: 35.0,
    }]);
    render_prometheus(&cumulative)
}

#[test]
fn exposition_has_help_type_and_sla_buckets() {
    let text = rendered();
    for family in [
        "bp_http_requests_total",
        "bp_http_request_duration_seconds",
        "bp_cache_requests_total",
        "bp_metrics_label_overflow_total",
        "bp_process_resident_memory_bytes",
        "bp_db_acquire_duration_seconds",
        "bp_db_query_duration_seconds",
        "bp_history_commit_duration_seconds",
        "bp_redis_cache_requests_total",
        "bp_anomalies_total",
    ] {
        assert!(text.contains(&format!("# HELP {family} ")), "{family}");
        assert!(text.contains(&format!("# TYPE {family} ")), "{family}");
    }
    for le in ["0.1", "0.2", "0.5"] {
        assert!(text.contains(&format!("le=\"{le}\"")), "{le}");
    }
    assert!(text.contains("status_class=\"5xx\""));
    assert!(text.contains("technique=\"none\""));
    assert!(
        text.contains("bp_process_cpu_seconds_total 15\n"),
        "150 % of a core for 10 s"
    );
    // Buckets are cumulative and end at the count.
    let bucket = crate::match_source::samples(&text, "bp_http_request_duration_seconds_bucket");
    let few_shot: Vec<f64> = bucket
        .iter()
        .filter(|(l, _)| l["technique"] == "few_shot")
        .map(|(_, v)| *v)
        .collect();
    assert!(few_shot.windows(2).all(|p| p[0] <= p[1]));
    assert_eq!(few_shot.last(), Some(&3.0));
    // Query time per operation, every call counted once.
    let count = |name: &str, label: &str| -> f64 {
        crate::match_source::samples(&text, name)
            .iter()
            .filter(|(l, _)| l.get("operation").map(String::as_str) == Some(label))
            .map(|(_, v)| *v)
            .sum()
    };
    assert_eq!(
        count("bp_db_query_duration_seconds_count", "history_commit"),
        2.0
    );
    assert_eq!(
        count("bp_db_query_duration_seconds_count", "rollup_read"),
        1.0
    );
    assert!(text.contains("bp_db_acquire_duration_seconds_count 3\n"));
    assert!(text.contains("bp_redis_cache_requests_total{outcome=\"error\"} 1\n"));
    assert!(text.contains("bp_anomalies_total{metric=\"latency_p95_ms\"} 1\n"));
}

#[test]
fn promtool_check_metrics_passes() {
    let promtool = Path::new("/usr/bin/promtool");
    // No skipping: scripts/test.sh installs it; a missing tool is a failed check.
    assert!(
        promtool.exists(),
        "/usr/bin/promtool is missing: apt-get install prometheus"
    );
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(rendered().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
