//! Conformance cases for the aggregates: feedback statistics and the history count.

use crate::harness::{TestDb, at, item, row, rows};
use bp_api::Technique::{self, ChainOfThought, FewShot, React, StepByStep};
use bp_store::{FeedbackStats, NewFeedback, NewHistoryRow};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// A history row of `owner` whose techniques are `techniques`, in that order.
fn rated_row(owner: Uuid, techniques: &[Technique]) -> NewHistoryRow {
    let mut item = item(1);
    item.techniques_used = techniques.to_vec();
    row(Some(owner), item)
}

fn rating(
    row: &NewHistoryRow,
    rating: u8,
    helpful: Option<Technique>,
    created_at: DateTime<Utc>,
) -> NewFeedback {
    NewFeedback {
        id: Uuid::now_v7(),
        owner: row.owner.expect("rated rows have an owner"),
        history_id: row.item.id,
        rating,
        most_helpful_technique: helpful,
        comment: None,
        created_at,
    }
}

fn stats(
    technique: Option<Technique>,
    [
        ratings,
        rating_sum,
        ratings_at_least_4,
        helpful_named,
        helpful_is_primary,
    ]: [u64; 5],
) -> FeedbackStats {
    FeedbackStats {
        technique,
        ratings,
        rating_sum,
        ratings_at_least_4,
        helpful_named,
        helpful_is_primary,
    }
}

pub async fn feedback_stats_group_by_primary_technique(db: &TestDb) {
    let (alice, bob, carol) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (from, to) = (at(100), at(200));
    let (from_us, to_us) = (from.timestamp_micros(), to.timestamp_micros());
    let inside = at(150);

    let h1 = rated_row(alice, &[FewShot, ChainOfThought]);
    let h2 = rated_row(alice, &[ChainOfThought, FewShot]);
    let h3 = rated_row(bob, &[FewShot]);
    let no_techniques = rated_row(bob, &[]);
    let h5 = rated_row(carol, &[ChainOfThought]);
    let rated_at_to = rated_row(carol, &[React]);
    // Created long before the range: only the feedback's time counts.
    let mut old = rated_row(carol, &[FewShot]);
    old.item.created_at = at(-1_000_000);
    let rated_before_from = rated_row(bob, &[FewShot]);
    let unrated = rated_row(alice, &[StepByStep]);
    let anonymous = row(None, item(2));
    db.store
        .insert_history(&[
            h1.clone(),
            h2.clone(),
            h3.clone(),
            no_techniques.clone(),
            h5.clone(),
            rated_at_to.clone(),
            old.clone(),
            rated_before_from.clone(),
            unrated,
            anonymous,
        ])
        .await
        .expect("insert");

    for feedback in [
        // FewShot rows: helpful is the primary; nothing named; helpful is the secondary.
        rating(&h1, 5, Some(FewShot), from),
        rating(&h3, 3, None, inside),
        rating(&old, 4, Some(ChainOfThought), at(120)),
        // ChainOfThought rows: helpful is a secondary; helpful is the primary.
        rating(&h2, 4, Some(FewShot), inside),
        rating(&h5, 1, Some(ChainOfThought), to - Duration::microseconds(1)),
        // No primary technique: a named helpful technique can never be it.
        rating(&no_techniques, 2, Some(FewShot), inside),
        // Outside the range by one microsecond on either side.
        rating(&rated_at_to, 5, Some(React), to),
        rating(
            &rated_before_from,
            1,
            None,
            from - Duration::microseconds(1),
        ),
    ] {
        db.store.insert_feedback(&feedback).await.expect("rate");
    }

    // [ratings, rating_sum, ratings_at_least_4, helpful_named, helpful_is_primary]
    let expected = [
        stats(None, [1, 2, 0, 1, 0]),
        stats(Some(ChainOfThought), [2, 5, 1, 2, 1]),
        stats(Some(FewShot), [3, 12, 2, 2, 1]),
    ];
    let got = db
        .store
        .feedback_stats(from_us, to_us)
        .await
        .expect("stats");
    assert_eq!(got, expected);

    // The whole of time takes in the two ratings at the edges.
    let everything = db
        .store
        .feedback_stats(i64::MIN, i64::MAX)
        .await
        .expect("stats");
    assert_eq!(
        everything,
        [
            stats(None, [1, 2, 0, 1, 0]),
            stats(Some(ChainOfThought), [2, 5, 1, 2, 1]),
            stats(Some(FewShot), [4, 13, 2, 2, 1]),
            stats(Some(React), [1, 5, 1, 1, 1]),
        ]
    );

    for (from_us, to_us) in [(to_us, to_us), (to_us, from_us), (0, 1)] {
        assert_eq!(
            db.store
                .feedback_stats(from_us, to_us)
                .await
                .expect("stats"),
            [],
            "nothing in [{from_us}, {to_us})"
        );
    }

    // A deleted row's feedback leaves the statistics with it.
    assert!(
        db.store
            .delete_history(bob, no_techniques.item.id)
            .await
            .expect("delete")
    );
    let got = db
        .store
        .feedback_stats(from_us, to_us)
        .await
        .expect("stats");
    assert_eq!(got, expected[1..]);
}

pub async fn count_history_counts_every_owner(db: &TestDb) {
    assert_eq!(db.store.count_history().await.expect("count"), 0);
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    let alices = rows(alice, 3);
    db.store.insert_history(&alices).await.expect("insert");
    db.store
        .insert_history(&rows(bob, 4))
        .await
        .expect("insert");
    db.store
        .insert_history(&[row(None, item(9))])
        .await
        .expect("insert anonymous");
    assert_eq!(db.store.count_history().await.expect("count"), 8);
    db.store
        .delete_history(alice, alices[0].item.id)
        .await
        .expect("delete");
    assert_eq!(db.store.count_history().await.expect("count"), 7);
}
