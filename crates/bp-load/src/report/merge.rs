//! Merging reports of runs made at the same time (e.g. from several machines) into one:
//! counts add up, histograms merge exactly, percentiles are recomputed from the merged
//! histograms (never averaged), thresholds are evaluated again on the merged figures.

use super::build::{Tagged, cells_of, evaluate, summaries};
use super::{GeneratorReport, Histograms, Iterations, LatencySummary, Report, WindowPoint, ratio};
use crate::Error;
use crate::hist::{Histogram, Precision};
use crate::recorder::Stats;
use crate::threshold::Threshold;

fn invalid(e: impl std::fmt::Display) -> Error {
    Error::InvalidReport(e.to_string())
}

fn merged_histogram(a: &str, b: &str) -> Result<Histogram, Error> {
    let mut h = Histogram::from_base64(a).map_err(invalid)?;
    h.merge(&Histogram::from_base64(b).map_err(invalid)?)
        .map_err(invalid)?;
    Ok(h)
}

fn tagged(report: &Report) -> Result<Vec<Tagged>, Error> {
    report
        .breakdown
        .iter()
        .map(|c| {
            Ok(Tagged {
                scenario: c.scenario.clone(),
                region: c.region.clone(),
                endpoint: c.endpoint.clone(),
                stats: c.stats().map_err(invalid)?,
            })
        })
        .collect()
}

impl Report {
    /// `self` and `other` as one run: they are taken to have run concurrently, so the
    /// duration is the longer of the two and throughputs add up.
    pub fn merge(&self, other: &Report) -> Result<Report, Error> {
        let latency = merged_histogram(&self.histograms.latency, &other.histograms.latency)?;
        let lag = merged_histogram(
            &self.histograms.schedule_lag,
            &other.histograms.schedule_lag,
        )?;
        let mut cells = tagged(self)?;
        for c in tagged(other)? {
            match cells.iter_mut().find(|m| {
                (&m.scenario, &m.region, &m.endpoint) == (&c.scenario, &c.region, &c.endpoint)
            }) {
                Some(m) => m.stats.merge(&c.stats),
                None => cells.push(c),
            }
        }
        let requests = self.requests + other.requests;
        let errors = self.errors + other.errors;
        let checked = self.technique_checked + other.technique_checked;
        let correct = self.technique_correct + other.technique_correct;
        let duration_s = self.duration_s.max(other.duration_s);
        let all = Stats {
            latency: latency.clone(),
            requests,
            errors,
            checked,
            correct,
        };
        let mut expressions: Vec<String> = self.thresholds.iter().map(|v| v.expr.clone()).collect();
        for v in &other.thresholds {
            if !expressions.contains(&v.expr) {
                expressions.push(v.expr.clone());
            }
        }
        let thresholds: Vec<Threshold> = expressions
            .iter()
            .map(|e| Threshold::parse(e))
            .collect::<Result<_, _>>()?;
        let verdicts = evaluate(&thresholds, &all, &cells, duration_s);
        let (by_endpoint, by_region) = summaries(&cells);
        let time_series = merge_series(&self.time_series, &other.time_series)?;
        let mut errors_by_kind = self.errors_by_kind.clone();
        for (k, n) in &other.errors_by_kind {
            *errors_by_kind.entry(k.clone()).or_default() += n;
        }
        let cpu_s = self.generator.cpu_s + other.generator.cpu_s;
        let analysis = self.analysis.as_ref().map(|a| a.recompute(&time_series));
        Ok(Report {
            schema_version: self.schema_version,
            profile: self.profile.clone(),
            target: self.target.clone(),
            mix: self.mix.clone(),
            planned_duration_s: self.planned_duration_s.max(other.planned_duration_s),
            duration_s,
            requests,
            errors,
            error_rate: ratio(errors, requests),
            throughput_rps: if duration_s > 0.0 {
                requests as f64 / duration_s
            } else {
                0.0
            },
            latency_ms: LatencySummary::of(&latency),
            technique_accuracy: all.accuracy(),
            technique_checked: checked,
            technique_correct: correct,
            iterations: Iterations {
                late: self.iterations.late + other.iterations.late,
                dropped: self.iterations.dropped + other.iterations.dropped,
                interrupted: self.iterations.interrupted + other.iterations.interrupted,
            },
            errors_by_kind,
            thresholds_ok: verdicts.iter().all(|v| v.ok),
            thresholds: verdicts,
            stopped_early: self
                .stopped_early
                .clone()
                .or_else(|| other.stopped_early.clone()),
            generator: GeneratorReport {
                cpu_s,
                // Each generator's share of its own machine; the merged run is bound if
                // either one was.
                cpu_percent: self.generator.cpu_percent.max(other.generator.cpu_percent),
                cpu_us_per_request: if requests > 0 {
                    cpu_s * 1e6 / requests as f64
                } else {
                    0.0
                },
                generator_bound: self.generator.generator_bound || other.generator.generator_bound,
                threads: self.generator.threads + other.generator.threads,
                schedule_lag_ms: LatencySummary::of(&lag),
                max_rss_bytes: self
                    .generator
                    .max_rss_bytes
                    .max(other.generator.max_rss_bytes),
                virtual_users: self.generator.virtual_users + other.generator.virtual_users,
            },
            by_endpoint,
            by_region,
            breakdown: cells_of(&cells),
            analysis,
            time_series,
            histograms: Histograms {
                latency: latency.to_base64(),
                schedule_lag: lag.to_base64(),
            },
        })
    }
}

/// Windows merge by position: runs started together have aligned windows.
fn merge_series(a: &[WindowPoint], b: &[WindowPoint]) -> Result<Vec<WindowPoint>, Error> {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => {
                let mut stats = Stats::new(Precision::Window);
                stats.latency = merged_histogram(&x.histogram, &y.histogram)?;
                stats.requests = x.requests + y.requests;
                stats.errors = x.errors + y.errors;
                let window_s = x.window_s.max(y.window_s);
                Ok(WindowPoint::new(
                    x.t_s.min(y.t_s),
                    window_s,
                    &stats,
                    x.dropped + y.dropped,
                    x.users + y.users,
                ))
            }
            (Some(x), None) | (None, Some(x)) => Ok(x.clone()),
            (None, None) => Err(invalid("series index out of range")),
        })
        .collect()
}
