//! The HTTP side of a virtual user: one keep-alive HTTP/1.1 connection over hyper's
//! connection-level client (no pool, no shared state: the cheapest per request), the
//! requests of each endpoint, and reading just enough of a response to check the technique.

use crate::mix::Endpoint;
use crate::prompts::{Prompt, PromptPool};
use crate::target::Target;
use bp_api::Technique;
use bytes::{Bytes, BytesMut};
use http_body_util::Full;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderName, HeaderValue};
use hyper::{Method, Request};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::net::SocketAddr;

/// Everything needed to build requests, built once per run.
pub struct RequestParts {
    addr: SocketAddr,
    host: HeaderValue,
    authorization: Option<HeaderValue>,
    json: HeaderValue,
    /// Parsed once: parsing a URI per request costs an allocation and a scan.
    uris: [hyper::Uri; 5],
    batch_size: usize,
}

mod connection;
mod control;

pub use connection::Connection;
pub use control::ControlClient;

static X_REGION: HeaderName = HeaderName::from_static("x-region");

impl RequestParts {
    pub fn new(
        target: &Target,
        key: Option<&str>,
        batch_size: usize,
    ) -> Result<Self, crate::Error> {
        let header = |v: String| {
            HeaderValue::try_from(v).map_err(|_| {
                crate::Error::Usage("the key or host is not a valid header value".to_owned())
            })
        };
        let paths = Endpoint::ALL.map(|e| match e {
            Endpoint::Enhance => target.path("/api/v1/enhance"),
            Endpoint::Batch => target.path("/api/v1/batch"),
            Endpoint::History => target.path("/api/v1/history?limit=10"),
            Endpoint::Analyze => target.path("/api/v1/analyze"),
            Endpoint::Health => target.path("/health"),
        });
        let mut uris: [hyper::Uri; 5] = Default::default();
        for (uri, path) in uris.iter_mut().zip(paths) {
            *uri = path.parse().map_err(|_| {
                crate::Error::Usage(format!("`{path}` is not a valid request path"))
            })?;
        }
        Ok(RequestParts {
            addr: target.addr,
            host: header(target.authority.to_string())?,
            authorization: key.map(|k| header(format!("Bearer {k}"))).transpose()?,
            json: HeaderValue::from_static("application/json"),
            uris,
            batch_size: batch_size.clamp(1, bp_api::limits::MAX_BATCH_ITEMS),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The request for `endpoint`, using prompts from `cursor` on.
    pub fn build(
        &self,
        endpoint: Endpoint,
        region: Option<&HeaderValue>,
        prompts: &PromptPool,
        cursor: usize,
    ) -> Request<Full<Bytes>> {
        let body = match endpoint {
            Endpoint::Enhance | Endpoint::Analyze => prompts.get(cursor).body.clone(),
            Endpoint::Batch => {
                let mut body = BytesMut::with_capacity(self.batch_size * 320 + 16);
                body.extend_from_slice(b"{\"prompts\":[");
                for i in 0..self.batch_size {
                    if i > 0 {
                        body.extend_from_slice(b",");
                    }
                    body.extend_from_slice(&prompts.get(cursor + i).body);
                }
                body.extend_from_slice(b"]}");
                body.freeze()
            }
            Endpoint::History | Endpoint::Health => Bytes::new(),
        };
        let is_post = !body.is_empty();
        let mut request = Request::new(Full::new(body));
        if is_post {
            *request.method_mut() = Method::POST;
        }
        *request.uri_mut() = self.uris[endpoint.index()].clone();
        let headers = request.headers_mut();
        headers.insert(HOST, self.host.clone());
        if is_post {
            headers.insert(CONTENT_TYPE, self.json.clone());
        }
        if let Some(auth) = &self.authorization {
            headers.insert(AUTHORIZATION, auth.clone());
        }
        if let Some(region) = region {
            headers.insert(X_REGION.clone(), region.clone());
        }
        request
    }
}

#[derive(Deserialize)]
struct Primary {
    techniques_used: Vec<Technique>,
}

#[derive(Deserialize)]
struct BatchPrimaries {
    results: Vec<Option<Primary>>,
    #[serde(rename = "errors")]
    _errors: IgnoredAny,
}

/// `(checked, correct)`: how many responses' primary technique could be checked against the
/// prompts' labels, and how many were acceptable.
pub fn technique_check(
    endpoint: Endpoint,
    body: &[u8],
    prompts: &PromptPool,
    cursor: usize,
) -> (u32, u32) {
    let check = |p: &Prompt, r: &Primary| {
        r.techniques_used
            .first()
            .and_then(|t| p.is_acceptable(*t))
            .map_or((0, 0), |ok| (1, u32::from(ok)))
    };
    match endpoint {
        Endpoint::Enhance => serde_json::from_slice::<Primary>(body)
            .map_or((0, 0), |r| check(prompts.get(cursor), &r)),
        Endpoint::Batch => serde_json::from_slice::<BatchPrimaries>(body).map_or((0, 0), |b| {
            b.results
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.as_ref().map(|r| check(prompts.get(cursor + i), r)))
                .fold((0, 0), |(c, k), (c2, k2)| (c + c2, k + k2))
        }),
        _ => (0, 0),
    }
}
