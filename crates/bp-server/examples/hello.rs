//! The reference of benchmark B1: a bare axum hello-world on the same runtime settings as
//! the service. `cargo run --release -p bp-server --example hello -- 127.0.0.1:9090`
//!
//! It also answers `POST /api/v1/enhance` with a JSON echo of the service's response shape
//! and size (no auth, engine, cache, history or metrics): the floor any implementation of
//! the enhance contract pays for HTTP and JSON, which `bench/b1-enhance-vs-hello.sh` reports
//! beside the hello-world so the remaining cost of the real path is visible.

use axum::{
    Json, Router,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct EchoRequest {
    text: String,
}

/// Same fields and about the same size as `bp_api::EnhanceResponse` for a short prompt.
#[derive(Serialize)]
struct EchoResponse {
    id: &'static str,
    original_text: String,
    enhanced_text: String,
    intent: &'static str,
    complexity: &'static str,
    techniques_used: [&'static str; 2],
    confidence: f32,
    processing_time_ms: f64,
    cached: bool,
}

async fn echo(Json(request): Json<EchoRequest>) -> Json<EchoResponse> {
    Json(EchoResponse {
        id: "01a21e10-df44-714e-ace2-3ecc820010fa",
        enhanced_text: format!(
            "Task:\n{}\n\nWork through it step by step, numbering the steps and saying what \
             each one achieves.\n\nFormat: a one-sentence TL;DR, then the key points as \
             bullets, then any action items.",
            request.text
        ),
        original_text: request.text,
        intent: "summarization",
        complexity: "moderate",
        techniques_used: ["structured_output", "step_by_step"],
        confidence: 0.444_569_05,
        processing_time_ms: 0.035_632,
        cached: false,
    })
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9090".to_owned());
    let app = Router::new()
        .route("/", get(|| async { "Hello, World!" }))
        .route("/api/v1/enhance", post(echo));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
