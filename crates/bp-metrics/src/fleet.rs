//! The fleet: several instances share one database, each storing its own windows and
//! rollups under its metrics source; every query reads them as one fleet.
//!
//! Instances' windows are aligned to the clock, so the fleet's window is the merge of the
//! instances' windows with the same span ([`WindowSnapshot::absorb_instance`]): counters
//! add, histograms merge exactly, users unite, the observed time is wall-clock time and the
//! gauges are the fleet's sums. Rollups are per instance too, so this holds at every
//! resolution.

use crate::snapshot::WindowSnapshot;
use std::collections::BTreeMap;

/// One instance's windows, as stored under its source name.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceWindows {
    pub source: String,
    pub windows: Vec<WindowSnapshot>,
}

/// Merges the windows of several instances (in any order) into one per span, in time
/// order; each keeps at most `max_series` series, the rest going to its overflow series.
pub fn merge_instances(
    windows: impl IntoIterator<Item = WindowSnapshot>,
    max_series: usize,
) -> Vec<WindowSnapshot> {
    let mut fleet: BTreeMap<(u64, u64), WindowSnapshot> = BTreeMap::new();
    for window in windows {
        match fleet.entry((window.start_unix_us, window.end_unix_us)) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(window);
            }
            std::collections::btree_map::Entry::Occupied(mut slot) => {
                slot.get_mut().absorb_instance(&window, max_series);
            }
        }
    }
    fleet.into_values().collect()
}

/// How much of the time the fleet's instances were expected to serve they did. Each
/// instance is expected from where its first window in the range began to be observed to
/// where its last one ended (a process that starts or stops mid-window owes only the part
/// it ran), and observed for the time its windows cover: a crash and restart, a pause, or
/// an instance cut off from the database in between shows as a gap. An instance removed
/// for good owes nothing after its last window (a scale-down looks the same).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Uptime {
    /// Per window (or bucket) start: (observed, expected) microseconds, all instances.
    pub by_window: BTreeMap<u64, (u64, u64)>,
    pub observed_us: u64,
    pub expected_us: u64,
}

impl Uptime {
    /// observed / expected over the range; `None` when nothing was expected.
    pub fn ratio(&self) -> Option<f64> {
        (self.expected_us > 0).then(|| self.observed_us as f64 / self.expected_us as f64)
    }

    /// observed / expected in the window starting at `start_us`.
    pub fn of_window(&self, start_us: u64) -> Option<f64> {
        self.by_window
            .get(&start_us)
            .filter(|(_, expected)| *expected > 0)
            .map(|(observed, expected)| *observed as f64 / *expected as f64)
    }
}

/// The [`Uptime`] of `instances`' windows (each instance's in time order or not).
pub fn uptime(instances: &[InstanceWindows]) -> Uptime {
    let mut up = Uptime::default();
    for instance in instances {
        let mut windows: Vec<&WindowSnapshot> = instance.windows.iter().collect();
        windows.sort_by_key(|w| w.start_unix_us);
        let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
            continue;
        };
        let length = first.end_unix_us.saturating_sub(first.start_unix_us).max(1);
        let mut slot = first.start_unix_us;
        while slot <= last.start_unix_us {
            let expected = if slot == first.start_unix_us || slot == last.start_unix_us {
                // Its first and last windows owe only what was observed of them.
                0
            } else {
                length
            };
            up.by_window.entry(slot).or_default().1 += expected;
            slot += length;
        }
        for w in &windows {
            let observed = w.covered_us.min(length);
            let cell = up.by_window.entry(w.start_unix_us).or_default();
            cell.0 += observed;
            if w.start_unix_us == first.start_unix_us || w.start_unix_us == last.start_unix_us {
                cell.1 += observed;
            }
        }
    }
    up.observed_us = up.by_window.values().map(|c| c.0).sum();
    up.expected_us = up.by_window.values().map(|c| c.1).sum();
    up
}
