//! The command line. Every flag also reads a `BP_*` environment variable.

use bp_api::{RateLimit, Role, Tier};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "betterprompts",
    version,
    about = "Prompt enhancement with performance under load made visible"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API.
    Serve(ServeArgs),
    /// Serve with embedded defaults and print how to use it.
    Demo(ServeArgs),
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Write a labelled prompt dataset (JSON lines) for load tests and evaluation.
    Dataset(DatasetArgs),
    /// Evaluate the engine on labelled prompts.
    Eval(EvalArgs),
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
    /// History rows that may wait for their commit before requests are shed with 503.
    #[arg(long, env = "BP_HISTORY_QUEUE", default_value_t = 50_000)]
    pub history_queue: usize,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key; the secret is printed once, alone on the last line.
    Create(CreateKeyArgs),
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

fn parse_tier(s: &str) -> Result<Tier, String> {
    s.parse()
        .map_err(|e: bp_api::UnknownName| format!("{e}; expected free, pro or enterprise"))
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: bp_api::UnknownName| format!("{e}; expected user or admin"))
}

fn parse_rate_limit(s: &str) -> Result<RateLimit, String> {
    s.parse()
}
