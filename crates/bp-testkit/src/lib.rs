//! Test support shared by the workspace's integration tests; only ever a dev-dependency.
//!
//! - [`Backend`] and [`both_backends!`]: a case written once runs as `sqlite::<case>` and
//!   `postgres::<case>`.
//! - [`TestStorage`]: a test's databases — SQLite files in a temp dir, or PostgreSQL schemas
//!   of their own on `BP_TEST_DATABASE_URL` — removed when it is dropped, on every path,
//!   a failing test's included.
//! - [`TestServer`]: the service in process on 127.0.0.1:0 with an admin key and a client;
//!   [`ServerProcess`]: the built binary, `serve` on 127.0.0.1:0, to kill or terminate.
//! - [`free_port`], and the helpers of our error body ([`json_ok`], [`assert_error`]).

mod backend;
mod process;
mod server;
mod storage;

pub use backend::Backend;
pub use process::{ServerProcess, run, run_with};
pub use server::{TestServer, assert_error, json_ok};
pub use storage::{TestStorage, database_url, redis_url};

/// A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it), for a process
/// that must be told its port up front.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}
