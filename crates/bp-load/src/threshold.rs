//! Pass/fail criteria in k6-like syntax: `p(95)<200`, `rate<0.001`, `p(95){region:eu-west}<250`.
//!
//! Metrics: `p(N)`, `med`, `avg`, `min`, `max` (latency in ms), `rate` (error rate, 0..1),
//! `rps` (throughput), `accuracy` (technique accuracy, 0..1). Tags: `region`, `endpoint`,
//! `scenario`. Operators: `<`, `<=`, `>`, `>=`.

use crate::Error;
use bp_metrics::LatencyHistogram;
pub use bp_report::Verdict;
use bp_report::model::quantile_ms;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// Latency at a percentile (0..100), ms.
    Percentile(f64),
    Avg,
    Min,
    Max,
    /// Failed requests / requests.
    ErrorRate,
    /// Requests per second over the run.
    Rps,
    /// Technique accuracy of enhance and batch responses.
    Accuracy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

/// A tag a threshold can be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagKey {
    Region,
    Endpoint,
    Scenario,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub expr: String,
    pub metric: Metric,
    pub filter: Vec<(TagKey, String)>,
    pub op: Op,
    pub bound: f64,
}

/// What a threshold is checked against: the figures of the requests matching its filter.
#[derive(Debug, Clone)]
pub struct Observed {
    pub latency: LatencyHistogram,
    pub requests: u64,
    pub errors: u64,
    pub duration_s: f64,
    /// `None` when no response could be checked.
    pub accuracy: Option<f64>,
}

impl Threshold {
    pub fn parse(expr: &str) -> Result<Threshold, Error> {
        let bad = |reason: &str| Error::InvalidThreshold {
            expr: expr.to_owned(),
            reason: reason.to_owned(),
        };
        let text: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
        let op_at = text
            .find(['<', '>'])
            .ok_or_else(|| bad("expected an operator <, <=, > or >="))?;
        let (lhs, rest) = text.split_at(op_at);
        let (op, number) = match rest.as_bytes() {
            [b'<', b'=', ..] => (Op::Le, &rest[2..]),
            [b'>', b'=', ..] => (Op::Ge, &rest[2..]),
            [b'<', ..] => (Op::Lt, &rest[1..]),
            _ => (Op::Gt, &rest[1..]),
        };
        let bound: f64 = number
            .parse()
            .ok()
            .filter(|b: &f64| b.is_finite())
            .ok_or_else(|| bad("the bound must be a number"))?;
        let (name, filter) = match lhs.split_once('{') {
            Some((name, tags)) => {
                let tags = tags
                    .strip_suffix('}')
                    .ok_or_else(|| bad("tag filter must end with `}`"))?;
                (name, parse_tags(tags).map_err(|r| bad(&r))?)
            }
            None => (lhs, Vec::new()),
        };
        let metric = match name {
            "med" => Metric::Percentile(50.0),
            "avg" => Metric::Avg,
            "min" => Metric::Min,
            "max" => Metric::Max,
            "rate" => Metric::ErrorRate,
            "rps" => Metric::Rps,
            "accuracy" => Metric::Accuracy,
            _ => {
                let p = name
                    .strip_prefix("p(")
                    .and_then(|p| p.strip_suffix(')'))
                    .and_then(|p| p.parse::<f64>().ok())
                    .ok_or_else(|| {
                        bad("metrics are p(N), med, avg, min, max, rate, rps and accuracy")
                    })?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(bad("a percentile is between 0 and 100"));
                }
                Metric::Percentile(p)
            }
        };
        Ok(Threshold {
            expr: expr.trim().to_owned(),
            metric,
            filter,
            op,
            bound,
        })
    }

    /// The SLA: p50 < 100 ms, p95 < 200 ms, p99 < 500 ms, error rate < 0.1 %.
    pub fn sla() -> Vec<Threshold> {
        ["p(50)<100", "p(95)<200", "p(99)<500", "rate<0.001"]
            .into_iter()
            .filter_map(|e| Threshold::parse(e).ok())
            .collect()
    }

    /// The observed value, or `None` when nothing matched.
    pub fn value(&self, observed: &Observed) -> Option<f64> {
        let has_requests = observed.requests > 0;
        match self.metric {
            Metric::Percentile(p) => {
                (!observed.latency.is_empty()).then(|| quantile_ms(&observed.latency, p / 100.0))
            }
            Metric::Avg => observed.latency.mean_us().map(|us| us / 1000.0),
            Metric::Min => observed.latency.min_us().map(|us| us as f64 / 1000.0),
            Metric::Max => observed.latency.max_us().map(|us| us as f64 / 1000.0),
            Metric::ErrorRate => {
                has_requests.then(|| observed.errors as f64 / observed.requests as f64)
            }
            Metric::Rps => {
                (observed.duration_s > 0.0).then(|| observed.requests as f64 / observed.duration_s)
            }
            Metric::Accuracy => observed.accuracy,
        }
    }

    /// A threshold over nothing fails: a run that measured nothing proves nothing.
    pub fn verdict(&self, observed: &Observed) -> Verdict {
        let value = self.value(observed);
        let ok = value.is_some_and(|v| match self.op {
            Op::Lt => v < self.bound,
            Op::Le => v <= self.bound,
            Op::Gt => v > self.bound,
            Op::Ge => v >= self.bound,
        });
        Verdict {
            expr: self.expr.clone(),
            ok,
            value,
        }
    }
}

