//! Keys, segments, ownership and the admin role.

use bp_testkit::{Backend, TestServer, assert_error, json_ok};
use serde_json::json;

bp_testkit::both_backends!(
    every_route_answers_each_role_as_the_access_table_says,
    users_never_see_each_others_rows,
    history_batch_and_feedback_need_a_key,
    admin_routes_need_the_admin_role,
    keys_expire_rotate_revoke_and_every_change_is_audited,
    feedback_once_per_user_and_item,
);

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone, without a key (probes, the technique catalogue).
    Open,
    /// The product API without a key of its own: anonymous callers and user or admin keys;
    /// a viewer key is refused.
    Product,
    /// The product API with a key: user or admin.
    ProductKey,
    /// The service's figures: viewer or admin.
    Figures,
    /// Administration: admin only.
    Admin,
}

/// Every route of the OpenAPI document with who may call it. A route added without an
/// entry here fails the test: its access must be decided, not inherited by accident.
const ACCESS: &[(&str, &str, Access)] = &[
    ("post", "/api/v1/enhance", Access::Product),
    ("post", "/api/v1/batch", Access::ProductKey),
    ("post", "/api/v1/analyze", Access::Product),
    ("get", "/api/v1/techniques", Access::Product),
    ("get", "/api/v1/history", Access::ProductKey),
    ("get", "/api/v1/history/{id}", Access::ProductKey),
    ("delete", "/api/v1/history/{id}", Access::ProductKey),
    ("post", "/api/v1/feedback", Access::ProductKey),
    ("post", "/api/v1/admin/keys", Access::Admin),
    ("get", "/api/v1/admin/faults", Access::Admin),
    ("put", "/api/v1/admin/faults", Access::Admin),
    ("delete", "/api/v1/admin/faults", Access::Admin),
    ("get", "/api/v1/admin/keys", Access::Admin),
    ("delete", "/api/v1/admin/keys/{id}", Access::Admin),
    ("post", "/api/v1/admin/keys/{id}/rotate", Access::Admin),
    ("get", "/api/v1/admin/audit", Access::Admin),
    ("put", "/api/v1/load-runs/{id}", Access::Admin),
    ("get", "/api/v1/load-runs", Access::Figures),
    ("get", "/api/v1/metrics/summary", Access::Figures),
    ("get", "/api/v1/metrics/timeseries", Access::Figures),
    ("get", "/api/v1/metrics/heatmap", Access::Figures),
    ("get", "/api/v1/metrics/techniques", Access::Figures),
    ("get", "/api/v1/metrics/export", Access::Figures),
    ("get", "/api/v1/metrics/stream", Access::Figures),
    ("get", "/api/v1/metrics/anomalies", Access::Figures),
    ("get", "/api/v1/metrics/instances", Access::Figures),
    ("get", "/metrics", Access::Figures),
    ("get", "/health", Access::Open),
    ("get", "/ready", Access::Open),
];

/// What a caller of each role gets from a route: refused with 401 (no key where one is
/// needed) or 403 (the wrong role), or let through to the handler, which may still answer
/// 400 or 404 for the empty body and made-up ids this test sends, but never 401 or 403.
async fn every_route_answers_each_role_as_the_access_table_says(backend: Backend) {
    let s = TestServer::start(backend).await;
    let user = s.key("pro", "user", None).await;
    let doc = json_ok(s.get("/api/v1/openapi.json").send().await.unwrap()).await;
    let mut documented = Vec::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    for (method, path, _) in ACCESS {
        assert!(
            documented.contains(&((*method).to_owned(), (*path).to_owned())),
            "{method} {path} is in the access table but not served"
        );
    }
    let mut table = Vec::new();
    for (method, path) in &documented {
        let access = ACCESS
            .iter()
            .find(|(m, p, _)| m == method && p == path)
            .map(|e| e.2)
            .unwrap_or_else(|| panic!("{method} {path} has no entry in the access table"));
        let url = s.url(&path.replace("{id}", &uuid::Uuid::now_v7().to_string()));
        let mut row = Vec::new();
        for (role, key) in [
            ("anonymous", None),
            ("viewer", Some(&s.viewer_key)),
            ("user", Some(&user)),
            ("admin", Some(&s.admin_key)),
        ] {
            let mut request = s
                .client
                .request(method.to_uppercase().parse().unwrap(), &url)
                .header("content-type", "application/json")
                .body("{}");
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            let status = request.send().await.unwrap().status().as_u16();
            let expected = match (access, role) {
                (Access::Open, _) => None,
                (Access::Product, "viewer") => Some(403),
                (Access::Product, _) => None,
                (Access::ProductKey, "anonymous") => Some(401),
                (Access::ProductKey, "viewer") => Some(403),
                (Access::ProductKey, _) => None,
                (Access::Figures, "anonymous") => Some(401),
                (Access::Figures, "user") => Some(403),
                (Access::Figures, _) => None,
                (Access::Admin, "anonymous") => Some(401),
                (Access::Admin, "admin") => None,
                (Access::Admin, _) => Some(403),
            };
            match expected {
                Some(refused) => assert_eq!(
                    status, refused,
                    "{method} {path} as {role}: expected {refused}"
                ),
                None => assert!(
                    status != 401 && status != 403,
                    "{method} {path} as {role}: let through expected, got {status}"
                ),
            }
            row.push(status);
        }
        table.push(format!("{method:>6} {path:<32} {row:?}"));
    }
    // The table the closing note quotes: status per anonymous / viewer / user / admin.
    println!("{}", table.join("\n"));
    s.stop().await;
}

