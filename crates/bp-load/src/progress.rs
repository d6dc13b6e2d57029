//! The live progress line: users, req/s, p95, errors, elapsed / total and a bar. The caller
//! decides where it goes (stderr, or nowhere with `--quiet`).

use crate::duration;
use std::time::Duration;

/// A snapshot for the progress line.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub users: u64,
    /// Throughput of the last window.
    pub rps: f64,
    /// p95 of the last window, ms.
    pub p95_ms: f64,
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
    pub total: Duration,
}

/// Receives a snapshot about once a second.
pub type ProgressSink = Box<dyn FnMut(&Progress) + Send>;

const BAR_WIDTH: usize = 24;

impl Progress {
    /// `[=========>          ]  42% 1m3s/2m30s  users 500  1023.4 req/s  p95 3.21 ms  errors 0 (0.00%)`
    pub fn line(&self) -> String {
        let fraction = if self.total.is_zero() {
            1.0
        } else {
            (self.elapsed.as_secs_f64() / self.total.as_secs_f64()).clamp(0.0, 1.0)
        };
        let filled = (fraction * BAR_WIDTH as f64).round() as usize;
        let mut bar = "=".repeat(filled);
        if filled < BAR_WIDTH {
            bar.push('>');
            bar.push_str(&" ".repeat(BAR_WIDTH - filled - 1));
        }
        let error_pct = if self.requests == 0 {
            0.0
        } else {
            self.errors as f64 * 100.0 / self.requests as f64
        };
        format!(
            "[{bar}] {:>3.0}% {}/{}  users {}  {:.1} req/s  p95 {:.2} ms  errors {} ({error_pct:.2}%)",
            fraction * 100.0,
            duration::format(self.elapsed.min(self.total)),
            duration::format(self.total),
            self.users,
            self.rps,
            self.p95_ms,
            self.errors,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_bar_and_the_figures() {
        let p = Progress {
            users: 500,
            rps: 1023.44,
            p95_ms: 3.214,
            requests: 1000,
            errors: 1,
            elapsed: Duration::from_secs(75),
            total: Duration::from_secs(150),
        };
        let line = p.line();
        assert!(
            line.starts_with("[============>           ]  50% 1m15s/2m30s"),
            "{line}"
        );
        assert!(
            line.contains("users 500") && line.contains("1023.4 req/s"),
            "{line}"
        );
        assert!(
            line.contains("p95 3.21 ms") && line.contains("errors 1 (0.10%)"),
            "{line}"
        );
    }
}
