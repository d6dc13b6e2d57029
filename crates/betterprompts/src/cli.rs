//! The command line. Every flag also reads a `BP_*` environment variable.

use bp_api::{RateLimit, Role, Tier};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "betterprompts",
    version,
    about = "Prompt enhancement with performance under load made visible",
    after_help = "Example:\n  betterprompts demo    # the API, the dashboard and sample traffic on 127.0.0.1:8080"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log lines on stderr: `text` (colour only on a terminal) or `json`, one object per line
    /// for log shippers. `BP_LOG` sets the level, e.g. `warn` or `bp_server=debug`.
    #[arg(long, global = true, env = "BP_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API.
    #[command(
        after_help = "Example:\n  betterprompts serve --addr 0.0.0.0:8080 --database-url postgres://bp@db:5432/bp --metrics-source pod-1"
    )]
    Serve(ServeArgs),
    /// Serve with embedded defaults and print how to use it.
    #[command(after_help = "Example:\n  betterprompts demo --data-dir /tmp/bp-demo")]
    Demo(ServeArgs),
    /// Manage API keys.
    #[command(
        subcommand,
        after_help = "Example:\n  betterprompts keys create --name ci --tier pro"
    )]
    Keys(KeysCommand),
    /// Write a labelled prompt dataset (JSON lines) for load tests and evaluation.
    #[command(after_help = "Example:\n  betterprompts dataset --count 1000000 --out prompts.jsonl")]
    Dataset(DatasetArgs),
    /// Evaluate the engine on labelled prompts.
    #[command(
        after_help = "Examples:\n  betterprompts eval --holdout\n  betterprompts eval --data prompts.jsonl --json"
    )]
    Eval(EvalArgs),
    /// Load-test a server on this machine with a profile or an ad-hoc schedule.
    #[command(
        after_help = "Examples:\n  betterprompts load --target http://127.0.0.1:8080 --profile peak --key \"$KEY\" --report-html peak.html\n  betterprompts load --target http://127.0.0.1:8080 --rate 500 --duration 1m --threshold 'p(95)<200'"
    )]
    Load(Box<LoadArgs>),
    /// Work with load-test reports.
    #[command(
        subcommand,
        after_help = "Example:\n  betterprompts report merge a.json b.json --out merged.json"
    )]
    Report(ReportCommand),
}

