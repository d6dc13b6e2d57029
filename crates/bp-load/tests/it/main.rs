//! bp-load's integration tests (one binary): real HTTP against a small axum server defined
//! here, which can be told to stall, to slow down or to close connections, and a webhook
//! receiver. The run state pushed to a real BetterPrompts server is tested end to end with
//! the binary (crates/betterprompts/tests/it/load.rs).

// The test server and the config helpers are plain functions, not #[test]s, so clippy's
// allow-unwrap-in-tests does not reach them.
#![allow(clippy::unwrap_used)]

mod executor;
mod notify;
mod server;
mod thresholds;
