//! A fleet tells one truth: instances sharing one PostgreSQL schema each store their own
//! windows, and every instance answers every metrics query with the whole fleet's figures.

use crate::metrics_live::{next_message, viewer_handshake, ws_url};
use bp_server::RedisConfig;
use bp_testkit::{Backend, TestServer, json_ok, redis_url};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

async fn instance(source: &str, store: Option<bp_store::StoreConfig>) -> TestServer {
    instance_with(source, store, None).await
}

async fn instance_with(
    source: &str,
    store: Option<bp_store::StoreConfig>,
    redis: Option<RedisConfig>,
) -> TestServer {
    let source = source.to_owned();
    TestServer::start_with(Backend::Postgres, move |config| {
        config.telemetry.window = Duration::from_secs(1);
        config.telemetry.source = source;
        config.redis = redis;
        if let Some(store) = store {
            config.store = store;
        }
    })
    .await
}

async fn get(server: &TestServer, path: &str) -> Value {
    json_ok(server.get_as(path, &server.admin_key).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_one_database_report_the_fleet_the_same_everywhere() {
    let a = instance("a", None).await;
    let shared = a.storage().store_config("main");
    let b = instance("b", Some(shared.clone())).await;
    let c = instance("c", Some(shared.clone())).await;
    let started = chrono::Utc::now() - chrono::Duration::seconds(2);
    let key = a.key("pro", "user", None).await;
    // 30, 20 and 10 enhancements, spread over a few seconds, by 7 people sharing the key,
    // labelled with acceptable techniques; the client keeps its own score, like a load
    // generator does.
    let sent = [(&a, 30), (&b, 20), (&c, 10)];
    let (mut checked, mut correct) = (0u64, 0u64);
    for round in 0..30 {
        for (server, count) in sent {
            if round < count {
                let expected = if round % 2 == 0 {
                    "few_shot,chain_of_thought"
                } else {
                    "role_play"
                };
                let response = server
                    .post("/api/v1/enhance")
                    .bearer_auth(&key)
                    .header("X-User-Id", format!("user-{}", round % 7))
                    .header("X-Expected-Techniques", expected)
                    .json(&json!({ "text": format!("Explain fleet metrics, take {round}") }))
                    .send()
                    .await
                    .unwrap();
                let body = json_ok(response).await;
                let primary = body["techniques_used"][0].as_str().unwrap();
                checked += 1;
                correct += u64::from(expected.split(',').any(|t| t == primary));
            }
        }
        tokio::time::sleep(Duration::from_millis(80)).await;
    }
    // Every window of the load is closed and stored a moment after it ends.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let range_end = chrono::Utc::now() - chrono::Duration::seconds(1);
    let range = format!(
        "from={}&to={}&endpoint=enhance",
        started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        range_end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );

    // A malformed user id is refused (after the range, so it is not counted in it).
    let bad_user = a
        .post("/api/v1/enhance")
        .bearer_auth(&key)
        .header("X-User-Id", "u".repeat(129))
        .json(&json!({ "text": "Explain fleet metrics" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_user.status(), 400);

    let summaries = [
        get(&a, &format!("/api/v1/metrics/summary?{range}")).await,
        get(&b, &format!("/api/v1/metrics/summary?{range}")).await,
        get(&c, &format!("/api/v1/metrics/summary?{range}")).await,
    ];
    let fleet = &summaries[0];
    assert_eq!(fleet["requests"], 60, "every instance's requests: {fleet}");
    let covered = fleet["covered_seconds"].as_f64().unwrap();
    let range_seconds = fleet["windows"].as_f64().unwrap();
    // Wall-clock time: one second per 1-s window (the first observed in part), however
    // many instances served in it.
    assert!(
        covered <= range_seconds && covered > range_seconds - 1.0,
        "covered {covered} s in {range_seconds} windows"
    );
    // Users are people, across instances: the 7, and the admin who made their key.
    assert_eq!(fleet["distinct_users"], 8);
    // The server's own accuracy is the client's.
    let accuracy = fleet["technique_accuracy"].clone();
    assert_eq!(accuracy["labelled_checks"], checked, "{accuracy}");
    assert_eq!(
        accuracy["labelled"].as_f64(),
        Some(correct as f64 / checked as f64),
        "{accuracy}"
    );
    for other in &summaries[1..] {
        for field in [
            "requests",
            "covered_seconds",
            "throughput_rps",
            "latency_ms",
            "errors",
            "distinct_users",
            "technique_accuracy",
        ] {
            assert_eq!(
                other[field], fleet[field],
                "{field} differs between instances"
            );
        }
    }

    // Per second: the fleet's rate is its requests over one second.
    let series = |metric: &str, group: &str| {
        format!("/api/v1/metrics/timeseries?{range}&metric={metric}&step=1{group}")
    };
    let requests = get(&b, &series("requests", "")).await;
    let rate = get(&b, &series("throughput_rps", "")).await;
    let values = |v: &Value| -> Vec<f64> {
        v["groups"][0]["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap_or(0.0))
            .collect()
    };
    assert_eq!(values(&requests).iter().sum::<f64>(), 60.0);
    // 1-s windows: rate = requests, but in the first, which the first instance to start
    // observed only from its start (it may already hold requests).
    assert_eq!(
        values(&rate)[1..],
        values(&requests)[1..],
        "1-s windows: rate = requests"
    );

    // Grouped by instance, and each instance alone.
    let by_instance = get(&c, &series("requests", "&group_by=source")).await;
    let per_source: Vec<(String, f64)> = by_instance["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let total = g["values"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_f64)
                .sum();
            (g["name"].as_str().unwrap().to_owned(), total)
        })
        .collect();
    assert_eq!(
        per_source,
        [("a".into(), 30.0), ("b".into(), 20.0), ("c".into(), 10.0)]
    );
    let alone = get(&a, &format!("/api/v1/metrics/summary?{range}&source=b")).await;
    assert_eq!(alone["requests"], 20);

    // The export sums to the same, one row per window.
    let csv = a
        .get_as(
            &format!("/api/v1/metrics/export?{range}&format=csv"),
            &a.admin_key,
        )
        .await
        .text()
        .await
        .unwrap();
    let exported: u64 = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(2).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(exported, 60);
    assert_eq!(csv.lines().count() - 1, range_seconds as usize);

    // The stream from any instance carries the same fleet windows.
    let (from_a, from_c) = (
        streamed(&a, started.timestamp(), &range_end).await,
        streamed(&c, started.timestamp(), &range_end).await,
    );
    assert_eq!(from_a, from_c);
    assert_eq!(from_a.values().sum::<u64>(), 60, "{from_a:?}");

    // The instances, each with its own figures; one that stops is down within 2 windows.
    let listed = |v: Value| -> Vec<(String, String, u64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["source"].as_str().unwrap().to_owned(),
                    i["state"].as_str().unwrap().to_owned(),
                    i["requests"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let up = listed(get(&b, &format!("/api/v1/metrics/instances?{range}")).await);
    assert_eq!(
        up,
        [
            ("a".into(), "up".into(), 30),
            ("b".into(), "up".into(), 20),
            ("c".into(), "up".into(), 10)
        ]
    );
    // Down once 2 windows (of 1 s) and one of grace went by without one of its windows.
    c.stop().await;
    let stopped = std::time::Instant::now();
    loop {
        let after = listed(get(&a, &format!("/api/v1/metrics/instances?{range}")).await);
        let states: Vec<&str> = after.iter().map(|(_, state, _)| state.as_str()).collect();
        if states == ["up", "up", "down"] {
            break;
        }
        assert!(stopped.elapsed() < Duration::from_secs(10), "{after:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // It comes back under the same name: up again, nothing counted twice, and the windows
    // it missed count against availability (uptime below 1).
    let c = instance("c", Some(shared)).await;
    let restarted = std::time::Instant::now();
    loop {
        let after = listed(get(&b, &format!("/api/v1/metrics/instances?{range}")).await);
        if after == up {
            break;
        }
        assert!(restarted.elapsed() < Duration::from_secs(10), "{after:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let since = format!(
        "from={}&endpoint=enhance",
        started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let sla = get(&a, &format!("/api/v1/metrics/summary?{since}")).await["sla"].clone();
    let uptime = sla["uptime"].as_f64().unwrap();
    assert!(uptime < 1.0, "{sla}");
    let availability = sla["overall"]["availability"]["value"].as_f64().unwrap();
    assert!(availability <= uptime, "{sla}");
    c.stop().await;

    // Load runs are the fleet's: reported to one instance, listed by the others.
    let run = json!({
        "profile": "peak", "state": "running", "started_at": chrono::Utc::now(),
        "users": 1000, "elapsed_s": 12.0, "duration_s": 1080.0, "requests": 9000, "errors": 0,
        "throughput_rps": 750.0, "p50_ms": 1.0, "p95_ms": 3.0, "p99_ms": 6.0,
        "technique_accuracy": 0.9, "labelled_requests": 6300
    });
    let r = a
        .put_json("/api/v1/load-runs/fleet-run", &a.admin_key, &run)
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(get(&b, "/api/v1/load-runs").await[0]["id"], "fleet-run");

    // Every instance stops; one starts again on the same database: the accuracy and the
    // run are still there.
    b.stop().await;
    let storage = a.stop_keeping_storage().await;
    let again = instance("a", Some(storage.store_config("main"))).await;
    let after = get(&again, &format!("/api/v1/metrics/summary?{range}")).await;
    assert_eq!(after["technique_accuracy"], accuracy);
    let runs = get(&again, "/api/v1/load-runs").await;
    assert_eq!(runs[0]["id"], "fleet-run");
    assert_eq!(runs[0]["users"], 1000);
    again.stop().await;
    drop(storage);
}

/// Three instances sharing a Redis hold a free key to its 100 requests a minute between
/// them, with exact `X-RateLimit-Remaining`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_on_one_redis_shares_each_keys_rate_limit() {
    let redis = RedisConfig {
        key_prefix: format!("bp-test-{}", uuid::Uuid::now_v7()),
        // A slow call would hand the count to the instance's local share: not here.
        timeout: Duration::from_secs(2),
        ..RedisConfig::new(redis_url())
    };
    let a = instance_with("a", None, Some(redis.clone())).await;
    let shared = a.storage().store_config("main");
    let b = instance_with("b", Some(shared.clone()), Some(redis.clone())).await;
    let c = instance_with("c", Some(shared), Some(redis)).await;
    let key = a.key("free", "user", None).await;
    // All 150 requests within one minute window: not in its last 15 seconds.
    let second = chrono::Utc::now().timestamp() % 60;
    if second >= 45 {
        tokio::time::sleep(Duration::from_secs(61 - u64::try_from(second).unwrap())).await;
    }
    let minute = chrono::Utc::now().timestamp() / 60;
    let (mut accepted, mut remaining) = (0, Vec::new());
    for i in 0..150 {
        let server = [&a, &b, &c][i % 3];
        let response = server.get_as("/api/v1/techniques", &key).await;
        match response.status().as_u16() {
            200 => {
                accepted += 1;
                let left = response.headers()["x-ratelimit-remaining"]
                    .to_str()
                    .unwrap();
                remaining.push(left.parse::<u32>().unwrap());
            }
            429 => assert!(response.headers().contains_key("retry-after")),
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(
        chrono::Utc::now().timestamp() / 60,
        minute,
        "the test crossed a minute"
    );
    assert_eq!(accepted, 100, "exactly the limit across the fleet");
    assert_eq!(
        remaining,
        (0..100).rev().collect::<Vec<u32>>(),
        "one count, fleet-wide"
    );
    c.stop().await;
    b.stop().await;
    a.stop().await;
}

/// Enhance requests per 1-s window (its seq) of the fleet stream of `server`, resumed from
/// the window `since`, up to the window ending at `end` (the latest revision of each).
async fn streamed(
    server: &TestServer,
    since: i64,
    end: &chrono::DateTime<chrono::Utc>,
) -> BTreeMap<u64, u64> {
    let url = ws_url(
        server,
        &format!("/api/v1/metrics/stream?since={since}&endpoint=enhance"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(viewer_handshake(server, &url))
        .await
        .expect("stream connects");
    let last = u64::try_from(end.timestamp()).unwrap() - 1;
    let mut requests = BTreeMap::new();
    loop {
        let message = next_message(&mut socket, Duration::from_secs(10)).await;
        let seq = message["seq"].as_u64().unwrap();
        if seq > last {
            return requests;
        }
        requests.insert(seq, message["requests"].as_u64().unwrap());
    }
}

/// A key revoked through one instance is refused by another within one metrics window: a
/// lookup is trusted for at most a window (1 s here), so the first request after it reads
/// the revocation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_revoked_on_one_instance_is_refused_by_every_instance_within_a_window() {
    let a = instance("a", None).await;
    let b = instance("b", Some(a.storage().store_config("main"))).await;
    let r = a
        .post_json(
            "/api/v1/admin/keys",
            &a.admin_key,
            &json!({"name": "leaving", "tier": "pro"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let (id, key) = (
        created["id"].as_str().unwrap().to_owned(),
        created["key"].as_str().unwrap().to_owned(),
    );
    // B has the key in its cache.
    assert_eq!(b.get_as("/api/v1/history", &key).await.status(), 200);
    let r = a
        .delete_as(&format!("/api/v1/admin/keys/{id}"), &a.admin_key)
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        a.get_as("/api/v1/history", &key).await.status(),
        401,
        "at once where revoked"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        b.get_as("/api/v1/history", &key).await.status(),
        401,
        "the other instance, one window later"
    );
    b.stop().await;
    a.stop().await;
}
