//! Load-generator runs, as their generators report them while they run. Stored in the
//! database as fleet records, so every instance lists the same runs and they survive
//! restarts; the figures of record stay the metrics windows and the generator's own report.

use bp_api::{LoadRun, LoadRunReport};
use bp_store::{FleetRecord, OnConflict, RecordKind, Store};
use chrono::{DateTime, Utc};

/// Runs listed, newest first.
pub const LISTED_RUNS: u32 = 50;
const MAX_ID_CHARS: usize = 64;

/// Why a report was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidLoadRun {
    #[error("a run id is 1-{MAX_ID_CHARS} characters of a-z, A-Z, 0-9, '-' and '_'")]
    Id,
    #[error("technique_accuracy is a share between 0 and 1")]
    Accuracy,
}

/// The run `id` as of `now`, if its report is valid.
pub fn validate(
    id: String,
    report: LoadRunReport,
    now: DateTime<Utc>,
) -> Result<LoadRun, InvalidLoadRun> {
    let valid_id = !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid_id {
        return Err(InvalidLoadRun::Id);
    }
    if report
        .technique_accuracy
        .is_some_and(|a| !(0.0..=1.0).contains(&a))
    {
        return Err(InvalidLoadRun::Accuracy);
    }
    Ok(LoadRun {
        id,
        updated_at: now,
        report,
    })
}

/// Stores `run`, replacing its previous report.
pub async fn store(store: &dyn Store, run: &LoadRun) -> Result<(), bp_store::StoreError> {
    // A `LoadRun` is plain data (no maps, no non-finite floats from serde's reading of
    // JSON), so encoding cannot fail; an empty payload would only be skipped when listed.
    let payload = serde_json::to_vec(run).unwrap_or_default();
    let record = FleetRecord {
        kind: RecordKind::LoadRun,
        id: run.id.clone(),
        at_us: run.updated_at.timestamp_micros(),
        payload,
    };
    store.put_record(&record, OnConflict::Replace).await?;
    Ok(())
}

/// The most recently updated runs, newest first. A row that no longer decodes (written by
/// a different version) is skipped with a warning rather than failing the list.
pub async fn list(store: &dyn Store) -> Result<Vec<LoadRun>, bp_store::StoreError> {
    let records = store
        .list_records(RecordKind::LoadRun, i64::MIN, i64::MAX, LISTED_RUNS)
        .await?;
    Ok(records
        .iter()
        .filter_map(|r| match serde_json::from_slice(&r.payload) {
            Ok(run) => Some(run),
            Err(e) => {
                tracing::warn!(id = %r.id, error = %e, "a stored load run did not decode");
                None
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::LoadRunState;

    fn report(accuracy: Option<f64>) -> LoadRunReport {
        LoadRunReport {
            profile: "peak".to_owned(),
            state: LoadRunState::Running,
            started_at: Utc::now(),
            users: 10,
            target_rps: None,
            elapsed_s: 1.0,
            duration_s: 60.0,
            requests: 100,
            errors: 0,
            throughput_rps: 100.0,
            p50_ms: Some(1.0),
            p95_ms: Some(2.0),
            p99_ms: Some(3.0),
            technique_accuracy: accuracy,
            labelled_requests: 1,
            capacity: None,
        }
    }

    #[test]
    fn ids_and_accuracies_out_of_range_are_refused() {
        let now = Utc::now();
        for id in ["", "a b", "ü", &"x".repeat(MAX_ID_CHARS + 1)] {
            assert_eq!(
                validate(id.to_owned(), report(None), now),
                Err(InvalidLoadRun::Id)
            );
        }
        for accuracy in [-0.1, 1.01, f64::NAN] {
            assert_eq!(
                validate("r".into(), report(Some(accuracy)), now),
                Err(InvalidLoadRun::Accuracy)
            );
        }
        validate("x".repeat(MAX_ID_CHARS), report(Some(1.0)), now)
            .expect("64 characters and a share of 1 are valid");
    }
}
