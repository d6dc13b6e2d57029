//! Integration tests of the service over real HTTP, against SQLite and PostgreSQL
//! (one test binary, per STYLE.md). Servers, databases and the both-backends fan-out come
//! from `bp-testkit`.

// Test bodies written once per backend are plain async fns called by the generated
// #[test]s, so clippy's allow-unwrap-in-tests does not reach them.
#![allow(clippy::unwrap_used)]

mod api;
mod auth;
mod bad_input;
#[cfg(feature = "dashboard")]
mod dashboard;
mod faults;
mod fleet;
mod metrics;
mod metrics_cache;
mod metrics_live;
mod openapi;
mod overload;
mod owasp;
mod rate_limit;
mod redis_cache;
