//! Zero data loss: every enhancement that got a 200 survives the server's death.
//!
//! 20 000 enhances are sent concurrently; once a few thousand were acknowledged the server
//! is stopped — by SIGKILL (no drain, no flush) or by SIGTERM (graceful drain) — restarted
//! on the same storage, and every acknowledged id is looked up. A 200 promises a committed
//! row, so none may be missing.

use crate::process::{Backend, ServerProcess, TestStorage, create_key, serve};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Mutex, Semaphore};

const REQUESTS: usize = 20_000;
const CONCURRENCY: usize = 64;
/// Kill once this many were acknowledged: mid-run, with many requests in flight.
const KILL_AFTER_ACKS: usize = 5_000;

/// How the server is stopped mid-run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Kill,
    Terminate,
}

#[test]
fn acknowledged_enhancements_survive_sigkill_on_sqlite() {
    survives(&TestStorage::new(Backend::Sqlite), Stop::Kill);
}

#[test]
fn acknowledged_enhancements_survive_sigkill_on_postgres() {
    survives(&TestStorage::new(Backend::Postgres), Stop::Kill);
}

#[test]
fn sigterm_drains_cleanly_and_loses_nothing() {
    survives(&TestStorage::new(Backend::Sqlite), Stop::Terminate);
}

fn survives(storage: &TestStorage, stop: Stop) {
    let key = create_key(storage, &["--rate-limit", "unlimited"]);
    let server = serve(storage);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let base = server.base.clone();
    let (acked, clean_exit) = runtime.block_on(load_until_stopped(&base, &key, server, stop));
    if stop == Stop::Terminate {
        assert!(clean_exit, "SIGTERM must drain and exit with status 0");
    }
    assert!(
        acked.len() >= KILL_AFTER_ACKS,
        "only {} acknowledged",
        acked.len()
    );
    assert!(
        acked.len() < REQUESTS,
        "the kill came after the run; nothing was tested"
    );

    let restarted = serve(storage);
    let missing = runtime.block_on(find_missing(&restarted.base, &key, &acked));
    eprintln!(
        "durability: {} of {REQUESTS} acknowledged before {stop:?}, {} missing after restart",
        acked.len(),
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "{} acknowledged rows lost, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert!(restarted.terminate(), "clean exit on SIGTERM");
}

/// Returns the acknowledged ids and, for SIGTERM, whether the process exited cleanly.
async fn load_until_stopped(
    base: &str,
    key: &str,
    server: ServerProcess,
    stop: Stop,
) -> (Vec<String>, bool) {
    let clean_exit = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let client = reqwest::Client::new();
    let acked = Arc::new(Mutex::new(Vec::with_capacity(REQUESTS)));
    let n_acked = Arc::new(AtomicUsize::new(0));
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let server = Arc::new(std::sync::Mutex::new(Some(server)));
    let mut tasks = Vec::with_capacity(REQUESTS);
    for i in 0..REQUESTS {
        let permit = permits.clone().acquire_owned().await.expect("semaphore");
        let (client, acked, n_acked, server) = (
            client.clone(),
            acked.clone(),
            n_acked.clone(),
            server.clone(),
        );
        let clean_exit = clean_exit.clone();
        let url = format!("{base}/api/v1/enhance");
        let key = key.to_owned();
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let body = serde_json::json!({"text": format!("Explain fact number {i} about deep-sea creatures")});
            let Ok(response) = client.post(url).bearer_auth(key).json(&body).send().await else { return };
            if response.status() != 200 {
                return;
            }
            let Ok(json) = response.json::<serde_json::Value>().await else { return };
            if let Some(id) = json["id"].as_str() {
                acked.lock().await.push(id.to_owned());
                if n_acked.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER_ACKS {
                    let taken = server.lock().ok().and_then(|mut s| s.take());
                    match (taken, stop) {
                        (Some(s), Stop::Kill) => s.kill(),
                        // Waiting for the drain blocks, so it happens off the runtime.
                        (Some(s), Stop::Terminate) => {
                            let clean = tokio::task::spawn_blocking(move || s.terminate()).await;
                            clean_exit.store(matches!(clean, Ok(true)), Ordering::SeqCst);
                        }
                        (None, _) => {}
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    (
        acked.lock().await.clone(),
        clean_exit.load(Ordering::SeqCst),
    )
}

async fn find_missing(base: &str, key: &str, ids: &[String]) -> Vec<String> {
    let client = reqwest::Client::new();
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = Vec::with_capacity(ids.len());
    for id in ids {
        let permit = permits.clone().acquire_owned().await.expect("semaphore");
        let request = client
            .get(format!("{base}/api/v1/history/{id}"))
            .bearer_auth(key);
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let status = request
                .send()
                .await
                .expect("restarted server answers")
                .status();
            assert!(status == 200 || status == 404, "unexpected {status}");
            (status == 404).then_some(id)
        }));
    }
    let mut missing = Vec::new();
    for t in tasks {
        missing.extend(t.await.expect("task"));
    }
    missing
}
