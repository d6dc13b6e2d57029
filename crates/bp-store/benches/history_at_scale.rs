//! B15: a history listing page costs the same at 10 M rows as at 10.
//!
//! One database per store holds three owners' histories side by side: `big` with `ROWS`
//! rows, `ROWS` rows spread over 10 000 `many` owners, and `small` with 10 rows, written
//! through the store's own insert path (counts and PostgreSQL partitions included) and
//! spread over the last 29 days. Written with the history's secondary indexes dropped and
//! rebuilt afterwards from their own definitions, as a bulk load would: maintaining three
//! random-order indexes row by row slowed SQLite to about 3 000 rows/s past a few million
//! rows, hours for 20 M. The rebuilt indexes are the ones the
//! migrations define; only their pages are laid out in order. Each scenario (first page, a page deep behind a cursor,
//! each sort, filters, a date range, the exact total) is asked `PAGES` times per owner;
//! the table gives p50/p95/p99 and the ratio of `big` and `many` to `small` in the same run.
//!
//! ```text
//! cargo bench -p bp-store --bench history_at_scale
//! B15_ROWS=10000000 B15_STORES=sqlite,postgres B15_PAGES=1000 B15_DIR=/var/tmp/bp-b15 ...
//! ```
//!
//! The databases are kept in `B15_DIR` (SQLite) and the schema `bp_b15` (PostgreSQL at
//! `BP_TEST_DATABASE_URL`) and reused when they already hold the rows; `B15_DROP=1` removes
//! them at the end.

use bp_api::{Complexity, HistoryItem, HistorySort, Intent, Segment, Technique};
use bp_store::{
    HistoryCursor, HistoryOwner, HistoryQuery, NewHistoryRow, Store, StoreConfig, StoreError,
};
use chrono::{DateTime, Utc};
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

const MANY_OWNERS: u128 = 10_000;
const SMALL_ROWS: u64 = 10;
const SPAN_US: i64 = 29 * 86_400_000_000;
const BATCH: usize = 5_000;
const SCHEMA: &str = "bp_b15";

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn big() -> Uuid {
    Uuid::from_u128(1)
}
fn small() -> Uuid {
    Uuid::from_u128(2)
}
fn many(i: u128) -> Uuid {
    Uuid::from_u128(1_000_000 + i % MANY_OWNERS)
}

/// Row `n` of `rows`, spread evenly over the span ending at `end_us`.
fn row(owner: Uuid, n: u64, rows: u64, end_us: i64, rng: &mut StdRng) -> NewHistoryRow {
    let step = SPAN_US / i64::try_from(rows.max(1)).unwrap_or(i64::MAX);
    let created_us = end_us - SPAN_US + i64::try_from(n).unwrap_or(0) * step.max(1);
    let intent = Intent::ALL[rng.random_range(0..Intent::ALL.len())];
    let techniques = [Technique::ALL[rng.random_range(0..Technique::ALL.len())]];
    let needle = if rng.random_ratio(1, 100_000) {
        " needle"
    } else {
        ""
    };
    NewHistoryRow {
        owner: Some(owner),
        item: HistoryItem {
            id: Uuid::now_v7(),
            created_at: DateTime::from_timestamp_micros(created_us).expect("in range"),
            original_text: format!(
                "Explain how a load balancer spreads requests over {n} servers{needle}"
            ),
            enhanced_text: format!(
                "You are an experienced site reliability engineer. Think step by step. Explain \
                 how a load balancer spreads requests over {n} servers, with one example of \
                 round robin and one of least connections, then list the trade-offs."
            ),
            intent,
            complexity: Complexity::ALL[rng.random_range(0..Complexity::ALL.len())],
            techniques_used: techniques.to_vec(),
            confidence: rng.random_range(0.3..1.0),
            processing_time_ms: rng.random_range(0.01..0.2),
        },
        segment: Segment::Pro,
        region: ["us-east", "eu-west", "ap-south"][rng.random_range(0..3)].to_owned(),
    }
}

