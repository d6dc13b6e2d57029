//! Where samples go: a few mutex-guarded shards, each holding the run's histograms and
//! counters, so virtual users on different threads rarely touch the same lock. Memory is
//! fixed at start (histograms, never sample lists), whatever the run length.

use crate::mix::Endpoint;
use bp_metrics::{LatencyHistogram, Precision};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx.
    Ok,
    /// Any other status.
    Status(u16),
    Timeout,
    /// Could not open a connection.
    Connect,
    /// The connection failed mid-request.
    Io,
}

impl Outcome {
    pub fn is_error(self) -> bool {
        self != Outcome::Ok
    }

    fn kind(self) -> String {
        match self {
            Outcome::Ok => "ok".to_owned(),
            Outcome::Status(code) => format!("status_{code}"),
            Outcome::Timeout => "timeout".to_owned(),
            Outcome::Connect => "connect".to_owned(),
            Outcome::Io => "io".to_owned(),
        }
    }
}

/// One finished request.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub scenario: usize,
    pub endpoint: Endpoint,
    pub latency_us: u64,
    pub outcome: Outcome,
    /// How late the generator's timer started the iteration (its own lag).
    pub lag_us: u64,
    /// Open model: how long the arrival was already due when a user got free for it.
    pub overdue_us: u64,
    /// Responses whose primary technique was checked against the labels, and how many were
    /// acceptable.
    pub checked: u32,
    pub correct: u32,
}

/// Counters and a latency histogram.
#[derive(Debug, Clone)]
pub struct Stats {
    pub latency: LatencyHistogram,
    pub requests: u64,
    pub errors: u64,
    pub checked: u64,
    pub correct: u64,
}

impl Stats {
    pub fn new(precision: Precision) -> Stats {
        Stats {
            latency: LatencyHistogram::new(precision),
            requests: 0,
            errors: 0,
            checked: 0,
            correct: 0,
        }
    }

    fn add(&mut self, s: &Sample) {
        self.latency.record_us(s.latency_us);
        self.requests += 1;
        self.errors += u64::from(s.outcome.is_error());
        self.checked += u64::from(s.checked);
        self.correct += u64::from(s.correct);
    }

    pub fn merge(&mut self, other: &Stats) {
        self.latency.merge(&other.latency);
        self.requests += other.requests;
        self.errors += other.errors;
        self.checked += other.checked;
        self.correct += other.correct;
    }

    pub fn accuracy(&self) -> Option<f64> {
        (self.checked > 0).then(|| self.correct as f64 / self.checked as f64)
    }
}

/// Everything a shard (or the merge of all of them) holds.
#[derive(Debug, Clone)]
pub struct Totals {
    pub all: Stats,
    /// Indexed `scenario * 5 + endpoint`.
    pub cells: Vec<Stats>,
    /// The current window (reset each time it is taken).
    pub window: Stats,
    pub lag: LatencyHistogram,
    pub errors_by_kind: BTreeMap<String, u64>,
    /// Iterations that started more than `LATE_US` after they were due, for either reason.
    pub late: u64,
    /// Open model: arrivals skipped because they could not start within the allowed lateness.
    pub dropped: u64,
    pub window_dropped: u64,
}

/// An open-model iteration that starts this much after its due time counts as late.
pub const LATE_US: u64 = 10_000;

impl Totals {
    fn new(n_scenarios: usize) -> Totals {
        Totals {
            all: Stats::new(Precision::Total),
            cells: (0..n_scenarios * Endpoint::ALL.len())
                .map(|_| Stats::new(Precision::Series))
                .collect(),
            window: Stats::new(Precision::Series),
            lag: LatencyHistogram::new(Precision::Series),
            errors_by_kind: BTreeMap::new(),
            late: 0,
            dropped: 0,
            window_dropped: 0,
        }
    }

