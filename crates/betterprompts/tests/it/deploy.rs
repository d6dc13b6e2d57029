//! `deploy/` and the runbook stay true to the server: the Prometheus rules pass promtool and
//! their unit tests; every metric the rules and the Grafana dashboard read is one a live
//! server exposes; every dashboard query parses; every alert has its runbook section; the
//! Kubernetes manifests name real flags, probes that answer, and consistent ports and labels;
//! a real Prometheus scraping a real server evaluates every rule without error and sends
//! what fires through a real Alertmanager, which routes every alert by its severity, to a
//! webhook.

use crate::process::{BIN, Backend, ServerProcess, TestStorage, create_key, serve, serve_with};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml_documents(relative: &str) -> Vec<Yaml> {
    YamlLoader::load_from_str(&read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Panics, naming the Debian package, when a tool the tests run is missing.
fn require(path: &str, package: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: apt-get install {package} (scripts/test.sh installs it)"
    );
}

/// Runs a Debian-packaged tool from the repository root; panics with its output on failure.
fn tool(path: &str, package: &str, args: &[&str]) {
    require(path, package);
    let out = Command::new(path)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("run {path}: {e}"));
    assert!(
        out.status.success(),
        "{path} {args:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn promtool(args: &[&str]) {
    tool("/usr/bin/promtool", "prometheus", args);
}

fn amtool(args: &[&str]) {
    tool("/usr/bin/amtool", "prometheus-alertmanager", args);
}

/// Every rule of the rules file, as (record or alert name, expr, the rule itself).
fn rules() -> Vec<(String, String, Yaml)> {
    let docs = yaml_documents("deploy/prometheus/betterprompts.rules.yml");
    let groups = docs[0]["groups"].as_vec().expect("groups");
    groups
        .iter()
        .flat_map(|g| g["rules"].as_vec().expect("rules").clone())
        .map(|rule| {
            let name = rule["record"]
                .as_str()
                .or(rule["alert"].as_str())
                .expect("record or alert")
                .to_owned();
            let expr = rule["expr"].as_str().expect("expr").to_owned();
            (name, expr, rule)
        })
        .collect()
}

/// The Grafana dashboard's queries: panel targets and template variables.
fn dashboard_queries() -> Vec<String> {
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("deploy/grafana/betterprompts-dashboard.json")).unwrap();
    let mut queries = Vec::new();
    let mut ids = BTreeSet::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        assert!(
            ids.insert(panel["id"].as_u64().expect("panel id")),
            "ids unique"
        );
        for target in panel["targets"].as_array().into_iter().flatten() {
            queries.push(target["expr"].as_str().expect("expr").to_owned());
        }
    }
    for variable in dashboard["templating"]["list"]
        .as_array()
        .expect("templating")
    {
        if let Some(query) = variable["query"]["query"].as_str() {
            queries.push(query.to_owned());
        }
    }
    assert!(queries.len() > 20, "the dashboard has its panels");
    queries
}

/// The names an expression uses (metrics, recorded series, functions, labels), outside its
/// quoted strings.
fn identifiers(expr: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let (mut current, mut quoted) = (String::new(), false);
    for c in expr.chars().chain([' ']) {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && (c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            current.push(c);
            continue;
        }
        if !current.is_empty() {
            names.insert(std::mem::take(&mut current));
        }
    }
    names
}

/// Metric names an expression reads (ours all start with `bp_`).
fn metrics_read(expr: &str) -> BTreeSet<String> {
    identifiers(expr)
        .into_iter()
        .filter(|n| n.starts_with("bp_") && !n.contains(':'))
        .collect()
}

/// Recorded series an expression reads: by Prometheus' convention, `level:metric:operations`.
fn recorded_read(expr: &str) -> BTreeSet<String> {
    identifiers(expr)
        .into_iter()
        .filter(|n| n.contains(':'))
        .collect()
}

#[test]
fn prometheus_config_and_rules_pass_promtool_and_their_unit_tests() {
    promtool(&["check", "config", "deploy/prometheus/prometheus.yml"]);
    promtool(&[
        "test",
        "rules",
        "deploy/prometheus/betterprompts.rules.test.yml",
    ]);
}

