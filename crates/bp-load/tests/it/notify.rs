//! `--notify-webhook`: the end-of-run summary reaches a real HTTP receiver on 127.0.0.1 as
//! a Slack-compatible message, and a receiver that fails or is absent is an error, never a
//! hang.

use crate::server::{Behaviour, TestServer};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use bp_load::profile::Plan;
use bp_load::{Mix, PromptPool, RunConfig, Target, Threshold, Webhook};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A chat service stand-in: answers `status` and keeps every body it was sent.
async fn receiver(status: StatusCode) -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    let app = Router::new().route(
        "/hooks/secret-token",
        post(move |body: String| {
            let kept = kept.clone();
            async move {
                kept.lock()
                    .unwrap()
                    .push(serde_json::from_str(&body).unwrap());
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/hooks/secret-token",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn short_run() -> bp_load::Report {
    let server = TestServer::start(Behaviour::default());
    bp_load::run(RunConfig {
        target: Target::parse(&server.url).unwrap(),
        plan: Plan::closed(2, Duration::from_millis(500), Duration::from_millis(10)),
        mix: Mix::parse("health=1").unwrap(),
        prompts: PromptPool::generated(1, 10).unwrap(),
        keys: Vec::new(),
        // One that holds and one that cannot.
        thresholds: vec![
            Threshold::parse("p(95)<10000").unwrap(),
            Threshold::parse("p(50)<0.001").unwrap(),
        ],
        abort_on_fail: false,
        request_timeout: Duration::from_secs(5),
        max_requests: None,
        batch_size: 1,
        max_lateness: Duration::from_secs(5),
        seed: 1,
        threads: 1,
        cpu_scope: bp_load::CpuScope::process(),
        progress: None,
        live: None,
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_reaches_the_webhook_in_slack_form() {
    let report = short_run().await;
    let (url, received) = receiver(StatusCode::OK).await;
    Webhook::parse(&url).unwrap().notify(&report).await.unwrap();
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    let text = m["text"].as_str().unwrap();
    assert!(text.contains("FAIL") && text.contains("req/s"), "{text}");
    assert!(text.contains("p95"), "{text}");
    let blocks = m["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    let all = serde_json::to_string(blocks).unwrap();
    // The failed threshold is listed (Slack-escaped), the one that held is not.
    assert!(all.contains("p(50)&lt;0.001"), "{all}");
    assert!(!all.contains("p(95)&lt;10000"), "{all}");
    assert!(
        all.contains("Throughput") && all.contains("Errors"),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_or_absent_receiver_is_an_error_that_hides_the_token() {
    let report = short_run().await;
    let (url, _) = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    let e = Webhook::parse(&url)
        .unwrap()
        .notify(&report)
        .await
        .unwrap_err();
    let message = e.to_string();
    assert!(message.contains("500"), "{message}");
    assert!(!message.contains("secret-token"), "{message}");
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let e = Webhook::parse(&format!("http://{closed_port}/hooks/secret-token"))
        .unwrap()
        .notify(&report)
        .await
        .unwrap_err();
    assert!(!e.is_usage());
    assert!(!e.to_string().contains("secret-token"), "{e}");
}
