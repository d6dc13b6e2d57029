//! Load-generator runs, as their generators report them while they run. Kept in memory: a
//! run's live state matters while it runs; its figures of record are the metrics windows and
//! the generator's own report.

use bp_api::{LoadRun, LoadRunReport};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

/// Runs remembered, newest last.
const KEPT_RUNS: usize = 50;
const MAX_ID_CHARS: usize = 64;

/// Why a report was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidLoadRun {
    #[error("a run id is 1-{MAX_ID_CHARS} characters of a-z, A-Z, 0-9, '-' and '_'")]
    Id,
    #[error("technique_accuracy is a share between 0 and 1")]
    Accuracy,
}

#[derive(Default)]
pub struct LoadRuns(Mutex<VecDeque<LoadRun>>);

impl LoadRuns {
    /// Stores the latest report of run `id` (replacing its previous one) as of `now`.
    pub fn record(
        &self,
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
        let run = LoadRun {
            id,
            updated_at: now,
            report,
        };
        let mut runs = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        runs.retain(|r| r.id != run.id);
        runs.push_back(run.clone());
        while runs.len() > KEPT_RUNS {
            runs.pop_front();
        }
        Ok(run)
    }

    /// The remembered runs, the most recently updated first.
    pub fn list(&self) -> Vec<LoadRun> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .rev()
            .cloned()
            .collect()
    }

    /// Requests-weighted client-side technique accuracy of runs active in the range.
    pub fn labelled_accuracy(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<f64> {
        let runs = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut weighted, mut n) = (0.0, 0u64);
        for run in runs
            .iter()
            .filter(|r| r.report.started_at < to && r.updated_at >= from)
        {
            if let Some(a) = run.report.technique_accuracy {
                weighted += a * run.report.labelled_requests as f64;
                n += run.report.labelled_requests;
            }
        }
        (n > 0).then(|| weighted / n as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::LoadRunState;
    use chrono::TimeDelta;

    fn report(started_at: DateTime<Utc>, accuracy: Option<f64>, labelled: u64) -> LoadRunReport {
        LoadRunReport {
            profile: "peak".to_owned(),
            state: LoadRunState::Running,
            started_at,
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
            labelled_requests: labelled,
        }
    }

    #[test]
    fn a_run_is_replaced_by_its_next_report_and_listed_newest_first() {
        let runs = LoadRuns::default();
        let t0 = Utc::now();
        runs.record("a".into(), report(t0, None, 0), t0)
            .expect("valid");
        runs.record("b".into(), report(t0, None, 0), t0)
            .expect("valid");
        let mut again = report(t0, None, 0);
        again.requests = 500;
        runs.record("a".into(), again, t0 + TimeDelta::seconds(1))
            .expect("valid");
        let listed = runs.list();
        let ids: Vec<&str> = listed.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(listed[0].report.requests, 500);
    }

    #[test]
    fn only_the_newest_runs_are_kept() {
        let runs = LoadRuns::default();
        let t0 = Utc::now();
        for i in 0..KEPT_RUNS + 5 {
            runs.record(format!("run-{i}"), report(t0, None, 0), t0)
                .expect("valid");
        }
        let listed = runs.list();
        assert_eq!(listed.len(), KEPT_RUNS);
        assert_eq!(listed[0].id, format!("run-{}", KEPT_RUNS + 4));
        assert_eq!(listed[KEPT_RUNS - 1].id, "run-5");
    }

    #[test]
    fn ids_and_accuracies_out_of_range_are_refused_and_not_kept() {
        let runs = LoadRuns::default();
        let t0 = Utc::now();
        for id in ["", "a b", "ü", &"x".repeat(MAX_ID_CHARS + 1)] {
            assert_eq!(
                runs.record(id.to_owned(), report(t0, None, 0), t0),
                Err(InvalidLoadRun::Id)
            );
        }
        for accuracy in [-0.1, 1.01, f64::NAN] {
            assert_eq!(
                runs.record("r".into(), report(t0, Some(accuracy), 1), t0),
                Err(InvalidLoadRun::Accuracy)
            );
        }
        assert!(runs.list().is_empty());
        runs.record("x".repeat(MAX_ID_CHARS), report(t0, Some(1.0), 1), t0)
            .expect("64 characters and a share of 1 are valid");
    }

    #[test]
    fn accuracy_is_weighted_by_labelled_requests_of_runs_active_in_the_range() {
        let runs = LoadRuns::default();
        let t0 = Utc::now();
        let minute = TimeDelta::minutes(1);
        runs.record("a".into(), report(t0, Some(0.9), 300), t0 + minute)
            .expect("valid");
        runs.record("b".into(), report(t0, Some(0.5), 100), t0 + minute)
            .expect("valid");
        // Ended before the range starts.
        runs.record(
            "old".into(),
            report(t0 - minute * 10, Some(0.0), 1000),
            t0 - minute * 5,
        )
        .expect("valid");
        runs.record("unlabelled".into(), report(t0, None, 0), t0 + minute)
            .expect("valid");
        let accuracy = runs
            .labelled_accuracy(t0, t0 + minute * 2)
            .expect("two labelled runs in range");
        assert!((accuracy - 0.8).abs() < 1e-9, "{accuracy}");
        assert_eq!(
            runs.labelled_accuracy(t0 + minute * 3, t0 + minute * 4),
            None
        );
    }
}