/// Where the data lives: a SQLite file in `--data-dir`, or PostgreSQL.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Directory of the SQLite database (used unless --database-url is given).
    #[arg(long, env = "BP_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL, e.g. postgres://user@127.0.0.1:5432/db.
    #[arg(long, env = "BP_DATABASE_URL")]
    pub database_url: Option<String>,
    /// PostgreSQL schema to use (created if missing); default: the user's search_path.
    #[arg(long, env = "BP_DATABASE_SCHEMA", requires = "database_url")]
    pub database_schema: Option<String>,
    /// PostgreSQL connection pool size.
    #[arg(long, env = "BP_DATABASE_POOL_SIZE", default_value_t = 16)]
    pub database_pool_size: usize,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BP_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Region tag of requests without an `X-Region` header.
    #[arg(long, env = "BP_REGION", default_value = "local")]
    pub region: String,
    /// Serve the service's figures (metrics, exports, the live stream, load runs,
    /// `/metrics`) without a key. Off by default: they are every tenant's business data, and
    /// need a viewer or admin key.
    #[arg(long, env = "BP_PUBLIC_METRICS")]
    pub public_metrics: bool,
    /// Serve Prometheus' `/metrics` on a listener of its own, without a key (for an internal
    /// network), e.g. 127.0.0.1:9464; the public listener then has no `/metrics`.
    #[arg(long, env = "BP_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Requests per minute of a free-tier key.
    #[arg(long, env = "BP_RATE_LIMIT_FREE", default_value_t = 100)]
    pub rate_limit_free: u32,
    /// Requests per minute of a pro-tier key.
    #[arg(long, env = "BP_RATE_LIMIT_PRO", default_value_t = 1000)]
    pub rate_limit_pro: u32,
    /// Requests per minute of an enterprise-tier key.
    #[arg(long, env = "BP_RATE_LIMIT_ENTERPRISE", default_value_t = 10_000)]
    pub rate_limit_enterprise: u32,
    /// Requests per minute per IP of anonymous callers.
    #[arg(long, env = "BP_RATE_LIMIT_ANONYMOUS", default_value_t = 60)]
    pub rate_limit_anonymous: u32,
    /// How long history rows are kept, with units: `30d`, `12h`, `1w`; `0` keeps them forever.
    /// Older rows (and their feedback) are deleted in small batches off the request path.
    #[arg(long, env = "BP_HISTORY_RETENTION", default_value = "30d", value_parser = parse_retention)]
    pub history_retention: Retention,
    /// History rows that may wait for their commit before requests are shed with 503.
    #[arg(long, env = "BP_HISTORY_QUEUE", default_value_t = 50_000)]
    pub history_queue: usize,
    /// Metrics window length, whole seconds dividing a minute: `1s`, `5s`, `10s`, … `1m` (a
    /// bare number is seconds).
    #[arg(long, env = "BP_METRICS_WINDOW", default_value = "5s", value_parser = parse_window)]
    pub metrics_window: Duration,
    /// Hours of metric windows to keep.
    #[arg(long, env = "BP_METRICS_KEEP_WINDOWS_HOURS", default_value_t = 24)]
    pub metrics_keep_windows_hours: u64,
    /// Days of one-minute rollups to keep.
    #[arg(long, env = "BP_METRICS_KEEP_MINUTES_DAYS", default_value_t = 30)]
    pub metrics_keep_minutes_days: u64,
    /// Days of one-hour rollups to keep.
    #[arg(long, env = "BP_METRICS_KEEP_HOURS_DAYS", default_value_t = 365)]
    pub metrics_keep_hours_days: u64,
    /// Name of this instance in the stored metrics. Instances sharing one database need
    /// names of their own, or they overwrite each other's windows.
    #[arg(long, env = "BP_METRICS_SOURCE", default_value = "local", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub metrics_source: String,
    /// Anomaly detection: windows in the rolling baseline (5 minutes of 5 s windows by
    /// default).
    #[arg(long, env = "BP_ANOMALY_BASELINE_WINDOWS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(3..=100_000))]
    pub anomaly_baseline_windows: u64,
    /// Anomaly detection: the robust z-score from which a window's p95 latency or error
    /// rate is flagged (lower flags more).
    #[arg(long, env = "BP_ANOMALY_THRESHOLD", default_value_t = 6.0, value_parser = parse_positive)]
    pub anomaly_threshold: f64,
    /// Anomaly detection: windows with fewer requests are not judged.
    #[arg(long, env = "BP_ANOMALY_MIN_REQUESTS", default_value_t = 20)]
    pub anomaly_min_requests: u64,
    /// `off` only to measure what recording costs (benchmark B7).
    #[arg(long, env = "BP_METRICS_RECORDING", default_value = "on", value_parser = ["on", "off"])]
    pub metrics_recording: String,
    /// Redis shared by instances as a second-level enhancement cache, e.g.
    /// redis://127.0.0.1:6379/0. Optional: requests never fail because of it.
    #[arg(long, env = "BP_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// First part of every Redis key, to keep deployments sharing one Redis apart.
    #[arg(
        long,
        env = "BP_REDIS_KEY_PREFIX",
        default_value = "bp",
        requires = "redis_url"
    )]
    pub redis_key_prefix: String,
    /// Longest wait for a Redis connection or answer, in milliseconds; then the request
    /// goes on without the cache.
    #[arg(long, env = "BP_REDIS_TIMEOUT_MS", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub redis_timeout_ms: u64,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key; the secret is printed once, alone on the last line.
    #[command(
        after_help = "Example:\n  KEY=$(betterprompts keys create --name ci --tier enterprise --role admin | tail -n1)"
    )]
    Create(CreateKeyArgs),
    /// List every key: id, name, prefix, role, tier, expiry, last use; never a secret.
    #[command(after_help = "Example:\n  betterprompts keys list --data-dir ./data")]
    List(ListKeysArgs),
    /// Revoke a key for good (every instance refuses it within one metrics window).
    #[command(after_help = "Example:\n  betterprompts keys revoke 0190f3c2-… --data-dir ./data")]
    Revoke(KeyIdArgs),
    /// Give a key a new secret, printed once on the last line; the old one keeps working for
    /// `--overlap`, so clients can switch without a failed request.
    #[command(
        after_help = "Example:\n  NEW=$(betterprompts keys rotate 0190f3c2-… --overlap 1d --data-dir ./data | tail -n1)"
    )]
    Rotate(RotateKeyArgs),
}

