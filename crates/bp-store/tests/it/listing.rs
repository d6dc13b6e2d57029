//! Conformance cases for history listings: pages, search, filters, date ranges, sorts.

use crate::harness::{Backend, TestDb, all_pages, at, ids, item, list, matches, page, row, rows};
use bp_api::{HistoryItem, HistorySort, Intent, Segment, Technique};
use bp_store::{HistoryOwner, HistoryQuery, NewHistoryRow};
use uuid::Uuid;

pub async fn keyset_pages_neither_overlap_nor_skip(db: &TestDb) {
    let (owner, other) = (Uuid::now_v7(), Uuid::now_v7());
    let mine = rows(owner, 25);
    db.store.insert_history(&mine).await.expect("insert");
    db.store
        .insert_history(&rows(other, 5))
        .await
        .expect("insert");

    let pages = all_pages(
        db,
        HistoryOwner::Key(owner),
        HistoryQuery {
            limit: 10,
            ..Default::default()
        },
    )
    .await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [10, 10, 5], "the short last page ends the listing");
    let seen: Vec<Uuid> = pages.iter().flat_map(|p| ids(p)).collect();
    let newest_first: Vec<Uuid> = mine.iter().rev().map(|r| r.item.id).collect();
    assert_eq!(seen, newest_first, "pages neither overlap nor skip");
    assert_eq!(list(db, owner, HistoryQuery::default()).await.1, 25);

    // A row written after the first page does not shift the next one (offsets would).
    let first = page(
        db,
        HistoryOwner::Key(owner),
        &HistoryQuery {
            limit: 10,
            ..Default::default()
        },
    )
    .await;
    db.store
        .insert_history(&[row(Some(owner), item(100))])
        .await
        .expect("insert");
    let second = page(
        db,
        HistoryOwner::Key(owner),
        &HistoryQuery {
            limit: 10,
            after: first.next,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(ids(&second.items), newest_first[10..20]);
}

/// A page examines at most `SCAN_BUDGET` rows: a rare match far down the history is reached
/// by following cursors over short (here empty) pages, each of bounded cost.
pub async fn a_sparse_filter_pages_on_within_the_scan_budget(db: &TestDb) {
    let owner = Uuid::now_v7();
    let budget = i64::from(bp_store::SCAN_BUDGET);
    let mut new_rows = rows(owner, budget * 2 + 10);
    new_rows[3].item.original_text = "the needle".into();
    db.store.insert_history(&new_rows).await.expect("insert");
    let pages = all_pages(
        db,
        HistoryOwner::Key(owner),
        HistoryQuery {
            search: Some("needle".into()),
            ..Default::default()
        },
    )
    .await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [0, 0, 1], "two budgets of misses, then the match");
    assert_eq!(pages[2][0].id, new_rows[3].item.id);
}

/// The maintained counts follow inserts, deletes and retention, per owner and in all.
pub async fn counts_follow_inserts_deletes_and_retention(db: &TestDb) {
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    // Two days and more before the recent rows, so PostgreSQL's whole-day retention takes
    // them as SQLite's row-by-row one does.
    let old: Vec<_> = (0..4)
        .map(|i| row(Some(alice), item(-200_000 - i)))
        .collect();
    db.store.insert_history(&old).await.expect("insert");
    let mut recent = vec![row(Some(bob), item(1_000)), row(None, item(1_001))];
    recent.push(row(Some(alice), item(1_002)));
    db.store.insert_history(&recent).await.expect("insert");
    let count = |owner| async move { db.store.count_owner_history(owner).await.expect("count") };
    assert_eq!(count(HistoryOwner::Key(alice)).await, 5);
    assert_eq!(count(HistoryOwner::Everyone).await, 7);

    assert!(
        db.store
            .delete_history(alice, old[0].item.id)
            .await
            .expect("delete")
    );
    assert_eq!(count(HistoryOwner::Key(alice)).await, 4);

    // Retention: everything created before step 0, at most two rows per call.
    let before = at(0).timestamp_micros();
    let mut pruned = Vec::new();
    loop {
        match db.store.prune_history(before, 2).await.expect("prune") {
            0 => break,
            n => pruned.push(n),
        }
    }
    match db.backend {
        Backend::Sqlite => assert_eq!(pruned, [2, 1], "two rows per transaction"),
        Backend::Postgres => assert_eq!(pruned, [3], "their day's partition, dropped whole"),
    }
    assert_eq!(count(HistoryOwner::Key(alice)).await, 1);
    assert_eq!(count(HistoryOwner::Key(bob)).await, 1);
    assert_eq!(count(HistoryOwner::Everyone).await, 3);
    assert_eq!(
        matches(db, alice, HistoryQuery::default()).await.0,
        [recent[2].item.id],
        "the recent row stays"
    );
}

