//! `load` (and `report merge`): turn the command line into a `bp_load::RunConfig`, run it on
//! a runtime sized by `--threads`, print the summary, write the reports, notify the webhook,
//! and exit 0 when every threshold holds, 99 when one fails, 2 on a usage error.

use crate::cli::LoadArgs;
use anyhow::Context;
use bp_load::profile::{self, Plan};
use bp_load::{
    CpuScope, LiveConfig, Mix, PromptPool, Report, RunConfig, Target, Threshold, Webhook, duration,
};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// The longest run accepted: every run is bounded in time.
const MAX_RUN: Duration = Duration::from_secs(24 * 3600);
/// Arrivals per second an ad-hoc open run may ask for.
const MAX_RATE: f64 = 200_000.0;

pub fn run(args: LoadArgs) -> anyhow::Result<ExitCode> {
    run_with(args, CpuScope::process())
}

/// `run` for a generator sharing its process with a server (`demo`): its report counts the
/// CPU of its own threads only, not the server's.
pub fn run_beside_a_server(args: LoadArgs) -> anyhow::Result<ExitCode> {
    run_with(args, CpuScope::threads())
}

fn run_with(args: LoadArgs, cpu_scope: CpuScope) -> anyhow::Result<ExitCode> {
    let (config, webhook) = match prepare(&args).and_then(|c| Ok((c, webhook(&args)?))) {
        Ok(prepared) => prepared,
        Err(e) => return Ok(usage_error(&e)),
    };
    let mut builder = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut multi = tokio::runtime::Builder::new_multi_thread();
        multi.worker_threads(args.threads);
        multi
    };
    let on_start = cpu_scope.clone();
    let runtime = builder
        .enable_all()
        .on_thread_start(move || on_start.register_current_thread())
        .build()?;
    // A current-thread runtime runs on this one.
    cpu_scope.register_current_thread();
    let result = runtime.block_on(async {
        let mut config = config;
        config.cpu_scope = cpu_scope;
        if let Some(admin_key) = &args.admin_key {
            let name = format!("load-test {}", config.plan.name);
            config.keys = vec![bp_load::auth::create_key(&config.target, admin_key, &name).await?];
        }
        // The run's state goes to the server with the admin key, or with --key (the server
        // refuses it unless that is an admin key too, and the run carries on without).
        config.live = args
            .admin_key
            .clone()
            .or_else(|| args.key.clone())
            .map(|key| LiveConfig::new(key, args.seed));
        bp_load::run(config).await
    });
    let report = match result {
        Ok(report) => report,
        Err(e) if e.is_usage() => return Ok(usage_error(&e)),
        Err(e) => return Err(e.into()),
    };
    if !args.quiet && std::io::stderr().is_terminal() {
        eprintln!();
    }
    print!("{}", bp_report::summary(&report));
    write_outputs(&args, &report)?;
    if let Some(webhook) = webhook {
        // The verdict is the run's: a chat service that is down does not change it.
        if let Err(e) = runtime.block_on(webhook.notify(&report)) {
            eprintln!("warning: {e}");
        }
    }
    Ok(ExitCode::from(bp_load::exit_code(&report)))
}

fn webhook(args: &LoadArgs) -> Result<Option<Webhook>, bp_load::Error> {
    args.notify_webhook
        .as_deref()
        .map(Webhook::parse)
        .transpose()
}

fn usage_error(e: &bp_load::Error) -> ExitCode {
    eprintln!("error: {e}");
    eprintln!("see `betterprompts load --help`");
    ExitCode::from(bp_load::EXIT_USAGE)
}

