//! The admin fault switch: injected latency is served (and measured) by the enhancement
//! endpoints until cleared; only admins may touch it.

use bp_testkit::{Backend, TestServer, assert_error, json_ok};
use serde_json::json;
use std::time::{Duration, Instant};

/// Time of one `POST path` as the admin (unlimited rate), asserting 200.
async fn timed(s: &TestServer, path: &str, body: serde_json::Value) -> Duration {
    let started = Instant::now();
    let r = s.post_json(path, &s.admin_key, &body).await;
    let took = started.elapsed();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_latency_slows_enhancements_until_cleared() {
    let s = TestServer::start(Backend::Sqlite).await;
    let faults = "/api/v1/admin/faults";
    let off = json_ok(s.get_as(faults, &s.admin_key).await).await;
    assert_eq!(off, json!({"added_latency_ms": 0}));

    // Only admins: anonymous is 401, a user key 403, and nothing changes.
    let r = s
        .client
        .put(s.url(faults))
        .json(&json!({"added_latency_ms": 300}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    let user = s.key("pro", "user", None).await;
    for r in [
        s.put_json(faults, &user, &json!({"added_latency_ms": 300}))
            .await,
        s.get_as(faults, &user).await,
        s.delete_as(faults, &user).await,
    ] {
        assert_error(r, 403, "forbidden").await;
    }
    // Out of range or malformed: 400.
    for bad in [
        json!({"added_latency_ms": 10_001}),
        json!({"added_latency_ms": -1}),
        json!({"added_latency_ms": "300"}),
        json!({"added_latency_ms": 300, "extra": true}),
        json!({}),
    ] {
        let r = s.put_json(faults, &s.admin_key, &bad).await;
        assert_error(r, 400, "validation").await;
    }
    assert_eq!(
        json_ok(s.get_as(faults, &s.admin_key).await).await["added_latency_ms"],
        0
    );

    let set = s
        .put_json(faults, &s.admin_key, &json!({"added_latency_ms": 300}))
        .await;
    assert_eq!(json_ok(set).await, json!({"added_latency_ms": 300}));
    assert_eq!(
        json_ok(s.get_as(faults, &s.admin_key).await).await["added_latency_ms"],
        300
    );
    let slow = Duration::from_millis(300);
    assert!(timed(&s, "/api/v1/enhance", json!({"text": "Explain DNS"})).await >= slow);
    assert!(timed(&s, "/api/v1/analyze", json!({"text": "Explain DNS"})).await >= slow);
    assert!(
        timed(
            &s,
            "/api/v1/batch",
            json!({"prompts": [{"text": "Explain DNS"}]})
        )
        .await
            >= slow
    );

    let cleared = json_ok(s.delete_as(faults, &s.admin_key).await).await;
    assert_eq!(cleared, json!({"added_latency_ms": 0}));
    // Fast again: well under the injected latency even on a busy machine.
    let fast = timed(&s, "/api/v1/enhance", json!({"text": "Explain DNS again"})).await;
    assert!(fast < slow, "{fast:?}");
    s.stop().await;
}
