//! The cost model's inputs and result (`bp_metrics::cost` computes it).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Prices used by the cost model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PriceTable {
    pub usd_per_vcpu_second: f64,
    pub usd_per_gb_second: f64,
    /// Price of the target model's tokens, per million; `null` leaves tokens out.
    #[schema(required)]
    pub usd_per_million_tokens: Option<f64>,
    /// Where the prices come from, shown with every result.
    pub source: String,
}

/// AWS Fargate on-demand, Linux/x86, us-east-1 (published at $0.04048 per vCPU-hour and
/// $0.004445 per GB-hour), a typical cloud on-demand price for a container. There is no
/// default token price: it depends on the target model.
impl Default for PriceTable {
    fn default() -> Self {
        PriceTable {
            usd_per_vcpu_second: 0.04048 / 3600.0,
            usd_per_gb_second: 0.004445 / 3600.0,
            usd_per_million_tokens: None,
            source: "AWS Fargate on-demand, Linux/x86, us-east-1: $0.04048 per vCPU-hour, \
                     $0.004445 per GB-hour"
                .to_owned(),
        }
    }
}

/// What was consumed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Usage {
    pub cpu_seconds: f64,
    /// GB here is 2^30 bytes, as cloud providers bill memory.
    pub memory_gb_seconds: f64,
    pub requests: u64,
    pub tokens: u64,
    /// Time covered by gauge readings; CPU and memory outside it are unknown, not zero.
    pub metered_seconds: f64,
}

/// The cost of a [`Usage`] at a [`PriceTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CostReport {
    pub prices: PriceTable,
    pub usage: Usage,
    pub cpu_usd: f64,
    pub memory_usd: f64,
    pub token_usd: f64,
    pub total_usd: f64,
    /// `null` without requests.
    #[schema(required)]
    pub cost_per_request_usd: Option<f64>,
}
