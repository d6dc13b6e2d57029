//! The fault switch's state: latency added to the enhancement handlers while set. One
//! atomic word per process, read once per request (a plain load when off).

use bp_api::Faults;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct FaultSwitch {
    added_latency_ms: AtomicU64,
}

impl FaultSwitch {
    pub fn get(&self) -> Faults {
        Faults {
            added_latency_ms: self.added_latency_ms.load(Ordering::Relaxed),
        }
    }

    /// The caller has validated `faults` (see `bp_api::MAX_ADDED_LATENCY_MS`).
    pub fn set(&self, faults: Faults) {
        self.added_latency_ms
            .store(faults.added_latency_ms, Ordering::Relaxed);
    }

    /// Waits the added latency, if any. Called inside the handlers, so the wait is part of
    /// the latency the metrics layer records, as a slow dependency's would be.
    pub async fn inject(&self) {
        let ms = self.added_latency_ms.load(Ordering::Relaxed);
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
}