#[derive(Debug, Args)]
pub struct ListKeysArgs {
    /// One JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Args)]
pub struct KeyIdArgs {
    /// The key's id (`keys list` shows it).
    pub id: uuid::Uuid,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Args)]
pub struct RotateKeyArgs {
    /// The key's id (`keys list` shows it).
    pub id: uuid::Uuid,
    /// How long the old secret keeps working: `0` to `30d`.
    #[arg(long, default_value = "1d", value_parser = parse_overlap)]
    pub overlap: Duration,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Args)]
pub struct CreateKeyArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long, value_parser = parse_tier)]
    pub tier: Tier,
    #[arg(long, value_parser = parse_role, default_value = "user")]
    pub role: Role,
    /// Requests per minute, or `unlimited` (for load tests).
    #[arg(long, value_parser = parse_rate_limit)]
    pub rate_limit: Option<RateLimit>,
    /// The key stops working after this long, e.g. `90d`; by default it works until revoked.
    #[arg(long, value_parser = parse_expiry)]
    pub expires: Option<Duration>,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Args)]
pub struct DatasetArgs {
    /// Number of rows.
    #[arg(long, env = "BP_DATASET_COUNT")]
    pub count: u64,
    /// Output file (JSON lines).
    #[arg(long, env = "BP_DATASET_OUT")]
    pub out: PathBuf,
    #[arg(long, env = "BP_DATASET_SEED", default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// JSON lines with at least `text`, `intent` and `complexity`.
    #[arg(
        long,
        env = "BP_EVAL_DATA",
        required_unless_present = "holdout",
        conflicts_with = "holdout"
    )]
    pub data: Option<PathBuf>,
    /// Evaluate on the held-out part of the built-in hand-written corpus instead.
    #[arg(long)]
    pub holdout: bool,
    /// Print one JSON object instead of the text report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("shape").required(true).args(["profile", "profile_file", "vus", "rate"])))]
