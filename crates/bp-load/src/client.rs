//! The HTTP side of a virtual user: one keep-alive HTTP/1.1 connection of our own
//! ([`Connection`]), the requests of each endpoint written straight into bytes, and reading
//! just enough of a response to check the technique.

use crate::mix::Endpoint;
use crate::prompts::{Prompt, PromptPool};
use crate::target::Target;
use bp_api::Technique;
use serde::Deserialize;
use std::net::SocketAddr;

mod connection;
mod control;

pub use connection::{Body, Connection};
pub use control::ControlClient;

pub use http::Method;

/// Whether `value` can be sent as a header value as it is (visible ASCII, spaces and tabs:
/// `http`'s rule), so nothing a user passes (a key, a region) can end a header line or
/// inject another.
fn is_header_value(value: &str) -> bool {
    http::HeaderValue::from_str(value).is_ok()
}

/// The request line and the headers every request to the target carries, up to (not
/// including) the framing headers and the blank line.
fn request_head(
    method: &Method,
    path: &str,
    host: &str,
    bearer: Option<&str>,
) -> Result<Vec<u8>, crate::Error> {
    if !is_header_value(host) || !bearer.is_none_or(is_header_value) {
        return Err(crate::Error::Usage(
            "the key or host is not a valid header value".to_owned(),
        ));
    }
    if path.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err(crate::Error::Usage(format!(
            "`{path}` is not a valid request path"
        )));
    }
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    if let Some(key) = bearer {
        head.push_str(&format!("Authorization: Bearer {key}\r\n"));
    }
    Ok(head.into_bytes())
}

