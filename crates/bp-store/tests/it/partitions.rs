//! PostgreSQL's day partitions of history: created ahead of the writes and on demand,
//! dropped whole by retention with their feedback and counts.

use crate::harness::{Backend, TestDb, at, feedback, item, postgres_client, row};
use bp_store::HistoryOwner;
use uuid::Uuid;

const DAY_US: i64 = 86_400_000_000;

/// Our partitions of `history` in the test's schema, by name.
async fn partitions(db: &TestDb) -> Vec<String> {
    let client = postgres_client(&db.config).await;
    client
        .query(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'history'::regclass ORDER BY 1",
            &[],
        )
        .await
        .expect("catalog")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn name_of(day_us: i64) -> String {
    let day = chrono::DateTime::from_timestamp_micros(day_us).expect("valid");
    format!("history_p{}", day.format("%Y%m%d"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_and_the_next_days_exist_from_the_start_and_on_each_pass() {
    let db = TestDb::new(Backend::Postgres).await;
    let now = chrono::Utc::now().timestamp_micros();
    let today = now - now.rem_euclid(DAY_US);
    let ahead: Vec<_> = (0..3).map(|d| name_of(today + d * DAY_US)).collect();
    assert_eq!(
        partitions(&db).await,
        ahead,
        "created when the store opened"
    );

    // A pass ten days on adds those days; an unchanged pass adds nothing.
    db.store
        .maintain_history(now + 10 * DAY_US)
        .await
        .expect("maintain");
    db.store
        .maintain_history(now + 10 * DAY_US)
        .await
        .expect("maintain again");
    let later: Vec<_> = (10..13).map(|d| name_of(today + d * DAY_US)).collect();
    assert_eq!(partitions(&db).await, [ahead, later].concat());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_drops_whole_days_with_their_feedback_and_counts() {
    let db = TestDb::new(Backend::Postgres).await;
    let owner = Uuid::now_v7();
    // `at(0)` is 2026-01-01T00:00:00.123456Z: rows on Dec 30 and 31 and on Jan 1, each day's
    // partition made on demand by the insert.
    let (dec30, dec31, jan1) = (item(-130_000), item(-50_000), item(10));
    let rows = [&dec30, &dec31, &jan1].map(|i| row(Some(owner), i.clone()));
    db.store.insert_history(&rows).await.expect("insert");
    for rated in [&dec30, &dec31, &jan1] {
        db.store
            .insert_feedback(&feedback(owner, rated.id))
            .await
            .expect("rate");
    }
    let all = partitions(&db).await;
    for day in [
        "history_p20251230",
        "history_p20251231",
        "history_p20260101",
    ] {
        assert!(all.iter().any(|p| p == day), "{day} in {all:?}");
    }

    // Retention up to Dec 31 noon: Dec 30 has wholly passed and goes; Dec 31 has not.
    let before = at(0).timestamp_micros() - DAY_US / 2;
    assert_eq!(db.store.prune_history(before, 1).await.expect("prune"), 1);
    assert_eq!(db.store.prune_history(before, 1).await.expect("prune"), 0);
    let left = partitions(&db).await;
    assert!(!left.iter().any(|p| p == "history_p20251230"), "{left:?}");
    assert!(left.iter().any(|p| p == "history_p20251231"), "{left:?}");
    assert_eq!(
        db.store
            .count_owner_history(HistoryOwner::Key(owner))
            .await
            .expect("count"),
        2
    );
    let client = postgres_client(&db.config).await;
    let rated: Vec<Uuid> = client
        .query(
            "SELECT history_id FROM feedback ORDER BY created_at_us, id",
            &[],
        )
        .await
        .expect("feedback")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(rated.len(), 2);
    assert!(
        !rated.contains(&dec30.id),
        "the dropped day's feedback went"
    );
    assert!(
        db.store
            .get_history(owner, dec31.id)
            .await
            .expect("get")
            .is_some()
    );
}

/// A drop interrupted between its detach and its drop (a crash) is finished by the next
/// pass, counts included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detached_day_left_behind_is_dropped_by_the_next_pass() {
    let db = TestDb::new(Backend::Postgres).await;
    let owner = Uuid::now_v7();
    let old = item(-130_000);
    db.store
        .insert_history(&[row(Some(owner), old.clone())])
        .await
        .expect("insert");
    let client = postgres_client(&db.config).await;
    client
        .batch_execute("ALTER TABLE history DETACH PARTITION history_p20251230")
        .await
        .expect("detach");
    let before = at(0).timestamp_micros();
    assert_eq!(db.store.prune_history(before, 1).await.expect("prune"), 1);
    let left: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname = 'history_p20251230' \
             AND relnamespace = current_schema()::regnamespace",
            &[],
        )
        .await
        .expect("catalog")
        .get(0);
    assert_eq!(left, 0, "dropped");
    assert_eq!(
        db.store
            .count_owner_history(HistoryOwner::Key(owner))
            .await
            .expect("count"),
        0
    );
}
