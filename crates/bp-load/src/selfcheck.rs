//! The generator measuring itself: process CPU time and peak memory from `/proc/self`, so a
//! report can say when the generator, not the server, was the bottleneck. Read from procfs
//! rather than `getrusage` because the workspace forbids `unsafe`.

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

/// Now; zeros where procfs is unavailable.
pub fn sample() -> CpuUsage {
    CpuUsage {
        cpu_s: cpu_seconds().unwrap_or(0.0),
        max_rss_bytes: peak_rss().unwrap_or(0),
    }
}

fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
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

    #[test]
    fn reads_its_own_cpu_and_memory() {
        let before = sample();
        // Burn a little CPU so the tick counter moves.
        let mut x = 0_u64;
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(100) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let used = sample().since(&before);
        assert!(used.cpu_s > 0.0 && used.cpu_s < 10.0, "{used:?}");
        assert!(used.max_rss_bytes > 1024 * 1024, "{used:?}");
    }
}
