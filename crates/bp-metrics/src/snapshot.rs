//! `WindowSnapshot`: everything recorded in one closed window (or one rollup bucket), and
//! its storage form.
//!
//! A snapshot is self-contained and mergeable: counters add, histograms merge exactly,
//! distinct users unite, gauges keep their mean and maximum. Rollups are snapshots of a
//! coarser bucket (see [`downsample`]), so every query works on either.

mod downsample;

pub use downsample::{Resolution, downsample};

use crate::Error;
use crate::histogram::{LatencyHistogram, Precision};
use crate::infra::Timings;
use crate::labels::{CacheOutcome, SeriesKey, StatusClass};
use crate::users::DistinctUsers;
use bp_api::metrics::{CacheCounts, GaugeStats, Gauges, LabelCounts, SharedCacheCounts};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Version of the stored form written by [`WindowSnapshot::to_bytes`].
pub const FORMAT_VERSION: u32 = 1;

/// Responses per status class, `[1xx, 2xx, 3xx, 4xx, 5xx]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts(pub [u64; 5]);

impl StatusCounts {
    pub fn get(&self, class: StatusClass) -> u64 {
        self.0[class.index()]
    }

    pub fn add(&mut self, class: StatusClass, n: u64) {
        self.0[class.index()] += n;
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    pub fn merge(&mut self, other: &StatusCounts) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }
}

/// Counters and latency of one set of requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesStats {
    pub status: StatusCounts,
    pub cache: CacheCounts,
    pub latency: LatencyHistogram,
    /// Absent in windows stored before labelled accuracy was recorded.
    #[serde(default)]
    pub labelled: LabelCounts,
}

impl SeriesStats {
    pub fn new(precision: Precision) -> SeriesStats {
        SeriesStats {
            status: StatusCounts::default(),
            cache: CacheCounts::default(),
            latency: LatencyHistogram::new(precision),
            labelled: LabelCounts::default(),
        }
    }

    /// Every response, whatever its status.
    pub fn requests(&self) -> u64 {
        self.status.total()
    }

    pub fn errors_4xx(&self) -> u64 {
        self.status.get(StatusClass::ClientError)
    }

    pub fn errors_5xx(&self) -> u64 {
        self.status.get(StatusClass::ServerError)
    }

    pub(crate) fn record(
        &mut self,
        class: StatusClass,
        cache: CacheOutcome,
        latency_us: u64,
        labels: &LabelCounts,
    ) {
        self.status.add(class, 1);
        cache.add_to(&mut self.cache);
        self.latency.record_us(latency_us);
        self.labelled.merge(labels);
    }

    pub fn merge(&mut self, other: &SeriesStats) {
        self.status.merge(&other.status);
        self.cache.merge(&other.cache);
        self.latency.merge(&other.latency);
        self.labelled.merge(&other.labelled);
    }
}

/// One labelled series of a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub key: SeriesKey,
    pub stats: SeriesStats,
}

/// One closed window (or rollup bucket).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowSnapshot {
    /// Position in the stream: +1 per window, empty windows included. A rollup carries the
    /// `seq` of its last window.
    pub seq: u64,
    /// Inclusive start, a multiple of the window (or bucket) length since the Unix epoch.
    pub start_unix_us: u64,
    /// Exclusive end: a sample completing exactly here belongs to the next window.
    pub end_unix_us: u64,
    /// Time actually observed: the window length, or the sum of the windows merged into a
    /// rollup (less than its span when windows are missing, e.g. across a restart).
    /// Throughput divides by this.
    pub covered_us: u64,
    /// Per label combination, sorted by key, at most the recorder's `max_series`.
    pub series: Vec<Series>,
    /// Samples whose label combination did not fit under the cap. Their labels are lost,
    /// so only queries without label filters see them.
    pub overflow: Option<SeriesStats>,
    /// Every request of the window, at 3 significant digits.
    pub total: SeriesStats,
    pub timings: Timings,
    /// Calls to the shared (Redis) cache, when one is used.
    pub shared_cache: SharedCacheCounts,
    pub users: DistinctUsers,
    /// Attached by the caller at close time; `None` if it took no reading.
    pub gauges: Option<GaugeStats>,
    /// Samples that went to `overflow` because of the label cap.
    pub overflowed_samples: u64,
    /// Samples that completed in an already closed window and were counted here instead.
    pub late_samples: u64,
}

/// The stored form: a version next to the data so a future format can still read this one.
#[derive(Serialize)]
struct StoredRef<'a> {
    format: u32,
    snapshot: &'a WindowSnapshot,
}

#[derive(Deserialize)]
struct Stored {
    format: u32,
    snapshot: serde_json::Value,
}

impl WindowSnapshot {
    /// An empty window or bucket.
    pub fn empty(seq: u64, start_unix_us: u64, end_unix_us: u64) -> WindowSnapshot {
        WindowSnapshot {
            seq,
            start_unix_us,
            end_unix_us,
            covered_us: end_unix_us.saturating_sub(start_unix_us),
            series: Vec::new(),
            overflow: None,
            total: SeriesStats::new(Precision::Total),
            timings: Timings::default(),
            shared_cache: SharedCacheCounts::default(),
            users: DistinctUsers::default(),
            gauges: None,
            overflowed_samples: 0,
            late_samples: 0,
        }
    }

