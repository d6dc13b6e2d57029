//! `Recorder`: the hot-path entry point. Requests are recorded into per-thread shards and
//! merged into one [`WindowSnapshot`] per window when the caller closes windows.
//!
//! No lock is shared across cores on the hot path: each thread is assigned a shard on
//! first use (round robin) and locks only that shard's mutex, which no other thread
//! touches unless there are more threads than shards (then it first tries the others
//! with `try_lock` before waiting). The only cross-core word read per sample is
//! `open_from`, which changes once per window, so its cache line stays shared-clean.

mod close;
mod shard;

use crate::Error;
use crate::infra::{DbOperation, SharedCacheOutcome, TimingKind};
use crate::labels::{RegionId, RegionTable, Sample};
use crossbeam_utils::CachePadded;
use shard::{Lateness, Shard, Slot};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Duration;

/// How a recorder is set up. Build it with struct update syntax over `default()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecorderConfig {
    /// Window length: whole seconds dividing a minute (1, 2, 3, 4, 5, 6, 10, 12, 15, 20,
    /// 30, 60), so windows tile minute and hour rollups. Default 5 s.
    pub window: Duration,
    /// Number of shards, 1..=256; about the number of threads that record (the server's
    /// worker threads). Default 8.
    pub shards: usize,
    /// Label combinations kept per window, 1..=100 000. Default 2 000.
    pub max_series: usize,
    /// Distinct region names besides `"other"`, 1..=1 000. Default 16.
    pub max_regions: usize,
    /// `seq` of the first window; a restarted server passes its last stored seq + 1 so a
    /// stream never repeats a number.
    pub first_seq: u64,
}

impl Default for RecorderConfig {
    fn default() -> Self {
        RecorderConfig {
            window: Duration::from_secs(5),
            shards: 8,
            max_series: 2000,
            max_regions: 16,
            first_seq: 0,
        }
    }
}

impl RecorderConfig {
    fn validate(&self) -> Result<(), Error> {
        let secs = self.window.as_secs();
        if self.window.subsec_nanos() != 0 || !(1..=60).contains(&secs) || 60 % secs != 0 {
            return Err(Error::InvalidWindow { secs });
        }
        for (name, value, max) in [
            ("shards", self.shards, 256),
            ("max_series", self.max_series, 100_000),
            ("max_regions", self.max_regions, 1000),
        ] {
            if !(1..=max).contains(&value) {
                return Err(Error::InvalidLimit {
                    name,
                    value,
                    min: 1,
                    max,
                });
            }
        }
        Ok(())
    }
}

/// Records samples; `Send + Sync`, shared through an `Arc`.
#[derive(Debug)]
pub struct Recorder {
    window_us: u64,
    max_series: usize,
    shards: Box<[CachePadded<Mutex<Shard>>]>,
    regions: RegionTable,
    /// Index of the oldest window still open; a sample for an older one is late.
    open_from: CachePadded<AtomicU64>,
    /// When recording began: the first window is observed only from here on.
    started_at_us: u64,
    closer: Mutex<close::CloseState>,
}

impl Recorder {
    /// A recorder whose first window is the one containing `start_unix_us`.
    pub fn new(config: RecorderConfig, start_unix_us: u64) -> Result<Recorder, Error> {
        config.validate()?;
        let window_us = config.window.as_secs() * 1_000_000;
        let first_index = start_unix_us / window_us;
        Ok(Recorder {
            window_us,
            max_series: config.max_series,
            shards: (0..config.shards)
                .map(|_| CachePadded::new(Mutex::new(Shard::default())))
                .collect(),
            regions: RegionTable::new(config.max_regions),
            open_from: CachePadded::new(AtomicU64::new(first_index)),
            started_at_us: start_unix_us,
            closer: Mutex::new(close::CloseState {
                next_index: first_index,
                next_seq: config.first_seq,
            }),
        })
    }

    pub fn window_length(&self) -> Duration {
        Duration::from_micros(self.window_us)
    }