async fn populate(
    store: &dyn Store,
    store_name: &str,
    dir: &std::path::Path,
    rows: u64,
    end_us: i64,
) {
    let expected = 2 * rows + SMALL_ROWS;
    let have = store.count_history().await.expect("count");
    if have == expected {
        println!("  reusing {have} rows");
        return;
    }
    assert_eq!(have, 0, "a partial database: remove it and run again");
    let indexes = SecondaryIndexes::drop(store_name, dir).await;
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(15);
    let mut batch = Vec::with_capacity(BATCH);
    // Interleaved in time, as a live system writes them.
    for n in 0..rows {
        batch.push(row(big(), n, rows, end_us, &mut rng));
        batch.push(row(many(u128::from(n)), n, rows, end_us, &mut rng));
        if batch.len() >= BATCH {
            store.insert_history(&batch).await.expect("insert");
            batch.clear();
        }
        if n > 0 && n % 1_000_000 == 0 {
            println!(
                "  {n} of {rows} rows per set written in {:.0?}",
                started.elapsed()
            );
        }
    }
    for n in 0..SMALL_ROWS {
        batch.push(row(small(), n, SMALL_ROWS, end_us, &mut rng));
    }
    store.insert_history(&batch).await.expect("insert");
    println!(
        "  wrote {expected} rows in {:.1?} ({:.0} rows/s)",
        started.elapsed(),
        expected as f64 / started.elapsed().as_secs_f64()
    );
    indexes.rebuild().await;
}

/// The history table's indexes other than its primary key, as their DDL.
struct SecondaryIndexes {
    store_name: String,
    dir: std::path::PathBuf,
    ddl: Vec<String>,
}

impl SecondaryIndexes {
    async fn drop(store_name: &str, dir: &std::path::Path) -> Self {
        let ddl: Vec<String> = match store_name {
            "sqlite" => {
                let conn = rusqlite::Connection::open(dir.join("bp.sqlite3")).expect("open");
                let ddl: Vec<String> = conn
                    .prepare(
                        "SELECT sql FROM sqlite_master \
                         WHERE type = 'index' AND tbl_name = 'history' AND sql IS NOT NULL",
                    )
                    .expect("prepare")
                    .query_map([], |row| row.get(0))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("rows");
                for sql in &ddl {
                    let name = index_name(sql);
                    conn.execute_batch(&format!("DROP INDEX {name}"))
                        .expect("drop index");
                }
                ddl
            }
            _ => {
                let client = postgres_client().await;
                let ddl: Vec<String> = client
                    .query(
                        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i \
                         JOIN pg_class t ON t.oid = i.indrelid \
                         JOIN pg_namespace n ON n.oid = t.relnamespace \
                         WHERE n.nspname = $1 AND t.relname = 'history' AND NOT i.indisprimary",
                        &[&SCHEMA],
                    )
                    .await
                    .expect("indexes")
                    .iter()
                    .map(|row| row.get::<_, String>(0))
                    // The parent's own definition says `ON ONLY` (that index alone, invalid
                    // until each partition's is attached); rebuilt without it, it is made on
                    // every partition.
                    .map(|sql| sql.replacen(" ON ONLY ", " ON ", 1))
                    .collect();
                for sql in &ddl {
                    let name = index_name(sql);
                    client
                        .batch_execute(&format!("DROP INDEX {SCHEMA}.{name}"))
                        .await
                        .expect("drop index");
                }
                ddl
            }
        };
        println!("  dropped {} secondary indexes for the load", ddl.len());
        SecondaryIndexes {
            store_name: store_name.to_owned(),
            dir: dir.to_owned(),
            ddl,
        }
    }

    async fn rebuild(self) {
        let started = Instant::now();
        match self.store_name.as_str() {
            "sqlite" => {
                let conn = rusqlite::Connection::open(self.dir.join("bp.sqlite3")).expect("open");
                for sql in &self.ddl {
                    conn.execute_batch(sql).expect("create index");
                }
            }
            _ => {
                let client = postgres_client().await;
                client
                    .batch_execute("SET maintenance_work_mem = '1GB'")
                    .await
                    .expect("set");
                for sql in &self.ddl {
                    client.batch_execute(sql).await.expect("create index");
                }
            }
        }
        println!(
            "  rebuilt {} indexes in {:.1?}",
            self.ddl.len(),
            started.elapsed()
        );
    }
}

/// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON …` → `name`.
fn index_name(ddl: &str) -> &str {
    let after = ddl
        .split_once(" INDEX ")
        .map(|(_, rest)| rest.trim_start_matches("IF NOT EXISTS "))
        .expect("an index definition");
    after.split_whitespace().next().expect("a name")
}

/// One kind of page request.
struct Scenario {
    name: &'static str,
    query: fn(&mut StdRng, i64) -> HistoryQuery,
    total: bool,
}

