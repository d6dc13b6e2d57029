//! What the service does, apart from how it is reached: each service owns one piece of
//! behaviour and its state, takes and returns plain values (no axum types), and is tested
//! without HTTP. Routes and middleware are the adapters: they extract a request, call a
//! service and turn its answer or error into a response.
//!
//! Dependencies point one way: `routes`/`middleware` → `state` → `services` → `telemetry`
//! and the library crates. No service imports the state, a route or a middleware.

pub mod audit;
pub mod enhance_cache;
pub mod enhancer;
pub mod faults;
pub mod fleet;
pub mod keys;
pub mod load_runs;
pub mod query_cache;
pub mod rate_limit;
pub mod redis;