/// Inserts one row per `(original, enhanced)` pair, in order, and returns their ids.
async fn insert_texts(db: &TestDb, owner: Uuid, texts: &[(&str, &str)]) -> Vec<Uuid> {
    let new_rows: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(n, (original, enhanced))| {
            let mut i = item(n as i64);
            i.original_text = (*original).to_owned();
            i.enhanced_text = (*enhanced).to_owned();
            row(Some(owner), i)
        })
        .collect();
    db.store.insert_history(&new_rows).await.expect("insert");
    new_rows.iter().map(|r| r.item.id).collect()
}

fn search(term: &str) -> HistoryQuery {
    HistoryQuery {
        search: Some(term.to_owned()),
        sort: HistorySort::CreatedAtAsc,
        ..Default::default()
    }
}

pub async fn search_is_a_case_insensitive_substring(db: &TestDb) {
    let owner = Uuid::now_v7();
    let id = insert_texts(
        db,
        owner,
        &[
            ("Explain QUANTUM physics", "plain"),
            ("cooking", "A recipe for Quantum soup"),
            ("Über alles", "plain"),
            ("nothing", "plain"),
        ],
    )
    .await;
    assert_eq!(
        matches(db, owner, search("quantum")).await,
        (vec![id[0], id[1]], 2)
    );
    assert_eq!(
        matches(db, owner, search("QuAnTuM")).await,
        (vec![id[0], id[1]], 2)
    );
    assert_eq!(
        matches(db, owner, search("über")).await,
        (vec![id[2]], 1),
        "beyond ASCII"
    );
    assert_eq!(
        matches(db, owner, search("ÜBER")).await,
        (vec![id[2]], 1),
        "beyond ASCII"
    );
    assert_eq!(matches(db, owner, search("zzz")).await, (vec![], 0));
    assert_eq!(
        matches(db, owner, search("")).await.1,
        4,
        "an empty search filters nothing"
    );
}

pub async fn search_treats_like_wildcards_literally(db: &TestDb) {
    let owner = Uuid::now_v7();
    let id = insert_texts(
        db,
        owner,
        &[
            ("100% sure", "plain"),
            ("100 percent sure", "plain"),
            ("a_b", "plain"),
            ("axb", "plain"),
            ("back\\slash", "plain"),
            ("backslash", "plain"),
        ],
    )
    .await;
    assert_eq!(matches(db, owner, search("%")).await.0, [id[0]]);
    assert_eq!(matches(db, owner, search("100%")).await.0, [id[0]]);
    assert_eq!(matches(db, owner, search("_")).await.0, [id[2]]);
    assert_eq!(matches(db, owner, search("a_b")).await.0, [id[2]]);
    assert_eq!(matches(db, owner, search("\\")).await.0, [id[4]]);
    assert_eq!(matches(db, owner, search("k\\s")).await.0, [id[4]]);
}

pub async fn technique_and_intent_filters_are_exact(db: &TestDb) {
    use Technique::{ChainOfThought, FewShot, ZeroShot};
    let owner = Uuid::now_v7();
    let shapes = [
        (vec![FewShot, ChainOfThought], Intent::CodeGeneration),
        (vec![ChainOfThought], Intent::Reasoning),
        (vec![ZeroShot], Intent::CodeGeneration),
        (vec![], Intent::Reasoning),
    ];
    let new_rows: Vec<_> = shapes
        .iter()
        .enumerate()
        .map(|(n, (techniques, intent))| {
            let mut i = item(n as i64);
            i.techniques_used = techniques.clone();
            i.intent = *intent;
            row(Some(owner), i)
        })
        .collect();
    db.store.insert_history(&new_rows).await.expect("insert");
    let id: Vec<Uuid> = new_rows.iter().map(|r| r.item.id).collect();
    let query = |technique, intent| HistoryQuery {
        technique,
        intent,
        sort: HistorySort::CreatedAtAsc,
        ..Default::default()
    };

    assert_eq!(
        matches(db, owner, query(Some(FewShot), None)).await,
        (vec![id[0]], 1)
    );
    assert_eq!(
        matches(db, owner, query(Some(ChainOfThought), None)).await,
        (vec![id[0], id[1]], 2)
    );
    assert_eq!(
        matches(db, owner, query(Some(Technique::TreeOfThoughts), None))
            .await
            .1,
        0
    );
    assert_eq!(
        matches(db, owner, query(None, Some(Intent::CodeGeneration))).await,
        (vec![id[0], id[2]], 2)
    );
    assert_eq!(
        matches(
            db,
            owner,
            query(Some(ChainOfThought), Some(Intent::Reasoning))
        )
        .await,
        (vec![id[1]], 1)
    );
}

