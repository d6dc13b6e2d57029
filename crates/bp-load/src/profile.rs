//! Load profiles: a [`Plan`] of one or more scenarios, each a schedule that starts at some
//! offset and may carry a region tag. The product's profiles are built in ([`builtin`]);
//! custom ones come from TOML ([`from_toml`]).

mod builtin;
mod file;

pub use builtin::{NAMES, builtin};
pub use file::from_toml;

use crate::Error;
use crate::schedule::{Model, Schedule};
use crate::threshold::Threshold;
use std::time::Duration;

/// Share of its target arrival rate a run must deliver. Not 100 %: the run's duration
/// includes the last responses' tail, and a handful of arrivals dropped at a 1 s scale
/// would otherwise fail a healthy run.
const TARGET_RATE_SHARE: f64 = 0.95;

/// One stream of load: its own virtual users, schedule and tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// Sent as `X-Region` and used as the `region` tag.
    pub region: Option<String>,
    /// When the scenario starts, from the run's start.
    pub start: Duration,
    pub schedule: Schedule,
}

/// What a profile reports beyond the usual figures.
#[derive(Debug, Clone, PartialEq)]
pub enum Analysis {
    None,
    /// Raise load until the SLA breaks; stop there and report the breaking point.
    BreakingPoint,
    /// Spikes `(start, end)` from the run's start; report the recovery time after each.
    Recovery {
        spikes: Vec<(Duration, Duration)>,
    },
    /// Trend of p95 and error rate from `from` on, with a significance test.
    Degradation {
        from: Duration,
    },
}

/// A whole run: scenarios running concurrently (each from its own start).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub name: String,
    pub scenarios: Vec<Scenario>,
    /// Threshold expressions this profile adds to (or, for stress, uses instead of) the SLA.
    pub thresholds: Vec<String>,
    /// Whether the SLA defaults apply.
    pub sla_thresholds: bool,
    pub analysis: Analysis,
}

impl Plan {
    /// An ad-hoc closed run: `vus` users for `duration`.
    pub fn closed(vus: u32, duration: Duration, think_time: Duration) -> Plan {
        Plan::single(
            "closed",
            Schedule::constant(Model::Closed { think_time }, f64::from(vus), duration),
        )
    }

    /// An ad-hoc open run: `rate` arrivals per second for `duration`.
    pub fn open(rate: f64, duration: Duration, max_vus: u32) -> Plan {
        Plan::single(
            "open",
            Schedule::constant(Model::Open { max_vus }, rate, duration),
        )
    }

    fn single(name: &str, schedule: Schedule) -> Plan {
        Plan {
            name: name.to_owned(),
            scenarios: vec![Scenario {
                name: name.to_owned(),
                region: None,
                start: Duration::ZERO,
                schedule,
            }],
            thresholds: Vec::new(),
            sla_thresholds: true,
            analysis: Analysis::None,
        }
    }

    /// Every duration multiplied by `factor` (starts, stages, analysis windows).
    pub fn scaled(&self, factor: f64) -> Plan {
        let scenarios = self
            .scenarios
            .iter()
            .map(|s| Scenario {
                start: s.start.mul_f64(factor),
                schedule: s.schedule.scaled(factor),
                ..s.clone()
            })
            .collect();
        let analysis = match &self.analysis {
            Analysis::Recovery { spikes } => Analysis::Recovery {
                spikes: spikes
                    .iter()
                    .map(|(a, b)| (a.mul_f64(factor), b.mul_f64(factor)))
                    .collect(),
            },
            Analysis::Degradation { from } => Analysis::Degradation {
                from: from.mul_f64(factor),
            },
            other => other.clone(),
        };
        Plan {
            scenarios,
            analysis,
            ..self.clone()
        }
    }

    /// The thresholds a run is judged by unless the user gives their own: the SLA (unless
    /// the profile opts out, like stress), the profile's own, and its target rate.
    pub fn default_thresholds(&self) -> Result<Vec<Threshold>, Error> {
        let mut thresholds = if self.sla_thresholds {
            Threshold::sla()
        } else {
            Vec::new()
        };
        for expr in self.thresholds.iter().chain(&self.target_rate_threshold()) {
            thresholds.push(Threshold::parse(expr)?);
        }
        Ok(thresholds)
    }

    /// `rps>=N` for a plan with open-model (arrival-rate) scenarios, N being 95 % of their
    /// planned arrivals over the run's length, so a run that could not deliver its rate
    /// fails. Closed scenarios have no target rate: their throughput is what the server
    /// gives them. A profile judged by something else than the SLA (stress, whose rate is
    /// meant to break it) gets none either.
    pub fn target_rate_threshold(&self) -> Option<String> {
        if !self.sla_thresholds {
            return None;
        }
        let arrivals: f64 = self
            .scenarios
            .iter()
            .filter(|s| matches!(s.schedule.model, Model::Open { .. }))
            .map(|s| s.schedule.arrivals_before(s.schedule.total()))
            .sum();
        let total_s = self.total().as_secs_f64();
        if arrivals <= 0.0 || total_s <= 0.0 {
            return None;
        }
        // Two decimals, rounded down: `rps>=950`, `rps>=0.47`.
        let rate = (arrivals / total_s * TARGET_RATE_SHARE * 100.0).floor() / 100.0;
        Some(format!("rps>={rate}"))
    }

    /// When the last scenario ends.
    pub fn total(&self) -> Duration {
        self.scenarios
            .iter()
            .map(|s| s.start + s.schedule.total())
            .max()
            .unwrap_or_default()
    }

