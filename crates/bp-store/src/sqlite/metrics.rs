//! The SQLite statements behind metrics and operations: metric rollups, fleet records,
//! feedback statistics and the history count. Blocking functions over a connection, like `queries`.

use super::Op;
use crate::aggregates::{self, RawFeedbackStats, feedback_stats_sql};
use crate::error::StoreResult;
use crate::model::{FeedbackStats, FleetRecord, OnConflict, RecordKind, RollupRow};
use rusqlite::{Connection, TransactionBehavior, params};

pub(super) fn count_history(conn: &mut Connection) -> StoreResult<u64> {
    const OP: &str = "count history";
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM history")
        .op(OP)?
        .query_row([], |row| row.get(0))
        .op(OP)?;
    Ok(crate::codec::count(total))
}

pub(super) fn feedback_stats(
    conn: &mut Connection,
    from_us: i64,
    to_us: i64,
) -> StoreResult<Vec<FeedbackStats>> {
    const OP: &str = "compute feedback statistics";
    // The primary technique is what lies between the first two commas of `,a,b,`; a row
    // without techniques is stored as `,` and has none.
    let raws = conn
        .prepare_cached(feedback_stats_sql!(
            "CASE WHEN h.techniques = ',' THEN NULL \
             ELSE substr(h.techniques, 2, instr(substr(h.techniques, 2), ',') - 1) END",
            "?1",
            "?2"
        ))
        .op(OP)?
        .query_map(params![from_us, to_us], |row| {
            Ok(RawFeedbackStats {
                technique: row.get(0)?,
                ratings: row.get(1)?,
                rating_sum: row.get(2)?,
                ratings_at_least_4: row.get(3)?,
                helpful_named: row.get(4)?,
                helpful_is_primary: row.get(5)?,
            })
        })
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    aggregates::decode_feedback_stats(raws)
}

pub(super) fn upsert_rollups(conn: &mut Connection, rows: &[RollupRow]) -> StoreResult<()> {
    const OP: &str = "upsert metric rollups";
    // IMMEDIATE for the same reason as history inserts: wait for another process's write
    // lock up front instead of failing half-way through the batch.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    {
        // Row by row, so a key repeated within the call ends with its last payload.
        let mut upsert = tx
            .prepare_cached(
                "INSERT INTO metric_rollups (resolution_secs, window_start_us, source, payload) \
                 VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (resolution_secs, window_start_us, source) \
                 DO UPDATE SET payload = excluded.payload",
            )
            .op(OP)?;
        for row in rows {
            upsert
                .execute(params![
                    row.resolution_secs,
                    row.window_start_us,
                    row.source,
                    row.payload,
                ])
                .op(OP)?;
        }
    }
    tx.commit().op(OP)
}

pub(super) fn list_rollups(
    conn: &mut Connection,
    resolution_secs: u32,
    from_us: i64,
    to_us: i64,
) -> StoreResult<Vec<RollupRow>> {
    const OP: &str = "list metric rollups";
    // The primary key's order is the listing's order (text compares bytewise), so this is
    // one index range scan with no sort.
    conn.prepare_cached(
        "SELECT window_start_us, source, payload FROM metric_rollups \
         WHERE resolution_secs = ?1 AND window_start_us >= ?2 AND window_start_us < ?3 \
         ORDER BY window_start_us, source",
    )
    .op(OP)?
    .query_map(params![resolution_secs, from_us, to_us], |row| {
        Ok(RollupRow {
            resolution_secs,
            window_start_us: row.get(0)?,
            source: row.get(1)?,
            payload: row.get(2)?,
        })
    })
    .op(OP)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .op(OP)
}

pub(super) fn prune_rollups(
    conn: &mut Connection,
    resolution_secs: u32,
    before_us: i64,
) -> StoreResult<u64> {
    const OP: &str = "prune metric rollups";
    let deleted = conn
        .prepare_cached(
            "DELETE FROM metric_rollups WHERE resolution_secs = ?1 AND window_start_us < ?2",
        )
        .op(OP)?
        .execute(params![resolution_secs, before_us])
        .op(OP)?;
    // usize is at most 64 bits on every target we build for.
    Ok(deleted as u64)
}

pub(super) fn rollup_sources(
    conn: &mut Connection,
    resolution_secs: u32,
    from_us: i64,
    to_us: i64,
) -> StoreResult<Vec<(String, i64)>> {
    const OP: &str = "list the sources of metric rollups";
    conn.prepare_cached(
        "SELECT source, MAX(window_start_us) FROM metric_rollups \
         WHERE resolution_secs = ?1 AND window_start_us >= ?2 AND window_start_us < ?3 \
         GROUP BY source ORDER BY source",
    )
    .op(OP)?
    .query_map(params![resolution_secs, from_us, to_us], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
    .op(OP)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .op(OP)
}

pub(super) fn put_record(
    conn: &mut Connection,
    record: &FleetRecord,
    on_conflict: OnConflict,
) -> StoreResult<bool> {
    const OP: &str = "store a fleet record";
    let sql = match on_conflict {
        OnConflict::Replace => {
            "INSERT INTO fleet_records (kind, id, at_us, payload) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (kind, id) DO UPDATE SET at_us = excluded.at_us, payload = excluded.payload"
        }
        OnConflict::Keep => {
            "INSERT INTO fleet_records (kind, id, at_us, payload) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (kind, id) DO NOTHING"
        }
    };
    let written = conn
        .prepare_cached(sql)
        .op(OP)?
        .execute(params![
            record.kind.as_str(),
            record.id,
            record.at_us,
            record.payload
        ])
        .op(OP)?;
    Ok(written > 0)
}

pub(super) fn list_records(
    conn: &mut Connection,
    kind: RecordKind,
    from_us: i64,
    to_us: i64,
    limit: u32,
) -> StoreResult<Vec<FleetRecord>> {
    const OP: &str = "list fleet records";
    // `fleet_records_at` read backwards: no sort beyond ties.
    conn.prepare_cached(
        "SELECT id, at_us, payload FROM fleet_records \
         WHERE kind = ?1 AND at_us >= ?2 AND at_us < ?3 \
         ORDER BY at_us DESC, id LIMIT ?4",
    )
    .op(OP)?
    .query_map(params![kind.as_str(), from_us, to_us, limit], |row| {
        Ok(FleetRecord {
            kind,
            id: row.get(0)?,
            at_us: row.get(1)?,
            payload: row.get(2)?,
        })
    })
    .op(OP)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .op(OP)
}

pub(super) fn prune_records(
    conn: &mut Connection,
    kind: RecordKind,
    before_us: i64,
) -> StoreResult<u64> {
    const OP: &str = "prune fleet records";
    let deleted = conn
        .prepare_cached("DELETE FROM fleet_records WHERE kind = ?1 AND at_us < ?2")
        .op(OP)?
        .execute(params![kind.as_str(), before_us])
        .op(OP)?;
    Ok(deleted as u64)
}
