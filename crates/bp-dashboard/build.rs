//! Builds the dashboard front end (`web/`) into `$OUT_DIR/dashboard` so the crate can embed
//! it. Everything it writes stays in `$OUT_DIR`: the npm manifest, lock file and build script
//! are copied to `$OUT_DIR/npm`, `npm ci` installs there (when `node_modules` is missing or
//! older than the lock file), and the script bundles `web/src` with the packages from there.
//! The source tree is only read. The bundle is never committed (it holds third-party code
//! from npm).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let web = manifest.join("../../web");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let out = out_dir.join("dashboard");
    let npm_dir = out_dir.join("npm");
    for input in [
        "src",
        "index.html",
        "build.mjs",
        "package.json",
        "package-lock.json",
    ] {
        println!("cargo::rerun-if-changed={}", web.join(input).display());
    }
    if let Err(e) = std::fs::create_dir_all(&npm_dir) {
        panic!("cannot create {}: {e}", npm_dir.display());
    }
    for file in ["package.json", "package-lock.json", "build.mjs"] {
        copy_if_changed(&web.join(file), &npm_dir.join(file));
    }
    if needs_install(&npm_dir) {
        run(
            npm()
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&npm_dir),
            "npm ci",
        );
    }
    run(
        Command::new("node")
            .arg(npm_dir.join("build.mjs"))
            .arg("--web")
            .arg(&web)
            .arg("--outdir")
            .arg(&out)
            .current_dir(&npm_dir),
        "node build.mjs",
    );
}

/// Copies `from` over `to` unless `to` already holds the same bytes, so an unchanged lock
/// file keeps its time and `node_modules` is not reinstalled.
fn copy_if_changed(from: &Path, to: &Path) {
    let wanted =
        std::fs::read(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    if std::fs::read(to).ok().as_deref() != Some(wanted.as_slice())
        && let Err(e) = std::fs::write(to, &wanted)
    {
        panic!("cannot write {}: {e}", to.display());
    }
}

/// `node_modules` is absent, or older than the lock file that says what it should hold.
fn needs_install(dir: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&dir.join("node_modules/.package-lock.json")),
        modified(&dir.join("package-lock.json")),
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
