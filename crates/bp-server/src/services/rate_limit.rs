//! Per-caller rate limits in fixed one-minute windows aligned to the clock: who is limited
//! (a key, or an anonymous caller's IP), at which rate (the key's own limit, else its tier's),
//! and the count.
//!
//! Fixed windows give exact `X-RateLimit-Remaining` and `-Reset` values that clients can
//! plan with. Each caller's state is one atomic word (window index and count), so the hot
//! path is a sharded map read plus one compare-and-swap, with no lock held across it.
//!
//! With Redis (`serve --redis-url`) a fleet shares each caller's budget: the window's count
//! is one `INCR` (with its `EXPIRE`, in one atomic round trip) on a key per caller and
//! minute, so N instances accept exactly the limit between them. When Redis does not
//! answer, each instance enforces its share, limit / N live instances, locally: the fleet
//! still holds the limit, and the instance reports itself `degraded` on `/ready`.

use crate::services::redis::RedisLink;
use bp_api::{RateLimit, Tier};
use bp_store::ApiKeyRecord;
use dashmap::DashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use uuid::Uuid;

const WINDOW_SECS: u64 = 60;

/// Requests per minute per caller.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitConfig {
    pub free_per_min: u32,
    pub pro_per_min: u32,
    pub enterprise_per_min: u32,
    /// Anonymous callers are limited per client IP.
    pub anonymous_per_min: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            free_per_min: 100,
            pro_per_min: 1000,
            enterprise_per_min: 10_000,
            anonymous_per_min: 60,
        }
    }
}

impl RateLimitConfig {
    /// Who a request counts against and at what rate; `None` when the caller is unlimited.
    pub fn limit_for(&self, key: Option<&ApiKeyRecord>, ip: IpAddr) -> Option<(Subject, u32)> {
        let Some(key) = key else {
            return Some((Subject::Ip(ip), self.anonymous_per_min));
        };
        let per_min = match key.rate_limit {
            Some(RateLimit::Unlimited) => return None,
            Some(RateLimit::PerMinute(n)) => n,
            None => match key.tier {
                Tier::Free => self.free_per_min,
                Tier::Pro => self.pro_per_min,
                Tier::Enterprise => self.enterprise_per_min,
            },
        };
        Some((Subject::Key(key.id), per_min))
    }
}

/// Who is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Key(Uuid),
    Ip(IpAddr),
}

/// The outcome of one check, with what the headers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset_secs: u64,
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Key(id) => write!(f, "key:{id}"),
            Subject::Ip(ip) => write!(f, "ip:{ip}"),
        }
    }
}

pub struct RateLimiter {
    /// `window_index << 32 | count` per subject: the counts of this instance.
    windows: DashMap<Subject, AtomicU64>,
    /// The fleet's counts, when instances share a Redis.
    redis: Option<Arc<RedisLink>>,
    /// Instances of the fleet seen alive (at least 1): the local share when Redis is out.
    live_instances: AtomicU32,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new(None)
    }
}

impl RateLimiter {
    pub fn new(redis: Option<Arc<RedisLink>>) -> Self {
        RateLimiter {
            windows: DashMap::new(),
            redis,
            live_instances: AtomicU32::new(1),
        }
    }

    /// How many instances share the limits (from the fleet's latest windows).
    pub fn set_live_instances(&self, n: u32) {
        self.live_instances.store(n.max(1), Ordering::Relaxed);
    }

    /// Counts one request of a caller: `None` when the caller is unlimited.
    pub async fn check_caller(
        &self,
        limits: &RateLimitConfig,
        key: Option<&ApiKeyRecord>,
        ip: IpAddr,
    ) -> Option<Decision> {
        let (subject, per_min) = limits.limit_for(key, ip)?;
        Some(self.check(subject, per_min).await)
    }

    pub async fn check(&self, subject: Subject, limit_per_min: u32) -> Decision {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let Some(redis) = &self.redis else {
            return self.check_at(subject, limit_per_min, now);
        };
        match fleet_count(redis, subject, now).await {
            Some(count) => decision(count, limit_per_min, now),
            None => {
                let instances = self.live_instances.load(Ordering::Relaxed).max(1);
                self.check_at(subject, (limit_per_min / instances).max(1), now)
            }
        }
    }

    fn check_at(&self, subject: Subject, limit: u32, now_secs: u64) -> Decision {
        let window = now_secs / WINDOW_SECS;
        let reset_secs = WINDOW_SECS - now_secs % WINDOW_SECS;
        let count = {
            let entry = match self.windows.get(&subject) {
                Some(e) => e,
                None => self.windows.entry(subject).or_default().downgrade(),
            };
            let mut allowed_count = None;
            let _ = entry.fetch_update(Ordering::AcqRel, Ordering::Acquire, |state| {
                let (w, c) = (state >> 32, state & 0xffff_ffff);
                let c = if w == window & 0xffff_ffff { c } else { 0 };
                if c >= u64::from(limit) {
                    allowed_count = None;
                    return None;
                }
                allowed_count = Some(c + 1);
                Some(((window & 0xffff_ffff) << 32) | (c + 1))
            });
            allowed_count
        };
        match count {
            Some(c) => Decision {
                allowed: true,
                limit,
                remaining: limit.saturating_sub(c as u32),
                reset_secs,
            },
            None => Decision {
                allowed: false,
                limit,
                remaining: 0,
                reset_secs,
            },
        }
    }

    /// Drops subjects whose window has passed; called periodically so idle callers do not
    /// accumulate.
    pub fn prune(&self) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let window = (now / WINDOW_SECS) & 0xffff_ffff;
        self.windows
            .retain(|_, state| state.load(Ordering::Relaxed) >> 32 == window);
    }
}

