//! `betterprompts load` and `report merge` end to end: every profile time-scaled against a
//! live server, exit codes 0 / 99 / 2, refusal of non-loopback targets, auth setup through
//! the admin API, prompts from a dataset file, and merging reports.

use crate::process::{BIN, Backend, TestStorage, create_key, run, serve};
use std::path::Path;
use std::process::Command;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn load(args: &[&str]) -> Outcome {
    let out = Command::new(BIN)
        .arg("load")
        .args(args)
        .env("BP_LOG", "warn")
        .output()
        .expect("run load");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fields the issue pins, with sane values.
fn assert_well_formed(report: &serde_json::Value, what: &str) {
    for field in [
        "requests",
        "errors",
        "error_rate",
        "duration_s",
        "throughput_rps",
    ] {
        assert!(report[field].is_number(), "{what}: {field} in {report}");
    }
    assert!(
        report["requests"].as_u64().unwrap() > 0,
        "{what}: no requests"
    );
    for p in ["p50", "p95", "p99", "max"] {
        assert!(
            report["latency_ms"][p].as_f64().unwrap() > 0.0,
            "{what}: latency {p}"
        );
    }
    for t in report["thresholds"].as_array().unwrap() {
        assert!(t["expr"].is_string() && t["ok"].is_boolean(), "{what}: {t}");
    }
    assert!(report.get("technique_accuracy").is_some(), "{what}");
    for g in ["cpu_percent", "cpu_us_per_request"] {
        assert!(report["generator"][g].is_number(), "{what}: generator {g}");
    }
    assert!(
        report["generator"]["generator_bound"].is_boolean(),
        "{what}"
    );
    assert!(
        !report["time_series"].as_array().unwrap().is_empty(),
        "{what}"
    );
    assert!(
        report["histograms"]["latency"]["v2"]
            .as_str()
            .unwrap()
            .starts_with("HIST"),
        "{what}"
    );
    assert!(
        report["by_endpoint"]
            .as_object()
            .is_some_and(|m| !m.is_empty()),
        "{what}"
    );
}

#[test]
fn every_profile_runs_time_scaled_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let storage = TestStorage::new(Backend::Sqlite);
    let admin = create_key(&storage, &["--role", "admin", "--rate-limit", "unlimited"]);
    let server = serve(&storage);
    for (profile, scale) in [
        ("baseline", "0.003"),
        ("normal", "0.003"),
        ("peak", "0.003"),
        ("stress", "0.003"),
        ("spike", "0.003"),
        ("ramp-up", "0.003"),
        ("sustained", "0.003"),
        ("geo", "0.003"),
    ] {
        let json = dir.path().join(format!("{profile}.json"));
        let out = load(&[
            "--target",
            &server.base,
            "--profile",
            profile,
            "--time-scale",
            scale,
            "--admin-key",
            &admin,
            "--quiet",
            "--report-json",
            json.to_str().unwrap(),
        ]);
        // Each profile holds its SLA at its time scale: 99 (SLA failed) fails the test.
        assert_eq!(
            out.code, 0,
            "{profile}: exit {}\n{}\n{}",
            out.code, out.stdout, out.stderr
        );
        let report = read_json(&json);
        assert_well_formed(&report, profile);
        assert_eq!(report["profile"], profile);
        match profile {
            "stress" => {
                let a = &report["analysis"];
                assert_eq!(a["kind"], "breaking_point", "{a}");
                assert!(a["breaking_point_rps"].as_f64().unwrap() > 0.0, "{a}");
                assert!(a["capacity_at_sla_rps"].is_number(), "{a}");
                // The USL through its windows: throughput against requests in flight.
                let usl = &a["usl"];
                assert!(usl["lambda"].as_f64().unwrap() > 0.0, "{a}");
                assert!(usl["sigma"].as_f64().unwrap() >= 0.0, "{a}");
                assert!(usl["kappa"].as_f64().unwrap() >= 0.0, "{a}");
                assert!(out.stdout.contains("USL fit"), "{}", out.stdout);
                // Stress is judged by its breaking point, not by the SLA.
                assert_eq!(out.code, 0, "{}", out.stdout);
            }
            "spike" => {
                let spikes = report["analysis"]["spikes"].as_array().unwrap();
                assert_eq!(spikes.len(), 3);
                for s in spikes {
                    assert!(s["peak_p95_ms"].as_f64().unwrap() > 0.0, "{s}");
                    // Recovered (a number of seconds), not `null` for a spike that never did.
                    assert!(s["recovery_s"].as_f64().is_some_and(|r| r >= 0.0), "{s}");
                }
            }
            "sustained" => {
                let a = &report["analysis"];
                assert_eq!(a["kind"], "degradation");
                assert!(a["degrading"].is_boolean());
                assert!(a["p95"]["p_value"].is_number(), "{a}");
            }
            "geo" => {
                let regions = report["by_region"].as_object().unwrap();
                for r in ["us-east", "eu-west", "ap-south"] {
                    assert!(regions[r]["requests"].as_u64().unwrap() > 0, "{r}");
                }
                let exprs: Vec<&str> = report["thresholds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["expr"].as_str().unwrap())
                    .collect();
                assert!(exprs.contains(&"p(95){region:eu-west}<250"), "{exprs:?}");
            }
            _ => {}
        }
    }
}

#[test]
fn thresholds_decide_the_exit_code_and_usage_errors_exit_2() {
    let storage = TestStorage::new(Backend::Sqlite);
    let server = serve(&storage);
    let quick = |extra: &[&str]| {
        let mut args = vec![
            "--target",
            &server.base,
            "--vus",
            "2",
            "--duration",
            "1s",
            "--mix",
            "health=1",
            "--think-time",
            "50ms",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        load(&args)
    };
    let ok = quick(&["--threshold", "p(95)<10000", "--threshold", "rate<0.5"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("ok   p(95)<10000"), "{}", ok.stdout);
    let failed = quick(&["--threshold", "p(95)<0.0001"]);
    assert_eq!(failed.code, 99, "{}{}", failed.stdout, failed.stderr);
    assert!(
        failed.stdout.contains("FAIL p(95)<0.0001"),
        "{}",
        failed.stdout
    );
    let bad = quick(&["--threshold", "p95<1"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("invalid threshold"), "{}", bad.stderr);
    // batch and history need a key.
    let keyless = load(&[
        "--target",
        &server.base,
        "--vus",
        "1",
        "--duration",
        "1s",
        "--quiet",
    ]);
    assert_eq!(keyless.code, 2, "{}", keyless.stderr);
    assert!(
        keyless.stderr.contains("need an API key"),
        "{}",
        keyless.stderr
    );
    for (args, message) in [
        (vec!["--profile", "nope"], "unknown profile"),
        (vec!["--vus", "1"], "--duration"),
        (
            vec!["--vus", "1", "--duration", "1 day"],
            "expected a duration such as",
        ),
        (
            vec!["--rate", "10", "--duration", "1s", "--mix", "enhance=x"],
            "invalid mix",
        ),
        (
            vec!["--vus", "1", "--duration", "48h", "--mix", "health=1"],
            "a run lasts",
        ),
        (
            vec!["--profile", "stress", "--max-vus", "0"],
            "--max-vus must be at least 1",
        ),
    ] {
        let mut full = vec!["--target", server.base.as_str()];
        full.extend(args.iter().copied());
        let out = load(&full);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn non_loopback_targets_are_refused_before_any_traffic() {
    for target in [
        "http://10.0.0.1:8080",
        "http://192.168.1.10",
        "http://example.com",
        "http://8.8.8.8",
        "https://127.0.0.1:8080",
    ] {
        let out = load(&[
            "--target",
            target,
            "--rate",
            "1",
            "--duration",
            "1s",
            "--mix",
            "health=1",
        ]);
        assert_eq!(out.code, 2, "{target}: {}", out.stderr);
        assert!(
            out.stderr.contains("refusing") || out.stderr.contains("only http://"),
            "{target}: {}",
            out.stderr
        );
    }
}

#[test]
fn dataset_prompts_reports_and_merge_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let storage = TestStorage::new(Backend::Sqlite);
    let key = create_key(&storage, &["--rate-limit", "unlimited"]);
    let server = serve(&storage);
    let data = dir.path().join("prompts.jsonl");
    run(
        &["dataset", "--count", "500", "--out", data.to_str().unwrap()],
        None,
    );
    let paths: Vec<_> = ["a", "b"]
        .iter()
        .map(|n| dir.path().join(format!("{n}.json")))
        .collect();
    let csv = dir.path().join("a.csv");
    let junit = dir.path().join("a.xml");
    for (i, path) in paths.iter().enumerate() {
        let mut args = vec![
            "--target",
            &server.base,
            "--rate",
            "50",
            "--duration",
            "1s",
            "--key",
            &key,
            "--data",
            data.to_str().unwrap(),
            "--quiet",
            "--report-json",
            path.to_str().unwrap(),
        ];
        if i == 0 {
            args.extend([
                "--report-csv",
                csv.to_str().unwrap(),
                "--junit",
                junit.to_str().unwrap(),
            ]);
        }
        let out = load(&args);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }
    let (a, b) = (read_json(&paths[0]), read_json(&paths[1]));
    assert_well_formed(&a, "a");
    // The engine picks acceptable primaries for most generated prompts.
    let accuracy = a["technique_accuracy"].as_f64().unwrap();
    assert!(accuracy > 0.5, "{accuracy}");
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(
        csv.starts_with("t_s,window_s,users,requests,errors,dropped,rps,p50_ms,p95_ms,p99_ms\n")
    );
    assert!(csv.lines().count() > 2);
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert!(
        junit.contains("<testsuites") && junit.contains("p(95)&lt;200"),
        "{junit}"
    );
    let merged = dir.path().join("merged.json");
    run(
        &[
            "report",
            "merge",
            paths[0].to_str().unwrap(),
            paths[1].to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ],
        None,
    );
    let m = read_json(&merged);
    assert_well_formed(&m, "merged");
    assert_eq!(
        m["requests"].as_u64().unwrap(),
        a["requests"].as_u64().unwrap() + b["requests"].as_u64().unwrap()
    );
    let max = a["latency_ms"]["max"]
        .as_f64()
        .unwrap()
        .max(b["latency_ms"]["max"].as_f64().unwrap());
    assert_eq!(m["latency_ms"]["max"].as_f64().unwrap(), max);
}
