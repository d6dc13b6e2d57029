//! Conformance cases for history listings: pages, search, filters, date ranges, sorts.

use crate::harness::{TestDb, at, ids, item, list, matches, row, rows};
use bp_api::{HistoryItem, HistorySort, Intent, Segment, Technique};
use bp_store::{HistoryQuery, NewHistoryRow};
use uuid::Uuid;

pub async fn pagination_counts_and_pages(db: &TestDb) {
    let (owner, other) = (Uuid::now_v7(), Uuid::now_v7());
    let mine = rows(owner, 25);
    db.store.insert_history(&mine).await.expect("insert");
    db.store
        .insert_history(&rows(other, 5))
        .await
        .expect("insert");

    let mut seen = Vec::new();
    for (page, expected_len) in [(1, 10), (2, 10), (3, 5), (4, 0)] {
        let (items, total) = list(
            db,
            owner,
            HistoryQuery {
                page,
                limit: 10,
                ..Default::default()
            },
        )
        .await;
        assert_eq!(total, 25, "page {page}");
        assert_eq!(items.len(), expected_len, "page {page}");
        seen.extend(ids(&items));
    }
    let newest_first: Vec<Uuid> = mine.iter().rev().map(|r| r.item.id).collect();
    assert_eq!(seen, newest_first, "pages neither overlap nor skip");

    let page_zero = list(
        db,
        owner,
        HistoryQuery {
            page: 0,
            limit: 10,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        ids(&page_zero.0),
        newest_first[..10],
        "page 0 reads as page 1"
    );
    let empty = list(
        db,
        owner,
        HistoryQuery {
            limit: 0,
            ..Default::default()
        },
    )
    .await;
    assert_eq!((empty.0.len(), empty.1), (0, 25));
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
        // Equal confidences: newest first.
        (HistorySort::ConfidenceDesc, [0, 3, 2, 1]),
        (HistorySort::ConfidenceAsc, [1, 3, 2, 0]),
    ];
    for (sort, order) in cases {
        let expected: Vec<Uuid> = order.iter().map(|&i| id[i]).collect();
        assert_eq!(
            matches(db, owner, sorted(sort)).await.0,
            expected,
            "{sort:?}"
        );
    }
    assert_eq!(HistoryQuery::default().sort, HistorySort::CreatedAtDesc);
}
