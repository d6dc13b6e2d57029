//! Why a run ended before its plan did, and what that makes of the run's state on the
//! server.

use bp_api::LoadRunState;
use std::fmt;

/// Why a run ended before its plan did.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum StopReason {
    /// The stress profile found what it was looking for.
    BreakingPoint,
    /// `--abort-on-fail`, with the threshold that failed.
    ThresholdFailed(String),
    MaxRequests,
    HardTimeBound,
}

impl StopReason {
    /// The run's final state as the server lists it: the breaking point and
    /// `--max-requests` are ends the user asked for, so such a run finished or failed by its
    /// thresholds; the other reasons cut the run short.
    pub(super) fn state(reason: Option<&StopReason>, thresholds_ok: bool) -> LoadRunState {
        match reason {
            Some(StopReason::ThresholdFailed(_) | StopReason::HardTimeBound) => {
                LoadRunState::Aborted
            }
            _ if !thresholds_ok => LoadRunState::Failed,
            _ => LoadRunState::Finished,
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::BreakingPoint => f.write_str("the SLA broke: breaking point found"),
            StopReason::ThresholdFailed(t) => {
                write!(f, "threshold `{t}` failed (--abort-on-fail)")
            }
            StopReason::MaxRequests => f.write_str("reached --max-requests"),
            StopReason::HardTimeBound => f.write_str("hard time bound reached"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_final_state_says_how_the_run_ended() {
        let state = StopReason::state;
        assert_eq!(state(None, true), LoadRunState::Finished);
        assert_eq!(state(None, false), LoadRunState::Failed);
        assert_eq!(
            state(Some(&StopReason::BreakingPoint), true),
            LoadRunState::Finished
        );
        assert_eq!(
            state(Some(&StopReason::MaxRequests), false),
            LoadRunState::Failed
        );
        let abort = StopReason::ThresholdFailed("p(95)<200".to_owned());
        assert_eq!(state(Some(&abort), false), LoadRunState::Aborted);
        assert_eq!(
            state(Some(&StopReason::HardTimeBound), true),
            LoadRunState::Aborted
        );
    }
}
