//! `LatencyHistogram`: an HdrHistogram of latencies in microseconds that merges exactly,
//! stays bounded in memory, and serialises to the compact HdrHistogram V2 format.
//!
//! Two precisions: 2 significant digits for per-series windows (≈ 20 KiB when in use, and
//! there may be thousands), 3 for the per-window total (≈ 136 KiB, one per window). Merging
//! two histograms of the same precision adds bucket counts, so it is exact; percentiles are
//! always read from a merged histogram, never averaged. An empty histogram allocates
//! nothing, which keeps runs of idle windows cheap.

use crate::Error;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bp_api::metrics::LatencyMs;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Smallest latency told apart from zero: 1 µs.
pub const MIN_LATENCY_US: u64 = 1;
/// Largest tracked latency: 60 s. Longer ones are recorded as 60 s (no request we serve
/// should run that long; clamping keeps the histogram's size fixed).
pub const MAX_LATENCY_US: u64 = 60_000_000;

/// Upper bounds of the fixed latency buckets (Prometheus `le`, heat map rows), in
/// microseconds. They include the SLA thresholds 100, 200 and 500 ms exactly.
pub const LATENCY_BUCKETS_US: [u64; 14] = [
    1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000,
    2_500_000, 5_000_000, 10_000_000,
];

/// How many significant decimal digits a histogram keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// 2 digits: per-series histograms.
    Series,
    /// 3 digits: the per-window total.
    Total,
}

impl Precision {
    pub const fn significant_digits(self) -> u8 {
        match self {
            Precision::Series => 2,
            Precision::Total => 3,
        }
    }

    /// The largest relative error of a value read back from the histogram: a bucket is at
    /// most this fraction of its values wide (HdrHistogram rounds the sub-bucket count up to
    /// a power of two: 256 for 2 digits, 2048 for 3, half of which cover each octave).
    pub const fn relative_error(self) -> f64 {
        match self {
            Precision::Series => 1.0 / 128.0,
            Precision::Total => 1.0 / 1024.0,
        }
    }
}

/// A latency histogram (microseconds, 1 µs ..= 60 s).
#[derive(Clone, PartialEq)]
pub struct LatencyHistogram {
    precision: Precision,
    /// `None` until the first value: idle windows and series cost no buckets.
    hist: Option<Box<Histogram<u64>>>,
}

impl LatencyHistogram {
    pub fn new(precision: Precision) -> LatencyHistogram {
        LatencyHistogram {
            precision,
            hist: None,
        }
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    pub fn record(&mut self, latency: Duration) {
        let latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.record_us(latency_us);
    }

    /// Records one latency; values above 60 s count as 60 s.
    pub fn record_us(&mut self, latency_us: u64) {
        self.hist_mut()
            .saturating_record(latency_us.min(MAX_LATENCY_US));
    }

    /// Adds every value of `other`. Exact when both have the same precision (always the
    /// case inside this crate); otherwise each of `other`'s buckets is re-recorded at its
    /// highest equivalent value.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        let Some(source) = other.hist.as_deref() else {
            return;
        };
        if self.hist.is_none() && self.precision == other.precision {
            self.hist = Some(Box::new(source.clone()));
            return;
        }
        let target = self.hist_mut();
        if target.add(source).is_err() {
            // Unreachable with equal bounds: `add` fails only for values beyond our range.
            for bucket in source.iter_recorded() {
                target.saturating_record_n(
                    bucket.value_iterated_to().min(MAX_LATENCY_US),
                    bucket.count_at_value(),
                );
            }
        }
    }

    pub fn count(&self) -> u64 {
        self.hist.as_ref().map_or(0, |h| h.len())
    }

    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// The value at quantile `q` (0..=1), as HdrHistogram reports it: the highest value
    /// equivalent to the sample at that rank. `None` when empty.
    pub fn quantile_us(&self, q: f64) -> Option<u64> {
        self.nonempty()
            .map(|h| h.value_at_quantile(q.clamp(0.0, 1.0)))
    }

    /// p50, p95, p99 and max in milliseconds, as the metrics contract reports latency.
    pub fn latency_ms(&self) -> LatencyMs {
        let ms = |us: Option<u64>| us.map(|v| v as f64 / 1000.0);
        LatencyMs {
            p50: ms(self.quantile_us(0.50)),
            p95: ms(self.quantile_us(0.95)),
            p99: ms(self.quantile_us(0.99)),
            max: ms(self.max_us()),
        }
    }

    pub fn max_us(&self) -> Option<u64> {
        self.nonempty().map(|h| h.max())
    }

    pub fn min_us(&self) -> Option<u64> {
        self.nonempty().map(|h| h.min())
    }

    pub fn mean_us(&self) -> Option<f64> {
        self.nonempty().map(|h| h.mean())
    }

    /// The sum of all values, each taken at the middle of its bucket (for Prometheus
    /// `_sum`; within the relative error of the true sum).
    pub fn sum_us(&self) -> f64 {
        self.nonempty().map_or(0.0, |h| {
            h.iter_recorded()
                .map(|b| {
                    h.median_equivalent(b.value_iterated_to()) as f64 * b.count_at_value() as f64
                })
                .sum()
        })
    }

    /// Counts per bucket of `upper_bounds_us` (ascending): entry `i` counts values in
    /// `(bound[i-1], bound[i]]`, and one extra last entry counts values above the last
    /// bound. A histogram bucket goes to the first bound its *whole* range lies under, so
    /// near a bound a value may be counted one bucket higher, never lower: the SLA buckets
    /// err on the side of reporting latency as worse.
    pub fn bucket_counts(&self, upper_bounds_us: &[u64]) -> Vec<u64> {
        let mut counts = vec![0; upper_bounds_us.len() + 1];
        if let Some(h) = self.nonempty() {
            for bucket in h.iter_recorded() {
                let top_us = h.highest_equivalent(bucket.value_iterated_to());
                let i = upper_bounds_us.partition_point(|&bound| bound < top_us);
                counts[i] += bucket.count_at_value();
            }
        }
        counts
    }

    fn nonempty(&self) -> Option<&Histogram<u64>> {
        self.hist.as_deref().filter(|h| !h.is_empty())
    }

    fn hist_mut(&mut self) -> &mut Histogram<u64> {
        let digits = self.precision.significant_digits();
        self.hist.get_or_insert_with(|| {
            Box::new(
                Histogram::new_with_bounds(MIN_LATENCY_US, MAX_LATENCY_US, digits)
                    // Constant, valid arguments: only a broken hdrhistogram could fail here.
                    .unwrap_or_else(|e| panic!("hdrhistogram rejected constant bounds: {e}")),
            )
        })
    }
}

