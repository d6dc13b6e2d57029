//! The rendered exposition passes `promtool check metrics` (/usr/bin/promtool, which
//! scripts/test.sh installs from Debian's prometheus package).

use crate::support::{SECOND_US, sample};
use bp_api::Technique;
use bp_metrics::{
    CacheOutcome, Cumulative, DbPoolGauges, Gauges, Recorder, RecorderConfig, Sample, TimingKind,
    render_prometheus,
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
    rec.record_timing(TimingKind::DbAcquire, Duration::from_micros(120), SECOND_US);
    rec.record_shared_cache(CacheOutcome::Miss, SECOND_US);
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
            },
            writer_queue_depth: 1.0,
        });
        cumulative.absorb(&window);
    }
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
