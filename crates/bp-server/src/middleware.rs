//! Request middleware: ids, authentication and rate limits.

pub mod auth;
pub mod rate_limit;
pub mod request_id;