    /// The span from start to end.
    pub fn length(&self) -> Duration {
        Duration::from_micros(self.end_unix_us.saturating_sub(self.start_unix_us))
    }

    /// Adds one gauge reading to this window (merged with any reading already attached).
    pub fn attach_gauges(&mut self, reading: &Gauges) {
        let reading = GaugeStats::of(reading);
        match &mut self.gauges {
            Some(stats) => stats.merge(&reading),
            None => self.gauges = Some(reading),
        }
    }

    /// The stored form: versioned JSON, histograms as base64 HdrHistogram V2. Fails only
    /// if a histogram cannot be encoded, which valid histograms always can.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let stored = StoredRef {
            format: FORMAT_VERSION,
            snapshot: self,
        };
        serde_json::to_vec(&stored).map_err(Error::Encode)
    }

    /// Reads what [`Self::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<WindowSnapshot, Error> {
        let stored: Stored = serde_json::from_slice(bytes).map_err(Error::Decode)?;
        if stored.format != FORMAT_VERSION {
            return Err(Error::UnsupportedVersion {
                found: stored.format,
                supported: FORMAT_VERSION,
            });
        }
        serde_json::from_value(stored.snapshot).map_err(Error::Decode)
    }

    /// Folds `other` (a window inside this snapshot's span, or another part of the same
    /// window, e.g. what a process stopped during this window had stored) into this one:
    /// counters and `covered_us` add, histograms merge exactly, users unite.
    pub fn absorb(&mut self, other: &WindowSnapshot, max_series: usize) {
        self.seq = self.seq.max(other.seq);
        self.covered_us += other.covered_us;
        let mut by_key: FxHashMap<SeriesKey, SeriesStats> = std::mem::take(&mut self.series)
            .into_iter()
            .map(|s| (s.key, s.stats))
            .collect();
        for s in &other.series {
            by_key
                .entry(s.key.clone())
                .and_modify(|mine| mine.merge(&s.stats))
                .or_insert_with(|| s.stats.clone());
        }
        if let Some(theirs) = &other.overflow {
            merge_overflow(&mut self.overflow, theirs);
        }
        let (series, overflow, folded) = cap_series(by_key, max_series);
        self.series = series;
        if let Some(extra) = overflow {
            merge_overflow(&mut self.overflow, &extra);
        }
        self.overflowed_samples += other.overflowed_samples + folded;
        self.total.merge(&other.total);
        self.timings.merge(&other.timings);
        self.shared_cache.merge(&other.shared_cache);
        self.users.merge(&other.users);
        if let Some(theirs) = &other.gauges {
            match &mut self.gauges {
                Some(mine) => mine.merge(theirs),
                None => self.gauges = Some(*theirs),
            }
        }
        self.late_samples += other.late_samples;
    }
}

impl WindowSnapshot {
    /// Folds in another instance's part of the same window: like [`Self::absorb`], but the
    /// instances ran side by side, so the window's observed time is the longest part's
    /// (wall-clock time, not instance time: two instances serving the same 5 s cover 5 s,
    /// and throughput is their requests over 5 s), and gauges add up
    /// ([`GaugeStats::add_instance`]).
    pub fn absorb_instance(&mut self, other: &WindowSnapshot, max_series: usize) {
        let covered_us = self.covered_us.max(other.covered_us);
        let gauges = match (self.gauges, other.gauges) {
            (Some(mut mine), Some(theirs)) => {
                mine.add_instance(&theirs);
                Some(mine)
            }
            (mine, theirs) => mine.or(theirs),
        };
        self.absorb(other, max_series);
        self.covered_us = covered_us;
        self.gauges = gauges;
    }
}

pub(crate) fn merge_overflow(target: &mut Option<SeriesStats>, extra: &SeriesStats) {
    target
        .get_or_insert_with(|| SeriesStats::new(Precision::Series))
        .merge(extra);
}

/// Keeps at most `max_series` series, the busiest (ties broken by key, so the result is
/// deterministic), sorted by key; the rest are merged into one overflow series. Returns
/// the kept series, the overflow, and how many requests it took in.
pub(crate) fn cap_series(
    by_key: FxHashMap<SeriesKey, SeriesStats>,
    max_series: usize,
) -> (Vec<Series>, Option<SeriesStats>, u64) {
    let mut series: Vec<Series> = by_key
        .into_iter()
        .map(|(key, stats)| Series { key, stats })
        .collect();
    let mut overflow = None;
    let mut folded = 0;
    if series.len() > max_series {
        series.sort_by(|a, b| {
            b.stats
                .requests()
                .cmp(&a.stats.requests())
                .then_with(|| a.key.cmp(&b.key))
        });
        for dropped in series.split_off(max_series) {
            folded += dropped.stats.requests();
            merge_overflow(&mut overflow, &dropped.stats);
        }
    }
    series.sort_by(|a, b| a.key.cmp(&b.key));
    (series, overflow, folded)
}
