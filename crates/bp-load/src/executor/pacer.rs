//! When a virtual user fires next: the only place the closed and the open model differ.
//!
//! Closed: user `i` is active while the schedule is above `i`; it waits a jittered think time
//! after each response, and a random fraction of a think time when it (re)activates, so a
//! step from 0 to 1000 users does not fire 1000 requests in the same millisecond.
//!
//! Open: arrivals are numbered; each free user claims the next number and waits for its due
//! time. An arrival that was overdue when a user got free is timed from its due time, so a
//! stalled server's queue shows in the percentiles (no coordinated omission). An arrival that
//! could not start within `max_lateness` is dropped and counted instead.

use super::Shared;
use crate::schedule::Model;
use rand::Rng;
use rand::rngs::SmallRng;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

/// One iteration's start.
pub struct Slot {
    /// What latency is measured from: the actual start (closed) or the due time (open).
    pub measure_from: Instant,
    /// How late the generator's own timer woke the user (not waiting for a free user).
    pub lag: Duration,
    /// Open model: how long the arrival had been due when a user got free for it (the
    /// system under test kept every user busy).
    pub overdue: Duration,
    /// When the iteration actually started.
    pub started: Instant,
}

pub struct Pacer {
    scenario: usize,
    index: u32,
    /// The scenario's time zero.
    origin: Instant,
    /// Closed model: when the user means to fire next (`None` before its first iteration).
    next_wake: Option<Instant>,
}

impl Pacer {
    pub fn new(shared: &Shared, scenario: usize, index: u32) -> Pacer {
        Pacer {
            scenario,
            index,
            origin: shared.started + shared.plan.scenarios[scenario].start,
            next_wake: None,
        }
    }

    /// Waits for the next iteration's start; `None` when the user is done.
    pub async fn next(&mut self, shared: &Shared, rng: &mut SmallRng) -> Option<Slot> {
        match shared.plan.scenarios[self.scenario].schedule.model {
            Model::Closed { think_time } => self.next_closed(shared, rng, think_time).await,
            Model::Open { .. } => self.next_open(shared).await,
        }
    }

    /// Called after each iteration of a closed user.
    pub fn finished(&mut self, ended: Instant, rng: &mut SmallRng, think_time: Option<Duration>) {
        if let Some(think) = think_time {
            self.next_wake = Some(ended + jitter(think, rng));
        }
    }

    async fn next_closed(
        &mut self,
        shared: &Shared,
        rng: &mut SmallRng,
        think_time: Duration,
    ) -> Option<Slot> {
        let schedule = &shared.plan.scenarios[self.scenario].schedule;
        let mut wake = self.next_wake.unwrap_or(self.origin);
        let rel = wake.saturating_duration_since(self.origin);
        let active_from = schedule.next_active(self.index, rel)?;
        if self.next_wake.is_none() || active_from > rel {
            // First activation or re-activation after a ramp-down: spread users out.
            let spread = think_time.min(Duration::from_secs(1));
            wake = self.origin + active_from + spread.mul_f64(rng.random::<f64>());
            if wake >= self.origin + schedule.total() {
                return None;
            }
        }
        let now = shared.sleep_until(wake).await?;
        Some(Slot {
            measure_from: now,
            lag: now.saturating_duration_since(wake),
            overdue: Duration::ZERO,
            started: now,
        })
    }

    async fn next_open(&mut self, shared: &Shared) -> Option<Slot> {
        let schedule = &shared.plan.scenarios[self.scenario].schedule;
        let arrivals = &shared.arrivals[self.scenario];
        let now = Instant::now();
        let since = now.saturating_duration_since(self.origin);
        if let Some(cutoff) = since.checked_sub(shared.max_lateness) {
            // Skip every arrival that was due before the cutoff: it is too late to be useful.
            let floor = schedule.arrivals_before(cutoff).floor() as u64;
            let previous = arrivals.fetch_max(floor, Ordering::Relaxed);
            if floor > previous {
                shared
                    .recorder
                    .record_dropped(self.index as usize, floor - previous);
            }
        }
        let k = arrivals.fetch_add(1, Ordering::Relaxed);
        let due = self.origin + schedule.arrival_time(k)?;
        let woke = shared.sleep_until(due).await?;
        // An arrival that was already due when this user got free waited for the system
        // under test: its latency counts from the due time (no coordinated omission). One
        // the user had to wait for only met the timer's granularity (~1 ms): that lag is the
        // generator's own, so it is reported as schedule lag, not as server latency.
        let (measure_from, lag, overdue) = if due <= now {
            (due, Duration::ZERO, now.duration_since(due))
        } else {
            (woke, woke.saturating_duration_since(due), Duration::ZERO)
        };
        Some(Slot {
            measure_from,
            lag,
            overdue,
            started: woke,
        })
    }
}

/// `mean` ± 50 %, uniformly.
fn jitter(mean: Duration, rng: &mut SmallRng) -> Duration {
    if mean.is_zero() {
        return Duration::ZERO;
    }
    mean.mul_f64(0.5 + rng.random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn jitter_stays_within_half_either_side_and_averages_out() {
        let mut rng = SmallRng::seed_from_u64(3);
        let mean = Duration::from_secs(1);
        let n = 10_000;
        let mut sum = Duration::ZERO;
        for _ in 0..n {
            let d = jitter(mean, &mut rng);
            assert!(d >= Duration::from_millis(500) && d <= Duration::from_millis(1500));
            sum += d;
        }
        let avg = sum.as_secs_f64() / f64::from(n);
        assert!((avg - 1.0).abs() < 0.02, "{avg}");
        assert_eq!(jitter(Duration::ZERO, &mut rng), Duration::ZERO);
    }
}
