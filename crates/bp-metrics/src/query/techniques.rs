//! The per-technique table: requests, latency and errors of each primary technique.

use super::{Filter, LatencyMs, ratio};
use crate::histogram::Precision;
use crate::snapshot::{SeriesStats, WindowSnapshot};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One technique's row; `technique` is its id, or `"none"` for requests without one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TechniqueRow {
    pub technique: String,
    pub requests: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub latency_ms: LatencyMs,
    pub cache_hit_rate: Option<f64>,
    /// Time the server spent answering this technique's requests (sum of latencies); the
    /// cost model shares the range's cost out by it.
    pub busy_seconds: f64,
}

/// One row per technique seen in `snapshots` (after `filter`), busiest first, ties by id.
/// The overflow series has no technique label and is not in any row.
pub fn per_technique(snapshots: &[WindowSnapshot], filter: &Filter) -> Vec<TechniqueRow> {
    let mut by_technique: BTreeMap<&'static str, SeriesStats> = BTreeMap::new();
    for series in snapshots
        .iter()
        .flat_map(|s| &s.series)
        .filter(|s| filter.matches(&s.key))
    {
        by_technique
            .entry(series.key.technique_label())
            .or_insert_with(|| SeriesStats::new(Precision::Series))
            .merge(&series.stats);
    }
    let mut rows: Vec<TechniqueRow> = by_technique
        .into_iter()
        .map(|(technique, stats)| {
            let errors = stats.errors_4xx() + stats.errors_5xx();
            TechniqueRow {
                technique: technique.to_owned(),
                requests: stats.requests(),
                errors,
                error_rate: ratio(errors, stats.requests()),
                latency_ms: LatencyMs::of(&stats.latency),
                cache_hit_rate: stats.cache.hit_rate(),
                busy_seconds: stats.latency.sum_us() / 1e6,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.requests
            .cmp(&a.requests)
            .then_with(|| a.technique.cmp(&b.technique))
    });
    rows
}
