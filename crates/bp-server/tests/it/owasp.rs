//! The OWASP API Security Top 10 (2023), item by item where it applies to this service:
//! API1 object-level authorization (every route with an id), API2 authentication (keys:
//! `auth.rs`), API3 object property level (mass assignment: unknown fields refused), API4
//! unrestricted resource consumption (bodies, batches, pages, ranges, stream messages and
//! clients), API5 function-level authorization (the route × role table in `auth.rs`), API8
//! security misconfiguration (CORS closed, no secret echoed in an error body; the
//! dashboard's headers are in `dashboard.rs`).

use bp_testkit::{Backend, TestServer, assert_error, json_ok};
use serde_json::json;
use std::time::Duration;

/// API1: another user's row is a 404 on every route that takes a history id — read,
/// delete, rate — and the owner still has it untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api1_no_route_with_an_id_reaches_another_users_object() {
    let s = TestServer::start(Backend::Sqlite).await;
    let alice = s.key("pro", "user", None).await;
    let mallory = s.key("pro", "user", None).await;
    let row = s
        .enhance(Some(&alice), json!({"text": "Explain the water cycle"}))
        .await;
    let id = row["id"].as_str().unwrap();
    let path = format!("/api/v1/history/{id}");
    assert_error(s.get_as(&path, &mallory).await, 404, "not_found").await;
    assert_error(s.delete_as(&path, &mallory).await, 404, "not_found").await;
    let r = s
        .post_json(
            "/api/v1/feedback",
            &mallory,
            &json!({"prompt_history_id": id, "rating": 1}),
        )
        .await;
    assert_error(r, 404, "not_found").await;
    let mine = json_ok(s.get_as(&path, &alice).await).await;
    assert_eq!(mine["id"], id);
    s.stop().await;
}

/// API3: a body with a field the API does not define (such as a role or an owner slipped
/// into a request) is refused, not silently dropped, on every route that takes one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api3_unknown_fields_are_refused_everywhere() {
    let s = TestServer::start(Backend::Sqlite).await;
    let user = s.key("pro", "user", None).await;
    let row = s.enhance(Some(&user), json!({"text": "Plan a trip"})).await;
    let r = s
        .post_json(
            "/api/v1/admin/keys",
            &s.admin_key,
            &json!({"name": "target", "tier": "pro"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let key_id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases = [
        (
            "post",
            "/api/v1/enhance".to_owned(),
            &user,
            json!({"text": "x", "owner": "someone"}),
        ),
        (
            "post",
            "/api/v1/batch".to_owned(),
            &user,
            json!({"prompts": [{"text": "x", "role": "admin"}]}),
        ),
        (
            "post",
            "/api/v1/analyze".to_owned(),
            &user,
            json!({"text": "x", "admin": true}),
        ),
        (
            "post",
            "/api/v1/feedback".to_owned(),
            &user,
            json!({"prompt_history_id": row["id"], "rating": 5, "owner": "someone"}),
        ),
        (
            "post",
            "/api/v1/admin/keys".to_owned(),
            &s.admin_key,
            json!({"name": "n", "tier": "pro", "key_hash": "00"}),
        ),
        (
            "put",
            "/api/v1/admin/faults".to_owned(),
            &s.admin_key,
            json!({"added_latency_ms": 0, "scope": "fleet"}),
        ),
        (
            "post",
            format!("/api/v1/admin/keys/{key_id}/rotate"),
            &s.admin_key,
            json!({"overlap_seconds": 0, "key": "bp_chosen"}),
        ),
    ];
    for (method, path, key, body) in cases {
        let r = s
            .client
            .request(method.to_uppercase().parse().unwrap(), s.url(&path))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert_eq!(status, 400, "{method} {path} with an unknown field");
    }
    s.stop().await;
}

/// API4: every resource a request can make the service spend is bounded, and past the
/// bound the answer is a clear 4xx (or a 503 to come back), never the work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api4_resource_consumption_is_bounded() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.max_body_bytes = 64 * 1024;
        c.max_stream_clients = 2;
    })
    .await;
    let user = s.key("pro", "user", None).await;
    let big = json!({"text": "a".repeat(100 * 1024)});
    let r = s.post_json("/api/v1/enhance", &user, &big).await;
    assert_error(r, 413, "payload_too_large").await;
    let batch: Vec<_> = (0..101)
        .map(|i| json!({"text": format!("prompt {i}")}))
        .collect();
    let r = s
        .post_json("/api/v1/batch", &user, &json!({ "prompts": batch }))
        .await;
    assert_error(r, 400, "validation").await;
    let r = s.get_as("/api/v1/history?limit=101", &user).await;
    assert_error(r, 400, "validation").await;
    let r = s
        .figures("/api/v1/metrics/timeseries?from=-1h&metric=requests&step=99999999999")
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "validation").await;

    // The stream: at most two clients here; the third is shed with a time to come back.
    let url = crate::metrics_live::ws_url(&s, "/api/v1/metrics/stream");
    let connect =
        || tokio_tungstenite::connect_async(crate::metrics_live::viewer_handshake(&s, &url));
    let (mut first, _) = connect().await.unwrap();
    let (second, _) = connect().await.unwrap();
    match connect().await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503);
            assert!(response.headers().contains_key("retry-after"));
        }
        other => panic!("a third client was let in: {:?}", other.map(|r| r.1)),
    }
    drop(second);
    // A client message far past any filter's size closes that client's connection.
    first
        .send(Message::Text("x".repeat(64 * 1024).into()))
        .await
        .unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match first.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "an oversized message closes the stream");
    // Slots are given back: a new client gets in.
    let mut reconnected = None;
    for _ in 0..50 {
        if let Ok((socket, _)) = connect().await {
            reconnected = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reconnected.is_some(), "a freed slot is reused");
    s.stop().await;
}

/// API8: CORS is closed (no browser on another origin may read an answer), and an error
/// never echoes the secret it was given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api8_cors_is_closed_and_errors_echo_no_secret() {
    let s = TestServer::start(Backend::Sqlite).await;
    let preflight = s
        .client
        .request(reqwest::Method::OPTIONS, s.url("/api/v1/enhance"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(
        !preflight
            .headers()
            .contains_key("access-control-allow-origin"),
        "a preflight is not granted"
    );
    let r = s
        .figures("/api/v1/metrics/summary?from=-1m")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    let made_up = format!("bp_{}", "5e".repeat(32));
    let r = s.get_as("/api/v1/history", &made_up).await;
    let body = r.text().await.unwrap();
    assert!(
        !body.contains(&made_up) && !body.contains(&made_up[3..]),
        "{body}"
    );
    let r = s
        .client
        .get(s.url("/api/v1/history"))
        .header("authorization", format!("Token {made_up}"))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(!body.contains(&made_up[3..]), "{body}");
    s.stop().await;
}