/// Everything the library needs, validated; usage mistakes come back as `Error`s.
fn prepare(args: &LoadArgs) -> Result<RunConfig, bp_load::Error> {
    let usage = |m: String| bp_load::Error::Usage(m);
    let target = Target::parse(&args.target)?;
    if !(args.time_scale > 0.0 && args.time_scale <= 10.0) {
        return Err(usage(format!(
            "--time-scale must be in (0, 10], got {}",
            args.time_scale
        )));
    }
    let think_time = args.think_time;
    let plan = plan(args, think_time)?;
    if plan.total() > MAX_RUN || plan.total().is_zero() {
        return Err(usage(format!(
            "a run lasts between 1 ms and {}; this one would last {}",
            duration::format(MAX_RUN),
            duration::format(plan.total())
        )));
    }
    let mix = Mix::parse(&args.mix)?;
    let prompts = match &args.data {
        Some(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| usage(format!("cannot open --data {}: {e}", path.display())))?;
            PromptPool::from_jsonl(std::io::BufReader::new(file), args.prompts.max(1))?
        }
        None => PromptPool::generated(args.seed, args.prompts.max(1))?,
    };
    let thresholds = if args.thresholds.is_empty() {
        plan.default_thresholds()?
    } else {
        args.thresholds
            .iter()
            .map(|e| Threshold::parse(e))
            .collect::<Result<_, _>>()?
    };
    if args.threads == 0 || args.threads > 64 {
        return Err(usage("--threads must be between 1 and 64".to_owned()));
    }
    let progress: Option<bp_load::ProgressSink> = if args.quiet {
        None
    } else {
        let terminal = std::io::stderr().is_terminal();
        Some(Box::new(move |p: &bp_load::progress::Progress| {
            let mut err = std::io::stderr().lock();
            // On a terminal, redraw one line; in a log, one line per second.
            let _ = if terminal {
                write!(err, "\r\x1b[2K{}", p.line())
            } else {
                writeln!(err, "{}", p.line())
            };
            let _ = err.flush();
        }))
    };
    Ok(RunConfig {
        target,
        plan,
        mix,
        prompts,
        keys: match (&args.key, &args.key_file) {
            (Some(key), _) => vec![key.clone()],
            (None, Some(file)) => read_keys(file)?,
            (None, None) => Vec::new(),
        },
        thresholds,
        abort_on_fail: args.abort_on_fail,
        request_timeout: args.timeout.max(Duration::from_millis(1)),
        max_requests: args.max_requests,
        batch_size: args.batch_size,
        max_lateness: args.max_lateness,
        seed: args.seed,
        threads: args.threads,
        cpu_scope: CpuScope::process(),
        progress,
        live: None,
    })
}

fn plan(args: &LoadArgs, think_time: Duration) -> Result<Plan, bp_load::Error> {
    let usage = |m: &str| bp_load::Error::Usage(m.to_owned());
    let ad_hoc_duration = || {
        args.duration
            .ok_or_else(|| usage("--vus and --rate need --duration"))
    };
    if args.max_vus == Some(0) {
        return Err(usage("--max-vus must be at least 1"));
    }
    let plan = if let Some(name) = &args.profile {
        profile::builtin(name, think_time)?
    } else if let Some(path) = &args.profile_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            bp_load::Error::Usage(format!(
                "cannot read --profile-file {}: {e}",
                path.display()
            ))
        })?;
        profile::from_toml(&text, think_time)?
    } else if let Some(vus) = args.vus {
        if vus == 0 {
            return Err(usage("--vus must be at least 1"));
        }
        Plan::closed(vus, ad_hoc_duration()?, think_time)
    } else if let Some(rate) = args.rate {
        if !(rate > 0.0 && rate <= MAX_RATE) {
            return Err(usage(
                "--rate must be above 0 and at most 200000 per second",
            ));
        }
        // Enough connections for 100 ms of latency at the full rate, unless told otherwise.
        let max_vus = args
            .max_vus
            .unwrap_or_else(|| ((rate / 10.0).ceil() as u32).clamp(10, 5000));
        Plan::open(rate, ad_hoc_duration()?, max_vus)
    } else {
        return Err(usage("give --profile, --profile-file, --vus or --rate"));
    };
    // A profile's open phases (stress, or `model = "open"` in a file) take the cap too.
    let plan = match args.max_vus {
        Some(max_vus) if args.rate.is_none() => plan.with_open_max_vus(max_vus),
        _ => plan,
    };
    Ok(if args.time_scale == 1.0 {
        plan
    } else {
        plan.scaled(args.time_scale)
    })
}

fn write_outputs(args: &LoadArgs, report: &Report) -> anyhow::Result<()> {
    if let Some(path) = &args.report_json {
        write(path, &report.to_json()?)?;
    }
    if let Some(path) = &args.report_csv {
        write(path, &bp_report::time_series_csv(report))?;
    }
    if let Some(path) = &args.junit {
        write(path, &bp_report::junit_xml(report)?)?;
    }
    if let Some(path) = &args.report_html {
        write(path, &bp_report::html(report)?)?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The keys of `--key-file`: one per line, blank lines and surrounding spaces ignored.
fn read_keys(file: &Path) -> Result<Vec<String>, bp_load::Error> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        bp_load::Error::Usage(format!("cannot read the key file {}: {e}", file.display()))
    })?;
    let keys: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if keys.is_empty() {
        return Err(bp_load::Error::Usage(format!(
            "the key file {} holds no key",
            file.display()
        )));
    }
    Ok(keys)
}
