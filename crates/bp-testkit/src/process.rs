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
}

impl ServerProcess {
    /// `bin serve --addr 127.0.0.1:0` with `storage_args` and `extra` flags (e.g.
    /// `--metrics-window 1`); returns once it listens.
    pub fn start(bin: &Path, storage_args: &[String], extra: &[&str]) -> Self {
        let mut child = Command::new(bin)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(storage_args)
            .args(extra)
            .env("BP_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the server");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout
            .read_line(&mut first)
            .expect("read the listening line");
        // Keep draining so the server never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let base = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("a listening line, got {first:?}"))
            .to_owned();
        ServerProcess { child, base }
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