/// The fleet's count of `subject`'s requests in the current window, this one included;
/// `None` when Redis does not answer.
async fn fleet_count(redis: &RedisLink, subject: Subject, now_secs: u64) -> Option<u64> {
    let key = format!(
        "{}:ratelimit:{subject}:{}",
        redis.key_prefix(),
        now_secs / WINDOW_SECS
    );
    let mut pipeline = redis::pipe();
    pipeline
        .atomic()
        .incr(&key, 1)
        // Two windows: the key outlives its window whatever the clocks' skew.
        .expire(&key, i64::try_from(2 * WINDOW_SECS).unwrap_or(120))
        .ignore();
    redis
        .query_pipeline::<(u64,)>(&pipeline)
        .await
        .map(|(count,)| count)
}

/// The decision for the `count`-th request of a window with `limit` allowed.
fn decision(count: u64, limit: u32, now_secs: u64) -> Decision {
    let allowed = count <= u64::from(limit);
    Decision {
        allowed,
        limit,
        remaining: u32::try_from(u64::from(limit).saturating_sub(count)).unwrap_or(0),
        reset_secs: WINDOW_SECS - now_secs % WINDOW_SECS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::Role;

    fn key(tier: Tier, rate_limit: Option<RateLimit>) -> ApiKeyRecord {
        ApiKeyRecord {
            id: Uuid::from_u128(7),
            name: "k".to_owned(),
            key_hash: String::new(),
            key_prefix: "bp_123456".to_owned(),
            tier,
            role: Role::User,
            rate_limit,
            created_at: chrono::Utc::now(),
            revoked: false,
            expires_at: None,
            last_used_at: None,
            previous_key_hash: None,
            previous_valid_until: None,
        }
    }

    #[test]
    fn a_key_is_limited_by_its_own_rate_else_its_tier_and_anonymous_callers_by_ip() {
        let limits = RateLimitConfig::default();
        let ip: IpAddr = [127, 0, 0, 9].into();
        let id = Subject::Key(Uuid::from_u128(7));
        assert_eq!(
            limits.limit_for(None, ip),
            Some((Subject::Ip(ip), limits.anonymous_per_min))
        );
        assert_eq!(
            limits.limit_for(Some(&key(Tier::Free, None)), ip),
            Some((id, limits.free_per_min))
        );
        assert_eq!(
            limits.limit_for(Some(&key(Tier::Pro, None)), ip),
            Some((id, limits.pro_per_min))
        );
        assert_eq!(
            limits.limit_for(Some(&key(Tier::Enterprise, None)), ip),
            Some((id, limits.enterprise_per_min))
        );
        assert_eq!(
            limits.limit_for(Some(&key(Tier::Free, Some(RateLimit::PerMinute(5)))), ip),
            Some((id, 5))
        );
        assert_eq!(
            limits.limit_for(Some(&key(Tier::Free, Some(RateLimit::Unlimited))), ip),
            None
        );
    }

    #[tokio::test]
    async fn an_unlimited_caller_is_never_counted() {
        let limiter = RateLimiter::default();
        let limits = RateLimitConfig::default();
        let unlimited = key(Tier::Free, Some(RateLimit::Unlimited));
        for _ in 0..3 {
            assert_eq!(
                limiter
                    .check_caller(&limits, Some(&unlimited), [127, 0, 0, 1].into())
                    .await,
                None
            );
        }
        assert!(limiter.windows.is_empty());
    }

    #[test]
    fn a_fleet_count_decides_like_a_local_one() {
        let at = 600 + 15;
        assert_eq!(
            decision(3, 3, at),
            Decision {
                allowed: true,
                limit: 3,
                remaining: 0,
                reset_secs: 45
            }
        );
        assert!(!decision(4, 3, at).allowed);
        assert_eq!(decision(1, 3, at).remaining, 2);
    }

    /// Without Redis answering, an instance of three keeps a third of the budget.
    #[tokio::test]
    async fn without_redis_each_instance_enforces_its_share() {
        let closed = bp_testkit::free_port();
        let link = RedisLink::new(&crate::services::redis::RedisConfig {
            timeout: std::time::Duration::from_millis(50),
            ..crate::services::redis::RedisConfig::new(format!("redis://127.0.0.1:{closed}"))
        })
        .unwrap();
        let limiter = RateLimiter::new(Some(Arc::new(link)));
        limiter.set_live_instances(3);
        let subject = Subject::Key(Uuid::from_u128(9));
        let mut allowed = 0;
        for _ in 0..40 {
            if limiter.check(subject, 100).await.allowed {
                allowed += 1;
            }
        }
        // 33, unless the test ran across a minute boundary (then up to 66).
        assert!((33..=66).contains(&allowed), "{allowed}");
    }

    #[test]
    fn counts_within_a_window_and_resets_in_the_next() {
        let limiter = RateLimiter::default();
        let s = Subject::Key(Uuid::nil());
        let t = 600; // window start
        for i in 0..3 {
            let d = limiter.check_at(s, 3, t + i);
            assert!(d.allowed);
            assert_eq!(d.remaining, 2 - i as u32);
        }
        let d = limiter.check_at(s, 3, t + 59);
        assert!(!d.allowed);
        assert_eq!(d.reset_secs, 1);
        assert!(limiter.check_at(s, 3, t + 60).allowed);
        // Another subject has its own budget.
        assert!(
            limiter
                .check_at(Subject::Key(Uuid::max()), 3, t + 59)
                .allowed
        );
    }
}
