//! Sample builders shared by the integration tests.

use bp_api::{Segment, Technique};
use bp_metrics::{CacheOutcome, Endpoint, RegionId, Sample};
use std::time::Duration;

pub const SECOND_US: u64 = 1_000_000;

/// A successful, uncached enhance request by an anonymous caller.
pub fn sample(completed_at_us: u64, latency_us: u64) -> Sample {
    Sample {
        endpoint: Endpoint::Enhance,
        status: 200,
        technique: Some(Technique::ChainOfThought),
        segment: Segment::Anonymous,
        region: RegionId::OTHER,
        cache: CacheOutcome::Bypass,
        latency: Duration::from_micros(latency_us),
        completed_at_us,
        caller: None,
        labels: Default::default(),
    }
}

/// The value at quantile `q` of sorted raw values, ranked as HdrHistogram ranks them.
pub fn raw_quantile(sorted: &[u64], q: f64) -> u64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
    sorted[rank - 1]
}
