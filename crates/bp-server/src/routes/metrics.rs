//! The metrics query API (`/api/v1/metrics/*`), the Prometheus exposition (`/metrics`), and
//! the live stream. Every number comes from closed windows: rollups in the store for ranges,
//! the in-memory ring for the stream. Percentiles are always read from merged histograms.

pub mod anomalies;
pub mod export;
pub mod instances;
pub mod range;
pub mod stream;

use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use bp_api::metrics::{
    GroupBy, Heatmap, Metric, PriceTable, Satisfaction, SlaTargets, SummaryResponse,
    TechniqueAccuracy, TechniqueReport, Timeseries,
};
use bp_api::{ErrorBody, ErrorCode};
use bp_metrics::{Filter, InstanceWindows, WindowSnapshot};
use bytes::Bytes;
use range::{RangeParams, Window};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;
use utoipa::IntoParams;

/// The JSON answer to `uri`, through the query cache ([`crate::services::query_cache`]).
async fn cached<T, F>(state: &AppState, uri: &Uri, compute: F) -> Result<Response, ApiError>
where
    T: Serialize,
    F: Future<Output = Result<T, ApiError>>,
{
    let body = state
        .query_cache()
        .get_or_compute(uri.to_string(), state.telemetry().stored_through(), async {
            let value = compute.await?;
            serde_json::to_vec(&value).map(Bytes::from).map_err(|e| {
                tracing::error!(error = %e, "a metrics answer did not serialise");
                ApiError::new(ErrorCode::Internal, "internal error")
            })
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[utoipa::path(get, path = "/metrics/summary", tag = "metrics", params(RangeParams),
    responses((status = 200, description = "Summary of the range", body = SummaryResponse),
              (status = 400, description = "Invalid range or filter", body = ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    uri: Uri,
    Query(params): Query<RangeParams>,
) -> Result<Response, ApiError> {
    cached(&state, &uri, summary_of(&state, params)).await
}

async fn summary_of(state: &AppState, params: RangeParams) -> Result<SummaryResponse, ApiError> {
    let Loaded {
        window,
        filter,
        snapshots,
        uptime,
    } = Loaded::read(state, &params).await?;
    let summary = bp_metrics::summary(&snapshots, &filter);
    let mut sla = bp_metrics::evaluate_sla(&snapshots, &SlaTargets::default(), &filter);
    bp_metrics::apply_uptime(&mut sla, &uptime);
    let cost = bp_metrics::cost(&bp_metrics::usage(&snapshots), &PriceTable::default());
    let cost_per_request_usd = cost.cost_per_request_usd;
    let feedback = state
        .store()
        .feedback_stats(window.start_us(), window.end_us())
        .await?;
    let (satisfaction, mut accuracy) = from_feedback(&feedback);
    accuracy.labelled = summary.labelled.accuracy();
    accuracy.labelled_checks = summary.labelled.checked;
    Ok(SummaryResponse {
        summary,
        sla,
        cost_per_request_usd,
        cost,
        satisfaction,
        technique_accuracy: accuracy,
        resolution_seconds: window.resolution_secs,
    })
}

fn from_feedback(rows: &[bp_store::FeedbackStats]) -> (Satisfaction, TechniqueAccuracy) {
    let ratings: u64 = rows.iter().map(|r| r.ratings).sum();
    let sum: u64 = rows.iter().map(|r| r.rating_sum).sum();
    let good: u64 = rows.iter().map(|r| r.ratings_at_least_4).sum();
    let named: u64 = rows.iter().map(|r| r.helpful_named).sum();
    let agree: u64 = rows.iter().map(|r| r.helpful_is_primary).sum();
    let ratio = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
    (
        Satisfaction {
            ratings,
            mean_rating: ratio(sum, ratings),
            share_at_least_4: ratio(good, ratings),
        },
        TechniqueAccuracy {
            labelled: None,
            labelled_checks: 0,
            feedback_rated_helpful: ratio(good, ratings),
            feedback_primary_agreement: ratio(agree, named),
        },
    )
}

/// Read beside [`RangeParams`] from the same query string.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimeseriesParams {
    /// What to plot (default `throughput_rps`): requests, throughput_rps, errors, error_rate,
    /// latency_p50_ms, latency_p95_ms, latency_p99_ms, cache_hit_rate, cpu_percent, …,
    /// db_acquire_p95_ms, db_query_p95_ms, db_query_p99_ms, history_commit_p95_ms,
    /// redis_cache_hit_rate, redis_cache_errors, technique_accuracy.
    metric: Option<Metric>,
    /// Seconds per point (default: the resolution of the range); coarsened to keep a range
    /// within 20 000 points.
    #[param(minimum = 1, maximum = 31_536_000)]
    step: Option<u64>,
    /// technique, segment, region, endpoint, or source (one line per instance).
    group_by: Option<GroupBy>,
}

#[utoipa::path(get, path = "/metrics/timeseries", tag = "metrics", params(RangeParams, TimeseriesParams),
    responses((status = 200, description = "One line per group", body = Timeseries),
              (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn timeseries(
    State(state): State<AppState>,
    uri: Uri,
    Query(range): Query<RangeParams>,
    Query(params): Query<TimeseriesParams>,
) -> Result<Response, ApiError> {
    cached(&state, &uri, async {
        let metric = params.metric.unwrap_or(Metric::ThroughputRps);
        let invalid = |e: bp_metrics::Error| ApiError::validation(e.to_string());
        if params.group_by == Some(GroupBy::Source) {
            let window = range.window(window_secs(&state))?;
            let filter = range.filter()?;
            let instances = load(&state, &window, range.source.as_deref()).await?;
            let step = window.step(params.step)?;
            return bp_metrics::timeseries_by_instance(&instances, metric, step, &filter)
                .map_err(invalid);
        }
        let Loaded {
            window,
            filter,
            snapshots,
            ..
        } = Loaded::read(&state, &range).await?;
        let step = window.step(params.step)?;
        bp_metrics::timeseries(&snapshots, metric, step, params.group_by, &filter).map_err(invalid)
    })
    .await
}

/// Read beside [`RangeParams`] from the same query string.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HeatmapParams {
    /// Seconds per column (default: the resolution of the range); coarsened to keep a
    /// range within 20 000 columns.
    #[param(minimum = 1, maximum = 31_536_000)]
    step: Option<u64>,
}

#[utoipa::path(get, path = "/metrics/heatmap", tag = "metrics", params(RangeParams, HeatmapParams),
    responses((status = 200, description = "Latency buckets × time", body = Heatmap),
              (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn heatmap(
    State(state): State<AppState>,
    uri: Uri,
    Query(range): Query<RangeParams>,
    Query(params): Query<HeatmapParams>,
) -> Result<Response, ApiError> {
    cached(&state, &uri, async {
        let Loaded {
            window,
            filter,
            snapshots,
            ..
        } = Loaded::read(&state, &range).await?;
        let step = window.step(params.step)?;
        bp_metrics::heatmap(&snapshots, step, &filter)
            .map_err(|e| ApiError::validation(e.to_string()))
    })
    .await
}

#[utoipa::path(operation_id = "technique_metrics", get, path = "/metrics/techniques", tag = "metrics", params(RangeParams),
    responses((status = 200, description = "Per technique: requests, latency, errors, satisfaction", body = Vec<TechniqueReport>),
              (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn techniques(
    State(state): State<AppState>,
    uri: Uri,
    Query(params): Query<RangeParams>,
) -> Result<Response, ApiError> {
    cached(&state, &uri, techniques_of(&state, params)).await
}

async fn techniques_of(
    state: &AppState,
    params: RangeParams,
) -> Result<Vec<TechniqueReport>, ApiError> {
    let Loaded {
        window,
        filter,
        snapshots,
        ..
    } = Loaded::read(state, &params).await?;
    let feedback = state
        .store()
        .feedback_stats(window.start_us(), window.end_us())
        .await?;
    let traffic = bp_metrics::per_technique(&snapshots, &filter);
    let cost = bp_metrics::cost(&bp_metrics::usage(&snapshots), &PriceTable::default());
    let busy: Vec<_> = traffic
        .iter()
        .map(|t| (t.requests, t.busy_seconds))
        .collect();
    let total_busy: f64 = bp_metrics::per_technique(&snapshots, &Filter::default())
        .iter()
        .map(|t| t.busy_seconds)
        .sum();
    let costs = bp_metrics::cost_per_request_by_busy_time(&cost, total_busy, &busy);
    let rows = traffic
        .into_iter()
        .zip(costs)
        .map(|(traffic, cost_per_request_usd)| {
            let mine: Vec<_> = feedback
                .iter()
                .filter(|f| f.technique.map_or("none", |t| t.as_str()) == traffic.technique)
                .copied()
                .collect();
            let (satisfaction, accuracy) = from_feedback(&mine);
            TechniqueReport {
                traffic,
                cost_per_request_usd,
                satisfaction,
                feedback_primary_agreement: accuracy.feedback_primary_agreement,
            }
        })
        .collect();
    Ok(rows)
}

#[utoipa::path(get, path = "/metrics", tag = "ops",
    responses((status = 200, description = "Prometheus text exposition format 0.0.4", body = String)))]
pub async fn prometheus(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.telemetry().prometheus_text(),
    )
}

/// What every range query starts from: the validated range, its filter and the fleet's
/// windows (or one instance's, with `source`).
struct Loaded {
    window: Window,
    filter: Filter,
    snapshots: Vec<WindowSnapshot>,
    /// Whether the instances served all the time they were expected to.
    uptime: bp_metrics::Uptime,
}

impl Loaded {
    async fn read(state: &AppState, params: &RangeParams) -> Result<Loaded, ApiError> {
        let window = params.window(window_secs(state))?;
        let filter = params.filter()?;
        let instances = load(state, &window, params.source.as_deref()).await?;
        let uptime = bp_metrics::uptime(&instances);
        let snapshots = bp_metrics::merge_instances(
            instances.into_iter().flat_map(|i| i.windows),
            MAX_FLEET_SERIES,
        );
        Ok(Loaded {
            window,
            filter,
            snapshots,
            uptime,
        })
    }
}

/// The series a fleet window keeps, like one instance's rollups (the rest go to its
/// overflow series, counted in totals but not under their labels).
pub(crate) const MAX_FLEET_SERIES: usize = 2000;

/// The closed windows of a range at its resolution, from the store, per instance (all of
/// them, or the one named `source`), in source order.
pub async fn load(
    state: &AppState,
    window: &Window,
    source: Option<&str>,
) -> Result<Vec<InstanceWindows>, ApiError> {
    let rows = state
        .store()
        .list_rollups(window.resolution_secs, window.start_us(), window.end_us())
        .await?;
    let mut instances: BTreeMap<String, Vec<WindowSnapshot>> = BTreeMap::new();
    for row in rows {
        if source.is_some_and(|s| s != row.source) {
            continue;
        }
        match WindowSnapshot::from_bytes(&row.payload) {
            Ok(s) => instances.entry(row.source).or_default().push(s),
            Err(e) => {
                tracing::warn!(error = %e, start = row.window_start_us, "unreadable metrics rollup skipped");
            }
        }
    }
    Ok(instances
        .into_iter()
        .map(|(source, windows)| InstanceWindows { source, windows })
        .collect())
}

pub(crate) fn window_secs(state: &AppState) -> u32 {
    u32::try_from(state.telemetry().config().window.as_secs()).unwrap_or(5)
}

/// The resolution a range is read at: fine for short ranges, coarse for long ones, so a
/// query never merges more than a few thousand windows.
pub fn resolution_for(range: Duration, window_secs: u32) -> u32 {
    match range.as_secs() {
        s if s <= 2 * 3600 => window_secs,
        s if s <= 3 * 24 * 3600 => 60,
        _ => 3600,
    }
}