    /// The same plan with every open-model scenario capped at `max_vus` in-flight requests.
    pub fn with_open_max_vus(mut self, max_vus: u32) -> Plan {
        for scenario in &mut self.scenarios {
            if let Model::Open { max_vus: cap } = &mut scenario.schedule.model {
                *cap = max_vus;
            }
        }
        self
    }

    /// Virtual users the run may need at most (closed peak users + open `max_vus`).
    pub fn max_vus(&self) -> u64 {
        self.scenarios
            .iter()
            .map(|s| match s.schedule.model {
                Model::Closed { .. } => s.schedule.peak().ceil() as u64,
                Model::Open { max_vus } => u64::from(max_vus),
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_is_well_formed_and_scales() {
        for name in NAMES {
            let plan = builtin(name, Duration::from_secs(1)).unwrap();
            assert!(!plan.scenarios.is_empty(), "{name}");
            assert!(plan.total() > Duration::from_secs(60), "{name}");
            for t in &plan.thresholds {
                crate::Threshold::parse(t).unwrap();
            }
            let scaled = plan.scaled(0.01);
            let ratio = scaled.total().as_secs_f64() / plan.total().as_secs_f64();
            assert!((ratio - 0.01).abs() < 1e-6, "{name} {ratio}");
        }
        assert!(builtin("nope", Duration::from_secs(1)).is_err());
    }

    #[test]
    fn a_target_rate_is_a_default_threshold_of_open_plans_only() {
        let secs = Duration::from_secs;
        let open = Plan::open(1000.0, secs(60), 100);
        assert_eq!(open.target_rate_threshold().as_deref(), Some("rps>=950"));
        let exprs: Vec<String> = open
            .default_thresholds()
            .unwrap()
            .iter()
            .map(|t| t.expr.clone())
            .collect();
        assert_eq!(
            exprs,
            [
                "p(50)<100",
                "p(95)<200",
                "p(99)<500",
                "rate<0.001",
                "rps>=950"
            ]
        );
        // Time-scaling keeps the rate.
        assert_eq!(
            open.scaled(0.01).target_rate_threshold().as_deref(),
            Some("rps>=950")
        );
        assert_eq!(
            Plan::open(0.5, secs(10), 1)
                .target_rate_threshold()
                .as_deref(),
            Some("rps>=0.47")
        );
        let closed = Plan::closed(10, secs(60), secs(1));
        assert_eq!(closed.target_rate_threshold(), None);
        assert_eq!(closed.default_thresholds().unwrap().len(), 4);
        // Stress ramps its rate to break the SLA on purpose: no target there.
        let stress = builtin("stress", secs(1)).unwrap();
        assert_eq!(stress.target_rate_threshold(), None);
        assert!(stress.default_thresholds().unwrap().is_empty());
        let geo = builtin("geo", secs(1)).unwrap();
        assert_eq!(geo.default_thresholds().unwrap().len(), 4 + 6);
    }

    #[test]
    fn product_numbers() {
        let secs = |s: u64| Duration::from_secs(s);
        let one = |name: &str| builtin(name, secs(1)).unwrap();
        let baseline = one("baseline");
        assert_eq!(baseline.total(), secs(6 * 60));
        assert_eq!(baseline.scenarios[0].schedule.peak(), 100.0);
        assert_eq!(one("normal").total(), secs(12 * 60));
        assert_eq!(one("normal").max_vus(), 500);
        assert_eq!(one("peak").total(), secs(18 * 60));
        assert_eq!(one("peak").max_vus(), 1000);
        let ramp = one("ramp-up");
        assert_eq!(ramp.total(), secs(15 * 60));
        let s = &ramp.scenarios[0].schedule;
        assert_eq!(s.active_users(secs(120)), 100);
        assert_eq!(s.active_users(secs(300)), 500);
        assert_eq!(s.active_users(secs(480)), 1000);
        assert_eq!(s.active_users(secs(780)), 1000);
        assert_eq!(s.active_users(secs(900)), 0);
        let spike = one("spike");
        let Analysis::Recovery { spikes } = &spike.analysis else {
            panic!("spike analysis")
        };
        assert_eq!(spikes.len(), 3);
        let s = &spike.scenarios[0].schedule;
        for (start, end) in spikes {
            assert_eq!(s.active_users(*start + secs(60)), 1000);
            assert_eq!(*end - *start, secs(2 * 60 + 10));
            assert_eq!(s.active_users(*end + secs(30)), 100);
        }
        let geo = one("geo");
        let regions: Vec<_> = geo
            .scenarios
            .iter()
            .filter_map(|s| s.region.clone())
            .collect();
        assert_eq!(regions, ["us-east", "eu-west", "ap-south"]);
        assert!(
            geo.thresholds
                .iter()
                .any(|t| t.contains("{region:eu-west}"))
        );
        let sustained = one("sustained");
        assert!(sustained.total() >= secs(30 * 60));
        let stress = one("stress");
        assert_eq!(stress.analysis, Analysis::BreakingPoint);
        assert!(matches!(
            stress.scenarios[1].schedule.model,
            Model::Open { .. }
        ));
        assert_eq!(stress.scenarios[0].schedule.peak(), 2000.0);
        assert_eq!(stress.max_vus(), 2000 + 100, "users, then 100 connections");
        // `--max-vus` caps the open phase only.
        let capped = stress.with_open_max_vus(7);
        assert!(matches!(
            capped.scenarios[1].schedule.model,
            Model::Open { max_vus: 7 }
        ));
        assert!(matches!(
            capped.scenarios[0].schedule.model,
            Model::Closed { .. }
        ));
    }
}
