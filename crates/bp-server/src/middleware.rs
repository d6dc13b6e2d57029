//! Request middleware: ids, authentication and rate limits, and the recording of every
//! request's metrics.

pub mod auth;
pub mod record;
pub mod request_id;
