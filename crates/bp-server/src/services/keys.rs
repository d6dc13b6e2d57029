//! API keys: minting, rotation, revocation, and the lookup every authenticated request makes.
//!
//! Keys are 256 random bits, so a plain SHA-256 is the right hash: brute force is hopeless
//! and lookups stay one index probe. Only the hash is stored; the secret is shown once.
//! A lookup is cached for at most one metrics window, so a key revoked on one instance of a
//! fleet stops working on every instance within a window; expiry and a rotated secret's
//! overlap are checked on every request, cached or not.

use bp_api::{CreateKeyRequest, CreateKeyResponse, KeyInfo, RateLimit, RotateKeyResponse};
use bp_store::{ApiKeyRecord, KeyRotation, NewApiKey, Store, StoreError};
use chrono::{DateTime, Utc};
use dashmap::DashMap;
use moka::future::Cache;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

const KEY_PREFIX: &str = "bp_";
const MAX_KEY_NAME_CHARS: usize = 100;
const KEY_CACHE_ENTRIES: u64 = 100_000;
/// A key's last use is written at most this often per instance: the figure is for
/// humans ("is this key still used?"), and a write per request would double the load.
const LAST_USED_RESOLUTION_US: i64 = 60_000_000;

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
    // An expiry already past is taken as given (the key is born expired, and listed so),
    // as any well-formed time is: the command line refuses lifetimes under a minute.
    let now = Utc::now();
    let (key, key_hash, key_prefix) = new_secret();
    let record = NewApiKey {
        id: uuid::Uuid::now_v7(),
        name: request.name.clone(),
        key_hash,
        key_prefix,
        tier: request.tier,
        role: request.role,
        rate_limit: request.rate_limit,
        created_at: bp_store::to_stored_precision(now),
        expires_at: request.expires_at.map(bp_store::to_stored_precision),
    };
    store.create_key(&record).await?;
    Ok(CreateKeyResponse {
        id: record.id,
        key,
        name: request.name,
        tier: request.tier,
        role: request.role,
        rate_limit: request.rate_limit,
        expires_at: record.expires_at,
    })
}

/// A fresh secret, its hash and its recognisable prefix.
fn new_secret() -> (String, String, String) {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let key = format!("{KEY_PREFIX}{}", hex::encode(secret));
    let hash = hash_key(&key);
    let prefix = key[..KEY_PREFIX.len() + 6].to_owned();
    (key, hash, prefix)
}

/// Gives key `id` a new secret; the old one keeps working for `overlap`. `None` when no
/// live key has this id.
pub async fn rotate_key(
    store: &dyn Store,
    id: Uuid,
    overlap: Duration,
) -> Result<Option<RotateKeyResponse>, StoreError> {
    let (key, key_hash, key_prefix) = new_secret();
    let overlap = chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::zero());
    let previous_valid_until = bp_store::to_stored_precision(Utc::now() + overlap);
    let rotated = store
        .rotate_key(&KeyRotation {
            id,
            key_hash,
            key_prefix,
            previous_valid_until,
        })
        .await?;
    Ok(rotated.then_some(RotateKeyResponse {
        id,
        key,
        previous_secret_valid_until: previous_valid_until,
    }))
}

/// What a listing shows of a key: everything but secrets and hashes.
pub fn info(key: &ApiKeyRecord) -> KeyInfo {
    KeyInfo {
        id: key.id,
        name: key.name.clone(),
        key_prefix: key.key_prefix.clone(),
        tier: key.tier,
        role: key.role,
        rate_limit: key.rate_limit,
        created_at: key.created_at,
        expires_at: key.expires_at,
        last_used_at: key.last_used_at,
        previous_secret_valid_until: key.previous_valid_until,
        revoked: key.revoked,
    }
}

/// Whether the key a secret hashing to `hash` found still opens the door at `now`: not
/// revoked, not expired, and, when it is the secret from before a rotation, within its
/// overlap.
fn valid(key: &ApiKeyRecord, hash: &str, now: DateTime<Utc>) -> bool {
    let current = key.key_hash == hash;
    let overlap_ok = current || key.previous_valid_until.is_some_and(|until| now < until);
    !key.revoked && key.expires_at.is_none_or(|at| now < at) && overlap_ok
}

