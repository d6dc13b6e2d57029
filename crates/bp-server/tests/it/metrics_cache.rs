//! Metrics answers are cached until a window is stored; feedback must not wait for that.

use bp_testkit::{Backend, TestServer, json_ok};
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_queries_share_an_answer_and_feedback_shows_at_once() {
    // A long window: no window is stored during the test, so only feedback can move the key.
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.telemetry.window = Duration::from_secs(60)
    })
    .await;
    let key = s.key("pro", "user", None).await;
    let row = s
        .enhance(Some(&key), json!({"text": "Explain how tides work"}))
        .await;
    let path = "/api/v1/metrics/summary?from=-1h";
    let first = s.get(path).send().await.unwrap().text().await.unwrap();
    let before: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(before["satisfaction"]["ratings"], 0);
    assert_eq!(before["technique_accuracy"]["labelled"], json!(null));
    // A load run's report changes what a fresh computation would answer, but on purpose
    // does not invalidate (runs report every second): only a cached answer stays the same.
    let run = json!({
        "profile": "peak", "state": "running", "started_at": chrono::Utc::now(),
        "users": 10, "elapsed_s": 1.0, "duration_s": 60.0, "requests": 100, "errors": 0,
        "throughput_rps": 100.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0,
        "technique_accuracy": 0.9, "labelled_requests": 100
    });
    let r = s
        .put_json("/api/v1/load-runs/cache-test", &s.admin_key, &run)
        .await;
    assert_eq!(r.status(), 200);
    let again = s.get(path).send().await.unwrap().text().await.unwrap();
    assert_eq!(first, again, "one window, one answer: the cached one");

    let r = s
        .post_json(
            "/api/v1/feedback",
            &key,
            &json!({"prompt_history_id": row["id"], "rating": 5}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let after = json_ok(s.get(path).send().await.unwrap()).await;
    assert_eq!(after["satisfaction"]["ratings"], 1);
    assert_eq!(after["satisfaction"]["mean_rating"], 5.0);
    assert_eq!(
        after["technique_accuracy"]["labelled"], 0.9,
        "recomputed after the feedback: {after}"
    );
    s.stop().await;
}
