//! The built binary as a process: commands run to completion, and `serve` on 127.0.0.1:0
//! that a test can SIGKILL or SIGTERM. The binary's path comes from the caller
//! (`env!("CARGO_BIN_EXE_betterprompts")` exists only in the binary crate's tests).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Runs `bin args` to completion and returns its stdout; panics with stderr on failure.
pub fn run(bin: &Path, args: &[&str]) -> String {
    run_with(bin, args, &[])
}

/// Like [`run`], with more arguments after `args` (e.g. a storage's `cli_args`).
pub fn run_with(bin: &Path, args: &[&str], more: &[String]) -> String {
    let out = Command::new(bin)
        .args(args)
        .args(more)
        .output()
        .expect("run the binary");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// A `serve` process on 127.0.0.1:0; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    /// `http://127.0.0.1:PORT`, from the first line the server prints.
    pub base: String,
    /// Prometheus' own listener (`--metrics-addr`), from the banner's `metrics` line.
    pub metrics_base: Option<String>,
}

impl ServerProcess {
    /// `bin serve --addr 127.0.0.1:0` with `storage_args` and `extra` flags (e.g.
    /// `--metrics-window 1`); returns once it listens.
    pub fn start(bin: &Path, storage_args: &[String], extra: &[&str]) -> Self {
        Self::spawn(bin, storage_args, extra, None)
    }

    /// As [`ServerProcess::start`], logging everything (`BP_LOG=trace`) into `log`.
    pub fn start_logged(bin: &Path, storage_args: &[String], extra: &[&str], log: &Path) -> Self {
        Self::spawn(bin, storage_args, extra, Some(log))
    }

    fn spawn(bin: &Path, storage_args: &[String], extra: &[&str], log: Option<&Path>) -> Self {
        let (level, stderr) = match log {
            Some(path) => (
                "trace",
                Stdio::from(std::fs::File::create(path).expect("create the log file")),
            ),
            None => ("warn", Stdio::inherit()),
        };
        let mut child = Command::new(bin)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(storage_args)
            .args(extra)
            .env("BP_LOG", level)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn the server");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout
            .read_line(&mut first)
            .expect("read the listening line");
        let base = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("a listening line, got {first:?}"))
            .to_owned();
        // The banner goes on to a `metrics URL` line; "(no key)" marks a listener of its own.
        let mut metrics_base = None;
        let mut line = String::new();
        while stdout.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(rest) = line.trim().strip_prefix("metrics") {
                if rest.contains("(no key)") {
                    metrics_base = rest
                        .split_whitespace()
                        .next()
                        .map(|url| url.trim_end_matches("/metrics").to_owned());
                }
                break;
            }
            line.clear();
        }
        // Keep draining so the server never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        ServerProcess {
            child,
            base,
            metrics_base,
        }
    }

    /// SIGKILL: no drain, no flush, nothing.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reap");
    }

    /// SIGTERM and wait for the drain; returns the exit status's success.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        self.child.wait().expect("wait").success()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
