//! Conformance case for call timing: a store opened with an observer reports every call,
//! classified by operation, with its connection wait and its time on the connection.

use crate::harness::{TestDb, rows};
use bp_store::{DbObserver, DbOperation, HistoryOwner, HistoryQuery, RollupRow};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

#[derive(Default)]
struct Calls(Mutex<Vec<(DbOperation, Duration, Duration)>>);

impl DbObserver for Calls {
    fn db_call(&self, op: DbOperation, acquire: Duration, query: Duration) {
        self.0
            .lock()
            .expect("not poisoned")
            .push((op, acquire, query));
    }
}

pub async fn every_call_reports_its_operation_and_timing(db: &TestDb) {
    let calls = Arc::new(Calls::default());
    let store = bp_store::open_observed(&db.config, calls.clone())
        .await
        .expect("reopens observed");
    // Opening does its own calls (PostgreSQL prepares the day's partition); the calls that
    // follow are this test's.
    calls.0.lock().expect("not poisoned").clear();
    let owner = Uuid::now_v7();
    store.insert_history(&rows(owner, 5)).await.expect("insert");
    store
        .list_history(HistoryOwner::Key(owner), &HistoryQuery::default())
        .await
        .expect("list");
    store
        .upsert_rollups(&[RollupRow {
            resolution_secs: 5,
            window_start_us: 5_000_000,
            source: "a".into(),
            payload: b"{}".to_vec(),
        }])
        .await
        .expect("upsert");
    store
        .list_rollups(5, 0, i64::MAX)
        .await
        .expect("list rollups");
    store.ping().await.expect("ping");
    let seen = calls.0.lock().expect("not poisoned").clone();
    let ops: Vec<DbOperation> = seen.iter().map(|(op, _, _)| *op).collect();
    assert_eq!(
        ops,
        [
            DbOperation::HistoryCommit,
            DbOperation::HistoryRead,
            DbOperation::RollupWrite,
            DbOperation::RollupRead,
            DbOperation::Ping,
        ],
        "one report per call, in order"
    );
    // A durable commit of five rows takes measurable time; nothing takes minutes.
    let (_, _, commit) = seen[0];
    assert!(commit > Duration::ZERO, "{seen:?}");
    for (op, acquire, query) in &seen {
        assert!(
            *acquire < Duration::from_secs(5) && *query < Duration::from_secs(5),
            "{op}: {acquire:?} {query:?}"
        );
    }
}
