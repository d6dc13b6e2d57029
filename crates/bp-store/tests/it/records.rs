//! Conformance cases for API keys, feedback, health and pool statistics.

use crate::harness::{Backend, TestDb, at, feedback, item, row};
use bp_api::{ErrorCode, RateLimit, Role, Technique, Tier};
use bp_store::{ApiKeyRecord, FeedbackRecord, HistoryOwner, NewApiKey, NewFeedback, StoreError};
use uuid::Uuid;

fn key(n: u32, tier: Tier, role: Role, rate_limit: Option<RateLimit>) -> NewApiKey {
    NewApiKey {
        id: Uuid::now_v7(),
        name: format!("key {n} ✓"),
        key_hash: format!("{n:064x}"),
        key_prefix: format!("bp_{n:04}"),
        tier,
        role,
        rate_limit,
        created_at: at(i64::from(n)),
    }
}

pub async fn keys_round_trip_and_are_unique(db: &TestDb) {
    let limits = [
        None,
        Some(RateLimit::PerMinute(60)),
        Some(RateLimit::Unlimited),
    ];
    let mut n = 0;
    for &tier in Tier::ALL {
        for role in [Role::User, Role::Admin] {
            for limit in limits {
                n += 1;
                let new = key(n, tier, role, limit);
                db.store.create_key(&new).await.expect("create");
                let found = db
                    .store
                    .find_key_by_hash(&new.key_hash)
                    .await
                    .expect("find");
                let expected = ApiKeyRecord {
                    id: new.id,
                    name: new.name,
                    key_hash: new.key_hash,
                    key_prefix: new.key_prefix,
                    tier,
                    role,
                    rate_limit: limit,
                    created_at: new.created_at,
                    revoked: false,
                };
                assert_eq!(found, Some(expected));
            }
        }
    }
    assert_eq!(
        db.store
            .find_key_by_hash(&"f".repeat(64))
            .await
            .expect("find"),
        None
    );

    let original = key(1000, Tier::Free, Role::User, None);
    db.store.create_key(&original).await.expect("create");
    let same_hash = NewApiKey {
        id: Uuid::now_v7(),
        ..original.clone()
    };
    let err = db
        .store
        .create_key(&same_hash)
        .await
        .expect_err("duplicate hash");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let same_id = NewApiKey {
        key_hash: "e".repeat(64),
        ..original.clone()
    };
    let err = db
        .store
        .create_key(&same_id)
        .await
        .expect_err("duplicate id");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(
        db.store
            .find_key_by_hash(&"e".repeat(64))
            .await
            .expect("find"),
        None
    );
}

pub async fn feedback_rules(db: &TestDb) {
    let (owner, other) = (Uuid::now_v7(), Uuid::now_v7());
    let (mine, theirs, anonymous) = (item(1), item(2), item(3));
    db.store
        .insert_history(&[
            row(Some(owner), mine.clone()),
            row(Some(other), theirs.clone()),
            row(None, anonymous.clone()),
        ])
        .await
        .expect("insert");

    let rating = feedback(owner, mine.id);
    let record = db
        .store
        .insert_feedback(&rating)
        .await
        .expect("rate own row");
    assert_eq!(
        record,
        FeedbackRecord {
            id: rating.id,
            owner,
            history_id: mine.id,
            rating: 4,
            most_helpful_technique: Some(Technique::FewShot),
            comment: rating.comment.clone(),
            created_at: rating.created_at,
        }
    );

    let again = NewFeedback {
        id: Uuid::now_v7(),
        rating: 1,
        ..rating.clone()
    };
    let err = db
        .store
        .insert_feedback(&again)
        .await
        .expect_err("second rating");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    // Another owner may rate their own row; nobody may rate someone else's or nobody's.
    let bare = NewFeedback {
        most_helpful_technique: None,
        comment: None,
        ..feedback(other, theirs.id)
    };
    assert_eq!(
        db.store.insert_feedback(&bare).await.expect("rate").comment,
        None
    );
    for history_id in [theirs.id, anonymous.id, Uuid::now_v7()] {
        let err = db
            .store
            .insert_feedback(&feedback(owner, history_id))
            .await
            .expect_err("not theirs");
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }
}

pub async fn feedback_goes_with_its_history_row(db: &TestDb) {
    let owner = Uuid::now_v7();
    let rated = item(1);
    db.store
        .insert_history(&[row(Some(owner), rated.clone())])
        .await
        .expect("insert");
    db.store
        .insert_feedback(&feedback(owner, rated.id))
        .await
        .expect("rate");

    assert!(
        db.store
            .delete_history(owner, rated.id)
            .await
            .expect("delete a rated row")
    );
    // The rating went with the row: the same row, stored again, can be rated again.
    db.store
        .insert_history(&[row(Some(owner), rated.clone())])
        .await
        .expect("insert again");
    db.store
        .insert_feedback(&feedback(owner, rated.id))
        .await
        .expect("no rating left over");
}

pub async fn health_and_pool_stats_are_sane(db: &TestDb) {
    let expected_name = match db.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(db.store.backend_name(), expected_name);
    db.store.ping().await.expect("ping");

    // Some concurrent work, then a look at the pool at rest.
    let owner = Uuid::now_v7();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..16 {
        let store = db.store.clone();
        tasks.spawn(async move {
            store
                .insert_history(&[row(Some(owner), item(n))])
                .await
                .expect("insert");
            store
                .list_history(HistoryOwner::Key(owner), &Default::default())
                .await
                .expect("list");
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task");
    }
    let stats = db.store.pool_stats();
    assert!(stats.size >= 1, "{stats:?}");
    assert_eq!(stats.in_use + stats.idle, stats.size, "{stats:?}");
    assert_eq!((stats.in_use, stats.waiting), (0, 0), "at rest: {stats:?}");
}
