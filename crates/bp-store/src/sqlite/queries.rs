//! The statements of the SQLite store, as blocking functions over a connection; the caller
//! decides which connection and which thread.

use super::{Op, is_constraint};
use crate::codec::{self, KEY_COLUMNS, RawItem, RawKey};
use crate::error::{StoreError, StoreResult};
use crate::listing::{self, Dialect, Param, item_columns};
use crate::model::{
    ApiKeyRecord, FeedbackRecord, HistoryCursor, HistoryOwner, HistoryPageRows, HistoryQuery,
    KeyRotation, NewApiKey, NewFeedback, NewHistoryRow,
};
use bp_api::{HistoryItem, HistorySort};
use rusqlite::ffi::{
    SQLITE_CONSTRAINT_FOREIGNKEY, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE,
};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, TransactionBehavior, params};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    is_constraint(e, SQLITE_CONSTRAINT_UNIQUE) || is_constraint(e, SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// Reads the columns of `item_columns!`.
fn raw_item(row: &Row<'_>) -> rusqlite::Result<(RawItem, String)> {
    Ok((
        RawItem {
            id: row.get(0)?,
            created_at_us: row.get(1)?,
            original_text: row.get(2)?,
            enhanced_text: row.get(3)?,
            intent: row.get(4)?,
            complexity: row.get(5)?,
            confidence: row.get(7)?,
            processing_time_ms: row.get(8)?,
        },
        row.get(6)?,
    ))
}

fn decode_item((raw, techniques): (RawItem, String)) -> StoreResult<HistoryItem> {
    raw.decode(codec::techniques_from_delimited(&techniques)?)
}

pub(super) fn insert_history(conn: &mut Connection, rows: &[NewHistoryRow]) -> StoreResult<()> {
    const OP: &str = "insert history";
    // IMMEDIATE takes the write lock now rather than at the first insert, so another process
    // holding it makes us wait (busy timeout) instead of failing half-way.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    {
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO history (id, owner, created_at_us, original_text, enhanced_text, \
                 intent, complexity, techniques, confidence, processing_time_ms, segment, region) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .op(OP)?;
        for row in rows {
            let item = &row.item;
            insert
                .execute(params![
                    item.id,
                    row.owner,
                    codec::micros(item.created_at),
                    item.original_text,
                    item.enhanced_text,
                    item.intent.as_str(),
                    item.complexity.as_str(),
                    codec::techniques_to_delimited(&item.techniques_used),
                    item.confidence,
                    item.processing_time_ms,
                    row.segment.as_str(),
                    row.region,
                ])
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        StoreError::Conflict("a history row with this id already exists".into())
                    } else {
                        super::error(OP, e)
                    }
                })?;
        }
    }
    add_to_counts(&tx, &codec::count_deltas(rows.iter().map(|r| r.owner), 1)).op(OP)?;
    // With synchronous=FULL the commit returns after the WAL is synced to disk.
    tx.commit().op(OP)
}

pub(super) fn get_history(
    conn: &mut Connection,
    owner: Uuid,
    id: Uuid,
) -> StoreResult<Option<HistoryItem>> {
    const OP: &str = "read a history row";
    let mut select = conn
        .prepare_cached(concat!(
            "SELECT ",
            item_columns!(),
            " FROM history WHERE id = ?1 AND owner = ?2"
        ))
        .op(OP)?;
    let raw = select
        .query_row(params![id, owner], raw_item)
        .optional()
        .op(OP)?;
    raw.map(decode_item).transpose()
}

pub(super) fn to_sql(p: &Param) -> &dyn ToSql {
    match p {
        Param::Uuid(u) => u,
        Param::Text(s) => s,
        Param::Int(i) => i,
        Param::Float(f) => f,
    }
}

/// One page of a listing (see `listing`). Past `timeout` the statement is interrupted and the
/// call fails with `TimedOut`: a listing never holds a read connection (and the WAL snapshot
/// that comes with it) for long.
pub(super) fn list_history(
    conn: &mut Connection,
    owner: HistoryOwner,
    query: &HistoryQuery,
    timeout: Duration,
) -> StoreResult<HistoryPageRows> {
    const OP: &str = "list history";
    let sql = listing::build(Dialect::Sqlite, owner, query);
    let deadline = Instant::now() + timeout;
    // Checked every few thousand VM steps: microseconds apart.
    conn.progress_handler(4000, Some(move || Instant::now() > deadline))
        .op(OP)?;
    let page = read_page(conn, &sql, query.sort);
    conn.progress_handler(0, None::<fn() -> bool>).op(OP)?;
    page.map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::OperationInterrupted) => StoreError::TimedOut { operation: OP },
        _ => super::error(OP, e),
    })?
}

