//! Route handlers, grouped by resource. They are wired together in [`crate::app`].

pub mod admin;
pub mod dashboard;
pub mod enhance;
pub mod faults;
pub mod health;
pub mod history;
pub mod load_runs;
pub mod metrics;
