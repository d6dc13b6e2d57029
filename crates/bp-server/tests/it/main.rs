//! Integration tests of the service over real HTTP, against SQLite and PostgreSQL
//! (one test binary, per STYLE.md).

mod harness;

mod api;
mod auth;
mod bad_input;
mod openapi;
mod overload;
mod rate_limit;
