//! Requests beside the load — the run state pushed to the server, its memory read back —
//! over one kept-alive connection per purpose, reopened when the server closed it, every
//! exchange bounded in time so a slow or absent server never holds anything up.

use super::{Body, Connection, Method, encode_request};
use crate::target::Target;
use bytes::Bytes;
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
        method: &Method,
        route: &str,
        key: Option<&str>,
        json: Option<Vec<u8>>,
    ) -> Result<(u16, Bytes), String> {
        let request = encode_request(method, &self.target, route, key, json.as_deref())
            .map_err(|e| format!("invalid request: {e}"))?;
        let addr = self.target.addr;
        let reusable = self.connection.take();
        let exchange = async {
            let reusable = match reusable {
                Some(mut c) => c.ready().then_some(c),
                None => None,
            };
            let mut conn = match reusable {
                Some(c) => c,
                None => Connection::open(addr)
                    .await
                    .map_err(|e| format!("cannot connect to {addr}: {e}"))?,
            };
            let response = conn
                .send(&request, Body::Keep)
                .await
                .map_err(|_| "the connection failed".to_owned())?;
            Ok::<_, String>((response, conn))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok((response, conn))) => {
                self.connection = (!conn.is_closed()).then_some(conn);
                Ok(response)
            }
            Ok(Err(why)) => Err(why),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }
}
