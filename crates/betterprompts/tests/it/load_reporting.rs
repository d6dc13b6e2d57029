//! What a load run tells others, end to end against a real `serve` process: its live state
//! pushed to the server (listed by `GET /api/v1/load-runs` while running, then finished with
//! the report's request count), the HTML report, the chat webhook (a tiny receiver on
//! 127.0.0.1), and the sustained profile's server-memory trend.

use crate::process::{BIN, Backend, TestStorage, create_key, serve, serve_with};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

/// A one-shot webhook receiver: answers 200 to the first POST and hands over its body.
async fn webhook_receiver() -> (String, oneshot::Receiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/hooks/T0/B0/token",
        listener.local_addr().unwrap()
    );
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut received = Vec::new();
        let mut buf = [0_u8; 4096];
        // Headers, then as many body bytes as Content-Length says.
        let body = loop {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending its body");
            received.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&received).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse().ok())?
                    })
                    .unwrap();
                if body.len() >= length {
                    assert!(head.starts_with("POST /hooks/T0/B0/token "), "{head}");
                    break body.to_owned();
                }
            }
        };
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let _ = tx.send(body);
    });
    (url, rx)
}

async fn load_runs(client: &reqwest::Client, base: &str, key: &str) -> Vec<serde_json::Value> {
    client
        .get(format!("{base}/api/v1/load-runs"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_state_reaches_the_server_and_the_html_report_and_webhook_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let storage = TestStorage::new(Backend::Sqlite);
    let admin = create_key(&storage, &["--role", "admin", "--rate-limit", "unlimited"]);
    let server = serve(&storage);
    let (hook, hook_body) = webhook_receiver().await;
    let json = dir.path().join("run.json");
    let html = dir.path().join("run.html");
    let mut child = Command::new(BIN)
        .args([
            "load",
            "--target",
            &server.base,
            "--rate",
            "40",
            "--duration",
            "3s",
        ])
        .args([
            "--mix",
            "enhance=1,health=1",
            "--admin-key",
            &admin,
            "--quiet",
        ])
        .args(["--report-json", json.to_str().unwrap()])
        .args(["--report-html", html.to_str().unwrap()])
        .args(["--notify-webhook", &hook])
        .env("BP_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // While it runs, the server lists it as running, with requests counted.
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen_running = None;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the load run did not end");
        if seen_running.is_none() {
            seen_running = load_runs(&client, &server.base, &admin)
                .await
                .into_iter()
                .find(|r| r["state"] == "running" && r["requests"].as_u64() > Some(0));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(status.code(), Some(0), "{status}");
    let running = seen_running.expect("the run was never listed as running");
    assert_eq!(running["profile"], "open");
    assert_eq!(running["target_rps"], 40.0);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // At the end: finished (or failed, with exit code 99, if a threshold did not hold on
    // this shared machine), with the report's own figures.
    let runs = load_runs(&client, &server.base, &admin).await;
    let run = runs
        .iter()
        .find(|r| r["id"] == running["id"])
        .unwrap_or_else(|| panic!("run {} not listed: {runs:?}", running["id"]));
    let ended = if status.code() == Some(0) {
        "finished"
    } else {
        "failed"
    };
    assert_eq!(run["state"], ended, "{run}");
    assert_eq!(run["requests"], report["requests"], "{run}");
    assert_eq!(run["errors"], report["errors"], "{run}");
    assert_eq!(
        run["labelled_requests"], report["technique_checked"],
        "{run}"
    );
    assert!(run["labelled_requests"].as_u64().unwrap() > 0, "{run}");
    assert_eq!(run["p95_ms"], report["latency_ms"]["p95"], "{run}");
    assert!(
        report["thresholds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["expr"] == "rps>=38")
    );
    // The HTML report: one self-contained page.
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<svg"));
    assert!(!page.contains("<script") && !page.contains("<link"));
    // The webhook got a Slack-compatible summary.
    let body = tokio::time::timeout(Duration::from_secs(5), hook_body)
        .await
        .unwrap()
        .unwrap();
    let message: serde_json::Value = serde_json::from_str(&body).unwrap();
    let text = message["text"].as_str().unwrap();
    assert!(text.contains("req/s") && text.contains("p95"), "{text}");
    assert!(message["blocks"].as_array().is_some_and(|b| b.len() >= 3));
}

/// Runs `betterprompts load` quietly with `args`, asserts exit 0, and returns its JSON
/// report and what it printed.
fn run_load(args: &[&str]) -> (serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let out = Command::new(BIN)
        .arg("load")
        .args(args)
        .args(["--quiet", "--report-json", json.to_str().unwrap()])
        .env("BP_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (report, String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_sustained_profile_reports_the_server_memory_trend() {
    let storage = TestStorage::new(Backend::Sqlite);
    // The generator reads the server's /metrics with the run's key: an admin's reads figures.
    let admin = create_key(&storage, &["--role", "admin"]);
    // One-second metrics windows: the memory gauge moves once a second.
    let server = serve_with(&storage, &["--metrics-window", "1"]);
    // 500 users thinking 5 s: ~100 req/s, gentle on a debug build sharing two cores.
    let (report, summary) = run_load(&[
        "--target",
        &server.base,
        "--key",
        &admin,
        "--profile",
        "sustained",
        "--time-scale",
        "0.005",
        "--think-time",
        "5s",
        "--mix",
        "health=1",
    ]);
    let memory = report["server_memory"].as_array().unwrap();
    assert!(memory.len() >= 4, "{memory:?}");
    assert!(memory.iter().all(|m| m["bytes"].as_u64() > Some(1 << 20)));
    let trend = &report["analysis"]["server_memory"];
    assert!(trend["p_value"].is_number(), "{}", report["analysis"]);
    assert!(trend["n"].as_u64() >= Some(4));
    assert!(summary.contains("server memory trend"), "{summary}");
}

/// The server's summary of the last 5 minutes once `done` holds for it (windows are stored a
/// moment after they close); panics after 15 s with the last one.
async fn summary_when(
    base: &str,
    key: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        let summary: serde_json::Value = client
            .get(format!("{base}/api/v1/metrics/summary?from=-5m"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if done(&summary) {
            return summary;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{summary}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Labelled traffic: the generator sends each prompt's acceptable techniques
/// (`X-Expected-Techniques`), and the server's own technique accuracy, recorded in its
/// windows, is the generator's, response for response.
#[tokio::test]
async fn the_server_records_the_generators_technique_accuracy() {
    let storage = TestStorage::new(Backend::Sqlite);
    let key = create_key(&storage, &["--rate-limit", "unlimited"]);
    let server = serve_with(&storage, &["--metrics-window", "1"]);
    let (report, _) = run_load(&[
        "--target",
        &server.base,
        "--key",
        &key,
        "--rate",
        "100",
        "--duration",
        "2s",
        "--mix",
        "enhance=7,batch=3",
    ]);
    let generator = serde_json::json!({
        "checked": report["technique_checked"],
        "correct": report["technique_correct"],
    });
    assert!(report["technique_checked"].as_u64() > Some(150), "{report}");
    // The figures are read with a viewer key; the load ran with a user's.
    let viewer = create_key(&storage, &["--role", "viewer"]);
    let summary = summary_when(&server.base, &viewer, |s| s["labelled"] == generator).await;
    assert_eq!(
        summary["technique_accuracy"]["labelled"],
        report["technique_accuracy"]
    );
}

/// The peak profile's 1000 virtual users, time-scaled and sharing one key, are 1000 users to
/// the server: each sends its own `X-User-Id`.
#[tokio::test]
async fn a_thousand_virtual_users_are_a_thousand_users() {
    let storage = TestStorage::new(Backend::Sqlite);
    let key = create_key(&storage, &["--rate-limit", "unlimited"]);
    let server = serve(&storage);
    // 22 s; 1000 users thinking 4 s: ~250 req/s, gentle on a debug build.
    run_load(&[
        "--target",
        &server.base,
        "--key",
        &key,
        "--profile",
        "peak",
        "--time-scale",
        "0.02",
        "--think-time",
        "4s",
        "--mix",
        "enhance=1",
    ]);
    // Exact sets, or a HyperLogLog (±2 %) once they grow past their cap.
    let viewer = create_key(&storage, &["--role", "viewer"]);
    let summary = summary_when(&server.base, &viewer, |s| {
        s["distinct_users"]
            .as_u64()
            .is_some_and(|n| (980..=1020).contains(&n))
    })
    .await;
    // In one 5-s window most of them were active at once.
    let concurrent = summary["concurrent_users"].as_u64().unwrap();
    assert!(concurrent > 500, "{concurrent} concurrent");
}
