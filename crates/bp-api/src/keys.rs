//! API keys, tiers (the user segment) and roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;
use uuid::Uuid;

/// A key's commercial tier; it is the user segment of every request made with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Free,
    Pro,
    Enterprise,
}

impl Tier {
    pub const ALL: &'static [Tier] = &[Tier::Free, Tier::Pro, Tier::Enterprise];

    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Pro => "pro",
            Tier::Enterprise => "enterprise",
        }
    }
}

impl FromStr for Tier {
    type Err = crate::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tier::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| crate::UnknownName {
                kind: "tier",
                name: s.to_owned(),
            })
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a request, for metrics: a key's tier or `anonymous`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Anonymous,
    Free,
    Pro,
    Enterprise,
}

impl From<Tier> for Segment {
    fn from(t: Tier) -> Self {
        match t {
            Tier::Free => Segment::Free,
            Tier::Pro => Segment::Pro,
            Tier::Enterprise => Segment::Enterprise,
        }
    }
}

impl Segment {
    pub const fn as_str(self) -> &'static str {
        match self {
            Segment::Anonymous => "anonymous",
            Segment::Free => "free",
            Segment::Pro => "pro",
            Segment::Enterprise => "enterprise",
        }
    }
}

/// What a key may do. Not a ladder: a `viewer` reads the service's figures (metrics,
/// exports, the live stream, load runs, alerts) and nothing else; a `user` calls the
/// product API and sees its own history, but not the figures of the whole service, which
/// are every tenant's business data; an `admin` does both and administers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    #[default]
    User,
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    /// Reads the service's figures: metrics, exports, stream, load runs, alerts.
    pub const fn may_observe(self) -> bool {
        matches!(self, Role::Viewer | Role::Admin)
    }

    /// Calls the product API (enhance, batch, history, feedback).
    pub const fn may_use_api(self) -> bool {
        matches!(self, Role::User | Role::Admin)
    }
}

impl FromStr for Role {
    type Err = crate::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "user" => Ok(Role::User),
            "admin" => Ok(Role::Admin),
            _ => Err(crate::UnknownName {
                kind: "role",
                name: s.to_owned(),
            }),
        }
    }
}

/// A key's own request budget, overriding its tier's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimit {
    /// Requests per minute, at least 1 (the key service refuses 0).
    #[serde(deserialize_with = "crate::integral::de")]
    PerMinute(u32),
    /// No limit: for load tests.
    Unlimited,
}

/// Written by hand rather than derived: utoipa cannot bound a variant's field, and the
/// document must say what the server accepts (1 to 2³²−1 per minute).
impl utoipa::PartialSchema for RateLimit {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        let per_minute = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .maximum(Some(u32::MAX))
            .description(Some("Requests per minute."));
        OneOfBuilder::new()
            .description(Some("A key's own request budget, overriding its tier's."))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .property("per_minute", per_minute)
                    .required("per_minute")
                    // serde reads exactly one key: anything beside it is refused.
                    .additional_properties(Some(AdditionalProperties::FreeForm(false))),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["unlimited"]))
                    .description(Some("No limit: for load tests.")),
            )
            .into()
    }
}

impl ToSchema for RateLimit {}

impl FromStr for RateLimit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "unlimited" {
            return Ok(RateLimit::Unlimited);
        }
        match s.parse::<u32>() {
            Ok(n) if n > 0 => Ok(RateLimit::PerMinute(n)),
            _ => Err(format!(
                "rate limit must be a positive number of requests per minute or `unlimited`, got `{s}`"
            )),
        }
    }
}

/// `POST /api/v1/admin/keys` (admin role).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "ci", "tier": "pro", "rate_limit": {"per_minute": 600}}))]
pub struct CreateKeyRequest {
    /// 1..=100 characters, not only whitespace.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\s\x1c-\x1f\x85\ufeff]"
    )]
    pub name: String,
    pub tier: Tier,
    #[serde(default)]
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// When the key stops working (a time already past makes a key born expired); none: it
    /// works until revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// The secret `key` appears here once and is never retrievable again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateKeyResponse {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub tier: Tier,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// One key of `GET /api/v1/admin/keys`: everything but its secret, which is never stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct KeyInfo {
    pub id: Uuid,
    pub name: String,
    /// The secret's first characters, to recognise it.
    pub key_prefix: String,
    pub tier: Tier,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// When a request last presented it (updated at most once a minute per instance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<DateTime<Utc>>,
    /// Until when the secret it had before its last rotation still works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// `POST /api/v1/admin/keys/{id}/rotate`: a new secret for the same key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateKeyRequest {
    /// How long the old secret keeps working beside the new one, so clients can switch
    /// without a failed request: 0 (at once) to 30 days.
    #[serde(default = "default_overlap", deserialize_with = "crate::integral::de")]
    #[schema(minimum = 0, maximum = 2_592_000, default = 86_400)]
    pub overlap_seconds: u32,
}

/// The longest rotation overlap: 30 days.
pub const MAX_ROTATION_OVERLAP_S: u32 = 30 * 24 * 3600;

fn default_overlap() -> u32 {
    24 * 3600
}

/// The rotated key: its new secret, shown once, and how long the old one still works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RotateKeyResponse {
    pub id: Uuid,
    pub key: String,
    pub previous_secret_valid_until: DateTime<Utc>,
}

/// One entry of the audit log (`GET /api/v1/admin/audit`): an administrative action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// The admin key that acted (its id and name), or none for the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_key_id: Option<Uuid>,
    pub actor: String,
    /// `key.create`, `key.revoke`, `key.rotate`, `faults.set`, `faults.clear`.
    pub action: String,
    /// What it acted on: a key's id, or the fault switch.
    pub target: String,
    /// What changed, in words; never a secret.
    pub detail: String,
}
