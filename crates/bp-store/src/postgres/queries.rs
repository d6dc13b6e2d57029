//! The statements of the PostgreSQL store. Each is prepared once per pooled connection
//! (`prepare_cached`) and then only bound and executed.

use super::{Op, error, is_code};
use crate::codec::{self, KEY_COLUMNS, RawItem, RawKey};
use crate::error::{StoreError, StoreResult};
use crate::listing::{self, Dialect, Param, item_columns};
use crate::model::{
    ApiKeyRecord, FeedbackRecord, HistoryCursor, HistoryOwner, HistoryPageRows, HistoryQuery,
    KeyRotation, NewApiKey, NewFeedback, NewHistoryRow,
};
use bp_api::{HistoryItem, Technique};
use deadpool_postgres::Object;
use std::time::Duration;
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

/// The first microsecond of the UTC day of a `created_at_us` expression (floored, so the
/// days before 1970 are whole too): the day key of `history_counts` and of the partitions.
macro_rules! day_of {
    ($us:literal) => {
        concat!(
            "(",
            $us,
            " - ((",
            $us,
            " % 86400000000) + 86400000000) % 86400000000)"
        )
    };
}

fn decode_item(row: &Row) -> StoreResult<HistoryItem> {
    const OP: &str = "decode a history row";
    let raw = RawItem {
        id: row.try_get(0).op(OP)?,
        created_at_us: row.try_get(1).op(OP)?,
        original_text: row.try_get(2).op(OP)?,
        enhanced_text: row.try_get(3).op(OP)?,
        intent: row.try_get(4).op(OP)?,
        complexity: row.try_get(5).op(OP)?,
        confidence: row.try_get(7).op(OP)?,
        processing_time_ms: row.try_get(8).op(OP)?,
    };
    let techniques: Vec<&str> = row.try_get(6).op(OP)?;
    let techniques = techniques
        .into_iter()
        .map(|t| codec::id("techniques", t))
        .collect::<StoreResult<Vec<Technique>>>()?;
    raw.decode(techniques)
}

/// All rows in one statement (parallel arrays through `UNNEST`): one round trip and one
/// implicit transaction, however many rows. Techniques travel as `a,b` strings because
/// PostgreSQL arrays of arrays must be rectangular.
/// What an insert did: a row on a day without a partition fails the whole statement, and
/// the caller creates the partition and retries.
pub(super) enum Inserted {
    All,
    NoPartition,
}

