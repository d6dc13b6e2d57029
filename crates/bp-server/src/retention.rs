//! History retention and upkeep: rows older than the configured period are removed off
//! the request path, so the database's size follows the write rate instead of growing for
//! ever, and no pass holds the writer long enough to delay a commit noticeably. SQLite
//! deletes them in small transactions; PostgreSQL drops whole day partitions, which each
//! pass also creates ahead of the writes (with or without a retention).

use bp_store::Store;
use std::sync::Arc;
use std::time::Duration;

/// Rows per delete transaction: a few milliseconds of the writer's time.
const BATCH_ROWS: u32 = 500;
/// Between batches, the history writer's commits go first.
const BATCH_PAUSE: Duration = Duration::from_millis(20);
/// How often a pass starts.
const PASS_INTERVAL: Duration = Duration::from_secs(10);
/// Batches per pass at most (100 000 rows): a backlog (a lowered retention, a long stop) is
/// worked off over several passes rather than in one burst. Still ~25× the SLA's 1000
/// rows/s, so a steady state always keeps up.
const MAX_BATCHES_PER_PASS: u32 = 200;

/// Runs passes until the task is aborted; `retention` `None` keeps rows for ever.
pub(crate) async fn run(store: Arc<dyn Store>, retention: Option<Duration>) {
    let mut tick = tokio::time::interval(PASS_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now_us = crate::telemetry::now_us();
        if let Err(e) = store
            .maintain_history(i64::try_from(now_us).unwrap_or(i64::MAX))
            .await
        {
            tracing::warn!(error = %e, "history upkeep failed; retrying next pass");
        }
        let Some(retention) = retention else {
            continue;
        };
        let deleted = prune_pass(&*store, retention, now_us).await;
        if deleted > 0 {
            tracing::debug!(deleted, "history retention pass");
        }
    }
}

/// Deletes rows created before `now_us - retention`, batch by batch, until none is left or
/// the pass has done its share; returns how many. A failed batch ends the pass (the next
/// one retries).
pub(crate) async fn prune_pass(store: &dyn Store, retention: Duration, now_us: u64) -> u64 {
    let retention_us = u64::try_from(retention.as_micros()).unwrap_or(u64::MAX);
    let Ok(before_us) = i64::try_from(now_us.saturating_sub(retention_us)) else {
        return 0;
    };
    let mut deleted = 0;
    for batch in 0..MAX_BATCHES_PER_PASS {
        if batch > 0 {
            tokio::time::sleep(BATCH_PAUSE).await;
        }
        match store.prune_history(before_us, BATCH_ROWS).await {
            Ok(n) => {
                deleted += n;
                if n < u64::from(BATCH_ROWS) {
                    break;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "history retention: a delete failed; retrying next pass");
                break;
            }
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::{Complexity, HistoryItem, Intent, Segment};
    use bp_store::{HistoryOwner, NewHistoryRow, StoreConfig};

    fn row(owner: uuid::Uuid, created_at_us: i64) -> NewHistoryRow {
        NewHistoryRow {
            owner: Some(owner),
            item: HistoryItem {
                id: uuid::Uuid::now_v7(),
                created_at: chrono::DateTime::from_timestamp_micros(created_at_us).unwrap(),
                original_text: "a prompt".into(),
                enhanced_text: "a better prompt".into(),
                intent: Intent::Reasoning,
                complexity: Complexity::Simple,
                techniques_used: Vec::new(),
                confidence: 0.5,
                processing_time_ms: 1.0,
            },
            segment: Segment::Pro,
            region: "local".into(),
        }
    }

    /// A pass deletes every row past the retention, batch after batch, and nothing newer.
    #[tokio::test]
    async fn a_pass_deletes_everything_past_retention_in_batches() {
        let dir = tempfile::tempdir().unwrap();
        let store = bp_store::open(&StoreConfig::Sqlite {
            path: dir.path().join("bp.sqlite3"),
        })
        .await
        .unwrap();
        let owner = uuid::Uuid::now_v7();
        let now_us: u64 = 10_000_000_000_000;
        let hour_us = 3_600_000_000_i64;
        let old: Vec<_> = (0..1_200)
            .map(|i| row(owner, now_us as i64 - 2 * hour_us - i))
            .collect();
        store.insert_history(&old).await.unwrap();
        store
            .insert_history(&[row(owner, now_us as i64 - hour_us / 2)])
            .await
            .unwrap();
        let deleted = prune_pass(&*store, Duration::from_secs(3600), now_us).await;
        assert_eq!(deleted, 1_200, "three batches: 500, 500, 200");
        assert_eq!(
            store
                .count_owner_history(HistoryOwner::Key(owner))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            prune_pass(&*store, Duration::from_secs(3600), now_us).await,
            0
        );
    }
}
