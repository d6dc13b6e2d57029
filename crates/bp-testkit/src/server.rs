//! The service in process: a real server on 127.0.0.1:0 per test, on SQLite in a temp dir
//! or on PostgreSQL in a schema of its own, with a reqwest client and an admin key; and the
//! assertions on our error body.

use crate::{Backend, TestStorage};
use bp_api::{CreateKeyRequest, RateLimit, Role, Tier};
use bp_server::{Server, ServerConfig};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;
use tokio::sync::oneshot;

/// The service in process on 127.0.0.1:0, with an admin key, a viewer key (for the
/// figures) and a client. Its database (the storage's `main`) is removed when it is dropped.
pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub admin_key: String,
    pub viewer_key: String,
    /// Prometheus' own listener, when the configuration gave it one.
    pub metrics_base: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// Last, so a server still running is asked to stop before its database goes.
    storage: TestStorage,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// With the configuration changed by `tweak` first (which may point `store` at another
    /// [`TestStorage`]'s database).
    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut ServerConfig)) -> Self {
        let storage = TestStorage::new(backend);
        let store = storage.store_config("main");
        let mut config = ServerConfig::new("127.0.0.1:0".parse().expect("addr"), store);
        tweak(&mut config);
        let server = Server::bind(config).await.expect("server starts");
        let mint = |name: &str, role: Role| {
            bp_server::create_key(
                server.state().store(),
                CreateKeyRequest {
                    name: name.into(),
                    tier: Tier::Enterprise,
                    role,
                    rate_limit: Some(RateLimit::Unlimited),
                    expires_at: None,
                },
            )
        };
        let admin = mint("admin", Role::Admin).await.expect("admin key");
        let viewer = mint("viewer", Role::Viewer).await.expect("viewer key");
        let base = format!("http://{}", server.local_addr());
        let metrics_base = server.metrics_local_addr().map(|a| format!("http://{a}"));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            server
                .run(async {
                    let _ = rx.await;
                })
                .await
                .expect("server runs");
        });
        TestServer {
            base,
            client: Client::new(),
            admin_key: admin.key,
            viewer_key: viewer.key,
            metrics_base,
            shutdown: Some(tx),
            task: Some(task),
            storage,
        }
    }

    /// This server's storage: its temp dir, or another database beside its own.
    pub fn storage(&self) -> &TestStorage {
        &self.storage
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    /// `GET path` with the viewer key: the service's figures (metrics, exports, load runs).
    pub fn figures(&self, path: &str) -> RequestBuilder {
        self.get(path).bearer_auth(&self.viewer_key)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.url(path))
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.client.delete(self.url(path))
    }

    /// `POST path` with a JSON body as `key`.
    pub async fn post_json(&self, path: &str, key: &str, body: &Value) -> Response {
        self.post(path)
            .bearer_auth(key)
            .json(body)
            .send()
            .await
            .expect("send")
    }

    /// `PUT path` with a JSON body as `key`.
    pub async fn put_json(&self, path: &str, key: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .bearer_auth(key)
            .json(body)
            .send()
            .await
            .expect("send")
    }

    /// `GET path` as `key`.
    pub async fn get_as(&self, path: &str, key: &str) -> Response {
        self.get(path).bearer_auth(key).send().await.expect("send")
    }

    /// `DELETE path` as `key`.
    pub async fn delete_as(&self, path: &str, key: &str) -> Response {
        self.delete(path)
            .bearer_auth(key)
            .send()
            .await
            .expect("send")
    }

    /// A new key through the admin API.
    pub async fn key(&self, tier: &str, role: &str, rate_limit: Option<Value>) -> String {
        let mut body =
            serde_json::json!({"name": format!("{tier}-{role}"), "tier": tier, "role": role});
        if let Some(limit) = rate_limit {
            body["rate_limit"] = limit;
        }
        let response = self
            .post("/api/v1/admin/keys")
            .bearer_auth(&self.admin_key)
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 201);
        let created: Value = response.json().await.expect("json");
        created["key"].as_str().expect("key").to_owned()
    }

    /// POST /enhance and return the JSON body, asserting 200.
    pub async fn enhance(&self, key: Option<&str>, body: Value) -> Value {
        let mut request = self.post("/api/v1/enhance").json(&body);
        if let Some(k) = key {
            request = request.bearer_auth(k);
        }
        json_ok(request.send().await.expect("send")).await
    }

    /// Stops the server and waits for its drain.
    pub async fn stop(self) {
        self.stop_keeping_storage().await;
    }

    /// Stops the server like [`Self::stop`] and hands its storage over, so a new server can
    /// be started on the same database (a restart).
    pub async fn stop_keeping_storage(mut self) -> TestStorage {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task");
        }
        self.storage
    }
}

pub async fn json_ok(response: Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.expect("json body");
    assert_eq!(status, 200, "{body}");
    body
}

/// Asserts our error body: status, code and a request id matching the header.
pub async fn assert_error(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status, "status");
    let header_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("x-request-id header");
    let body: Value = response.json().await.expect("json error body");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body["error"]["request_id"], header_id.as_str(), "{body}");
    body
}
