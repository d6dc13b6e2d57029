//! The shared Redis cache against the real Redis on 127.0.0.1:6379 (`BP_TEST_REDIS_URL`):
//! instances sharing it reuse each other's enhancements, and a Redis that cannot be
//! reached never fails a request. Each test uses its own key prefix and deletes its keys.

use bp_server::RedisConfig;
use bp_testkit::{Backend, TestServer, json_ok, redis_url};
use serde_json::{Value, json};
use std::time::Duration;

async fn server(backend: Backend, redis: RedisConfig) -> TestServer {
    TestServer::start_with(backend, move |c| {
        c.telemetry.window = Duration::from_secs(1);
        // Generous: a loaded test machine must not turn a working Redis into errors.
        c.redis = Some(RedisConfig {
            timeout: Duration::from_secs(2),
            ..redis
        });
    })
    .await
}

/// Waits until the last minute's summary satisfies `done`.
async fn summary_until(s: &TestServer, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..60 {
        last = json_ok(
            s.figures("/api/v1/metrics/summary?from=-1m")
                .send()
                .await
                .unwrap(),
        )
        .await;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the summary never got there: {last}");
}

async fn prometheus(s: &TestServer) -> String {
    s.figures("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn delete_keys(prefix: &str) {
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL")
            .arg(&keys)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_redis_reuse_each_others_enhancements() {
    let prefix = format!("bp-test-{}", uuid::Uuid::now_v7().simple());
    let config = RedisConfig {
        key_prefix: prefix.clone(),
        ..RedisConfig::new(redis_url())
    };
    let a = server(Backend::Sqlite, config.clone()).await;
    let b = server(Backend::Postgres, config).await;
    let prompt =
        json!({"text": "Summarise the causes of the French Revolution in three bullet points"});

    let first = a.enhance(Some(&a.admin_key), prompt.clone()).await;
    assert_eq!(first["cached"], false, "nobody computed it before");
    // Stored under the test's prefix, with the cache TTL.
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:enhance:v1:*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let ttl: i64 = redis::cmd("TTL")
        .arg(&keys[0])
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(ttl > 3000 && ttl <= 3600, "{ttl}");

    // The other instance has never seen the prompt: Redis has it.
    let second = b.enhance(Some(&b.admin_key), prompt.clone()).await;
    assert_eq!(second["cached"], true);
    for field in [
        "enhanced_text",
        "intent",
        "complexity",
        "techniques_used",
        "confidence",
    ] {
        assert_eq!(first[field], second[field], "{field}");
    }
    // Now in b's own memory: the third lookup never reaches Redis.
    let third = b.enhance(Some(&b.admin_key), prompt).await;
    assert_eq!(third["cached"], true);

    let summary = summary_until(&b, |s| s["cache"]["redis"]["hits"] == 1).await;
    assert_eq!(summary["redis_cache_hit_rate"], 1.0, "{summary}");
    assert_eq!(summary["cache"]["redis"]["errors"], 0, "{summary}");
    // In-process: one miss (answered by Redis), one hit; `cache_hit_rate` is that level's.
    assert_eq!(summary["cache_hit_rate"], 0.5, "{summary}");
    let text = prometheus(&b).await;
    assert!(
        text.contains("bp_redis_cache_requests_total{outcome=\"hit\"} 1\n"),
        "{text}"
    );
    let ready = json_ok(b.get("/ready").send().await.unwrap()).await;
    assert_eq!(ready["redis"], "ok");
    assert_eq!(ready["status"], "ready");
    // a missed in Redis and stored its result.
    summary_until(&a, |s| s["cache"]["redis"]["misses"] == 1).await;
    a.stop().await;
    b.stop().await;
    delete_keys(&prefix).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_never_fails_a_request() {
    // A port that was free a moment ago: connections are refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let s = server(
        Backend::Sqlite,
        RedisConfig::new(format!("redis://{closed}")),
    )
    .await;
    for i in 0..5 {
        let r = s
            .enhance(
                Some(&s.admin_key),
                json!({"text": format!("Write a haiku about tea, take {i}")}),
            )
            .await;
        assert_eq!(r["cached"], false);
    }
    let batch = s
        .post_json(
            "/api/v1/batch",
            &s.admin_key,
            &json!({"prompts": [{"text": "Explain TCP"}, {"text": "Explain UDP"}]}),
        )
        .await;
    assert_eq!(batch.status(), 200);
    let ready = s.get("/ready").send().await.unwrap();
    assert_eq!(
        ready.status(),
        200,
        "Redis is optional: the instance still serves"
    );
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(
        (ready["status"].as_str(), ready["redis"].as_str()),
        (Some("degraded"), Some("down"))
    );

    let summary = summary_until(&s, |s| s["cache"]["redis"]["errors"].as_u64() > Some(0)).await;
    assert_eq!(summary["cache"]["redis"]["hits"], 0);
    assert_eq!(summary["errors"], 0, "no request failed: {summary}");
    let text = prometheus(&s).await;
    let errors: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("bp_redis_cache_requests_total{outcome=\"error\"} "))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    assert!(errors > 0.0, "{text}");
    s.stop().await;
}