fn parse_tags(tags: &str) -> Result<Vec<(TagKey, String)>, String> {
    tags.split(',')
        .map(|pair| {
            let (key, value) = pair
                .split_once(':')
                .ok_or_else(|| "tags are key:value pairs".to_owned())?;
            let key = match key {
                "region" => TagKey::Region,
                "endpoint" => TagKey::Endpoint,
                "scenario" => TagKey::Scenario,
                _ => {
                    return Err(format!(
                        "unknown tag `{key}`; tags are region, endpoint, scenario"
                    ));
                }
            };
            if value.is_empty() {
                return Err("a tag value is empty".to_owned());
            }
            Ok((key, value.to_owned()))
        })
        .collect()
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_metrics::Precision;

    #[test]
    fn parses_k6_like_expressions() {
        let t = Threshold::parse("p(95)<200").unwrap();
        assert_eq!(
            (t.metric, t.op, t.bound),
            (Metric::Percentile(95.0), Op::Lt, 200.0)
        );
        let t = Threshold::parse(" p(99.9) <= 500 ").unwrap();
        assert_eq!((t.metric, t.op), (Metric::Percentile(99.9), Op::Le));
        let t = Threshold::parse("rate<0.001").unwrap();
        assert_eq!(t.metric, Metric::ErrorRate);
        let t = Threshold::parse("p(95){region:eu-west}<250").unwrap();
        assert_eq!(t.filter, vec![(TagKey::Region, "eu-west".to_owned())]);
        let t = Threshold::parse("avg{endpoint:enhance,region:us-east}>=1").unwrap();
        assert_eq!(t.filter.len(), 2);
        assert_eq!(t.op, Op::Ge);
        assert_eq!(Threshold::parse("rps>900").unwrap().metric, Metric::Rps);
        assert_eq!(Threshold::sla().len(), 4);
        for bad in [
            "p95<200",
            "p(95)",
            "p(95)<x",
            "p(101)<1",
            "p(95){region}<1",
            "p(95){color:red}<1",
            "p(95){region:eu<1",
            "latency<1",
            "",
        ] {
            let e = Threshold::parse(bad).unwrap_err();
            assert!(e.is_usage(), "{bad}");
        }
    }

    #[test]
    fn verdicts_compare_the_observed_value() {
        let mut latency = LatencyHistogram::new(Precision::Total);
        for ms in 1..=100_u64 {
            latency.record_us(ms * 1000);
        }
        let observed = Observed {
            latency,
            requests: 1000,
            errors: 2,
            duration_s: 10.0,
            accuracy: Some(0.9),
        };
        let check = |e: &str| Threshold::parse(e).unwrap().verdict(&observed);
        assert!(check("p(95)<200").ok);
        let v = check("p(95)<50");
        assert!(!v.ok);
        assert!((v.value.unwrap() - 95.0).abs() < 0.5);
        assert!(!check("rate<0.001").ok);
        assert!(check("rate<0.01").ok);
        assert!(check("rps>=100").ok);
        assert!(check("accuracy>0.85").ok);
        let empty = Observed {
            latency: LatencyHistogram::new(Precision::Total),
            requests: 0,
            errors: 0,
            duration_s: 1.0,
            accuracy: None,
        };
        let v = Threshold::parse("p(95)<200").unwrap().verdict(&empty);
        assert!(!v.ok && v.value.is_none());
    }
}
