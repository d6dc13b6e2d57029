//! Integration tests of bp-metrics through its public API only, in one test binary.

mod fleet;
mod label_cap;
mod match_source;
mod percentiles;
mod promtool;
mod queries;
mod rollups;
mod support;
mod windows;
