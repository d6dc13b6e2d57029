//! Every kind of bad input gets a 4xx with our error body, never a 5xx; random bodies too.

use bp_testkit::{Backend, TestServer, assert_error};
use proptest::prelude::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_bad_input_is_a_clear_4xx() {
    let s = TestServer::start(Backend::Sqlite).await;
    let key = s.key("pro", "user", None).await;
    let post_raw = |path: &str, body: Vec<u8>| {
        s.post(path)
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("/api/v1/enhance", b"{not json".to_vec(), 400, "validation"),
        (
            "/api/v1/enhance",
            br#"{"text": 42}"#.to_vec(),
            400,
            "validation",
        ),
        (
            "/api/v1/enhance",
            br#"{"text": ""}"#.to_vec(),
            400,
            "validation",
        ),
        (
            "/api/v1/enhance",
            br#"{"text": "   "}"#.to_vec(),
            400,
            "validation",
        ),
        (
            "/api/v1/enhance",
            json!({"text": "a".repeat(5001)}).to_string().into_bytes(),
            400,
            "validation",
        ),
        (
            "/api/v1/enhance",
            json!({"text": "ok", "prefer_techniques": ["telepathy"]})
                .to_string()
                .into_bytes(),
            400,
            "validation",
        ),
        (
            "/api/v1/enhance",
            json!({"text": "ok", "target_complexity": "extreme"})
                .to_string()
                .into_bytes(),
            400,
            "validation",
        ),
        (
            "/api/v1/enhance",
            json!({"text": "ok", "surprise": 1})
                .to_string()
                .into_bytes(),
            400,
            "validation",
        ),
        (
            "/api/v1/enhance",
            b"{\"text\": \"\xff\xfe\"}".to_vec(),
            400,
            "validation",
        ),
        (
            "/api/v1/batch",
            json!({"prompts": []}).to_string().into_bytes(),
            400,
            "validation",
        ),
        (
            "/api/v1/batch",
            json!({"prompts": vec![json!({"text": "x"}); 101]})
                .to_string()
                .into_bytes(),
            400,
            "validation",
        ),
        ("/api/v1/analyze", b"[]".to_vec(), 400, "validation"),
        (
            "/api/v1/feedback",
            json!({"prompt_history_id": uuid::Uuid::now_v7(), "rating": 9})
                .to_string()
                .into_bytes(),
            400,
            "validation",
        ),
    ];
    for (path, body, status, code) in cases {
        let r = post_raw(path, body).await.unwrap();
        assert_error(r, status, code).await;
    }
    // The server answers 413 without reading the rest of the body and closes the
    // connection, so this one goes on a connection of its own.
    let r = reqwest::Client::new()
        .post(s.url("/api/v1/enhance"))
        .header("content-type", "application/json")
        .body(vec![b' '; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_error(r, 413, "payload_too_large").await;
    // A 5000-character prompt is fine (the limit is inclusive, in characters).
    let r = s
        .post("/api/v1/enhance")
        .json(&json!({"text": "é".repeat(5000)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = s
        .post("/api/v1/enhance")
        .body("{\"text\":\"hi\"}")
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "validation").await;
    for q in [
        "page=2",
        "limit=0",
        "limit=101",
        "cursor=x",
        "include_total=maybe",
        "sort=sideways",
        "technique=nope",
        "primary_technique=nope",
        "segment=platinum",
        "region=a-region-name-longer-than-thirty-two",
        "date_from=yesterday",
        "unknown=1",
    ] {
        let r = s.get_as(&format!("/api/v1/history?{q}"), &key).await;
        assert_error(r, 400, "validation").await;
    }
    let r = s.get_as("/api/v1/history/not-a-uuid", &key).await;
    assert_error(r, 404, "not_found").await;
    let r = s.get("/api/v1/nowhere").send().await.unwrap();
    assert_error(r, 404, "not_found").await;
    let r = s
        .post("/api/v1/enhance")
        .header("x-region", "Not A Region!")
        .json(&json!({"text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "validation").await;
    s.stop().await;
}

/// Random bodies (JSON-ish and raw bytes) at every POST endpoint: nothing answers 5xx.
#[test]
fn random_bodies_never_cause_a_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let s = runtime.block_on(TestServer::start(Backend::Sqlite));
    let key = runtime.block_on(s.key("enterprise", "user", Some(json!("unlimited"))));
    let body = prop_oneof![
        any::<Vec<u8>>(),
        "\\PC{0,200}".prop_map(String::into_bytes),
        (any::<Option<String>>(), any::<i64>(), any::<bool>()).prop_map(|(t, n, b)| {
            json!({"text": t, "prompts": [{"text": t}, n], "rating": n, "prompt_history_id": t, "cached": b}).to_string().into_bytes()
        }),
    ];
    let paths = [
        "/api/v1/enhance",
        "/api/v1/batch",
        "/api/v1/analyze",
        "/api/v1/feedback",
        "/api/v1/admin/keys",
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 200,
        ..ProptestConfig::default()
    });
    runner
        .run(
            &(body, proptest::sample::select(paths.to_vec())),
            |(body, path)| {
                let status = runtime.block_on(async {
                    s.post(path)
                        .bearer_auth(&key)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .unwrap()
                        .status()
                });
                prop_assert!(status.as_u16() < 500, "{path} answered {status}");
                Ok(())
            },
        )
        .unwrap();
    runtime.block_on(s.stop());
}
