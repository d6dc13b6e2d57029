//! The time range and filters every metrics query takes: `from`/`to` as RFC 3339 or relative
//! (`-15m`, `-24h`, `-7d`, `now`), and `technique`, `segment`, `region`, `endpoint`.
//!
//! Every range the document allows is answered: `from` at or after `to` is an empty range,
//! and a range longer than 400 days starts 400 days before `to` (both say so in the
//! parameters' descriptions), so a client never meets a 400 for a well-formed range.

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
/// The coarsest step a series or heat map takes: a year.
const MAX_STEP_SECS: u64 = 365 * 24 * 3600;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// Start: RFC 3339, `now`, or relative to now like `-15m`, `-6h`, `-7d` (default 15
    /// minutes before `to`). At most 400 days before `to` (an earlier start is moved
    /// there); at or after `to`, the range is empty.
    #[param(schema_with = instant_schema)]
    pub from: Option<String>,
    /// End: RFC 3339, relative, or `now` (default `now`).
    #[param(schema_with = instant_schema)]
    pub to: Option<String>,
    pub technique: Option<Technique>,
    pub segment: Option<Segment>,
    pub region: Option<String>,
    /// The part of the API that served the requests.
    #[param(schema_with = endpoint_schema)]
    pub endpoint: Option<String>,
    /// One instance alone (its `--metrics-source`); the whole fleet by default.
    pub source: Option<String>,
}

/// Just the time range, for the routes without label filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimeRangeParams {
    /// Start: RFC 3339, `now`, or relative to now like `-15m`, `-6h`, `-7d` (default 15
    /// minutes before `to`). At most 400 days before `to`; at or after `to`, the range is
    /// empty.
    #[param(schema_with = instant_schema)]
    pub from: Option<String>,
    /// End: RFC 3339, relative, or `now` (default `now`).
    #[param(schema_with = instant_schema)]
    pub to: Option<String>,
}

impl From<TimeRangeParams> for RangeParams {
    fn from(t: TimeRangeParams) -> RangeParams {
        RangeParams {
            from: t.from,
            to: t.to,
            ..RangeParams::default()
        }
    }
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

    /// A query's `step` (seconds per point): the range's resolution by default, at most a
    /// year, and coarsened where the range would otherwise need more than
    /// `bp_metrics::MAX_POINTS` points (the answer's `step_seconds` says which was used).
    pub fn step(&self, step_secs: Option<u64>) -> Result<Duration, ApiError> {
        let asked = step_secs.unwrap_or(u64::from(self.resolution_secs));
        if !(1..=MAX_STEP_SECS).contains(&asked) {
            return Err(ApiError::validation(format!(
                "`step` is 1 to {MAX_STEP_SECS} seconds"
            )));
        }
        let span_secs = (self.to_us - self.from_us).div_ceil(1_000_000);
        let coarsest_needed = span_secs / (bp_metrics::MAX_POINTS - 2) + 1;
        Ok(Duration::from_secs(asked.max(coarsest_needed)))
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
        let micros = |t: DateTime<Utc>| u64::try_from(t.timestamp_micros()).unwrap_or(0);
        let (from_us, to_us) = (micros(from), micros(to));
        let max_us = u64::try_from(MAX_RANGE.as_micros()).unwrap_or(u64::MAX);
        let from_us = from_us.max(to_us.saturating_sub(max_us));
        if from_us >= to_us {
            // Empty: no window starts in it.
            return Ok(Window {
                from_us: to_us,
                to_us,
                resolution_secs: window_secs.max(1),
            });
        }
        let span = Duration::from_micros(to_us - from_us);
        let resolution_secs = resolution_for(span, window_secs);
        let step = u64::from(resolution_secs) * 1_000_000;
        Ok(Window {
            from_us: from_us / step * step,
            to_us: to_us.div_ceil(step) * step,
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
        if number.is_empty() || number.len() > 9 {
            return Err(bad(name, s));
        }
        let n: i64 = number.parse().map_err(|_| bad(name, s))?;
        let seconds = match unit {
            "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86_400,
            _ => return Err(bad(name, s)),
        };
        // Past the longest range the start is moved anyway; this keeps the arithmetic sane.
        let seconds = seconds.min(2 * MAX_RANGE.as_secs() as i64);
        return Ok(now - chrono::Duration::seconds(seconds));
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad(name, s))
}

/// `now`, or `-` and 1 to 9 digits and a unit (s, m, h, d).
const RELATIVE_PATTERN: &str = "^(now|-[0-9]{1,9}[smhd])$";

/// `from`/`to`: an RFC 3339 date-time, or `now`/relative.
fn instant_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(RELATIVE_PATTERN)),
        )
        .build()
        .into()
}

/// The endpoint labels, as the metrics record them.
fn endpoint_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Endpoint::ALL.iter().map(|e| e.as_str())))
        .build()
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
            ("-", "now"),
            ("-1234567890d", "now"),
        ] {
            assert!(params(from, to).window_at(now, 5).is_err(), "{from}..{to}");
        }
        // Well-formed ranges are answered: backwards is empty, too long starts 400 days back.
        let backwards = params("now", "-1h").window_at(now, 5).unwrap();
        assert_eq!(backwards.from_us, backwards.to_us);
        let long = params("-999999999d", "now").window_at(now, 5).unwrap();
        let span = long.to_us - long.from_us;
        assert!(
            span >= MAX_RANGE.as_micros() as u64
                && span < MAX_RANGE.as_micros() as u64 + 7_200_000_000
        );
        let ancient = params("0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z")
            .window_at(now, 5)
            .unwrap();
        assert_eq!(ancient.from_us, ancient.to_us);
        let bad_endpoint = RangeParams {
            endpoint: Some("teleport".into()),
            ..RangeParams::default()
        };
        assert!(bad_endpoint.filter().is_err());
    }
}