async fn users_never_see_each_others_rows(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (alice, bob) = (
        s.key("free", "user", None).await,
        s.key("pro", "user", None).await,
    );
    let mine = s
        .enhance(Some(&alice), json!({"text": "What causes the seasons?"}))
        .await;
    let id = mine["id"].as_str().unwrap();
    // Bob gets 404, not 403: he cannot even learn that the row exists.
    let r = s.get_as(&format!("/api/v1/history/{id}"), &bob).await;
    assert_error(r, 404, "not_found").await;
    let r = s.delete_as(&format!("/api/v1/history/{id}"), &bob).await;
    assert_error(r, 404, "not_found").await;
    let list = json_ok(s.get_as("/api/v1/history", &bob).await).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    assert!(list["next_cursor"].is_null());
    // Alice still has it.
    let r = s.get_as(&format!("/api/v1/history/{id}"), &alice).await;
    assert_eq!(r.status(), 200);
    // Every user's rows are for admins only.
    let r = s.get_as("/api/v1/history?scope=all", &bob).await;
    assert_error(r, 403, "forbidden").await;
    let admin = s.key("enterprise", "admin", None).await;
    let all = json_ok(s.get_as("/api/v1/history?scope=all", &admin).await).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 1);
    assert_eq!(all["data"][0]["id"], mine["id"]);
    let r = s.get_as("/api/v1/history?scope=everyone", &admin).await;
    assert_error(r, 400, "validation").await;
    // Everyone's rows come by creation time only (by confidence would sort the table): a
    // confidence order is taken as time in the same direction.
    let by_confidence = json_ok(
        s.get_as("/api/v1/history?scope=all&sort=confidence_desc", &admin)
            .await,
    )
    .await;
    assert_eq!(by_confidence["data"], all["data"]);
    s.stop().await;
}