    fn merge(&mut self, other: &Totals) {
        self.all.merge(&other.all);
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.merge(b);
        }
        self.window.merge(&other.window);
        self.lag.merge(&other.lag);
        for (kind, n) in &other.errors_by_kind {
            *self.errors_by_kind.entry(kind.clone()).or_default() += n;
        }
        self.late += other.late;
        self.dropped += other.dropped;
        self.window_dropped += other.window_dropped;
    }

    pub fn cell(&self, scenario: usize, endpoint: Endpoint) -> &Stats {
        &self.cells[scenario * Endpoint::ALL.len() + endpoint.index()]
    }
}

/// The sharded recorder shared by every virtual user.
pub struct Recorder {
    shards: Box<[Mutex<Totals>]>,
    n_scenarios: usize,
}

impl Recorder {
    pub fn new(n_shards: usize, n_scenarios: usize) -> Recorder {
        Recorder {
            shards: (0..n_shards.max(1))
                .map(|_| Mutex::new(Totals::new(n_scenarios)))
                .collect(),
            n_scenarios,
        }
    }

    fn shard(&self, key: usize) -> MutexGuard<'_, Totals> {
        let shard = &self.shards[key % self.shards.len()];
        // A panic while holding the lock leaves only counters behind: keep using them.
        shard
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn record(&self, key: usize, sample: &Sample) {
        let mut t = self.shard(key);
        t.all.add(sample);
        t.window.add(sample);
        t.cells[sample.scenario * Endpoint::ALL.len() + sample.endpoint.index()].add(sample);
        t.lag.record_us(sample.lag_us);
        if sample.lag_us.max(sample.overdue_us) > LATE_US {
            t.late += 1;
        }
        if sample.outcome.is_error() {
            *t.errors_by_kind.entry(sample.outcome.kind()).or_default() += 1;
        }
    }

    pub fn record_dropped(&self, key: usize, n: u64) {
        let mut t = self.shard(key);
        t.dropped += n;
        t.window_dropped += n;
    }

    /// The window since the last call (merged over shards), and `(dropped)` in it; resets it.
    pub fn take_window(&self) -> (Stats, u64) {
        let mut window = Stats::new(Precision::Series);
        let mut dropped = 0;
        for shard in &self.shards {
            // Swapped out under the lock, merged after it: the shard's users wait for a
            // pointer swap, not for a histogram merge. The fresh histogram allocates its
            // buckets on the shard's next sample, once per window.
            let taken = {
                let mut t = shard.lock().unwrap_or_else(|p| p.into_inner());
                dropped += std::mem::take(&mut t.window_dropped);
                std::mem::replace(&mut t.window, Stats::new(Precision::Series))
            };
            window.merge(&taken);
        }
        (window, dropped)
    }

    /// Everything so far, merged over shards.
    pub fn totals(&self) -> Totals {
        let mut all = Totals::new(self.n_scenarios);
        for shard in &self.shards {
            all.merge(&shard.lock().unwrap_or_else(|p| p.into_inner()));
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_merge_into_totals_and_windows_reset() {
        let r = Recorder::new(3, 2);
        for i in 0..30_u64 {
            let sample = Sample {
                scenario: (i % 2) as usize,
                endpoint: if i % 3 == 0 {
                    Endpoint::Batch
                } else {
                    Endpoint::Enhance
                },
                latency_us: 1000 + i,
                outcome: if i == 7 {
                    Outcome::Status(503)
                } else {
                    Outcome::Ok
                },
                lag_us: if i == 4 { 50_000 } else { 0 },
                overdue_us: 0,
                checked: 1,
                correct: u32::from(i % 10 != 0),
            };
            r.record(i as usize, &sample);
        }
        r.record_dropped(1, 5);
        let (window, dropped) = r.take_window();
        assert_eq!((window.requests, window.errors, dropped), (30, 1, 5));
        assert_eq!(r.take_window().0.requests, 0);
        let t = r.totals();
        assert_eq!(t.all.requests, 30);
        assert_eq!(t.all.accuracy(), Some(27.0 / 30.0));
        assert_eq!((t.late, t.dropped), (1, 5));
        assert_eq!(t.errors_by_kind.get("status_503"), Some(&1));
        assert_eq!(t.cell(0, Endpoint::Batch).requests, 5);
        assert_eq!(t.cell(1, Endpoint::Enhance).requests, 10);
    }
}
