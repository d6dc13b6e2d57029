//! Per-caller rate limits in fixed one-minute windows aligned to the clock.
//!
//! Fixed windows give exact `X-RateLimit-Remaining` and `-Reset` values that clients can
//! plan with. Each caller's state is one atomic word (window index and count), so the hot
//! path is a sharded map read plus one compare-and-swap, with no lock held across it.

use dashmap::DashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use uuid::Uuid;

const WINDOW_SECS: u64 = 60;

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

#[derive(Default)]
pub struct RateLimiter {
    /// `window_index << 32 | count` per subject.
    windows: DashMap<Subject, AtomicU64>,
}

impl RateLimiter {
    pub fn check(&self, subject: Subject, limit_per_min: u32) -> Decision {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.check_at(subject, limit_per_min, now)
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

#[cfg(test)]
mod tests {
    use super::*;

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
