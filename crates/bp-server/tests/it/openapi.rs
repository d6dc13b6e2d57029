//! The OpenAPI document matches the routes: every route is documented, every documented
//! operation is served.

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
    ("get", "/api/v1/metrics/summary"),
    ("get", "/api/v1/metrics/timeseries"),
    ("get", "/api/v1/metrics/heatmap"),
    ("get", "/api/v1/metrics/techniques"),
    ("get", "/api/v1/metrics/export"),
    ("get", "/api/v1/metrics/stream"),
    ("get", "/api/v1/metrics/anomalies"),
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
    s.stop().await;
}

/// The whole document, pinned: a change to any schema, parameter or status shows in review
/// as a snapshot change (`tests/it/snapshots/`), and generated clients change with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_pinned() {
    let s = TestServer::start(Backend::Sqlite).await;
    let doc = json_ok(s.get("/api/v1/openapi.json").send().await.unwrap()).await;
    insta::assert_snapshot!("openapi", serde_json::to_string_pretty(&doc).unwrap());
    s.stop().await;
}
