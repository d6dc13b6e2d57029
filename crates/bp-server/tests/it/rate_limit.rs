//! Per-key and per-tier rate limits with their headers.

use bp_testkit::{Backend, TestServer, assert_error};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_with_its_own_limit_gets_429_with_headers() {
    let s = TestServer::start(Backend::Sqlite).await;
    let key = s.key("free", "user", Some(json!({"per_minute": 3}))).await;
    for expected_remaining in [2, 1, 0] {
        let r = s
            .post_json("/api/v1/analyze", &key, &json!({"text": "hi"}))
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["x-ratelimit-limit"], "3");
        assert_eq!(
            r.headers()["x-ratelimit-remaining"],
            expected_remaining.to_string().as_str()
        );
        let reset: u64 = r.headers()["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&reset));
    }
    let r = s
        .post_json("/api/v1/analyze", &key, &json!({"text": "hi"}))
        .await;
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    assert_error(r, 429, "rate_limited").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiers_and_anonymous_callers_have_configured_budgets() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.free_per_min = 2;
        c.rate_limits.anonymous_per_min = 1;
    })
    .await;
    let free = s.key("free", "user", None).await;
    let pro = s.key("pro", "user", None).await;
    let call = |key: Option<String>| {
        let mut r = s.post("/api/v1/analyze").json(&json!({"text": "hello"}));
        if let Some(k) = key {
            r = r.bearer_auth(k);
        }
        r.send()
    };
    assert_eq!(call(Some(free.clone())).await.unwrap().status(), 200);
    assert_eq!(call(Some(free.clone())).await.unwrap().status(), 200);
    assert_eq!(call(Some(free)).await.unwrap().status(), 429);
    // Another key of a bigger tier is unaffected.
    let r = call(Some(pro)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-ratelimit-limit"], "1000");
    assert_eq!(call(None).await.unwrap().status(), 200);
    assert_eq!(call(None).await.unwrap().status(), 429);
    // Unlimited keys carry no limit headers.
    let r = s
        .post_json("/api/v1/analyze", &s.admin_key, &json!({"text": "hi"}))
        .await;
    assert_eq!(r.status(), 200);
    assert!(!r.headers().contains_key("x-ratelimit-limit"));
    s.stop().await;
}

/// A dashboard polls the metrics API; that must not spend (or be stopped by) the caller's
/// product budget. Regression: anonymous dashboards hit the per-IP limit within a minute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observability_reads_are_not_rate_limited() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.anonymous_per_min = 1;
        c.public_metrics = true;
    })
    .await;
    // A viewer key held to one request a minute, and anonymous callers (public figures).
    let viewer = s.key("pro", "viewer", Some(json!({"per_minute": 1}))).await;
    for path in [
        "/api/v1/metrics/summary",
        "/api/v1/metrics/timeseries",
        "/api/v1/metrics/techniques",
        "/api/v1/load-runs",
    ] {
        for _ in 0..3 {
            let r = s.get_as(path, &viewer).await;
            assert_eq!(r.status(), 200, "{path}");
            assert!(r.headers().get("x-ratelimit-limit").is_none(), "{path}");
            let r = s.get(path).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert!(r.headers().get("x-ratelimit-limit").is_none(), "{path}");
        }
    }
    // The product API still counts: the one anonymous call of the minute is left.
    let analyze = || {
        s.post("/api/v1/analyze")
            .json(&json!({"text": "hello"}))
            .send()
    };
    assert_eq!(analyze().await.unwrap().status(), 200);
    assert_error(analyze().await.unwrap(), 429, "rate_limited").await;
    s.stop().await;
}
