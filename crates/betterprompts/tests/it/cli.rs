//! The CLI's contracts: keys on the last line, dataset and eval outputs, --help.

use crate::process::{BIN, Backend, TestStorage, create_key, run, serve, serve_with};

#[test]
fn keys_create_prints_the_key_alone_on_the_last_line_and_it_works() {
    let storage = TestStorage::new(Backend::Sqlite);
    let key = create_key(&storage, &["--role", "admin"]);
    let dir = storage.dir().join("main");
    assert!(key.starts_with("bp_") && !key.contains(' '));
    // Only a hash is stored: the secret appears nowhere in the database file.
    let db = std::fs::read(dir.join("betterprompts.sqlite3")).unwrap();
    let wal = std::fs::read(dir.join("betterprompts.sqlite3-wal")).unwrap_or_default();
    let needle = key.as_bytes();
    assert!(
        !db.windows(needle.len()).any(|w| w == needle)
            && !wal.windows(needle.len()).any(|w| w == needle)
    );
    let server = serve(&storage);
    let status = get_status(&format!("{}/api/v1/history", server.base), &key);
    assert_eq!(status, 200);
}

#[test]
fn dataset_and_eval_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prompts.jsonl");
    run(
        &[
            "dataset",
            "--count",
            "3000",
            "--out",
            out.to_str().unwrap(),
            "--seed",
            "7",
        ],
        None,
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3000);
    for row in &rows {
        for field in ["text", "intent", "complexity", "techniques"] {
            assert!(row.get(field).is_some(), "{row}");
        }
    }
    // Same seed, same bytes.
    let again = dir.path().join("again.jsonl");
    run(
        &[
            "dataset",
            "--count",
            "3000",
            "--out",
            again.to_str().unwrap(),
            "--seed",
            "7",
        ],
        None,
    );
    assert_eq!(std::fs::read(&again).unwrap(), text.as_bytes());
    let json = run(&["eval", "--data", out.to_str().unwrap(), "--json"], None);
    let report: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(report["n"], 3000);
    for field in [
        "intent_accuracy",
        "complexity_accuracy",
        "technique_accuracy",
    ] {
        let v = report[field].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v), "{field} {v}");
    }
    let human = run(&["eval", "--holdout"], None);
    assert!(human.contains("intent accuracy") && human.contains("confusion matrix"));
}

/// Every command's `--help`, pinned: a flag added, renamed or reworded shows in review as a
/// snapshot change (`tests/it/snapshots/`), and every one ends with an example. Run with an
/// empty environment, so no `BP_*` variable shows up as a value.
#[test]
fn every_command_has_help_with_an_example_and_it_is_pinned() {
    for sub in [
        &[][..],
        &["serve"],
        &["demo"],
        &["keys"],
        &["keys", "create"],
        &["dataset"],
        &["eval"],
        &["load"],
        &["report"],
        &["report", "merge"],
        &["report", "usl"],
    ] {
        let out = std::process::Command::new(BIN)
            .args(sub)
            .arg("--help")
            .env_clear()
            .output()
            .unwrap();
        assert!(out.status.success(), "{sub:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Usage"), "{sub:?}");
        assert!(help.contains("Example"), "{sub:?} has no example:\n{help}");
        let name = if sub.is_empty() {
            "help".to_owned()
        } else {
            format!("help-{}", sub.join("-"))
        };
        insta::assert_snapshot!(name, help);
    }
    let bad = std::process::Command::new(BIN)
        .args(["keys", "create", "--name", "x", "--tier", "gold"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected free, pro or enterprise"));
}

/// `report usl` fits the Universal Scalability Law to measured points and says how many
/// instances a target needs; bad points are usage errors.
#[test]
fn report_usl_fits_fleet_points_and_sizes_targets() {
    let usl = |args: &[&str]| {
        std::process::Command::new(BIN)
            .args(["report", "usl"])
            .args(args)
            .output()
            .unwrap()
    };
    // X(N) = 500N / (1 + 0.05(N−1) + 0.002N(N−1)) at N = 1, 2, 3, 5.
    let out = usl(&[
        "1=500",
        "2=948.766",
        "3=1348.921",
        "5=2016.129",
        "--target",
        "1300",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fit = &v["fit"];
    assert!(
        (fit["lambda"].as_f64().unwrap() - 500.0).abs() < 0.1,
        "{fit}"
    );
    assert!(
        (fit["sigma"].as_f64().unwrap() - 0.05).abs() < 1e-3,
        "{fit}"
    );
    assert!(
        (fit["kappa"].as_f64().unwrap() - 0.002).abs() < 1e-4,
        "{fit}"
    );
    assert_eq!(v["targets"][0]["load"], 3);
    let text = usl(&["1=480", "2=930", "3=1340", "--target", "1000"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("USL fit (N = instances)")
            && text.contains("1000 req/s needs N = 3 instances"),
        "{text}"
    );
    for bad in [
        &["1=480", "2=930"][..],
        &["1=480", "2=930", "3=0"],
        &["1=480", "2=930", "x"],
    ] {
        assert_eq!(usl(bad).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn serve_checks_and_takes_the_anomaly_and_metrics_source_flags() {
    for bad in [
        &["--anomaly-threshold", "0"][..],
        &["--anomaly-threshold", "NaN"],
        &["--anomaly-baseline-windows", "2"],
        &["--anomaly-min-requests", "-1"],
        &["--metrics-source", ""],
    ] {
        let mut child = std::process::Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(bad)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // A flag that slipped through would leave a server running: give up after 10 s.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        assert_eq!(status.and_then(|s| s.code()), Some(2), "{bad:?}");
    }
    // All of them at once serve; a baseline shorter than the default warm-up (12 windows)
    // is valid too.
    let storage = TestStorage::new(Backend::Sqlite);
    let server = serve_with(
        &storage,
        &[
            "--metrics-source",
            "edge-1",
            "--anomaly-baseline-windows",
            "5",
            "--anomaly-threshold",
            "3.5",
            "--anomaly-min-requests",
            "1",
        ],
    );
    let key = create_key(&storage, &[]);
    assert_eq!(get_status(&format!("{}/ready", server.base), &key), 200);
    assert!(server.terminate(), "drained and exited cleanly");
}

fn get_status(url: &str, key: &str) -> u16 {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(url)
            .bearer_auth(key)
            .send()
            .await;
        response.expect("server answers").status().as_u16()
    })
}

/// Logs off a terminal are plain text (no colour escape codes in a file or a pipe), and
/// `--log-format json` gives one JSON object per line.
#[test]
fn logs_are_plain_off_a_terminal_and_json_when_asked() {
    let keys_create = |format: &str| {
        let storage = TestStorage::new(Backend::Sqlite);
        let out = std::process::Command::new(BIN)
            .args(["keys", "create", "--name", "logs", "--tier", "pro"])
            .args(["--log-format", format])
            .args(storage.cli_args("main"))
            .env("BP_LOG", "info")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let text = keys_create("text");
    assert!(text.contains("applied SQLite migration"), "{text}");
    assert!(!text.contains('\u{1b}'), "escape codes in a pipe: {text:?}");

    let json = keys_create("json");
    let lines: Vec<&str> = json.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "no log lines");
    for line in lines {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(entry["level"].is_string(), "{entry}");
        assert!(entry["fields"]["message"].is_string(), "{entry}");
    }
}
