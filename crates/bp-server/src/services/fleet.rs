//! The fleet as the database shows it: the instances (metrics sources) that stored windows
//! lately. An instance stores a window a moment after it ends, so one whose newest window
//! ended more than [`MISSED_WINDOWS`] windows ago, plus one window of grace for that
//! moment, is down.

use bp_store::{Store, StoreResult};
use std::collections::BTreeMap;

/// An instance is down once no window of it arrived for this many windows.
pub const MISSED_WINDOWS: u64 = 2;

/// Each source that stored a window in the last few windows, with the end of its newest
/// (microseconds since the Unix epoch).
pub async fn last_seen(
    store: &dyn Store,
    window_secs: u32,
    now_us: u64,
) -> StoreResult<BTreeMap<String, u64>> {
    let window_us = u64::from(window_secs.max(1)) * 1_000_000;
    let from = now_us.saturating_sub((MISSED_WINDOWS + 2) * window_us) / window_us * window_us;
    let sources = store
        .rollup_sources(
            window_secs,
            i64::try_from(from).unwrap_or(i64::MAX),
            i64::try_from(now_us + window_us).unwrap_or(i64::MAX),
        )
        .await?;
    let seen = sources
        .into_iter()
        .map(|(source, start)| (source, u64::try_from(start).unwrap_or(0) + window_us))
        .collect();
    Ok(seen)
}

/// Whether an instance whose newest window ended at `last_end_us` still runs.
pub fn is_up(last_end_us: u64, window_secs: u32, now_us: u64) -> bool {
    let window_us = u64::from(window_secs.max(1)) * 1_000_000;
    now_us.saturating_sub(last_end_us) <= (MISSED_WINDOWS + 1) * window_us
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_is_down_after_two_missed_windows_and_a_grace() {
        let now = 100_000_000;
        assert!(is_up(now - 5_000_000, 5, now));
        assert!(is_up(now - 15_000_000, 5, now));
        assert!(!is_up(now - 15_000_001, 5, now));
    }
}
