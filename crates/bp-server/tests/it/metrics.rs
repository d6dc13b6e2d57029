//! Metrics: the numbers match what was sent, per label, in the summary, the Prometheus
//! counters and the stored rollups; the live stream pushes every window and resumes with
//! `since`; exports are valid; a restart keeps the history.

use bp_testkit::{Backend, TestServer, json_ok};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;

/// One-second windows keep the tests quick.
async fn server(backend: Backend) -> TestServer {
    TestServer::start_with(backend, |c| c.telemetry.window = Duration::from_secs(1)).await
}

/// Waits until the summary of the last minute counts `n` requests for the filter.
async fn summary_when(s: &TestServer, query: &str, n: u64) -> Value {
    for _ in 0..60 {
        let body = json_ok(
            s.figures(&format!("/api/v1/metrics/summary?from=-1m&{query}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        if body["requests"].as_u64() == Some(n) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("summary never reached {n} requests for {query}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_match_source_per_label() {
    let s = server(Backend::Sqlite).await;
    let key = s.key("pro", "user", None).await;
    let (n_enhance_eu, n_enhance_anon, n_analyze) = (7u64, 5u64, 3u64);
    for i in 0..n_enhance_eu {
        let r = s
            .post("/api/v1/enhance")
            .bearer_auth(&key)
            .header("x-region", "eu-west")
            .json(&json!({"text": format!("Translate 'hello number {i}' into French")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    for i in 0..n_enhance_anon {
        s.enhance(
            None,
            json!({"text": format!("Write a short poem about rain, take {i}")}),
        )
        .await;
    }
    for _ in 0..n_analyze {
        let r = s
            .post("/api/v1/analyze")
            .json(&json!({"text": "what is 2+2?"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    // Per label, from the stored rollups.
    summary_when(&s, "endpoint=enhance", n_enhance_eu + n_enhance_anon).await;
    summary_when(&s, "endpoint=enhance&region=eu-west", n_enhance_eu).await;
    summary_when(&s, "endpoint=enhance&segment=pro", n_enhance_eu).await;
    summary_when(&s, "endpoint=enhance&segment=anonymous", n_enhance_anon).await;
    summary_when(&s, "endpoint=analyze", n_analyze).await;
    let translated = summary_when(
        &s,
        "endpoint=enhance&technique=few_shot&region=eu-west",
        n_enhance_eu,
    )
    .await;
    assert_eq!(translated["errors"], 0);
    assert!(translated["latency_ms"]["p99"].as_f64().unwrap() > 0.0);
    for field in [
        "throughput_rps",
        "cache_hit_rate",
        "cpu_percent",
        "memory_bytes",
        "db",
        "satisfaction",
        "sla",
        "cost_per_request_usd",
        "technique_accuracy",
    ] {
        assert!(
            translated.get(field).is_some(),
            "summary lacks {field}: {translated}"
        );
    }
    // The same counts in the Prometheus exposition.
    let text = s
        .figures("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let count = |needle: &[&str]| -> u64 {
        text.lines()
            .filter(|l| {
                l.starts_with("bp_http_requests_total{") && needle.iter().all(|n| l.contains(n))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>() as u64
    };
    assert_eq!(
        count(&["endpoint=\"enhance\"", "region=\"eu-west\""]),
        n_enhance_eu
    );
    assert_eq!(
        count(&["endpoint=\"enhance\"", "segment=\"anonymous\""]),
        n_enhance_anon
    );
    assert_eq!(count(&["endpoint=\"analyze\""]), n_analyze);
    assert!(
        text.contains("le=\"0.1\"") && text.contains("le=\"0.2\"") && text.contains("le=\"0.5\"")
    );
    // Technique breakdown and a time series over the same range.
    let techniques = json_ok(
        s.figures("/api/v1/metrics/techniques?from=-1m&endpoint=enhance")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let few_shot = techniques
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["technique"] == "few_shot")
        .expect("few_shot row");
    assert!(few_shot["requests"].as_u64().unwrap() >= n_enhance_eu);
    let series = json_ok(
        s.figures("/api/v1/metrics/timeseries?from=-1m&metric=requests&group_by=endpoint")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let enhance_line = series["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "enhance")
        .expect("enhance line");
    let total: f64 = enhance_line["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_f64)
        .sum();
    assert_eq!(total as u64, n_enhance_eu + n_enhance_anon);
    let heatmap = json_ok(
        s.figures("/api/v1/metrics/heatmap?from=-1m&endpoint=enhance")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(!heatmap["timestamps_unix_us"].as_array().unwrap().is_empty());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_pushes_each_window_and_resumes_with_since() {
    let s = server(Backend::Sqlite).await;
    let url = format!(
        "{}/api/v1/metrics/stream",
        s.base.replace("http://", "ws://")
    );
    let (mut socket, _) =
        tokio_tungstenite::connect_async(crate::metrics_live::viewer_handshake(&s, &url))
            .await
            .expect("ws connects");
    let mut seqs = Vec::new();
    while seqs.len() < 3 {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a window within 5 s");
        let message = message.expect("open").expect("ok");
        // The server pings once per window to tell a reading client from a stalled one.
        if !message.is_text() {
            continue;
        }
        let body: Value = serde_json::from_str(&message.into_text().unwrap()).unwrap();
        assert_eq!(body["type"], "window");
        for field in [
            "seq",
            "window_start",
            "window_end",
            "requests",
            "latency_ms",
            "sla",
        ] {
            assert!(body.get(field).is_some(), "{field} missing: {body}");
        }
        seqs.push(body["seq"].as_u64().unwrap());
    }
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "consecutive windows: {seqs:?}"
    );
    drop(socket);
    // Reconnect as if we had only seen the first: the two after it come first, in order.
    let resume = format!("{url}?since={}", seqs[0]);
    let (mut socket, _) =
        tokio_tungstenite::connect_async(crate::metrics_live::viewer_handshake(&s, &resume))
            .await
            .unwrap();
    let mut resumed = Vec::new();
    while resumed.len() < 3 {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if !message.is_text() {
            continue;
        }
        let text = message.into_text().unwrap();
        resumed.push(
            serde_json::from_str::<Value>(&text).unwrap()["seq"]
                .as_u64()
                .unwrap(),
        );
    }
    assert_eq!(
        &resumed[..2],
        &seqs[1..3],
        "missed windows first, none lost, none repeated"
    );
    assert_eq!(resumed[2], resumed[1] + 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_are_valid_csv_and_json_and_prometheus_passes_promtool() {
    let s = server(Backend::Sqlite).await;
    for _ in 0..4 {
        s.enhance(None, json!({"text": "Explain how rainbows form"}))
            .await;
    }
    summary_when(&s, "endpoint=enhance", 4).await;
    let csv = s
        .figures("/api/v1/metrics/export?format=csv&from=-1m")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    let header: Vec<_> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "window_start");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let requests: u64 = rows.iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    assert!(requests >= 4);
    let json: Value = s
        .figures("/api/v1/metrics/export?format=json&from=-1m&endpoint=enhance")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total: u64 = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 4);
    let bad = s
        .figures("/api/v1/metrics/export?format=xml")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let bad = s
        .figures("/api/v1/metrics/summary?from=yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    // promtool accepts the exposition.
    let text = s
        .figures("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut child = std::process::Command::new("/usr/bin/promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool (scripts/test.sh installs it)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_runs_are_reported_by_admins_and_listed() {
    let s = server(Backend::Sqlite).await;
    let report = json!({
        "profile": "baseline", "state": "running", "started_at": chrono::Utc::now(),
        "users": 100, "elapsed_s": 12.0, "duration_s": 360.0, "requests": 1200, "errors": 0,
        "throughput_rps": 100.0, "p50_ms": 1.2, "p95_ms": 3.4, "p99_ms": 7.9,
        "technique_accuracy": 0.82, "labelled_requests": 1000
    });
    let user = s.key("pro", "user", None).await;
    let r = s.put_json("/api/v1/load-runs/run-1", &user, &report).await;
    assert_eq!(r.status(), 403);
    let r = s
        .put_json("/api/v1/load-runs/run-1", &s.admin_key, &report)
        .await;
    assert_eq!(r.status(), 200);
    let bad = json!({"profile": "x"});
    let r = s
        .put_json("/api/v1/load-runs/run-2", &s.admin_key, &bad)
        .await;
    assert_eq!(r.status(), 400);
    let runs = json_ok(s.figures("/api/v1/load-runs").send().await.unwrap()).await;
    assert_eq!(runs[0]["id"], "run-1");
    assert_eq!(runs[0]["state"], "running");
    assert_eq!(runs[0]["technique_accuracy"], 0.82);
    s.stop().await;
}

/// Labelled requests (`X-Expected-Techniques`) give the server's own technique accuracy:
/// in the summary, the technique table, the time series and `/metrics`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labelled_requests_give_the_servers_own_technique_accuracy() {
    let s = server(Backend::Sqlite).await;
    let key = s.key("pro", "user", None).await;
    let text = "Write a Python function that reverses a linked list";
    let primary = s.enhance(Some(&key), json!({"text": text})).await["techniques_used"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if primary == "role_play" {
        "few_shot"
    } else {
        "role_play"
    };
    let enhance = |label: String| {
        s.post("/api/v1/enhance")
            .bearer_auth(&key)
            .header("x-expected-techniques", label)
            .json(&json!({"text": text}))
            .send()
    };
    // Right, wrong, right with the primary named among others.
    for label in [
        primary.clone(),
        wrong.to_owned(),
        format!("{wrong}, {primary}"),
    ] {
        assert_eq!(enhance(label).await.unwrap().status(), 200);
    }
    // A batch: item 0 right, item 1 unlabelled, item 2 wrong.
    let batch = json!({"prompts": [{"text": text}, {"text": "Hi"}, {"text": text}]});
    let r = s
        .post("/api/v1/batch")
        .bearer_auth(&key)
        .header("x-expected-techniques", format!("{primary};;{wrong}"))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Refused, and so not counted: an unknown id.
    let r = enhance("ChainOfThought".to_owned()).await.unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(body.contains("X-Expected-Techniques"), "{body}");
    // One group for three prompts labels the first alone: checked 1 (right).
    let r = s
        .post("/api/v1/batch")
        .bearer_auth(&key)
        .header("x-expected-techniques", primary.as_str())
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Enhance: 1 unlabelled + 3 labelled + 1 refused; batch: 2.
    summary_when(&s, "endpoint=enhance", 5).await;
    summary_when(&s, "endpoint=batch", 2).await;
    let summary = json_ok(
        s.figures("/api/v1/metrics/summary?from=-1m")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let accuracy = &summary["technique_accuracy"];
    assert_eq!(accuracy["labelled_checks"], 6, "{accuracy}");
    assert_eq!(accuracy["labelled"], 4.0 / 6.0, "{accuracy}");
    assert_eq!(summary["labelled"], json!({"checked": 6, "correct": 4}));

    let rows = json_ok(
        s.figures("/api/v1/metrics/techniques?from=-1m")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["technique"] == primary.as_str())
        .unwrap();
    assert_eq!(row["labelled_checks"], 3, "{row}");
    assert_eq!(row["labelled_accuracy"], 2.0 / 3.0, "{row}");

    // One step of a year (the longest) holds the whole test.
    let series = json_ok(
        s.figures("/api/v1/metrics/timeseries?from=-1m&metric=technique_accuracy&step=31536000")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let values: Vec<f64> = series["groups"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    assert_eq!(values, [4.0 / 6.0], "{series}");

    let rows = json_ok(
        s.figures("/api/v1/metrics/export?format=json&from=-1m")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let checks: u64 = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["labelled_checks"].as_u64().unwrap())
        .sum();
    assert_eq!(checks, 6, "{rows}");

    let exposition = s
        .figures("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let total = |name: &str| -> f64 {
        exposition
            .lines()
            .filter(|l| l.starts_with(&format!("{name}{{")))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
            .sum()
    };
    assert_eq!(total("bp_technique_checks_total"), 6.0);
    assert_eq!(total("bp_technique_checks_correct_total"), 4.0);
    s.stop().await;
}
