//! The per-technique table: requests, latency, errors and labelled accuracy of each primary
//! technique.

use super::{Filter, ratio};
use crate::histogram::Precision;
use crate::snapshot::{SeriesStats, WindowSnapshot};
use bp_api::metrics::TechniqueRow;
use std::collections::BTreeMap;

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
                latency_ms: stats.latency.latency_ms(),
                cache_hit_rate: stats.cache.hit_rate(),
                busy_seconds: stats.latency.sum_us() / 1e6,
                labelled_checks: stats.labelled.checked,
                labelled_accuracy: stats.labelled.accuracy(),
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