/// A summary instead of thousands of bucket counts, so failed assertions stay readable.
impl std::fmt::Debug for LatencyHistogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LatencyHistogram")
            .field("precision", &self.precision)
            .field("count", &self.count())
            .field("min_us", &self.min_us())
            .field("p50_us", &self.quantile_us(0.5))
            .field("p99_us", &self.quantile_us(0.99))
            .field("max_us", &self.max_us())
            .finish()
    }
}

/// Stored form: precision plus the V2 bytes in base64 (absent when empty).
#[derive(Serialize, Deserialize)]
struct Stored {
    precision: Precision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v2: Option<String>,
}

impl Serialize for LatencyHistogram {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v2 = match self.nonempty() {
            None => None,
            Some(h) => {
                let mut bytes = Vec::new();
                V2Serializer::new()
                    .serialize(h, &mut bytes)
                    .map_err(|e| serde::ser::Error::custom(format!("hdrhistogram V2: {e:?}")))?;
                Some(BASE64.encode(bytes))
            }
        };
        Stored {
            precision: self.precision,
            v2,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LatencyHistogram {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        decode(stored).map_err(serde::de::Error::custom)
    }
}

fn decode(stored: Stored) -> Result<LatencyHistogram, Error> {
    let Some(text) = stored.v2 else {
        return Ok(LatencyHistogram::new(stored.precision));
    };
    let bad = |reason: String| Error::Histogram { reason };
    let bytes = BASE64.decode(text).map_err(|e| bad(e.to_string()))?;
    let hist: Histogram<u64> = Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| bad(format!("{e:?}")))?;
    // Only histograms laid out exactly like ours merge exactly.
    let digits = stored.precision.significant_digits();
    if hist.sigfig() != digits || hist.low() != MIN_LATENCY_US || hist.high() != MAX_LATENCY_US {
        return Err(bad(format!(
            "layout {}..={} with {} digits, expected {MIN_LATENCY_US}..={MAX_LATENCY_US} with {digits}",
            hist.low(),
            hist.high(),
            hist.sigfig()
        )));
    }
    Ok(LatencyHistogram {
        precision: stored.precision,
        hist: Some(Box::new(hist)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_histograms_report_nothing_and_allocate_nothing() {
        let h = LatencyHistogram::new(Precision::Series);
        assert_eq!(h.quantile_us(0.5), None);
        assert_eq!(h.count(), 0);
        assert!(h.hist.is_none());
    }

    #[test]
    fn merge_is_exact_for_equal_precision() {
        let mut a = LatencyHistogram::new(Precision::Series);
        let mut b = LatencyHistogram::new(Precision::Series);
        let mut all = LatencyHistogram::new(Precision::Series);
        for v in [5, 900, 12_000, 250_000, 61_000_000] {
            a.record_us(v);
            all.record_us(v);
        }
        for v in [7, 1_000, 80_000] {
            b.record_us(v);
            all.record_us(v);
        }
        a.merge(&b);
        assert_eq!(a, all);
        assert_eq!(a.max_us(), all.max_us());
        assert!(a.max_us().unwrap() <= MAX_LATENCY_US + MAX_LATENCY_US / 128);
    }

    #[test]
    fn bucket_counts_never_report_a_value_faster_than_it_was() {
        let mut h = LatencyHistogram::new(Precision::Total);
        h.record_us(100); // exact: below 2048 µs every value has its own bucket
        h.record_us(99_000); // bucket 98 944..=99 007, wholly under 100 ms
        h.record_us(100_000); // bucket 99 968..=100 031 straddles 100 ms: counted above
        h.record_us(2_000_000);
        let counts = h.bucket_counts(&[100, 100_000, 1_000_000]);
        assert_eq!(counts, vec![1, 1, 1, 1]);
    }

    #[test]
    fn stored_form_round_trips_and_rejects_foreign_layouts() {
        let mut h = LatencyHistogram::new(Precision::Total);
        h.record_us(1234);
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<LatencyHistogram>(&json).unwrap(), h);
        let empty = serde_json::to_string(&LatencyHistogram::new(Precision::Series)).unwrap();
        assert_eq!(empty, r#"{"precision":"series"}"#);
        // A 3-digit histogram labelled as 2-digit would merge inexactly: refused.
        let relabelled = json.replace("\"total\"", "\"series\"");
        assert!(serde_json::from_str::<LatencyHistogram>(&relabelled).is_err());
    }
}
