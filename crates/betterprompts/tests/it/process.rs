//! This crate's binary through `bp-testkit`'s process helpers: commands run to completion,
//! and servers on port 0 that can be killed.

pub use bp_testkit::{Backend, ServerProcess, TestStorage};
use std::path::Path;

pub const BIN: &str = env!("CARGO_BIN_EXE_betterprompts");

fn bin() -> &'static Path {
    Path::new(BIN)
}

/// Runs a command to completion (on `storage`'s main database, if given) and returns its
/// stdout; panics with stderr on failure.
pub fn run(args: &[&str], storage: Option<&TestStorage>) -> String {
    let more = storage.map(|s| s.cli_args("main")).unwrap_or_default();
    bp_testkit::run_with(bin(), args, &more)
}

/// `keys create` and the secret from the last line.
pub fn create_key(storage: &TestStorage, extra: &[&str]) -> String {
    let mut args = vec!["keys", "create", "--name", "e2e", "--tier", "enterprise"];
    args.extend_from_slice(extra);
    let out = run(&args, Some(storage));
    out.lines().last().expect("a last line").trim().to_owned()
}

/// `serve` on 127.0.0.1:0 over `storage`'s main database.
pub fn serve(storage: &TestStorage) -> ServerProcess {
    serve_with(storage, &[])
}

/// With more `serve` flags, e.g. `--metrics-window 1`.
pub fn serve_with(storage: &TestStorage, extra: &[&str]) -> ServerProcess {
    ServerProcess::start(bin(), &storage.cli_args("main"), extra)
}
