//! The BetterPrompts load generator: talks to a server over HTTP only.
//!
//! A run is a [`Plan`] (one or more scenarios, each a [`Schedule`] of stages for the closed or
//! the open model) executed by **one** executor loop ([`executor`]): every virtual user runs
//! the same loop and asks its scenario's pacer when to fire next, so the closed model (users
//! with think time) and the open model (arrival rate, latency timed from the scheduled start)
//! differ only in the pacer. Samples go into sharded HDR histograms (memory stays flat over
//! any run length), a ticker closes one window per second for the time series and the live
//! progress line, and at the end a [`Report`] (the document defined in `bp-report`) carries
//! the totals, thresholds verdicts, the generator's own CPU cost and the histograms so runs
//! merge exactly. Beside the load, when asked: the run's live state pushed to the server
//! ([`live`]), the server's memory sampled for the degradation analysis, and a chat webhook
//! notified at the end ([`notify`]).
//!
//! Targets are restricted to loopback addresses ([`Target::parse`]): this tool is for testing
//! a server you run yourself, here.

mod analysis;
pub mod auth;
mod client;
pub mod duration;
mod executor;
pub mod live;
pub mod mix;
pub mod notify;
pub mod options;
pub mod profile;
pub mod progress;
pub mod prompts;
mod recorder;
pub mod report;
pub mod schedule;
mod selfcheck;
mod server_memory;
pub mod target;
pub mod threshold;
mod trend;
pub mod usl;

pub use executor::{RunConfig, run};
pub use live::LiveConfig;
pub use mix::{Endpoint, Mix};
pub use notify::Webhook;
pub use options::{Keys, RunOptions, Shape};
pub use profile::{Plan, Scenario};
pub use progress::ProgressSink;
pub use prompts::PromptPool;
pub use report::{Report, exit_code};
pub use schedule::{Model, Schedule, Stage};
pub use selfcheck::CpuScope;
pub use target::Target;
pub use threshold::Threshold;

/// Exit code when every threshold holds.
pub const EXIT_OK: u8 = 0;
/// Exit code when a threshold fails (k6's convention).
pub const EXIT_THRESHOLD_FAILED: u8 = 99;
/// Exit code of a usage error.
pub const EXIT_USAGE: u8 = 2;

/// Everything that can go wrong in a load run. [`Error::is_usage`] tells the caller's
/// mistakes (exit 2) apart from failures of the run itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid target `{url}`: {reason}")]
    InvalidTarget { url: String, reason: String },
    #[error(
        "refusing to load `{host}`: load tests may only target this machine (localhost, 127.0.0.0/8 or [::1])"
    )]
    NotLoopback { host: String },
    #[error("invalid duration `{0}`: expected e.g. 500ms, 30s, 2m, 1h or 1m30s")]
    InvalidDuration(String),
    #[error("invalid mix `{0}`")]
    InvalidMix(String),
    #[error("invalid threshold `{expr}`: {reason}")]
    InvalidThreshold { expr: String, reason: String },
    #[error("invalid profile: {0}")]
    InvalidProfile(String),
    #[error("unknown profile `{0}`; expected one of: {list}", list = profile::NAMES.join(", "))]
    UnknownProfile(String),
    #[error("invalid prompt data line {line}: {reason}")]
    InvalidData { line: usize, reason: String },
    #[error("{0}")]
    Usage(String),
    #[error("creating a load-test key through the admin API failed: {0}")]
    AuthSetup(String),
    #[error(transparent)]
    Render(#[from] bp_report::Error),
    #[error("notifying the webhook {url} failed: {reason}")]
    Notify { url: String, reason: String },
    #[error("starting the load generator failed")]
    Io(#[source] std::io::Error),
}

impl Error {
    /// Whether the caller made a mistake in how they asked for the run (exit code 2).
    pub fn is_usage(&self) -> bool {
        !matches!(
            self,
            Error::AuthSetup(_) | Error::Io(_) | Error::Render(_) | Error::Notify { .. }
        )
    }
}
