//! The metrics contract: what `/api/v1/metrics/*` answers and what the live stream sends.
//!
//! `bp-metrics` computes these types directly, the server adds what it alone knows
//! (feedback, load runs, anomalies), and the dashboard's TypeScript types are generated from
//! their OpenAPI schemas (`web/src/api.gen.ts`). The counters and gauge readings
//! ([`counts`]) are also what rollups store, as JSON by field name: renaming one of their
//! fields is a stored-format change (`bp_metrics::FORMAT_VERSION`).

mod cost;
mod counts;
mod responses;
mod series;
mod sla;
mod summary;

pub use cost::{CostReport, PriceTable, Usage};
pub use counts::{CacheCounts, DbPoolGauges, GaugeStats, Gauges, LabelCounts, SharedCacheCounts};
pub use responses::{
    AnomalyEvent, InstanceReport, InstanceState, Satisfaction, StreamMessage, SummaryResponse,
    TechniqueAccuracy, TechniqueReport, WindowMessage,
};
pub use series::{GroupBy, Heatmap, Metric, TechniqueRow, Timeseries, TimeseriesGroup};
pub use sla::{Check, ErrorBudget, ErrorsCounted, SlaReport, SlaTargets, SlaVerdict};
pub use summary::{CacheSummary, DbOperationStats, DbSummary, LatencyMs, Summary};
