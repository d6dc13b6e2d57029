//! History's day partitions: created ahead of the writes, dropped whole by retention.
//!
//! `history` is partitioned by range of `created_at_us`, one partition per UTC day, named
//! `history_pYYYYMMDD`. The store creates today's and the next days' partitions when it
//! opens and on every maintenance pass, and a batch whose row falls on a day without one
//! (an old or far-future timestamp) creates it before retrying. Retention detaches a day
//! that has passed the retention `CONCURRENTLY`, which waits for the readers that may see
//! it instead of locking them out, then drops it with its feedback and counts.
//!
//! Every step takes a short `lock_timeout`: DDL waiting for a lock would queue every
//! request behind it, so it gives up instead and the next pass retries. Instances of a
//! fleet serialise on an advisory lock, so two never create or drop the same day.

use super::{Op, error};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate};
use deadpool_postgres::Object;
use std::collections::BTreeSet;

pub(super) const DAY_US: i64 = 86_400_000_000;

/// Days created ahead of today: the day boundary never waits for a pass, and a pass that
/// fails (a lock not granted) has two days to be retried.
const DAYS_AHEAD: i64 = 2;

/// The advisory lock of partition changes is (`LOCK_CLASS`, hash of the schema): advisory
/// locks are database-wide, and instances on different schemas must not wait on each other.
const LOCK_CLASS: i32 = 0x6270_7074; // "bppt"

/// How long a DDL statement waits for a table lock before giving up until the next pass.
const LOCK_TIMEOUT: &str = "SET LOCAL lock_timeout = '200ms'";

/// The first microsecond of the UTC day of `us`.
pub(super) fn day_start(us: i64) -> i64 {
    us - us.rem_euclid(DAY_US)
}

fn partition_name(day_us: i64) -> StoreResult<String> {
    let day = DateTime::from_timestamp_micros(day_us).ok_or_else(|| {
        StoreError::InvalidConfig(format!("no history partition for timestamp {day_us}"))
    })?;
    Ok(format!("history_p{}", day.format("%Y%m%d")))
}

/// The day a partition holds, from its name; `None` for a table that is not one of ours.
fn day_of_partition(name: &str) -> Option<i64> {
    let digits = name.strip_prefix("history_p")?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let day = NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp_micros())
}

/// A day partition as the catalog shows it.
#[derive(Debug, PartialEq)]
struct Partition {
    name: String,
    day_us: i64,
    state: State,
}

#[derive(Debug, PartialEq)]
enum State {
    Attached,
    /// A concurrent detach was interrupted after its first transaction.
    DetachPending,
    /// Detached, but the drop did not happen (a crash or a lost connection in between).
    Detached,
}

/// Our day partitions in the current schema, attached or left over from a drop.
async fn list(client: &Object) -> StoreResult<Vec<Partition>> {
    const OP: &str = "list history partitions";
    let rows = client
        .query(
            "SELECT c.relname::text, c.relispartition, coalesce(i.inhdetachpending, false) \
             FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' \
             AND c.relname LIKE 'history\\_p%'",
            &[],
        )
        .await
        .op(OP)?;
    let mut partitions = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get(0).op(OP)?;
        let Some(day_us) = day_of_partition(&name) else {
            continue;
        };
        let state = match (row.try_get(1).op(OP)?, row.try_get(2).op(OP)?) {
            (true, false) => State::Attached,
            (true, true) => State::DetachPending,
            (false, _) => State::Detached,
        };
        partitions.push(Partition {
            name,
            day_us,
            state,
        });
    }
    partitions.sort_by_key(|p| p.day_us);
    Ok(partitions)
}

/// Creates the partitions of today and the next `DAYS_AHEAD` days that are missing;
/// returns how many it created.
pub(super) async fn ensure_ahead(client: &mut Object, now_us: i64) -> StoreResult<usize> {
    let today = day_start(now_us);
    ensure_days(client, (0..=DAYS_AHEAD).map(|d| today + d * DAY_US)).await
}

/// Creates the partitions of these days that are missing; returns how many it created.
pub(super) async fn ensure_days(
    client: &mut Object,
    days: impl IntoIterator<Item = i64>,
) -> StoreResult<usize> {
    let wanted: BTreeSet<i64> = days.into_iter().map(day_start).collect();
    let existing: BTreeSet<i64> = list(client)
        .await?
        .into_iter()
        .filter(|p| p.state == State::Attached)
        .map(|p| p.day_us)
        .collect();
    let mut created = 0;
    for &day_us in wanted.difference(&existing) {
        created += usize::from(create(client, day_us).await?);
    }
    Ok(created)
}

