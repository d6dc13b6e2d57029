//! The auth-setup step: create a load-test key through the admin API, so a run does not
//! need a key made by hand (and never shares one with real users).

use crate::Error;
use crate::client::{Body, Connection, Method, encode_request};
use crate::target::Target;
use bp_api::{CreateKeyRequest, CreateKeyResponse, RateLimit, Role, Tier};

/// Creates an enterprise key without a rate limit named `name`; returns its secret.
pub async fn create_key(target: &Target, admin_key: &str, name: &str) -> Result<String, Error> {
    let body = serde_json::to_vec(&CreateKeyRequest {
        name: name.to_owned(),
        tier: Tier::Enterprise,
        role: Role::User,
        rate_limit: Some(RateLimit::Unlimited),
        expires_at: None,
    })
    .map_err(|e| Error::AuthSetup(e.to_string()))?;
    let request = encode_request(
        &Method::POST,
        target,
        "/api/v1/admin/keys",
        Some(admin_key),
        Some(&body),
    )?;
    let mut conn = Connection::open(target.addr)
        .await
        .map_err(|e| Error::AuthSetup(format!("cannot connect to {}: {e}", target.addr)))?;
    let (status, body) = conn
        .send(&request, Body::Keep)
        .await
        .map_err(|_| Error::AuthSetup("the connection failed".to_owned()))?;
    if status != 201 {
        return Err(Error::AuthSetup(format!(
            "status {status}: {}",
            String::from_utf8_lossy(&body)
        )));
    }
    let created: CreateKeyResponse =
        serde_json::from_slice(&body).map_err(|e| Error::AuthSetup(e.to_string()))?;
    Ok(created.key)
}
