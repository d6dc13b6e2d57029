//! The server under test. Only loopback targets are accepted, and `localhost` is resolved
//! here to 127.0.0.1 rather than through the resolver, so no configuration can turn a load
//! test into traffic towards another machine.

use crate::Error;
use http::Uri;
use http::uri::Authority;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// A validated `http://` loopback base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: SocketAddr,
    /// The `Host` header value, as the user wrote it.
    pub authority: Authority,
    /// Path prefix before `/api/v1` (usually empty), without a trailing `/`.
    pub base_path: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, Error> {
        let invalid = |reason: &str| Error::InvalidTarget {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let uri: Uri = url.parse().map_err(|_| invalid("not a URL"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(_) => return Err(invalid("only http:// is supported")),
            None => return Err(invalid("expected http://HOST:PORT")),
        }
        let authority = uri.authority().cloned().ok_or_else(|| invalid("no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("credentials in the URL are not supported"));
        }
        let host = authority.host();
        let port = authority.port_u16().unwrap_or(80);
        let ip = loopback_ip(host).ok_or_else(|| Error::NotLoopback {
            host: host.to_owned(),
        })?;
        Ok(Target {
            addr: SocketAddr::new(ip, port),
            authority,
            base_path: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The full path of an API route, e.g. `/api/v1/enhance`.
    pub fn path(&self, route: &str) -> String {
        format!("{}{route}", self.base_path)
    }
}

/// The address to connect to, when `host` is this machine.
fn loopback_ip(host: &str) -> Option<IpAddr> {
    if host.eq_ignore_ascii_case("localhost") {
        return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = bare.parse().ok()?;
    ip.is_loopback().then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_loopback_only() {
        let t = Target::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(t.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(t.path("/api/v1/enhance"), "/api/v1/enhance");
        let t = Target::parse("http://localhost:9000/prefix/").unwrap();
        assert_eq!(t.addr, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(t.path("/health"), "/prefix/health");
        assert!(Target::parse("http://127.1.2.3:80").is_ok());
        assert_eq!(
            Target::parse("http://[::1]:8080").unwrap().addr,
            "[::1]:8080".parse().unwrap()
        );
        for refused in [
            "http://10.0.0.1:8080",
            "http://192.168.1.1",
            "http://example.com",
            "http://8.8.8.8:80",
            "http://localhost.example.com",
            "http://0.0.0.0:8080",
        ] {
            let e = Target::parse(refused).unwrap_err();
            assert!(matches!(e, Error::NotLoopback { .. }), "{refused}: {e}");
            assert!(e.is_usage());
        }
        for invalid in [
            "https://127.0.0.1",
            "127.0.0.1:8080",
            "http://u:p@127.0.0.1",
        ] {
            assert!(
                matches!(
                    Target::parse(invalid),
                    Err(Error::InvalidTarget { .. } | Error::NotLoopback { .. })
                ),
                "{invalid}"
            );
        }
    }
}