pub(super) async fn insert_history(
    client: &Object,
    rows: &[NewHistoryRow],
) -> StoreResult<Inserted> {
    const OP: &str = "insert history";
    let mut ids = Vec::with_capacity(rows.len());
    let mut owners = Vec::with_capacity(rows.len());
    let mut created = Vec::with_capacity(rows.len());
    let mut originals = Vec::with_capacity(rows.len());
    let mut enhanced = Vec::with_capacity(rows.len());
    let mut intents = Vec::with_capacity(rows.len());
    let mut complexities = Vec::with_capacity(rows.len());
    let mut techniques = Vec::with_capacity(rows.len());
    let mut confidences = Vec::with_capacity(rows.len());
    let mut times = Vec::with_capacity(rows.len());
    let mut segments = Vec::with_capacity(rows.len());
    let mut regions = Vec::with_capacity(rows.len());
    for row in rows {
        let item = &row.item;
        ids.push(item.id);
        owners.push(row.owner);
        created.push(codec::micros(item.created_at));
        originals.push(item.original_text.as_str());
        enhanced.push(item.enhanced_text.as_str());
        intents.push(item.intent.as_str());
        complexities.push(item.complexity.as_str());
        techniques.push(
            item.techniques_used
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
        confidences.push(item.confidence);
        times.push(item.processing_time_ms);
        segments.push(row.segment.as_str());
        regions.push(row.region.as_str());
    }
    // The owners' counts (per day, see `history_counts`) change in the same statement, so
    // they can never disagree with the rows; `ORDER BY` takes the counters' row locks in one
    // order across concurrent writers.
    let insert = client
        .prepare_cached(concat!(
            "WITH inserted AS (INSERT INTO history (id, owner, created_at_us, original_text, \
             enhanced_text, intent, complexity, techniques, confidence, processing_time_ms, \
             segment, region) \
             SELECT id, owner, created_at_us, original_text, enhanced_text, intent, complexity, \
             string_to_array(techniques, ','), confidence, processing_time_ms, segment, region \
             FROM UNNEST($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], \
             $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[], $11::text[], \
             $12::text[]) AS t(id, owner, created_at_us, original_text, enhanced_text, intent, \
             complexity, techniques, confidence, processing_time_ms, segment, region) \
             RETURNING owner, created_at_us) \
             INSERT INTO history_counts (owner, day_us, rows) \
             SELECT coalesce(owner, '00000000-0000-0000-0000-000000000000'::uuid), ",
            day_of!("created_at_us"),
            ", count(*) FROM inserted GROUP BY 1, 2 ORDER BY 1, 2 \
             ON CONFLICT (owner, day_us) DO UPDATE SET rows = history_counts.rows + excluded.rows",
        ))
        .await
        .op(OP)?;
    let inserted = client
        .execute(
            &insert,
            &[
                &ids,
                &owners,
                &created,
                &originals,
                &enhanced,
                &intents,
                &complexities,
                &techniques,
                &confidences,
                &times,
                &segments,
                &regions,
            ],
        )
        .await;
    match inserted {
        Ok(_) => Ok(Inserted::All),
        // "no partition of relation found for row" is the only check violation an insert
        // into history can raise: the table has no CHECK constraint.
        Err(e) if is_code(&e, &SqlState::CHECK_VIOLATION) => Ok(Inserted::NoPartition),
        Err(e) if is_code(&e, &SqlState::UNIQUE_VIOLATION) => Err(StoreError::Conflict(
            "a history row with this id already exists".into(),
        )),
        Err(e) => Err(error(OP, e)),
    }
}

pub(super) async fn get_history(
    client: &Object,
    owner: Uuid,
    id: Uuid,
) -> StoreResult<Option<HistoryItem>> {
    const OP: &str = "read a history row";
    let select = client
        .prepare_cached(concat!(
            "SELECT ",
            item_columns!(),
            " FROM history WHERE id = $1 AND owner = $2"
        ))
        .await
        .op(OP)?;
    let row = client.query_opt(&select, &[&id, &owner]).await.op(OP)?;
    row.as_ref().map(decode_item).transpose()
}

fn to_sql(p: &Param) -> &(dyn ToSql + Sync) {
    match p {
        Param::Uuid(u) => u,
        Param::Text(s) => s,
        Param::Int(i) => i,
        Param::Float(f) => f,
    }
}

/// One page of a listing (see `listing`), under a statement timeout of `timeout`: past it
/// the server cancels the statement and the call fails with `TimedOut`.
pub(super) async fn list_history(
    client: &Object,
    owner: HistoryOwner,
    query: &HistoryQuery,
    timeout: Duration,
) -> StoreResult<HistoryPageRows> {
    const OP: &str = "list history";
    let sql = listing::build(Dialect::Postgres, owner, query);
    let page = client.prepare_cached(&sql.sql).await.op(OP)?;
    let params: Vec<&(dyn ToSql + Sync)> = sql.params.iter().map(to_sql).collect();
    // One round trip instead of four: tokio-postgres sends the requests of futures polled
    // together on one connection in the order they are first polled, so the transaction's
    // start, the page and the commit go out as one pipeline (and a caller that stops
    // waiting cannot leave the connection inside the transaction). `SET LOCAL` ends with
    // the transaction, so the pooled connection keeps its defaults; after a cancelled
    // statement the COMMIT just rolls back.
    //
    // `enable_sort = off`: every listing order comes from an index (merged across the day
    // partitions), so a sort is never the right plan, but the generic plan cannot know
    // an owner's share of the rows: it takes 1/n_owners, 26 rows per partition, where one
    // owner had 345 000, and sorted 6.5 M index entries for a page (1.5 s at 10 M rows,
    // B15). A listing's plan is made on its first execution, which is always in here.
    let begin = format!(
        "BEGIN READ ONLY; SET LOCAL statement_timeout = {}; SET LOCAL enable_sort = off",
        timeout.as_millis().max(1)
    );
    let (begun, rows, ended) = tokio::join!(
        client.batch_execute(&begin),
        client.query(&page, &params),
        client.batch_execute("COMMIT"),
    );
    begun.op(OP)?;
    let rows = rows.map_err(|e| {
        if is_code(&e, &SqlState::QUERY_CANCELED) {
            StoreError::TimedOut { operation: OP }
        } else {
            error(OP, e)
        }
    })?;
    ended.op(OP)?;
    let mut keys = Vec::with_capacity(rows.len());
    let mut items = Vec::new();
    for row in &rows {
        let key = HistoryCursor {
            sort: query.sort,
            id: row.try_get(0).op(OP)?,
            created_at_us: row.try_get(1).op(OP)?,
            confidence: row.try_get(7).op(OP)?,
        };
        let matched: bool = row.try_get(9).op(OP)?;
        if matched && items.len() < sql.limit as usize {
            items.push(decode_item(row)?);
        }
        keys.push((key, matched));
    }
    let next = listing::next_cursor(&sql, &keys);
    Ok(HistoryPageRows { items, next })
}

/// The owner's rows, or everyone's, from the maintained counts.
pub(super) async fn count_owner_history(client: &Object, owner: HistoryOwner) -> StoreResult<u64> {
    const OP: &str = "count history";
    let rows: i64 = match owner {
        HistoryOwner::Key(owner) => {
            let select = client
                .prepare_cached(
                    "SELECT coalesce(sum(rows), 0)::bigint FROM history_counts WHERE owner = $1",
                )
                .await
                .op(OP)?;
            client
                .query_one(&select, &[&owner])
                .await
                .op(OP)?
                .try_get(0)
                .op(OP)?
        }
        HistoryOwner::Everyone => {
            let select = client
                .prepare_cached("SELECT coalesce(sum(rows), 0)::bigint FROM history_counts")
                .await
                .op(OP)?;
            client
                .query_one(&select, &[])
                .await
                .op(OP)?
                .try_get(0)
                .op(OP)?
        }
    };
    Ok(codec::count(rows))
}

pub(super) async fn delete_history(client: &Object, owner: Uuid, id: Uuid) -> StoreResult<bool> {
    const OP: &str = "delete a history row";
    // One statement deletes the row, its feedback, and counts it out.
    let delete = client
        .prepare_cached(concat!(
            "WITH deleted AS (DELETE FROM history WHERE id = $1 AND owner = $2 \
             RETURNING id, owner, created_at_us), \
             unrated AS (DELETE FROM feedback WHERE history_id IN (SELECT id FROM deleted)), \
             counted AS (UPDATE history_counts c SET rows = c.rows - 1 FROM deleted d \
             WHERE c.owner = d.owner AND c.day_us = ",
            day_of!("d.created_at_us"),
            ") SELECT count(*) FROM deleted",
        ))
        .await
        .op(OP)?;
    let deleted: i64 = client
        .query_one(&delete, &[&id, &owner])
        .await
        .op(OP)?
        .try_get(0)
        .op(OP)?;
    Ok(deleted > 0)
}

pub(super) async fn create_key(client: &Object, key: &NewApiKey) -> StoreResult<()> {
    const OP: &str = "create an API key";
    let insert = client
        .prepare_cached(
            "INSERT INTO api_keys (id, name, key_hash, key_prefix, tier, role, rate_limit, \
             created_at_us, revoked, expires_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9)",
        )
        .await
        .op(OP)?;
    client
        .execute(
            &insert,
            &[
                &key.id,
                &key.name,
                &key.key_hash,
                &key.key_prefix,
                &key.tier.as_str(),
                &key.role.as_str(),
                &codec::rate_limit_to_text(key.rate_limit),
                &codec::micros(key.created_at),
                &key.expires_at.map(codec::micros),
            ],
        )
        .await
        .map_err(|e| {
            if is_code(&e, &SqlState::UNIQUE_VIOLATION) {
                StoreError::Conflict("an API key with this id or hash already exists".into())
            } else {
                error(OP, e)
            }
        })?;
    Ok(())
}

fn raw_key(row: &Row) -> Result<RawKey, tokio_postgres::Error> {
    Ok(RawKey {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        key_hash: row.try_get(2)?,
        key_prefix: row.try_get(3)?,
        tier: row.try_get(4)?,
        role: row.try_get(5)?,
        rate_limit: row.try_get(6)?,
        created_at_us: row.try_get(7)?,
        revoked: row.try_get(8)?,
        expires_at_us: row.try_get(9)?,
        last_used_at_us: row.try_get(10)?,
        previous_key_hash: row.try_get(11)?,
        previous_valid_until_us: row.try_get(12)?,
    })
}

pub(super) async fn find_key_by_hash(
    client: &Object,
    key_hash: &str,
) -> StoreResult<Option<ApiKeyRecord>> {
    const OP: &str = "find an API key";
    let select = client
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 OR previous_key_hash = $1"
        ))
        .await
        .op(OP)?;
    let Some(row) = client.query_opt(&select, &[&key_hash]).await.op(OP)? else {
        return Ok(None);
    };
    raw_key(&row).op(OP)?.decode().map(Some)
}