pub struct LoadArgs {
    /// Base URL of the server; only this machine (localhost, 127.0.0.0/8, [::1]).
    #[arg(long, env = "BP_LOAD_TARGET")]
    pub target: String,
    /// A built-in profile: baseline, normal, peak, stress, spike, ramp-up, sustained, geo.
    #[arg(long, env = "BP_LOAD_PROFILE")]
    pub profile: Option<String>,
    /// A custom profile in TOML.
    #[arg(long, env = "BP_LOAD_PROFILE_FILE")]
    pub profile_file: Option<PathBuf>,
    /// Closed model: this many virtual users (with --duration).
    #[arg(long, env = "BP_LOAD_VUS", requires = "duration")]
    pub vus: Option<u32>,
    /// Open model: this many iterations per second (with --duration).
    #[arg(long, env = "BP_LOAD_RATE", requires = "duration")]
    pub rate: Option<f64>,
    /// Length of an ad-hoc run, e.g. `30s` or `5m` (a bare number is seconds).
    #[arg(long, env = "BP_LOAD_DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Multiply every duration of the schedule by this (e.g. 0.01 for a quick run); think
    /// time is behaviour and stays as it is.
    #[arg(long, env = "BP_LOAD_TIME_SCALE", default_value_t = 1.0)]
    pub time_scale: f64,
    /// Mean pause of a closed-model user between requests (jittered ±50 %); 0 for none.
    #[arg(long, env = "BP_LOAD_THINK_TIME", default_value = "1s", value_parser = parse_duration)]
    pub think_time: Duration,
    /// Endpoint weights: enhance, batch, history, analyze, health.
    #[arg(
        long,
        env = "BP_LOAD_MIX",
        default_value = "enhance=70,batch=20,history=10"
    )]
    pub mix: String,
    /// Labelled prompts (JSON lines from `betterprompts dataset`); generated when absent.
    #[arg(long, env = "BP_LOAD_DATA")]
    pub data: Option<PathBuf>,
    /// Rows of --data (or generated prompts) kept in memory.
    #[arg(long, env = "BP_LOAD_PROMPTS", default_value_t = 3000)]
    pub prompts: usize,
    /// API key sent with every request (with the admin role, the run's live state is pushed
    /// to the server with it too).
    #[arg(long, env = "BP_LOAD_KEY", hide_env_values = true)]
    pub key: Option<String>,
    /// A file of API keys, one per line: virtual user n sends the key on line n mod the
    /// number of keys, so a run's users are spread over many keys (their own rate limits,
    /// their own histories).
    #[arg(long, env = "BP_LOAD_KEY_FILE", conflicts_with_all = ["key", "admin_key"])]
    pub key_file: Option<PathBuf>,
    /// Admin key: create a fresh unlimited key for this run through the admin API; the run's
    /// live state is pushed to the server with it.
    #[arg(
        long,
        env = "BP_LOAD_ADMIN_KEY",
        hide_env_values = true,
        conflicts_with = "key"
    )]
    pub admin_key: Option<String>,
    /// Pass/fail criteria, e.g. 'p(95)<200', 'rate<0.001', 'p(95){region:eu-west}<250';
    /// replaces the SLA defaults. Repeatable.
    #[arg(long = "threshold", env = "BP_LOAD_THRESHOLDS", value_delimiter = ';')]
    pub thresholds: Vec<String>,
    /// Stop as soon as a threshold fails.
    #[arg(long, env = "BP_LOAD_ABORT_ON_FAIL")]
    pub abort_on_fail: bool,
    /// Timeout of one request, connect included; a request is cut after between one and two
    /// timeouts (one timer per user, not one per request).
    #[arg(long, env = "BP_LOAD_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Stop after this many requests.
    #[arg(long, env = "BP_LOAD_MAX_REQUESTS")]
    pub max_requests: Option<u64>,
    /// Open model: connections (in-flight requests) at most. With --rate the default is
    /// rate / 10 (10..5000); it also caps a profile's open phases (stress: 100).
    #[arg(long, env = "BP_LOAD_MAX_VUS")]
    pub max_vus: Option<u32>,
    /// Open model: an arrival that cannot start within this is dropped (and counted).
    #[arg(long, env = "BP_LOAD_MAX_LATENESS", default_value = "5s", value_parser = parse_duration)]
    pub max_lateness: Duration,
    /// Prompts per /batch request.
    #[arg(long, env = "BP_LOAD_BATCH_SIZE", default_value_t = 5)]
    pub batch_size: usize,
    /// Generator threads (1 = one core, the most efficient per request).
    #[arg(long, env = "BP_LOAD_THREADS", default_value_t = 1)]
    pub threads: usize,
    /// Seed of the generated prompts and of each user's random choices.
    #[arg(long, env = "BP_LOAD_SEED", default_value_t = 1)]
    pub seed: u64,
    /// Write the JSON report here.
    #[arg(long, env = "BP_LOAD_REPORT_JSON")]
    pub report_json: Option<PathBuf>,
    /// Write the time series as CSV here.
    #[arg(long, env = "BP_LOAD_REPORT_CSV")]
    pub report_csv: Option<PathBuf>,
    /// Write the thresholds as JUnit XML here.
    #[arg(long, env = "BP_LOAD_JUNIT")]
    pub junit: Option<PathBuf>,
    /// Write a self-contained HTML report here (inline charts; prints well to PDF).
    #[arg(long, env = "BP_LOAD_REPORT_HTML")]
    pub report_html: Option<PathBuf>,
    /// POST a Slack-compatible summary (verdict, req/s, p95, errors, failed thresholds) to
    /// this URL at the end of the run.
    #[arg(long, env = "BP_LOAD_NOTIFY_WEBHOOK", hide_env_values = true)]
    pub notify_webhook: Option<String>,
    /// No live progress line.
    #[arg(long, env = "BP_LOAD_QUIET")]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Merge JSON reports of concurrent runs (e.g. from several machines) exactly.
    #[command(
        after_help = "Example:\n  betterprompts report merge a.json b.json --out merged.json"
    )]
    Merge(MergeArgs),
    /// Fit the Universal Scalability Law to measured (load, throughput) points, e.g. fleet
    /// sizes and their breaking points from `bench/fleet-scaling.sh`.
    #[command(
        after_help = "Example:\n  betterprompts report usl 1=480 2=930 3=1340 --target 1000 --target 2000"
    )]
    Usl(UslArgs),
}

#[derive(Debug, Args)]
pub struct UslArgs {
    /// Points as LOAD=THROUGHPUT (e.g. instances=req/s); at least three distinct loads.
    #[arg(required = true, num_args = 3.., value_name = "LOAD=RPS", value_parser = parse_point)]
    pub points: Vec<(f64, f64)>,
    /// Throughputs (req/s) to say how much load (how many instances) they need.
    #[arg(long = "target")]
    pub targets: Vec<f64>,
    /// What the load counts, for the text output.
    #[arg(long, default_value = "instances")]
    pub unit: String,
    /// Print the fit as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_point(s: &str) -> Result<(f64, f64), String> {
    let (n, x) = s
        .split_once('=')
        .ok_or_else(|| format!("expected LOAD=THROUGHPUT, got {s:?}"))?;
    let number = |v: &str| {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .ok_or_else(|| format!("{v:?} is not a positive number (in {s:?})"))
    };
    Ok((number(n)?, number(x)?))
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Reports written by `load --report-json`.
    #[arg(required = true, num_args = 2..)]
    pub inputs: Vec<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
}

