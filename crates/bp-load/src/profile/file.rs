//! Custom profiles in TOML (`--profile-file`). The caller reads the file; this parses it.
//!
//! ```toml
//! name = "checkout"
//! thresholds = ["p(95)<300"]       # added to the SLA unless sla = false
//! sla = true
//!
//! [[scenarios]]
//! name = "users"
//! region = "us-east"               # optional: X-Region header and `region` tag
//! model = "closed"                 # or "open" (then targets are arrivals per second)
//! think_time = "1s"                # closed only
//! max_vus = 200                    # open only: in-flight requests at most
//! start = "0s"                     # offset from the run's start
//! start_value = 0                  # users / rate at the scenario's start
//! stages = [{ duration = "30s", target = 50 }, { duration = "2m", target = 50 }]
//! ```

use super::{Analysis, Plan, Scenario};
use crate::schedule::{Model, Schedule, Stage};
use crate::{Error, duration};
use serde::Deserialize;
use std::time::Duration;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Option<String>,
    #[serde(default)]
    thresholds: Vec<String>,
    sla: Option<bool>,
    scenarios: Vec<RawScenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    region: Option<String>,
    model: Option<String>,
    think_time: Option<String>,
    max_vus: Option<u32>,
    start: Option<String>,
    start_value: Option<f64>,
    stages: Vec<RawStage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    duration: String,
    target: f64,
}

/// Largest number of users or arrivals per second a profile may ask for.
const MAX_TARGET: f64 = 100_000.0;

pub fn from_toml(text: &str, default_think_time: Duration) -> Result<Plan, Error> {
    let raw: RawProfile =
        toml::from_str(text).map_err(|e| Error::InvalidProfile(e.message().to_owned()))?;
    if raw.scenarios.is_empty() {
        return Err(Error::InvalidProfile("no [[scenarios]]".to_owned()));
    }
    for t in &raw.thresholds {
        crate::Threshold::parse(t)?;
    }
    let scenarios = raw
        .scenarios
        .into_iter()
        .enumerate()
        .map(|(i, s)| scenario(i, s, default_think_time))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Plan {
        name: raw.name.unwrap_or_else(|| "custom".to_owned()),
        scenarios,
        thresholds: raw.thresholds,
        sla_thresholds: raw.sla.unwrap_or(true),
        analysis: Analysis::None,
    })
}

fn scenario(i: usize, raw: RawScenario, default_think_time: Duration) -> Result<Scenario, Error> {
    let name = raw.name.unwrap_or_else(|| format!("scenario-{}", i + 1));
    let invalid = |why: &str| Error::InvalidProfile(format!("scenario `{name}`: {why}"));
    let model = match raw.model.as_deref().unwrap_or("closed") {
        "closed" => Model::Closed {
            think_time: match &raw.think_time {
                Some(t) => duration::parse(t)?,
                None => default_think_time,
            },
        },
        "open" => Model::Open {
            max_vus: raw.max_vus.unwrap_or(100).clamp(1, 100_000),
        },
        other => {
            return Err(invalid(&format!(
                "model `{other}` is neither closed nor open"
            )));
        }
    };
    let stages = raw
        .stages
        .iter()
        .map(|s| Ok(Stage::new(duration::parse(&s.duration)?, s.target)))
        .collect::<Result<Vec<_>, Error>>()?;
    let start_value = raw.start_value.unwrap_or(0.0);
    let values = stages.iter().map(|s| s.target).chain([start_value]);
    if values.clone().any(|v| !(0.0..=MAX_TARGET).contains(&v)) {
        return Err(invalid(&format!(
            "targets must be between 0 and {MAX_TARGET}"
        )));
    }
    if stages.is_empty() || stages.iter().all(|s| s.duration.is_zero()) {
        return Err(invalid("needs at least one stage with a duration"));
    }
    Ok(Scenario {
        name,
        region: raw.region,
        start: raw
            .start
            .as_deref()
            .map(duration::parse)
            .transpose()?
            .unwrap_or_default(),
        schedule: Schedule::new(model, start_value, stages),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_custom_profile() {
        let plan = from_toml(
            r#"
            name = "mine"
            thresholds = ["p(95)<300"]
            [[scenarios]]
            region = "eu-west"
            stages = [{ duration = "30s", target = 50 }, { duration = "1m", target = 50 }]
            [[scenarios]]
            model = "open"
            max_vus = 20
            start = "10s"
            start_value = 5
            stages = [{ duration = "1m", target = 100 }]
            "#,
            Duration::from_secs(2),
        )
        .unwrap();
        assert_eq!(plan.name, "mine");
        assert_eq!(plan.scenarios.len(), 2);
        assert_eq!(
            plan.scenarios[0].schedule.model,
            Model::Closed {
                think_time: Duration::from_secs(2)
            }
        );
        assert_eq!(
            plan.scenarios[1].schedule.model,
            Model::Open { max_vus: 20 }
        );
        assert_eq!(plan.total(), Duration::from_secs(90));
    }

    #[test]
    fn rejects_bad_profiles() {
        for bad in [
            "",
            "scenarios = []",
            "[[scenarios]]\nstages = []",
            "[[scenarios]]\nmodel = \"half-open\"\nstages = [{ duration = \"1s\", target = 1 }]",
            "[[scenarios]]\nstages = [{ duration = \"1 fortnight\", target = 1 }]",
            "[[scenarios]]\nstages = [{ duration = \"1s\", target = -1 }]",
            "thresholds = [\"p95<1\"]\n[[scenarios]]\nstages = [{ duration = \"1s\", target = 1 }]",
            "[[scenarios]]\nwhat = 1\nstages = [{ duration = \"1s\", target = 1 }]",
        ] {
            let e = from_toml(bad, Duration::from_secs(1)).unwrap_err();
            assert!(e.is_usage(), "{bad}: {e}");
        }
    }
}