/// Ends the head started by [`request_head`] (and any extra header lines): the framing
/// headers of a JSON body of `body_len` bytes, if any, and the blank line.
fn end_head(out: &mut Vec<u8>, body_len: Option<usize>) {
    if let Some(len) = body_len {
        out.extend_from_slice(b"Content-Type: application/json\r\nContent-Length: ");
        out.extend_from_slice(itoa::Buffer::new().format(len).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

/// One complete request, for calls off the hot path (the control client, auth set-up).
pub fn encode_request(
    method: &Method,
    target: &Target,
    route: &str,
    bearer: Option<&str>,
    body: Option<&[u8]>,
) -> Result<Vec<u8>, crate::Error> {
    let mut out = request_head(
        method,
        &target.path(route),
        target.authority.as_str(),
        bearer,
    )?;
    end_head(&mut out, body.map(<[u8]>::len));
    out.extend_from_slice(body.unwrap_or_default());
    Ok(out)
}

/// A validated `X-Region` header line, built once per scenario.
pub fn region_header(region: &str) -> Result<Box<[u8]>, crate::Error> {
    if !is_header_value(region) {
        return Err(crate::Error::Usage(
            "a region is not a valid header value".to_owned(),
        ));
    }
    Ok(format!("X-Region: {region}\r\n").into_bytes().into())
}

/// Everything needed to write the load's requests, built once per run.
pub struct RequestParts {
    addr: SocketAddr,
    /// Per key, per endpoint: request line, `Host` and `Authorization` (one set without a
    /// key when there is none).
    heads: Vec<[Vec<u8>; 5]>,
    batch_size: usize,
}

impl RequestParts {
    /// Virtual user `n` sends `keys[n % keys.len()]`; no key at all when `keys` is empty.
    pub fn new(target: &Target, keys: &[String], batch_size: usize) -> Result<Self, crate::Error> {
        let heads = if keys.is_empty() {
            vec![Self::heads(target, None)?]
        } else {
            keys.iter()
                .map(|key| Self::heads(target, Some(key)))
                .collect::<Result<_, _>>()?
        };
        Ok(RequestParts {
            addr: target.addr,
            heads,
            batch_size: batch_size.clamp(1, bp_api::limits::MAX_BATCH_ITEMS),
        })
    }

    fn heads(target: &Target, key: Option<&str>) -> Result<[Vec<u8>; 5], crate::Error> {
        let host = target.authority.as_str();
        let head = |endpoint: Endpoint| {
            let (method, route) = match endpoint {
                Endpoint::Enhance => (Method::POST, "/api/v1/enhance"),
                Endpoint::Batch => (Method::POST, "/api/v1/batch"),
                Endpoint::History => (Method::GET, "/api/v1/history?limit=10"),
                Endpoint::Analyze => (Method::POST, "/api/v1/analyze"),
                Endpoint::Health => (Method::GET, "/health"),
            };
            request_head(&method, &target.path(route), host, key)
        };
        let [a, b, c, d, e] = Endpoint::ALL.map(head);
        Ok([a?, b?, c?, d?, e?])
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Writes virtual user `user`'s request for `endpoint`, using prompts from `cursor` on,
    /// into `out` (cleared first; a virtual user reuses one buffer for all its requests).
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &self,
        out: &mut Vec<u8>,
        user: usize,
        endpoint: Endpoint,
        region: Option<&[u8]>,
        prompts: &PromptPool,
        cursor: usize,
    ) {
        out.clear();
        out.extend_from_slice(&self.heads[user % self.heads.len()][endpoint.index()]);
        if let Some(region) = region {
            out.extend_from_slice(region);
        }
        // Each virtual user is one user to the server's "users" figures, whatever key it
        // shares with others.
        out.extend_from_slice(b"X-User-Id: vu-");
        out.extend_from_slice(itoa::Buffer::new().format(user).as_bytes());
        out.extend_from_slice(b"\r\n");
        match endpoint {
            Endpoint::Enhance | Endpoint::Analyze => {
                let prompt = prompts.get(cursor);
                if endpoint == Endpoint::Enhance && !prompt.expected.is_empty() {
                    out.extend_from_slice(b"X-Expected-Techniques: ");
                    out.extend_from_slice(&prompt.expected);
                    out.extend_from_slice(b"\r\n");
                }
                end_head(out, Some(prompt.body.len()));
                out.extend_from_slice(&prompt.body);
            }
            Endpoint::Batch => {
                let labelled =
                    (0..self.batch_size).any(|i| !prompts.get(cursor + i).expected.is_empty());
                if labelled {
                    // One group per item, in order, `;` between them.
                    out.extend_from_slice(b"X-Expected-Techniques: ");
                    for i in 0..self.batch_size {
                        if i > 0 {
                            out.push(b';');
                        }
                        out.extend_from_slice(&prompts.get(cursor + i).expected);
                    }
                    out.extend_from_slice(b"\r\n");
                }
                // `{"prompts":[` + bodies joined by `,` + `]}`, written in place.
                let items = (0..self.batch_size).map(|i| &prompts.get(cursor + i).body);
                let len =
                    14 + (self.batch_size - 1) + items.clone().map(|b| b.len()).sum::<usize>();
                end_head(out, Some(len));
                out.extend_from_slice(b"{\"prompts\":[");
                for (i, body) in items.enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(body);
                }
                out.extend_from_slice(b"]}");
            }
            Endpoint::History | Endpoint::Health => end_head(out, None),
        }
    }
}

#[derive(Deserialize)]
struct Primary {
    techniques_used: Vec<Technique>,
}

#[derive(Deserialize)]
struct BatchPrimaries {
    results: Vec<Option<Primary>>,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every endpoint's request is one well-formed HTTP/1.1 message whose Content-Length is
    /// its body's, with the key and region headers in place.
    #[test]
    fn requests_are_well_formed_http() {
        let target = Target::parse("http://127.0.0.1:8080/base").unwrap();
        let keys = ["bp_key".to_owned(), "bp_other".to_owned()];
        let parts = RequestParts::new(&target, &keys, 3).unwrap();
        let prompts = PromptPool::generated(7, 10).unwrap();
        let region = region_header("eu-west").unwrap();
        let mut out = Vec::new();
        for endpoint in Endpoint::ALL {
            parts.write(&mut out, 2, endpoint, Some(&region), &prompts, 4);
            let mut headers = [httparse::EMPTY_HEADER; 16];
            let mut request = httparse::Request::new(&mut headers);
            let head_len = match request.parse(&out).unwrap() {
                httparse::Status::Complete(n) => n,
                httparse::Status::Partial => panic!("{endpoint}: incomplete head"),
            };
            assert!(request.path.unwrap().starts_with("/base/"), "{endpoint}");
            let header = |name: &str| {
                request
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(name))
                    .map(|h| std::str::from_utf8(h.value).unwrap().to_owned())
            };
            assert_eq!(header("authorization").as_deref(), Some("Bearer bp_key"));
            assert_eq!(header("x-region").as_deref(), Some("eu-west"));
            assert_eq!(header("x-user-id").as_deref(), Some("vu-2"));
            let group = |i: usize| String::from_utf8(prompts.get(i).expected.to_vec()).unwrap();
            let expected = match endpoint {
                Endpoint::Enhance => Some(group(4)),
                Endpoint::Batch => Some(format!("{};{};{}", group(4), group(5), group(6))),
                _ => None,
            };
            assert_eq!(header("x-expected-techniques"), expected, "{endpoint}");
            let body = &out[head_len..];
            match header("content-length") {
                Some(len) => {
                    assert_eq!(len.parse::<usize>().unwrap(), body.len(), "{endpoint}");
                    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
                    if endpoint == Endpoint::Batch {
                        assert_eq!(json["prompts"].as_array().unwrap().len(), 3);
                    }
                }
                None => assert!(body.is_empty(), "{endpoint}"),
            }
        }
        // Users take the keys in turn.
        parts.write(&mut out, 3, Endpoint::Health, None, &prompts, 0);
        assert!(String::from_utf8_lossy(&out).contains("Bearer bp_other\r\n"));
        let anonymous = RequestParts::new(&target, &[], 1).unwrap();
        anonymous.write(&mut out, 3, Endpoint::Health, None, &prompts, 0);
        assert!(!String::from_utf8_lossy(&out).contains("Authorization"));
        let bad = ["bad\r\nX-Evil: 1".to_owned()];
        assert!(RequestParts::new(&target, &bad, 1).is_err());
        assert!(region_header("eu\nwest").is_err());
    }
}
