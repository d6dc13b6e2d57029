//! `GET /api/v1/metrics/export?format=csv|json`: the per-window figures of a range and
//! filter, streamed row by row so memory stays flat however long the range.

use super::MAX_FLEET_SERIES;
use super::range::RangeParams;
use super::stream::rfc3339;
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bp_api::ErrorBody;
use bp_metrics::{Filter, Summary, WindowSnapshot};
use bp_store::RollupRow;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

/// What an export is written as.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// Read beside [`RangeParams`] from the same query string.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` or `json` (a JSON array). PDF comes with the reports feature.
    format: ExportFormat,
}

/// One exported row: a window (or rollup bucket) of the range; the CSV has the same
/// columns in this order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportRow {
    window_start: String,
    window_end: String,
    requests: u64,
    errors: u64,
    error_rate: f64,
    throughput_rps: f64,
    p50_ms: Option<f64>,
    p95_ms: Option<f64>,
    p99_ms: Option<f64>,
    max_ms: Option<f64>,
    cache_hit_rate: Option<f64>,
    cpu_percent: f64,
    memory_bytes: f64,
    /// Labelled requests' prompts checked (`X-Expected-Techniques`) and the share right.
    labelled_checks: u64,
    technique_accuracy: Option<f64>,
}

const CSV_HEADER: &str = "window_start,window_end,requests,errors,error_rate,throughput_rps,p50_ms,p95_ms,p99_ms,max_ms,cache_hit_rate,cpu_percent,memory_bytes,labelled_checks,technique_accuracy\n";

#[utoipa::path(get, path = "/metrics/export", tag = "metrics", params(RangeParams, ExportParams),
    responses((status = 200, description = "One row per window: CSV with a header line, or a JSON array",
                content((String = "text/csv"), (Vec<ExportRow> = "application/json"))),
              (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Query(range): Query<RangeParams>,
    Query(params): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let window_secs = u32::try_from(state.telemetry().config().window.as_secs()).unwrap_or(5);
    let window = range.window(window_secs)?;
    let filter = range.filter()?;
    let rows = state
        .store()
        .list_rollups(window.resolution_secs, window.start_us(), window.end_us())
        .await?;
    let format = params.format;
    // One fleet window per span: the instances' rows of a span are adjacent (ordered by
    // start, then source).
    let mut spans: Vec<Vec<RollupRow>> = Vec::new();
    for row in rows {
        if range.source.as_ref().is_some_and(|s| *s != row.source) {
            continue;
        }
        match spans.last_mut() {
            Some(span) if span[0].window_start_us == row.window_start_us => span.push(row),
            _ => spans.push(vec![row]),
        }
    }
    let total = spans.len();
    // Each span is decoded, merged and rendered only when the body reaches it.
    let chunks = spans.into_iter().enumerate().filter_map(move |(i, span)| {
        let parts = span
            .iter()
            .filter_map(|stored| WindowSnapshot::from_bytes(&stored.payload).ok());
        let snapshot = bp_metrics::merge_instances(parts, MAX_FLEET_SERIES).pop()?;
        let row = row_of(&snapshot, &filter);
        let mut out = String::new();
        match format {
            ExportFormat::Csv => {
                if i == 0 {
                    out.push_str(CSV_HEADER);
                }
                out.push_str(&csv_line(&row));
            }
            ExportFormat::Json => {
                out.push(if i == 0 { '[' } else { ',' });
                out.push_str(&serde_json::to_string(&row).ok()?);
                if i + 1 == total {
                    out.push(']');
                }
            }
        }
        Some(Ok::<_, std::convert::Infallible>(out))
    });
    let empty = match (format, total) {
        (ExportFormat::Csv, 0) => Some(CSV_HEADER),
        (ExportFormat::Json, 0) => Some("[]"),
        _ => None,
    };
    let body = match empty {
        Some(text) => Body::from(text),
        None => Body::from_stream(futures_util::stream::iter(chunks)),
    };
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Json => ("application/json", "json"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"betterprompts-metrics.{extension}\""),
            ),
        ],
        body,
    )
        .into_response())
}

fn row_of(snapshot: &WindowSnapshot, filter: &Filter) -> ExportRow {
    let s: Summary = bp_metrics::summary(std::slice::from_ref(snapshot), filter);
    ExportRow {
        window_start: rfc3339(snapshot.start_unix_us),
        window_end: rfc3339(snapshot.end_unix_us),
        requests: s.requests,
        errors: s.errors,
        error_rate: s.error_rate,
        throughput_rps: s.throughput_rps,
        p50_ms: s.latency_ms.p50,
        p95_ms: s.latency_ms.p95,
        p99_ms: s.latency_ms.p99,
        max_ms: s.latency_ms.max,
        cache_hit_rate: s.cache_hit_rate,
        cpu_percent: s.cpu_percent,
        memory_bytes: s.memory_bytes,
        labelled_checks: s.labelled.checked,
        technique_accuracy: s.labelled.accuracy(),
    }
}

fn csv_line(r: &ExportRow) -> String {
    let opt = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        r.window_start,
        r.window_end,
        r.requests,
        r.errors,
        r.error_rate,
        r.throughput_rps,
        opt(r.p50_ms),
        opt(r.p95_ms),
        opt(r.p99_ms),
        opt(r.max_ms),
        opt(r.cache_hit_rate),
        r.cpu_percent,
        r.memory_bytes,
        r.labelled_checks,
        opt(r.technique_accuracy)
    )
}