/// How long history is kept: `None` forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention(pub Option<Duration>);

/// Every duration flag: units as `bp_load::duration` reads them (`500ms`, `30s`, `5m`, `1h`,
/// `1d`, `1m30s`), or a bare number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    if let Ok(d) = bp_load::duration::parse(s) {
        return Ok(d);
    }
    match s.trim().parse::<f64>() {
        Ok(secs) => Duration::try_from_secs_f64(secs).map_err(|e| format!("{e}: {s:?}")),
        Err(_) => Err(format!(
            "expected a duration such as 500ms, 30s, 5m, 1h, 1d or 1m30s (a bare number is seconds), got {s:?}"
        )),
    }
}

/// A metrics window: whole seconds that divide a minute, so windows align with minutes.
fn parse_window(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    let secs = d.as_secs();
    if d.subsec_nanos() != 0 || secs == 0 || 60 % secs != 0 {
        return Err(format!(
            "a metrics window is whole seconds dividing a minute (1s, 2s, 3s, 4s, 5s, 6s, 10s, 12s, 15s, 20s, 30s, 1m), got {s:?}"
        ));
    }
    Ok(d)
}

/// A key's lifetime: a duration with units, at least a minute.
fn parse_expiry(s: &str) -> Result<Duration, String> {
    match bp_load::duration::parse(s) {
        Ok(d) if d >= Duration::from_secs(60) => Ok(d),
        _ => Err(format!(
            "expected a lifetime of at least a minute with units, e.g. 90d, 12h or 1w; got {s:?}"
        )),
    }
}

/// A rotation's overlap: `0` to 30 days.
fn parse_overlap(s: &str) -> Result<Duration, String> {
    let d = if s.trim() == "0" {
        Duration::ZERO
    } else {
        bp_load::duration::parse(s)
            .map_err(|_| format!("expected 0 or a duration such as 1h or 1d; got {s:?}"))?
    };
    if d > Duration::from_secs(u64::from(bp_api::MAX_ROTATION_OVERLAP_S)) {
        return Err(format!("an overlap is at most 30 days; got {s:?}"));
    }
    Ok(d)
}

/// `0`: keep forever; otherwise a duration with units (a bare number is refused here: `30`
/// could be meant as days).
fn parse_retention(s: &str) -> Result<Retention, String> {
    if s.trim() == "0" {
        return Ok(Retention(None));
    }
    match bp_load::duration::parse(s) {
        Ok(d) if d >= Duration::from_secs(60) => Ok(Retention(Some(d))),
        Ok(_) => {
            Err("a retention shorter than a minute would delete rows as they are written".into())
        }
        Err(_) => Err(format!(
            "expected a duration with units, e.g. 30d, 12h or 1w, or 0 to keep forever; got {s:?}"
        )),
    }
}

fn parse_tier(s: &str) -> Result<Tier, String> {
    s.parse()
        .map_err(|e: bp_api::UnknownName| format!("{e}; expected free, pro or enterprise"))
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: bp_api::UnknownName| format!("{e}; expected viewer, user or admin"))
}

fn parse_rate_limit(s: &str) -> Result<RateLimit, String> {
    s.parse()
}

fn parse_positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("expected a positive number, got {s:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units_or_bare_seconds() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("60"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("-1").is_err());
    }

    #[test]
    fn a_window_divides_a_minute() {
        assert_eq!(parse_window("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_window("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_window("1m"), Ok(Duration::from_secs(60)));
        for bad in ["7s", "0", "1.5s", "2m", "90"] {
            assert!(parse_window(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_retention_needs_units_except_zero() {
        assert_eq!(parse_retention("0"), Ok(Retention(None)));
        assert_eq!(
            parse_retention("30d"),
            Ok(Retention(Some(Duration::from_secs(30 * 86_400))))
        );
        assert!(parse_retention("30").is_err());
        assert!(parse_retention("30s").is_err());
    }
}
