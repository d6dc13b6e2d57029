//! Rendering of BetterPrompts load-test reports, with no HTTP and no storage: the report
//! document itself ([`Report`], the `--report-json` layout), and its renderings — the
//! terminal summary, the time series as CSV, JUnit XML, one self-contained HTML page with
//! inline SVG charts, and a Slack-compatible chat message. `bp-load` fills in and merges
//! the document; whoever holds one renders it here, so every rendering reads the same
//! figures. (PDF will come behind a `pdf` feature, drawn from the same SVG charts.)

mod csv;
mod html;
mod junit;
pub mod model;
mod slack;
mod svg;
mod text;

pub use csv::{TIME_SERIES_HEADER, time_series_csv};
pub use html::html;
pub use junit::junit_xml;
pub use model::{Report, SCHEMA_VERSION, Verdict};
pub use slack::slack_message;
pub use text::summary;

/// Everything that can go wrong while reading or rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid report: {0}")]
    InvalidReport(String),
    #[error("rendering JUnit XML failed")]
    Junit(#[source] quick_junit::SerializeError),
    #[error("rendering the HTML report failed")]
    Template(#[source] minijinja::Error),
}
