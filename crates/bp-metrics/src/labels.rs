//! The labels every request sample carries, and the sample itself.
//!
//! Labels are small closed enums (or an interned region id) so that a sample is `Copy`, the
//! hot path never allocates, and the number of label combinations stays bounded.

mod region;

pub use region::{RegionId, RegionTable};

use bp_api::metrics::{CacheCounts, LabelCounts};
use bp_api::{Segment, Technique};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::time::Duration;

bp_api::vocabulary!(
    /// Which part of the API served a request. Closed, so the label stays low-cardinality.
    Endpoint, "endpoint", {
        Enhance => "enhance",
        Batch => "batch",
        History => "history",
        Analyze => "analyze",
        Techniques => "techniques",
        Feedback => "feedback",
        Admin => "admin",
        Metrics => "metrics",
        Health => "health",
        /// Anything else, including 404s for unknown paths.
        Other => "other",
    }
);

bp_api::vocabulary!(
    /// The first digit of an HTTP status. 4xx and 5xx are kept apart: client mistakes are
    /// not server failures.
    StatusClass, "status class", {
        Informational => "1xx",
        Success => "2xx",
        Redirection => "3xx",
        ClientError => "4xx",
        ServerError => "5xx",
    }
);

bp_api::vocabulary!(
    /// What the response cache did for a request.
    CacheOutcome, "cache outcome", {
        /// The route does not use the cache (or the request failed before it).
        Bypass => "none",
        Hit => "hit",
        Miss => "miss",
    }
);

impl CacheOutcome {
    pub fn add_to(self, counts: &mut CacheCounts) {
        match self {
            CacheOutcome::Hit => counts.hits += 1,
            CacheOutcome::Miss => counts.misses += 1,
            CacheOutcome::Bypass => {}
        }
    }
}

impl StatusClass {
    /// The class of an HTTP status code. Codes outside 100..=599 cannot come from a valid
    /// response; below 200 they count as informational, above 599 as a server error, so a
    /// broken status is never mistaken for a success.
    pub const fn of(status: u16) -> StatusClass {
        match status {
            0..=199 => StatusClass::Informational,
            200..=299 => StatusClass::Success,
            300..=399 => StatusClass::Redirection,
            400..=499 => StatusClass::ClientError,
            _ => StatusClass::ServerError,
        }
    }
}

/// Who made a request, for "concurrent users": a hash of the API key id or client IP,
/// computed by the caller. Never the raw key or address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallerId(pub u64);

/// One finished request, as the metrics layer sees it. `Copy` and allocation-free.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub endpoint: Endpoint,
    /// The HTTP status sent; only its class is kept.
    pub status: u16,
    /// The primary technique applied, if the request ran the engine.
    pub technique: Option<Technique>,
    pub segment: Segment,
    /// From [`crate::Recorder::region`].
    pub region: RegionId,
    pub cache: CacheOutcome,
    /// From the request's arrival to its response.
    pub latency: Duration,
    /// When the response completed, in microseconds since the Unix epoch. It decides the
    /// window the sample belongs to.
    pub completed_at_us: u64,
    pub caller: Option<CallerId>,
    /// Labelled responses in this request (a batch holds several) and how many were right;
    /// zero for unlabelled traffic.
    pub labels: LabelCounts,
}

/// The labels of one series in a snapshot: every sample with these labels is merged into
/// one set of counters and one histogram. Regions are names here, so snapshots stay
/// meaningful across restarts (region ids are per recorder).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeriesKey {
    pub endpoint: Endpoint,
    /// `None` when the request applied no technique (`"none"` as a label value).
    pub technique: Option<Technique>,
    pub segment: Segment,
    pub region: String,
}

impl SeriesKey {
    /// The technique as a label value.
    pub fn technique_label(&self) -> &'static str {
        self.technique.map_or("none", Technique::as_str)
    }

    fn sort_tuple(&self) -> (usize, usize, usize, &str) {
        (
            self.endpoint.index(),
            self.technique.map_or(0, |t| t.index() + 1),
            segment_index(self.segment),
            &self.region,
        )
    }
}

impl Ord for SeriesKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_tuple().cmp(&other.sort_tuple())
    }
}

impl PartialOrd for SeriesKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `Segment` has no `index()` in `bp-api`; a dense position for sorting and shard keys.
pub(crate) const fn segment_index(segment: Segment) -> usize {
    match segment {
        Segment::Anonymous => 0,
        Segment::Free => 1,
        Segment::Pro => 2,
        Segment::Enterprise => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes_keep_4xx_and_5xx_apart() {
        assert_eq!(StatusClass::of(200), StatusClass::Success);
        assert_eq!(StatusClass::of(304), StatusClass::Redirection);
        assert_eq!(StatusClass::of(429), StatusClass::ClientError);
        assert_eq!(StatusClass::of(503), StatusClass::ServerError);
        assert_eq!(StatusClass::of(999), StatusClass::ServerError);
        assert_eq!(StatusClass::of(101), StatusClass::Informational);
    }

    #[test]
    fn label_ids_round_trip() {
        for e in Endpoint::ALL {
            assert_eq!(e.as_str().parse::<Endpoint>().unwrap(), *e);
            assert_eq!(serde_json::to_string(e).unwrap(), format!("\"{e}\""));
        }
        assert_eq!(
            serde_json::to_string(&StatusClass::ServerError).unwrap(),
            "\"5xx\""
        );
        assert_eq!(CacheOutcome::Bypass.as_str(), "none");
    }
}