fn read_page(
    conn: &Connection,
    sql: &listing::ListingSql,
    sort: HistorySort,
) -> rusqlite::Result<StoreResult<HistoryPageRows>> {
    let params: Vec<&dyn ToSql> = sql.params.iter().map(to_sql).collect();
    let mut statement = conn.prepare_cached(&sql.sql)?;
    let mut rows = statement.query(params.as_slice())?;
    let mut keys = Vec::new();
    let mut items = Vec::new();
    while let Some(row) = rows.next()? {
        let key = HistoryCursor {
            sort,
            id: row.get(0)?,
            created_at_us: row.get(1)?,
            confidence: row.get(7)?,
        };
        let matched: bool = row.get(9)?;
        if matched && items.len() < sql.limit as usize {
            items.push(raw_item(row)?);
        }
        keys.push((key, matched));
    }
    let next = listing::next_cursor(sql, &keys);
    Ok(items
        .into_iter()
        .map(decode_item)
        .collect::<StoreResult<Vec<_>>>()
        .map(|items| HistoryPageRows { items, next }))
}

/// Adds `delta` to each owner's row count (anonymous rows under the nil id).
pub(super) fn add_to_counts(
    tx: &rusqlite::Transaction<'_>,
    deltas: &BTreeMap<Uuid, i64>,
) -> rusqlite::Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO history_counts (owner, rows) VALUES (?1, ?2) \
         ON CONFLICT (owner) DO UPDATE SET rows = rows + excluded.rows",
    )?;
    for (owner, delta) in deltas {
        upsert.execute(params![owner, delta])?;
    }
    Ok(())
}

/// The owner's rows, or everyone's, from the maintained counts.
pub(super) fn count_owner_history(conn: &mut Connection, owner: HistoryOwner) -> StoreResult<u64> {
    const OP: &str = "count history";
    let rows: i64 = match owner {
        HistoryOwner::Key(owner) => conn
            .prepare_cached("SELECT rows FROM history_counts WHERE owner = ?1")
            .op(OP)?
            .query_row([owner], |row| row.get(0))
            .optional()
            .op(OP)?
            .unwrap_or(0),
        HistoryOwner::Everyone => conn
            .prepare_cached("SELECT coalesce(sum(rows), 0) FROM history_counts")
            .op(OP)?
            .query_row([], |row| row.get(0))
            .op(OP)?,
    };
    Ok(codec::count(rows))
}

pub(super) fn delete_history(conn: &mut Connection, owner: Uuid, id: Uuid) -> StoreResult<bool> {
    const OP: &str = "delete a history row";
    let tx = conn.transaction().op(OP)?;
    let deleted = tx
        .prepare_cached("DELETE FROM history WHERE id = ?1 AND owner = ?2")
        .op(OP)?
        .execute(params![id, owner])
        .op(OP)?;
    if deleted > 0 {
        add_to_counts(&tx, &BTreeMap::from([(owner, -1)])).op(OP)?;
    }
    tx.commit().op(OP)?;
    Ok(deleted > 0)
}

/// Deletes up to `max_rows` of the oldest rows created before `before_us`, with their
/// feedback, in one transaction; returns how many.
pub(super) fn prune_history(
    conn: &mut Connection,
    before_us: i64,
    max_rows: u32,
) -> StoreResult<u64> {
    const OP: &str = "prune history";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    let owners = tx
        .prepare_cached(
            "DELETE FROM history WHERE id IN (SELECT id FROM history WHERE created_at_us < ?1 \
             ORDER BY created_at_us, id LIMIT ?2) RETURNING owner",
        )
        .op(OP)?
        .query_map(params![before_us, max_rows], |row| {
            row.get::<_, Option<Uuid>>(0)
        })
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    add_to_counts(&tx, &codec::count_deltas(owners.iter().copied(), -1)).op(OP)?;
    tx.commit().op(OP)?;
    Ok(owners.len() as u64)
}

pub(super) fn create_key(conn: &mut Connection, key: &NewApiKey) -> StoreResult<()> {
    const OP: &str = "create an API key";
    conn.prepare_cached(
        "INSERT INTO api_keys (id, name, key_hash, key_prefix, tier, role, rate_limit, \
         created_at_us, revoked, expires_at_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)",
    )
    .op(OP)?
    .execute(params![
        key.id,
        key.name,
        key.key_hash,
        key.key_prefix,
        key.tier.as_str(),
        key.role.as_str(),
        codec::rate_limit_to_text(key.rate_limit),
        codec::micros(key.created_at),
        key.expires_at.map(codec::micros),
    ])
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict("an API key with this id or hash already exists".into())
        } else {
            super::error(OP, e)
        }
    })?;
    Ok(())
}

