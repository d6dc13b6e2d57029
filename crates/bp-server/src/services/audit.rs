//! The audit log: every administrative action (key changes, faults), who did it and when,
//! stored as fleet records so every instance lists the same log and it survives restarts.
//! Details name what changed, never a secret.

use bp_api::AuditEvent;
use bp_store::{FleetRecord, OnConflict, RecordKind, Store, StoreError};
use chrono::Utc;
use uuid::Uuid;

/// Events listed at most per request.
pub const MAX_LISTED: u32 = 500;

/// Who acted: an admin key, or the command line on the database itself.
#[derive(Debug, Clone)]
pub struct Actor {
    pub key_id: Option<Uuid>,
    pub name: String,
}

impl Actor {
    pub fn key(id: Uuid, name: &str) -> Actor {
        Actor {
            key_id: Some(id),
            name: name.to_owned(),
        }
    }

    /// `betterprompts keys …`, run by whoever can reach the database.
    pub fn command_line() -> Actor {
        Actor {
            key_id: None,
            name: "command line".to_owned(),
        }
    }
}

/// Appends one event.
pub async fn record(
    store: &dyn Store,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: String,
) -> Result<AuditEvent, StoreError> {
    let event = AuditEvent {
        id: Uuid::now_v7(),
        at: bp_store::to_stored_precision(Utc::now()),
        actor_key_id: actor.key_id,
        actor: actor.name.clone(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
    };
    // Plain data (strings, ids, a time): encoding cannot fail.
    let payload = serde_json::to_vec(&event).unwrap_or_default();
    store
        .put_record(
            &FleetRecord {
                kind: RecordKind::Audit,
                id: event.id.to_string(),
                at_us: event.at.timestamp_micros(),
                payload,
            },
            OnConflict::Keep,
        )
        .await?;
    Ok(event)
}

/// The newest `limit` events with `from_us <= at < to_us`, newest first.
pub async fn list(
    store: &dyn Store,
    from_us: i64,
    to_us: i64,
    limit: u32,
) -> Result<Vec<AuditEvent>, StoreError> {
    let records = store
        .list_records(RecordKind::Audit, from_us, to_us, limit.min(MAX_LISTED))
        .await?;
    Ok(records
        .iter()
        .filter_map(|r| serde_json::from_slice(&r.payload).ok())
        .collect())
}
