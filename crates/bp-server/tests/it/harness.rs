//! A real server on 127.0.0.1:0 per test, on SQLite in a temp dir or on PostgreSQL in a
//! fresh schema, with a reqwest client and an admin key.

use bp_api::{CreateKeyRequest, RateLimit, Role, Tier};
use bp_server::{Server, ServerConfig};
use bp_store::StoreConfig;
use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend from an `async fn(Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::harness::Backend::Sqlite).await })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::harness::Backend::Postgres).await })+
        }
    };
}

pub fn database_url() -> String {
    std::env::var("BP_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A fresh store of `backend`: a SQLite file in `dir`, or a PostgreSQL schema of its own.
/// Servers started on the same config one after the other share their data.
pub fn store_config(backend: Backend, dir: &tempfile::TempDir) -> StoreConfig {
    match backend {
        Backend::Sqlite => StoreConfig::Sqlite {
            path: dir.path().join("test.sqlite3"),
        },
        Backend::Postgres => StoreConfig::Postgres {
            url: database_url(),
            pool_size: 4,
            schema: Some(format!("it_{}", uuid::Uuid::now_v7().simple())),
        },
    }
}

pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub admin_key: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut ServerConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store_config(backend, &dir);
        let mut config = ServerConfig::new("127.0.0.1:0".parse().expect("addr"), store);
        tweak(&mut config);
        let server = Server::bind(config).await.expect("server starts");
        let admin = bp_server::create_key(
            server.state().store(),
            CreateKeyRequest {
                name: "admin".into(),
                tier: Tier::Enterprise,
                role: Role::Admin,
                rate_limit: Some(RateLimit::Unlimited),
            },
        )
        .await
        .expect("admin key");
        let base = format!("http://{}", server.local_addr());
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
            shutdown: Some(tx),
            task: Some(task),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
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
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task");
        }
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
