//! What a user asks of a run, as plain values (the CLI's flags, already typed), and their
//! validation into a [`RunConfig`]: every usage mistake comes back as [`Error::Usage`] (exit
//! code 2) before a single request is sent.

use crate::profile::{self, Plan};
use crate::{
    CpuScope, Error, Mix, ProgressSink, PromptPool, RunConfig, Target, Threshold, duration,
};
use std::path::PathBuf;
use std::time::Duration;

/// The longest run accepted: every run is bounded in time.
pub const MAX_RUN: Duration = Duration::from_secs(24 * 3600);
/// Arrivals per second an ad-hoc open run may ask for.
pub const MAX_RATE: f64 = 200_000.0;
/// Generator threads at most.
pub const MAX_THREADS: usize = 64;

/// What the run's schedule is.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A built-in profile by name.
    Profile(String),
    /// A profile in a TOML file.
    ProfileFile(PathBuf),
    /// Closed model: this many users for `duration`.
    Users(u32),
    /// Open model: this many arrivals per second for `duration`.
    Rate(f64),
}

/// Which keys the users send.
#[derive(Debug, Clone, PartialEq)]
pub enum Keys {
    None,
    One(String),
    /// One per line; user `i` sends line `i mod n`.
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub target: String,
    pub shape: Shape,
    /// The length of an ad-hoc (`Users` or `Rate`) run.
    pub duration: Option<Duration>,
    /// Multiplies every duration of the schedule (not think time), in (0, 10].
    pub time_scale: f64,
    pub think_time: Duration,
    /// `enhance=70,batch=20,...`
    pub mix: String,
    /// JSON-lines prompts; `None` for the generator's.
    pub data: Option<PathBuf>,
    /// Prompts held in memory.
    pub prompts: usize,
    pub keys: Keys,
    /// Threshold expressions; empty for the plan's defaults (the SLA).
    pub thresholds: Vec<String>,
    pub abort_on_fail: bool,
    pub timeout: Duration,
    pub max_requests: Option<u64>,
    /// Open model: connections at most (a rate's default: rate / 10, within 10..=5000).
    pub max_vus: Option<u32>,
    pub max_lateness: Duration,
    pub batch_size: usize,
    pub threads: usize,
    pub seed: u64,
}

impl RunOptions {
    /// The validated run, reading the files it names (data, profile, keys).
    pub fn validate(&self, progress: Option<ProgressSink>) -> Result<RunConfig, Error> {
        let target = Target::parse(&self.target)?;
        if !(self.time_scale > 0.0 && self.time_scale <= 10.0) {
            return Err(usage(format!(
                "--time-scale must be in (0, 10], got {}",
                self.time_scale
            )));
        }
        if self.threads == 0 || self.threads > MAX_THREADS {
            return Err(usage(format!(
                "--threads must be between 1 and {MAX_THREADS}"
            )));
        }
        let plan = self.plan()?;
        if plan.total() > MAX_RUN || plan.total().is_zero() {
            return Err(usage(format!(
                "a run lasts between 1 ms and {}; this one would last {}",
                duration::format(MAX_RUN),
                duration::format(plan.total())
            )));
        }
        let mix = Mix::parse(&self.mix)?;
        let prompts = match &self.data {
            Some(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| usage(format!("cannot open --data {}: {e}", path.display())))?;
                PromptPool::from_jsonl(std::io::BufReader::new(file), self.prompts.max(1))?
            }
            None => PromptPool::generated(self.seed, self.prompts.max(1))?,
        };
        let thresholds = if self.thresholds.is_empty() {
            plan.default_thresholds()?
        } else {
            self.thresholds
                .iter()
                .map(|e| Threshold::parse(e))
                .collect::<Result<_, _>>()?
        };
        let keys = match &self.keys {
            Keys::None => Vec::new(),
            Keys::One(key) => vec![key.clone()],
            Keys::File(path) => read_keys(path)?,
        };
        Ok(RunConfig {
            target,
            plan,
            mix,
            prompts,
            keys,
            thresholds,
            abort_on_fail: self.abort_on_fail,
            request_timeout: self.timeout.max(Duration::from_millis(1)),
            max_requests: self.max_requests,
            batch_size: self.batch_size,
            max_lateness: self.max_lateness,
            seed: self.seed,
            threads: self.threads,
            cpu_scope: CpuScope::process(),
            progress,
            live: None,
        })
    }

    /// The schedule: the shape, the open-model cap, the time scale.
    fn plan(&self) -> Result<Plan, Error> {
        if self.max_vus == Some(0) {
            return Err(usage("--max-vus must be at least 1".to_owned()));
        }
        let ad_hoc_duration = || {
            self.duration
                .ok_or_else(|| usage("--vus and --rate need --duration".to_owned()))
        };
        let plan = match &self.shape {
            Shape::Profile(name) => profile::builtin(name, self.think_time)?,
            Shape::ProfileFile(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    usage(format!(
                        "cannot read --profile-file {}: {e}",
                        path.display()
                    ))
                })?;
                profile::from_toml(&text, self.think_time)?
            }
            Shape::Users(0) => return Err(usage("--vus must be at least 1".to_owned())),
            Shape::Users(vus) => Plan::closed(*vus, ad_hoc_duration()?, self.think_time),
            Shape::Rate(rate) => {
                if !(*rate > 0.0 && *rate <= MAX_RATE) {
                    return Err(usage(format!(
                        "--rate must be above 0 and at most {MAX_RATE} per second"
                    )));
                }
                // Enough connections for 100 ms of latency at the full rate, unless told
                // otherwise.
                let max_vus = self
                    .max_vus
                    .unwrap_or_else(|| ((rate / 10.0).ceil() as u32).clamp(10, 5000));
                Plan::open(*rate, ad_hoc_duration()?, max_vus)
            }
        };
        // A profile's open phases (stress, or `model = "open"` in a file) take the cap too.
        let plan = match (self.max_vus, &self.shape) {
            (Some(max_vus), shape) if !matches!(shape, Shape::Rate(_)) => {
                plan.with_open_max_vus(max_vus)
            }
            _ => plan,
        };
        Ok(if self.time_scale == 1.0 {
            plan
        } else {
            plan.scaled(self.time_scale)
        })
    }
}

