//! The middleware that records every request: endpoint, status, technique, segment, region,
//! cache outcome and latency. It wraps the whole router, so rejected, rate-limited and
//! unknown requests are counted too.

use crate::state::AppState;
use crate::telemetry::Recording;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use bp_api::metrics::LabelCounts;
use bp_api::{Segment, Technique};
use bp_metrics::{CacheOutcome, CallerId, Endpoint, Sample};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Set on the response by the handlers that ran the engine.
#[derive(Debug, Clone, Copy)]
pub struct EngineTags {
    pub technique: Option<Technique>,
    pub cache: CacheOutcome,
    /// Labelled prompts of the request (`X-Expected-Techniques`) checked against the answer.
    pub labels: LabelCounts,
}

/// Set on the response by authentication: who the caller was.
#[derive(Debug, Clone, Copy)]
pub struct CallerTags {
    pub segment: Segment,
    /// A hash of the key id or client IP, for "concurrent users"; never the key itself.
    pub caller: CallerId,
}

/// The endpoint label of a path; a closed set, so unknown paths cannot grow the label space.
pub fn endpoint_of(path: &str) -> Endpoint {
    let Some(api) = path.strip_prefix("/api/v1/") else {
        return match path {
            "/health" | "/ready" => Endpoint::Health,
            "/metrics" => Endpoint::Metrics,
            _ => Endpoint::Other,
        };
    };
    let resource = api.split('/').next().unwrap_or("");
    match resource {
        "enhance" => Endpoint::Enhance,
        "batch" => Endpoint::Batch,
        "history" => Endpoint::History,
        "analyze" => Endpoint::Analyze,
        "techniques" => Endpoint::Techniques,
        "feedback" => Endpoint::Feedback,
        "admin" => Endpoint::Admin,
        "metrics" => Endpoint::Metrics,
        _ => Endpoint::Other,
    }
}

pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let telemetry = state.telemetry();
    if telemetry.config().recording == Recording::Off {
        return next.run(req).await;
    }
    let endpoint = endpoint_of(req.uri().path());
    let region_name = req.headers().get("x-region").and_then(|v| v.to_str().ok());
    let region = telemetry.region(region_name.unwrap_or(&state.config().default_region));
    let response = {
        let _in_flight = telemetry.enter_request();
        next.run(req).await
    };
    let engine = response.extensions().get::<EngineTags>().copied();
    let caller = response.extensions().get::<CallerTags>().copied();
    let completed_at_us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
    telemetry.record(&Sample {
        endpoint,
        status: response.status().as_u16(),
        technique: engine.and_then(|e| e.technique),
        segment: caller.map_or(Segment::Anonymous, |c| c.segment),
        region,
        cache: engine.map_or(CacheOutcome::Bypass, |e| e.cache),
        latency: started.elapsed(),
        completed_at_us,
        caller: caller.map(|c| c.caller),
        labels: engine.map_or_else(LabelCounts::default, |e| e.labels),
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_a_closed_set_of_endpoints() {
        assert_eq!(endpoint_of("/api/v1/enhance"), Endpoint::Enhance);
        assert_eq!(endpoint_of("/api/v1/history/0190-abc"), Endpoint::History);
        assert_eq!(endpoint_of("/api/v1/admin/keys"), Endpoint::Admin);
        assert_eq!(endpoint_of("/api/v1/metrics/summary"), Endpoint::Metrics);
        assert_eq!(endpoint_of("/metrics"), Endpoint::Metrics);
        assert_eq!(endpoint_of("/ready"), Endpoint::Health);
        assert_eq!(endpoint_of("/api/v1/whatever/else"), Endpoint::Other);
        assert_eq!(endpoint_of("/favicon.ico"), Endpoint::Other);
    }
}
