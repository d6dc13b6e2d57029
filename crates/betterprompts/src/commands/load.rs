//! `load`: the command line as `bp_load::RunOptions` (validated by the library), the run on
//! a runtime sized by `--threads`, then the summary, the report files and the webhook; exit
//! 0 when every threshold holds, 99 when one fails, 2 on a usage error.

use crate::cli::LoadArgs;
use anyhow::Context;
use bp_load::{CpuScope, Keys, LiveConfig, Report, RunConfig, RunOptions, Shape, Webhook};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

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

/// The command line as the library's run options, validated there; usage mistakes come back
/// as `Error`s.
fn prepare(args: &LoadArgs) -> Result<RunConfig, bp_load::Error> {
    let shape = match (&args.profile, &args.profile_file, args.vus, args.rate) {
        (Some(name), ..) => Shape::Profile(name.clone()),
        (None, Some(path), ..) => Shape::ProfileFile(path.clone()),
        (None, None, Some(vus), _) => Shape::Users(vus),
        (None, None, None, Some(rate)) => Shape::Rate(rate),
        // clap's `shape` group requires one of them.
        (None, None, None, None) => {
            return Err(bp_load::Error::Usage(
                "give --profile, --profile-file, --vus or --rate".to_owned(),
            ));
        }
    };
    let options = RunOptions {
        target: args.target.clone(),
        shape,
        duration: args.duration,
        time_scale: args.time_scale,
        think_time: args.think_time,
        mix: args.mix.clone(),
        data: args.data.clone(),
        prompts: args.prompts,
        keys: match (&args.key, &args.key_file) {
            (Some(key), _) => Keys::One(key.clone()),
            (None, Some(file)) => Keys::File(file.clone()),
            (None, None) => Keys::None,
        },
        thresholds: args.thresholds.clone(),
        abort_on_fail: args.abort_on_fail,
        timeout: args.timeout,
        max_requests: args.max_requests,
        max_vus: args.max_vus,
        max_lateness: args.max_lateness,
        batch_size: args.batch_size,
        threads: args.threads,
        seed: args.seed,
    };
    options.validate(progress_line(args.quiet))
}

/// The live progress line on stderr: redrawn in place on a terminal, one line per second in
/// a log; none with `--quiet`.
fn progress_line(quiet: bool) -> Option<bp_load::ProgressSink> {
    if quiet {
        return None;
    }
    let terminal = std::io::stderr().is_terminal();
    Some(Box::new(move |p: &bp_load::progress::Progress| {
        let mut err = std::io::stderr().lock();
        let _ = if terminal {
            write!(err, "\r\x1b[2K{}", p.line())
        } else {
            writeln!(err, "{}", p.line())
        };
        let _ = err.flush();
    }))
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
