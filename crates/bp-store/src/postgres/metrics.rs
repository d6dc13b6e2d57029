//! The PostgreSQL statements behind metrics and operations: metric rollups, fleet records,
//! feedback statistics and the history count. Prepared once per pooled connection, like `queries`.

use super::Op;
use crate::aggregates::{self, RawFeedbackStats, feedback_stats_sql};
use crate::codec;
use crate::error::StoreResult;
use crate::model::{FeedbackStats, FleetRecord, OnConflict, RecordKind, RollupRow};
use deadpool_postgres::Object;
use std::collections::HashMap;

pub(super) async fn count_history(client: &Object) -> StoreResult<u64> {
    const OP: &str = "count history";
    let select = client
        .prepare_cached("SELECT count(*) FROM history")
        .await
        .op(OP)?;
    let total: i64 = client
        .query_one(&select, &[])
        .await
        .op(OP)?
        .try_get(0)
        .op(OP)?;
    Ok(codec::count(total))
}

pub(super) async fn feedback_stats(
    client: &Object,
    from_us: i64,
    to_us: i64,
) -> StoreResult<Vec<FeedbackStats>> {
    const OP: &str = "compute feedback statistics";
    // Arrays are 1-based, and indexing an empty one yields NULL: no primary technique.
    let select = client
        .prepare_cached(feedback_stats_sql!("h.techniques[1]", "$1", "$2"))
        .await
        .op(OP)?;
    let rows = client.query(&select, &[&from_us, &to_us]).await.op(OP)?;
    let raws = rows
        .iter()
        .map(|row| {
            Ok(RawFeedbackStats {
                technique: row.try_get(0).op(OP)?,
                ratings: row.try_get(1).op(OP)?,
                rating_sum: row.try_get(2).op(OP)?,
                ratings_at_least_4: row.try_get(3).op(OP)?,
                helpful_named: row.try_get(4).op(OP)?,
                helpful_is_primary: row.try_get(5).op(OP)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    aggregates::decode_feedback_stats(raws)
}

/// PostgreSQL refuses to update one row twice in one `INSERT ... ON CONFLICT`, so of a key
/// repeated within a call only its last row is sent: what upserting them in order would leave.
fn last_row_of_each_key(rows: &[RollupRow]) -> Vec<&RollupRow> {
    fn key(r: &RollupRow) -> (u32, i64, &str) {
        (r.resolution_secs, r.window_start_us, &r.source)
    }
    let mut last = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        last.insert(key(row), i);
    }
    rows.iter()
        .enumerate()
        .filter(|(i, row)| last.get(&key(row)) == Some(i))
        .map(|(_, row)| row)
        .collect()
}

/// All rows in one statement (parallel arrays through `UNNEST`): one round trip, and atomic
/// without an explicit transaction.
pub(super) async fn upsert_rollups(client: &Object, rows: &[RollupRow]) -> StoreResult<()> {
    const OP: &str = "upsert metric rollups";
    let rows = last_row_of_each_key(rows);
    let resolutions: Vec<i64> = rows.iter().map(|r| i64::from(r.resolution_secs)).collect();
    let starts: Vec<i64> = rows.iter().map(|r| r.window_start_us).collect();
    let sources: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
    let payloads: Vec<&[u8]> = rows.iter().map(|r| r.payload.as_slice()).collect();
    let upsert = client
        .prepare_cached(
            "INSERT INTO metric_rollups (resolution_secs, window_start_us, source, payload) \
             SELECT resolution_secs, window_start_us, source, payload \
             FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bytea[]) \
             AS t(resolution_secs, window_start_us, source, payload) \
             ON CONFLICT (resolution_secs, window_start_us, source) \
             DO UPDATE SET payload = EXCLUDED.payload",
        )
        .await
        .op(OP)?;
    client
        .execute(&upsert, &[&resolutions, &starts, &sources, &payloads])
        .await
        .op(OP)?;
    Ok(())
}

pub(super) async fn list_rollups(
    client: &Object,
    resolution_secs: u32,
    from_us: i64,
    to_us: i64,
) -> StoreResult<Vec<RollupRow>> {
    const OP: &str = "list metric rollups";
    // `source` is COLLATE "C", so this order is the primary key's: one index range scan.
    let select = client
        .prepare_cached(
            "SELECT window_start_us, source, payload FROM metric_rollups \
             WHERE resolution_secs = $1 AND window_start_us >= $2 AND window_start_us < $3 \
             ORDER BY window_start_us, source",
        )
        .await
        .op(OP)?;
    let rows = client
        .query(&select, &[&i64::from(resolution_secs), &from_us, &to_us])
        .await
        .op(OP)?;
    rows.iter()
        .map(|row| {
            Ok(RollupRow {
                resolution_secs,
                window_start_us: row.try_get(0).op(OP)?,
                source: row.try_get(1).op(OP)?,
                payload: row.try_get(2).op(OP)?,
            })
        })
        .collect()
}

pub(super) async fn prune_rollups(
    client: &Object,
    resolution_secs: u32,
    before_us: i64,
) -> StoreResult<u64> {
    const OP: &str = "prune metric rollups";
    let delete = client
        .prepare_cached(
            "DELETE FROM metric_rollups WHERE resolution_secs = $1 AND window_start_us < $2",
        )
        .await
        .op(OP)?;
    client
        .execute(&delete, &[&i64::from(resolution_secs), &before_us])
        .await
        .op(OP)
}

pub(super) async fn rollup_sources(
    client: &Object,
    resolution_secs: u32,
    from_us: i64,
    to_us: i64,
) -> StoreResult<Vec<(String, i64)>> {
    const OP: &str = "list the sources of metric rollups";
    let select = client
        .prepare_cached(
            "SELECT source, MAX(window_start_us) FROM metric_rollups \
             WHERE resolution_secs = $1 AND window_start_us >= $2 AND window_start_us < $3 \
             GROUP BY source ORDER BY source",
        )
        .await
        .op(OP)?;
    let rows = client
        .query(&select, &[&i64::from(resolution_secs), &from_us, &to_us])
        .await
        .op(OP)?;
    rows.iter()
        .map(|row| Ok((row.try_get(0).op(OP)?, row.try_get(1).op(OP)?)))
        .collect()
}

pub(super) async fn put_record(
    client: &Object,
    record: &FleetRecord,
    on_conflict: OnConflict,
) -> StoreResult<bool> {
    const OP: &str = "store a fleet record";
    let sql = match on_conflict {
        OnConflict::Replace => {
            "INSERT INTO fleet_records (kind, id, at_us, payload) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (kind, id) DO UPDATE SET at_us = excluded.at_us, payload = excluded.payload"
        }
        OnConflict::Keep => {
            "INSERT INTO fleet_records (kind, id, at_us, payload) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (kind, id) DO NOTHING"
        }
    };
    let statement = client.prepare_cached(sql).await.op(OP)?;
    let written = client
        .execute(
            &statement,
            &[
                &record.kind.as_str(),
                &record.id,
                &record.at_us,
                &record.payload,
            ],
        )
        .await
        .op(OP)?;
    Ok(written > 0)
}

pub(super) async fn list_records(
    client: &Object,
    kind: RecordKind,
    from_us: i64,
    to_us: i64,
    limit: u32,
) -> StoreResult<Vec<FleetRecord>> {
    const OP: &str = "list fleet records";
    let select = client
        .prepare_cached(
            "SELECT id, at_us, payload FROM fleet_records \
             WHERE kind = $1 AND at_us >= $2 AND at_us < $3 \
             ORDER BY at_us DESC, id LIMIT $4",
        )
        .await
        .op(OP)?;
    let rows = client
        .query(
            &select,
            &[&kind.as_str(), &from_us, &to_us, &i64::from(limit)],
        )
        .await
        .op(OP)?;
    rows.iter()
        .map(|row| {
            Ok(FleetRecord {
                kind,
                id: row.try_get(0).op(OP)?,
                at_us: row.try_get(1).op(OP)?,
                payload: row.try_get(2).op(OP)?,
            })
        })
        .collect()
}

pub(super) async fn prune_records(
    client: &Object,
    kind: RecordKind,
    before_us: i64,
) -> StoreResult<u64> {
    const OP: &str = "prune fleet records";
    let delete = client
        .prepare_cached("DELETE FROM fleet_records WHERE kind = $1 AND at_us < $2")
        .await
        .op(OP)?;
    client
        .execute(&delete, &[&kind.as_str(), &before_us])
        .await
        .op(OP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollup(start: i64, source: &str, payload: u8) -> RollupRow {
        RollupRow {
            resolution_secs: 5,
            window_start_us: start,
            source: source.to_owned(),
            payload: vec![payload],
        }
    }

    #[test]
    fn a_repeated_key_keeps_only_its_last_row() {
        let rows = [
            rollup(0, "a", 1),
            rollup(0, "b", 2),
            rollup(0, "a", 3),
            rollup(5, "a", 4),
            rollup(0, "a", 5),
        ];
        let payloads: Vec<u8> = last_row_of_each_key(&rows)
            .iter()
            .map(|r| r.payload[0])
            .collect();
        assert_eq!(payloads, [2, 4, 5]);
        assert!(last_row_of_each_key(&[]).is_empty());
    }
}
