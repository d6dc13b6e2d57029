//! How values are encoded in columns, shared by both backends so they store the same thing.
//!
//! Timestamps are INTEGER/BIGINT unix microseconds (portable, indexable, exact); enums are
//! their snake_case wire ids; a rate limit is `unlimited` or a number of requests per minute.

use crate::error::{StoreError, StoreResult};
use bp_api::{HistoryItem, RateLimit, Technique, UnknownName};
use chrono::{DateTime, Utc};
use std::str::FromStr;
use uuid::Uuid;

/// The columns of `listing::item_columns!` as read from either driver, before decoding; the
/// techniques column differs per backend and is decoded by each.
pub(crate) struct RawItem {
    pub id: Uuid,
    pub created_at_us: i64,
    pub original_text: String,
    pub enhanced_text: String,
    pub intent: String,
    pub complexity: String,
    pub confidence: f64,
    pub processing_time_ms: f64,
}

impl RawItem {
    pub(crate) fn decode(self, techniques_used: Vec<Technique>) -> StoreResult<HistoryItem> {
        Ok(HistoryItem {
            id: self.id,
            created_at: from_micros("created_at_us", self.created_at_us)?,
            original_text: self.original_text,
            enhanced_text: self.enhanced_text,
            intent: id("intent", &self.intent)?,
            complexity: id("complexity", &self.complexity)?,
            techniques_used,
            confidence: self.confidence,
            processing_time_ms: self.processing_time_ms,
        })
    }
}

/// The columns of [`KEY_COLUMNS`] as read from either driver, before decoding.
pub(crate) struct RawKey {
    pub id: Uuid,
    pub name: String,
    pub key_hash: String,
    pub key_prefix: String,
    pub tier: String,
    pub role: String,
    pub rate_limit: Option<String>,
    pub created_at_us: i64,
    pub revoked: bool,
    pub expires_at_us: Option<i64>,
    pub last_used_at_us: Option<i64>,
    pub previous_key_hash: Option<String>,
    pub previous_valid_until_us: Option<i64>,
}

/// What both backends select for a key, in [`RawKey`]'s order.
pub(crate) const KEY_COLUMNS: &str = "id, name, key_hash, key_prefix, tier, role, rate_limit, \
     created_at_us, revoked, expires_at_us, last_used_at_us, previous_key_hash, \
     previous_valid_until_us";

impl RawKey {
    pub(crate) fn decode(self) -> StoreResult<crate::model::ApiKeyRecord> {
        let at = |column, us: Option<i64>| us.map(|us| from_micros(column, us)).transpose();
        Ok(crate::model::ApiKeyRecord {
            id: self.id,
            name: self.name,
            key_hash: self.key_hash,
            key_prefix: self.key_prefix,
            tier: id("tier", &self.tier)?,
            role: id("role", &self.role)?,
            rate_limit: rate_limit_from_text(self.rate_limit.as_deref())?,
            created_at: from_micros("created_at_us", self.created_at_us)?,
            revoked: self.revoked,
            expires_at: at("expires_at_us", self.expires_at_us)?,
            last_used_at: at("last_used_at_us", self.last_used_at_us)?,
            previous_key_hash: self.previous_key_hash,
            previous_valid_until: at("previous_valid_until_us", self.previous_valid_until_us)?,
        })
    }
}

pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

#[derive(Debug, thiserror::Error)]
#[error("{0} microseconds is out of the range of a timestamp")]
struct OutOfRange(i64);

pub(crate) fn from_micros(column: &'static str, us: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us).ok_or_else(|| StoreError::corrupt(column, OutOfRange(us)))
}

/// Parses a stored vocabulary id (intent, technique, tier, ...).
pub(crate) fn id<T: FromStr<Err = UnknownName>>(column: &'static str, s: &str) -> StoreResult<T> {
    s.parse().map_err(|e| StoreError::corrupt(column, e))
}

/// A count or sum the database returned as a signed integer. Those are never negative, so
/// a negative one could only be a driver bug; reading it as 0 keeps a metric from failing.
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Per owner (anonymous rows under the nil id), `sign` times its number of rows: the change
/// to `history_counts` of inserting (1) or deleting (-1) rows of these owners.
pub(crate) fn count_deltas(
    owners: impl Iterator<Item = Option<Uuid>>,
    sign: i64,
) -> std::collections::BTreeMap<Uuid, i64> {
    let mut deltas = std::collections::BTreeMap::new();
    for owner in owners {
        *deltas.entry(owner.unwrap_or(Uuid::nil())).or_insert(0) += sign;
    }
    deltas
}

pub(crate) fn rate_limit_to_text(limit: Option<RateLimit>) -> Option<String> {
    limit.map(|l| match l {
        RateLimit::PerMinute(n) => n.to_string(),
        RateLimit::Unlimited => "unlimited".to_owned(),
    })
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BadRateLimit(String);

pub(crate) fn rate_limit_from_text(s: Option<&str>) -> StoreResult<Option<RateLimit>> {
    s.map(|s| {
        s.parse()
            .map_err(|e| StoreError::corrupt("rate_limit", BadRateLimit(e)))
    })
    .transpose()
}

/// SQLite keeps a row's techniques as `,a,b,`: order is kept, and the exact membership test
/// is `instr(techniques, ',a,') > 0` (`LIKE` would read the `_` in the ids as a wildcard).
pub(crate) fn techniques_to_delimited(techniques: &[Technique]) -> String {
    let mut out = String::from(",");
    for t in techniques {
        out.push_str(t.as_str());
        out.push(',');
    }
    out
}

pub(crate) fn techniques_from_delimited(s: &str) -> StoreResult<Vec<Technique>> {
    s.split(',')
        .filter(|part| !part.is_empty())
        .map(|part| id("techniques", part))
        .collect()
}

/// The needle that finds `t` in a `,a,b,` column.
pub(crate) fn technique_needle(t: Technique) -> String {
    format!(",{},", t.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn techniques_round_trip_in_order() {
        let ts = [
            Technique::StepByStep,
            Technique::ChainOfThought,
            Technique::React,
        ];
        let s = techniques_to_delimited(&ts);
        assert_eq!(s, ",step_by_step,chain_of_thought,react,");
        assert_eq!(techniques_from_delimited(&s).expect("decodes"), ts);
        assert_eq!(techniques_to_delimited(&[]), ",");
        assert_eq!(techniques_from_delimited(",").expect("decodes"), []);
        assert!(techniques_from_delimited(",nope,").is_err());
    }

    #[test]
    fn rate_limits_round_trip() {
        for limit in [
            None,
            Some(RateLimit::PerMinute(60)),
            Some(RateLimit::Unlimited),
        ] {
            let text = rate_limit_to_text(limit);
            assert_eq!(
                rate_limit_from_text(text.as_deref()).expect("decodes"),
                limit
            );
        }
        assert!(rate_limit_from_text(Some("0")).is_err());
    }

    #[test]
    fn timestamps_round_trip_at_microsecond_precision() {
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_000).expect("valid");
        assert_eq!(
            from_micros("created_at_us", micros(t)).expect("in range"),
            t
        );
        assert!(from_micros("created_at_us", i64::MAX).is_err());
    }
}