fn deep(sort: HistorySort, rng: &mut StdRng, end_us: i64) -> Option<HistoryCursor> {
    Some(HistoryCursor {
        sort,
        created_at_us: end_us - rng.random_range(0..SPAN_US),
        id: Uuid::max(),
        confidence: rng.random_range(0.3..1.0),
    })
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "first page, newest first",
            query: |_, _| HistoryQuery::default(),
            total: false,
        },
        Scenario {
            name: "deep page, newest first",
            query: |rng, end| HistoryQuery {
                after: deep(HistorySort::CreatedAtDesc, rng, end),
                ..HistoryQuery::default()
            },
            total: false,
        },
        Scenario {
            name: "deep page, oldest first",
            query: |rng, end| HistoryQuery {
                sort: HistorySort::CreatedAtAsc,
                after: deep(HistorySort::CreatedAtAsc, rng, end),
                ..HistoryQuery::default()
            },
            total: false,
        },
        Scenario {
            name: "deep page, most confident first",
            query: |rng, end| HistoryQuery {
                sort: HistorySort::ConfidenceDesc,
                after: deep(HistorySort::ConfidenceDesc, rng, end),
                ..HistoryQuery::default()
            },
            total: false,
        },
        Scenario {
            name: "deep page, least confident first",
            query: |rng, end| HistoryQuery {
                sort: HistorySort::ConfidenceAsc,
                after: deep(HistorySort::ConfidenceAsc, rng, end),
                ..HistoryQuery::default()
            },
            total: false,
        },
        Scenario {
            name: "intent filter, deep",
            query: |rng, end| HistoryQuery {
                intent: Some(Intent::ALL[rng.random_range(0..Intent::ALL.len())]),
                after: deep(HistorySort::CreatedAtDesc, rng, end),
                ..HistoryQuery::default()
            },
            total: false,
        },
        Scenario {
            name: "rare search (budget-bound)",
            query: |_, _| HistoryQuery {
                search: Some("needle".into()),
                ..HistoryQuery::default()
            },
            total: false,
        },
        Scenario {
            name: "one-day date range",
            query: |rng, end| {
                let from = end - rng.random_range(86_400_000_000..SPAN_US);
                HistoryQuery {
                    date_from: DateTime::from_timestamp_micros(from),
                    date_to: DateTime::from_timestamp_micros(from + 86_400_000_000),
                    ..HistoryQuery::default()
                }
            },
            total: false,
        },
        Scenario {
            name: "first page + exact total",
            query: |_, _| HistoryQuery::default(),
            total: true,
        },
    ]
}

/// Latencies of `pages` requests, in microseconds; `TimedOut` answers are counted apart.
async fn measure(
    store: &dyn Store,
    owner: Uuid,
    scenario: &Scenario,
    pages: u32,
    end_us: i64,
) -> (Histogram<u64>, u32) {
    let mut rng = StdRng::seed_from_u64(u64::from(pages));
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
    let mut timed_out = 0;
    for _ in 0..pages {
        let query = (scenario.query)(&mut rng, end_us);
        let started = Instant::now();
        let page = store.list_history(HistoryOwner::Key(owner), &query).await;
        if scenario.total {
            store
                .count_owner_history(HistoryOwner::Key(owner))
                .await
                .expect("count");
        }
        let took = started.elapsed();
        match page {
            Ok(_) => hist.saturating_record(u64::try_from(took.as_micros()).unwrap_or(u64::MAX)),
            Err(StoreError::TimedOut { .. }) => timed_out += 1,
            Err(e) => panic!("{}: {e}", scenario.name),
        }
    }
    (hist, timed_out)
}

fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

