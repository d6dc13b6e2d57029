//! The OpenAPI document matches the routes: every route is documented, every documented
//! operation is served, and every enum is published with the values serde reads and writes.

use bp_testkit::{Backend, TestServer, json_ok};

const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/enhance"),
    ("post", "/api/v1/batch"),
    ("get", "/api/v1/history"),
    ("get", "/api/v1/history/{id}"),
    ("delete", "/api/v1/history/{id}"),
    ("post", "/api/v1/analyze"),
    ("get", "/api/v1/techniques"),
    ("post", "/api/v1/feedback"),
    ("post", "/api/v1/admin/keys"),
    ("get", "/api/v1/admin/faults"),
    ("put", "/api/v1/admin/faults"),
    ("delete", "/api/v1/admin/faults"),
    ("get", "/api/v1/admin/keys"),
    ("delete", "/api/v1/admin/keys/{id}"),
    ("post", "/api/v1/admin/keys/{id}/rotate"),
    ("get", "/api/v1/admin/audit"),
    ("get", "/api/v1/metrics/summary"),
    ("get", "/api/v1/metrics/timeseries"),
    ("get", "/api/v1/metrics/heatmap"),
    ("get", "/api/v1/metrics/techniques"),
    ("get", "/api/v1/metrics/export"),
    ("get", "/api/v1/metrics/stream"),
    ("get", "/api/v1/metrics/anomalies"),
    ("get", "/api/v1/metrics/instances"),
    ("put", "/api/v1/load-runs/{id}"),
    ("get", "/api/v1/load-runs"),
    ("get", "/metrics"),
    ("get", "/health"),
    ("get", "/ready"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_is_documented_and_every_documented_route_is_served() {
    let s = TestServer::start(Backend::Sqlite).await;
    let doc = json_ok(s.get("/api/v1/openapi.json").send().await.unwrap()).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} not documented"
        );
    }
    let mut documented = 0;
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            documented += 1;
            assert!(
                ROUTES.contains(&(method.as_str(), path.as_str())),
                "undocumented route list misses {method} {path}"
            );
            let url = s.url(&path.replace("{id}", &uuid::Uuid::now_v7().to_string()));
            let request = s
                .client
                .request(method.to_uppercase().parse().unwrap(), url)
                .bearer_auth(&s.admin_key);
            let status = request.send().await.unwrap().status();
            // Served routes answer anything but "no such route" (our 404 body says "route").
            assert_ne!(status, 405, "{method} {path}");
            if status == 404 {
                assert!(
                    path.contains("{id}"),
                    "{method} {path} is documented but not served"
                );
            }
        }
    }
    assert_eq!(documented, ROUTES.len());
    // Client generators name a method after its operation id: two alike make one client
    // method shadow the other (openapi-typescript's `operations` type does not compile).
    let mut ids: Vec<&str> = paths
        .values()
        .flat_map(|ops| ops.as_object().unwrap().values())
        .map(|op| {
            op["operationId"]
                .as_str()
                .expect("every operation has an id")
        })
        .collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "operation ids repeat: {ids:?}");
    s.stop().await;
}

/// The whole document, pinned in `docs/openapi.json`: a change to any schema, parameter or
/// status shows in review as a change of that file, and the dashboard's TypeScript types
/// (`web/src/api.gen.ts`, generated from it by `npm run api` in `web/`; `scripts/test.sh`
/// fails when they differ) change with it. `BP_UPDATE_OPENAPI=1` rewrites the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_pinned() {
    let s = TestServer::start(Backend::Sqlite).await;
    let doc = json_ok(s.get("/api/v1/openapi.json").send().await.unwrap()).await;
    s.stop().await;
    let served = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("BP_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &served).unwrap();
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some((n, (want, got))) = pinned
        .lines()
        .zip(served.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "docs/openapi.json line {}: pinned `{want}`, served `{got}`; if the change is \
             meant, rerun with BP_UPDATE_OPENAPI=1 and `npm run api` in web/",
            n + 1
        );
    }
    assert_eq!(
        pinned.lines().count(),
        served.lines().count(),
        "docs/openapi.json differs in length from the served document (BP_UPDATE_OPENAPI=1)"
    );
}

/// Every closed vocabulary is published with its wire ids (what serde reads and writes),
/// not its Rust variant names; no enum anywhere in the document carries a Rust-style name,
/// so a generated client never sends a value the server refuses; every `$ref` resolves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enums_are_published_with_their_wire_values() {
    let s = TestServer::start(Backend::Sqlite).await;
    let doc = json_ok(s.get("/api/v1/openapi.json").send().await.unwrap()).await;
    s.stop().await;
    let schemas = &doc["components"]["schemas"];
    let published = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum schema"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    fn wire<T: serde::Serialize>(all: &[T]) -> Vec<String> {
        all.iter()
            .map(|v| {
                serde_json::to_value(v)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }
    assert_eq!(published("Technique"), wire(bp_api::Technique::ALL));
    assert_eq!(published("Intent"), wire(bp_api::Intent::ALL));
    assert_eq!(published("Complexity"), wire(bp_api::Complexity::ALL));
    assert_eq!(published("DbOperation"), wire(bp_api::DbOperation::ALL));
    assert_eq!(published("Tier"), wire(bp_api::Tier::ALL));

    fn enums<'a>(value: &'a serde_json::Value, at: String, out: &mut Vec<(String, &'a str)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    if k == "enum" {
                        for e in v.as_array().unwrap() {
                            out.push((at.clone(), e.as_str().unwrap_or("")));
                        }
                    } else {
                        enums(v, format!("{at}/{k}"), out);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    enums(v, format!("{at}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    // Every reference resolves.
    fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v.as_str()) {
                        ("$ref", Some(target)) => out.push(target),
                        _ => refs(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    assert!(targets.len() > 50, "{}", targets.len());
    for target in targets {
        let pointer = target.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{target} does not resolve");
    }

    let mut all = Vec::new();
    enums(&doc, String::new(), &mut all);
    assert!(all.len() > 100, "{}", all.len());
    let rust_style: Vec<_> = all
        .iter()
        .filter(|(_, v)| v.chars().any(|c| c.is_ascii_uppercase()))
        .collect();
    assert!(rust_style.is_empty(), "{rust_style:?}");
}
