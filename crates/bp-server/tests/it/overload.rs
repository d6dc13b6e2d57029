//! Under overload the service sheds with 503 + Retry-After and never drops an acknowledged
//! row: a full history queue refuses new work instead of losing it.

use bp_testkit::{Backend, TestServer, assert_error};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_history_queue_sheds_with_503_and_loses_nothing() {
    let s = TestServer::start_with(Backend::Sqlite, |c| c.writer.queue_capacity = 2).await;
    let key = s.key("enterprise", "user", Some(json!("unlimited"))).await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let request = s
            .post("/api/v1/enhance")
            .bearer_auth(&key)
            .json(&json!({"text": format!("Explain idea number {i} about rivers")}));
        tasks.push(tokio::spawn(async move { request.send().await.unwrap() }));
    }
    let (mut ok_ids, mut shed) = (Vec::new(), 0);
    for t in tasks {
        let r = t.await.unwrap();
        match r.status().as_u16() {
            200 => ok_ids.push(
                r.json::<serde_json::Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            ),
            503 => {
                assert!(r.headers().contains_key("retry-after"));
                assert_error(r, 503, "overloaded").await;
                shed += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(
        shed > 0,
        "a queue of 2 rows under 200 concurrent requests must shed"
    );
    assert!(!ok_ids.is_empty());
    let listed = s
        .get_as("/api/v1/history?limit=1&include_total=true", &key)
        .await;
    let total = listed.json::<serde_json::Value>().await.unwrap()["total_records"]
        .as_u64()
        .unwrap();
    assert_eq!(
        total,
        ok_ids.len() as u64,
        "exactly the acknowledged rows are stored"
    );
    s.stop().await;
}
