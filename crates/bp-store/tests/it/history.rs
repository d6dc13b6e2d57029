//! Conformance cases for history rows: migrations, round trip, isolation, delete, batches.

use crate::harness::{TestDb, all_pages, item, list, row, rows};
use bp_api::Technique;
use bp_store::{HistoryOwner, HistoryQuery, StoreError};
use uuid::Uuid;

pub async fn migrations_are_idempotent(db: &TestDb) {
    let owner = Uuid::now_v7();
    db.store
        .insert_history(&rows(owner, 3))
        .await
        .expect("insert");
    // Reopen twice at once while the first store is still open: nothing to migrate, no error,
    // data intact.
    let (a, b) = tokio::join!(bp_store::open(&db.config), bp_store::open(&db.config));
    for store in [a.expect("reopens"), b.expect("reopens")] {
        let page = store
            .list_history(HistoryOwner::Key(owner), &HistoryQuery::default())
            .await
            .expect("list");
        assert_eq!(page.items.len(), 3);
    }
}

pub async fn first_opens_of_a_new_database_do_not_race(db: &TestDb) {
    let config = db.sibling_config("race");
    let mut opens = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let config = config.clone();
        opens.spawn(async move { bp_store::open(&config).await });
    }
    let mut stores = Vec::new();
    while let Some(opened) = opens.join_next().await {
        stores.push(
            opened
                .expect("task")
                .expect("every concurrent first open succeeds"),
        );
    }
    let owner = Uuid::now_v7();
    stores[0]
        .insert_history(&rows(owner, 2))
        .await
        .expect("schema is usable");
    let page = stores[3]
        .list_history(HistoryOwner::Key(owner), &HistoryQuery::default())
        .await
        .expect("list");
    assert_eq!(page.items.len(), 2);
}

pub async fn history_round_trip_keeps_every_field(db: &TestDb) {
    let owner = Uuid::now_v7();
    let mut full = item(1);
    full.original_text = "Ünïcödé ✓ \"quotes\" 'single'\nnew line, commas, 100% _under_ \\".into();
    full.enhanced_text = "x".repeat(5000);
    full.techniques_used = Technique::ALL.to_vec();
    full.confidence = 0.123_456_789_012_345_6;
    full.processing_time_ms = 1234.5678;
    let mut none = item(2);
    none.techniques_used = vec![];
    let mut reversed = item(3);
    reversed.techniques_used = vec![Technique::React, Technique::ChainOfThought];
    // Twelve more cover every intent and complexity.
    let mut items = vec![full, none, reversed];
    items.extend((4..16).map(item));
    let anonymous = item(16);

    let mut new_rows: Vec<_> = items.iter().cloned().map(|i| row(Some(owner), i)).collect();
    new_rows.push(row(None, anonymous.clone()));
    db.store.insert_history(&new_rows).await.expect("insert");

    for expected in &items {
        let got = db.store.get_history(owner, expected.id).await.expect("get");
        assert_eq!(got.as_ref(), Some(expected));
    }
    // Anonymous rows belong to nobody, and unknown ids are simply absent.
    assert_eq!(
        db.store
            .get_history(owner, anonymous.id)
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        db.store
            .get_history(owner, Uuid::now_v7())
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        list(db, owner, HistoryQuery::default()).await.1,
        items.len() as u64
    );
}

pub async fn owners_are_isolated(db: &TestDb) {
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    let alices = rows(alice, 3);
    db.store.insert_history(&alices).await.expect("insert");
    db.store
        .insert_history(&[row(None, item(9))])
        .await
        .expect("insert anonymous");
    for r in &alices {
        assert_eq!(
            db.store.get_history(bob, r.item.id).await.expect("get"),
            None
        );
        assert!(
            !db.store
                .delete_history(bob, r.item.id)
                .await
                .expect("delete")
        );
    }
    let (page, total) = list(db, bob, HistoryQuery::default()).await;
    assert!(page.is_empty());
    assert_eq!(total, 0);
    assert_eq!(
        list(db, alice, HistoryQuery::default()).await.1,
        3,
        "bob deleted nothing"
    );
}

