//! What the load should be at each moment: a start value and stages, each ramping linearly
//! to its target over its duration (a stage whose target equals the previous one holds).
//!
//! For the closed model the value is the number of virtual users; for the open model it is
//! the arrival rate (iterations per second). The math here is exact and pure, so the
//! executor asks it "when does user `i` become active?" or "when is arrival `k` due?" instead
//! of polling.

use std::time::Duration;

/// How load is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// Virtual users loop request → think time; the schedule gives the number of users.
    Closed {
        /// Mean think time; each pause is jittered ±50 % so users drift apart.
        think_time: Duration,
    },
    /// Iterations arrive at the schedule's rate whether or not earlier ones finished; at most
    /// `max_vus` are in flight (each with its own connection).
    Open { max_vus: u32 },
}

/// One linear segment of a schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    pub duration: Duration,
    /// Users (closed) or arrivals per second (open) reached at the stage's end.
    pub target: f64,
}

impl Stage {
    pub fn new(duration: Duration, target: f64) -> Self {
        Stage { duration, target }
    }
}

/// Stages with linear ramps between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub model: Model,
    /// The value at time zero (a ramp from it is the first stage).
    pub start: f64,
    pub stages: Vec<Stage>,
}

impl Schedule {
    pub fn new(model: Model, start: f64, stages: Vec<Stage>) -> Self {
        Schedule {
            model,
            start,
            stages,
        }
    }

    /// Constant load for `duration`.
    pub fn constant(model: Model, value: f64, duration: Duration) -> Self {
        Schedule::new(model, value, vec![Stage::new(duration, value)])
    }

    pub fn total(&self) -> Duration {
        self.stages.iter().map(|s| s.duration).sum()
    }

    /// Every stage's duration multiplied by `factor` (think time is behaviour, not
    /// schedule: scaling it would multiply the request rate by `1 / factor`).
    pub fn scaled(&self, factor: f64) -> Schedule {
        let stages = self
            .stages
            .iter()
            .map(|s| Stage::new(s.duration.mul_f64(factor), s.target))
            .collect();
        Schedule::new(self.model.clone(), self.start, stages)
    }

    /// The largest value the schedule reaches.
    pub fn peak(&self) -> f64 {
        self.stages
            .iter()
            .map(|s| s.target)
            .fold(self.start, f64::max)
    }