/// Creates one day's partition unless another instance just did; `true` when this call
/// created it. The table is made apart and attached, which locks `history` only against
/// other DDL (`SHARE UPDATE EXCLUSIVE`), never against reads and writes.
async fn create(client: &mut Object, day_us: i64) -> StoreResult<bool> {
    const OP: &str = "create a history partition";
    let name = partition_name(day_us)?;
    let tx = client.transaction().await.op(OP)?;
    tx.batch_execute(LOCK_TIMEOUT).await.op(OP)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))",
        &[&LOCK_CLASS],
    )
    .await
    .op(OP)?;
    let exists: bool = tx
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
        .await
        .op(OP)?
        .try_get(0)
        .op(OP)?;
    if exists {
        return Ok(false);
    }
    tx.batch_execute(&format!(
        "CREATE TABLE {name} (LIKE history INCLUDING DEFAULTS); \
         ALTER TABLE history ATTACH PARTITION {name} FOR VALUES FROM ({day_us}) TO ({end});",
        end = day_us + DAY_US
    ))
    .await
    .op(OP)?;
    tx.commit().await.op(OP)?;
    tracing::info!(partition = %name, "created a history partition");
    Ok(true)
}

/// Drops every day partition that ends at or before `before_us`, with its rows' feedback
/// and counts; returns how many rows went. A day is dropped only once all of it has passed,
/// so a row may outlive the retention by up to a day. Skips the pass (returns 0) while
/// another instance is dropping.
pub(super) async fn drop_expired(client: &mut Object, before_us: i64) -> StoreResult<u64> {
    const OP: &str = "drop history partitions";
    let locked: bool = client
        .query_one(
            "SELECT pg_try_advisory_lock($1, hashtext(current_schema()))",
            &[&LOCK_CLASS],
        )
        .await
        .op(OP)?
        .try_get(0)
        .op(OP)?;
    if !locked {
        return Ok(0);
    }
    let dropped = drop_expired_locked(client, before_us).await;
    // A session lock outlives the call on a pooled connection unless released.
    let unlocked = client
        .execute(
            "SELECT pg_advisory_unlock($1, hashtext(current_schema()))",
            &[&LOCK_CLASS],
        )
        .await
        .op(OP);
    let dropped = dropped?;
    unlocked?;
    Ok(dropped)
}

async fn drop_expired_locked(client: &mut Object, before_us: i64) -> StoreResult<u64> {
    const OP: &str = "drop a history partition";
    let mut dropped = 0;
    for partition in list(client).await? {
        if partition.day_us + DAY_US > before_us {
            continue;
        }
        let name = &partition.name;
        // Detaching concurrently cannot run in a transaction block; its lock_timeout is the
        // session's, set and reset around it.
        let detach = match partition.state {
            State::Attached => Some(format!(
                "ALTER TABLE history DETACH PARTITION {name} CONCURRENTLY"
            )),
            State::DetachPending => Some(format!(
                "ALTER TABLE history DETACH PARTITION {name} FINALIZE"
            )),
            State::Detached => None,
        };
        if let Some(detach) = detach {
            // One statement per call: several would make one implicit transaction.
            client
                .batch_execute("SET lock_timeout = '200ms'")
                .await
                .op(OP)?;
            let detached = client.batch_execute(&detach).await;
            // The connection goes back to the pool with its session settings.
            let reset = client.batch_execute("RESET lock_timeout").await;
            detached.map_err(|e| error(OP, e))?;
            reset.op(OP)?;
        }
        let tx = client.transaction().await.op(OP)?;
        tx.batch_execute(LOCK_TIMEOUT).await.op(OP)?;
        let rows: i64 = tx
            .query_one(
                "SELECT coalesce(sum(rows), 0)::bigint FROM history_counts WHERE day_us = $1",
                &[&partition.day_us],
            )
            .await
            .op(OP)?
            .try_get(0)
            .op(OP)?;
        tx.batch_execute(&format!(
            "DELETE FROM feedback f USING {name} h WHERE f.history_id = h.id; \
             DELETE FROM history_counts WHERE day_us = {day}; \
             DROP TABLE {name};",
            day = partition.day_us
        ))
        .await
        .op(OP)?;
        tx.commit().await.op(OP)?;
        tracing::info!(partition = %name, rows, "dropped a history partition past retention");
        dropped += crate::codec::count(rows);
    }
    Ok(dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_names_round_trip() {
        let day = 1_796_601_600_000_000; // 2026-12-07T00:00:00Z
        assert_eq!(partition_name(day).unwrap(), "history_p20261207");
        assert_eq!(day_of_partition("history_p20261207"), Some(day));
        assert_eq!(day_start(day + DAY_US - 1), day);
        assert_eq!(day_start(day), day);
        // Before 1970 the day still starts at its midnight.
        assert_eq!(day_start(-1), -DAY_US);
        assert_eq!(partition_name(-DAY_US).unwrap(), "history_p19691231");
        for other in [
            "history",
            "history_p2026120",
            "history_pabcdefgh",
            "history_counts",
        ] {
            assert_eq!(day_of_partition(other), None, "{other}");
        }
    }
}
