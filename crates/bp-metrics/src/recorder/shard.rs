//! One shard of the recorder: the open windows' accumulators touched by the threads that
//! map to it. Each shard sits behind its own mutex on its own cache line; a thread always
//! tries the same shard first, so the lock is uncontended in the steady state.

use crate::histogram::Precision;
use crate::infra::{DbOperation, SharedCacheOutcome, TimingKind, Timings};
use crate::labels::{RegionId, Sample, StatusClass};
use crate::snapshot::SeriesStats;
use crate::users::DistinctUsers;
use bp_api::metrics::SharedCacheCounts;
use bp_api::{Segment, Technique};
use rustc_hash::FxHashMap;
use std::time::Duration;

/// Labels as the hot path sees them: all `Copy`, hashed with FxHash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ShardKey {
    pub endpoint: crate::labels::Endpoint,
    pub technique: Option<Technique>,
    pub segment: Segment,
    pub region: RegionId,
}

/// What one shard gathered for one window.
#[derive(Debug)]
pub(crate) struct WindowAcc {
    pub series: FxHashMap<ShardKey, SeriesStats>,
    pub overflow: Option<SeriesStats>,
    pub overflowed_samples: u64,
    pub late_samples: u64,
    pub total: SeriesStats,
    pub timings: Timings,
    pub shared_cache: SharedCacheCounts,
    pub users: DistinctUsers,
}

impl WindowAcc {
    fn new() -> WindowAcc {
        WindowAcc {
            series: FxHashMap::default(),
            overflow: None,
            overflowed_samples: 0,
            late_samples: 0,
            total: SeriesStats::new(Precision::Total),
            timings: Timings::default(),
            shared_cache: SharedCacheCounts::default(),
            users: DistinctUsers::default(),
        }
    }
}

/// The open windows of one shard, by window index. Usually one, two around a boundary.
#[derive(Debug, Default)]
pub(crate) struct Shard {
    windows: Vec<(u64, WindowAcc)>,
}

/// Where a sample goes: its window, and whether it arrived after its own window closed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub window: u64,
    pub late: Lateness,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lateness {
    OnTime,
    Late,
}

impl Shard {
    fn window(&mut self, index: u64) -> &mut WindowAcc {
        // Index-based search keeps the borrow checker happy without a second lookup.
        let position = match self.windows.iter().position(|(i, _)| *i == index) {
            Some(p) => p,
            None => {
                self.windows.push((index, WindowAcc::new()));
                self.windows.len() - 1
            }
        };
        &mut self.windows[position].1
    }

    pub fn record(&mut self, slot: Slot, sample: &Sample, max_series: usize) {
        let acc = self.window(slot.window);
        if slot.late == Lateness::Late {
            acc.late_samples += 1;
        }
        let class = StatusClass::of(sample.status);
        let latency_us = micros(sample.latency);
        let key = ShardKey {
            endpoint: sample.endpoint,
            technique: sample.technique,
            segment: sample.segment,
            region: sample.region,
        };
        let series_count = acc.series.len();
        match acc.series.get_mut(&key) {
            Some(stats) => stats.record(class, sample.cache, latency_us, &sample.labels),
            None if series_count < max_series => {
                let mut stats = SeriesStats::new(Precision::Series);
                stats.record(class, sample.cache, latency_us, &sample.labels);
                acc.series.insert(key, stats);
            }
            None => {
                acc.overflowed_samples += 1;
                acc.overflow
                    .get_or_insert_with(|| SeriesStats::new(Precision::Series))
                    .record(class, sample.cache, latency_us, &sample.labels);
            }
        }
        acc.total
            .record(class, sample.cache, latency_us, &sample.labels);
        if let Some(caller) = sample.caller {
            acc.users.insert(caller.0);
        }
    }

    pub fn record_timing(&mut self, slot: Slot, kind: TimingKind, took: Duration) {
        let acc = self.window(slot.window);
        if slot.late == Lateness::Late {
            acc.late_samples += 1;
        }
        acc.timings.get_mut(kind).record_us(micros(took));
    }

    pub fn record_db_call(
        &mut self,
        slot: Slot,
        op: DbOperation,
        acquire: Duration,
        query: Duration,
    ) {
        let acc = self.window(slot.window);
        if slot.late == Lateness::Late {
            acc.late_samples += 1;
        }
        acc.timings
            .record_db_call(op, micros(acquire), micros(query));
    }

    pub fn record_shared_cache(&mut self, slot: Slot, outcome: SharedCacheOutcome) {
        let acc = self.window(slot.window);
        if slot.late == Lateness::Late {
            acc.late_samples += 1;
        }
        outcome.add_to(&mut acc.shared_cache);
    }

    /// Moves out every window with index below `end_index`.
    pub fn drain_before(&mut self, end_index: u64, into: &mut Vec<(u64, WindowAcc)>) {
        let mut i = 0;
        while i < self.windows.len() {
            if self.windows[i].0 < end_index {
                into.push(self.windows.swap_remove(i));
            } else {
                i += 1;
            }
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
