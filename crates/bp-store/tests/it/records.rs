//! Conformance cases for API keys, feedback, health and pool statistics.

use crate::harness::{Backend, TestDb, at, feedback, item, row};
use bp_api::{ErrorCode, RateLimit, Role, Technique, Tier};
use bp_store::{
    ApiKeyRecord, FeedbackRecord, HistoryOwner, KeyRotation, NewApiKey, NewFeedback, StoreError,
};
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
        expires_at: None,
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
        for role in [Role::Viewer, Role::User, Role::Admin] {
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
                    expires_at: None,
                    last_used_at: None,
                    previous_key_hash: None,
                    previous_valid_until: None,
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

/// Expiry, last use, rotation and revocation round-trip; a key is found by its previous
/// secret after a rotation (the caller judges the overlap), and listed newest first.
pub async fn key_lifecycle_round_trips(db: &TestDb) {
    let expiring = NewApiKey {
        expires_at: Some(at(5_000)),
        ..key(1, Tier::Pro, Role::Viewer, None)
    };
    let other = key(2, Tier::Free, Role::User, None);
    for k in [&expiring, &other] {
        db.store.create_key(k).await.expect("create");
    }
    let found = db
        .store
        .find_key_by_hash(&expiring.key_hash)
        .await
        .expect("the store answers")
        .expect("the store answers");
    assert_eq!(found.expires_at, Some(at(5_000)));

    db.store
        .touch_keys(&[(expiring.id, 7_000_000), (other.id, 8_000_000)])
        .await
        .expect("touch");
    // An earlier time never moves the last use back.
    db.store
        .touch_keys(&[(expiring.id, 6_000_000)])
        .await
        .expect("the store answers");
    let found = db
        .store
        .find_key_by_hash(&expiring.key_hash)
        .await
        .expect("the store answers")
        .expect("the store answers");
    assert_eq!(
        found.last_used_at.map(|t| t.timestamp_micros()),
        Some(7_000_000)
    );

    let rotation = KeyRotation {
        id: expiring.id,
        key_hash: "a".repeat(64),
        key_prefix: "bp_aaaaaa".to_owned(),
        previous_valid_until: at(9_000),
    };
    assert!(db.store.rotate_key(&rotation).await.expect("rotate"));
    let by_new = db
        .store
        .find_key_by_hash(&rotation.key_hash)
        .await
        .expect("the store answers")
        .expect("the store answers");
    let by_old = db
        .store
        .find_key_by_hash(&expiring.key_hash)
        .await
        .expect("the store answers")
        .expect("the store answers");
    assert_eq!(by_new, by_old, "one key, found by either secret");
    assert_eq!(by_new.key_hash, rotation.key_hash);
    assert_eq!(by_new.key_prefix, "bp_aaaaaa");
    assert_eq!(
        by_new.previous_key_hash.as_deref(),
        Some(expiring.key_hash.as_str())
    );
    assert_eq!(by_new.previous_valid_until, Some(at(9_000)));
    // A hash another key holds is a conflict, not a takeover.
    let clash = KeyRotation {
        id: other.id,
        key_hash: rotation.key_hash.clone(),
        ..rotation.clone()
    };
    assert!(matches!(
        db.store.rotate_key(&clash).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        !db.store
            .rotate_key(&KeyRotation {
                id: Uuid::now_v7(),
                ..rotation.clone()
            })
            .await
            .expect("the store answers")
    );

    assert!(db.store.revoke_key(other.id).await.expect("revoke"));
    assert!(!db.store.revoke_key(Uuid::now_v7()).await.expect("revoke"));
    // A revoked key cannot be rotated back to life.
    let revived = KeyRotation {
        id: other.id,
        key_hash: "b".repeat(64),
        ..rotation.clone()
    };
    assert!(
        !db.store
            .rotate_key(&revived)
            .await
            .expect("the store answers")
    );

    let listed = db.store.list_keys().await.expect("list");
    let ids: Vec<Uuid> = listed.iter().map(|k| k.id).collect();
    assert_eq!(ids, [other.id, expiring.id], "newest first");
    assert!(listed[0].revoked && !listed[1].revoked);
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