fn raw_key(r: &Row<'_>) -> rusqlite::Result<RawKey> {
    Ok(RawKey {
        id: r.get(0)?,
        name: r.get(1)?,
        key_hash: r.get(2)?,
        key_prefix: r.get(3)?,
        tier: r.get(4)?,
        role: r.get(5)?,
        rate_limit: r.get(6)?,
        created_at_us: r.get(7)?,
        revoked: r.get(8)?,
        expires_at_us: r.get(9)?,
        last_used_at_us: r.get(10)?,
        previous_key_hash: r.get(11)?,
        previous_valid_until_us: r.get(12)?,
    })
}

pub(super) fn find_key_by_hash(
    conn: &mut Connection,
    key_hash: &str,
) -> StoreResult<Option<ApiKeyRecord>> {
    const OP: &str = "find an API key";
    // Two probes of unique indexes rather than an OR, which SQLite may answer with a scan.
    let raw = conn
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = ?1 \
             UNION ALL SELECT {KEY_COLUMNS} FROM api_keys WHERE previous_key_hash = ?1 LIMIT 1"
        ))
        .op(OP)?
        .query_row([key_hash], raw_key)
        .optional()
        .op(OP)?;
    raw.map(RawKey::decode).transpose()
}

pub(super) fn list_keys(conn: &mut Connection) -> StoreResult<Vec<ApiKeyRecord>> {
    const OP: &str = "list API keys";
    let mut select = conn
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at_us DESC, id DESC"
        ))
        .op(OP)?;
    let raws = select
        .query_map([], raw_key)
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    raws.into_iter().map(RawKey::decode).collect()
}

pub(super) fn revoke_key(conn: &mut Connection, id: Uuid) -> StoreResult<bool> {
    const OP: &str = "revoke an API key";
    let changed = conn
        .prepare_cached("UPDATE api_keys SET revoked = 1 WHERE id = ?1")
        .op(OP)?
        .execute([id])
        .op(OP)?;
    Ok(changed > 0)
}

pub(super) fn rotate_key(conn: &mut Connection, rotation: &KeyRotation) -> StoreResult<bool> {
    const OP: &str = "rotate an API key";
    let changed = conn
        .prepare_cached(
            "UPDATE api_keys SET previous_key_hash = key_hash, previous_valid_until_us = ?4, \
             key_hash = ?2, key_prefix = ?3 WHERE id = ?1 AND revoked = 0",
        )
        .op(OP)?
        .execute(params![
            rotation.id,
            rotation.key_hash,
            rotation.key_prefix,
            codec::micros(rotation.previous_valid_until),
        ])
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict("an API key with this hash already exists".into())
            } else {
                super::error(OP, e)
            }
        })?;
    Ok(changed > 0)
}

pub(super) fn touch_keys(conn: &mut Connection, used: &[(Uuid, i64)]) -> StoreResult<()> {
    const OP: &str = "record key use";
    let tx = conn.transaction().op(OP)?;
    {
        let mut update = tx
            .prepare_cached(
                "UPDATE api_keys SET last_used_at_us = ?2 \
                 WHERE id = ?1 AND (last_used_at_us IS NULL OR last_used_at_us < ?2)",
            )
            .op(OP)?;
        for (id, at) in used {
            update.execute(params![id, at]).op(OP)?;
        }
    }
    tx.commit().op(OP)
}

pub(super) fn insert_feedback(
    conn: &mut Connection,
    feedback: &NewFeedback,
) -> StoreResult<FeedbackRecord> {
    const OP: &str = "insert feedback";
    // One statement checks ownership and inserts, so there is no window between the two.
    let inserted = conn
        .prepare_cached(
            "INSERT INTO feedback (id, owner, history_id, rating, most_helpful_technique, \
             comment, created_at_us) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
             WHERE EXISTS (SELECT 1 FROM history WHERE id = ?3 AND owner = ?2)",
        )
        .op(OP)?
        .execute(params![
            feedback.id,
            feedback.owner,
            feedback.history_id,
            feedback.rating,
            feedback.most_helpful_technique.map(|t| t.as_str()),
            feedback.comment,
            codec::micros(feedback.created_at),
        ])
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict("this history item already has feedback from this key".into())
            } else if is_constraint(&e, SQLITE_CONSTRAINT_FOREIGNKEY) {
                StoreError::NotFound
            } else {
                super::error(OP, e)
            }
        })?;
    match inserted {
        0 => Err(StoreError::NotFound),
        _ => Ok(FeedbackRecord::from(feedback)),
    }
}