pub(super) async fn list_keys(client: &Object) -> StoreResult<Vec<ApiKeyRecord>> {
    const OP: &str = "list API keys";
    let select = client
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at_us DESC, id DESC"
        ))
        .await
        .op(OP)?;
    client
        .query(&select, &[])
        .await
        .op(OP)?
        .iter()
        .map(|row| raw_key(row).op(OP)?.decode())
        .collect()
}

pub(super) async fn revoke_key(client: &Object, id: Uuid) -> StoreResult<bool> {
    const OP: &str = "revoke an API key";
    let update = client
        .prepare_cached("UPDATE api_keys SET revoked = TRUE WHERE id = $1")
        .await
        .op(OP)?;
    Ok(client.execute(&update, &[&id]).await.op(OP)? > 0)
}

pub(super) async fn rotate_key(client: &Object, rotation: &KeyRotation) -> StoreResult<bool> {
    const OP: &str = "rotate an API key";
    let update = client
        .prepare_cached(
            "UPDATE api_keys SET previous_key_hash = key_hash, previous_valid_until_us = $4, \
             key_hash = $2, key_prefix = $3 WHERE id = $1 AND NOT revoked",
        )
        .await
        .op(OP)?;
    let changed = client
        .execute(
            &update,
            &[
                &rotation.id,
                &rotation.key_hash,
                &rotation.key_prefix,
                &codec::micros(rotation.previous_valid_until),
            ],
        )
        .await
        .map_err(|e| {
            if is_code(&e, &SqlState::UNIQUE_VIOLATION) {
                StoreError::Conflict("an API key with this hash already exists".into())
            } else {
                error(OP, e)
            }
        })?;
    Ok(changed > 0)
}