/// The admin-only listing reads every owner's rows (anonymous ones too) with the same filters.
pub async fn everyone_listing_spans_owners_and_keeps_filters(db: &TestDb) {
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    db.store
        .insert_history(&rows(alice, 3))
        .await
        .expect("insert");
    db.store
        .insert_history(&rows(bob, 2))
        .await
        .expect("insert");
    db.store
        .insert_history(&[row(None, item(9))])
        .await
        .expect("insert anonymous");
    let page = db
        .store
        .list_history(HistoryOwner::Everyone, &HistoryQuery::default())
        .await
        .expect("list");
    let everyone = db
        .store
        .count_owner_history(HistoryOwner::Everyone)
        .await
        .expect("count");
    assert_eq!((page.items.len(), everyone), (6, 6));
    let pages = all_pages(
        db,
        HistoryOwner::Everyone,
        HistoryQuery {
            limit: 2,
            ..HistoryQuery::default()
        },
    )
    .await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    // The last page knows it is the last (it read one row past the page): no empty page.
    assert_eq!(sizes, [2, 2, 2], "keyset pages across owners");
    let filtered = all_pages(
        db,
        HistoryOwner::Everyone,
        HistoryQuery {
            segment: Some(bp_api::Segment::Pro),
            ..HistoryQuery::default()
        },
    )
    .await;
    assert_eq!(filtered.concat().len(), 6, "filters apply across owners");
}

pub async fn delete_removes_only_the_owners_row(db: &TestDb) {
    let (owner, other) = (Uuid::now_v7(), Uuid::now_v7());
    let mine = rows(owner, 3);
    db.store.insert_history(&mine).await.expect("insert");
    let (gone, kept) = (mine[0].item.id, mine[1].item.id);

    assert!(db.store.delete_history(owner, gone).await.expect("delete"));
    assert_eq!(db.store.get_history(owner, gone).await.expect("get"), None);
    assert!(
        !db.store.delete_history(owner, gone).await.expect("delete"),
        "already gone"
    );
    assert!(
        !db.store.delete_history(other, kept).await.expect("delete"),
        "not theirs"
    );
    assert!(
        db.store
            .get_history(owner, kept)
            .await
            .expect("get")
            .is_some()
    );
    assert_eq!(list(db, owner, HistoryQuery::default()).await.1, 2);
}

pub async fn a_batch_is_all_or_nothing(db: &TestDb) {
    let owner = Uuid::now_v7();
    let existing = rows(owner, 3);
    db.store.insert_history(&existing).await.expect("insert");

    let fresh = row(Some(owner), item(10));
    let duplicate = row(Some(owner), existing[1].item.clone());
    let batch = [fresh.clone(), duplicate, row(Some(owner), item(11))];
    let err = db
        .store
        .insert_history(&batch)
        .await
        .expect_err("duplicate id");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        db.store
            .get_history(owner, fresh.item.id)
            .await
            .expect("get"),
        None
    );

    let twice = [fresh.clone(), fresh.clone()];
    let err = db
        .store
        .insert_history(&twice)
        .await
        .expect_err("duplicate within the batch");
    assert_eq!(err.code(), bp_api::ErrorCode::Conflict);
    assert_eq!(list(db, owner, HistoryQuery::default()).await.1, 3);
}

pub async fn a_large_batch_is_one_call(db: &TestDb) {
    let owner = Uuid::now_v7();
    db.store
        .insert_history(&rows(owner, 2000))
        .await
        .expect("insert");
    db.store
        .insert_history(&[])
        .await
        .expect("an empty batch is fine");
    assert_eq!(list(db, owner, HistoryQuery::default()).await.1, 2000);
}