    /// When the oldest open window ends: the caller's next `close_until` is due then.
    pub fn next_close_at_us(&self) -> u64 {
        (self.open_from.load(Ordering::Acquire) + 1) * self.window_us
    }

    /// The id for a region name (e.g. the `X-Region` header); see [`RegionTable::intern`].
    pub fn region(&self, name: &str) -> RegionId {
        self.regions.intern(name)
    }

    pub fn region_name(&self, id: RegionId) -> &str {
        self.regions.name(id)
    }

    /// Records one request. Never blocks on another core in the steady state, never fails.
    /// The window is chosen by `sample.completed_at_us` alone: the caller's clock decides,
    /// so a time ahead of `now` waits in its own (future) window.
    pub fn record(&self, sample: &Sample) {
        let mut shard = self.shard();
        let slot = self.slot(sample.completed_at_us);
        shard.record(slot, sample, self.max_series);
    }

    /// Records one database or history-writer timing that completed at `completed_at_us`.
    pub fn record_timing(&self, kind: TimingKind, took: Duration, completed_at_us: u64) {
        let mut shard = self.shard();
        let slot = self.slot(completed_at_us);
        shard.record_timing(slot, kind, took);
    }

    /// Records one database call that completed at `completed_at_us`: how long it waited
    /// for a connection and how long it then took. Called from whatever thread ran the
    /// call (async workers, blocking-pool threads); each locks only its own shard.
    pub fn record_db_call(
        &self,
        op: DbOperation,
        acquire: Duration,
        query: Duration,
        completed_at_us: u64,
    ) {
        let mut shard = self.shard();
        let slot = self.slot(completed_at_us);
        shard.record_db_call(slot, op, acquire, query);
    }

    /// Records one call to the shared (Redis) cache.
    pub fn record_shared_cache(&self, outcome: SharedCacheOutcome, completed_at_us: u64) {
        let mut shard = self.shard();
        let slot = self.slot(completed_at_us);
        shard.record_shared_cache(slot, outcome);
    }

    /// Must be called with the shard locked: `close_until` advances `open_from` before it
    /// drains the shards, so under the lock a sample either lands before the drain or
    /// sees the new `open_from` and goes to a window still open.
    fn slot(&self, completed_at_us: u64) -> Slot {
        let open_from = self.open_from.load(Ordering::Acquire);
        let window = completed_at_us / self.window_us;
        if window < open_from {
            Slot {
                window: open_from,
                late: Lateness::Late,
            }
        } else {
            Slot {
                window,
                late: Lateness::OnTime,
            }
        }
    }

    fn shard(&self) -> MutexGuard<'_, Shard> {
        let n = self.shards.len();
        let home = thread_shard_hint() % n;
        for step in 0..n {
            match self.shards[(home + step) % n].try_lock() {
                Ok(guard) => return guard,
                Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        // Every shard busy: more recording threads than shards. Wait for our own.
        self.shards[home]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// A per-thread number handed out round robin, so threads spread over shards.
fn thread_shard_hint() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static HINT: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    HINT.with(|hint| *hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_lengths_must_tile_a_minute() {
        for secs in [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60] {
            let config = RecorderConfig {
                window: Duration::from_secs(secs),
                ..RecorderConfig::default()
            };
            assert!(Recorder::new(config, 0).is_ok(), "{secs} s");
        }
        for window in [
            Duration::ZERO,
            Duration::from_secs(7),
            Duration::from_secs(120),
            Duration::from_millis(1500),
        ] {
            let config = RecorderConfig {
                window,
                ..RecorderConfig::default()
            };
            assert!(matches!(
                Recorder::new(config, 0),
                Err(Error::InvalidWindow { .. })
            ));
        }
        let config = RecorderConfig {
            shards: 0,
            ..RecorderConfig::default()
        };
        assert!(Recorder::new(config, 0).is_err());
    }

    #[test]
    fn recorder_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Recorder>();
    }
}
