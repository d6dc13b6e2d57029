//! `serve` and `demo`: run the service until SIGINT/SIGTERM, then drain.

use crate::cli::ServeArgs;
use bp_api::{CreateKeyRequest, RateLimit, Role, Tier};
use bp_server::telemetry::Recording;
use bp_server::{RateLimitConfig, RedisConfig, Server, ServerConfig};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Demo,
}

pub async fn serve(args: ServeArgs, mode: Mode) -> anyhow::Result<ExitCode> {
    let mut config = ServerConfig::new(args.addr, args.storage.store_config());
    config.default_region = args.region;
    config.public_metrics = args.public_metrics;
    config.metrics_addr = args.metrics_addr;
    config.rate_limits = RateLimitConfig {
        free_per_min: args.rate_limit_free,
        pro_per_min: args.rate_limit_pro,
        enterprise_per_min: args.rate_limit_enterprise,
        anonymous_per_min: args.rate_limit_anonymous,
    };
    config.writer.queue_capacity = args.history_queue;
    config.history_retention = args.history_retention.0;
    const HOUR: u64 = 3600;
    config.telemetry.window = args.metrics_window;
    config.telemetry.keep_windows = Duration::from_secs(args.metrics_keep_windows_hours * HOUR);
    config.telemetry.keep_minutes = Duration::from_secs(args.metrics_keep_minutes_days * 24 * HOUR);
    config.telemetry.keep_hours = Duration::from_secs(args.metrics_keep_hours_days * 24 * HOUR);
    config.telemetry.source = args.metrics_source;
    let anomalies = &mut config.telemetry.anomalies;
    anomalies.baseline_windows = usize::try_from(args.anomaly_baseline_windows)?;
    // A shorter baseline than the default warm-up judges as soon as it is full.
    anomalies.min_baseline_windows = anomalies
        .min_baseline_windows
        .min(anomalies.baseline_windows);
    anomalies.threshold = args.anomaly_threshold;
    anomalies.min_requests = args.anomaly_min_requests;
    config.telemetry.recording = match args.metrics_recording.as_str() {
        "off" => Recording::Off,
        _ => Recording::On,
    };
    config.redis = args.redis_url.map(|url| RedisConfig {
        url,
        key_prefix: args.redis_key_prefix,
        timeout: Duration::from_millis(args.redis_timeout_ms),
    });
    let server = Server::bind(config).await?;
    let addr = server.local_addr();
    let base = format!("http://{addr}");
    // Tests and scripts read the first line to find a port-0 server.
    let mut banner = format!(
        "listening on {base}\n  dashboard {base}/dashboard\n  API       {base}/api/v1\n  OpenAPI   {base}/api/v1/openapi.json\n  health    {base}/health   ready {base}/ready\n"
    );
    match server.metrics_local_addr() {
        Some(metrics) => {
            banner.push_str(&format!("  metrics   http://{metrics}/metrics (no key)\n"))
        }
        None => banner.push_str(&format!("  metrics   {base}/metrics\n")),
    }
    if !server.state().config().public_metrics {
        banner.push_str("  the figures (metrics, dashboard data) need a viewer or admin key: `betterprompts keys create --role viewer`\n");
    }
    if mode == Mode::Demo {
        let mint = |name: &str, role: Role| {
            bp_server::create_key(
                server.state().store(),
                CreateKeyRequest {
                    name: name.to_owned(),
                    tier: Tier::Enterprise,
                    role,
                    rate_limit: Some(RateLimit::Unlimited),
                    expires_at: None,
                },
            )
        };
        let key = mint("demo", Role::Admin).await?.key;
        // The dashboard link carries a viewer key, not the admin one: it may be shared or
        // land in a browser's history, and a viewer key only reads figures. It travels in
        // the fragment, which browsers never send, and the dashboard moves it into the tab's
        // storage and off the address bar at once.
        let viewer = mint("demo-dashboard", Role::Viewer).await?.key;
        start_demo_load(&base, &key)?;
        banner.push_str(&format!(
            "\nA demo admin key (shown once): {key}\nDashboard with sample requests (signed in with a viewer key that stays in the browser tab):\n  {base}/dashboard#key={viewer}\nTry:\n  curl -s {base}/api/v1/enhance -H 'Content-Type: application/json' \\\n    -d '{{\"text\":\"Explain how vaccines work\"}}'\n  curl -s '{base}/api/v1/history?limit=5' -H 'Authorization: Bearer {key}'\n\nCtrl-C stops the server (in-flight requests finish, history is flushed).\n"
        ));
    }
    // A closed stdout (a supervisor that stopped reading) must not take the server down.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    drop(stdout);
    server.run(shutdown_signal()).await?;
    tracing::info!("stopped cleanly");
    Ok(ExitCode::SUCCESS)
}

/// The demo's built-in load: 20 s of the default mix at 200 req/s against this server, on
/// its own thread and runtime, ending with the load generator's SLA summary.
fn start_demo_load(base: &str, key: &str) -> anyhow::Result<()> {
    use clap::Parser;
    let argv = [
        "betterprompts",
        "load",
        "--target",
        base,
        "--rate",
        "200",
        "--duration",
        "20s",
        "--key",
        key,
        "--quiet",
    ];
    let crate::cli::Command::Load(args) = crate::cli::Cli::try_parse_from(argv)?.command else {
        anyhow::bail!("the demo load arguments did not parse as `load`");
    };
    let dashboard = format!("{base}/dashboard");
    std::thread::Builder::new().name("demo-load".to_owned()).spawn(move || {
        // Let the banner print first.
        std::thread::sleep(std::time::Duration::from_millis(500));
        println!("\nRunning a 20 s demo load (enhance 70 % / batch 20 % / history 10 %, 200 req/s) ...");
        match super::load::run_beside_a_server(*args) {
            Ok(_) => println!("Demo load done; the server keeps running. Dashboard: {dashboard}"),
            Err(e) => eprintln!("demo load failed: {e:#}"),
        }
    })?;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; draining");
}
