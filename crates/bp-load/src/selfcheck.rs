//! The generator measuring itself: CPU time and peak memory from `/proc/self`, so a report
//! can say when the generator, not the server, was the bottleneck. Read from procfs rather
//! than `getrusage` because the workspace forbids `unsafe`.

use std::sync::{Arc, Mutex, PoisonError};

/// CPU used and peak memory, at one moment or between two.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuUsage {
    /// User + system CPU seconds.
    pub cpu_s: f64,
    /// Peak resident set (VmHWM).
    pub max_rss_bytes: u64,
}

/// Linux reports `/proc/self/stat` times in USER_HZ ticks, which is 100 on every
/// architecture the kernel supports today.
const TICKS_PER_S: f64 = 100.0;

impl CpuUsage {
    /// CPU since `earlier`; memory is the peak so far.
    pub fn since(&self, earlier: &CpuUsage) -> CpuUsage {
        CpuUsage {
            cpu_s: (self.cpu_s - earlier.cpu_s).max(0.0),
            max_rss_bytes: self.max_rss_bytes,
        }
    }
}

/// Whose CPU a run counts: the whole process (the default: `betterprompts load` has its
/// process to itself), or only the threads registered here, for a generator sharing its
/// process with a server (`betterprompts demo`), whose work is not the generator's.
#[derive(Debug, Clone, Default)]
pub struct CpuScope {
    /// Thread ids; `None` for the whole process.
    threads: Option<Arc<Mutex<Vec<u32>>>>,
}

impl CpuScope {
    pub fn process() -> CpuScope {
        CpuScope::default()
    }

    /// No thread yet: register each one that runs the generator.
    pub fn threads() -> CpuScope {
        CpuScope {
            threads: Some(Arc::default()),
        }
    }

    /// Counts the calling thread (e.g. from the runtime's `on_thread_start`). A no-op for
    /// the process scope, or where procfs is unavailable.
    pub fn register_current_thread(&self) {
        let Some(threads) = &self.threads else {
            return;
        };
        // `/proc/thread-self` links to `<pid>/task/<tid>`.
        let tid = std::fs::read_link("/proc/thread-self")
            .ok()
            .and_then(|link| link.file_name()?.to_str()?.parse::<u32>().ok());
        if let Some(tid) = tid {
            threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(tid);
        }
    }

    /// Now; zeros where procfs is unavailable. Memory is always the process's peak.
    pub fn sample(&self) -> CpuUsage {
        let cpu_s = match &self.threads {
            None => cpu_seconds("/proc/self/stat"),
            Some(threads) => threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .map(|tid| cpu_seconds(&format!("/proc/self/task/{tid}/stat")))
                .sum(),
        };
        CpuUsage {
            cpu_s: cpu_s.unwrap_or(0.0),
            max_rss_bytes: peak_rss().unwrap_or(0),
        }
    }
}

/// User + system seconds of a process or thread `stat` file.
fn cpu_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name may contain spaces; fields are counted after its closing ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS_PER_S)
}

fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Burns `ms` of CPU on the calling thread.
    fn burn(ms: u64) {
        let mut x = 0_u64;
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(ms) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
    }

    #[test]
    fn reads_its_own_cpu_and_memory() {
        let process = CpuScope::process();
        let before = process.sample();
        burn(100);
        let used = process.sample().since(&before);
        assert!(used.cpu_s > 0.0 && used.cpu_s < 10.0, "{used:?}");
        assert!(used.max_rss_bytes > 1024 * 1024, "{used:?}");
    }

    #[test]
    fn a_thread_scope_counts_only_its_threads() {
        let scope = CpuScope::threads();
        let before = scope.sample();
        // Another thread of this process burns CPU: not ours.
        std::thread::spawn(|| burn(300)).join().unwrap();
        assert_eq!(
            scope.sample().since(&before).cpu_s,
            0.0,
            "nothing registered"
        );
        let registered = scope.clone();
        std::thread::spawn(move || {
            registered.register_current_thread();
            let before = registered.sample();
            burn(300);
            let used = registered.sample().since(&before);
            assert!(used.cpu_s >= 0.1 && used.cpu_s < 1.0, "{used:?}");
        })
        .join()
        .unwrap();
    }
}
