//! Running the built binary: commands, and servers on port 0 that can be killed.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_betterprompts");

/// Where a test's data lives: a SQLite dir or a PostgreSQL schema of its own.
#[derive(Debug, Clone)]
pub enum Storage {
    Sqlite(std::path::PathBuf),
    Postgres { url: String, schema: String },
}

impl Storage {
    pub fn sqlite(dir: &tempfile::TempDir) -> Self {
        Storage::Sqlite(dir.path().to_owned())
    }

    pub fn postgres() -> Self {
        let url = std::env::var("BP_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        Storage::Postgres {
            url,
            schema: format!("e2e_{}", uuid::Uuid::now_v7().simple()),
        }
    }

    pub fn args(&self) -> Vec<String> {
        match self {
            Storage::Sqlite(dir) => vec!["--data-dir".into(), dir.display().to_string()],
            Storage::Postgres { url, schema } => {
                vec![
                    "--database-url".into(),
                    url.clone(),
                    "--database-schema".into(),
                    schema.clone(),
                ]
            }
        }
    }
}

/// Runs a command to completion and returns its stdout; panics with stderr on failure.
pub fn run(args: &[&str], storage: Option<&Storage>) -> String {
    let mut command = Command::new(BIN);
    command.args(args);
    if let Some(s) = storage {
        command.args(s.args());
    }
    let out = command.output().expect("run betterprompts");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// `keys create` and the secret from the last line.
pub fn create_key(storage: &Storage, extra: &[&str]) -> String {
    let mut args = vec!["keys", "create", "--name", "e2e", "--tier", "enterprise"];
    args.extend_from_slice(extra);
    let out = run(&args, Some(storage));
    out.lines().last().expect("a last line").trim().to_owned()
}

/// A `serve` process on 127.0.0.1:0.
pub struct ServerProcess {
    pub child: Child,
    pub base: String,
}

impl ServerProcess {
    pub fn start(storage: &Storage) -> Self {
        Self::start_with(storage, &[])
    }

    /// With more `serve` flags, e.g. `--metrics-window 1`.
    pub fn start_with(storage: &Storage, extra: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(storage.args())
            .args(extra)
            .env("BP_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn server");
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
            .expect("listening line")
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
