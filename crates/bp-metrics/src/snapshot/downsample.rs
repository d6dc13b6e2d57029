//! Rollups: windows merged into aligned 1-minute or 1-hour buckets.
//!
//! Counters add, histograms merge exactly, distinct users unite, gauges keep the mean
//! (weighted by readings) and the maximum. A bucket's `covered_us` is the sum of what it
//! merged, so a partly observed minute still reports true throughput.

use super::WindowSnapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// The length of a rollup bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Minute,
    Hour,
}

impl Resolution {
    pub const fn length(self) -> Duration {
        Duration::from_secs(match self {
            Resolution::Minute => 60,
            Resolution::Hour => 3600,
        })
    }

    const fn length_us(self) -> u64 {
        self.length().as_secs() * 1_000_000
    }
}

/// Merges `snapshots` (windows or finer rollups, in any order) into buckets of
/// `resolution` aligned to the Unix epoch, returned in time order. A snapshot belongs to
/// the bucket containing its start; window lengths divide a minute (the recorder enforces
/// it), so no window straddles two buckets. Each bucket keeps at most `max_series` series
/// (the busiest); the rest go to its overflow series.
pub fn downsample(
    snapshots: &[WindowSnapshot],
    resolution: Resolution,
    max_series: usize,
) -> Vec<WindowSnapshot> {
    let length_us = resolution.length_us();
    let mut buckets: BTreeMap<u64, WindowSnapshot> = BTreeMap::new();
    for snapshot in snapshots {
        let start = snapshot.start_unix_us / length_us * length_us;
        let bucket = buckets.entry(start).or_insert_with(|| {
            let mut empty = WindowSnapshot::empty(snapshot.seq, start, start + length_us);
            empty.covered_us = 0;
            empty
        });
        bucket.absorb(snapshot, max_series);
    }
    buckets.into_values().collect()
}
