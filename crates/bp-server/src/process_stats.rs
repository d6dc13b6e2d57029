//! CPU, memory and file descriptors of this process, for the infrastructure metrics.
//!
//! CPU % is a rate, so it needs two readings: [`ProcessSampler`] keeps the previous one and
//! reports the share of one core used since then (100 % = one core busy).

use std::time::Instant;

/// One reading of the process's resource use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessStats {
    /// Share of one core since the previous sample, in percent.
    pub cpu_percent: f64,
    /// CPU time used since the process started.
    pub cpu_seconds_total: f64,
    pub resident_memory_bytes: u64,
    pub open_fds: u64,
}

pub struct ProcessSampler {
    ticks_per_second: f64,
    page_size: u64,
    previous: Option<(Instant, u64)>,
}

impl Default for ProcessSampler {
    fn default() -> Self {
        ProcessSampler {
            ticks_per_second: procfs::ticks_per_second() as f64,
            page_size: procfs::page_size(),
            previous: None,
        }
    }
}

impl ProcessSampler {
    /// Reads /proc/self; `None` where procfs is unavailable (the metrics then omit these).
    pub fn sample(&mut self) -> Option<ProcessStats> {
        let me = procfs::process::Process::myself().ok()?;
        let stat = me.stat().ok()?;
        let now = Instant::now();
        let ticks = stat.utime + stat.stime;
        let cpu_percent = match self.previous {
            Some((then, before)) => {
                let wall = now.duration_since(then).as_secs_f64();
                let used = ticks.saturating_sub(before) as f64 / self.ticks_per_second;
                if wall > 0.0 { 100.0 * used / wall } else { 0.0 }
            }
            None => 0.0,
        };
        self.previous = Some((now, ticks));
        Some(ProcessStats {
            cpu_percent,
            cpu_seconds_total: ticks as f64 / self.ticks_per_second,
            resident_memory_bytes: stat.rss * self.page_size,
            open_fds: me.fd_count().map_or(0, |n| n as u64),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_and_measures_busy_cpu() {
        let mut sampler = ProcessSampler::default();
        let first = sampler.sample().expect("procfs on Linux");
        assert!(first.resident_memory_bytes > 1 << 20 && first.open_fds >= 3);
        // Burn ~50 ms of CPU: the next sample must see it.
        let started = Instant::now();
        let mut x = 0u64;
        while started.elapsed().as_millis() < 50 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let second = sampler.sample().expect("procfs");
        assert!(second.cpu_percent > 20.0, "{second:?}");
        assert!(second.cpu_seconds_total >= first.cpu_seconds_total);
    }
}
