//! Test databases for each backend, and row fixtures.
//!
//! SQLite gets a file in a fresh temp dir; PostgreSQL a fresh, uniquely named schema on the
//! local server (`BP_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`),
//! dropped when the test ends, however it ends (`bp-testkit`).

use bp_api::{Complexity, HistoryItem, Intent, Segment, Technique};
use bp_store::{
    HistoryOwner, HistoryPageRows, HistoryQuery, NewFeedback, NewHistoryRow, Store, StoreConfig,
};
use bp_testkit::TestStorage;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use uuid::Uuid;

pub use bp_testkit::{Backend, database_url};

/// One test's database and an open store on it; every database it made is removed when it
/// is dropped (`bp_testkit::TestStorage`).
pub struct TestDb {
    pub backend: Backend,
    pub config: StoreConfig,
    pub store: Arc<dyn Store>,
    /// Last: the store's connections close before its database goes.
    storage: TestStorage,
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let storage = TestStorage::new(backend);
        let config = storage.store_config("main");
        let store = bp_store::open(&config).await.expect("store opens");
        TestDb {
            backend,
            config,
            store,
            storage,
        }
    }

    /// Another empty database of the same backend, removed with this one.
    pub fn sibling_config(&self, name: &str) -> StoreConfig {
        self.storage.store_config(name)
    }
}

/// A fixed instant with microseconds, so precision loss would show.
pub fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 123_456_000).expect("valid")
}

/// `t0` plus `n` seconds and `n` microseconds.
pub fn at(n: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(n) + Duration::microseconds(n)
}

/// A history item created `n` steps after `t0`, with varied fields.
pub fn item(n: i64) -> HistoryItem {
    let intents = Intent::ALL;
    let complexities = Complexity::ALL;
    let techniques = Technique::ALL;
    let i = n.unsigned_abs() as usize;
    HistoryItem {
        id: Uuid::now_v7(),
        created_at: at(n),
        original_text: format!("prompt number {n}"),
        enhanced_text: format!("Let us think step by step about prompt number {n}."),
        intent: intents[i % intents.len()],
        complexity: complexities[i % complexities.len()],
        techniques_used: vec![
            techniques[i % techniques.len()],
            techniques[(i + 5) % techniques.len()],
        ],
        confidence: 0.5 + (i % 50) as f64 / 100.0,
        processing_time_ms: 0.25 * n as f64,
    }
}

pub fn row(owner: Option<Uuid>, item: HistoryItem) -> NewHistoryRow {
    NewHistoryRow {
        owner,
        item,
        segment: Segment::Pro,
        region: "eu-west".to_owned(),
    }
}

/// `n` rows of one owner, created at steps `0..n`.
pub fn rows(owner: Uuid, n: i64) -> Vec<NewHistoryRow> {
    (0..n).map(|i| row(Some(owner), item(i))).collect()
}

/// The ids of a listing, for comparing orders.
pub fn ids(items: &[HistoryItem]) -> Vec<Uuid> {
    items.iter().map(|i| i.id).collect()
}

/// The first page of `query` and the owner's exact total (from the maintained counts).
pub async fn list(db: &TestDb, owner: Uuid, query: HistoryQuery) -> (Vec<HistoryItem>, u64) {
    let page = db
        .store
        .list_history(HistoryOwner::Key(owner), &query)
        .await
        .expect("listing works");
    let total = db
        .store
        .count_owner_history(HistoryOwner::Key(owner))
        .await
        .expect("count works");
    (page.items, total)
}

/// One page of `query`.
pub async fn page(db: &TestDb, owner: HistoryOwner, query: &HistoryQuery) -> HistoryPageRows {
    db.store
        .list_history(owner, query)
        .await
        .expect("listing works")
}

/// Every page of `query` from its start, following the cursors, in order.
pub async fn all_pages(
    db: &TestDb,
    owner: HistoryOwner,
    query: HistoryQuery,
) -> Vec<Vec<HistoryItem>> {
    let mut pages = Vec::new();
    let mut query = query;
    loop {
        let one = page(db, owner, &query).await;
        pages.push(one.items);
        match one.next {
            Some(next) => query.after = Some(next),
            None => return pages,
        }
        assert!(pages.len() < 10_000, "a listing ends");
    }
}

/// Ids of every match of `query`, in the listing's order (all pages), and their number.
pub async fn matches(db: &TestDb, owner: Uuid, query: HistoryQuery) -> (Vec<Uuid>, u64) {
    let pages = all_pages(
        db,
        HistoryOwner::Key(owner),
        HistoryQuery {
            limit: 100,
            ..query
        },
    )
    .await;
    let ids: Vec<Uuid> = pages.iter().flat_map(|p| ids(p)).collect();
    let n = ids.len() as u64;
    (ids, n)
}

/// A rating of `history_id` by `owner`.
pub fn feedback(owner: Uuid, history_id: Uuid) -> NewFeedback {
    NewFeedback {
        id: Uuid::now_v7(),
        owner,
        history_id,
        rating: 4,
        most_helpful_technique: Some(Technique::FewShot),
        comment: Some("useful, thanks — très bien".into()),
        created_at: at(42),
    }
}

/// A plain connection to a PostgreSQL test database, in its schema: for looking at what the
/// store does not expose (the catalog, other tables).
pub async fn postgres_client(config: &StoreConfig) -> tokio_postgres::Client {
    let StoreConfig::Postgres {
        schema: Some(schema),
        ..
    } = config
    else {
        panic!("a PostgreSQL test database");
    };
    let (client, connection) = tokio_postgres::connect(&database_url(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client
        .batch_execute(&format!("SET search_path TO {schema}"))
        .await
        .expect("search_path");
    client
}
