//! `keys create|list|revoke|rotate`: key management directly on the store (the bootstrap
//! path for the first admin, and the operator's when no admin key is at hand). Every change
//! goes into the audit log as done by the command line.

use crate::cli::{CreateKeyArgs, KeyIdArgs, ListKeysArgs, RotateKeyArgs};
use bp_api::CreateKeyRequest;
use bp_server::{Actor, audit};
use std::process::ExitCode;

pub async fn create(args: CreateKeyArgs) -> anyhow::Result<ExitCode> {
    let store = bp_store::open(&args.storage.store_config()).await?;
    let expires_at = match args.expires {
        Some(lifetime) => Some(chrono::Utc::now() + chrono::Duration::from_std(lifetime)?),
        None => None,
    };
    let created = bp_server::create_key(
        store.as_ref(),
        CreateKeyRequest {
            name: args.name,
            tier: args.tier,
            role: args.role,
            rate_limit: args.rate_limit,
            expires_at,
        },
    )
    .await?;
    let limit = match created.rate_limit {
        None => "tier default".to_owned(),
        Some(bp_api::RateLimit::Unlimited) => "unlimited".to_owned(),
        Some(bp_api::RateLimit::PerMinute(n)) => format!("{n}/min"),
    };
    let expiry = created
        .expires_at
        .map_or("never expires".to_owned(), |at| format!("expires {at}"));
    audit::record(
        store.as_ref(),
        &Actor::command_line(),
        "key.create",
        &created.id.to_string(),
        format!(
            "created \"{}\": {} role, {} tier, {expiry}",
            created.name,
            created.role.as_str(),
            created.tier
        ),
    )
    .await?;
    println!(
        "created key {} (name {}, tier {}, role {}, rate limit {limit}, {expiry}); store it now, it is not shown again:",
        created.id,
        created.name,
        created.tier,
        created.role.as_str()
    );
    // Alone on the last line, so scripts can take it with `tail -n1`.
    println!("{}", created.key);
    Ok(ExitCode::SUCCESS)
}

pub async fn list(args: ListKeysArgs) -> anyhow::Result<ExitCode> {
    let store = bp_store::open(&args.storage.store_config()).await?;
    let keys: Vec<_> = store
        .list_keys()
        .await?
        .iter()
        .map(bp_server::key_info)
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&keys)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<36}  {:<20}  {:<9}  {:<6}  {:<10}  {:<8}  {:<20}  last used",
        "id", "name", "prefix", "role", "tier", "state", "expires"
    );
    let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or("-".to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string())
    };
    for k in &keys {
        let now = chrono::Utc::now();
        let state = if k.revoked {
            "revoked"
        } else if k.expires_at.is_some_and(|at| at <= now) {
            "expired"
        } else {
            "active"
        };
        let name: String = k.name.chars().take(20).collect();
        println!(
            "{:<36}  {:<20}  {:<9}  {:<6}  {:<10}  {:<8}  {:<20}  {}",
            k.id,
            name,
            k.key_prefix,
            k.role.as_str(),
            k.tier.as_str(),
            state,
            day(k.expires_at),
            day(k.last_used_at)
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn revoke(args: KeyIdArgs) -> anyhow::Result<ExitCode> {
    let store = bp_store::open(&args.storage.store_config()).await?;
    if !store.revoke_key(args.id).await? {
        eprintln!("no key {}", args.id);
        return Ok(ExitCode::from(2));
    }
    audit::record(
        store.as_ref(),
        &Actor::command_line(),
        "key.revoke",
        &args.id.to_string(),
        "revoked".to_owned(),
    )
    .await?;
    println!(
        "revoked key {}: every instance refuses it within one metrics window",
        args.id
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn rotate(args: RotateKeyArgs) -> anyhow::Result<ExitCode> {
    let store = bp_store::open(&args.storage.store_config()).await?;
    let Some(rotated) = bp_server::rotate_key(store.as_ref(), args.id, args.overlap).await? else {
        eprintln!("no live key {}", args.id);
        return Ok(ExitCode::from(2));
    };
    audit::record(
        store.as_ref(),
        &Actor::command_line(),
        "key.rotate",
        &args.id.to_string(),
        format!(
            "new secret; the previous one works until {}",
            rotated.previous_secret_valid_until
        ),
    )
    .await?;
    println!(
        "rotated key {}; the previous secret works until {}. The new one, shown once:",
        rotated.id, rotated.previous_secret_valid_until
    );
    println!("{}", rotated.key);
    Ok(ExitCode::SUCCESS)
}
