//! The one error type of the metrics core. Every variant maps to a protocol-neutral
//! [`bp_api::ErrorCode`]; the server chooses HTTP statuses from that code.

use bp_api::ErrorCode;

/// What can go wrong in the metrics core: bad configuration or undecodable stored data.
/// Recording itself never fails (it cannot: the hot path has no fallible step).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The window length must be 1..=60 s and divide a minute, so that windows tile minute
    /// and hour rollups exactly.
    #[error("window length {secs} s is not one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60")]
    InvalidWindow { secs: u64 },
    /// A size limit (shards, series, regions, users) outside its allowed range.
    #[error("{name} must be in {min}..={max}, got {value}")]
    InvalidLimit {
        name: &'static str,
        value: usize,
        min: usize,
        max: usize,
    },
    /// Anomaly detection settings out of range: a baseline of fewer than 3 windows, a
    /// minimum baseline longer than the baseline, or a threshold or floor that is not a
    /// positive number.
    #[error(
        "anomaly detection needs a baseline of at least 3 windows, min_baseline_windows in 3..=baseline_windows, and a positive threshold and floors"
    )]
    InvalidAnomalyConfig,
    /// A timeseries or heatmap step of zero seconds.
    #[error("step must be at least one second")]
    InvalidStep,
    /// A time series or heat map whose range and step would give too many points.
    #[error("{points} points requested, at most {max}: use a longer step or a shorter range")]
    TooManyPoints { points: u64, max: u64 },
    /// A time series grouped by instance from windows already merged into the fleet's.
    #[error("grouping by instance needs each instance's windows apart (timeseries_by_instance)")]
    NeedsInstances,
    /// A snapshot that could not be encoded for storage.
    #[error("cannot encode a metrics snapshot")]
    Encode(#[source] serde_json::Error),
    /// Stored snapshot bytes that are not valid JSON of the expected shape.
    #[error("cannot decode a stored metrics snapshot")]
    Decode(#[source] serde_json::Error),
    /// Stored snapshot bytes written by a format version this build does not read.
    #[error("stored metrics snapshot has format version {found}, this build reads {supported}")]
    UnsupportedVersion { found: u32, supported: u32 },
    /// A stored histogram that is not valid base64 / HdrHistogram V2, or whose range or
    /// precision differs from ours (merging it would not be exact).
    #[error("cannot decode a stored latency histogram: {reason}")]
    Histogram { reason: String },
}

impl Error {
    /// The protocol-neutral code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidWindow { .. }
            | Error::InvalidLimit { .. }
            | Error::InvalidStep
            | Error::InvalidAnomalyConfig
            | Error::TooManyPoints { .. }
            | Error::NeedsInstances => ErrorCode::Validation,
            // Stored data we cannot read is our fault, never the caller's.
            Error::Encode(_)
            | Error::Decode(_)
            | Error::UnsupportedVersion { .. }
            | Error::Histogram { .. } => ErrorCode::Internal,
        }
    }
}