#[test]
fn every_alert_is_unit_tested_and_recorded_series_are_defined() {
    let rules = rules();
    let recorded: BTreeSet<String> = rules
        .iter()
        .filter(|(_, _, r)| r["record"].as_str().is_some())
        .map(|(name, _, _)| name.clone())
        .collect();
    let tests = read("deploy/prometheus/betterprompts.rules.test.yml");
    for (name, expr, rule) in &rules {
        // A misspelt recorded series is not an error to Prometheus: the alert would just
        // never fire.
        for used in recorded_read(expr) {
            assert!(recorded.contains(&used), "{name} reads undefined {used}");
        }
        if rule["alert"].as_str().is_some() {
            assert!(
                tests.contains(&format!("alertname: {name}\n")),
                "{name} has no promtool unit test"
            );
        }
    }
}

/// A dashboard query as plain PromQL: Grafana's variables become what they select, and
/// `label_values(metric, label)` (Grafana's, not PromQL) its metric part.
fn as_promql(query: &str) -> String {
    let promql = match query
        .strip_prefix("label_values(")
        .and_then(|q| q.strip_suffix(')'))
    {
        Some(inner) => inner.split(',').next().unwrap(),
        None => query,
    };
    let promql = promql
        .replace("$__rate_interval", "1m")
        .replace("$instance", ".*")
        .replace("$endpoint", ".*")
        .replace("$technique", ".*")
        .replace("$segment", ".*")
        .replace("$region", ".*");
    assert!(!promql.contains('$'), "unknown variable in {query}");
    promql
}

