//! The server's resident memory over a run, for the sustained profile's degradation report:
//! read once a second from the target's Prometheus endpoint (`GET /metrics`, gauge
//! `bp_process_resident_memory_bytes`). That endpoint needs no key and reads no storage,
//! unlike the metrics query API, so sampling it costs the server one text rendering.
//!
//! The endpoint holds business figures, so a server guards it (a viewer or admin key)
//! unless it was started with `--public-metrics`: the sampler presents the run's admin key
//! if it has one, else its first key, and says so once when that is not enough.
//!
//! The server updates the gauge when it closes a metrics window (every 5 s by default), so
//! consecutive readings often repeat; the trend test treats them as ties. It exports the
//! gauge only once its first window closed, so a missing gauge means "not yet" for up to
//! the longest window; a target without `/metrics` (4xx) is not a BetterPrompts server and
//! is not asked again.

use crate::client::{ControlClient, Method};
use crate::report::MemoryPoint;
use crate::target::Target;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

const GAUGE: &str = "bp_process_resident_memory_bytes";
const INTERVAL: Duration = Duration::from_secs(1);
const READ_TIMEOUT: Duration = Duration::from_secs(1);
/// The longest metrics window a server may use, and a margin: a target that exported no
/// gauge for this long never will.
const GAUGE_GRACE: Duration = Duration::from_secs(65);

pub(crate) struct MemorySampler {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Vec<MemoryPoint>>,
}

impl MemorySampler {
    /// Starts sampling with `key` (if any); readings are timed from `started`.
    pub fn start(target: &Target, key: Option<String>, started: Instant) -> MemorySampler {
        let (stop, stopped) = oneshot::channel();
        let client = ControlClient::new(target, READ_TIMEOUT);
        MemorySampler {
            stop,
            task: tokio::spawn(sample_loop(client, key, started, stopped)),
        }
    }

    /// Stops sampling and returns the readings.
    pub async fn finish(self) -> Vec<MemoryPoint> {
        let _ = self.stop.send(());
        // The loop ends at its next await point; a read in flight is bounded by its timeout.
        self.task.await.unwrap_or_default()
    }
}

async fn sample_loop(
    mut client: ControlClient,
    key: Option<String>,
    started: Instant,
    mut stopped: oneshot::Receiver<()>,
) -> Vec<MemoryPoint> {
    let mut points = Vec::new();
    let mut ticker = tokio::time::interval(INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stopped => return points,
            _ = ticker.tick() => {}
        }
        let at = Instant::now();
        let reading = tokio::select! {
            _ = &mut stopped => return points,
            r = client.send(&Method::GET, "/metrics", key.as_deref(), None) => r,
        };
        match reading {
            Ok((200, body)) => match resident_bytes(&String::from_utf8_lossy(&body)) {
                // 0 until the server closed its first metrics window: nothing to read yet.
                Some(0) => {}
                Some(bytes) => points.push(MemoryPoint {
                    t_s: at.duration_since(started).as_secs_f64(),
                    bytes,
                }),
                None if points.is_empty() && at.duration_since(started) > GAUGE_GRACE => {
                    tracing::debug!("the target exports no {GAUGE}: not sampling its memory");
                    return points;
                }
                None => {}
            },
            Ok((status @ (401 | 403), _)) => {
                tracing::warn!(
                    status,
                    "the server's memory is not sampled: its /metrics needs a viewer or admin key \
                     (run with an admin key, or serve with --public-metrics)"
                );
                return points;
            }
            Ok((status, _)) if (400..500).contains(&status) => {
                tracing::debug!(
                    status,
                    "the target has no /metrics: not sampling its memory"
                );
                return points;
            }
            // A loaded server sheds requests with 503: the next second may get through.
            Ok((status, _)) => tracing::debug!(status, "reading the server's memory failed"),
            // A busy server may miss a reading; the trend test needs no regular spacing.
            Err(why) => tracing::debug!(%why, "reading the server's memory failed"),
        }
    }
}

/// The gauge's value in a Prometheus text exposition; `None` when it is absent.
fn resident_bytes(text: &str) -> Option<u64> {
    text.lines()
        .filter_map(|line| line.strip_prefix(GAUGE))
        // Not a longer name with the same prefix: a sample line goes on with labels or a space.
        .filter(|rest| rest.starts_with([' ', '{']))
        .find_map(|rest| rest.rsplit(' ').next()?.trim().parse::<f64>().ok())
        .map(|v| v.max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_gauge_and_nothing_that_only_looks_like_it() {
        let text = "# HELP bp_process_resident_memory_bytes Resident memory.\n\
                    # TYPE bp_process_resident_memory_bytes gauge\n\
                    bp_process_resident_memory_bytes_max 1\n\
                    bp_process_resident_memory_bytes 4.2991616e7\n";
        assert_eq!(resident_bytes(text), Some(42_991_616));
        assert_eq!(
            resident_bytes("bp_process_resident_memory_bytes{instance=\"a\"} 1024\n"),
            Some(1024)
        );
        assert_eq!(
            resident_bytes("bp_process_resident_memory_bytes 0\n"),
            Some(0)
        );
        assert_eq!(resident_bytes("up 1\n"), None);
    }
}
