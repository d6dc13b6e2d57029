//! The admin fault switch: latency injected into the enhancement endpoints, so an SLA
//! breach can be provoked on purpose (dashboard tests, alert drills).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The largest latency the switch accepts, in milliseconds.
pub const MAX_ADDED_LATENCY_MS: u64 = 10_000;

/// `PUT /api/v1/admin/faults` body, and what `GET`/`DELETE` answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// Extra time `/enhance`, `/batch` and `/analyze` wait before answering, 0..=10000 ms
    /// (0: off).
    #[schema(maximum = 10000)]
    pub added_latency_ms: u64,
}