#[test]
fn dashboard_queries_parse_as_promql() {
    // promtool parses rule expressions; Grafana's variables become what they select.
    let queries = dashboard_queries();
    let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
    for (i, query) in queries.iter().enumerate() {
        let promql = as_promql(query);
        let quoted = serde_json::to_string(&promql).unwrap();
        rules.push_str(&format!(
            "      - record: dashboard:query_{i}\n        expr: {quoted}\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dashboard.rules.yml");
    std::fs::write(&file, rules).unwrap();
    promtool(&["check", "rules", file.to_str().unwrap()]);
}

/// A SQLite server with 1 s metric windows and Prometheus' endpoint on a listener of its
/// own (as deployed), and a key for it.
fn server_with_key() -> (tempfile::TempDir, ServerProcess, String) {
    let dir = tempfile::tempdir().unwrap();
    let storage = TestStorage::new(Backend::Sqlite);
    let key = create_key(&storage, &[]);
    let server = serve_with(
        &storage,
        &["--metrics-window", "1", "--metrics-addr", "127.0.0.1:0"],
    );
    assert!(server.metrics_base.is_some(), "a metrics listener");
    (dir, server, key)
}

#[test]
fn rules_and_dashboard_read_only_metrics_a_live_server_exposes() {
    let (_dir, server, key) = server_with_key();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let exposition = runtime.block_on(async {
        let client = reqwest::Client::new();
        for i in 0..5 {
            let response = client
                .post(format!("{}/api/v1/enhance", server.base))
                .bearer_auth(&key)
                .json(&serde_json::json!({ "text": format!("Explain recursion to a child, take {i}") }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        // Cumulative series are built from closed windows: wait for one that holds them
        // (1 s windows; up to 30 s on a machine busy with the rest of the suite).
        for _ in 0..300 {
            let text = client
                .get(format!("{}/metrics", server.metrics_base.as_ref().unwrap()))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if text.contains("endpoint=\"enhance\"") && text.contains("bp_history_commit") {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no closed window with the enhances reached /metrics");
    });
    let mut exposed = BTreeSet::new();
    for line in exposition.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            let (name, kind) = (parts.next().unwrap(), parts.next().unwrap());
            exposed.insert(name.to_owned());
            if kind == "histogram" {
                for suffix in ["_bucket", "_sum", "_count"] {
                    exposed.insert(format!("{name}{suffix}"));
                }
            }
        }
    }
    let exprs = rules()
        .into_iter()
        .map(|(_, expr, _)| expr)
        .chain(dashboard_queries());
    let mut read = BTreeSet::new();
    for expr in exprs {
        read.extend(metrics_read(&expr));
    }
    assert!(read.len() >= 15, "the names were found: {read:?}");
    let missing: Vec<_> = read.difference(&exposed).collect();
    assert!(missing.is_empty(), "not exposed by the server: {missing:?}");
}

#[test]
fn every_alert_has_its_runbook_section() {
    let runbook = read("docs/runbook.md");
    let anchors: BTreeSet<String> = runbook
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(str::to_lowercase)
        .collect();
    for (name, _, rule) in rules() {
        if rule["alert"].as_str().is_none() {
            continue;
        }
        let url = rule["annotations"]["runbook_url"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no runbook_url"));
        let anchor = url
            .strip_prefix("docs/runbook.md#")
            .unwrap_or_else(|| panic!("{name}: {url}"));
        assert!(anchors.contains(anchor), "{name}: no section for #{anchor}");
        assert!(runbook.contains(&name), "the runbook names {name}");
        let severity = rule["labels"]["severity"].as_str();
        assert!(
            matches!(severity, Some("critical" | "warning" | "info")),
            "{name}: severity {severity:?}"
        );
    }
}

#[test]
fn kubernetes_manifests_use_real_flags_probes_and_consistent_names() {
    let kustomization = &yaml_documents("deploy/kubernetes/kustomization.yaml")[0];
    let mut by_kind = std::collections::BTreeMap::new();
    for file in kustomization["resources"].as_vec().expect("resources") {
        let file = file.as_str().unwrap();
        for doc in yaml_documents(&format!("deploy/kubernetes/{file}")) {
            let kind = doc["kind"].as_str().expect("kind").to_owned();
            by_kind.insert(kind, doc);
        }
    }
    for kind in [
        "Namespace",
        "ConfigMap",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    ] {
        assert!(by_kind.contains_key(kind), "no {kind}");
    }
    let deployment = &by_kind["Deployment"];
    let pod = &deployment["spec"]["template"];
    let container = &pod["spec"]["containers"][0];

    // Every BP_* variable set is one the binary reads.
    let help = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let mut variables: Vec<String> = by_kind["ConfigMap"]["data"]
        .as_hash()
        .expect("data")
        .keys()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    for env in container["env"].as_vec().expect("env") {
        variables.push(env["name"].as_str().unwrap().to_owned());
    }
    for variable in &variables {
        // BP_LOG is the log filter, read by main rather than a flag.
        let known = variable == "BP_LOG" || help.contains(&format!("[env: {variable}"));
        assert!(known, "{variable} is not a `serve` setting");
    }
    assert!(variables.iter().any(|v| v == "BP_DATABASE_URL"));
    assert!(variables.iter().any(|v| v == "BP_METRICS_SOURCE"));

    // Ports: the listening addresses, the container ports, the Service and Prometheus agree;
    // Prometheus scrapes the metrics listener, which the Service does not publish.
    let port_of = |variable: &str| {
        let addr = by_kind["ConfigMap"]["data"][variable].as_str().unwrap();
        addr.rsplit(':').next().unwrap().to_owned()
    };
    let container_port = |name: &str| {
        container["ports"]
            .as_vec()
            .unwrap()
            .iter()
            .find(|p| p["name"].as_str() == Some(name))
            .and_then(|p| p["containerPort"].as_i64())
            .unwrap_or_else(|| panic!("a container port named {name}"))
            .to_string()
    };
    assert_eq!(container_port("http"), port_of("BP_ADDR"));
    assert_eq!(container_port("metrics"), port_of("BP_METRICS_ADDR"));
    let service = &by_kind["Service"];
    let published: Vec<&str> = service["spec"]["ports"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|p| p["targetPort"].as_str())
        .collect();
    assert_eq!(published, ["http"], "the Service publishes the API only");
    assert_eq!(
        pod["metadata"]["annotations"]["prometheus.io/port"].as_str(),
        Some(port_of("BP_METRICS_ADDR").as_str())
    );

    // Selectors select the pods.
    let labels = &pod["metadata"]["labels"];
    for selector in [
        &deployment["spec"]["selector"]["matchLabels"],
        &service["spec"]["selector"],
        &by_kind["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
    ] {
        for (k, v) in selector.as_hash().expect("selector") {
            assert_eq!(&labels[k.as_str().unwrap()], v, "selector {k:?}");
        }
    }
    assert_eq!(
        by_kind["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"].as_str(),
        deployment["metadata"]["name"].as_str()
    );
    assert!(
        container["securityContext"]["readOnlyRootFilesystem"]
            .as_bool()
            .unwrap()
    );
    assert!(
        pod["spec"]["securityContext"]["runAsNonRoot"]
            .as_bool()
            .unwrap()
    );

    // The probes' paths answer 200 on a real server.
    let server = serve(&TestStorage::new(Backend::Sqlite));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for probe in ["readinessProbe", "livenessProbe"] {
        let path = container[probe]["httpGet"]["path"].as_str().expect(probe);
        let status = runtime.block_on(async {
            reqwest::get(format!("{}{path}", server.base))
                .await
                .unwrap()
                .status()
        });
        assert_eq!(status, 200, "{probe} {path}");
    }
}

/// A Prometheus or Alertmanager on a free 127.0.0.1 port, with its config (written as
/// `config_name`) and data in `dir`; killed on drop.
struct ServiceProcess {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl ServiceProcess {
    fn start(
        path: &str,
        package: &str,
        dir: tempfile::TempDir,
        (config_name, config): (&str, &str),
        storage_flag: &str,
        extra: &[&str],
    ) -> Self {
        require(path, package);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config_file = dir.path().join(config_name);
        std::fs::write(&config_file, config).unwrap();
        let child = Command::new(path)
            .arg(format!("--config.file={}", config_file.display()))
            .arg(format!(
                "{storage_flag}={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .args(extra)
            .spawn()
            .unwrap_or_else(|e| panic!("start {path}: {e}"));
        ServiceProcess {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JSON answer from Prometheus' HTTP API, or `None` while it is not up yet.
async fn get_json(
    client: &reqwest::Client,
    url: &str,
    params: &[(&str, &str)],
) -> Option<serde_json::Value> {
    let response = client.get(url).query(params).send().await.ok()?;
    response.json().await.ok()
}

#[test]
fn a_real_prometheus_scrapes_a_server_evaluates_every_rule_and_alerts_through_alertmanager() {
    let (_dir, server, key) = server_with_key();
    let target = server
        .metrics_base
        .as_ref()
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (alertmanager, mut delivered) = alertmanager_with_webhook(&runtime);

    // The shipped rules, evaluated every second instead of every 30 s, and firing at once
    // instead of after their `for` period.
    let fast_rules: String = read("deploy/prometheus/betterprompts.rules.yml")
        .replace("interval: 30s", "interval: 1s")
        .lines()
        .map(|line| match line.split_once("for: ") {
            Some((indent, _)) if indent.trim().is_empty() => format!("{indent}for: 0s\n"),
            _ => format!("{line}\n"),
        })
        .collect();
    let config_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        config_dir.path().join("betterprompts.rules.yml"),
        fast_rules,
    )
    .unwrap();
    let alertmanager_target = format!("127.0.0.1:{}", alertmanager.port);
    let config = read("deploy/prometheus/prometheus.yml")
        .replace("scrape_interval: 15s", "scrape_interval: 1s")
        .replace("evaluation_interval: 30s", "evaluation_interval: 1s")
        .replace("127.0.0.1:9464", &target)
        .replace("127.0.0.1:9093", &alertmanager_target);
    assert!(
        config.contains(&target) && config.contains(&alertmanager_target),
        "the config names the server and Alertmanager"
    );
    let prometheus = ServiceProcess::start(
        "/usr/bin/prometheus",
        "prometheus",
        config_dir,
        ("prometheus.yml", &config),
        "--storage.tsdb.path",
        &[],
    );
    let api = format!("http://127.0.0.1:{}/api/v1", prometheus.port);

    runtime.block_on(async {
        let client = reqwest::Client::new();
        // Traffic all along, so rates have increases between scrapes: enhances, and empty
        // prompts (400) for the error ratio.
        let traffic = {
            let (client, base, key) = (client.clone(), server.base.clone(), key.clone());
            tokio::spawn(async move {
                for i in 0u64.. {
                    let text = if i % 10 == 9 {
                        String::new()
                    } else {
                        format!("Summarise this report, part {i}")
                    };
                    let _ = client
                        .post(format!("{base}/api/v1/enhance"))
                        .bearer_auth(&key)
                        .json(&serde_json::json!({ "text": text }))
                        .send()
                        .await;
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            })
        };
        let query = |q: &'static str| {
            let (client, api) = (client.clone(), api.clone());
            async move {
                let body = get_json(&client, &format!("{api}/query"), &[("query", q)]).await?;
                body["data"]["result"][0]["value"][1]
                    .as_str()?
                    .parse::<f64>()
                    .ok()
            }
        };
        // Recorded series appear once two scrapes and a rule evaluation have happened.
        let mut figures = None;
        for _ in 0..120 {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let (rate, errors, p95, within) = (
                query("bp:http_requests:rate5m").await,
                query("bp:http_errors:ratio_rate5m").await,
                query("bp:http_request_duration_seconds:p95_5m").await,
                query("bp:http_requests_within_200ms:ratio_rate5m").await,
            );
            if let (Some(rate), Some(errors), Some(p95), Some(within)) = (rate, errors, p95, within)
                && rate > 0.0
                && errors > 0.0
            {
                figures = Some((rate, errors, p95, within));
                break;
            }
        }
        let (rate, errors, p95, within) = figures.expect("Prometheus recorded the SLA series");
        assert!(rate < 1000.0, "rate {rate}");
        // One prompt in ten is empty: the error ratio is near 0.1, whatever the timing.
        assert!((0.01..=0.5).contains(&errors), "error ratio {errors}");
        // Timing depends on how busy the machine is; the figures must only be sane ones.
        assert!(p95 > 0.0 && p95 < 10.0, "p95 {p95} s");
        assert!(within > 0.0 && within <= 1.0, "within 200 ms {within}");

        // Every rule evaluated, none with an error (a bad vector match only shows here).
        let loaded = get_json(&client, &format!("{api}/rules"), &[])
            .await
            .expect("the rules");
        let mut evaluated = 0;
        for group in loaded["data"]["groups"].as_array().unwrap() {
            for rule in group["rules"].as_array().unwrap() {
                let name = rule["name"].as_str().unwrap();
                assert_eq!(rule["health"], "ok", "{name}: {}", rule["lastError"]);
                evaluated += 1;
            }
        }
        assert_eq!(evaluated, rules().len());

        // Every dashboard query runs on real data without error (vector matches included).
        for query in dashboard_queries() {
            let promql = as_promql(&query);
            let answer = get_json(&client, &format!("{api}/query"), &[("query", &promql)])
                .await
                .expect("an answer");
            assert_eq!(answer["status"], "success", "{query}: {answer}");
        }

        // One in ten requests fails: the error-rate alert fires, Prometheus sends it to
        // Alertmanager, which routes the warning to the ticket webhook, summary rendered.
        let ticket = tokio::time::timeout(std::time::Duration::from_secs(60), async {
            loop {
                let (receiver, body) = delivered.recv().await.expect("the webhook is up");
                let body = body.to_string();
                if body.contains("BPErrorRateAboveSLA") {
                    assert_eq!(receiver, "ticket", "a warning opens a ticket");
                    return body;
                }
            }
        })
        .await
        .expect("the error-rate alert reaches the webhook within 60 s");
        assert!(
            ticket.contains("of requests fail, 4xx included (SLA < 0.1 %)"),
            "{ticket}"
        );
        assert!(
            ticket.contains("docs/runbook.md#bperrorrateabovesla"),
            "{ticket}"
        );
        traffic.abort();
    });
}

const ALERTMANAGER_CONFIG: &str = "deploy/alertmanager/alertmanager.yml";

#[test]
fn alertmanager_config_passes_amtool_and_routes_every_alert_by_severity() {
    amtool(&["check-config", ALERTMANAGER_CONFIG]);
    for (name, _, rule) in rules() {
        let Some(severity) = rule["labels"]["severity"].as_str() else {
            continue;
        };
        let receiver = match severity {
            "critical" => "page",
            "warning" => "ticket",
            _ => "quiet",
        };
        amtool(&[
            "config",
            "routes",
            "test",
            &format!("--config.file={ALERTMANAGER_CONFIG}"),
            &format!("--verify.receivers={receiver}"),
            &format!("alertname={name}"),
            &format!("severity={severity}"),
        ]);
    }
}

/// Slack-compatible webhooks on 127.0.0.1, `/page` and `/ticket`, behind the receivers of
/// the shipped Alertmanager config, which runs with its secret files in a temporary directory
/// and without waiting to group. Each delivery comes out of the channel as (path, body).
fn alertmanager_with_webhook(
    runtime: &tokio::runtime::Runtime,
) -> (
    ServiceProcess,
    tokio::sync::mpsc::UnboundedReceiver<(String, serde_json::Value)>,
) {
    let (sender, received) = tokio::sync::mpsc::unbounded_channel();
    let webhook = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().route(
            "/{receiver}",
            axum::routing::post(
                move |axum::extract::Path(receiver): axum::extract::Path<String>,
                      axum::Json(body): axum::Json<serde_json::Value>| {
                    let sender = sender.clone();
                    async move {
                        let _ = sender.send((receiver, body));
                    }
                },
            ),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    });
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("secrets");
    std::fs::create_dir(&secrets).unwrap();
    for receiver in ["page", "ticket"] {
        let url = format!("{webhook}/{receiver}");
        std::fs::write(secrets.join(format!("{receiver}-webhook-url")), url).unwrap();
    }
    let config = read(ALERTMANAGER_CONFIG)
        .replace("/etc/alertmanager/secrets", secrets.to_str().unwrap())
        .replace("group_wait: 10s", "group_wait: 0s")
        .replace("group_wait: 30s", "group_wait: 0s");
    assert!(!config.contains("/etc/alertmanager"), "every path replaced");
    let alertmanager = ServiceProcess::start(
        "/usr/bin/prometheus-alertmanager",
        "prometheus-alertmanager",
        dir,
        ("alertmanager.yml", &config),
        "--storage.path",
        // No gossip: a single instance, and nothing listening beyond 127.0.0.1.
        &["--cluster.listen-address="],
    );
    (alertmanager, received)
}

#[test]
fn alertmanager_delivers_a_critical_alert_to_the_page_webhook_with_its_runbook() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (alertmanager, mut received) = alertmanager_with_webhook(&runtime);

    // The alert as Prometheus would send it, from the shipped rule's own annotations.
    let rule = rules()
        .into_iter()
        .find(|(name, _, _)| name == "BPErrorBudgetBurnFast")
        .expect("the rule")
        .2;
    let runbook = rule["annotations"]["runbook_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let alert = serde_json::json!([{
        "labels": { "alertname": "BPErrorBudgetBurnFast", "severity": "critical" },
        "annotations": {
            "summary": "5xx at 2% over 1 h: the 30-day error budget goes in about 2 days",
            "runbook_url": runbook,
        },
    }]);
    let (receiver, body) = runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut accepted = false;
        for _ in 0..100 {
            let posted = client
                .post(format!(
                    "http://127.0.0.1:{}/api/v2/alerts",
                    alertmanager.port
                ))
                .json(&alert)
                .send()
                .await;
            if posted.is_ok_and(|r| r.status().is_success()) {
                accepted = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(accepted, "Alertmanager took the alert");
        tokio::time::timeout(std::time::Duration::from_secs(30), received.recv())
            .await
            .expect("the page arrives within 30 s")
            .expect("a body")
    });
    assert_eq!(receiver, "page", "a critical alert pages");
    let text = body.to_string();
    assert!(text.contains("FIRING: BPErrorBudgetBurnFast"), "{text}");
    assert!(
        text.contains(&runbook),
        "the page links the runbook: {text}"
    );
    assert!(text.contains("error budget goes in about 2 days"), "{text}");
}
