//! The time range and filters every metrics query takes: `from`/`to` as RFC 3339 or relative
//! (`-15m`, `-24h`, `-7d`, `now`), and `technique`, `segment`, `region`, `endpoint`.

use super::resolution_for;
use crate::error::ApiError;
use bp_api::{Segment, Technique};
use bp_metrics::{Endpoint, Filter};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::time::Duration;
use utoipa::IntoParams;

const DEFAULT_RANGE: Duration = Duration::from_secs(15 * 60);
/// Ranges past a year would only read hour rollups that retention already pruned.
const MAX_RANGE: Duration = Duration::from_secs(400 * 24 * 3600);

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// Start: RFC 3339, or relative to now like `-15m`, `-6h`, `-7d` (default `-15m`).
    pub from: Option<String>,
    /// End: RFC 3339, relative, or `now` (default `now`).
    pub to: Option<String>,
    pub technique: Option<Technique>,
    pub segment: Option<Segment>,
    pub region: Option<String>,
    /// enhance, batch, history, analyze, techniques, feedback, admin, metrics, health, other.
    pub endpoint: Option<String>,
    /// One instance alone (its `--metrics-source`); the whole fleet by default.
    pub source: Option<String>,
}

/// A validated range, aligned outward to its resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from_us: u64,
    pub to_us: u64,
    pub resolution_secs: u32,
}

impl Window {
    pub fn start_us(&self) -> i64 {
        i64::try_from(self.from_us).unwrap_or(i64::MAX)
    }

    pub fn end_us(&self) -> i64 {
        i64::try_from(self.to_us).unwrap_or(i64::MAX)
    }

    /// A query's `step` (seconds per point), defaulting to the range's resolution.
    pub fn step(&self, step_secs: Option<u64>) -> Duration {
        Duration::from_secs(step_secs.unwrap_or(u64::from(self.resolution_secs)))
    }
}

impl RangeParams {
    pub fn window(&self, window_secs: u32) -> Result<Window, ApiError> {
        self.window_at(Utc::now(), window_secs)
    }

    fn window_at(&self, now: DateTime<Utc>, window_secs: u32) -> Result<Window, ApiError> {
        let to = match &self.to {
            None => now,
            Some(s) => parse_instant(s, now, "to")?,
        };
        let from = match &self.from {
            None => to - chrono::Duration::from_std(DEFAULT_RANGE).unwrap_or_default(),
            Some(s) => parse_instant(s, now, "from")?,
        };
        if from >= to {
            return Err(ApiError::validation("`from` must be before `to`"));
        }
        let span = (to - from).to_std().unwrap_or_default();
        if span > MAX_RANGE {
            return Err(ApiError::validation("the range is limited to 400 days"));
        }
        let resolution_secs = resolution_for(span, window_secs);
        let step = u64::from(resolution_secs) * 1_000_000;
        let micros = |t: DateTime<Utc>| u64::try_from(t.timestamp_micros()).unwrap_or(0);
        Ok(Window {
            from_us: micros(from) / step * step,
            to_us: micros(to).div_ceil(step) * step,
            resolution_secs,
        })
    }

    pub fn filter(&self) -> Result<Filter, ApiError> {
        let endpoint = match &self.endpoint {
            None => None,
            Some(e) => Some(
                e.parse::<Endpoint>()
                    .map_err(|e| ApiError::validation(e.to_string()))?,
            ),
        };
        Ok(Filter {
            technique: self.technique,
            segment: self.segment,
            region: self.region.clone(),
            endpoint,
        })
    }
}

fn parse_instant(s: &str, now: DateTime<Utc>, name: &str) -> Result<DateTime<Utc>, ApiError> {
    if s == "now" {
        return Ok(now);
    }
    if let Some(relative) = s.strip_prefix('-') {
        let (number, unit) = relative.split_at(
            relative
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(relative.len()),
        );
        let n: i64 = number.parse().map_err(|_| bad(name, s))?;
        let seconds = match unit {
            "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86_400,
            _ => return Err(bad(name, s)),
        };
        return Ok(now - chrono::Duration::seconds(seconds));
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad(name, s))
}

fn bad(name: &str, value: &str) -> ApiError {
    ApiError::validation(format!(
        "`{name}` must be RFC 3339 (2026-11-27T10:00:00Z), relative (-15m, -6h, -7d) or `now`; got `{value}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(from: &str, to: &str) -> RangeParams {
        RangeParams {
            from: Some(from.into()),
            to: Some(to.into()),
            ..RangeParams::default()
        }
    }

    #[test]
    fn relative_and_absolute_ranges_pick_a_resolution_and_align_to_it() {
        let now = DateTime::parse_from_rfc3339("2026-11-27T10:00:02Z")
            .unwrap()
            .with_timezone(&Utc);
        let w = params("-15m", "now").window_at(now, 5).unwrap();
        assert_eq!(w.resolution_secs, 5);
        assert_eq!(w.to_us % 5_000_000, 0);
        assert!(w.to_us >= u64::try_from(now.timestamp_micros()).unwrap());
        assert_eq!(
            params("-24h", "now")
                .window_at(now, 5)
                .unwrap()
                .resolution_secs,
            60
        );
        assert_eq!(
            params("-30d", "now")
                .window_at(now, 5)
                .unwrap()
                .resolution_secs,
            3600
        );
        let abs = params("2026-11-27T09:00:00Z", "2026-11-27T09:30:00Z")
            .window_at(now, 5)
            .unwrap();
        assert_eq!(abs.to_us - abs.from_us, 30 * 60 * 1_000_000);
    }

    #[test]
    fn bad_ranges_are_validation_errors() {
        let now = Utc::now();
        for (from, to) in [
            ("-15x", "now"),
            ("yesterday", "now"),
            ("now", "-1h"),
            ("-900d", "now"),
        ] {
            assert!(params(from, to).window_at(now, 5).is_err(), "{from}..{to}");
        }
        let bad_endpoint = RangeParams {
            endpoint: Some("teleport".into()),
            ..RangeParams::default()
        };
        assert!(bad_endpoint.filter().is_err());
    }
}
