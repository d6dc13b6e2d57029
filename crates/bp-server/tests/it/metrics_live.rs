//! Metrics under less friendly conditions: a stream client that stops reading, a server
//! restart, database timings on both backends, and anomalies flagged end to end.

use bp_store::StoreConfig;
use bp_testkit::{Backend, TestServer, TestStorage, json_ok};
use chrono::Timelike;
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// One-second windows keep the tests quick.
async fn server_on(backend: Backend, store: Option<StoreConfig>) -> TestServer {
    TestServer::start_with(backend, move |c| {
        c.telemetry.window = Duration::from_secs(1);
        if let Some(store) = store {
            c.store = store;
        }
    })
    .await
}

/// Waits until `GET path` answers a body that satisfies `done`.
async fn until(s: &TestServer, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..75 {
        last = json_ok(s.figures(path).send().await.unwrap()).await;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("GET {path} never got there: {last}");
}

pub(crate) fn ws_url(s: &TestServer, path: &str) -> String {
    format!("{}{path}", s.base.replace("http://", "ws://"))
}

/// A stream handshake that signs in as a browser does: the viewer key offered as the
/// subprotocol `bearer.<key>` beside `betterprompts`.
pub(crate) fn viewer_handshake(
    s: &TestServer,
    url: &str,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        format!("betterprompts, bearer.{}", s.viewer_key)
            .parse()
            .unwrap(),
    );
    request
}

type WsMessage = tokio_tungstenite::tungstenite::Message;
type WsError = tokio_tungstenite::tungstenite::Error;

/// The next text message as JSON, skipping pings and pongs; `None` when the stream ends.
async fn next_text<S>(socket: &mut S) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<WsMessage, WsError>> + Unpin,
{
    while let Some(Ok(message)) = socket.next().await {
        if let WsMessage::Text(text) = message {
            return serde_json::from_str(&text).ok();
        }
    }
    None
}

