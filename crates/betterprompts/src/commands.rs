//! One module per subcommand; [`run`] dispatches.

mod dataset;
mod eval;
mod keys;
mod load;
mod report;
mod serve;

use crate::cli::{Cli, Command, KeysCommand, ReportCommand, StorageArgs};
use bp_store::StoreConfig;
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => runtime()?.block_on(serve::serve(args, serve::Mode::Serve)),
        Command::Demo(args) => runtime()?.block_on(serve::serve(args, serve::Mode::Demo)),
        Command::Keys(KeysCommand::Create(args)) => runtime()?.block_on(keys::create(args)),
        Command::Keys(KeysCommand::List(args)) => runtime()?.block_on(keys::list(args)),
        Command::Keys(KeysCommand::Revoke(args)) => runtime()?.block_on(keys::revoke(args)),
        Command::Keys(KeysCommand::Rotate(args)) => runtime()?.block_on(keys::rotate(args)),
        Command::Dataset(args) => dataset::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Load(args) => load::run(*args),
        Command::Report(ReportCommand::Merge(args)) => report::merge(&args),
        Command::Report(ReportCommand::Usl(args)) => report::usl(&args),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

impl StorageArgs {
    pub fn store_config(&self) -> StoreConfig {
        match &self.database_url {
            Some(url) => StoreConfig::Postgres {
                url: url.clone(),
                pool_size: self.database_pool_size,
                schema: self.database_schema.clone(),
            },
            None => StoreConfig::Sqlite {
                path: self.data_dir.join("betterprompts.sqlite3"),
            },
        }
    }
}