async fn history_batch_and_feedback_need_a_key(backend: Backend) {
    let s = TestServer::start(backend).await;
    let r = s.get("/api/v1/history").send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = s
        .post("/api/v1/batch")
        .json(&json!({"prompts": [{"text": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = s
        .post("/api/v1/feedback")
        .json(&json!({"prompt_history_id": uuid::Uuid::now_v7(), "rating": 5}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    // A wrong key is refused everywhere, even where anonymous calls are fine.
    let r = s
        .post_json("/api/v1/enhance", "bp_not_a_key", &json!({"text": "hi"}))
        .await;
    assert_error(r, 401, "unauthorized").await;
    let r = s
        .post("/api/v1/enhance")
        .header("authorization", "Basic abc")
        .json(&json!({"text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    s.stop().await;
}

async fn admin_routes_need_the_admin_role(backend: Backend) {
    let s = TestServer::start(backend).await;
    let user = s.key("enterprise", "user", None).await;
    let body = json!({"name": "x", "tier": "free"});
    let r = s
        .post("/api/v1/admin/keys")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = s.post_json("/api/v1/admin/keys", &user, &body).await;
    assert_error(r, 403, "forbidden").await;
    // A key minted by an admin works, and is stored only as a hash.
    let new_key = s.key("free", "user", None).await;
    assert!(new_key.starts_with("bp_") && new_key.len() > 40);
    let r = s.get_as("/api/v1/history", &new_key).await;
    assert_eq!(r.status(), 200);
    s.stop().await;
}

/// The key lifecycle through the admin API: an expiring key stops at its expiry, a rotated
/// key's old secret works through the overlap and not after, a revoked key stops at once;
/// the listing shows them without secrets, with their last use; the audit log has each
/// change with its admin.
async fn keys_expire_rotate_revoke_and_every_change_is_audited(backend: Backend) {
    let s = TestServer::start_with(backend, |c| {
        c.telemetry.window = std::time::Duration::from_secs(1);
    })
    .await;
    let create = |body: serde_json::Value| {
        let s = &s;
        async move {
            let r = s.post_json("/api/v1/admin/keys", &s.admin_key, &body).await;
            assert_eq!(r.status(), 201);
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let soon = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let expiring = create(json!({"name": "expiring", "tier": "pro", "expires_at": soon})).await;
    let expiring_key = expiring["key"].as_str().unwrap().to_owned();
    let rotating = create(json!({"name": "rotating", "tier": "pro"})).await;
    let old_secret = rotating["key"].as_str().unwrap().to_owned();
    let revoked = create(json!({"name": "revoked", "tier": "free"})).await;
    let revoked_key = revoked["key"].as_str().unwrap().to_owned();
    // A time already past is well formed: the key is born expired, and refused.
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    let stale = create(json!({"name": "stale", "tier": "pro", "expires_at": past})).await;
    let r = s
        .get_as("/api/v1/history", stale["key"].as_str().unwrap())
        .await;
    assert_error(r, 401, "unauthorized").await;

    for key in [&expiring_key, &old_secret, &revoked_key] {
        assert_eq!(s.get_as("/api/v1/history", key).await.status(), 200);
    }
    let rotated = json_ok(
        s.post_json(
            &format!(
                "/api/v1/admin/keys/{}/rotate",
                rotating["id"].as_str().unwrap()
            ),
            &s.admin_key,
            &json!({"overlap_seconds": 1}),
        )
        .await,
    )
    .await;
    let new_secret = rotated["key"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, old_secret);
    let r = s
        .delete_as(
            &format!("/api/v1/admin/keys/{}", revoked["id"].as_str().unwrap()),
            &s.admin_key,
        )
        .await;
    assert_eq!(r.status(), 204);
    let r = s
        .delete_as(
            &format!("/api/v1/admin/keys/{}", uuid::Uuid::now_v7()),
            &s.admin_key,
        )
        .await;
    assert_error(r, 404, "not_found").await;
    // Within the overlap both secrets work; the revoked key is refused at once.
    assert_eq!(s.get_as("/api/v1/history", &old_secret).await.status(), 200);
    assert_eq!(s.get_as("/api/v1/history", &new_secret).await.status(), 200);
    assert_error(
        s.get_as("/api/v1/history", &revoked_key).await,
        401,
        "unauthorized",
    )
    .await;

    tokio::time::sleep(std::time::Duration::from_millis(1700)).await;
    assert_error(
        s.get_as("/api/v1/history", &expiring_key).await,
        401,
        "unauthorized",
    )
    .await;
    assert_error(
        s.get_as("/api/v1/history", &old_secret).await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(s.get_as("/api/v1/history", &new_secret).await.status(), 200);

    // The listing: no secret, no hash; the rotated key's last use recorded (uses are
    // written once a window).
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let r = s.get_as("/api/v1/admin/keys", &s.admin_key).await;
    let text = r.text().await.unwrap();
    for secret in [&expiring_key, &old_secret, &new_secret, &revoked_key] {
        assert!(!text.contains(secret.as_str()), "a secret in the listing");
        assert!(
            !text.contains(&bp_server::hash_key(secret)),
            "a hash in the listing"
        );
    }
    let listed: serde_json::Value = serde_json::from_str(&text).unwrap();
    let by_name = |name: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed"))
            .clone()
    };
    assert_eq!(by_name("revoked")["revoked"], true);
    assert_eq!(by_name("rotating")["key_prefix"], new_secret[..9]);
    assert!(by_name("rotating")["last_used_at"].is_string(), "{listed}");
    assert!(by_name("expiring")["expires_at"].is_string());

    let audit = json_ok(s.get_as("/api/v1/admin/audit", &s.admin_key).await).await;
    let actions: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    for action in ["key.create", "key.rotate", "key.revoke"] {
        assert!(
            actions.contains(&(action, "admin")),
            "{action} by the admin key in {actions:?}"
        );
    }
    assert!(
        !audit.to_string().contains(&new_secret),
        "no secret in the audit log"
    );
    s.stop().await;
}

async fn feedback_once_per_user_and_item(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (alice, bob) = (
        s.key("free", "user", None).await,
        s.key("free", "user", None).await,
    );
    let item = s
        .enhance(
            Some(&alice),
            json!({"text": "Give me a plan to learn the guitar in 3 months"}),
        )
        .await;
    let id = item["id"].as_str().unwrap();
    let feedback = json!({"prompt_history_id": id, "rating": 5, "most_helpful_technique": "step_by_step", "comment": "great"});
    let r = s.post_json("/api/v1/feedback", &alice, &feedback).await;
    assert_eq!(r.status(), 201);
    let r = s.post_json("/api/v1/feedback", &alice, &feedback).await;
    assert_error(r, 409, "conflict").await;
    let r = s.post_json("/api/v1/feedback", &bob, &feedback).await;
    assert_error(r, 404, "not_found").await;
    for bad in [
        json!({"prompt_history_id": id, "rating": 0}),
        json!({"prompt_history_id": id, "rating": 6}),
        json!({"prompt_history_id": "nope", "rating": 3}),
    ] {
        let r = s.post_json("/api/v1/feedback", &alice, &bad).await;
        assert_error(r, 400, "validation").await;
    }
    s.stop().await;
}

/// `--public-metrics`: the figures without a key; the product API keeps its rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_metrics_open_the_figures_and_nothing_else() {
    let s = TestServer::start_with(Backend::Sqlite, |c| c.public_metrics = true).await;
    for path in [
        "/api/v1/metrics/summary?from=-1m",
        "/api/v1/metrics/export?format=csv&from=-1m",
        "/api/v1/load-runs",
        "/metrics",
    ] {
        let r = s.get(path).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path} without a key");
    }
    let r = s.get("/api/v1/history").send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = s.get("/api/v1/admin/faults").send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
    s.stop().await;
}

/// `--metrics-addr`: Prometheus scrapes its own listener without a key; the public listener
/// has no `/metrics` at all, so the figures cannot leak through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_gets_a_listener_of_its_own() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
        c.telemetry.window = std::time::Duration::from_secs(1);
    })
    .await;
    let internal = s.metrics_base.clone().expect("a metrics listener");
    // The process gauges appear once the first window closed.
    let mut exposition = String::new();
    for _ in 0..50 {
        let r = s
            .client
            .get(format!("{internal}/metrics"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        exposition = r.text().await.unwrap();
        if exposition.contains("bp_process_resident_memory_bytes") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        exposition.contains("bp_process_resident_memory_bytes"),
        "{exposition}"
    );
    let r = s
        .client
        .get(format!("{internal}/api/v1/metrics/summary"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        404,
        "the internal listener serves /metrics only"
    );
    let r = s.get_as("/metrics", &s.admin_key).await;
    assert_eq!(r.status(), 404, "no /metrics on the public listener");
    let doc = json_ok(s.get("/api/v1/openapi.json").send().await.unwrap()).await;
    assert!(
        doc["paths"].get("/metrics").is_none(),
        "nor in its document"
    );
    s.stop().await;
}

/// A browser signs the stream in with the `bearer.<key>` subprotocol and gets
/// `betterprompts` back; without a key, or with a user's, the handshake is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_signs_in_with_a_subprotocol() {
    use tokio_tungstenite::tungstenite::{Error, client::IntoClientRequest};
    let s = TestServer::start(Backend::Sqlite).await;
    let user = s.key("pro", "user", None).await;
    let url = crate::metrics_live::ws_url(&s, "/api/v1/metrics/stream");
    let (socket, response) =
        tokio_tungstenite::connect_async(crate::metrics_live::viewer_handshake(&s, &url))
            .await
            .expect("a viewer key signs in");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "betterprompts"
    );
    drop(socket);
    let refused = |protocols: Option<String>| {
        let mut request = url.as_str().into_client_request().unwrap();
        if let Some(p) = protocols {
            request
                .headers_mut()
                .insert("sec-websocket-protocol", p.parse().unwrap());
        }
        async move {
            match tokio_tungstenite::connect_async(request).await {
                Err(Error::Http(response)) => response.status().as_u16(),
                other => panic!("expected a refused handshake, got {:?}", other.map(|r| r.1)),
            }
        }
    };
    assert_eq!(refused(None).await, 401);
    assert_eq!(
        refused(Some(format!("betterprompts, bearer.{user}"))).await,
        403
    );
    s.stop().await;
}
