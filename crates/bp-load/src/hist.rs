//! Latency histograms: a thin wrapper over HDR histograms in microseconds.
//!
//! Kept behind this small surface so the shared `bp-metrics` histograms can replace it
//! without touching the executor or the reports. Percentiles are always read from (merged)
//! histograms, never averaged; serialisation is the HdrHistogram V2 format in base64, the
//! form other HDR tools read too.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};

/// The largest value kept exactly: one hour in µs. Larger values are clamped, which only
/// happens to requests that outlive any timeout we allow.
const HIGHEST_US: u64 = 3_600_000_000;

/// How many significant digits a histogram keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 3 digits (0.1 % error): run totals.
    Total,
    /// 2 digits (1 % error): per-tag and per-window histograms, ~8× smaller.
    Window,
}

/// A latency histogram in microseconds.
#[derive(Debug, Clone)]
pub struct Histogram(hdrhistogram::Histogram<u64>);

/// A histogram could not be decoded or merged.
#[derive(Debug, thiserror::Error)]
#[error("histogram: {0}")]
pub struct HistogramError(String);

impl Histogram {
    pub fn new(precision: Precision) -> Histogram {
        let digits = match precision {
            Precision::Total => 3,
            Precision::Window => 2,
        };
        // Bounds and digits are constants within hdrhistogram's documented range.
        let inner = hdrhistogram::Histogram::new_with_bounds(1, HIGHEST_US, digits)
            .expect("constant histogram bounds are valid");
        Histogram(inner)
    }

    pub fn record_us(&mut self, us: u64) {
        self.0.saturating_record(us.clamp(1, HIGHEST_US));
    }

    pub fn len(&self) -> u64 {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds every count of `other`. Histograms of different precision merge too (values are
    /// re-bucketed into this one's precision).
    pub fn merge(&mut self, other: &Histogram) -> Result<(), HistogramError> {
        self.0
            .add(&other.0)
            .map_err(|e| HistogramError(format!("{e:?}")))
    }

    pub fn reset(&mut self) {
        self.0.reset();
    }

    /// The value at quantile `q` (0..=1) in milliseconds; 0 when empty.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0.value_at_quantile(q) as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.0.max() as f64 / 1000.0
    }

    pub fn min_ms(&self) -> f64 {
        self.0.min() as f64 / 1000.0
    }

    pub fn mean_ms(&self) -> f64 {
        self.0.mean() / 1000.0
    }

    /// V2 serialisation (uncompressed) in standard base64.
    pub fn to_base64(&self) -> String {
        let mut bytes = Vec::new();
        match V2Serializer::new().serialize(&self.0, &mut bytes) {
            Ok(_) => STANDARD.encode(bytes),
            // Serialising into a Vec cannot fail for histograms within our bounds.
            Err(_) => String::new(),
        }
    }

    pub fn from_base64(text: &str) -> Result<Histogram, HistogramError> {
        let bytes = STANDARD
            .decode(text)
            .map_err(|e| HistogramError(e.to_string()))?;
        let inner: hdrhistogram::Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|e| HistogramError(format!("{e:?}")))?;
        Ok(Histogram(inner))
    }

    /// Whether both hold exactly the same counts.
    pub fn same_counts(&self, other: &Histogram) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter_recorded()
                .zip(other.0.iter_recorded())
                .all(|(a, b)| {
                    a.value_iterated_to() == b.value_iterated_to()
                        && a.count_at_value() == b.count_at_value()
                })
            && self.0.iter_recorded().count() == other.0.iter_recorded().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_base64_and_merges_exactly() {
        let mut a = Histogram::new(Precision::Total);
        let mut b = Histogram::new(Precision::Total);
        let mut all = Histogram::new(Precision::Total);
        for v in 1..5000_u64 {
            let h = if v % 3 == 0 { &mut a } else { &mut b };
            h.record_us(v * 37);
            all.record_us(v * 37);
        }
        let a2 = Histogram::from_base64(&a.to_base64()).unwrap();
        assert!(a2.same_counts(&a));
        let mut merged = a2;
        merged
            .merge(&Histogram::from_base64(&b.to_base64()).unwrap())
            .unwrap();
        assert!(merged.same_counts(&all));
        assert_eq!(merged.quantile_ms(0.99), all.quantile_ms(0.99));
        assert!(Histogram::from_base64("not base64!").is_err());
    }

    #[test]
    fn clamps_out_of_range_values() {
        let mut h = Histogram::new(Precision::Window);
        h.record_us(0);
        h.record_us(u64::MAX);
        assert_eq!(h.len(), 2);
        assert!(h.max_ms() >= 3_500_000.0);
    }
}