    /// The stages as `(start_s, from, to, duration_s)`.
    fn segments(&self) -> impl Iterator<Item = (f64, f64, f64, f64)> + '_ {
        let mut at = 0.0;
        let mut from = self.start;
        self.stages.iter().map(move |s| {
            let segment = (at, from, s.target, s.duration.as_secs_f64());
            at += segment.3;
            from = s.target;
            segment
        })
    }

    /// The value at `t` (the last target after the end).
    pub fn value_at(&self, t: Duration) -> f64 {
        let t = t.as_secs_f64();
        let mut last = self.start;
        for (at, from, to, len) in self.segments() {
            if t < at + len {
                return if len == 0.0 {
                    to
                } else {
                    from + (to - from) * (t - at) / len
                };
            }
            last = to;
        }
        last
    }

    /// Closed model: users `0..active_users(t)` are active at `t`.
    pub fn active_users(&self, t: Duration) -> u32 {
        // A small epsilon so a ramp that reaches exactly 100 counts 100 users.
        (self.value_at(t) + 1e-9).floor().max(0.0) as u32
    }

    /// Closed model: the earliest time at or after `from` (and before the end) at which user
    /// `index` is active, i.e. the schedule is at least `index + 1`.
    pub fn next_active(&self, index: u32, from: Duration) -> Option<Duration> {
        let need = f64::from(index) + 1.0 - 1e-9;
        let from_s = from.as_secs_f64();
        for (at, a, b, len) in self.segments() {
            let end = at + len;
            if end <= from_s {
                continue;
            }
            let start = at.max(from_s);
            let value = |t: f64| a + (b - a) * (t - at) / len;
            if value(start) >= need {
                return Some(Duration::from_secs_f64(start));
            }
            if b >= need {
                // Rising ramp crosses `need` inside this stage.
                let t = at + (need - a) / (b - a) * len;
                return Some(Duration::from_secs_f64(t.max(start)));
            }
        }
        None
    }

    /// Open model: how many arrivals are due in `[0, t)` (the integral of the rate).
    pub fn arrivals_before(&self, t: Duration) -> f64 {
        let t = t.as_secs_f64();
        let mut sum = 0.0;
        for (at, a, b, len) in self.segments() {
            if t <= at {
                break;
            }
            let tau = (t - at).min(len);
            let slope = if len == 0.0 { 0.0 } else { (b - a) / len };
            sum += a * tau + slope * tau * tau / 2.0;
        }
        sum
    }

    /// Open model: when arrival number `k` (from 0) is due, or `None` past the end.
    pub fn arrival_time(&self, k: u64) -> Option<Duration> {
        let mut remaining = k as f64;
        for (at, a, b, len) in self.segments() {
            let in_stage = (a + b) / 2.0 * len;
            if remaining < in_stage {
                // Solve a·τ + c·τ² = m with c = (b - a) / 2len, in the form that stays stable
                // when c or a is zero.
                let c = (b - a) / (2.0 * len);
                let disc = (a * a + 4.0 * c * remaining).max(0.0);
                let denominator = a + disc.sqrt();
                let tau = if denominator > 0.0 {
                    2.0 * remaining / denominator
                } else {
                    0.0
                };
                return Some(Duration::from_secs_f64(at + tau.clamp(0.0, len)));
            }
            remaining -= in_stage;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    fn closed(start: f64, stages: &[(f64, f64)]) -> Schedule {
        Schedule::new(
            Model::Closed {
                think_time: secs(1.0),
            },
            start,
            stages
                .iter()
                .map(|&(d, t)| Stage::new(secs(d), t))
                .collect(),
        )
    }

    #[test]
    fn ramps_are_linear_and_holds_are_flat() {
        let s = closed(0.0, &[(10.0, 100.0), (5.0, 100.0), (5.0, 0.0)]);
        assert_eq!(s.total(), secs(20.0));
        assert_eq!(s.value_at(secs(0.0)), 0.0);
        assert!((s.value_at(secs(5.0)) - 50.0).abs() < 1e-9);
        assert_eq!(s.active_users(secs(10.0)), 100);
        assert_eq!(s.active_users(secs(12.0)), 100);
        assert_eq!(s.active_users(secs(17.5)), 50);
        assert_eq!(s.active_users(secs(25.0)), 0);
        assert_eq!(s.peak(), 100.0);
    }

    #[test]
    fn users_activate_where_the_ramp_crosses_them() {
        let s = closed(0.0, &[(10.0, 100.0), (10.0, 100.0)]);
        // User 49 needs the value 50, reached at 5 s.
        let t = s.next_active(49, Duration::ZERO).unwrap();
        assert!((t.as_secs_f64() - 5.0).abs() < 1e-6, "{t:?}");
        assert_eq!(s.next_active(0, secs(12.0)), Some(secs(12.0)));
        assert_eq!(s.next_active(100, Duration::ZERO), None);
        // After the end nobody is active.
        assert_eq!(s.next_active(0, secs(20.0)), None);
        // A user that ramps out and back in (spike shape).
        let spike = closed(10.0, &[(1.0, 10.0), (1.0, 100.0), (1.0, 10.0), (1.0, 10.0)]);
        let back = spike.next_active(50, secs(3.5));
        assert_eq!(back, None);
        assert!(spike.next_active(50, secs(0.0)).unwrap() > secs(1.0));
    }

    #[test]
    fn arrivals_integrate_the_rate_exactly() {
        let open = Schedule::new(
            Model::Open { max_vus: 10 },
            0.0,
            vec![Stage::new(secs(10.0), 100.0), Stage::new(secs(10.0), 100.0)],
        );
        // Ramp 0 → 100/s over 10 s gives 500 arrivals, the hold 1000 more.
        assert!((open.arrivals_before(secs(10.0)) - 500.0).abs() < 1e-9);
        assert!((open.arrivals_before(secs(20.0)) - 1500.0).abs() < 1e-9);
        for k in [0_u64, 1, 7, 125, 499, 500, 1234, 1499] {
            let t = open.arrival_time(k).unwrap();
            let back = open.arrivals_before(t);
            assert!((back - k as f64).abs() < 1e-6, "k {k} t {t:?} back {back}");
        }
        assert_eq!(open.arrival_time(1500), None);
        // A constant rate spaces arrivals evenly.
        let constant = Schedule::constant(Model::Open { max_vus: 1 }, 4.0, secs(1.0));
        assert_eq!(constant.arrival_time(2), Some(secs(0.5)));
        // A falling ramp too.
        let down = Schedule::new(
            Model::Open { max_vus: 1 },
            100.0,
            vec![Stage::new(secs(10.0), 0.0)],
        );
        let t = down.arrival_time(375).unwrap();
        assert!((t.as_secs_f64() - 5.0).abs() < 1e-6, "{t:?}");
    }

    #[test]
    fn time_scale_shrinks_stages_only() {
        let s = closed(0.0, &[(60.0, 100.0), (300.0, 100.0)]).scaled(0.01);
        assert_eq!(s.total(), secs(3.6));
        assert_eq!(s.model, closed(0.0, &[]).model);
        assert_eq!(s.active_users(secs(0.6)), 100);
    }
}