async fn open(store: &str, dir: &std::path::Path) -> Arc<dyn Store> {
    let config = match store {
        "sqlite" => StoreConfig::Sqlite {
            path: dir.join("bp.sqlite3"),
        },
        "postgres" => StoreConfig::Postgres {
            url: std::env::var("BP_TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned()),
            pool_size: 4,
            schema: Some(SCHEMA.to_owned()),
        },
        other => panic!("unknown store {other}: sqlite or postgres"),
    };
    bp_store::open(&config).await.expect("open")
}

/// PostgreSQL: what autovacuum would do after the bulk insert (statistics, visibility
/// map), done now so it does not run during the measurement.
async fn settle(store: &str) {
    if store == "postgres" {
        let started = Instant::now();
        postgres_client()
            .await
            .batch_execute(&format!("VACUUM ANALYZE {SCHEMA}.history"))
            .await
            .expect("vacuum");
        println!("  vacuumed in {:.1?}", started.elapsed());
    }
}

async fn postgres_client() -> tokio_postgres::Client {
    let url = std::env::var("BP_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client
}

async fn drop_database(store: &str, dir: &std::path::Path) {
    match store {
        "sqlite" => {
            let _ = std::fs::remove_dir_all(dir);
        }
        _ => {
            postgres_client()
                .await
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                .await
                .expect("drop");
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows: u64 = env("B15_ROWS", 10_000_000);
    let pages: u32 = env("B15_PAGES", 1_000);
    let stores: String = env("B15_STORES", "sqlite,postgres".to_owned());
    let dir = std::path::PathBuf::from(env("B15_DIR", "/var/tmp/bp-b15".to_owned()));
    // The rows end at a fixed instant per database, so a reused one is listed as written.
    let end_us = env("B15_END_US", Utc::now().timestamp_micros());
    println!(
        "B15: {rows} rows for one owner + {rows} over {MANY_OWNERS} owners + {SMALL_ROWS}, {pages} pages per scenario"
    );
    for store_name in stores.split(',') {
        let store_dir = dir.join(store_name);
        std::fs::create_dir_all(&store_dir).expect("mkdir");
        let end_file = store_dir.join("end_us");
        let end_us = std::fs::read_to_string(&end_file)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(end_us);
        std::fs::write(&end_file, end_us.to_string()).expect("write");
        println!("\n## {store_name}");
        let store = open(store_name, &store_dir).await;
        populate(&*store, store_name, &store_dir, rows, end_us).await;
        settle(store_name).await;
        // One warm-up pass of every scenario, so the first figures are not the cold cache.
        for scenario in scenarios() {
            for owner in [small(), big(), many(7)] {
                measure(&*store, owner, &scenario, 20, end_us).await;
            }
        }
        // The floor: a round trip to the database through the same pool, no history read.
        let mut floor = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
        for _ in 0..pages {
            let started = Instant::now();
            store.ping().await.expect("ping");
            floor.saturating_record(u64::try_from(started.elapsed().as_micros()).unwrap_or(0));
        }
        println!(
            "\nfloor (a ping through the same pool): p50 / p95 / p99 {} / {} / {} ms",
            ms(floor.value_at_quantile(0.5)),
            ms(floor.value_at_quantile(0.95)),
            ms(floor.value_at_quantile(0.99))
        );
        println!(
            "\n| scenario | 10 rows p50 / p99 ms | one owner ({rows}) p50 / p95 / p99 ms | one of {MANY_OWNERS} owners p50 / p95 / p99 ms | p99 ratio one / many vs 10 rows | timed out |"
        );
        println!("|---|---|---|---|---|---|");
        let started = Instant::now();
        for scenario in scenarios() {
            let (s, s_to) = measure(&*store, small(), &scenario, pages, end_us).await;
            let (b, b_to) = measure(&*store, big(), &scenario, pages, end_us).await;
            let mut m = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
            let mut m_to = 0;
            // The many owners in turn: each page of another owner's rows.
            for i in 0..10 {
                let (h, t) = measure(&*store, many(i * 997), &scenario, pages / 10, end_us).await;
                m.add(&h).expect("same bounds");
                m_to += t;
            }
            let p = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q);
            println!(
                "| {} | {} / {} | {} / {} / {} | {} / {} / {} | {:.1} / {:.1} | {} |",
                scenario.name,
                ms(p(&s, 0.5)),
                ms(p(&s, 0.99)),
                ms(p(&b, 0.5)),
                ms(p(&b, 0.95)),
                ms(p(&b, 0.99)),
                ms(p(&m, 0.5)),
                ms(p(&m, 0.95)),
                ms(p(&m, 0.99)),
                p(&b, 0.99) as f64 / p(&s, 0.99).max(1) as f64,
                p(&m, 0.99) as f64 / p(&s, 0.99).max(1) as f64,
                s_to + b_to + m_to,
            );
        }
        println!("\nmeasured in {:.0?}", started.elapsed());
        drop(store);
        if env("B15_DROP", 0) == 1 {
            drop_database(store_name, &store_dir).await;
        }
    }
}
