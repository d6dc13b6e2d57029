//! Anomalies as fleet facts: flagged on the fleet's windows by every instance's detector,
//! stored once in the database under an id of their window and metric (the first instance
//! to store one writes it, the others find it there), and listed from there, so every
//! instance answers alike and the list outlives restarts.

use super::{Telemetry, rfc3339};
use bp_api::metrics::AnomalyEvent;
use bp_metrics::Anomaly;
use bp_store::{FleetRecord, OnConflict, RecordKind, Store, StoreError};

/// The most anomalies one listing returns: the newest of the range (two metrics per window,
/// so 10 000 is about 7 h of 5-s windows every one of them flagged).
pub const MAX_LISTED: u32 = 10_000;

/// The wire form of one flagged window.
pub fn event(a: &Anomaly) -> AnomalyEvent {
    AnomalyEvent {
        seq: a.seq,
        window_start: rfc3339(a.window_start_unix_us),
        window_end: rfc3339(a.window_end_unix_us),
        metric: a.metric,
        value: a.value,
        baseline: a.baseline,
        score: a.score,
        scale: a.scale,
    }
}

/// Stores what the detector flagged on one fleet window. Of the instances that flag it, the
/// one whose row is written counts it into its `bp_anomalies_total`, so the fleet's sum
/// counts each anomaly once. When the database does not answer, this instance counts it
/// itself (an anomaly during an outage matters more than a rare double count).
pub(super) async fn store(telemetry: &Telemetry, store: &dyn Store, found: Vec<Anomaly>) {
    let mut first = Vec::with_capacity(found.len());
    for anomaly in found {
        let record = serde_json::to_vec(&event(&anomaly)).map(|payload| FleetRecord {
            kind: RecordKind::Anomaly,
            id: format!(
                "{}:{}",
                anomaly.window_start_unix_us,
                serde_json::to_value(anomaly.metric)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            at_us: i64::try_from(anomaly.window_start_unix_us).unwrap_or(i64::MAX),
            payload,
        });
        let written = match record {
            Ok(record) => match store.put_record(&record, OnConflict::Keep).await {
                Ok(written) => written,
                Err(e) => {
                    tracing::warn!(error = %e, "could not store an anomaly");
                    true
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "an anomaly did not serialise");
                true
            }
        };
        if written {
            first.push(anomaly);
        }
    }
    telemetry.count_anomalies(&first);
}

/// Anomalies of windows starting in `from_us..to_us`, oldest first.
pub async fn list(
    store: &dyn Store,
    from_us: u64,
    to_us: u64,
) -> Result<Vec<AnomalyEvent>, StoreError> {
    let as_i64 = |us: u64| i64::try_from(us).unwrap_or(i64::MAX);
    let mut records = store
        .list_records(
            RecordKind::Anomaly,
            as_i64(from_us),
            as_i64(to_us),
            MAX_LISTED,
        )
        .await?;
    records.reverse();
    Ok(records
        .iter()
        .filter_map(|r| match serde_json::from_slice(&r.payload) {
            Ok(event) => Some(event),
            Err(e) => {
                tracing::warn!(id = %r.id, error = %e, "a stored anomaly did not decode");
                None
            }
        })
        .collect())
}
