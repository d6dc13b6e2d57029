//! `betterprompts`: the one binary. Glue only — parse the command line, set up logging,
//! hand over to the library crates.

mod cli;
mod commands;

use clap::Parser;

/// mimalloc: the service allocates many short-lived strings per request across threads;
/// measured with bench/b1-enhance-vs-hello.sh (see bench/runs/) before keeping it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
