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
        &["keys", "list"],
        &["keys", "revoke"],
        &["keys", "rotate"],
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

/// `keys create --expires|list|rotate|revoke` on the store: the listing never shows a
/// secret, rotation prints a new one, every change is in the audit log as the command
/// line's, and no secret reaches a log line even at debug level.
#[test]
fn keys_are_managed_from_the_command_line_without_leaking_a_secret() {
    let storage = TestStorage::new(Backend::Sqlite);
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(BIN)
            .args(args)
            .args(storage.cli_args("main"))
            .env("BP_LOG", "debug")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        (out.status.code(), stdout, stderr)
    };
    let (code, out, logs) = cli(&[
        "keys",
        "create",
        "--name",
        "ops",
        "--tier",
        "pro",
        "--role",
        "viewer",
        "--expires",
        "90d",
    ]);
    assert_eq!(code, Some(0), "{logs}");
    let secret = out.lines().last().unwrap().to_owned();
    let id = out
        .split_whitespace()
        .nth(2)
        .expect("created key <id> …")
        .to_owned();
    assert!(!logs.contains(&secret), "a secret in the logs");

    let (code, listing, logs) = cli(&["keys", "list"]);
    assert_eq!(code, Some(0));
    assert!(listing.contains(&id) && listing.contains("viewer") && listing.contains("active"));
    assert!(!listing.contains(&secret) && !logs.contains(&secret));
    let (_, json, _) = cli(&["keys", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let expires = listed[0]["expires_at"].as_str().expect("an expiry");
    let in_days = (expires.parse::<chrono::DateTime<chrono::Utc>>().unwrap() - chrono::Utc::now())
        .num_hours() as f64
        / 24.0;
    assert!((89.9..=90.0).contains(&in_days), "{in_days}");

    let (code, out, logs) = cli(&["keys", "rotate", &id, "--overlap", "1h"]);
    assert_eq!(code, Some(0), "{logs}");
    let rotated = out.lines().last().unwrap().to_owned();
    assert!(rotated.starts_with("bp_") && rotated != secret);
    assert!(!logs.contains(&rotated));
    let (code, _, _) = cli(&["keys", "revoke", &id]);
    assert_eq!(code, Some(0));
    let (_, listing, _) = cli(&["keys", "list"]);
    assert!(listing.contains("revoked"), "{listing}");
    let (code, _, stderr) = cli(&["keys", "revoke", &uuid::Uuid::now_v7().to_string()]);
    assert_eq!(code, Some(2), "{stderr}");

    // The audit log, read from the store itself.
    let path = storage.dir().join("main").join("betterprompts.sqlite3");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let events = runtime.block_on(async {
        let store = bp_store::open(&bp_store::StoreConfig::Sqlite { path })
            .await
            .unwrap();
        store
            .list_records(bp_store::RecordKind::Audit, 0, i64::MAX, 10)
            .await
            .unwrap()
    });
    let actions: Vec<serde_json::Value> = events
        .iter()
        .map(|e| serde_json::from_slice(&e.payload).unwrap())
        .collect();
    let names: Vec<&str> = actions
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["key.revoke", "key.rotate", "key.create"]);
    assert!(actions.iter().all(|a| a["actor"] == "command line"));
    let text = serde_json::to_string(&actions).unwrap();
    assert!(!text.contains(&secret) && !text.contains(&rotated));
}

/// OWASP API8: no secret reaches a log line. A server logging at trace level mints a key,
/// serves it, refuses a wrong one and rotates it; neither secret nor hash is in its log.
#[test]
fn no_secret_reaches_the_server_log() {
    let storage = TestStorage::new(Backend::Sqlite);
    let admin = create_key(&storage, &["--role", "admin"]);
    let log = storage.dir().join("server.log");
    let server = crate::process::ServerProcess::start_logged(
        std::path::Path::new(BIN),
        &storage.cli_args("main"),
        &[],
        &log,
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let secrets = runtime.block_on(async {
        let client = reqwest::Client::new();
        let minted: serde_json::Value = client
            .post(format!("{}/api/v1/admin/keys", server.base))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"name": "logged", "tier": "pro"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let key = minted["key"].as_str().unwrap().to_owned();
        let ok = client
            .post(format!("{}/api/v1/enhance", server.base))
            .bearer_auth(&key)
            .json(&serde_json::json!({"text": "Explain DNS"}))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let wrong = format!("bp_{}", "ab".repeat(32));
        let refused = client
            .get(format!("{}/api/v1/history", server.base))
            .bearer_auth(&wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        let rotated: serde_json::Value = client
            .post(format!(
                "{}/api/v1/admin/keys/{}/rotate",
                server.base,
                minted["id"].as_str().unwrap()
            ))
            .bearer_auth(&admin)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        vec![
            admin.clone(),
            key,
            wrong,
            rotated["key"].as_str().unwrap().to_owned(),
        ]
    });
    assert!(server.terminate(), "a clean shutdown");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.lines().count() >= 3, "the server logged:\n{logged}");
    for secret in &secrets {
        assert!(!logged.contains(&secret[3..]), "a secret in the log");
        assert!(
            !logged.contains(&bp_server::hash_key(secret)),
            "a key hash in the log"
        );
    }
}
