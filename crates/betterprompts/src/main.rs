//! `betterprompts`: the one binary. Glue only — parse the command line, set up logging,
//! hand over to the library crates.

mod cli;
mod commands;

use clap::Parser;
use std::io::IsTerminal;

/// mimalloc: the service allocates many short-lived strings per request across threads;
/// measured with bench/b1-enhance-vs-hello.sh (see bench/runs/) before keeping it.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        // Escape codes only where a person reads them: not in a file, a pipe or a collector.
        cli::LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        cli::LogFormat::Json => logs.json().init(),
    }
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