pub(super) async fn touch_keys(client: &Object, used: &[(Uuid, i64)]) -> StoreResult<()> {
    const OP: &str = "record key use";
    if used.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = used.iter().map(|u| u.0).collect();
    let at: Vec<i64> = used.iter().map(|u| u.1).collect();
    let update = client
        .prepare_cached(
            "UPDATE api_keys AS k SET last_used_at_us = u.at \
             FROM unnest($1::uuid[], $2::bigint[]) AS u(id, at) \
             WHERE k.id = u.id AND (k.last_used_at_us IS NULL OR k.last_used_at_us < u.at)",
        )
        .await
        .op(OP)?;
    client.execute(&update, &[&ids, &at]).await.op(OP)?;
    Ok(())
}

pub(super) async fn insert_feedback(
    client: &Object,
    feedback: &NewFeedback,
) -> StoreResult<FeedbackRecord> {
    const OP: &str = "insert feedback";
    // One statement checks ownership and inserts, so there is no window between the two.
    // `FOR KEY SHARE` is the lock a foreign key check would take (history is partitioned, so
    // feedback cannot reference it): a concurrent delete of the row waits for this insert,
    // or this insert finds the row gone.
    let insert = client
        .prepare_cached(
            "INSERT INTO feedback (id, owner, history_id, rating, most_helpful_technique, \
             comment, created_at_us) \
             SELECT $1::uuid, $2::uuid, $3::uuid, $4::smallint, $5::text, $6::text, $7::bigint \
             FROM (SELECT 1 FROM history WHERE id = $3 AND owner = $2 FOR KEY SHARE) AS rated",
        )
        .await
        .op(OP)?;
    let inserted = client
        .execute(
            &insert,
            &[
                &feedback.id,
                &feedback.owner,
                &feedback.history_id,
                &i16::from(feedback.rating),
                &feedback.most_helpful_technique.map(|t| t.as_str()),
                &feedback.comment,
                &codec::micros(feedback.created_at),
            ],
        )
        .await
        .map_err(|e| {
            if is_code(&e, &SqlState::UNIQUE_VIOLATION) {
                StoreError::Conflict("this history item already has feedback from this key".into())
            } else {
                error(OP, e)
            }
        })?;
    match inserted {
        0 => Err(StoreError::NotFound),
        _ => Ok(FeedbackRecord::from(feedback)),
    }
}