fn usage(message: String) -> Error {
    Error::Usage(message)
}

/// The keys of a key file: one per line, blank lines and surrounding spaces ignored.
fn read_keys(file: &std::path::Path) -> Result<Vec<String>, Error> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| usage(format!("cannot read the key file {}: {e}", file.display())))?;
    let keys: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if keys.is_empty() {
        return Err(usage(format!(
            "the key file {} holds no key",
            file.display()
        )));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(shape: Shape) -> RunOptions {
        RunOptions {
            target: "http://127.0.0.1:9".to_owned(),
            shape,
            duration: Some(Duration::from_secs(10)),
            time_scale: 1.0,
            think_time: Duration::from_secs(1),
            mix: "enhance=1".to_owned(),
            data: None,
            prompts: 30,
            keys: Keys::None,
            thresholds: Vec::new(),
            abort_on_fail: false,
            timeout: Duration::from_secs(30),
            max_requests: None,
            max_vus: None,
            max_lateness: Duration::from_secs(5),
            batch_size: 5,
            threads: 1,
            seed: 1,
        }
    }

    fn refused(o: &RunOptions) -> String {
        match o.validate(None) {
            Err(Error::Usage(message)) => message,
            Err(other) => panic!("not a usage message: {other}"),
            Ok(_) => panic!("accepted: {o:?}"),
        }
    }

    #[test]
    fn a_valid_ad_hoc_run_becomes_its_plan() {
        let config = options(Shape::Rate(100.0)).validate(None).expect("valid");
        assert_eq!(config.plan.total(), Duration::from_secs(10));
        assert_eq!(config.plan.max_vus(), 10, "rate / 10, at least 10");
        assert!(config.keys.is_empty());
        let scaled = RunOptions {
            time_scale: 0.5,
            ..options(Shape::Users(3))
        };
        assert_eq!(
            scaled.validate(None).expect("valid").plan.total(),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn usage_mistakes_are_refused_before_anything_runs() {
        let mut o = options(Shape::Users(0));
        assert!(refused(&o).contains("--vus must be at least 1"));
        o = options(Shape::Rate(0.0));
        assert!(refused(&o).contains("--rate must be above 0"));
        o = options(Shape::Rate(MAX_RATE * 2.0));
        assert!(refused(&o).contains("--rate must be above 0"));
        o = RunOptions {
            duration: None,
            ..options(Shape::Users(1))
        };
        assert!(refused(&o).contains("need --duration"));
        o = RunOptions {
            duration: Some(MAX_RUN * 2),
            ..options(Shape::Users(1))
        };
        assert!(refused(&o).contains("a run lasts"));
        o = RunOptions {
            time_scale: 0.0,
            ..options(Shape::Users(1))
        };
        assert!(refused(&o).contains("--time-scale"));
        o = RunOptions {
            threads: 0,
            ..options(Shape::Users(1))
        };
        assert!(refused(&o).contains("--threads"));
        o = RunOptions {
            max_vus: Some(0),
            ..options(Shape::Profile("stress".into()))
        };
        assert!(refused(&o).contains("--max-vus"));
        o = options(Shape::Profile("nope".into()));
        assert!(matches!(o.validate(None), Err(Error::UnknownProfile(_))));
        o = RunOptions {
            keys: Keys::File("/nonexistent/keys.txt".into()),
            ..options(Shape::Users(1))
        };
        assert!(refused(&o).contains("cannot read the key file"));
    }

    #[test]
    fn a_key_file_gives_one_key_per_non_blank_line() {
        let dir = std::env::temp_dir().join(format!("bp-load-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("keys.txt");
        std::fs::write(&file, "bp_a\n\n  bp_b  \n").expect("write");
        let o = RunOptions {
            keys: Keys::File(file.clone()),
            ..options(Shape::Users(1))
        };
        assert_eq!(o.validate(None).expect("valid").keys, ["bp_a", "bp_b"]);
        std::fs::write(&file, "\n \n").expect("write");
        assert!(refused(&o).contains("holds no key"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
