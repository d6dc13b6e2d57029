//! A database written by a 0001-era binary upgrades in place: its rows survive and the
//! features of later migrations work on them.
//!
//! The old database is built the way that binary built it, from the released 0001 file (which
//! is never edited), with rows inserted by plain SQL rather than through today's store.

use crate::harness::{Backend, TestDb, at, database_url};
use bp_api::{Complexity, HistoryItem, HistorySort, Intent, Technique};
use bp_store::{FeedbackStats, HistoryOwner, HistoryQuery, RollupRow, StoreConfig};
use uuid::Uuid;

const SQLITE_0001: &str = include_str!("../../migrations/sqlite/0001_initial.sql");
const POSTGRES_0001: &str = include_str!("../../migrations/postgres/0001_initial.sql");

/// The bookkeeping table as the 0001 binary created it, with 0001 recorded.
const SQLITE_MIGRATIONS: &str = "CREATE TABLE schema_migrations (version INTEGER NOT NULL \
     PRIMARY KEY, name TEXT NOT NULL, applied_at_us INTEGER NOT NULL) STRICT; \
     INSERT INTO schema_migrations VALUES (1, 'initial', 0);";
const POSTGRES_MIGRATIONS: &str = "CREATE TABLE schema_migrations (version BIGINT NOT NULL \
     PRIMARY KEY, name TEXT NOT NULL, applied_at_us BIGINT NOT NULL); \
     INSERT INTO schema_migrations VALUES (1, 'initial', 0);";

/// Runs `sql` on the database of `config` outside the store; returns the migrations recorded.
async fn raw(config: &StoreConfig, sql: &str) -> Vec<i64> {
    const VERSIONS: &str = "SELECT version FROM schema_migrations ORDER BY version";
    match config {
        StoreConfig::Sqlite { path } => {
            std::fs::create_dir_all(path.parent().expect("nested path")).expect("mkdir");
            let conn = rusqlite::Connection::open(path).expect("open");
            conn.execute_batch(sql).expect("raw SQL");
            let mut select = conn.prepare(VERSIONS).expect("prepare");
            select
                .query_map([], |row| row.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("versions")
        }
        StoreConfig::Postgres { schema, .. } => {
            let schema = schema.as_deref().expect("tests use their own schema");
            let (client, connection) =
                tokio_postgres::connect(&database_url(), tokio_postgres::NoTls)
                    .await
                    .expect("connect");
            let connection = tokio::spawn(connection);
            client
                .batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}; {sql}"
                ))
                .await
                .expect("raw SQL");
            let versions = client
                .query(VERSIONS, &[])
                .await
                .expect("versions")
                .iter()
                .map(|row| row.get(0))
                .collect();
            drop(client);
            let _ = connection.await;
            versions
        }
    }
}

pub async fn a_0001_database_upgrades_to_the_current_schema(db: &TestDb) {
    let config = db.sibling_config("v1");
    let (owner, history_id, feedback_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let created_us = at(5).timestamp_micros();
    let rated_us = at(6).timestamp_micros();
    let (schema, data) = match db.backend {
        Backend::Sqlite => {
            let (o, h, f) = (owner.simple(), history_id.simple(), feedback_id.simple());
            let data = format!(
                "INSERT INTO history VALUES (X'{h}', X'{o}', {created_us}, 'old prompt', \
                 'old enhanced', 'reasoning', 'simple', ',few_shot,react,', 0.75, 1.5, 'pro', \
                 'eu-west'); \
                 INSERT INTO feedback VALUES (X'{f}', X'{o}', X'{h}', 5, 'few_shot', NULL, \
                 {rated_us});"
            );
            (format!("{SQLITE_MIGRATIONS} {SQLITE_0001}"), data)
        }
        Backend::Postgres => {
            let (o, h, f) = (owner, history_id, feedback_id);
            let data = format!(
                "INSERT INTO history VALUES ('{h}', '{o}', {created_us}, 'old prompt', \
                 'old enhanced', 'reasoning', 'simple', ARRAY['few_shot', 'react'], 0.75, 1.5, \
                 'pro', 'eu-west'); \
                 INSERT INTO feedback VALUES ('{f}', '{o}', '{h}', 5, 'few_shot', NULL, \
                 {rated_us});"
            );
            (format!("{POSTGRES_MIGRATIONS} {POSTGRES_0001}"), data)
        }
    };
    assert_eq!(raw(&config, &format!("{schema} {data}")).await, [1]);

    let store = bp_store::open(&config).await.expect("upgrades");
    assert_eq!(
        raw(&config, "").await,
        [1, 2, 3, 4, 5, 6, 7],
        "0002 to 0007 applied and recorded"
    );

    let expected = HistoryItem {
        id: history_id,
        created_at: at(5),
        original_text: "old prompt".into(),
        enhanced_text: "old enhanced".into(),
        intent: Intent::Reasoning,
        complexity: Complexity::Simple,
        techniques_used: vec![Technique::FewShot, Technique::React],
        confidence: 0.75,
        processing_time_ms: 1.5,
    };
    assert_eq!(
        store.get_history(owner, history_id).await.expect("get"),
        Some(expected)
    );
    assert_eq!(store.count_history().await.expect("count"), 1);
    // 0004 counted the old rows into the maintained counts.
    assert_eq!(
        store
            .count_owner_history(HistoryOwner::Key(owner))
            .await
            .expect("count"),
        1
    );
    // 0003 rebuilt the SQLite listing index; both orders still find the old row.
    for sort in [HistorySort::CreatedAtDesc, HistorySort::ConfidenceDesc] {
        let query = HistoryQuery {
            sort,
            ..HistoryQuery::default()
        };
        let page = store
            .list_history(HistoryOwner::Key(owner), &query)
            .await
            .expect("list");
        assert_eq!(page.items.len(), 1, "{sort:?}");
    }
    assert_eq!(
        store
            .feedback_stats(i64::MIN, i64::MAX)
            .await
            .expect("stats"),
        [FeedbackStats {
            technique: Some(Technique::FewShot),
            ratings: 1,
            rating_sum: 5,
            ratings_at_least_4: 1,
            helpful_named: 1,
            helpful_is_primary: 1,
        }]
    );
    let rollup = RollupRow {
        resolution_secs: 60,
        window_start_us: 0,
        source: "upgraded".into(),
        payload: vec![0, 1, 2],
    };
    store
        .upsert_rollups(std::slice::from_ref(&rollup))
        .await
        .expect("the new table exists");
    assert_eq!(
        store.list_rollups(60, 0, 1).await.expect("list"),
        std::slice::from_ref(&rollup)
    );

    // Opening the upgraded database again changes nothing.
    drop(store);
    let again = bp_store::open(&config).await.expect("reopens");
    assert_eq!(raw(&config, "").await, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(again.list_rollups(60, 0, 1).await.expect("list"), [rollup]);

    // Retention takes the old row and its rating (on PostgreSQL, 0005 moved it into its
    // day's partition, which goes whole).
    let two_days_later = at(5).timestamp_micros() + 2 * 86_400_000_000;
    while again
        .prune_history(two_days_later, 100)
        .await
        .expect("prune")
        > 0
    {}
    assert_eq!(again.count_history().await.expect("count"), 0);
    assert_eq!(
        again
            .count_owner_history(HistoryOwner::Key(owner))
            .await
            .expect("count"),
        0
    );
    assert_eq!(
        again
            .feedback_stats(i64::MIN, i64::MAX)
            .await
            .expect("stats"),
        []
    );
}
