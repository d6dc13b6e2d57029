//! Default thresholds over real runs: an open-model plan's target rate is one of them, so a
//! run that could not deliver its rate fails even when every latency holds.

use crate::server::{Behaviour, TestServer};
use bp_load::profile::Plan;
use bp_load::{Mix, PromptPool, RunConfig, Target};
use std::time::Duration;

fn open_run(server: &TestServer, rate: f64, max_vus: u32) -> RunConfig {
    let plan = Plan::open(rate, Duration::from_secs(2), max_vus);
    RunConfig {
        target: Target::parse(&server.url).unwrap(),
        thresholds: plan.default_thresholds().unwrap(),
        plan,
        mix: Mix::parse("health=1").unwrap(),
        prompts: PromptPool::generated(1, 10).unwrap(),
        keys: Vec::new(),
        abort_on_fail: false,
        request_timeout: Duration::from_secs(5),
        max_requests: None,
        batch_size: 1,
        // Arrivals no user can take within 200 ms are dropped: the rate is not delivered.
        max_lateness: Duration::from_millis(200),
        seed: 3,
        threads: 1,
        cpu_scope: bp_load::CpuScope::process(),
        progress: None,
        live: None,
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_run_that_misses_its_target_rate_fails_and_one_that_meets_it_passes() {
    let fast = TestServer::start(Behaviour::default());
    let report = bp_load::run(open_run(&fast, 100.0, 20)).await.unwrap();
    let rate = report
        .thresholds
        .iter()
        .find(|v| v.expr == "rps>=95")
        .unwrap_or_else(|| panic!("no rate threshold in {:?}", report.thresholds));
    assert!(rate.ok, "{rate:?}");
    // Two connections to a server taking 100 ms: at most ~20 req/s of the 100 asked for.
    let slow = TestServer::start(Behaviour {
        delay: Duration::from_millis(100),
        ..Behaviour::default()
    });
    let report = bp_load::run(open_run(&slow, 100.0, 2)).await.unwrap();
    let rate = report
        .thresholds
        .iter()
        .find(|v| v.expr == "rps>=95")
        .unwrap();
    assert!(!rate.ok, "{rate:?}");
    assert!(rate.value.unwrap() < 30.0, "{rate:?}");
    assert!(!report.thresholds_ok);
    assert_eq!(bp_load::exit_code(&report), bp_load::EXIT_THRESHOLD_FAILED);
}
