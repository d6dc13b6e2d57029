//! Requests beside the load — the run state pushed to the server, its memory read back —
//! over one kept-alive connection per purpose, reopened when the server closed it, every
//! exchange bounded in time so a slow or absent server never holds anything up.

use super::Connection;
use crate::target::Target;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use std::time::Duration;

pub struct ControlClient {
    target: Target,
    timeout: Duration,
    connection: Option<Connection>,
}

impl ControlClient {
    pub fn new(target: &Target, timeout: Duration) -> ControlClient {
        ControlClient {
            target: target.clone(),
            timeout,
            connection: None,
        }
    }

    /// `(status, body)`, or why there is none, in words for a log line.
    pub async fn send(
        &mut self,
        method: Method,
        route: &str,
        key: Option<&str>,
        json: Option<Vec<u8>>,
    ) -> Result<(u16, Bytes), String> {
        let mut builder = Request::builder()
            .method(method)
            .uri(self.target.path(route))
            .header(HOST, self.target.authority.as_str());
        if let Some(key) = key {
            builder = builder.header(AUTHORIZATION, format!("Bearer {key}"));
        }
        if json.is_some() {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        let request = builder
            .body(Full::new(json.map(Bytes::from).unwrap_or_default()))
            .map_err(|e| format!("invalid request: {e}"))?;
        let addr = self.target.addr;
        let reusable = self.connection.take();
        let exchange = async {
            let reusable = match reusable {
                Some(mut c) => c.ready().await.then_some(c),
                None => None,
            };
            let mut conn = match reusable {
                Some(c) => c,
                None => Connection::open(addr)
                    .await
                    .map_err(|e| format!("cannot connect to {addr}: {e}"))?,
            };
            let response = conn
                .send(request)
                .await
                .map_err(|_| "the connection failed".to_owned())?;
            Ok::<_, String>((response, conn))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok((response, conn))) => {
                self.connection = Some(conn);
                Ok(response)
            }
            Ok(Err(why)) => Err(why),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }
}
