//! API keys: minting, and the lookup every authenticated request makes.
//!
//! Keys are 256 random bits, so a plain SHA-256 is the right hash: brute force is hopeless
//! and lookups stay one index probe. Only the hash is stored; the secret is shown once.

use bp_api::{CreateKeyRequest, CreateKeyResponse, RateLimit};
use bp_store::{ApiKeyRecord, NewApiKey, Store, StoreError};
use moka::future::Cache;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

const KEY_PREFIX: &str = "bp_";
const MAX_KEY_NAME_CHARS: usize = 100;
/// How long a key lookup (found or not) is remembered. Short enough that a revoked key
/// stops working quickly, long enough that load does not become one query per request.
const KEY_CACHE_TTL: Duration = Duration::from_secs(30);
const KEY_CACHE_ENTRIES: u64 = 100_000;

/// Why a key was not minted.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    #[error("name must have 1 to {MAX_KEY_NAME_CHARS} characters")]
    InvalidName,
    #[error("a rate limit is at least 1 request per minute (or `unlimited`)")]
    InvalidRateLimit,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Hex SHA-256 of a presented key.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Mints a key, stores its hash, and returns the secret once.
pub async fn create_key(
    store: &dyn Store,
    request: CreateKeyRequest,
) -> Result<CreateKeyResponse, MintError> {
    // Blank is refused; the limit counts every character, as the OpenAPI document says.
    let name_chars = request.name.chars().count();
    if bp_api::limits::is_blank(&request.name) || name_chars > MAX_KEY_NAME_CHARS {
        return Err(MintError::InvalidName);
    }
    if request.rate_limit == Some(RateLimit::PerMinute(0)) {
        return Err(MintError::InvalidRateLimit);
    }
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

/// The keys of one store, with the lookups of presented secrets cached.
pub struct Keys {
    store: Arc<dyn Store>,
    known: Cache<String, Option<Arc<ApiKeyRecord>>>,
}

impl Keys {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Keys {
            store,
            known: Cache::builder()
                .max_capacity(KEY_CACHE_ENTRIES)
                .time_to_live(KEY_CACHE_TTL)
                .build(),
        }
    }

    /// Mints a key; see [`create_key`].
    pub async fn mint(&self, request: CreateKeyRequest) -> Result<CreateKeyResponse, MintError> {
        create_key(self.store.as_ref(), request).await
    }

    /// The live (not revoked) key a presented secret belongs to, if any.
    pub async fn lookup(&self, secret: &str) -> Result<Option<Arc<ApiKeyRecord>>, StoreError> {
        let hash = hash_key(secret);
        if let Some(hit) = self.known.get(&hash).await {
            return Ok(hit);
        }
        let found = self
            .store
            .find_key_by_hash(&hash)
            .await?
            .filter(|k| !k.revoked)
            .map(Arc::new);
        self.known.insert(hash, found.clone()).await;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bp_api::{RateLimit, Role, Tier};
    use bp_store::StoreConfig;

    async fn store(dir: &tempfile::TempDir) -> Arc<dyn Store> {
        let config = StoreConfig::Sqlite {
            path: dir.path().join("keys.sqlite3"),
        };
        bp_store::open(&config).await.expect("store opens")
    }

    fn request(name: &str) -> CreateKeyRequest {
        CreateKeyRequest {
            name: name.to_owned(),
            tier: Tier::Pro,
            role: Role::User,
            rate_limit: Some(RateLimit::PerMinute(5)),
        }
    }

    #[tokio::test]
    async fn a_minted_key_is_stored_as_a_hash_and_found_by_its_secret() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(&dir).await;
        let keys = Keys::new(store.clone());
        let minted = keys.mint(request("ci")).await.expect("minted");
        assert!(minted.key.starts_with(KEY_PREFIX));
        assert_eq!(minted.key.len(), KEY_PREFIX.len() + 64);

        let stored = store
            .find_key_by_hash(&hash_key(&minted.key))
            .await
            .expect("reads")
            .expect("stored under its hash");
        assert_ne!(stored.key_hash, minted.key);
        assert_eq!(stored.key_prefix, minted.key[..9]);

        let found = keys.lookup(&minted.key).await.expect("reads");
        let found = found.expect("the secret finds its key");
        assert_eq!(
            (found.id, found.tier, found.rate_limit),
            (minted.id, Tier::Pro, Some(RateLimit::PerMinute(5)))
        );
        let other = format!("{}0", &minted.key[..minted.key.len() - 1]);
        assert!(keys.lookup(&other).await.expect("reads").is_none());
    }

    #[tokio::test]
    async fn a_name_must_be_one_to_a_hundred_characters() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keys = Keys::new(store(&dir).await);
        for bad in ["", "   ", &"n".repeat(MAX_KEY_NAME_CHARS + 1)] {
            assert!(matches!(
                keys.mint(request(bad)).await,
                Err(MintError::InvalidName)
            ));
        }
        keys.mint(request(&"é".repeat(MAX_KEY_NAME_CHARS)))
            .await
            .expect("100 characters (200 bytes) is a valid name");
    }
}
