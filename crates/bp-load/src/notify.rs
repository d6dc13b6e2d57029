//! `--notify-webhook URL`: the end-of-run summary POSTed as a Slack-compatible message
//! (`bp_report::slack_message`).
//!
//! reqwest rather than the load path's hyper client, as DESIGN.md has it for webhooks: chat
//! webhooks are HTTPS on the open internet (TLS, proxies, redirects), which the loopback-only
//! load client deliberately cannot do. TLS is rustls with the *ring* provider and the
//! webpki root certificates compiled in: no OpenSSL or aws-lc to build, and no dependency
//! on the machine's certificate store.

use crate::Error;
use crate::report::Report;
use std::time::Duration;

/// The whole POST, connect included: a chat service slower than this is down.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// A validated webhook URL (`http://` or `https://`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook(reqwest::Url);

impl Webhook {
    pub fn parse(url: &str) -> Result<Webhook, Error> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::Usage(format!("invalid --notify-webhook `{url}`: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::Usage(format!(
                "invalid --notify-webhook `{url}`: expected an http:// or https:// URL"
            )));
        }
        Ok(Webhook(parsed))
    }

    /// POSTs the report's summary; any non-2xx answer is an error.
    pub async fn notify(&self, report: &Report) -> Result<(), Error> {
        let failed = |why: String| Error::Notify {
            url: self.redacted(),
            reason: why,
        };
        let client = reqwest::Client::builder()
            .timeout(WEBHOOK_TIMEOUT)
            .build()
            .map_err(|e| failed(e.to_string()))?;
        let response = client
            .post(self.0.clone())
            .json(&bp_report::slack_message(report))
            .send()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(failed(format!("status {status}")))
        }
    }

    /// Scheme and host only: a webhook's path is its secret (Slack's carries the token).
    fn redacted(&self) -> String {
        format!(
            "{}://{}/…",
            self.0.scheme(),
            self.0.host_str().unwrap_or_default()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_only_and_never_shows_the_path() {
        let hook = Webhook::parse("https://hooks.example.com/services/T0/B0/secret").unwrap();
        assert_eq!(hook.redacted(), "https://hooks.example.com/…");
        assert!(Webhook::parse("http://127.0.0.1:9/x").is_ok());
        for bad in ["ftp://example.com/x", "not a url", "file:///etc/passwd"] {
            let e = Webhook::parse(bad).unwrap_err();
            assert!(e.is_usage(), "{bad}: {e}");
        }
    }
}