/// The next stream message as JSON, within `limit`.
pub(crate) async fn next_message<S>(socket: &mut S, limit: Duration) -> Value
where
    S: futures_util::Stream<Item = Result<WsMessage, WsError>> + Unpin,
{
    tokio::time::timeout(limit, next_text(socket))
        .await
        .expect("a message in time")
        .expect("stream open, JSON text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_stream_client_delays_neither_other_clients_nor_the_api() {
    let s = server_on(Backend::Sqlite, None).await;
    let url = ws_url(&s, "/api/v1/metrics/stream");
    // The stalled client: a tiny receive buffer, a completed handshake, and then never a
    // read (so never a pong either).
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    let tcp = socket
        .connect(s.base.trim_start_matches("http://").parse().unwrap())
        .await
        .unwrap();
    let (stalled, _) = tokio_tungstenite::client_async(viewer_handshake(&s, &url), tcp)
        .await
        .unwrap();

    let (mut healthy, _) = tokio_tungstenite::connect_async(viewer_handshake(&s, &url))
        .await
        .unwrap();
    // Traffic all along, so windows are not empty and the API is exercised.
    let traffic = {
        let (client, base, key) = (s.client.clone(), s.base.clone(), s.admin_key.clone());
        tokio::spawn(async move {
            let mut slowest = Duration::ZERO;
            for i in 0..100 {
                let started = Instant::now();
                let r = client
                    .post(format!("{base}/api/v1/enhance"))
                    .bearer_auth(&key)
                    .json(&json!({"text": format!("Explain sorting algorithm number {i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                slowest = slowest.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            slowest
        })
    };
    let mut seqs = Vec::new();
    // Ten windows: as long as the server lets a client stay silent.
    while seqs.len() < 10 {
        let body = next_message(&mut healthy, Duration::from_secs(3)).await;
        assert_eq!(body["type"], "window", "{body}");
        // Pushed right after its window closed (≤ 1 s is the freshness budget; allow for
        // a loaded machine), however far behind the stalled client is.
        let end =
            chrono::DateTime::parse_from_rfc3339(body["window_end"].as_str().unwrap()).unwrap();
        let lag = chrono::Utc::now().signed_duration_since(end);
        assert!(
            lag < chrono::Duration::milliseconds(1500),
            "window {} came {lag} late",
            body["seq"]
        );
        seqs.push(body["seq"].as_u64().unwrap());
    }
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    let slowest = traffic.await.unwrap();
    assert!(
        slowest < Duration::from_secs(1),
        "the API kept answering: slowest {slowest:?}"
    );
    let health = s.get("/health").send().await.unwrap();
    assert_eq!(health.status(), 200);
    // The server gave up on the silent client: reading now drains what the buffers held,
    // then the connection ends, while the healthy client is still served.
    let mut stalled = stalled;
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while next_text(&mut stalled).await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the stalled client was never dropped");
    let body = next_message(&mut healthy, Duration::from_secs(3)).await;
    assert_eq!(body["seq"].as_u64(), Some(seqs[9] + 1), "{body}");
    s.stop().await;
}

bp_testkit::both_backends!(
    a_restart_keeps_the_metrics_history,
    a_stop_stores_the_open_window_and_a_restart_within_it_adds_to_it,
    database_timings_are_recorded
);

/// A deploy stops and restarts a server mid-window: what the stopped one answered in its
/// last, still open window is stored at stop, and the restarted one adds its own part of
/// that window instead of overwriting it.
async fn a_stop_stores_the_open_window_and_a_restart_within_it_adds_to_it(backend: Backend) {
    const WINDOW_SECS: u64 = 60;
    let storage = TestStorage::new(backend);
    let store = storage.store_config("main");
    let start = |store: StoreConfig| {
        TestServer::start_with(backend, move |c| {
            c.telemetry.window = Duration::from_secs(WINDOW_SECS);
            c.store = store;
        })
    };
    // Three servers in one window: leave them 20 s of it.
    let into_window = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % WINDOW_SECS;
    if into_window > WINDOW_SECS - 20 {
        tokio::time::sleep(Duration::from_secs(WINDOW_SECS - into_window)).await;
    }
    let window_start = chrono::Utc::now()
        .with_second(0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let path = format!("/api/v1/metrics/summary?from={window_start}&endpoint=enhance");

    let first = start(store.clone()).await;
    for i in 0..4 {
        let text = format!("Summarise the meeting notes, part {i}");
        first
            .enhance(Some(&first.admin_key), json!({"text": text}))
            .await;
    }
    first.stop().await;
    let second = start(store.clone()).await;
    let body = json_ok(second.figures(&path).send().await.unwrap()).await;
    assert_eq!(
        body["requests"], 4,
        "stored when the first server stopped: {body}"
    );
    let text = "Summarise the meeting notes, once more";
    second
        .enhance(Some(&second.admin_key), json!({"text": text}))
        .await;
    second.stop().await;

    let third = start(store).await;
    let body = json_ok(third.figures(&path).send().await.unwrap()).await;
    assert_eq!(body["requests"], 5, "both parts of the window: {body}");
    let covered = body["covered_seconds"].as_f64().unwrap();
    assert!(
        covered > 0.0 && covered < 20.0,
        "covered is what the two servers observed, not two windows: {body}"
    );
    third.stop().await;
}

async fn a_restart_keeps_the_metrics_history(backend: Backend) {
    let storage = TestStorage::new(backend);
    let store = storage.store_config("main");
    let before = (chrono::Utc::now() - chrono::Duration::seconds(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let path = format!("/api/v1/metrics/summary?from={before}&endpoint=enhance");
    let n = 6;
    let first = server_on(backend, Some(store.clone())).await;
    for i in 0..n {
        first
            .enhance(
                Some(&first.admin_key),
                json!({"text": format!("Plan a trip to Lisbon, day {i}")}),
            )
            .await;
    }
    until(&first, &path, |b| b["requests"] == n).await;
    first.stop().await;

    let second = server_on(backend, Some(store)).await;
    let body = json_ok(second.figures(&path).send().await.unwrap()).await;
    assert_eq!(
        body["requests"], n,
        "what the first run recorded is still there: {body}"
    );
    second
        .enhance(
            Some(&second.admin_key),
            json!({"text": "Plan a trip to Porto"}),
        )
        .await;
    until(&second, &path, |b| b["requests"] == n + 1).await;
    second.stop().await;
}

async fn database_timings_are_recorded(backend: Backend) {
    let s = server_on(backend, None).await;
    let key = s.key("pro", "user", None).await;
    for i in 0..3 {
        s.enhance(
            Some(&key),
            json!({"text": format!("Compare Rust and Go, round {i}")}),
        )
        .await;
    }
    json_ok(s.get_as("/api/v1/history", &key).await).await;
    let ops = |b: &Value| -> Vec<String> {
        b["db"]["operations"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o["operation"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let summary = until(&s, "/api/v1/metrics/summary?from=-1m", |b| {
        let ops = ops(b);
        ["history_commit", "history_read", "rollup_write"]
            .iter()
            .all(|o| ops.iter().any(|x| x == o))
    })
    .await;
    let db = &summary["db"];
    assert!(db["calls"].as_u64().unwrap() >= 5, "{db}");
    for field in ["in_use", "idle", "waiting"] {
        assert!(db[field].is_number(), "db.{field}: {db}");
    }
    assert!(db["query_ms"]["p95"].as_f64().unwrap() > 0.0, "{db}");
    assert!(db["acquire_ms"]["p95"].is_number(), "{db}");
    let commit = db["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation"] == "history_commit")
        .unwrap();
    assert!(commit["calls"].as_u64().unwrap() >= 1, "{commit}");
    assert!(
        summary["history_commit_ms"]["p95"].as_f64().unwrap() > 0.0,
        "{summary}"
    );

    for metric in ["db_query_p95_ms", "db_acquire_p95_ms"] {
        let series = json_ok(
            s.figures(&format!(
                "/api/v1/metrics/timeseries?from=-1m&metric={metric}"
            ))
            .send()
            .await
            .unwrap(),
        )
        .await;
        let values = series["groups"][0]["values"].as_array().unwrap();
        assert!(values.iter().any(Value::is_number), "{metric}: {series}");
    }
    let text = s
        .figures("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "bp_db_query_duration_seconds_count{operation=\"history_commit\"}",
        "bp_db_query_duration_seconds_bucket{operation=\"rollup_write\",le=\"0.1\"}",
        "bp_db_acquire_duration_seconds_count ",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_latency_is_flagged_as_an_anomaly() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.telemetry.window = Duration::from_secs(1);
        // A short baseline, so the test needs seconds, not minutes, of traffic.
        c.telemetry.anomalies.baseline_windows = 8;
        c.telemetry.anomalies.min_baseline_windows = 4;
        c.telemetry.anomalies.min_requests = 3;
    })
    .await;
    let (mut stream, _) = tokio_tungstenite::connect_async(viewer_handshake(
        &s,
        &ws_url(&s, "/api/v1/metrics/stream"),
    ))
    .await
    .unwrap();
    // Read all along (a client that stops reading is dropped), keeping the messages.
    let (messages, mut received) = tokio::sync::mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        while let Some(message) = next_text(&mut stream).await {
            if messages.send(message).is_err() {
                break;
            }
        }
    });
    // Baseline: about six windows of quick requests.
    let started = Instant::now();
    let mut i = 0;
    while started.elapsed() < Duration::from_millis(6500) {
        s.enhance(
            Some(&s.admin_key),
            json!({"text": format!("Name a prime number, {i}")}),
        )
        .await;
        i += 1;
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    let set = s
        .put_json(
            "/api/v1/admin/faults",
            &s.admin_key,
            &json!({"added_latency_ms": 300}),
        )
        .await;
    assert_eq!(set.status(), 200);
    // Slow requests, several at a time, for two windows.
    let mut slow = Vec::new();
    for worker in 0..4 {
        let (client, base, key) = (s.client.clone(), s.base.clone(), s.admin_key.clone());
        slow.push(tokio::spawn(async move {
            for j in 0..7 {
                let r = client
                    .post(format!("{base}/api/v1/analyze"))
                    .bearer_auth(&key)
                    .json(&json!({"text": format!("Is {worker}{j} prime?")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
            }
        }));
    }
    for task in slow {
        task.await.unwrap();
    }
    s.delete_as("/api/v1/admin/faults", &s.admin_key).await;

    let listed = until(&s, "/api/v1/metrics/anomalies?from=-2m", |b| {
        b.as_array()
            .is_some_and(|a| a.iter().any(|x| x["metric"] == "latency_p95_ms"))
    })
    .await;
    let flagged = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["metric"] == "latency_p95_ms" && a["value"].as_f64().unwrap() >= 300.0)
        .unwrap_or_else(|| panic!("a window at ≥ 300 ms: {listed}"));
    assert!(flagged["baseline"].as_f64().unwrap() < 300.0, "{flagged}");
    assert!(flagged["score"].as_f64().unwrap() >= 6.0, "{flagged}");
    for field in ["window_start", "window_end", "seq", "scale"] {
        assert!(flagged.get(field).is_some(), "{field}: {flagged}");
    }
    // The live stream carried it on that window's message, and only there.
    let seq = flagged["seq"].as_u64().unwrap();
    let mut carried = None;
    while carried.is_none() {
        let message = tokio::time::timeout(Duration::from_secs(3), received.recv())
            .await
            .expect("a message in time")
            .expect("the stream is open");
        let anomalies = message.get("anomalies");
        if message["seq"].as_u64() == Some(seq) {
            carried = anomalies.cloned();
            assert!(
                carried.is_some(),
                "the flagged window's message has anomalies: {message}"
            );
        } else if let Some(a) = anomalies {
            assert!(
                a.as_array().is_some_and(|a| !a.is_empty()),
                "never an empty list: {message}"
            );
        }
        assert!(message["seq"].as_u64().unwrap() <= seq, "passed seq {seq}");
    }
    let text = s
        .figures("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("bp_anomalies_total{metric=\"latency_p95_ms\"}"));
    reader.abort();
    s.stop().await;
}
