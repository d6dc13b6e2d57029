//! Builds the dashboard front end (`web/`) into `$OUT_DIR/dashboard` so the crate can embed
//! it: `npm ci` when `node_modules` is missing or older than the lock file, then the
//! esbuild script. The bundle is never committed (it holds third-party code from npm).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let web = manifest.join("../../web");
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("dashboard");
    for input in [
        "src",
        "index.html",
        "build.mjs",
        "package.json",
        "package-lock.json",
    ] {
        println!("cargo::rerun-if-changed={}", web.join(input).display());
    }
    if needs_install(&web) {
        run(
            npm()
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&web),
            "npm ci",
        );
    }
    run(
        Command::new("node")
            .arg("build.mjs")
            .arg("--outdir")
            .arg(&out)
            .current_dir(&web),
        "node build.mjs",
    );
}

/// `node_modules` is absent, or older than the lock file that says what it should hold.
fn needs_install(web: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&web.join("node_modules/.package-lock.json")),
        modified(&web.join("package-lock.json")),
    ) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}

fn npm() -> Command {
    Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
}

fn run(command: &mut Command, what: &str) {
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => panic!(
            "{what} failed ({status}); the dashboard is built from web/ with Node.js and npm"
        ),
        Err(e) => panic!(
            "{what} could not start ({e}): building BetterPrompts needs Node.js and npm on PATH"
        ),
    }
}
