//! The product's load profiles, with the numbers of the product plan.

use super::{Analysis, Plan, Scenario};
use crate::Error;
use crate::schedule::{Model, Schedule, Stage};
use std::time::Duration;

pub const NAMES: [&str; 8] = [
    "baseline",
    "normal",
    "peak",
    "stress",
    "spike",
    "ramp-up",
    "sustained",
    "geo",
];

const fn min(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

const fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The stress profile's arrival rate ramps from what 2000 users produce to this, far above
/// what one instance serves, so the SLA breaks before the ramp ends.
const STRESS_MAX_RATE: f64 = 60_000.0;
/// Connections of the stress profile's open phase: in-flight requests at most. Few, because
/// a server serves less the more connections it juggles (wrk: ~45 k req/s at 50
/// connections, ~32 k at 2000 on the same server), and at the breaking point every one is
/// busy: with 2000 the SLA broke at 36 k req/s, with 100 at 42 k (B10, bench/runs). When
/// they are all busy, arrivals wait and count as late, so the SLA still breaks. A server
/// whose latency is high even below capacity needs more: `load --max-vus`.
const STRESS_MAX_VUS: u32 = 100;

/// The profile `name`; closed scenarios think for `think_time` between requests.
pub fn builtin(name: &str, think_time: Duration) -> Result<Plan, Error> {
    let closed = Model::Closed { think_time };
    let ramp_hold = |users: f64, ramp: Duration, hold: Duration| {
        Schedule::new(
            closed.clone(),
            0.0,
            vec![Stage::new(ramp, users), Stage::new(hold, users)],
        )
    };
    let plan = match name {
        "baseline" => Plan::single(name, ramp_hold(100.0, min(1), min(5))),
        "normal" => Plan::single(name, ramp_hold(500.0, min(2), min(10))),
        "peak" => Plan::single(name, ramp_hold(1000.0, min(3), min(15))),
        "ramp-up" => Plan::single(
            name,
            Schedule::new(
                closed,
                0.0,
                vec![
                    Stage::new(min(2), 100.0),
                    Stage::new(min(3), 500.0),
                    Stage::new(min(3), 1000.0),
                    Stage::new(min(5), 1000.0),
                    Stage::new(min(2), 0.0),
                ],
            ),
        ),
        "sustained" => Plan {
            analysis: Analysis::Degradation { from: min(1) },
            ..Plan::single(name, ramp_hold(500.0, min(1), min(30)))
        },
        "spike" => spike(closed),
        "stress" => stress(closed),
        "geo" => geo(closed),
        _ => return Err(Error::UnknownProfile(name.to_owned())),
    };
    Ok(plan)
}

/// 100 users; three times: jump to 1000 (10 s), hold 2 m, drop back to 100 (10 s), and give
/// the service 3 m at 100 users to recover.
fn spike(closed: Model) -> Plan {
    let mut stages = vec![Stage::new(secs(30), 100.0), Stage::new(min(1), 100.0)];
    let mut spikes = Vec::new();
    let mut at = secs(90);
    for _ in 0..3 {
        let start = at;
        stages.extend([
            Stage::new(secs(10), 1000.0),
            Stage::new(min(2), 1000.0),
            Stage::new(secs(10), 100.0),
            Stage::new(min(3), 100.0),
        ]);
        let end = start + secs(10) + min(2);
        spikes.push((start, end));
        at = end + secs(10) + min(3);
    }
    Plan {
        analysis: Analysis::Recovery { spikes },
        ..Plan::single("spike", Schedule::new(closed, 0.0, stages))
    }
}

/// Closed users 0 → 2000, then an open arrival rate from 2000/s upwards until the SLA breaks.
/// The verdict of a stress run is its breaking point, so the SLA is not a threshold here.
fn stress(closed: Model) -> Plan {
    let users = Schedule::new(
        closed,
        0.0,
        vec![
            Stage::new(min(2), 500.0),
            Stage::new(min(2), 1000.0),
            Stage::new(min(2), 2000.0),
            Stage::new(min(1), 2000.0),
        ],
    );
    let rate = Schedule::new(
        Model::Open {
            max_vus: STRESS_MAX_VUS,
        },
        2000.0,
        vec![Stage::new(min(10), STRESS_MAX_RATE)],
    );
    let start_rate = users.total();
    let mut plan = Plan::single("stress", users);
    plan.scenarios[0].name = "stress-users".to_owned();
    plan.scenarios.push(Scenario {
        name: "stress-rate".to_owned(),
        region: None,
        start: start_rate,
        schedule: rate,
    });
    plan.sla_thresholds = false;
    plan.analysis = Analysis::BreakingPoint;
    plan
}

/// Three regions at once, 100 users each; farther regions get a looser p95.
fn geo(closed: Model) -> Plan {
    let regions = [("us-east", 200), ("eu-west", 250), ("ap-south", 300)];
    let scenarios = regions
        .iter()
        .map(|(region, _)| Scenario {
            name: format!("geo-{region}"),
            region: Some((*region).to_owned()),
            start: Duration::ZERO,
            schedule: Schedule::new(
                closed.clone(),
                0.0,
                vec![Stage::new(min(1), 100.0), Stage::new(min(5), 100.0)],
            ),
        })
        .collect();
    Plan {
        name: "geo".to_owned(),
        scenarios,
        thresholds: regions
            .iter()
            .flat_map(|(region, p95)| {
                [
                    format!("p(95){{region:{region}}}<{p95}"),
                    format!("rate{{region:{region}}}<0.001"),
                ]
            })
            .collect(),
        sla_thresholds: true,
        analysis: Analysis::None,
    }
}