/// The keys of one store, with the lookups of presented secrets cached.
pub struct Keys {
    store: Arc<dyn Store>,
    /// By secret hash: the stored key it found (valid or not), or none.
    known: Cache<String, Option<Arc<ApiKeyRecord>>>,
    /// When this instance last queued a key's use for writing.
    last_queued: DashMap<Uuid, i64>,
    /// Uses waiting for [`Keys::flush_last_used`].
    pending_uses: Mutex<Vec<(Uuid, i64)>>,
}

impl Keys {
    /// `cache_ttl`: how long a lookup is trusted, the longest a revocation on another
    /// instance of the fleet goes unseen here (one metrics window).
    pub fn new(store: Arc<dyn Store>, cache_ttl: Duration) -> Self {
        Keys {
            store,
            known: Cache::builder()
                .max_capacity(KEY_CACHE_ENTRIES)
                .time_to_live(cache_ttl)
                .build(),
            last_queued: DashMap::new(),
            pending_uses: Mutex::new(Vec::new()),
        }
    }

    /// Mints a key; see [`create_key`].
    pub async fn mint(&self, request: CreateKeyRequest) -> Result<CreateKeyResponse, MintError> {
        create_key(self.store.as_ref(), request).await
    }

    /// Revokes key `id` (false: no such key); this instance forgets every lookup at once,
    /// the others within their cache's lifetime.
    pub async fn revoke(&self, id: Uuid) -> Result<bool, StoreError> {
        let revoked = self.store.revoke_key(id).await?;
        self.known.invalidate_all();
        Ok(revoked)
    }

    /// A new secret for key `id`; see [`rotate_key`].
    pub async fn rotate(
        &self,
        id: Uuid,
        overlap: Duration,
    ) -> Result<Option<RotateKeyResponse>, StoreError> {
        let rotated = rotate_key(self.store.as_ref(), id, overlap).await?;
        self.known.invalidate_all();
        Ok(rotated)
    }

    /// The valid key a presented secret belongs to, if any.
    pub async fn lookup(&self, secret: &str) -> Result<Option<Arc<ApiKeyRecord>>, StoreError> {
        let hash = hash_key(secret);
        let found = match self.known.get(&hash).await {
            Some(hit) => hit,
            None => {
                let found = self.store.find_key_by_hash(&hash).await?.map(Arc::new);
                self.known.insert(hash.clone(), found.clone()).await;
                found
            }
        };
        let now = Utc::now();
        let valid = found.filter(|k| valid(k, &hash, now));
        if let Some(key) = &valid {
            self.note_use(key.id, now.timestamp_micros());
        }
        Ok(valid)
    }

    fn note_use(&self, id: Uuid, now_us: i64) {
        let mut last = self.last_queued.entry(id).or_insert(i64::MIN);
        if now_us.saturating_sub(*last) >= LAST_USED_RESOLUTION_US {
            *last = now_us;
            drop(last);
            if let Ok(mut pending) = self.pending_uses.lock() {
                pending.push((id, now_us));
            }
        }
    }

    /// Writes the uses noted since the last call (once a window, off the request path).
    pub async fn flush_last_used(&self) -> Result<(), StoreError> {
        let used = match self.pending_uses.lock() {
            Ok(mut pending) => std::mem::take(&mut *pending),
            Err(_) => return Ok(()),
        };
        if used.is_empty() {
            return Ok(());
        }
        self.store.touch_keys(&used).await
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
            expires_at: None,
        }
    }

    #[tokio::test]
    async fn a_minted_key_is_stored_as_a_hash_and_found_by_its_secret() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(&dir).await;
        let keys = Keys::new(store.clone(), Duration::from_secs(5));
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
        let keys = Keys::new(store(&dir).await, Duration::from_secs(5));
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