pub async fn primary_technique_segment_and_region_filters_are_exact(db: &TestDb) {
    use Technique::{ChainOfThought, FewShot};
    let owner = Uuid::now_v7();
    let shapes = [
        (vec![FewShot, ChainOfThought], Segment::Pro, "eu-west"),
        (
            vec![ChainOfThought, FewShot],
            Segment::Enterprise,
            "eu-west",
        ),
        (vec![ChainOfThought], Segment::Enterprise, "us-east"),
        (vec![], Segment::Free, "eu-west-2"),
    ];
    let new_rows: Vec<_> = shapes
        .iter()
        .enumerate()
        .map(|(n, (techniques, segment, region))| {
            let mut i = item(n as i64);
            i.techniques_used = techniques.clone();
            NewHistoryRow {
                segment: *segment,
                region: (*region).to_owned(),
                ..row(Some(owner), i)
            }
        })
        .collect();
    db.store.insert_history(&new_rows).await.expect("insert");
    let id: Vec<Uuid> = new_rows.iter().map(|r| r.item.id).collect();
    let base = HistoryQuery {
        sort: HistorySort::CreatedAtAsc,
        ..Default::default()
    };

    let primary = |t| HistoryQuery {
        primary_technique: Some(t),
        ..base.clone()
    };
    assert_eq!(matches(db, owner, primary(FewShot)).await, (vec![id[0]], 1));
    assert_eq!(
        matches(db, owner, primary(ChainOfThought)).await,
        (vec![id[1], id[2]], 2)
    );
    let segment = |s| HistoryQuery {
        segment: Some(s),
        ..base.clone()
    };
    assert_eq!(
        matches(db, owner, segment(Segment::Enterprise)).await,
        (vec![id[1], id[2]], 2)
    );
    assert_eq!(matches(db, owner, segment(Segment::Anonymous)).await.1, 0);
    // A region is a whole token, not a prefix.
    let region = |r: &str| HistoryQuery {
        region: Some(r.to_owned()),
        ..base.clone()
    };
    assert_eq!(
        matches(db, owner, region("eu-west")).await,
        (vec![id[0], id[1]], 2)
    );
    let all = HistoryQuery {
        primary_technique: Some(ChainOfThought),
        segment: Some(Segment::Enterprise),
        region: Some("us-east".to_owned()),
        ..base.clone()
    };
    assert_eq!(matches(db, owner, all).await, (vec![id[2]], 1));
}

pub async fn date_range_is_inclusive_from_and_exclusive_to(db: &TestDb) {
    let owner = Uuid::now_v7();
    let mine = rows(owner, 5);
    db.store.insert_history(&mine).await.expect("insert");
    let id: Vec<Uuid> = mine.iter().map(|r| r.item.id).collect();
    let range = |from: Option<i64>, to: Option<i64>| HistoryQuery {
        date_from: from.map(at),
        date_to: to.map(at),
        ..Default::default()
    };
    assert_eq!(
        matches(db, owner, range(Some(1), Some(3))).await,
        (vec![id[2], id[1]], 2)
    );
    assert_eq!(
        matches(db, owner, range(Some(3), None)).await,
        (vec![id[4], id[3]], 2)
    );
    assert_eq!(
        matches(db, owner, range(None, Some(1))).await,
        (vec![id[0]], 1)
    );
    assert_eq!(matches(db, owner, range(Some(2), Some(2))).await.1, 0);
}

pub async fn every_sort_orders_and_breaks_ties(db: &TestDb) {
    let owner = Uuid::now_v7();
    let new_rows: Vec<_> = [0.9, 0.1, 0.5, 0.5]
        .into_iter()
        .enumerate()
        .map(|(n, confidence)| {
            row(
                Some(owner),
                HistoryItem {
                    confidence,
                    ..item(n as i64)
                },
            )
        })
        .collect();
    db.store.insert_history(&new_rows).await.expect("insert");
    let id: Vec<Uuid> = new_rows.iter().map(|r| r.item.id).collect();
    let sorted = |sort| HistoryQuery {
        sort,
        ..Default::default()
    };
    let cases = [
        (HistorySort::CreatedAtDesc, [3, 2, 1, 0]),
        (HistorySort::CreatedAtAsc, [0, 1, 2, 3]),
        // Equal confidences: newest first going down, oldest first going up (each order
        // is its index's order or its exact reverse).
        (HistorySort::ConfidenceDesc, [0, 3, 2, 1]),
        (HistorySort::ConfidenceAsc, [1, 2, 3, 0]),
    ];
    for (sort, order) in cases {
        let expected: Vec<Uuid> = order.iter().map(|&i| id[i]).collect();
        assert_eq!(
            matches(db, owner, sorted(sort)).await.0,
            expected,
            "{sort:?}"
        );
        // One row per page: every cursor, ties included, goes on to the right row.
        let one_by_one: Vec<Uuid> = all_pages(
            db,
            HistoryOwner::Key(owner),
            HistoryQuery {
                limit: 1,
                ..sorted(sort)
            },
        )
        .await
        .iter()
        .flat_map(|p| ids(p))
        .collect();
        assert_eq!(one_by_one, expected, "{sort:?} one row per page");
    }
    assert_eq!(HistoryQuery::default().sort, HistorySort::CreatedAtDesc);
}
