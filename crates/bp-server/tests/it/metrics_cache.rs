//! Metrics answers are cached until a window is stored; feedback must not wait for that.
//! (That identical queries are computed once is tested with the cache itself, in
//! `services::query_cache`.)

use bp_testkit::{Backend, TestServer, json_ok};
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_shows_at_once_though_answers_are_cached() {
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
    let first = s.figures(path).send().await.unwrap().text().await.unwrap();
    let before: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(before["satisfaction"]["ratings"], 0);

    let r = s
        .post_json(
            "/api/v1/feedback",
            &key,
            &json!({"prompt_history_id": row["id"], "rating": 5}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let after = json_ok(s.figures(path).send().await.unwrap()).await;
    assert_eq!(after["satisfaction"]["ratings"], 1);
    assert_eq!(after["satisfaction"]["mean_rating"], 5.0);
    s.stop().await;
}
