//! Closing windows: drain every shard's finished windows and merge them into one
//! snapshot per window, empty windows included, in order.

use super::Recorder;
use super::shard::{ShardKey, WindowAcc};
use crate::labels::SeriesKey;
use crate::snapshot::{SeriesStats, WindowSnapshot, cap_series, merge_overflow};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::PoisonError;
use std::sync::atomic::Ordering;

/// What the closer remembers between calls.
#[derive(Debug)]
pub(super) struct CloseState {
    /// Index of the first window not yet returned.
    pub next_index: u64,
    pub next_seq: u64,
}

impl Recorder {
    /// Returns every window that ended at or before `now_unix_us` and was not returned
    /// before, oldest first, with consecutive `seq` numbers; windows without samples are
    /// returned too, so a stream has no gaps. Call it on a timer just after each window
    /// boundary (see [`Recorder::next_close_at_us`]); calling it more often is harmless.
    ///
    /// A sample that completes in a window already closed is counted in the oldest open
    /// window and in its `late_samples`: lost samples would break "metrics match source",
    /// while a late one moves by one window at most when the closer runs on time.
    pub fn close_until(&self, now_unix_us: u64) -> Vec<WindowSnapshot> {
        let end_index = now_unix_us / self.window_us;
        let mut state = self.closer.lock().unwrap_or_else(PoisonError::into_inner);
        if end_index <= state.next_index {
            return Vec::new();
        }
        // First move the boundary, then drain: see `Recorder::slot`.
        self.open_from.fetch_max(end_index, Ordering::AcqRel);
        let mut drained = Vec::new();
        for shard in self.shards.iter() {
            shard
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .drain_before(end_index, &mut drained);
        }
        let mut by_window: BTreeMap<u64, Vec<WindowAcc>> = BTreeMap::new();
        for (index, acc) in drained {
            by_window.entry(index).or_default().push(acc);
        }
        let mut closed = Vec::new();
        for index in state.next_index..end_index {
            let start = index * self.window_us;
            let mut snapshot = WindowSnapshot::empty(state.next_seq, start, start + self.window_us);
            // The first window is observed from the recorder's start only.
            snapshot.covered_us = snapshot.end_unix_us - start.max(self.started_at_us);
            if let Some(accs) = by_window.remove(&index) {
                self.fill(&mut snapshot, accs);
            }
            closed.push(snapshot);
            state.next_seq += 1;
        }
        state.next_index = end_index;
        closed
    }

    /// Closes every window up to and including the one containing `now_unix_us`, for a
    /// process that stops recording: the open window is cut at `now_unix_us` (its
    /// `covered_us` is the part observed) instead of being lost. A sample recorded after
    /// this goes to a window that is never closed.
    pub fn close_all(&self, now_unix_us: u64) -> Vec<WindowSnapshot> {
        let open_end = (now_unix_us / self.window_us + 1) * self.window_us;
        let mut closed = self.close_until(open_end);
        if let Some(open) = closed.last_mut().filter(|w| w.end_unix_us == open_end) {
            let observed_from = open.start_unix_us.max(self.started_at_us);
            open.covered_us = now_unix_us.saturating_sub(observed_from);
        }
        closed
    }

    /// Merges the shards' accumulators of one window into its snapshot.
    fn fill(&self, snapshot: &mut WindowSnapshot, accs: Vec<WindowAcc>) {
        let mut by_key: FxHashMap<ShardKey, SeriesStats> = FxHashMap::default();
        for acc in accs {
            for (key, stats) in acc.series {
                match by_key.get_mut(&key) {
                    Some(mine) => mine.merge(&stats),
                    None => {
                        by_key.insert(key, stats);
                    }
                }
            }
            if let Some(overflow) = &acc.overflow {
                merge_overflow(&mut snapshot.overflow, overflow);
            }
            snapshot.overflowed_samples += acc.overflowed_samples;
            snapshot.late_samples += acc.late_samples;
            snapshot.total.merge(&acc.total);
            snapshot.timings.merge(&acc.timings);
            snapshot.shared_cache.merge(&acc.shared_cache);
            snapshot.users.merge(&acc.users);
        }
        let named = by_key
            .into_iter()
            .map(|(key, stats)| {
                let key = SeriesKey {
                    endpoint: key.endpoint,
                    technique: key.technique,
                    segment: key.segment,
                    region: self.region_name(key.region).to_owned(),
                };
                (key, stats)
            })
            .collect();
        // Each shard kept at most `max_series`; together they may hold more.
        let (series, overflow, folded) = cap_series(named, self.max_series);
        snapshot.series = series;
        if let Some(extra) = overflow {
            merge_overflow(&mut snapshot.overflow, &extra);
        }
        snapshot.overflowed_samples += folded;
    }
}
