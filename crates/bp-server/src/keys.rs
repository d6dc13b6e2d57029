//! API key minting and hashing. Keys are 256 random bits, so a plain SHA-256 is the right
//! hash: brute force is hopeless and lookups stay one index probe. Only the hash is stored.

use bp_api::{CreateKeyRequest, CreateKeyResponse};
use bp_store::{NewApiKey, Store, StoreResult};
use rand::RngCore;
use sha2::{Digest, Sha256};

const KEY_PREFIX: &str = "bp_";

/// Hex SHA-256 of a presented key.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Mints a key, stores its hash, and returns the secret once.
pub async fn create_key(
    store: &dyn Store,
    request: CreateKeyRequest,
) -> StoreResult<CreateKeyResponse> {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let key = format!("{KEY_PREFIX}{}", hex::encode(secret));
    let record = NewApiKey {
        id: uuid::Uuid::now_v7(),
        name: request.name.clone(),
        key_hash: hash_key(&key),
        key_prefix: key[..KEY_PREFIX.len() + 6].to_owned(),
        tier: request.tier,
        role: request.role,
        rate_limit: request.rate_limit,
        created_at: bp_store::to_stored_precision(chrono::Utc::now()),
    };
    store.create_key(&record).await?;
    Ok(CreateKeyResponse {
        id: record.id,
        key,
        name: request.name,
        tier: request.tier,
        role: request.role,
        rate_limit: request.rate_limit,
    })
}
