//! The executor against a real HTTP server: coordinated omission, pacing, drops, the mix,
//! staggered starts, technique accuracy, reconnects, early stops and report merging.

use crate::server::{Behaviour, TestServer};
use bp_load::profile::Plan;
use bp_load::schedule::{Model, Schedule, Stage};
use bp_load::{Mix, PromptPool, Report, RunConfig, Target, Threshold};
use std::time::Duration;

fn config(server: &TestServer, plan: Plan, mix: &str) -> RunConfig {
    RunConfig {
        target: Target::parse(&server.url).unwrap(),
        plan,
        mix: Mix::parse(mix).unwrap(),
        prompts: PromptPool::generated(1, 300).unwrap(),
        keys: vec!["bp_test".to_owned()],
        thresholds: Threshold::sla(),
        abort_on_fail: false,
        request_timeout: Duration::from_secs(5),
        max_requests: None,
        batch_size: 3,
        max_lateness: Duration::from_secs(5),
        seed: 7,
        threads: 1,
        cpu_scope: bp_load::CpuScope::process(),
        progress: None,
        live: None,
    }
}

fn behaviour() -> Behaviour {
    Behaviour {
        technique: "chain_of_thought",
        ..Behaviour::default()
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[tokio::test(flavor = "current_thread")]
async fn open_model_p99_shows_a_server_stall_that_the_closed_model_hides() {
    let stall = Behaviour {
        stall_at: Some(ms(1000)),
        stall_for: ms(1000),
        ..behaviour()
    };
    // Open: 200 arrivals/s for 3 s; the 1 s stall delays ~200 of ~600 iterations.
    let server = TestServer::start(stall.clone());
    let open = bp_load::run(config(&server, Plan::open(200.0, ms(3000), 50), "health=1"))
        .await
        .unwrap();
    // Closed: 4 users without think time; only their 4 in-flight requests see the stall.
    let server = TestServer::start(stall);
    let closed = bp_load::run(config(
        &server,
        Plan::closed(4, ms(3000), Duration::ZERO),
        "health=1",
    ))
    .await
    .unwrap();
    assert!(open.requests >= 500, "open requests {}", open.requests);
    assert!(
        open.latency_ms.p99 >= 800.0,
        "open p99 {} should reflect the 1 s stall",
        open.latency_ms.p99
    );
    assert!(open.iterations.late > 100, "{:?}", open.iterations);
    assert!(
        closed.requests > 1000,
        "closed requests {}",
        closed.requests
    );
    assert!(
        closed.latency_ms.max >= 900.0,
        "closed max {}",
        closed.latency_ms.max
    );
    assert!(
        closed.latency_ms.p99 < 100.0,
        "closed p99 {} hides the stall (coordinated omission)",
        closed.latency_ms.p99
    );
}

#[tokio::test(flavor = "current_thread")]
async fn open_model_paces_its_rate_and_counts_what_it_cannot_start() {
    let server = TestServer::start(behaviour());
    let report = bp_load::run(config(&server, Plan::open(100.0, ms(2000), 10), "health=1"))
        .await
        .unwrap();
    assert!(
        (190..=210).contains(&report.requests),
        "{}",
        report.requests
    );
    assert_eq!(report.iterations.dropped, 0);
    // One connection against a 20 ms server can do 50/s of the 200/s asked: the rest is late
    // and, past the allowed lateness, dropped.
    let slow = TestServer::start(Behaviour {
        delay: ms(20),
        ..behaviour()
    });
    let mut c = config(&slow, Plan::open(200.0, ms(1500), 1), "health=1");
    c.max_lateness = ms(200);
    let report = bp_load::run(c).await.unwrap();
    assert!(report.iterations.dropped > 100, "{:?}", report.iterations);
    assert!(report.iterations.late > 10, "{:?}", report.iterations);
    assert!(report.requests < 100, "{}", report.requests);
}

#[tokio::test(flavor = "current_thread")]
async fn the_mix_is_followed_within_tolerance() {
    let server = TestServer::start(behaviour());
    let mut c = config(
        &server,
        Plan::closed(4, ms(10_000), Duration::ZERO),
        "enhance=50,batch=10,history=10,analyze=20,health=10",
    );
    c.max_requests = Some(4000);
    let report = bp_load::run(c).await.unwrap();
    assert_eq!(
        report.stopped_early.as_deref(),
        Some("reached --max-requests")
    );
    let n = report.requests as f64;
    assert!((3990.0..=4000.0).contains(&n), "{n}");
    for (endpoint, path, weight) in [
        ("enhance", "enhance", 0.5),
        ("batch", "batch", 0.1),
        ("history", "history", 0.1),
        ("analyze", "analyze", 0.2),
        ("health", "health", 0.1),
    ] {
        let sent = report.by_endpoint[endpoint].requests as f64;
        assert!(
            (sent / n - weight).abs() < 0.03,
            "{endpoint}: {sent} of {n}"
        );
        // The server saw what the report says was sent.
        assert_eq!(server.count(path) as f64, sent, "{endpoint}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn closed_users_ramp_and_start_staggered() {
    let server = TestServer::start(behaviour());
    // 50 users from the first instant: their first requests must spread over the think time.
    let plan = Plan::closed(50, ms(1500), ms(1000));
    let report = bp_load::run(config(&server, plan, "health=1"))
        .await
        .unwrap();
    let mut arrivals = server.counters.arrivals_us.lock().unwrap().clone();
    arrivals.sort_unstable();
    let first_50 = &arrivals[..50];
    let spread_ms = (first_50[49] - first_50[0]) as f64 / 1000.0;
    assert!(
        spread_ms > 500.0,
        "first requests within {spread_ms} ms: lock-step"
    );
    assert_eq!(report.generator.virtual_users, 50);
    // A ramp 0 → 40 users: the series' user count grows.
    let server = TestServer::start(behaviour());
    let ramp = Schedule::new(
        Model::Closed {
            think_time: ms(100),
        },
        0.0,
        vec![Stage::new(ms(2000), 40.0)],
    );
    let mut plan = Plan::closed(1, ms(1), ms(100));
    plan.scenarios[0].schedule = ramp;
    let report = bp_load::run(config(&server, plan, "health=1"))
        .await
        .unwrap();
    let users: Vec<u64> = report.time_series.iter().map(|p| p.users).collect();
    let (first, last) = (users[0], users[users.len() - 2]);
    assert!(first <= 3 && last >= 35, "{users:?}");
    // Throughput follows: about 40 users × 10/s at the end, less at the start.
    let early = report.time_series[2].rps;
    let late = report.time_series[report.time_series.len() - 3].rps;
    assert!(late > 2.0 * early, "early {early} late {late}");
}

#[tokio::test(flavor = "current_thread")]
async fn technique_accuracy_compares_responses_with_the_labels() {
    let server = TestServer::start(behaviour());
    let data = "{\"text\":\"a\",\"techniques\":[\"chain_of_thought\"]}\n{\"text\":\"b\",\"techniques\":[\"few_shot\"]}\n";
    let mut c = config(
        &server,
        Plan::closed(2, ms(10_000), Duration::ZERO),
        "enhance=1,batch=1",
    );
    c.prompts = PromptPool::from_jsonl(data.as_bytes(), 10).unwrap();
    c.max_requests = Some(1000);
    let report = bp_load::run(c).await.unwrap();
    let accuracy = report.technique_accuracy.unwrap();
    assert!((accuracy - 0.5).abs() < 0.08, "{accuracy}");
    // Batches count each of their 3 results.
    let batches = report.by_endpoint["batch"].requests;
    let enhances = report.by_endpoint["enhance"].requests;
    assert_eq!(report.technique_checked, enhances + 3 * batches);
}

#[tokio::test(flavor = "current_thread")]
async fn users_reconnect_when_the_server_closes_connections() {
    let server = TestServer::start(Behaviour {
        close_connections: true,
        ..behaviour()
    });
    let mut c = config(
        &server,
        Plan::closed(3, ms(10_000), Duration::ZERO),
        "enhance=1",
    );
    c.max_requests = Some(300);
    let report = bp_load::run(c).await.unwrap();
    assert_eq!(report.errors, 0, "{:?}", report.errors_by_kind);
    assert!(report.requests >= 298);
}

#[tokio::test(flavor = "current_thread")]
async fn abort_on_fail_stops_a_failing_run_early_and_errors_are_classified() {
    let server = TestServer::start(Behaviour {
        status: Some(axum::http::StatusCode::SERVICE_UNAVAILABLE),
        ..behaviour()
    });
    let mut c = config(
        &server,
        Plan::closed(4, ms(20_000), Duration::ZERO),
        "health=1",
    );
    c.abort_on_fail = true;
    let report = bp_load::run(c).await.unwrap();
    assert!(report.duration_s < 5.0, "{}", report.duration_s);
    assert!(
        report
            .stopped_early
            .as_deref()
            .unwrap()
            .contains("rate<0.001")
    );
    assert!(!report.thresholds_ok);
    assert_eq!(bp_load::exit_code(&report), 99);
    assert_eq!(
        report.errors_by_kind.get("status_503"),
        Some(&report.errors)
    );
    // Nobody listening: connect errors, not a hang.
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let mut c = config(&server, Plan::closed(1, ms(300), ms(50)), "health=1");
    c.target = Target::parse(&format!("http://{closed_port}")).unwrap();
    let report = bp_load::run(c).await.unwrap();
    assert!(report.errors > 0 && report.errors == report.requests);
    assert_eq!(report.errors_by_kind.get("connect"), Some(&report.errors));
}

#[tokio::test(flavor = "current_thread")]
async fn merging_two_reports_equals_one_run_over_both_histograms() {
    let server = TestServer::start(behaviour());
    let mut a = config(
        &server,
        Plan::closed(2, ms(10_000), Duration::ZERO),
        "enhance=3,health=1",
    );
    a.max_requests = Some(500);
    let mut b = config(
        &server,
        Plan::closed(2, ms(10_000), Duration::ZERO),
        "enhance=1,analyze=1",
    );
    b.max_requests = Some(300);
    let (a, b) = tokio::join!(bp_load::run(a), bp_load::run(b));
    let (a, b) = (a.unwrap(), b.unwrap());
    // Through JSON, as `report merge` does.
    let a = Report::from_json(&a.to_json().unwrap()).unwrap();
    let b = Report::from_json(&b.to_json().unwrap()).unwrap();
    let merged = bp_load::report::merge(&a, &b).unwrap();
    let mut expected = a.histograms.latency.clone();
    expected.merge(&b.histograms.latency);
    assert_eq!(merged.histograms.latency, expected);
    assert_eq!(merged.requests, a.requests + b.requests);
    assert_eq!(
        merged.latency_ms.p99,
        expected.quantile_us(0.99).unwrap() as f64 / 1000.0
    );
    assert_eq!(
        merged.by_endpoint["enhance"].requests,
        a.by_endpoint["enhance"].requests + b.by_endpoint["enhance"].requests
    );
    assert_eq!(
        merged.by_endpoint["analyze"].requests,
        b.by_endpoint["analyze"].requests
    );
    assert_eq!(merged.thresholds.len(), 4);
    let again = Report::from_json(&merged.to_json().unwrap()).unwrap();
    assert_eq!(
        (again.requests, &again.latency_ms),
        (merged.requests, &merged.latency_ms)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_server_is_cut_by_the_request_timeout() {
    let server = TestServer::start(Behaviour {
        delay: ms(2000),
        ..behaviour()
    });
    let mut c = config(&server, Plan::closed(2, ms(600), ms(10)), "health=1");
    c.request_timeout = ms(100);
    let report = bp_load::run(c).await.unwrap();
    assert!(report.requests >= 4, "{}", report.requests);
    assert_eq!(report.errors_by_kind.get("timeout"), Some(&report.requests));
    // Cut after between one and two timeouts.
    assert!(report.latency_ms.min >= 99.0, "{:?}", report.latency_ms);
    assert!(report.latency_ms.max <= 250.0, "{:?}", report.latency_ms);
    assert!(report.duration_s < 1.5, "{}", report.duration_s);
}

/// The report's layout is a contract (CI parses it): its keys are pinned here, and a change
/// must bump `report::SCHEMA_VERSION`.
#[tokio::test(flavor = "current_thread")]
async fn the_report_layout_is_pinned() {
    let server = TestServer::start(behaviour());
    let mut c = config(
        &server,
        Plan::closed(2, ms(10_000), Duration::ZERO),
        "enhance=1",
    );
    c.max_requests = Some(50);
    let report = bp_load::run(c).await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&report.to_json().unwrap()).unwrap();
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(bp_load::report::SCHEMA_VERSION, 2);
    assert_eq!(
        keys(&json),
        [
            "analysis",
            "breakdown",
            "by_endpoint",
            "by_region",
            "duration_s",
            "error_rate",
            "errors",
            "errors_by_kind",
            "generator",
            "histograms",
            "iterations",
            "latency_ms",
            "mix",
            "planned_duration_s",
            "profile",
            "requests",
            "schema_version",
            "stopped_early",
            "target",
            "technique_accuracy",
            "technique_checked",
            "technique_correct",
            "thresholds",
            "thresholds_ok",
            "throughput_rps",
            "time_series",
        ]
    );
    assert_eq!(
        keys(&json["latency_ms"]),
        ["max", "mean", "min", "p50", "p90", "p95", "p99"]
    );
    assert_eq!(
        keys(&json["generator"]),
        [
            "cpu_percent",
            "cpu_s",
            "cpu_us_per_request",
            "generator_bound",
            "max_rss_bytes",
            "schedule_lag_ms",
            "threads",
            "virtual_users",
        ]
    );
    assert_eq!(keys(&json["thresholds"][0]), ["expr", "ok", "value"]);
    assert_eq!(keys(&json["histograms"]), ["latency", "schedule_lag"]);
    // bp-metrics' stored form: the layout travels with the counts, so a foreign one is
    // refused instead of merged inexactly.
    assert_eq!(keys(&json["histograms"]["latency"]), ["precision", "v2"]);
    assert_eq!(json["histograms"]["latency"]["precision"], "total");
    assert!(
        json["histograms"]["latency"]["v2"]
            .as_str()
            .unwrap()
            .starts_with("HIST")
    );
    assert_eq!(json["time_series"][0]["histogram"]["precision"], "series");
    assert_eq!(
        keys(&json["time_series"][0]),
        [
            "dropped",
            "errors",
            "histogram",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "requests",
            "rps",
            "t_s",
            "users",
            "window_s",
        ]
    );
    assert_eq!(
        keys(&json["breakdown"][0]),
        [
            "endpoint",
            "errors",
            "histogram",
            "latency_ms",
            "region",
            "requests",
            "scenario",
            "technique_checked",
            "technique_correct",
        ]
    );
}
