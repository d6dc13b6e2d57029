//! `keys create`: mint a key directly in the store (the bootstrap path for the first admin).

use crate::cli::CreateKeyArgs;
use bp_api::CreateKeyRequest;
use std::process::ExitCode;

pub async fn create(args: CreateKeyArgs) -> anyhow::Result<ExitCode> {
    let store = bp_store::open(&args.storage.store_config()).await?;
    let created = bp_server::create_key(
        store.as_ref(),
        CreateKeyRequest {
            name: args.name,
            tier: args.tier,
            role: args.role,
            rate_limit: args.rate_limit,
        },
    )
    .await?;
    let limit = match created.rate_limit {
        None => "tier default".to_owned(),
        Some(bp_api::RateLimit::Unlimited) => "unlimited".to_owned(),
        Some(bp_api::RateLimit::PerMinute(n)) => format!("{n}/min"),
    };
    println!(
        "created key {} (name {}, tier {}, role {}, rate limit {limit}); store it now, it is not shown again:",
        created.id,
        created.name,
        created.tier,
        created.role.as_str()
    );
    // Alone on the last line, so scripts can take it with `tail -n1`.
    println!("{}", created.key);
    Ok(ExitCode::SUCCESS)
}
